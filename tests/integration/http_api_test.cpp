// archive-serve's HTTP API as a client sees it: every endpoint's happy path, every error
// status with its stable code and a useful message, hostile input, CORS and /metrics.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "server_fixture.hpp"

namespace archive::serve_testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The error body is exactly {"error": {"code", "message"}}, the code the stable one, and the
// message says what to fix (it names `mention`).
void expect_error(const Reply& r, int status, const std::string& code,
                  const std::string& mention = "") {
  ASSERT_EQ(r.status, status) << r.body << r.failure;
  EXPECT_EQ(r.header("Content-Type"), "application/json") << r.body;
  auto body = r.json();
  ASSERT_TRUE(body.is_object()) << r.body;
  EXPECT_EQ(body.size(), 1u) << r.body;
  ASSERT_TRUE(body.contains("error") && body["error"].is_object()) << r.body;
  EXPECT_EQ(body["error"].size(), 2u) << r.body;
  EXPECT_EQ(r.code(), code) << r.body;
  EXPECT_GE(r.message().size(), 5u) << r.body;
  if (!mention.empty()) {
    EXPECT_NE(r.message().find(mention), std::string::npos) << r.body;
  }
}

std::vector<std::string> ids_of(const json& results) {
  std::vector<std::string> out;
  for (const auto& hit : results) out.push_back(hit.value("id", ""));
  return out;
}

class HttpApi : public ::testing::Test {
 protected:
  virtual ServeConfig config() { return {}; }
  void SetUp() override {
    archive_ = make_http_archive();
    server_ = std::make_unique<ArchiveServer>(archive_.jsonl, config());
  }
  HttpArchive archive_;
  std::unique_ptr<ArchiveServer> server_;
};

TEST_F(HttpApi, HealthAndReadiness) {
  auto http = server_->http();
  auto health = http.get("/healthz");
  ASSERT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json(), json({{"status", "ok"}}));
  auto ready = http.get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json(), json({{"status", "ready"}, {"generation", "gen-00000001"}}));
}

TEST_F(HttpApi, SearchFindsRanksAndDescribesResults) {
  auto http = server_->http();
  auto r = http.get("/v1/search?q=hamstring");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto body = r.json();
  EXPECT_EQ(body["query"], "hamstring");
  EXPECT_EQ(body["offset"], 0);
  EXPECT_EQ(body["limit"], 10);
  EXPECT_EQ(body["corrected_query"], "");
  EXPECT_GE(body["total_estimate"].get<int>(), 1);
  EXPECT_GE(body["took_ms"].get<double>(), 0.0);
  ASSERT_FALSE(body["results"].empty());
  const auto& top = body["results"][0];
  EXPECT_EQ(top["id"], ids::kPublic);
  EXPECT_EQ(top["url"], "https://archive.example/hamstring-stretching");
  EXPECT_EQ(top["kind"], "article");
  EXPECT_EQ(top["access"], "public");
  EXPECT_EQ(top["published"], "2018-05-02");
  EXPECT_EQ(top["tags"], json({"stretching", "evidence"}));
  EXPECT_NE(top["snippet"].get<std::string>().find("<mark>"), std::string::npos) << top;
  // Facets are on by default and count every match (few match here).
  ASSERT_TRUE(body.contains("facets")) << r.body;
  EXPECT_EQ(body["facets"]["matches"], body["total_estimate"]) << r.body;
  EXPECT_GE(body["facets"]["matches"].get<int>(), 1);
  for (const char* facet : {"tag", "kind", "year"}) ASSERT_TRUE(body["facets"][facet].is_array());
  bool stretching = false;
  for (const auto& entry : body["facets"]["tag"])
    if (entry["value"] == "stretching") stretching = entry["count"].get<int>() >= 1;
  EXPECT_TRUE(stretching) << body["facets"];

  auto plain = http.get("/v1/search?q=hamstring&facets=0").json();
  EXPECT_FALSE(plain.contains("facets")) << plain;
  EXPECT_EQ(ids_of(plain["results"]), ids_of(body["results"]));
}

