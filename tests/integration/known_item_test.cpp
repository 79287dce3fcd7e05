// Known-item search on the sample archive: a reader who types an article's title (in lower
// case, with a slip, or its first words while typing) finds that article first, through the
// command line, /v1/search and /v1/suggest alike, as an anonymous caller.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <sstream>

#include "server_fixture.hpp"

namespace archive::serve_testing {
namespace {

using archive::testing::bin;
using archive::testing::read_file;
using archive::testing::run;
using archive::testing::source_path;
using nlohmann::json;

struct Article {
  std::string id, title;
};

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool all_letters(const std::string& word) {
  return std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isalpha(c); });
}

// The title lower-cased with the third letter of its longest plain word dropped: one slip
// (empty when that word is shorter than five letters).
std::string with_slip(const std::string& title) {
  std::istringstream in(lower(title));
  std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
  auto longest = std::max_element(words.begin(), words.end(), [](const auto& a, const auto& b) {
    return (all_letters(a) ? a.size() : 0) < (all_letters(b) ? b.size() : 0);
  });
  if (longest->size() < 5) return {};  // a slip in a short word makes another word
  longest->erase(2, 1);
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The first three words, lower-cased, as typed; empty for titles of three words or fewer.
std::string first_three_words(const std::string& title) {
  std::istringstream in(lower(title));
  std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
  if (words.size() < 4) return {};
  return words[0] + " " + words[1] + " " + words[2];
}

std::vector<std::string> ids_of(const json& hits) {
  std::vector<std::string> out;
  for (const auto& hit : hits) out.push_back(hit.value("id", ""));
  return out;
}

class KnownItem : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto jsonl = read_file(source_path("sample/archive.jsonl"));
    std::istringstream lines(jsonl);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) {
        auto a = json::parse(line);
        articles_.push_back({a["id"], a["title"]});
      }
    server_ = new ArchiveServer(jsonl);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static std::vector<std::string> cli(const std::string& query) {
    auto r = run({bin("archive-search"), "query", "--index", server_->index().string(), "--json",
                  "--limit", "3", "--", query});
    EXPECT_EQ(r.status, 0) << r.err;
    return ids_of(json::parse(r.out)["results"]);
  }
  static std::vector<std::string> get(const std::string& path, const std::string& query,
                                      const std::string& list, const std::string& extra = "") {
    auto reply = server_->http().get(path + "?limit=3&q=" + url_encode(query) + extra);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return ids_of(reply.json()[list]);
  }

  static inline std::vector<Article> articles_;
  static inline ArchiveServer* server_ = nullptr;
};

TEST_F(KnownItem, ATitleInLowerCaseComesFirstEverywhere) {
  ASSERT_EQ(articles_.size(), 40u);
  for (const auto& a : articles_) {
    auto query = lower(a.title);
    EXPECT_EQ(cli(query).at(0), a.id) << query;
    EXPECT_EQ(get("/v1/search", query, "results").at(0), a.id) << query;
    EXPECT_EQ(get("/v1/suggest", query, "titles").at(0), a.id) << query;
  }
}

TEST_F(KnownItem, ATitleWithOneSlipComesFirst) {
  for (const auto& a : articles_) {
    auto query = with_slip(a.title);
    if (query.empty()) continue;
    EXPECT_EQ(cli(query).at(0), a.id) << query;
    EXPECT_EQ(get("/v1/search", query, "results").at(0), a.id) << query;
  }
}

TEST_F(KnownItem, TheFirstThreeWordsAsTypedFindTheTitleInTheTopThree) {
  for (const auto& a : articles_) {
    auto query = first_three_words(a.title);
    if (query.empty()) continue;
    auto ids = get("/v1/search", query, "results", "&partial=1");
    EXPECT_NE(std::find(ids.begin(), ids.end(), a.id), ids.end()) << query;
    ids = get("/v1/suggest", query, "titles");
    EXPECT_NE(std::find(ids.begin(), ids.end(), a.id), ids.end()) << query;
  }
}

// Naming a title never lets the article past a filter it fails.
TEST_F(KnownItem, ANamedTitleStaysWithinTheFilters) {
  const auto& named = articles_.front();  // trigger-points-explained, tags without "sleep"
  for (std::string filter : {"&tag=sleep", "&kind=faq"}) {
    auto ids = get("/v1/search", lower(named.title), "results", filter);
    EXPECT_EQ(std::find(ids.begin(), ids.end(), named.id), ids.end()) << filter;
  }
}

// With an unlock the search runs on the public tier and an overlay of the unlocked page;
// the page's title still names it, and names its unlocked copy only.
TEST_F(KnownItem, ANamedTitleComesFirstForAnUnlockedPage) {
  auto token = server_->unlock_token({"sleep-and-pain"});
  auto reply = server_->http().get(
      "/v1/search?limit=3&q=" + url_encode("sleep and pain a two-way street"), token);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto ids = ids_of(reply.json()["results"]);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.at(0), "sleep-and-pain");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "sleep-and-pain"), 1);
}

// What the issue saw: the article quoting a title no longer outranks the article itself.
TEST_F(KnownItem, AnArticleQuotingATitleRanksBelowIt) {
  EXPECT_EQ(cli("does stretching prevent injury").at(0), "does-stretching-prevent-injury");
}

}  // namespace
}  // namespace archive::serve_testing
