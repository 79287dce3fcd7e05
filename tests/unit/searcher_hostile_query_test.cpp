// Hostile and expensive queries against the search core: every combination of operators,
// wildcards, a word being typed, field prefixes and brackets, for every kind of caller,
// either answers or fails with a QueryError; never a crash, never another exception.
#include <gtest/gtest.h>

#include <chrono>

#include "archive/index_run.hpp"
#include "archive/searcher.hpp"
#include "server_fixture.hpp"

namespace archive {
namespace {

namespace ids = serve_testing::ids;

struct Caller {
  const char* name;
  Entitlement entitlement;
};

// Every kind of caller; the unlocks run on the public tier plus an overlay database.
std::vector<Caller> callers() {
  return {{"public", {}},
          {"member", {CallerTier::Member, {}}},
          {"editor", {CallerTier::Editor, {}}},
          {"unlock-one", {CallerTier::Public, {ids::kUnlockable}}},
          {"unlock-several",
           {CallerTier::Public,
            {ids::kUnlockable, ids::kHiddenSection, ids::kTeased, ids::kMembersOnly}}}};
}

class SearcherHostileQuery : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::write_file(*dir_ / "archive.jsonl", serve_testing::make_http_archive().jsonl);
    IndexOptions options;
    options.index = *dir_ / "index";
    options.inputs = {(*dir_ / "archive.jsonl").string()};
    run_index(options);
  }
  static void TearDownTestSuite() { delete dir_; }

  // Runs `query` as a search (as typed and as a word being typed) and as a suggestion;
  // a QueryError is an answer, anything else escapes and fails the test.
  static void expect_answer_or_query_error(const Searcher& searcher, const std::string& query,
                                           const Caller& caller) {
    SCOPED_TRACE(std::string(caller.name) + ": " + query);
    for (bool partial : {false, true}) {
      SearchRequest request;
      request.query = query;
      request.partial = partial;
      try {
        searcher.search(request, caller.entitlement);
      } catch (const QueryError&) {
      }
    }
    try {
      searcher.suggest(query, 5, caller.entitlement);
    } catch (const QueryError&) {
    }
  }

  static testing::TempDir* dir_;
};

testing::TempDir* SearcherHostileQuery::dir_ = nullptr;

// XOR crashed archive-serve next to a wildcard or a word being typed over an unlock
// overlay, and (found by tests/fuzz/query_fuzz.cpp) over a phrase on one database. It is
// refused with a reason, for every caller, as typed and while typing.
TEST_F(SearcherHostileQuery, XorIsRefusedWithAReason) {
  Searcher searcher(*dir_ / "index");
  for (const auto& caller : callers()) {
    for (const char* query : {"ab* XOR pain", "pain XOR ab*", "(ab* XOR s*) OR pain",
                              "recovery XOR stre", "stretching sleetitle:p XOR run*ning"}) {
      SCOPED_TRACE(std::string(caller.name) + ": " + query);
      SearchRequest request;
      request.query = query;
      for (bool partial : {false, true}) {
        request.partial = partial;
        try {
          searcher.search(request, caller.entitlement);
          ADD_FAILURE() << "XOR was not refused";
        } catch (const QueryError& e) {
          EXPECT_EQ(std::string(e.what()),
                    "XOR is not supported: use OR, AND or NOT ((a OR b) NOT (a AND b) is a XOR b)");
        }
      }
      EXPECT_THROW(searcher.suggest(query, 5, caller.entitlement), QueryError);
    }
  }
  // Shouted, XOR is a word like the others (fold_case), and answers.
  SearchRequest shouted;
  shouted.query = "STRETCHING XOR SLEEP";
  EXPECT_NO_THROW(searcher.search(shouted, {}));
}

// Two operands joined by each operator, for each caller, as typed and as a word being
// typed: operands are words, wildcards, unfinished words, fields, phrases and brackets.
TEST_F(SearcherHostileQuery, EveryOperatorAndWildcardShape) {
  Searcher searcher(*dir_ / "index");
  const std::vector<std::string> operands = {"pain",          "ab*",          "st*",
                                             "re*",           "s*",           "stre",
                                             "title:st*",     "title:pain",   "tag:stretching",
                                             "author:da*",    "\"st* pain\"", "(pain OR st*)",
                                             "(ab* XOR re*)", "+st*",         "-st*",
                                             "NOT st*",       "zz*"};
  const std::vector<std::string> joins = {" AND ", " OR ",     " NOT ", " XOR ",    " NEAR ",
                                          " ADJ ", " NEAR/2 ", " ",     " AND NOT "};
  for (const auto& caller : callers())
    for (const auto& left : operands)
      for (const auto& join : joins)
        for (const auto& right : operands) {
          expect_answer_or_query_error(searcher, left + join + right, caller);
          if (HasFatalFailure()) return;
        }
}

