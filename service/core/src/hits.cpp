#include "hits.hpp"

#include "archive/layout.hpp"
#include "archive/searcher.hpp"
#include "archive/snippet_source.hpp"

namespace archive {

SearchHit make_hit(const Xapian::Document& doc, const SnippetSource* snippets) {
  auto data = nlohmann::json::parse(doc.get_value(layout::slot::kHit));
  SearchHit hit;
  hit.id = data.value("id", "");
  hit.url = data.value("url", "");
  hit.title = data.value("title", "");
  hit.kind = data.value("kind", "");
  hit.access = data.value("access", "");
  if (data["published"].is_string()) hit.published = data["published"].get<std::string>();
  hit.tags = data.value("tags", std::vector<std::string>{});
  if (snippets)
    hit.snippet = snippets->snippet(data.value("summary", ""), doc.get_value(layout::slot::kText));
  return hit;
}

Xapian::Enquire make_enquire(const SearchScope& scope, const Xapian::Query& query) {
  Xapian::Enquire enquire(scope.db);
  enquire.set_query(scope.restrict(query));
  enquire.set_weighting_scheme(ranking_weight());
  return enquire;
}

std::optional<Xapian::docid> find_article(const SearchScope& scope, const std::string& id) {
  auto mset =
      make_enquire(scope, Xapian::Query(std::string(layout::prefix::kId) + id)).get_mset(0, 1);
  if (mset.empty()) return std::nullopt;
  return *mset.begin();
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace archive
