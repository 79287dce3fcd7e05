// Requests and answers of the search core: plain values, the same for CLI and HTTP.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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
};

struct SearchHit {
  std::string id, url, title, kind, access;
  std::optional<std::string> published;
  std::vector<std::string> tags;
  std::string snippet;  // HTML-escaped, matches in <mark>...</mark>
};

struct Facets {
  std::map<std::string, std::size_t> tag, kind, year;
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

nlohmann::ordered_json to_json(const SearchHit& hit);
nlohmann::ordered_json to_json(const SearchResponse& response);

}  // namespace archive
