// Entitlement over HTTP, endpoint by endpoint: members-only text (canary words drawn at run
// time) never reaches a caller not entitled to it — not in results, snippets, facets, counts,
// completions, spelling corrections, key terms or outlines — while the member token finds
// each canary through the same channel (the positive control). Then non-interference (two
// indexes differing only in members-only text answer anonymous callers byte for byte the
// same) and the log (no token, no canary).
#include <gtest/gtest.h>

#include <memory>

#include "server_fixture.hpp"

namespace archive::serve_testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The response without the query echoed back: what is left came from the index.
std::string from_index(const Reply& r) {
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_object()) body.erase("query");
  return body.is_discarded() ? r.body : body.dump();
}

class HttpEntitlement : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = make_http_archive();
    server_ = std::make_unique<ArchiveServer>(archive_.jsonl);
    member_ = server_->member_token();
  }
  const std::string& canary(int n) const { return archive_.canaries.at(n - 1); }

  // Every canary in `text` not in `allowed` (1-based) is a failure.
  void expect_no_canaries(const std::string& text, const std::string& what,
                          std::set<int> allowed = {}) {
    for (int n = 1; n <= int(kSecrets); ++n) {
      if (!allowed.contains(n)) {
        EXPECT_EQ(text.find(canary(n)), std::string::npos)
            << "canary " << n << " of members-only text leaked through " << what << ": " << text;
      }
    }
  }

  HttpArchive archive_;
  std::unique_ptr<ArchiveServer> server_;
  std::string member_;
};

TEST_F(HttpEntitlement, SearchResultsSnippetsFacetsAndCounts) {
  auto http = server_->http();
  for (int n = 1; n <= int(kSecrets); ++n) {
    SCOPED_TRACE(n);
    auto target = "/v1/search?facets=1&q=" + canary(n);
    auto anonymous = http.get(target);
    ASSERT_EQ(anonymous.status, 200);
    auto body = anonymous.json();
    EXPECT_EQ(body["total_estimate"], 0) << body;
    EXPECT_TRUE(body["results"].empty()) << body;
    EXPECT_EQ(body["facets"], json::parse(R"({"matches":0,"tag":[],"kind":[],"year":[]})")) << body;
    EXPECT_EQ(body["corrected_query"], "");
    expect_no_canaries(from_index(anonymous), target);

    // Positive controls: the member finds the article, counts it, and (sorted by date, so
    // without query expansion) is shown the canary in its snippet.
    auto mbody = http.get(target, member_).json();
    EXPECT_GE(mbody["total_estimate"].get<int>(), 1) << mbody;
    EXPECT_FALSE(mbody["facets"]["tag"].empty()) << mbody;
    auto newest = http.get(target + "&sort=newest", member_);
    EXPECT_NE(from_index(newest).find(canary(n)), std::string::npos) << newest.body;
    expect_no_canaries(from_index(http.get(target + "&sort=newest")), target + "&sort=newest");
  }
  // Searches anonymous callers do get results for: no snippet or facet from member text.
  for (const char* q :
       {"recovery", "stretching%20sleep", "members", "week%20routine", "s*", "zqcanary*", "zq*"}) {
    auto target = std::string("/v1/search?limit=100&q=") + q;
    auto r = http.get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    expect_no_canaries(from_index(r), target);
    auto m = http.get(target, member_);
    EXPECT_EQ(m.status, 200);
  }
  // Wildcards and partial words expand over the caller's own words only.
  auto prefix = canary(1).substr(0, 10);
  for (const std::string& target :
       {"/v1/search?q=" + prefix + "*", "/v1/search?partial=1&q=" + prefix,
        "/v1/search?partial=1&q=sleep%20" + prefix}) {
    auto r = http.get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()["results"].empty() || target.find("sleep") != std::string::npos) << r.body;
    expect_no_canaries(from_index(r), target);
    EXPECT_NE(http.get(target + "&sort=newest", member_).body.find(canary(1)), std::string::npos)
        << "positive control: " << target;
  }
}

