// Reading one request off the wire: Boost.Beast's parser does the HTTP/1.1 grammar (it
// refuses conflicting Content-Length and chunked-plus-length framing), and these functions
// add what a service on the open internet must refuse before it reads a body or calls a
// route. The connection layer and the HTTP fuzz target take the same steps.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string_view>

#include "http_exchange.hpp"

namespace archive {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A parser bounded by `limits` (header and body bytes).
void apply_limits(RequestParser& parser, const RequestLimits& limits);

// Why a request whose header has just been read must not be read further: too many fields
// (431), a second Authorization header (401), a body in a content coding (415), a transfer
// coding other than chunked (400). nullopt when the header is acceptable.
std::optional<HttpError> refusal_of_header(const RequestParser& parser,
                                           const RequestLimits& limits);

// The answer to a parse failure: 431 for a header over the limit, 413 for a body over it,
// 400 for anything else the grammar refuses.
HttpError refusal_of(boost::beast::error_code error);

// The request as the routes see it: the path and query string decoded, the headers they
// read. Whatever of the header was parsed counts (so a refusal can still carry CORS).
// Throws HttpError (400) for a target that is not a path.
HttpRequest adopt(RequestParser& parser);

// A whole request from bytes in memory, with the steps a connection takes: for tests and
// fuzzing. `request` when complete and acceptable; `refusal` when refused; neither when
// the bytes end before the request does.
struct ReadOutcome {
  std::optional<HttpRequest> request;
  std::optional<HttpError> refusal;
};
ReadOutcome read_request(std::string_view bytes, const RequestLimits& limits);

}  // namespace archive
