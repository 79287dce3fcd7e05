// Hostile queries over HTTP: shapes that once killed archive-serve, sent by a caller whose
// token unlocks pages (the search then runs on the public tier plus an overlay database).
// Every answer is 200 or a 400 the caller can act on, and the server stays up.
#include <gtest/gtest.h>

#include <memory>

#include "server_fixture.hpp"

namespace archive::serve_testing {
namespace {

class HttpHostileQuery : public ::testing::Test {
 protected:
  void SetUp() override { server_ = std::make_unique<ArchiveServer>(make_http_archive().jsonl); }

  // `target` answered with 200, or with 400 invalid_query and a message.
  void expect_answer_or_invalid_query(Http& http, const std::string& target,
                                      const std::string& token) {
    auto r = http.get(target, token);
    ASSERT_NE(r.status, 0) << target << ": no response (" << r.failure << ")\n" << server_->log();
    if (r.status == 400) {
      EXPECT_EQ(r.code(), "invalid_query") << target << ": " << r.body;
      EXPECT_FALSE(r.message().empty()) << target;
    } else {
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    }
    ASSERT_TRUE(server_->running()) << target << " killed the server\n" << server_->log();
  }

  std::unique_ptr<ArchiveServer> server_;
};

// XOR next to a wildcard or a word being typed crashed Xapian (SIGSEGV) on an unlock's
// two databases; XOR is now refused with a reason.
TEST_F(HttpHostileQuery, XorWithWildcardUnderAnUnlockToken) {
  auto http = server_->http();
  for (const auto& token : {server_->unlock_token({ids::kUnlockable}),
                            server_->unlock_token({ids::kUnlockable, ids::kHiddenSection,
                                                   ids::kTeased, ids::kMembersOnly})}) {
    for (const std::string query : {"ab* XOR pain", "ab* XOR s*", "st* XOR tag:stretching",
                                    "pain XOR stre", "(re* XOR ab*) OR pain"}) {
      auto q = url_encode(query);
      for (const auto& target : {"/v1/search?q=" + q, "/v1/search?partial=1&q=" + q,
                                 "/v1/search?expand=1&q=" + q, "/v1/suggest?q=" + q}) {
        expect_answer_or_invalid_query(http, target, token);
        if (HasFatalFailure()) return;
      }
    }
  }
  auto refused = http.get("/v1/search?partial=1&q=" + url_encode("pain XOR stretch"),
                          server_->unlock_token({ids::kUnlockable}));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.message().find("XOR is not supported"), std::string::npos) << refused.body;
}

// More pages than the core unlocks at once are refused with a reason, not searched slowly.
TEST_F(HttpHostileQuery, TooManyUnlockedPagesAreRefused) {
  auto http = server_->http();
  std::vector<std::string> pages;
  for (int i = 0; i < 21; ++i) pages.push_back("page-" + std::to_string(i));
  auto r = http.get("/v1/search?q=stretching", server_->unlock_token(pages));
  // The token itself is refused (401): the core would refuse it on every request.
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.message().find("at most 20 article ids"), std::string::npos) << r.body;
  pages.resize(20);
  EXPECT_EQ(http.get("/v1/search?q=stretching", server_->unlock_token(pages)).status, 200);
}

}  // namespace
}  // namespace archive::serve_testing
