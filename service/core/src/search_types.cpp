#include "archive/search_types.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "archive/entitlement.hpp"
#include "json_writer.hpp"

namespace archive {
namespace {

// The kFacetValues most frequent, then by value: one order for identical inputs.
void write(JsonWriter& out, const Facets::Counts& counts) {
  std::vector<std::pair<std::string_view, std::size_t>> items(counts.begin(), counts.end());
  auto shown = std::min(items.size(), kFacetValues);
  std::partial_sort(items.begin(), items.begin() + shown, items.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  out.begin_array();
  for (std::size_t i = 0; i < shown; ++i)
    out.begin_object()
        .key("value")
        .value(items[i].first)
        .key("count")
        .value(items[i].second)
        .end_object();
  out.end_array();
}

void write(JsonWriter& out, const SearchHit& hit) {
  out.begin_object();
  out.key("id").value(hit.id).key("url").value(hit.url).key("title").value(hit.title);
  out.key("kind").value(hit.kind).key("access").value(hit.access).key("published");
  if (hit.published)
    out.value(*hit.published);
  else
    out.null();
  out.key("authors").begin_array();
  for (const auto& author : hit.authors) out.value(author);
  out.end_array().key("tags").begin_array();
  for (const auto& tag : hit.tags) out.value(tag);
  out.end_array().key("snippet").value(hit.snippet).key("section");
  if (hit.section.empty())
    out.null();
  else
    out.value(hit.section);
  out.end_object();
}

}  // namespace

CallerTier parse_caller_tier(const std::string& name) {
  if (name == "public") return CallerTier::Public;
  if (name == "member") return CallerTier::Member;
  if (name == "editor") return CallerTier::Editor;
  throw std::invalid_argument("tier must be public, member or editor, not \"" + name + "\"");
}

nlohmann::ordered_json to_json(const SearchHit& hit) {
  JsonWriter out;
  write(out, hit);
  return nlohmann::ordered_json::parse(out.take());
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

std::string json_text(const SearchResponse& r) {
  JsonWriter out;
  out.begin_object().key("query").value(r.query).key("total_estimate").value(r.total_estimate);
  out.key("offset").value(r.offset).key("limit").value(r.limit);
  out.key("corrected_query").value(r.corrected_query).key("results").begin_array();
  for (const auto& hit : r.results) write(out, hit);
  out.end_array();
  if (r.facets) {
    out.key("facets").begin_object().key("matches").value(r.facets->matches);
    write(out.key("tag"), r.facets->tag);
    write(out.key("kind"), r.facets->kind);
    write(out.key("year"), r.facets->year);
    out.end_object();
  }
  out.key("took_ms").value(r.took_ms).end_object();
  return out.take();
}

nlohmann::ordered_json to_json(const SearchResponse& r) {
  return nlohmann::ordered_json::parse(json_text(r));
}

}  // namespace archive
