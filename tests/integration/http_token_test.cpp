// Bearer tokens over HTTP: who sees what, and every kind of bad token refused with 401 and
// nothing else (never a fallback to anonymous results).
#include <gtest/gtest.h>

#include <memory>

#include "server_fixture.hpp"

namespace archive::serve_testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class HttpTokens : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = make_http_archive();
    server_ = std::make_unique<ArchiveServer>(archive_.jsonl);
  }
  // Ids of the articles matching `q` for the holder of `token`. Sorted by date: relevance
  // ranking may add articles like the matches (query expansion), date order does not.
  std::vector<std::string> found(const std::string& q, const std::string& token = "") {
    auto r = server_->http().get("/v1/search?facets=0&sort=newest&q=" + url_encode(q), token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    auto body = r.json();
    for (const auto& hit : body["results"]) ids.push_back(hit["id"]);
    return ids;
  }
  const std::string& canary(int n) const { return archive_.canaries.at(n - 1); }

  HttpArchive archive_;
  std::unique_ptr<ArchiveServer> server_;
};

TEST_F(HttpTokens, NoHeaderIsPublic) {
  for (int n = 1; n <= 5; ++n) EXPECT_TRUE(found(canary(n)).empty()) << n;
  EXPECT_FALSE(found("hamstring").empty());  // the same search finds public text
}

TEST_F(HttpTokens, MemberAndEditorSeeMemberText) {
  const std::vector<std::pair<int, std::string>> where = {{1, ids::kTeased},
                                                          {2, ids::kTeased},
                                                          {3, ids::kHiddenSection},
                                                          {4, ids::kUnlockable},
                                                          {5, ids::kMembersOnly}};
  for (const auto& token : {server_->member_token(), server_->editor_token()}) {
    for (const auto& [n, id] : where)
      EXPECT_EQ(found(canary(n), token), std::vector<std::string>{id}) << n;
  }
  // The snippet shows the member text, too.
  auto r = server_->http().get("/v1/search?facets=0&sort=newest&q=" + canary(3),
                               server_->member_token());
  EXPECT_NE(
      r.json()["results"][0]["snippet"].get<std::string>().find("<mark>" + canary(3) + "</mark>"),
      std::string::npos)
      << r.body;
  // A token with tier public and no unlocks is the same as none.
  EXPECT_TRUE(found(canary(1), server_->token({{"tier", "public"}})).empty());
  EXPECT_TRUE(found(canary(1), server_->token(json::object())).empty());
}

TEST_F(HttpTokens, UnlockTokenSeesOnlyThatPagesMemberText) {
  auto unlock = server_->unlock_token({ids::kUnlockable});
  EXPECT_EQ(found(canary(4), unlock), std::vector<std::string>{ids::kUnlockable});
  for (int n : {1, 2, 3, 5}) EXPECT_TRUE(found(canary(n), unlock).empty()) << n;

  auto http = server_->http();
  auto page = http.get(std::string("/v1/articles/") + ids::kUnlockable, unlock).json();
  EXPECT_EQ(page["outline"], json::parse(R"([{"heading":"Move often","access":"public"},
                                             {"heading":"Members worksheet","access":"members"}])"));
  auto anonymous = http.get(std::string("/v1/articles/") + ids::kUnlockable).json();
  EXPECT_EQ(anonymous["outline"].size(), 1u) << anonymous;
  auto other = http.get(std::string("/v1/articles/") + ids::kHiddenSection, unlock).body;
  EXPECT_EQ(other.find(kHiddenHeading), std::string::npos) << other;

  auto suggest = http.get("/v1/suggest?limit=20&q=" + canary(1).substr(0, 4), unlock).body;
  EXPECT_NE(suggest.find(canary(4)), std::string::npos) << suggest;
  for (int n : {1, 2, 3, 5}) EXPECT_EQ(suggest.find(canary(n)), std::string::npos) << n << suggest;

  // Unlocking an id that does not exist, or a page without member text, changes nothing.
  EXPECT_TRUE(found(canary(4), server_->unlock_token({"no-such-article", ids::kPublic})).empty());
  EXPECT_FALSE(found("hamstring", server_->unlock_token({ids::kPublic})).empty());
}

TEST_F(HttpTokens, RelatedForAnUnlockedPageUsesItsMemberText) {
  auto unlock = server_->unlock_token({ids::kUnlockable});
  auto r =
      server_->http().get(std::string("/v1/articles/") + ids::kUnlockable + "/related", unlock);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_FALSE(body["key_terms"].empty()) << body;
  EXPECT_FALSE(body["results"].empty()) << body;
}

TEST_F(HttpTokens, EditorMayPostDrafts) {
  auto http = server_->http();
  std::string draft = R"({"text": "sleep and recovery after hard training"})";
  EXPECT_EQ(http.post("/v1/related", draft, server_->editor_token()).status, 200);
  EXPECT_EQ(http.post("/v1/related", draft, server_->member_token()).status, 403);
}

