#include "archive/generation_tables.hpp"

#include "facets.hpp"

namespace archive {

std::shared_ptr<const FacetTable> GenerationTables::facet_table(const std::string& generation,
                                                                std::string_view tier,
                                                                const Xapian::Database& db) {
  auto key = generation + '\0' + std::string(tier) + '\0' + db.get_uuid();
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    forget_unused();
    auto& slot = entries_[key];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  // Readers of other tables go on meanwhile: only this entry is locked while it is read.
  std::lock_guard reading(entry->reading);
  auto table = entry->table.lock();
  if (!table) {
    table = std::make_shared<const FacetTable>(db);
    entry->table = table;
  }
  return table;
}

std::size_t GenerationTables::live_tables() const {
  std::lock_guard lock(mutex_);
  std::size_t live = 0;
  for (const auto& [key, entry] : entries_) live += !entry->table.expired();
  return live;
}

void GenerationTables::forget_unused() {
  std::erase_if(entries_, [](const auto& item) {
    const auto& entry = item.second;
    return entry.use_count() == 1 && entry->table.expired();
  });
}

}  // namespace archive
