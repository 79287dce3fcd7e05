// Search-box suggestions: complete the word being typed from the caller's own tier,
// and offer the titles the query would find.
#include <chrono>

#include "archive/searcher.hpp"
#include "hits.hpp"

namespace archive {
namespace {

constexpr std::size_t kMinPrefixBytes = 2;
constexpr std::size_t kMaxScannedTerms = 2000;  // bounds the cost of a short prefix

}  // namespace

SuggestResponse Searcher::suggest(const std::string& query, std::size_t limit,
                                  const Entitlement& entitlement) const {
  auto start = std::chrono::steady_clock::now();
  if (limit < 1 || limit > 20) throw QueryError("limit: must be between 1 and 20");
  auto scope = scope_of(entitlement);
  SuggestResponse response;
  response.query = query;
  SearchRequest titles;
  titles.query = query;
  titles.limit = limit;
  titles.partial = true;
  titles.snippets = false;
  for (const auto& hit : search_in(scope, titles).results)
    response.titles.push_back({hit.id, hit.title, hit.url});

  auto cut = query.find_last_of(" \t\"(");
  auto head = cut == std::string::npos ? std::string() : query.substr(0, cut + 1);
  auto word = Xapian::Unicode::tolower(cut == std::string::npos ? query : query.substr(cut + 1));
  if (word.size() < kMinPrefixBytes) {
    response.took_ms = milliseconds_since(start);
    return response;
  }
  std::vector<std::pair<Xapian::doccount, std::string>> candidates;
  std::size_t scanned = 0;
  for (auto it = scope.db.allterms_begin(word); it != scope.db.allterms_end(word); ++it) {
    if (++scanned > kMaxScannedTerms) break;
    candidates.emplace_back(it.get_termfreq(), *it);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; i < candidates.size() && i < limit; ++i)
    response.completions.push_back(head + candidates[i].second);
  response.took_ms = milliseconds_since(start);
  return response;
}

}  // namespace archive