// An unlocked page is searched in its full copy, in an overlay, with its public copy
// hidden: it is counted once, with the same facets, and found by its member text.
TEST_F(HttpEntitlement, FacetsCountAnUnlockedPageOnce) {
  auto http = server_->http();
  auto unlock = server_->unlock_token({ids::kUnlockable});
  for (const std::string target : {"/v1/search?facets=1&limit=50", "/v1/search?facets=1&q=guide"}) {
    auto anonymous = http.get(target).json();
    auto unlocked = http.get(target, unlock).json();
    ASSERT_FALSE(anonymous["facets"]["tag"].empty()) << anonymous;
    EXPECT_EQ(unlocked["facets"], anonymous["facets"]) << target;
    EXPECT_EQ(unlocked["total_estimate"], anonymous["total_estimate"]) << target;
  }
  auto by_member_text = "/v1/search?facets=1&q=" + canary(4);
  EXPECT_EQ(http.get(by_member_text).json()["total_estimate"], 0);
  auto unlocked = http.get(by_member_text, unlock).json();
  auto member = http.get(by_member_text, member_).json();
  ASSERT_EQ(unlocked["total_estimate"], 1) << unlocked;
  EXPECT_FALSE(unlocked["facets"]["kind"].empty()) << unlocked;
  EXPECT_EQ(unlocked["facets"], member["facets"]);
}

TEST_F(HttpEntitlement, HiddenHeadingsStayHidden) {
  auto http = server_->http();
  // "Clinic notes" heads a members-only section that the article does not tease.
  auto anonymous = http.get("/v1/search?q=clinic&facets=1");
  EXPECT_TRUE(anonymous.json()["results"].empty()) << anonymous.body;
  EXPECT_FALSE(http.get("/v1/search?q=clinic", member_).json()["results"].empty());
  // A hit names the section its match is in, from the text the caller may see: the member's
  // hit on the hidden section's text names it; no anonymous hit of that article does.
  auto member_hit = http.get("/v1/search?sort=newest&q=" + canary(3), member_).json();
  ASSERT_FALSE(member_hit["results"].empty()) << member_hit;
  EXPECT_EQ(member_hit["results"][0]["section"], kHiddenHeading) << member_hit;
  for (const char* q : {"running", "recovery", "notes", "clinic%20running"}) {
    auto r = http.get(std::string("/v1/search?limit=100&q=") + q);
    EXPECT_EQ(r.body.find(kHiddenHeading), std::string::npos) << r.body;
  }
  auto outline = http.get(std::string("/v1/articles/") + ids::kHiddenSection).body;
  EXPECT_EQ(outline.find(kHiddenHeading), std::string::npos) << outline;
  EXPECT_NE(http.get(std::string("/v1/articles/") + ids::kHiddenSection, member_)
                .body.find(kHiddenHeading),
            std::string::npos);
  auto suggest = http.get("/v1/suggest?limit=20&q=clin");
  EXPECT_EQ(suggest.body.find("clinic"), std::string::npos) << suggest.body;
  EXPECT_NE(http.get("/v1/suggest?limit=20&q=clin", member_).body.find("clinic"),
            std::string::npos);
  // An article with no public section shows no outline at all.
  auto members_only = http.get(std::string("/v1/articles/") + ids::kMembersOnly).json();
  EXPECT_TRUE(members_only["outline"].empty()) << members_only;
  EXPECT_FALSE(http.get(std::string("/v1/articles/") + ids::kMembersOnly, member_)
                   .json()["outline"]
                   .empty());
}

TEST_F(HttpEntitlement, SuggestCompletions) {
  auto http = server_->http();
  for (int n = 1; n <= int(kSecrets); ++n) {
    SCOPED_TRACE(n);
    for (std::size_t letters : {2u, 4u, 8u, 12u}) {
      auto q = canary(n).substr(0, letters);
      for (const std::string& target :
           {"/v1/suggest?limit=20&q=" + q, "/v1/suggest?limit=20&q=sleep%20" + q,
            "/v1/suggest?limit=20&q=%22" + q}) {
        auto r = http.get(target);
        ASSERT_EQ(r.status, 200) << r.body;
        auto body = r.json();
        for (const auto& completion : body["completions"])
          EXPECT_EQ(completion.get<std::string>().find("zq"), std::string::npos)
              << target << r.body;
        EXPECT_TRUE(body["titles"].empty() || target.find("sleep") != std::string::npos) << r.body;
        expect_no_canaries(from_index(r), target);
      }
    }
    // Positive control: the member's completions of the first 4 letters include it.
    auto member = http.get("/v1/suggest?limit=20&q=" + canary(n).substr(0, 4), member_).json();
    bool completed = false;
    for (const auto& c : member["completions"]) completed |= c == canary(n);
    EXPECT_TRUE(completed) << member;
  }
}

