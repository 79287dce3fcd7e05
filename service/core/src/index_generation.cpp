#include "archive/index_generation.hpp"

#include "archive/index_directory.hpp"
#include "archive/layout.hpp"
#include "archive/search_types.hpp"
#include "facets.hpp"

namespace archive {

IndexGeneration IndexGeneration::open_current(const std::filesystem::path& root,
                                              std::shared_ptr<GenerationTables> tables) {
  // An indexer may publish twice and remove the generation CURRENT named between our
  // reading CURRENT and opening it; read it again then.
  for (int attempt = 0;; ++attempt) {
    auto name = current_generation(root);
    if (!name)
      throw NoIndexError(root.string() +
                         ": no index has been published here yet; run "
                         "archive-index --index " +
                         root.string() + " FILE.jsonl");
    try {
      check_generation_format(root, *name);
      return IndexGeneration(
          *name, Xapian::Database(tier_path(root, *name, layout::kPublicTier).string()),
          Xapian::Database(tier_path(root, *name, layout::kFullTier).string()), tables);
    } catch (const Xapian::DatabaseOpeningError&) {
      if (attempt == 3) throw;
    } catch (const IndexDirectoryError& e) {
      if (attempt == 3) throw NoIndexError(e.what());
    }
  }
}

const FacetTable& IndexGeneration::facet_table(const Xapian::Database& tier) const {
  bool full = &tier == &full_tier_;
  auto& table = full ? full_facets_ : public_facets_;
  if (!table)
    table = tables_->facet_table(name_, full ? layout::kFullTier : layout::kPublicTier, tier);
  return *table;
}

std::string IndexGeneration::readiness_problem(const std::string& current) const {
  if (name_ != current)
    return "serving " + name_ + " but CURRENT names " + (current.empty() ? "nothing" : current);
  for (auto [tier, db] :
       {std::pair{layout::kPublicTier, &public_tier_}, std::pair{layout::kFullTier, &full_tier_}}) {
    auto what = std::string("the ") + std::string(tier) + " tier of " + name_;
    if (db->get_doccount() == 0) return what + " holds no documents";
    auto stamped = db->get_metadata(std::string(layout::kGenerationKey));
    if (stamped != name_)
      return what + " carries generation \"" + stamped + "\"; copy the generation again";
  }
  return "";
}

}  // namespace archive
