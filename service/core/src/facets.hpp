// Facet counts (tag, kind, year) over the matches of a query, not just the page shown.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "archive/search_types.hpp"

namespace archive {

enum class FacetField { Kind, Year, Tag };

// Each document's facet values as small ids, read once per tier from
// layout::slot::kFacets: counting a thousand matches is then a thousand array lookups,
// where reading each match's value was a third of a search. Read-only once built.
class FacetTable {
 public:
  explicit FacetTable(const Xapian::Database& tier);

  // The value ids of document `did` of the tier (none for an unknown document).
  std::span<const std::uint32_t> values_of(Xapian::docid did) const;

  std::size_t value_count() const { return values_.size(); }
  FacetField field_of(std::uint32_t id) const { return values_[id].first; }
  const std::string& text_of(std::uint32_t id) const { return values_[id].second; }

 private:
  std::vector<std::uint32_t> start_;  // by docid: where its ids start in ids_
  std::vector<std::uint32_t> ids_;
  std::vector<std::pair<FacetField, std::string>> values_;
};

// Counts the facets of the matches Xapian shows it: from the tier's FacetTable when the
// search runs on the tier alone, from each match's value when an overlay (the full copies
// of unlocked pages) is added to it. Over several databases Xapian hands a spy each
// database's own document ids, with no word of which database a document is from, so a
// table can serve single tiers only.
class FacetCounter : public Xapian::MatchSpy {
 public:
  // `table`: the tier's table when the search runs on the tier alone, else null.
  explicit FacetCounter(const FacetTable* table);
  void operator()(const Xapian::Document& doc, double weight) override;

  // The counts so far, by value.
  Facets facets() const;

 private:
  const FacetTable* table_;
  std::vector<std::size_t> counts_;  // by value id
  Facets others_;                    // counted from values
  std::size_t matches_ = 0;
};

}  // namespace archive