// Every request a refused token can make: all 401, none with results.
void expect_refused_everywhere(ArchiveServer& server, const std::string& authorization,
                               const std::string& why) {
  SCOPED_TRACE(why);
  auto http = server.http();
  httplib::Headers h = {{"Authorization", authorization}};
  std::vector<Reply> replies = {
      http.get("/v1/search?q=hamstring", "", h),
      http.get("/v1/suggest?q=ham", "", h),
      http.get(std::string("/v1/articles/") + ids::kPublic, "", h),
      http.get(std::string("/v1/articles/") + ids::kPublic + "/related", "", h),
      http.post("/v1/related", R"({"text": "hamstring"})", "", "application/json", h),
  };
  // Probes ignore the token: a load balancer's check must not fail on one.
  EXPECT_EQ(http.get("/readyz", "", h).status, 200);
  for (const auto& r : replies) {
    ASSERT_EQ(r.status, 401) << r.body << r.failure;
    EXPECT_EQ(r.code(), "unauthorized") << r.body;
    EXPECT_FALSE(r.message().empty());
    auto body = r.json();
    EXPECT_EQ(body.size(), 1u) << "a 401 carries the error and nothing else: " << r.body;
    EXPECT_EQ(r.body.find("hamstring"), std::string::npos) << r.body;
    // The message never quotes the token.
    auto token = authorization.substr(authorization.find(' ') + 1);
    if (token.size() >= 8) {
      EXPECT_EQ(r.body.find(token), std::string::npos) << r.body;
    }
  }
}

TEST_F(HttpTokens, BadTokensAreRefused) {
  const auto& secret = server_->secret();
  auto exp = epoch_seconds(1h);
  json member = {{"tier", "member"}, {"exp", exp}};
  auto alg_none = base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(member.dump()) + ".";
  auto valid = sign_jwt(secret, member);
  auto parts_of_valid = valid.substr(0, valid.rfind('.'));
  std::vector<std::pair<std::string, std::string>> tokens = {
      {"expired", sign_jwt(secret, {{"tier", "member"}, {"exp", epoch_seconds(-60s)}})},
      {"expired just now", sign_jwt(secret, {{"tier", "member"}, {"exp", epoch_seconds(-1s)}})},
      {"alg none", alg_none},
      {"alg none with a signature", alg_none + base64url("x")},
      {"alg none, upper case",
       base64url(R"({"alg":"NONE","typ":"JWT"})") + "." + base64url(member.dump()) + "."},
      {"another key", sign_jwt("another-secret-0123456789abcdef0123456789", member)},
      {"the key with a suffix", sign_jwt(secret + "x", member)},
      {"HS384 with our key", sign_jwt(secret, member, "HS384")},
      {"HS512 with our key", sign_jwt(secret, member, "HS512")},
      {"no exp", sign_jwt(secret, {{"tier", "member"}})},
      {"exp as a string", sign_jwt(secret, {{"tier", "member"}, {"exp", std::to_string(exp)}})},
      {"exp as a fraction", sign_jwt(secret, {{"tier", "member"}, {"exp", double(exp) + 0.5}})},
      {"tier admin", sign_jwt(secret, {{"tier", "admin"}, {"exp", exp}})},
      {"tier Member", sign_jwt(secret, {{"tier", "Member"}, {"exp", exp}})},
      {"tier a number", sign_jwt(secret, {{"tier", 1}, {"exp", exp}})},
      {"unlocked a string", sign_jwt(secret, {{"unlocked", ids::kUnlockable}, {"exp", exp}})},
      {"unlocked numbers", sign_jwt(secret, {{"unlocked", {1, 2}}, {"exp", exp}})},
      {"signature cut", valid.substr(0, valid.size() - 4)},
      {"signature of another payload",
       parts_of_valid.substr(0, parts_of_valid.find('.')) + "." +
           base64url(json({{"tier", "editor"}, {"exp", exp}}).dump()) +
           valid.substr(valid.rfind('.'))},
      {"no signature", parts_of_valid + "."},
      {"two parts", parts_of_valid},
      {"garbage", "not-a-token"},
      {"dots", "..."},
      {"four parts", valid + ".abc"},
      {"not base64", "!!!.@@@.###"},
      {"JSON, not a JWT", member.dump()},
      {"huge", std::string(5000, 'a')},
  };
  for (const auto& [why, token] : tokens)
    expect_refused_everywhere(*server_, "Bearer " + token, why);
  // The header itself malformed.
  for (const std::string& header :
       std::vector<std::string>{"Basic xyz", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ",
                                "Token " + valid, "bearer" + valid, valid, "Bearer  " + valid})
    expect_refused_everywhere(*server_, header, "header: " + header.substr(0, 20));
  // Positive control: the same claims, correctly signed, are accepted.
  EXPECT_EQ(server_->http().get("/v1/search?q=hamstring", valid).status, 200);
  EXPECT_FALSE(found(canary(1), valid).empty());
}

TEST_F(HttpTokens, ServerWithoutASecretAcceptsNoToken) {
  ServeConfig config;
  config.with_secret = false;
  ArchiveServer bare(archive_.jsonl, config);
  auto token = sign_jwt(server_->secret(), {{"tier", "member"}, {"exp", epoch_seconds(1h)}});
  expect_refused_everywhere(bare, "Bearer " + token, "no secret configured");
  EXPECT_EQ(bare.http().get("/v1/search?q=hamstring").status, 200);
}

}  // namespace
}  // namespace archive::serve_testing
