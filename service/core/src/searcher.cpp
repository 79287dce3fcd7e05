#include "archive/searcher.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "archive/generation_store.hpp"
#include "archive/layout.hpp"
#include "archive/search_scope.hpp"
#include "archive/snippet_source.hpp"
#include "facets.hpp"

namespace archive {
namespace {

void check_request(const SearchRequest& request, const SearchLimits& limits) {
  if (request.limit < 1 || request.limit > limits.max_limit)
    throw QueryError("limit: must be between 1 and " + std::to_string(limits.max_limit));
  if (request.offset + request.limit > limits.max_depth)
    throw QueryError("offset + limit: must be at most " + std::to_string(limits.max_depth));
}

SearchHit make_hit(const Xapian::MSet& mset, const Xapian::Document& doc) {
  auto data = nlohmann::json::parse(doc.get_data());
  SearchHit hit;
  hit.id = data.value("id", "");
  hit.url = data.value("url", "");
  hit.title = data.value("title", "");
  hit.kind = data.value("kind", "");
  hit.access = data.value("access", "");
  if (data["published"].is_string()) hit.published = data["published"].get<std::string>();
  hit.tags = data.value("tags", std::vector<std::string>{});
  hit.snippet = make_snippet(mset, snippet_text(data));
  return hit;
}

}  // namespace

Xapian::BM25Weight ranking_weight() { return Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5); }

Searcher::Searcher(std::filesystem::path root, SearchLimits limits)
    : root_(std::move(root)),
      limits_(limits),
      generation_(IndexGeneration::open_current(root_)),
      builder_(limits.query) {}

bool Searcher::refresh() {
  auto name = current_generation(root_);
  if (!name || *name == generation_.name()) return false;
  generation_ = IndexGeneration::open_current(root_);
  return true;
}

SearchResponse Searcher::search(const SearchRequest& request,
                                const Entitlement& entitlement) const {
  auto start = std::chrono::steady_clock::now();
  check_request(request, limits_);
  auto scope = scope_for(generation_, entitlement);
  auto parsed = builder_.parse(request.query, scope.db, request.partial);
  auto query = parsed.query.empty() ? Xapian::Query::MatchAll : parsed.query;
  query = scope.restrict(Xapian::Query(Xapian::Query::OP_FILTER, query, builder_.filters(request)));

  Xapian::Enquire enquire(scope.db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(ranking_weight());
  if (request.sort == SortOrder::Newest)
    enquire.set_sort_by_value_then_relevance(layout::slot::kPublished, true);

  SearchResponse response;
  response.query = request.query;
  response.offset = request.offset;
  response.limit = request.limit;
  response.corrected_query = parsed.corrected;
  Xapian::doccount check_at_least = request.offset + request.limit + 100;
  std::optional<FacetCounter> counter;
  if (request.facets) {
    response.facets.emplace();
    counter.emplace(*response.facets);
    enquire.add_matchspy(&*counter);
    check_at_least = scope.db.get_doccount();  // exact counts need every match seen
  }
  auto mset = enquire.get_mset(request.offset, request.limit, check_at_least);
  response.total_estimate = mset.get_matches_estimated();
  for (auto it = mset.begin(); it != mset.end(); ++it)
    response.results.push_back(make_hit(mset, it.get_document()));
  response.took_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return response;
}

}  // namespace archive
