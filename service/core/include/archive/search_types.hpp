// Requests and answers of the search core: plain values, the same for CLI and HTTP.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace archive {

// A request the caller can fix: bad query syntax, a parameter out of range.
class QueryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Nothing is published in the index directory yet.
class NoIndexError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SortOrder { Relevance, Newest };

struct SearchRequest {
  std::string query;
  std::size_t limit = 10;
  std::size_t offset = 0;
  std::vector<std::string> tags;  // all must match
  std::string kind;
  std::string author;  // exact name, any case
  std::string from;    // YYYY-MM-DD, inclusive
  std::string to;      // YYYY-MM-DD, inclusive
  SortOrder sort = SortOrder::Relevance;
  bool partial = false;  // complete the last word (search-as-you-type)
  bool facets = false;
  bool snippets = true;
  // Pseudo-relevance feedback: better ranking for questions, at several times the cost of
  // the match itself. On for the command line; the search box asks for speed instead.
  bool expand = true;
};

struct SearchHit {
  std::string id, url, title, kind, access;
  std::optional<std::string> published;
  std::vector<std::string> authors, tags;
  std::string snippet;  // HTML-escaped, matches in <mark>...</mark>
  // The heading of the section the snippet's first match is in, from the text the caller
  // may see; empty when it is in the summary or in a section without a heading.
  std::string section;
};

// Hashing std::string and std::string_view alike, so that counting looks up without
// making a string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Facet values shown per field, most frequent first (search engines' usual ten or so; the
// search page shows ten).
inline constexpr std::size_t kFacetValues = 20;

struct Facets {
  using Counts = std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>>;
  Counts tag, kind, year;
  // How many matches the counts cover: the best-ranked ones, all of them when few match.
  std::size_t matches = 0;
};

struct SearchResponse {
  std::string query;
  std::size_t total_estimate = 0;
  std::size_t offset = 0;
  std::size_t limit = 0;
  std::string corrected_query;  // empty when the spelling looks right
  std::vector<SearchHit> results;
  std::optional<Facets> facets;
  double took_ms = 0;
};

// Articles like one already indexed (`id`) or like a draft's text.
struct RelatedRequest {
  std::string id;    // either this...
  std::string text;  // ...or this (never indexed)
  std::size_t limit = 10;
};

struct RelatedHit {
  SearchHit hit;
  std::vector<std::string> shared_terms;  // the reason: key terms both texts share
};

struct RelatedResponse {
  std::string id;  // empty for a draft
  std::vector<std::string> key_terms;
  std::vector<RelatedHit> results;
  double took_ms = 0;
};

struct OutlineEntry {
  std::string heading;
  std::string access;
};

// An article's metadata and the outline of the text the caller may see.
struct ArticleView {
  std::string id, url, title, kind, access, summary;
  std::optional<std::string> published, updated;
  std::vector<std::string> authors, tags, links;
  std::vector<OutlineEntry> outline;
};

struct TitleSuggestion {
  std::string id, title, url;
};

struct SuggestResponse {
  std::string query;
  std::vector<std::string> completions;  // the query with its last word completed
  std::vector<TitleSuggestion> titles;
  double took_ms = 0;
};

nlohmann::ordered_json to_json(const SearchHit& hit);
nlohmann::ordered_json to_json(const RelatedResponse& response);
nlohmann::ordered_json to_json(const ArticleView& article);
nlohmann::ordered_json to_json(const SuggestResponse& response);
nlohmann::ordered_json to_json(const SearchResponse& response);
// The same document as to_json(), written straight to text: the search box's hot path.
std::string json_text(const SearchResponse& response);

}  // namespace archive