TEST_F(HttpEntitlement, SpellingCorrections) {
  auto http = server_->http();
  for (int n = 1; n <= int(kSecrets); ++n) {
    SCOPED_TRACE(n);
    // One letter off: a member is told what they probably meant.
    auto typo = canary(n);
    typo.back() = typo.back() == 'x' ? 'y' : 'x';
    for (const std::string& q : {typo, "sleep " + typo, typo.substr(0, typo.size() - 1)}) {
      auto target = "/v1/search?q=" + url_encode(q);
      auto anonymous = http.get(target);
      ASSERT_EQ(anonymous.status, 200);
      EXPECT_EQ(
          anonymous.json()["corrected_query"].get<std::string>().find("zq" + std::string("canary")),
          std::string::npos)
          << anonymous.body;
      expect_no_canaries(from_index(anonymous), target);
    }
    auto member = http.get("/v1/search?q=" + typo, member_).json();
    EXPECT_EQ(member["corrected_query"], canary(n)) << "positive control: " << member;
  }
}

TEST_F(HttpEntitlement, RelatedKeyTermsAndResults) {
  auto http = server_->http();
  bool member_saw = false;
  for (const char* id : {ids::kPublic, ids::kTeased, ids::kHiddenSection, ids::kUnlockable,
                         ids::kMembersOnly, "sleep-and-recovery", "foam-rolling"}) {
    auto target = std::string("/v1/articles/") + id + "/related?limit=100";
    auto r = http.get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    expect_no_canaries(r.body, target);
    auto m = http.get(target, member_);
    member_saw |=
        m.body.find(canary(1)) != std::string::npos || m.body.find(canary(3)) != std::string::npos;
    // An unlock of another page changes nothing here.
    auto unlocked_other = http.get(target, server_->unlock_token({"sleep-and-recovery"}));
    expect_no_canaries(unlocked_other.body, target + " (unlock of another page)");
  }
  EXPECT_TRUE(member_saw) << "positive control: a member's related answers show member text";
  // A member's snippets of related articles can quote member text; an anonymous draft
  // request is not possible (403), so drafts are covered by the editor tests.
}

TEST_F(HttpEntitlement, ArticleOutlines) {
  auto http = server_->http();
  for (const char* id :
       {ids::kPublic, ids::kTeased, ids::kHiddenSection, ids::kUnlockable, ids::kMembersOnly}) {
    auto target = std::string("/v1/articles/") + id;
    auto r = http.get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    expect_no_canaries(r.body, target);
    auto article = r.json();
    for (const auto& entry : article["outline"]) {
      if (entry["access"] == "members") {
        EXPECT_EQ(id, std::string(ids::kTeased))
            << "only teased member headings are public: " << r.body;
      }
    }
  }
}

// The same ~15 anonymous requests against two indexes that differ only in members-only text
// get byte-identical answers (took_ms aside).
TEST(HttpNonInterference, AnonymousAnswersDoNotDependOnMemberText) {
  auto a = make_http_archive(0);
  auto b = make_http_archive(1);
  ASSERT_NE(a.jsonl, b.jsonl);
  ArchiveServer server_a(a.jsonl), server_b(b.jsonl);
  auto http_a = server_a.http(), http_b = server_b.http();
  const std::vector<std::string> targets = {
      "/readyz",
      "/v1/search?q=stretching",
      "/v1/search?q=sleep%20recovery&limit=5",
      "/v1/search?q=running&sort=newest",
      "/v1/search?q=strechting%20hamstrngs",
      "/v1/search?q=stre&partial=1",
      "/v1/search?q=s*%20r*",
      "/v1/search",
      "/v1/search?q=recovery%20strength%20week&tag=recovery&limit=2&offset=1",
      "/v1/search?q=%22foam%20rolling%22%20OR%20posture",
      "/v1/suggest?q=st",
      "/v1/suggest?q=recovery%20ru&limit=20",
      "/v1/articles/member-strength-plan",
      "/v1/articles/running-injuries",
      "/v1/articles/running-injuries/related",
      "/v1/articles/member-strength-plan/related?limit=5",
      "/v1/articles/hamstring-stretching/related",
      "/v1/articles/members-only-qna/related",
  };
  int with_results = 0;
  for (const auto& target : targets) {
    auto ra = http_a.get(target), rb = http_b.get(target);
    ASSERT_EQ(ra.status, 200) << target << ra.body;
    ASSERT_EQ(rb.status, 200) << target << rb.body;
    EXPECT_EQ(without_took_ms(ra.body), without_took_ms(rb.body)) << target;
    with_results += ra.body.find("\"results\":[{") != std::string::npos;
  }
  EXPECT_GE(with_results, 10) << "the comparison must be over answers with content";
  // Positive control: the same requests as a member do differ, so the comparison can fail.
  int differ = 0;
  auto member_a = server_a.member_token(), member_b = server_b.member_token();
  for (const auto& target : targets)
    differ += without_took_ms(http_a.get(target, member_a).body) !=
              without_took_ms(http_b.get(target, member_b).body);
  EXPECT_GE(differ, 5) << "member answers should differ between the two indexes";
}

