#include "facets.hpp"

#include "archive/layout.hpp"

namespace archive {
namespace {

// Called for up to a thousand matches per search: look up without making a string.
void count(Facets::Counts& counts, std::string_view key) {
  if (auto it = counts.find(key); it != counts.end())
    ++it->second;
  else
    counts.emplace(key, 1);
}

}  // namespace

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  namespace slot = layout::slot;
  auto tags = doc.get_value(slot::kTags);
  std::string_view rest(tags);
  while (!rest.empty()) {
    auto end = std::min(rest.find(layout::kListSeparator), rest.size());
    count(facets_.tag, rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  if (auto kind = doc.get_value(slot::kKind); !kind.empty()) count(facets_.kind, kind);
  if (auto date = doc.get_value(slot::kPublished); date.size() >= 4)
    count(facets_.year, std::string_view(date).substr(0, 4));
}

}  // namespace archive