// Xapian's parser leaks on an excluded wildcard, phrase or group before NEAR/n or ADJ/n
// (the sanitizer build caught it): such a query is refused before it reaches the parser.
TEST_F(SearcherHostileQuery, AnExcludedTermBeforeAWindowIsRefused) {
  Searcher searcher(*dir_ / "index");
  for (const char* query :
       {"-st* NEAR/2 pain", "(-x* NEAR/2 b)", "-\"st pain\" ADJ/3 b", "a OR (-re* NEAR/12 pain)"}) {
    SearchRequest request;
    request.query = query;
    try {
      searcher.search(request, Entitlement::anonymous());
      ADD_FAILURE() << query << " was answered";
    } catch (const QueryError& e) {
      EXPECT_NE(std::string(e.what()).find("NEAR/n"), std::string::npos) << e.what();
    }
  }
  for (const char* query : {"-st* NEAR pain", "st* NEAR/2 pain", "pain-free NEAR/2 sleep"}) {
    SearchRequest request;
    request.query = query;
    EXPECT_NO_THROW(searcher.search(request, Entitlement::anonymous())) << query;
  }
}

// Feedback would run a query with wildcards twice over: it is skipped, so expand=1 ranks
// such a query as expand=0 does.
TEST_F(SearcherHostileQuery, NoFeedbackForWildcards) {
  Searcher searcher(*dir_ / "index");
  SearchRequest request;
  request.query = "s* re*";
  request.limit = 20;
  request.snippets = false;
  auto ids = [&](bool expand) {
    request.expand = expand;
    std::vector<std::string> out;
    for (const auto& hit : searcher.search(request, {}).results) out.push_back(hit.id);
    return out;
  };
  auto plain = ids(false);
  ASSERT_GE(plain.size(), 5u);  // enough matches that feedback would otherwise run
  EXPECT_EQ(ids(true), plain);
}

// A wildcard is a prefix, not a misspelt word: no "did you mean" for it.
TEST_F(SearcherHostileQuery, WildcardsAreNotSpellChecked) {
  Searcher searcher(*dir_ / "index");
  SearchRequest request;
  request.query = "stretchng";
  EXPECT_EQ(searcher.search(request, {}).corrected_query, "stretching");
  request.query = "stretchng* recovry";
  EXPECT_EQ(searcher.search(request, {}).corrected_query, "stretchng* recovery");
}

TEST_F(SearcherHostileQuery, UnlocksAreCappedWithAReason) {
  Searcher searcher(*dir_ / "index");
  Entitlement many{CallerTier::Public, {}};
  for (std::size_t i = 0; i < kMaxUnlockedPages; ++i)
    many.unlocked.insert("page-" + std::to_string(i));
  SearchRequest request;
  request.query = "stretching";
  EXPECT_NO_THROW(searcher.search(request, many));
  many.unlocked.insert(ids::kUnlockable);
  try {
    searcher.search(request, many);
    ADD_FAILURE() << "an unlock of " << many.unlocked.size() << " pages was searched";
  } catch (const QueryError& e) {
    EXPECT_EQ(std::string(e.what()), "a token may unlock at most 20 pages; this one unlocks 21");
  }
  EXPECT_THROW(searcher.suggest("stretching", 5, many), QueryError);
}

// Overlays are kept between requests: a kept one must never outlive its generation, nor
// answer for another unlock set.
TEST(SearcherOverlayCache, FollowsTheGenerationAndTheUnlockSet) {
  testing::TempDir dir;
  auto publish = [&](const std::string& jsonl) {
    testing::write_file(dir / "archive.jsonl", jsonl);
    IndexOptions options;
    options.index = dir / "index";
    options.inputs = {(dir / "archive.jsonl").string()};
    options.rebuild = true;
    run_index(options);
  };
  auto first = serve_testing::make_http_archive(), second = serve_testing::make_http_archive();
  publish(first.jsonl);
  Searcher searcher(dir / "index");
  auto found = [&](const std::string& word, const Entitlement& who) {
    SearchRequest request;
    request.query = word;
    return searcher.search(request, who).total_estimate;
  };
  Entitlement unlock{CallerTier::Public, {ids::kUnlockable}};
  Entitlement other{CallerTier::Public, {ids::kHiddenSection}};
  const auto& secret4 = first.canaries[3];  // unlockable-guide's member text
  EXPECT_EQ(found(secret4, unlock), 1u);
  EXPECT_EQ(found(secret4, other), 0u);
  // More unlock sets than the cache holds, then the first again.
  for (const char* id : {ids::kTeased, ids::kMembersOnly, ids::kHiddenSection, ids::kPublic})
    found("recovery", {CallerTier::Public, {id, ids::kUnlockable}});
  EXPECT_EQ(found(secret4, unlock), 1u);

  publish(second.jsonl);
  ASSERT_TRUE(searcher.refresh());
  EXPECT_EQ(found(secret4, unlock), 0u);
  EXPECT_EQ(found(second.canaries[3], unlock), 1u);
}

}  // namespace
}  // namespace archive
