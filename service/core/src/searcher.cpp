#include "archive/searcher.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "archive/index_directory.hpp"
#include "archive/layout.hpp"
#include "archive/search_scope.hpp"
#include "archive/snippet_source.hpp"
#include "facets.hpp"
#include "hits.hpp"
#include "ranking.hpp"
#include "title_match.hpp"

namespace archive {
namespace {

// Facets count the best-ranked matches, up to this many (the response says how many).
// Every match would cost 60% of a search at 100k articles; at 10k a thousand cost about a
// quarter of a search, these about a sixth (bench/http, one run each).
constexpr Xapian::doccount kFacetSample = 250;

void check_request(const SearchRequest& request, const SearchLimits& limits) {
  if (request.limit < 1 || request.limit > limits.max_limit)
    throw QueryError("limit: must be between 1 and " + std::to_string(limits.max_limit));
  if (request.offset + request.limit > limits.max_depth)
    throw QueryError("offset + limit: must be at most " + std::to_string(limits.max_depth));
}

Xapian::Query with_filters(const Xapian::Query& query, const Xapian::Query& filters) {
  return filters.empty() ? query : Xapian::Query(Xapian::Query::OP_FILTER, query, filters);
}

// `query` as ranked: an article whose title the query names first (known-item search),
// else, when asked for, with the feedback of its first pass.
Xapian::Query ranked_query(const SearchScope& scope, const SearchRequest& request,
                           const Xapian::Query& query, const Xapian::Query& filters,
                           bool without_wildcards) {
  if (request.sort != SortOrder::Relevance) return query;
  auto named = named_titles(request.query, scope, filters, request.partial);
  if (!named.empty()) return Xapian::Query(Xapian::Query::OP_OR, query, named);
  // Feedback would match the query twice, and a query with wildcards is costly enough
  // once (and already broad): its words are a guess, not a question to expand.
  if (!request.expand || request.partial || !without_wildcards) return query;
  auto first_pass =
      make_enquire(scope, with_filters(query, filters)).get_mset(0, kRanking.feedback_documents);
  return with_feedback(query, scope, first_pass);
}

}  // namespace

Searcher::Searcher(std::filesystem::path root, SearchLimits limits,
                   std::shared_ptr<GenerationTables> tables)
    : root_(std::move(root)),
      limits_(limits),
      tables_(std::move(tables)),
      generation_(IndexGeneration::open_current(root_, tables_)),
      builder_(limits.query) {}

bool Searcher::refresh() {
  auto name = current_generation(root_);
  if (!name || *name == generation_.name()) return false;
  generation_ = IndexGeneration::open_current(root_, tables_);
  scopes_.clear();  // their overlays hold the previous generation's pages
  return true;
}

SearchResponse Searcher::search(const SearchRequest& request,
                                const Entitlement& entitlement) const {
  auto start = std::chrono::steady_clock::now();
  check_request(request, limits_);
  auto response = search_in(scope_of(entitlement), request);
  response.took_ms = milliseconds_since(start);
  return response;
}

SearchResponse Searcher::search_in(const SearchScope& scope, const SearchRequest& request) const {
  auto parsed = builder_.parse(request.query, scope.db, request.partial);
  auto query = parsed.query.empty() ? match_all() : parsed.query;
  auto filters = builder_.filters(request);

  auto wildcards = wildcards_of(query);
  auto ranked = parsed.query.empty()
                    ? query
                    : ranked_query(scope, request, query, filters, wildcards.empty());
  auto enquire = make_enquire(scope, with_filters(ranked, filters));
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
    counter.emplace(scope.facet_table());
    enquire.add_matchspy(&*counter);
    check_at_least = std::max<Xapian::doccount>(check_at_least, kFacetSample);
  }
  auto mset = enquire.get_mset(request.offset, request.limit, check_at_least);
  response.total_estimate = mset.get_matches_estimated();
  if (counter) response.facets = counter->facets();
  std::optional<SnippetSource> snippets;
  // Marks what the caller typed, not the feedback terms.
  if (request.snippets) snippets.emplace(terms_of(query), wildcards);
  for (auto it = mset.begin(); it != mset.end(); ++it)
    response.results.push_back(make_hit(it.get_document(), snippets ? &*snippets : nullptr));
  return response;
}

}  // namespace archive
