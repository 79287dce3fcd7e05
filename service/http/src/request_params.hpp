// Query-string parameters, checked: unknown names, repeats, numbers out of range and
// bad values are each a ParameterError naming the parameter. Every value read must be free
// of control characters and, but for the query q (QueryBuilder's to check), valid UTF-8 of
// at most kMaxValueBytes.
#pragma once

#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "archive/search_types.hpp"

namespace archive {

// Longest value of a parameter other than q: filters (tag, kind, author), dates, ids.
inline constexpr std::size_t kMaxValueBytes = 200;

class ParameterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RequestParams {
 public:
  using Multimap = std::multimap<std::string, std::string>;
  explicit RequestParams(const Multimap& params) : params_(params) {}

  void allow(std::initializer_list<std::string_view> names) const;
  // One value (or "" when absent and not required).
  std::string text(const std::string& name, bool required = false) const;
  std::vector<std::string> all(const std::string& name) const;
  std::size_t number(const std::string& name, std::size_t fallback, std::size_t min,
                     std::size_t max) const;
  bool flag(const std::string& name) const;

 private:
  const Multimap& params_;
};

// GET /v1/search's parameters as a SearchRequest.
SearchRequest search_request_from(const RequestParams& params);

}  // namespace archive
