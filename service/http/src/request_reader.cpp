#include "request_reader.hpp"

#include <httplib.h>

#include <boost/beast/core/buffers_to_string.hpp>

#include "archive/text.hpp"

namespace archive {
namespace {

namespace http = boost::beast::http;

HttpError bad_request(std::string message) { return {400, "bad_request", std::move(message)}; }

std::string_view view_of(boost::beast::string_view text) { return {text.data(), text.size()}; }

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return boost::beast::iequals(boost::beast::string_view(a.data(), a.size()),
                               boost::beast::string_view(b.data(), b.size()));
}

// A target in absolute form ("http://host/path?q", which a server must accept: RFC 9112,
// 3.2.2) as its path and query; any other target as it is.
std::string origin_form(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size() ||
        !same_ignoring_case(target.substr(0, scheme.size()), scheme))
      continue;
    auto path = target.find_first_of("/?", scheme.size());
    if (path == std::string_view::npos) return "/";
    return (target[path] == '?' ? "/" : "") + std::string(target.substr(path));
  }
  return std::string(target);
}

std::size_t count_of(const http::fields& fields, http::field name) {
  auto range = fields.equal_range(name);
  return static_cast<std::size_t>(std::distance(range.first, range.second));
}

}  // namespace

void apply_limits(RequestParser& parser, const RequestLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
}

std::optional<HttpError> refusal_of_header(const RequestParser& parser,
                                           const RequestLimits& limits) {
  const auto& fields = parser.get().base();
  if (static_cast<std::size_t>(std::distance(fields.begin(), fields.end())) > limits.max_headers)
    return HttpError{431, "headers_too_large",
                     "at most " + std::to_string(limits.max_headers) + " header fields"};
  if (count_of(fields, http::field::authorization) > 1)
    return HttpError{401, "unauthorized", "send one Authorization header, not several"};
  // Every Content-Encoding field and every coding listed in one: identity alone is read.
  for (auto [it, end] = fields.equal_range(http::field::content_encoding); it != end; ++it)
    for (auto coding : http::token_list(it->value()))
      if (!boost::beast::iequals(coding, "identity"))
        return HttpError{415, "unsupported_media_type", "request bodies must not be compressed"};
  // Chunked alone: Beast takes off the chunking, never another coding listed before it.
  auto [first, end] = fields.equal_range(http::field::transfer_encoding);
  if (first != end &&
      (std::next(first) != end || !same_ignoring_case(trimmed(view_of(first->value())), "chunked")))
    return bad_request("the only transfer coding accepted is chunked");
  return std::nullopt;
}

HttpError refusal_of(boost::beast::error_code error) {
  if (error == http::error::header_limit)
    return {431, "headers_too_large", "the request's headers are too large"};
  if (error == http::error::body_limit)
    return {413, "payload_too_large", "request body is too large"};
  return bad_request("the request could not be read: " + error.message());
}

HttpRequest adopt(RequestParser& parser) {
  auto& message = parser.get();
  HttpRequest request;
  request.method = std::string(message.method_string());
  auto origin = message[http::field::origin];
  request.origin = std::string(origin);
  if (auto it = message.find(http::field::authorization); it != message.end())
    request.authorization = std::string(it->value());
  if (parser.is_done()) request.body = std::move(message.body());

  auto target = origin_form(view_of(message.target()));
  if (target.empty() || (target.front() != '/' && target != "*"))
    throw bad_request("the target must be a path");
  auto question = target.find('?');
  // cpp-httplib's decoders, as its server used them: '+' is a space only in the query.
  request.path = httplib::detail::decode_url(target.substr(0, question), false);
  if (question != std::string::npos)
    httplib::detail::parse_query_text(target.substr(question + 1), request.params);
  return request;
}

ReadOutcome read_request(std::string_view bytes, const RequestLimits& limits) {
  RequestParser parser;
  apply_limits(parser, limits);
  parser.eager(false);  // stop after the header, as the connection does, to check it
  boost::beast::error_code error;
  auto fed = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), error);
  if (!error && parser.is_header_done()) {
    if (auto refusal = refusal_of_header(parser, limits)) return {std::nullopt, refusal};
    parser.eager(true);
    auto rest = bytes.substr(fed);
    while (!error && !parser.is_done() && !rest.empty()) {
      auto n = parser.put(boost::asio::buffer(rest.data(), rest.size()), error);
      if (n == 0 && !error) break;
      rest.remove_prefix(n);
    }
  }
  if (error == http::error::need_more) return {};
  if (error) return {std::nullopt, refusal_of(error)};
  if (!parser.is_done()) return {};
  try {
    return {adopt(parser), std::nullopt};
  } catch (const HttpError& e) {
    return {std::nullopt, e};
  }
}

}  // namespace archive
