// Reading requests from bytes, the steps every connection takes, and routing.
#include "request_reader.hpp"

#include <gtest/gtest.h>

#include "route_table.hpp"

namespace archive {
namespace {

ReadOutcome read(const std::string& bytes, RequestLimits limits = {}) {
  return read_request(bytes, limits);
}

TEST(RequestReader, DecodesPathAndQueryAndKeepsTheHeadersRoutesRead) {
  auto outcome = read(
      "GET /v1/articles/a%20b?q=sleep+well&tag=x&tag=y HTTP/1.1\r\nHost: h\r\n"
      "Origin: https://site.example\r\nAuthorization: Bearer t\r\n\r\n");
  ASSERT_TRUE(outcome.request);
  const auto& r = *outcome.request;
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/v1/articles/a b");
  EXPECT_EQ(r.params.find("q")->second, "sleep well");
  EXPECT_EQ(r.params.count("tag"), 2u);
  EXPECT_EQ(r.origin, "https://site.example");
  EXPECT_EQ(r.authorization, "Bearer t");
}

TEST(RequestReader, AbsoluteFormTargetsAreTheirPath) {
  for (const char* target :
       {"http://search.example/v1/search?q=a", "HTTPS://h:8080/v1/search?q=a"}) {
    auto outcome = read(std::string("GET ") + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
    ASSERT_TRUE(outcome.request) << target;
    EXPECT_EQ(outcome.request->path, "/v1/search");
    EXPECT_EQ(outcome.request->params.find("q")->second, "a");
  }
  auto bare = read("GET http://h?q=a HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(bare.request);
  EXPECT_EQ(bare.request->path, "/");
  EXPECT_TRUE(read("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").request);
}

TEST(RequestReader, AbsentAndEmptyAuthorizationDiffer) {
  auto none = read("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(none.request);
  EXPECT_FALSE(none.request->authorization);
  auto empty = read("GET / HTTP/1.1\r\nHost: h\r\nAuthorization:\r\n\r\n");
  ASSERT_TRUE(empty.request);
  EXPECT_EQ(empty.request->authorization, "");
}

TEST(RequestReader, ReadsChunkedBodiesUpToTheLimit) {
  auto ok = read(
      "POST /v1/related HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(ok.request);
  EXPECT_EQ(ok.request->body, "hello world");
  RequestLimits small;
  small.max_body_bytes = 8;
  auto over = read(
      "POST /v1/related HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
      small);
  ASSERT_TRUE(over.refusal);
  EXPECT_EQ(over.refusal->status, 413);
}

TEST(RequestReader, RefusesWhatAServiceMustNotRead) {
  struct Case {
    std::string bytes;
    int status;
  };
  std::string many;
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  for (const auto& c : std::vector<Case>{
           {"GET / HTTP/1.1\r\nHost: h\r\n" + many + "\r\n", 431},
           {"GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", 431},
           {"POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", 413},
           {"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 1\r\n\r\na", 415},
           {"POST / HTTP/1.1\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\na", 415},
           {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
           {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\na", 400},
           {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
           {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400},
           {"POST / HTTP/1.1\r\nContent-Encoding: identity\r\nContent-Encoding: gzip\r\n"
            "Content-Length: 1\r\n\r\na",
            415},
           {"POST / HTTP/1.1\r\nContent-Encoding: identity, gzip\r\nContent-Length: 1\r\n\r\na",
            415},
           {"GET / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n", 401},
           {"GET other.example/ HTTP/1.1\r\n\r\n", 400},
           {"GET / HTTP/9.9\r\n\r\n", 400},
           {"\x01\x02 / HTTP/1.1\r\n\r\n", 400},
       }) {
    auto outcome = read(c.bytes);
    ASSERT_TRUE(outcome.refusal) << c.bytes.substr(0, 80);
    EXPECT_EQ(outcome.refusal->status, c.status) << c.bytes.substr(0, 80);
    EXPECT_FALSE(outcome.refusal->code.empty());
  }
}

TEST(RequestReader, AnUnfinishedRequestIsNeitherReadNorRefused) {
  for (const char* part :
       {"GET / HTTP/1.1\r\nHost:", "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", ""}) {
    auto outcome = read(part);
    EXPECT_FALSE(outcome.request) << part;
    EXPECT_FALSE(outcome.refusal) << part;
  }
}

TEST(RouteTable, MatchesSegmentsAndKnowsTheMethodsOfAPath) {
  RouteTable routes;
  int called = 0;
  auto handler = [&](HttpRequest&, HttpResponse&) { ++called; };
  routes.add("GET", "/v1/articles/{id}", handler);
  routes.add("GET", "/v1/articles/{id}/related", handler);
  routes.add("POST", "/v1/related", handler);
  auto article = routes.match("HEAD", "/v1/articles/x-y");
  ASSERT_TRUE(article.handler);
  EXPECT_EQ(article.route, "/v1/articles/{id}");
  EXPECT_EQ(article.ids, std::vector<std::string>{"x-y"});
  auto related = routes.match("GET", "/v1/articles/x/related");
  EXPECT_EQ(related.route, "/v1/articles/{id}/related");
  auto wrong = routes.match("GET", "/v1/related");
  EXPECT_FALSE(wrong.handler);
  EXPECT_EQ(wrong.allow, "POST, OPTIONS");
  EXPECT_EQ(wrong.route, "/v1/related");
  for (const char* path : {"/v1/articles/", "/v1/articles//related", "/v1/articles/a/b/c", "/",
                           "/v1/articles/a/related/"}) {
    auto none = routes.match("GET", path);
    EXPECT_FALSE(none.handler) << path;
    EXPECT_EQ(none.route, "other") << path;
    EXPECT_TRUE(none.allow.empty()) << path;
  }
}

}  // namespace
}  // namespace archive