TEST_F(HttpApi, SearchFiltersSortsAndPages) {
  auto http = server_->http();
  auto all = http.get("/v1/search?facets=0&limit=100").json();
  EXPECT_EQ(all["results"].size(), kArticles) << all;

  auto tagged = http.get("/v1/search?tag=running&tag=evidence&facets=0").json();
  EXPECT_EQ(ids_of(tagged["results"]), std::vector<std::string>{ids::kHiddenSection}) << tagged;
  auto kind = http.get("/v1/search?kind=review&facets=0").json();
  EXPECT_EQ(kind["results"].size(), 2u) << kind;
  auto author = http.get("/v1/search?author=lee%20okafor&facets=0").json();
  EXPECT_EQ(author["results"].size(), 3u) << author;
  auto dated = http.get("/v1/search?from=2020-01-01&to=2021-12-31&facets=0").json();
  auto dated_ids = ids_of(dated["results"]);
  std::sort(dated_ids.begin(), dated_ids.end());
  EXPECT_EQ(dated_ids, (std::vector<std::string>{"sleep-and-recovery", ids::kUnlockable})) << dated;

  auto newest = http.get("/v1/search?sort=newest&facets=0&limit=100").json();
  std::string previous = "9999-99-99";
  for (const auto& hit : newest["results"]) {
    if (hit["published"].is_null()) continue;
    auto date = hit["published"].get<std::string>();
    EXPECT_LE(date, previous) << newest;
    previous = date;
  }
  // Two pages of 3 are the first 6 of one page of 6.
  auto six = ids_of(http.get("/v1/search?q=recovery%20running&limit=6&facets=0").json()["results"]);
  auto first =
      ids_of(http.get("/v1/search?q=recovery%20running&limit=3&facets=0").json()["results"]);
  auto second = ids_of(
      http.get("/v1/search?q=recovery%20running&limit=3&offset=3&facets=0").json()["results"]);
  first.insert(first.end(), second.begin(), second.end());
  EXPECT_EQ(first, six);

  auto partial = http.get("/v1/search?q=hamstr&partial=1&facets=0").json();
  ASSERT_FALSE(partial["results"].empty()) << partial;
  EXPECT_EQ(partial["results"][0]["id"], ids::kPublic);
}

TEST_F(HttpApi, SuggestCompletesWordsAndTitles) {
  auto http = server_->http();
  auto r = http.get("/v1/suggest?q=hamstr");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body["query"], "hamstr");
  bool completed = false;
  for (const auto& c : body["completions"])
    completed |= c.get<std::string>().rfind("hamstring", 0) == 0;
  EXPECT_TRUE(completed) << body;
  ASSERT_FALSE(body["titles"].empty()) << body;
  EXPECT_EQ(body["titles"][0],
            json({{"id", ids::kPublic},
                  {"title", "Hamstring Stretching: What Helps and What Does Not"},
                  {"url", "https://archive.example/hamstring-stretching"}}));
  EXPECT_GE(body["took_ms"].get<double>(), 0.0);

  auto two = http.get("/v1/suggest?q=foam%20ro&limit=2").json();
  EXPECT_LE(two["completions"].size(), 2u);
  EXPECT_LE(two["titles"].size(), 2u);
  for (const auto& c : two["completions"])
    EXPECT_EQ(c.get<std::string>().rfind("foam ro", 0), 0u) << two;
}

TEST_F(HttpApi, ArticleShowsMetadataAndPublicOutline) {
  auto http = server_->http();
  auto r = http.get(std::string("/v1/articles/") + ids::kHiddenSection);
  ASSERT_EQ(r.status, 200) << r.body;
  auto a = r.json();
  EXPECT_EQ(
      a, json::parse(R"({"id":"running-injuries","url":"https://archive.example/running-injuries",
    "title":"Common Running Injuries and How Long They Take","kind":"article","access":"public",
    "published":"2016-07-07","updated":"2021-09-30","authors":["Lee Okafor"],
    "tags":["running","injury","evidence"],
    "summary":"Shin splints, runner's knee and Achilles pain: how they present and how long recovery usually takes.",
    "links":["hamstring-stretching"],
    "outline":[{"heading":"Shin splints","access":"public"},{"heading":"Runner's knee","access":"public"}]})"));
  auto undated = http.get(std::string("/v1/articles/") + ids::kUndated).json();
  EXPECT_TRUE(undated["published"].is_null()) << undated;
  EXPECT_TRUE(undated["updated"].is_null()) << undated;
  // A teased members-only section shows its heading (not its text) to everyone.
  auto teased = http.get(std::string("/v1/articles/") + ids::kTeased).json();
  EXPECT_EQ(teased["outline"], json::parse(R"([{"heading":"Who this plan is for","access":"public"},
    {"heading":"Week one progressions","access":"members"},{"heading":"Deload weeks","access":"members"}])"));
}

