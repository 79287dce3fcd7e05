#include "http_exchange.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>

namespace archive {

// Header names compare without case (RFC 9110, 5.1), as Beast compares them.
void HttpResponse::set_header(std::string name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return boost::beast::iequals(h.first, name); });
  headers.emplace_back(std::move(name), std::move(value));
}

bool HttpResponse::has_header(const std::string& name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return boost::beast::iequals(h.first, name); });
}

}  // namespace archive
