#include "archive/search_types.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "archive/entitlement.hpp"

namespace archive {
namespace {

// The kFacetValues most frequent, then by value: one order for identical inputs.
nlohmann::ordered_json facet_list(const Facets::Counts& counts) {
  std::vector<std::pair<std::string_view, std::size_t>> items(counts.begin(), counts.end());
  auto shown = std::min(items.size(), kFacetValues);
  std::partial_sort(items.begin(), items.begin() + shown, items.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  items.resize(shown);
  auto out = nlohmann::ordered_json::array();
  for (const auto& [value, count] : items) out.push_back({{"value", value}, {"count", count}});
  return out;
}

}  // namespace

CallerTier parse_caller_tier(const std::string& name) {
  if (name == "public") return CallerTier::Public;
  if (name == "member") return CallerTier::Member;
  if (name == "editor") return CallerTier::Editor;
  throw std::invalid_argument("tier must be public, member or editor, not \"" + name + "\"");
}

nlohmann::ordered_json to_json(const SearchHit& hit) {
  return {{"id", hit.id},
          {"url", hit.url},
          {"title", hit.title},
          {"kind", hit.kind},
          {"access", hit.access},
          {"published", hit.published ? nlohmann::ordered_json(*hit.published)
                                      : nlohmann::ordered_json(nullptr)},
          {"tags", hit.tags},
          {"snippet", hit.snippet}};
}

nlohmann::ordered_json to_json(const RelatedResponse& r) {
  auto results = nlohmann::ordered_json::array();
  for (const auto& related : r.results) {
    auto item = to_json(related.hit);
    item["shared_terms"] = related.shared_terms;
    results.push_back(std::move(item));
  }
  nlohmann::ordered_json out;
  out["id"] = r.id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.id);
  out["key_terms"] = r.key_terms;
  out["results"] = std::move(results);
  out["took_ms"] = r.took_ms;
  return out;
}

nlohmann::ordered_json to_json(const ArticleView& a) {
  auto outline = nlohmann::ordered_json::array();
  for (const auto& entry : a.outline)
    outline.push_back({{"heading", entry.heading}, {"access", entry.access}});
  auto date = [](const std::optional<std::string>& d) {
    return d ? nlohmann::ordered_json(*d) : nlohmann::ordered_json(nullptr);
  };
  return {{"id", a.id},
          {"url", a.url},
          {"title", a.title},
          {"kind", a.kind},
          {"access", a.access},
          {"published", date(a.published)},
          {"updated", date(a.updated)},
          {"authors", a.authors},
          {"tags", a.tags},
          {"summary", a.summary},
          {"links", a.links},
          {"outline", std::move(outline)}};
}

nlohmann::ordered_json to_json(const SuggestResponse& r) {
  auto titles = nlohmann::ordered_json::array();
  for (const auto& t : r.titles)
    titles.push_back({{"id", t.id}, {"title", t.title}, {"url", t.url}});
  return {{"query", r.query},
          {"completions", r.completions},
          {"titles", std::move(titles)},
          {"took_ms", r.took_ms}};
}

nlohmann::ordered_json to_json(const SearchResponse& r) {
  auto results = nlohmann::ordered_json::array();
  for (const auto& hit : r.results) results.push_back(to_json(hit));
  nlohmann::ordered_json out = {
      {"query", r.query}, {"total_estimate", r.total_estimate},   {"offset", r.offset},
      {"limit", r.limit}, {"corrected_query", r.corrected_query}, {"results", std::move(results)}};
  if (r.facets)
    out["facets"] = {{"matches", r.facets->matches},
                     {"tag", facet_list(r.facets->tag)},
                     {"kind", facet_list(r.facets->kind)},
                     {"year", facet_list(r.facets->year)}};
  out["took_ms"] = r.took_ms;
  return out;
}

}  // namespace archive