TEST_F(HttpApi, RelatedArticlesGiveTheirReasons) {
  auto http = server_->http();
  auto r = http.get(std::string("/v1/articles/") + ids::kPublic + "/related?limit=3");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body["id"], ids::kPublic);
  EXPECT_FALSE(body["key_terms"].empty()) << body;
  ASSERT_FALSE(body["results"].empty()) << body;
  EXPECT_LE(body["results"].size(), 3u);
  for (const auto& hit : body["results"]) {
    EXPECT_NE(hit["id"], ids::kPublic) << "an article is not related to itself";
    EXPECT_FALSE(hit["shared_terms"].empty()) << hit;
    EXPECT_LE(hit["shared_terms"].size(), 5u);
  }
}

TEST_F(HttpApi, DraftRelatedNeedsAnEditorAndAnswersWithNullId) {
  auto http = server_->http();
  std::string draft =
      R"({"text": "Hamstring stretching before running: hold each stretch thirty seconds.", "limit": 3})";
  expect_error(http.post("/v1/related", draft), 401, "unauthorized", "editor");
  expect_error(http.post("/v1/related", draft, server_->member_token()), 403, "forbidden");
  expect_error(http.post("/v1/related", draft, server_->unlock_token({ids::kPublic})), 403,
               "forbidden");
  auto r = http.post("/v1/related", draft, server_->editor_token());
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_TRUE(body["id"].is_null()) << body;
  EXPECT_TRUE(body["key_terms"].is_array());
  EXPECT_LE(body["results"].size(), 3u);
}

TEST_F(HttpApi, DraftRelatedFindsArticlesLikeTheDraft) {
  auto http = server_->http();
  auto r = http.post(
      "/v1/related",
      R"({"text": "Hamstring stretching before running: hold each stretch for thirty seconds and breathe slowly.", "limit": 3})",
      server_->editor_token());
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_FALSE(body["key_terms"].empty()) << body;
  ASSERT_FALSE(body["results"].empty()) << body;
  EXPECT_EQ(body["results"][0]["id"], ids::kPublic) << body;
}