TEST_F(HttpEntitlement, TokensAndCanariesNeverReachTheLog) {
  auto http = server_->http();
  auto editor = server_->editor_token();
  auto unlock = server_->unlock_token({ids::kUnlockable});
  auto foreign = sign_jwt("another-secret-0123456789abcdef0123456789",
                          {{"tier", "member"}, {"exp", epoch_seconds(1h)}});
  auto expired = sign_jwt(server_->secret(), {{"tier", "member"}, {"exp", epoch_seconds(-1h)}});
  std::vector<std::string> tokens = {member_, editor, unlock, foreign, expired};
  std::string seen;
  for (int n = 1; n <= int(kSecrets); ++n) {
    seen += http.get("/v1/search?q=" + canary(n), member_).body;
    seen += http.get("/v1/suggest?q=" + canary(n), editor).body;
    seen += http.get("/v1/search?q=" + canary(n), unlock).body;
    EXPECT_EQ(http.get("/v1/search?q=" + canary(n), foreign).status, 401);
    EXPECT_EQ(http.get("/v1/articles/" + canary(n), expired).status, 401);
    EXPECT_EQ(http.get("/v1/articles/" + canary(n) + "/related").status, 404);
    EXPECT_EQ(http.get("/v1/search?" + canary(n) + "=1").status, 400);
  }
  EXPECT_EQ(http.post("/v1/related", json({{"text", "draft " + canary(1)}}).dump(), editor).status,
            200);
  EXPECT_EQ(http.get("/v1/search?q=sleep", "", {{"Authorization", "Basic " + base64url(canary(2))}})
                .status,
            401);
  // Positive control: the requests carried the canaries, and got them back.
  for (int n = 1; n <= int(kSecrets); ++n) EXPECT_NE(seen.find(canary(n)), std::string::npos) << n;

  ASSERT_EQ(server_->stop(), 0);
  auto log = server_->log();
  // Positive control: the log is the access log of these very requests.
  EXPECT_NE(log.find("GET /v1/search 200"), std::string::npos) << log;
  EXPECT_NE(log.find("GET /v1/search 401"), std::string::npos) << log;
  EXPECT_NE(log.find("POST /v1/related 200"), std::string::npos) << log;
  for (const auto& token : tokens) {
    EXPECT_EQ(log.find(token), std::string::npos) << "a token in the log";
    // Nor any of its three parts (the signature alone is a secret too).
    for (std::size_t start = 0, dot; start <= token.size(); start = dot + 1) {
      dot = token.find('.', start);
      if (dot == std::string::npos) dot = token.size();
      auto part = token.substr(start, dot - start);
      if (part.size() >= 16) {
        EXPECT_EQ(log.find(part), std::string::npos) << "part of a token in the log: " << part;
      }
    }
  }
  EXPECT_EQ(log.find(server_->secret()), std::string::npos) << "the secret in the log";
  expect_no_canaries(log, "the server's log");
  EXPECT_EQ(log.find("zq" + std::string("canary")), std::string::npos) << log;
}

}  // namespace
}  // namespace archive::serve_testing
