#include "facets.hpp"

#include "archive/layout.hpp"

namespace archive {

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  namespace slot = layout::slot;
  auto tags = doc.get_value(slot::kTags);
  for (std::size_t start = 0; start < tags.size();) {
    auto end = tags.find(layout::kListSeparator, start);
    if (end == std::string::npos) end = tags.size();
    ++facets_.tag[tags.substr(start, end - start)];
    start = end + 1;
  }
  if (auto kind = doc.get_value(slot::kKind); !kind.empty()) ++facets_.kind[kind];
  if (auto date = doc.get_value(slot::kPublished); date.size() >= 4)
    ++facets_.year[date.substr(0, 4)];
}

}  // namespace archive
