// The database a caller's query runs on. Ranking statistics (document lengths, term
// frequencies) cover the whole database a query runs on, so the choice of database is
// what keeps member text from moving an anonymous caller's answers.
#pragma once

#include <xapian.h>

#include <list>
#include <set>
#include <string>

#include "archive/entitlement.hpp"
#include "archive/index_generation.hpp"

namespace archive {

class FacetTable;

struct SearchScope {
  Xapian::Database db;
  // The tier db starts with (an overlay may follow it) and the generation it belongs to.
  const IndexGeneration* generation = nullptr;
  const Xapian::Database* tier = nullptr;
  Xapian::doccount databases = 1;
  // Documents to leave out of every match: the public copies of unlocked pages, whose
  // full copies sit in an overlay. MatchNothing when there are none.
  Xapian::Query hidden = Xapian::Query::MatchNothing;

  // Restricts `query` to what this scope may show.
  Xapian::Query restrict(const Xapian::Query& query) const;

  // The facet values of the tier's documents (read once per generation) when the search
  // runs on the tier alone; null with an overlay, whose documents the table does not hold.
  const FacetTable* facet_table() const;
};

// Pages one caller may unlock. Each costs about 4 ms to copy into an overlay at 10k
// articles (Xapian reads a position list per term of the page), so the core, where the
// cost is, refuses more with a QueryError.
inline constexpr std::size_t kMaxUnlockedPages = 20;

// Public callers: the public tier. Members and editors: the full tier. A public caller
// with unlocks: the public tier plus an in-memory overlay holding the full copies of the
// unlocked pages that have member text, their public copies hidden.
SearchScope scope_for(const IndexGeneration& generation, const Entitlement& entitlement);

// The scopes of the last few unlock sets, so that the requests of one token build its
// overlay once, not once each. At most kCapacity overlays (of at most kMaxUnlockedPages
// pages each), the least recently used dropped first. Belongs to one Searcher and, like
// it, to one thread; clear() it when the generation changes.
class ScopeCache {
 public:
  static constexpr std::size_t kCapacity = 4;

  SearchScope get(const IndexGeneration& generation, const Entitlement& entitlement);
  void clear() { recent_.clear(); }

 private:
  std::list<std::pair<std::set<std::string>, SearchScope>> recent_;  // most recent first
};

}  // namespace archive
