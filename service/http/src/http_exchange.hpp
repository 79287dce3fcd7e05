// One HTTP exchange as the routes see it: a request already read, checked and decoded, and
// the response they fill in. Nothing here knows about sockets; the connection layer
// (ConnectionServer) turns bytes into an HttpRequest and an HttpResponse into bytes.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "archive/request_limits.hpp"

namespace archive {

// An error the client caused or must know about, with its stable code.
struct HttpError {
  int status;
  std::string code;
  std::string message;
};

struct HttpRequest {
  std::string method;                              // as sent: GET, HEAD, POST, OPTIONS, ...
  std::string path;                                // percent-decoded, without the query string
  std::multimap<std::string, std::string> params;  // the query string, decoded
  std::vector<std::string> path_ids;               // what a route's {id} segments matched
  std::optional<std::string> authorization;        // absent, or the one header's value
  std::string origin;                              // the Origin header, "" when absent
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  void set_header(std::string name, std::string value);
  bool has_header(const std::string& name) const;
};

}  // namespace archive
