// Raw bytes through the request reading archive-serve owns: Beast's parser with our limits,
// the header checks, the decoding of path and query, then routing. Whatever the bytes, the
// outcome is a request, a refusal with a 4xx status and a code, or "not finished yet".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "request_reader.hpp"
#include "route_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const archive::RouteTable routes = [] {
    archive::RouteTable table;
    auto none = [](archive::HttpRequest&, archive::HttpResponse&) {};
    for (const char* pattern : {"/v1/search", "/v1/articles/{id}", "/v1/articles/{id}/related"})
      table.add("GET", pattern, none);
    table.add("POST", "/v1/related", none);
    return table;
  }();
  archive::RequestLimits limits;
  limits.max_header_bytes = 4096;  // small limits reach the refusals more often
  limits.max_headers = 16;
  limits.max_body_bytes = 4096;
  auto outcome =
      archive::read_request(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (outcome.refusal) {
    int status = outcome.refusal->status;
    if (status < 400 || status > 499 || outcome.refusal->code.empty()) std::abort();
  }
  if (outcome.request) {
    const auto& r = *outcome.request;
    if (r.path.empty() || r.body.size() > limits.max_body_bytes) std::abort();
    auto match = routes.match(r.method, r.path);
    if (match.handler && match.route == "other") std::abort();
  }
  return 0;
}