TEST_F(HttpApi, DraftRelatedTimeIsBoundedForRepetitiveText) {
  auto http = server_->http(30);
  std::string text;
  while (text.size() < 150000) text += "ab ";
  auto start = std::chrono::steady_clock::now();
  auto r = http.post("/v1/related", json({{"text", text}}).dump(), server_->editor_token());
  EXPECT_EQ(r.status, 200) << r.failure;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(HttpApi, DraftRelatedTakesDraftsUpToItsLimit) {
  auto http = server_->http();
  auto draft = [](std::size_t bytes) {
    std::string text;
    for (int i = 0; text.size() < bytes; ++i) text += "word" + std::to_string(i % 5000) + " ";
    text.resize(bytes);
    return text;
  };
  auto r = http.post("/v1/related", json({{"text", draft(190000)}, {"limit", 2}}).dump(),
                     server_->editor_token());
  EXPECT_EQ(r.status, 200) << r.body.substr(0, 300) << r.failure;
  expect_error(
      http.post("/v1/related", json({{"text", draft(250000)}}).dump(), server_->editor_token()),
      400, "invalid_query", "text");
}

TEST_F(HttpApi, ParameterErrorsAreFourHundredsWithStableCodes) {
  auto http = server_->http();
  std::string long_q;
  while (long_q.size() < 2000) long_q += "stretch%20";
  struct Case {
    std::string target;
    std::string code;
    std::string mention;
  };
  std::vector<Case> cases = {
      {"/v1/search?bogus=1", "invalid_parameter", "bogus"},
      {"/v1/search?q=sleep&Q=sleep", "invalid_parameter", "Q"},
      {"/v1/search?limit=0", "invalid_parameter", "limit"},
      {"/v1/search?limit=1000", "invalid_parameter", "limit"},
      {"/v1/search?limit=101", "invalid_parameter", "limit"},
      {"/v1/search?limit=-1", "invalid_parameter", "limit"},
      {"/v1/search?limit=ten", "invalid_parameter", "limit"},
      {"/v1/search?limit=99999999999999999999", "invalid_parameter", "limit"},
      {"/v1/search?offset=10001", "invalid_parameter", "offset"},
      {"/v1/search?offset=9995&limit=10", "invalid_query", "offset"},
      {"/v1/search?q=a&q=b", "invalid_parameter", "q"},
      {"/v1/search?sort=oldest", "invalid_parameter", "sort"},
      {"/v1/search?partial=yes", "invalid_parameter", "partial"},
      {"/v1/search?facets=maybe", "invalid_parameter", "facets"},
      {"/v1/search?from=2020-02-30", "invalid_query", "from"},
      {"/v1/search?to=yesterday", "invalid_query", "to"},
      {"/v1/search?q=%FF", "invalid_query", "UTF-8"},
      {"/v1/search?q=stretch%C3", "invalid_query", "UTF-8"},
      {"/v1/search?q=%ED%A0%80", "invalid_query", "UTF-8"},
      {"/v1/search?q=%C0%AF", "invalid_query", "UTF-8"},
      {"/v1/search?q=%F4%90%80%80", "invalid_query", "UTF-8"},
      {"/v1/search?q=" + long_q, "invalid_query", "too long"},
      {"/v1/suggest", "invalid_parameter", "q"},
      {"/v1/suggest?q=ab&limit=0", "invalid_parameter", "limit"},
      {"/v1/suggest?q=ab&limit=21", "invalid_parameter", "limit"},
      {"/v1/suggest?q=ab&offset=1", "invalid_parameter", "offset"},
      {"/v1/suggest?q=%FF", "invalid_query", "UTF-8"},
      {"/v1/suggest?q=" + long_q, "invalid_query", "too long"},
      {"/v1/articles/hamstring-stretching?limit=1", "invalid_parameter", "limit"},
      {"/v1/articles/hamstring-stretching/related?limit=0", "invalid_parameter", "limit"},
      {"/v1/articles/hamstring-stretching/related?limit=101", "invalid_parameter", "limit"},
      {"/v1/articles/hamstring-stretching/related?q=x", "invalid_parameter", "q"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target.substr(0, 80));
    expect_error(http.get(c.target), 400, c.code, c.mention);
  }
  // The limits themselves are accepted.
  for (const char* ok :
       {"/v1/search?limit=1", "/v1/search?limit=100", "/v1/search?offset=9999&limit=1",
        "/v1/suggest?q=ab&limit=1", "/v1/suggest?q=ab&limit=20",
        "/v1/articles/hamstring-stretching/related?limit=100"}) {
    EXPECT_EQ(http.get(ok).status, 200) << ok;
  }
  std::string q1024(1024, 'a');
  EXPECT_EQ(http.get("/v1/search?q=" + q1024).status, 200);
  expect_error(http.get("/v1/search?q=" + q1024 + "a"), 400, "invalid_query", "too long");
}

TEST_F(HttpApi, NotFoundAndBodyErrors) {
  auto http = server_->http();
  expect_error(http.get("/v1/articles/no-such-article"), 404, "not_found");
  expect_error(http.get("/v1/articles/no-such-article/related"), 404, "not_found",
               "no-such-article");
  expect_error(http.get("/v1/no-such-endpoint"), 404, "not_found");
  expect_error(http.get("/v1/articles/"), 404, "not_found");
  expect_error(http.get("/v2/search?q=sleep"), 404, "not_found");
  auto editor = server_->editor_token();
  expect_error(http.post("/v1/related", "not json", editor), 400, "invalid_body");
  expect_error(http.post("/v1/related", "[]", editor), 400, "invalid_body");
  expect_error(http.post("/v1/related", R"({"text": 5})", editor), 400, "invalid_body");
  expect_error(http.post("/v1/related", R"({"limit": 5})", editor), 400, "invalid_body");
  expect_error(http.post("/v1/related", R"({"text": "x", "limit": "5"})", editor), 400,
               "invalid_body", "limit");
  expect_error(http.post("/v1/related", R"({"text": "x", "limit": -1})", editor), 400,
               "invalid_body", "limit");
  expect_error(http.post("/v1/related", R"({"text": "x", "limit": 0})", editor), 400,
               "invalid_query", "limit");
  expect_error(http.post("/v1/related", R"({"text": "x", "limit": 1000})", editor), 400,
               "invalid_query", "limit");
  std::string big = json({{"text", std::string((1 << 20) + 100, 'a')}}).dump();
  expect_error(http.post("/v1/related", big, editor), 413, "payload_too_large");
  // The connection is still usable, and so is the server.
  EXPECT_EQ(server_->http().get("/healthz").status, 200);
}

TEST_F(HttpApi, AKnownPathAskedWithAnotherMethodIs405) {
  auto http = server_->http();
  auto search = http.post("/v1/search?q=sleep", "{}");
  expect_error(search, 405, "method_not_allowed", "GET");
  EXPECT_EQ(search.header("Allow"), "GET, HEAD, OPTIONS");
  auto related = http.get("/v1/related");
  expect_error(related, 405, "method_not_allowed", "POST");
  EXPECT_EQ(related.header("Allow"), "POST, OPTIONS");
  expect_error(http.post(std::string("/v1/articles/") + ids::kPublic, "{}"), 405,
               "method_not_allowed");
  // Unknown paths stay 404, whatever the method; so do paths no route's pattern fits.
  expect_error(http.post("/v1/nothing", "{}"), 404, "not_found");
  expect_error(http.get("/v1/articles/a/b/c"), 404, "not_found");
  expect_error(http.post("/v1/articles/a/b", "{}"), 404, "not_found");
  expect_error(http.post("/v1/articles/", "{}"), 404, "not_found");
  expect_error(http.post(std::string("/v1/articles/") + ids::kPublic + "/related", "{}"), 405,
               "method_not_allowed");
}

TEST_F(HttpApi, InvalidUtf8OutsideTheQueryIsAFourHundredNotAFiveHundred) {
  auto http = server_->http();
  expect_error(http.get("/v1/search?%FF=1"), 400, "invalid_parameter");
  expect_error(http.get("/v1/search?" + std::string(39, 'a') + "%C3%A9=1"), 400,
               "invalid_parameter");
  expect_error(http.get("/v1/articles/%FF/related"), 404, "not_found");
  expect_error(http.get("/v1/articles/%FF"), 404, "not_found");
}

TEST_F(HttpApi, HostileQueriesNeverFailTheServer) {
  auto http = server_->http();
  std::vector<std::string> queries = {
      "(((((",
      ")))))",
      "a* b* c*",
      "*",
      "**",
      "s*",
      "NOT",
      "NOT NOT",
      "AND",
      "OR OR OR",
      "\"",
      "\"\"\"",
      "\"stretching",
      "title:",
      "title:(",
      "tag:",
      "kind:",
      "year:",
      "id:",
      "links:",
      "author:",
      "date:",
      "date:..",
      "date:2020..",
      "date:2019..2018",
      "year:abc..def",
      "year:1..99999999999999999999",
      "+",
      "-",
      "+-+-",
      "a NEAR b",
      "a NEAR/999999 b",
      "a ADJ/3 b",
      "stretching^10",
      "~stretching",
      "stretching~",
      "\\",
      "%",
      "&",
      "=",
      "'",
      "`",
      "<script>",
      "\xC3\xA9t\xC3\xA9",
      "\xF0\x9F\x98\x80",
      "\xE2\x80\x8B",
      std::string("a\0b", 3),
      "\t\n\r",
      "title:\"",
      "(title:a OR tag:b) AND NOT (kind:c",
  };
  std::string many_terms;
  for (int i = 0; i < 100; ++i) many_terms.append("w").append(std::to_string(i)).append("* ");
  queries.push_back(many_terms.substr(0, 1000));
  for (const auto& q : queries) {
    for (const char* endpoint : {"/v1/search?q=", "/v1/suggest?q="}) {
      for (const char* extra : {"", "&partial=1"}) {
        if (std::string(endpoint) == "/v1/suggest?q=" && *extra) continue;
        auto target = endpoint + url_encode(q) + extra;
        auto r = http.get(target);
        SCOPED_TRACE(target);
        EXPECT_TRUE(r.status == 200 || r.status == 400) << r.status << " " << r.body << r.failure;
        if (r.status == 400) {
          EXPECT_FALSE(r.code().empty()) << r.body;
        }
      }
    }
  }
  // 5,000 OR'ed words: over the query limits, and over the request-line limit too.
  std::string ored;
  for (int i = 0; i < 5000; ++i) ored += (i ? " OR w" : "w") + std::to_string(i);
  for (const char* endpoint : {"/v1/search?q=", "/v1/suggest?q="}) {
    auto r = http.get(endpoint + url_encode(ored));
    // 431: the request line is over the 16 KiB header limit; still a client error with a code.
    EXPECT_TRUE(r.status == 200 || r.status == 400 || r.status == 431)
        << r.status << " " << r.body << r.failure;
    EXPECT_FALSE(r.code().empty()) << r.body;
  }
  std::string ored_short;
  for (int i = 0; i < 150; ++i) ored_short += (i ? " OR w" : "w") + std::to_string(i);
  expect_error(http.get("/v1/search?q=" + url_encode(ored_short)), 400, "invalid_query");

  EXPECT_TRUE(server_->running());
  EXPECT_EQ(server_->http().get("/healthz").status, 200);
  auto metrics = server_->http().get("/metrics").body;
  EXPECT_EQ(metrics.find("status=\"500\""), std::string::npos) << metrics;
}

class HttpCors : public HttpApi {
 protected:
  ServeConfig config() override {
    ServeConfig c;
    c.cors_origins = {"https://app.example", "https://admin.example"};
    return c;
  }
};

TEST_F(HttpCors, AllowedOriginsOnlyGetTheHeaders) {
  auto http = server_->http();
  auto allowed = http.get("/v1/search?q=sleep", "", {{"Origin", "https://app.example"}});
  ASSERT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(allowed.header("Vary"), "Origin, Authorization");
  auto second = http.get("/v1/suggest?q=sl", "", {{"Origin", "https://admin.example"}});
  EXPECT_EQ(second.header("Access-Control-Allow-Origin"), "https://admin.example");
  // Errors carry it too, or a browser cannot read them.
  auto error = http.get("/v1/search?bogus=1", "", {{"Origin", "https://app.example"}});
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.header("Access-Control-Allow-Origin"), "https://app.example");

  for (const char* origin : {"https://evil.example", "https://app.example.evil.example",
                             "http://app.example", "null", "*", "https://APP.example"}) {
    auto r = http.get("/v1/search?q=sleep", "", {{"Origin", origin}});
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.has_header("Access-Control-Allow-Origin")) << origin;
    EXPECT_FALSE(r.has_header("Access-Control-Allow-Credentials")) << origin;
  }
  auto none = http.get("/v1/search?q=sleep");
  EXPECT_FALSE(none.has_header("Access-Control-Allow-Origin"));
}

