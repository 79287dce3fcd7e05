// Which handler answers a method and path. Patterns are paths whose `{id}` segments match
// any one non-empty segment; matching is by segments, never a regular expression, so no
// path costs more than its length.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http_exchange.hpp"

namespace archive {

class RouteTable {
 public:
  using Handler = std::function<void(HttpRequest&, HttpResponse&)>;

  // `method` is GET (which answers HEAD too) or POST.
  void add(std::string method, std::string pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method (see `allow`)
    std::string route;                 // the pattern, or "other" when no pattern fits
    std::string allow;                 // the methods the path answers, "" when none
    std::vector<std::string> ids;      // what the {id} segments matched
  };
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace archive
