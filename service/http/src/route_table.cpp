#include "route_table.hpp"

namespace archive {
namespace {

// Fills `ids` with what the pattern's {id} segments matched, when `path` fits `pattern`.
bool fits(std::string_view pattern, std::string_view path, std::vector<std::string>& ids) {
  ids.clear();
  while (!pattern.empty() && !path.empty()) {
    auto p_end = pattern.find('/', 1);
    auto s_end = path.find('/', 1);
    auto p_segment = pattern.substr(0, p_end);
    auto s_segment = path.substr(0, s_end);
    if (p_segment == "/{id}") {
      if (s_segment.size() < 2) return false;
      ids.emplace_back(s_segment.substr(1));
    } else if (p_segment != s_segment) {
      return false;
    }
    pattern.remove_prefix(p_segment.size());
    path.remove_prefix(s_segment.size());
  }
  return pattern.empty() && path.empty();
}

}  // namespace

void RouteTable::add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back({std::move(method), std::move(pattern), std::move(handler)});
}

RouteTable::Match RouteTable::match(std::string_view method, std::string_view path) const {
  Match found;
  found.route = "other";
  std::vector<std::string> ids;
  std::string_view wanted = method == "HEAD" ? "GET" : method;
  for (const auto& route : routes_) {
    if (!fits(route.pattern, path, ids)) continue;
    if (found.allow.empty()) found.route = route.pattern;
    found.allow += (route.method == "GET" ? "GET, HEAD, " : route.method + ", ");
    if (!found.handler && route.method == wanted) {
      found.handler = &route.handler;
      found.route = route.pattern;
      found.ids = ids;
    }
  }
  if (!found.allow.empty()) found.allow += "OPTIONS";
  return found;
}

}  // namespace archive