// A page on an allowed origin must be able to read every error, including those cpp-httplib
// answers before routing.
TEST_F(HttpCors, ErrorsCarryTheHeadersToo) {
  auto http = server_->http();
  httplib::Headers origin = {{"Origin", "https://app.example"}};
  std::string big((1 << 20) + 100, 'a');
  for (const auto& r : {http.post("/v1/related", big, "", "application/json", origin),
                        http.get("/v1/nothing", "", origin),
                        http.post("/v1/search", "{}", "", "application/json", origin),
                        http.get("/v1/search?bogus=1", "", origin)}) {
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://app.example") << r.status;
    EXPECT_EQ(r.header("Vary"), "Origin, Authorization") << r.status;
  }
}

TEST_F(HttpCors, PreflightIsNoContent) {
  auto http = server_->http();
  auto r = http.options("/v1/search", {{"Origin", "https://app.example"},
                                       {"Access-Control-Request-Method", "GET"},
                                       {"Access-Control-Request-Headers", "authorization"}});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_NE(r.header("Access-Control-Allow-Methods").find("GET"), std::string::npos);
  EXPECT_NE(r.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(r.header("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  auto post = http.options("/v1/related", {{"Origin", "https://admin.example"},
                                           {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(post.status, 204);
  EXPECT_EQ(post.header("Access-Control-Allow-Origin"), "https://admin.example");
  auto other = http.options(
      "/v1/search", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(other.status, 204);
  EXPECT_FALSE(other.has_header("Access-Control-Allow-Origin"));
}

TEST_F(HttpApi, MetricsCountRoutesStatusesAndTheIndex) {
  auto http = server_->http();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(http.get("/v1/search?q=sleep").status, 200);
  ASSERT_EQ(http.get("/v1/search?bogus=1").status, 400);
  ASSERT_EQ(http.get("/v1/articles/no-such-article").status, 404);
  ASSERT_EQ(http.get(std::string("/v1/articles/") + ids::kPublic).status, 200);
  ASSERT_EQ(http.get(std::string("/v1/articles/") + ids::kPublic + "/related").status, 200);
  ASSERT_EQ(http.get("/v1/suggest?q=sl").status, 200);
  ASSERT_EQ(http.get("/v1/search?q=sleep", "not-a-token").status, 401);
  auto r = http.get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type").rfind("text/plain", 0), 0u) << r.header("Content-Type");
  const auto& m = r.body;
  for (const char* line :
       {"archive_requests_total{route=\"/v1/search\",status=\"200\"} 3\n",
        "archive_requests_total{route=\"/v1/search\",status=\"400\"} 1\n",
        "archive_requests_total{route=\"/v1/search\",status=\"401\"} 1\n",
        "archive_requests_total{route=\"/v1/articles/{id}\",status=\"404\"} 1\n",
        "archive_requests_total{route=\"/v1/articles/{id}\",status=\"200\"} 1\n",
        "archive_requests_total{route=\"/v1/articles/{id}/related\",status=\"200\"} 1\n",
        "archive_requests_total{route=\"/v1/suggest\",status=\"200\"} 1\n",
        "# TYPE archive_request_duration_seconds histogram\n",
        "archive_request_duration_seconds_bucket{route=\"/v1/search\",le=\"+Inf\"} 5\n",
        "archive_request_duration_seconds_count{route=\"/v1/search\"} 5\n",
        "archive_index_generation 1\n", "archive_index_documents{tier=\"public\"} 10\n",
        "archive_index_documents{tier=\"full\"} 10\n"}) {
    EXPECT_NE(m.find(line), std::string::npos) << "missing: " << line << "\n" << m;
  }
  EXPECT_NE(m.find("archive_request_duration_seconds_sum{route=\"/v1/search\"} "),
            std::string::npos);
  // Routes are templates: ids and query strings never become label values.
  EXPECT_EQ(m.find(ids::kPublic), std::string::npos) << m;
  EXPECT_EQ(m.find("no-such-article"), std::string::npos) << m;
  EXPECT_EQ(m.find("sleep"), std::string::npos) << m;

  server_->publish(make_http_archive().jsonl);
  EXPECT_TRUE(eventually(
      [&] {
        return http.get("/metrics").body.find("archive_index_generation 2\n") != std::string::npos;
      },
      3s))
      << http.get("/metrics").body;
}

class HttpBusy : public HttpApi {
 protected:
  ServeConfig config() override {
    ServeConfig c;
    c.threads = 8;
    c.max_in_flight = 1;
    return c;
  }
};

TEST_F(HttpBusy, OverTheInFlightLimitIsTooManyRequests) {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<Reply> busy;
  std::atomic<int> other{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&] {
      auto http = server_->http();
      while (!stop) {
        auto r = http.get("/v1/search?q=stretching%20sleep%20recovery%20running&limit=100");
        if (r.status == 429) {
          std::lock_guard lock(mutex);
          busy.push_back(r);
          stop = true;
        } else if (r.status != 200) {
          ++other;
        }
      }
    });
  }
  eventually([&] { return stop.load(); }, 10s);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_FALSE(busy.empty()) << "no 429 in 10 s of 6 clients against --max-in-flight 1";
  expect_error(busy.front(), 429, "too_many_requests");
  EXPECT_EQ(other, 0);
  EXPECT_EQ(server_->http().get("/v1/search?q=sleep").status, 200);
}

}  // namespace
}  // namespace archive::serve_testing
