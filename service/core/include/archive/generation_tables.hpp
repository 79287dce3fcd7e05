// Read-only data derived from a generation's tiers (the facet tables), built once per
// generation and tier and shared by every Searcher of a process. Xapian handles must stay
// one per thread; these tables need not, and a copy per worker thread made a server's
// memory grow with threads x articles (about 12 MiB a thread at 300k articles).
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace archive {

class FacetTable;

// Thread-safe. It holds its tables only weakly: a table lives while some IndexGeneration
// holds it, so the last reader to leave a generation frees that generation's tables.
class GenerationTables {
 public:
  // The facet table of tier `tier` (layout::kPublicTier or kFullTier) of generation
  // `generation`, read from `db` (that tier, opened by the caller's thread) by the first
  // caller; later callers get the same table, waiting while it is being read rather than
  // reading a copy of their own.
  std::shared_ptr<const FacetTable> facet_table(const std::string& generation,
                                                std::string_view tier, const Xapian::Database& db);

  // How many tables are alive (held by some reader) now.
  std::size_t live_tables() const;

 private:
  struct Entry {
    std::mutex reading;  // held while the table is read, so that it is read once
    std::weak_ptr<const FacetTable> table;
  };

  // Drops the entries of tables nobody holds or is reading. Call with mutex_ held.
  void forget_unused();

  mutable std::mutex mutex_;
  // By generation, tier and database UUID: a directory removed and indexed again may
  // reuse a generation's name, never a database's UUID.
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace archive
