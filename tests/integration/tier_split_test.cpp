// The tier split: members-only text never reaches the public tier, nor any answer given
// to an anonymous caller. Every members-only place holds its own canary word, generated
// at run time; every scan for canaries has a positive control finding them where they
// belong.
#include <gtest/gtest.h>

#include <map>

#include "archive/layout.hpp"
#include "archive_fixtures.hpp"
#include "test_support.hpp"

namespace archive::testing {
namespace {

namespace fs = std::filesystem;

const std::string kMarker = std::string("zq") + "canary";  // every canary starts with it

struct Canary {
  std::string token;
  std::string article;
  bool in_text = true;  // false: in a heading (snippets are cut from text only)
};

class TierSplit : public ::testing::Test {
 protected:
  void SetUp() override {
    auto add = [&](const std::string& name, const std::string& article, bool in_text = true) {
      canaries_[name] = {make_canary(), article, in_text};
      return canaries_[name].token;
    };
    auto post_text = add("post-text", "member-post");
    auto post_heading = add("post-heading", "member-post", false);
    auto post_untitled = add("post-untitled", "member-post");
    auto teaser_text = add("teaser-text", "teaser-post");
    auto area_text = add("area-text", "open-with-area");
    auto area_heading = add("area-heading", "open-with-area", false);
    auto open_teaser_text = add("open-teaser-text", "open-teaser");

    std::vector<Json> articles = {
        {{"id", "open-plain"},
         {"title", "Shoulder mobility basics"},
         {"summary", "Why the shoulder moves the way it does."},
         {"tags", {"shoulder"}},
         {"published", "2015-03-01"},
         {"sections",
          {{{"heading", "Rotator cuff"}, {"text", "The rotator cuff steadies the shoulder joint."}},
           {{"text", "Mobility work helps stiffness."}}}}},
        {{"id", "member-post"},
         {"title", "Members: shoulder drills"},
         {"kind", "member-post"},
         {"access", "members"},
         {"summary", "Drills for shoulder mobility."},
         {"tags", {"shoulder"}},
         {"published", "2018-06-01"},
         {"sections",
          {{{"heading", "Warm-up " + post_heading},
            {"text",
             "Start the shoulder drill with " + post_text + " rotator circles and mobility."}},
           {{"heading", nullptr},
            {"text", "Untitled notes " + post_untitled + " on shoulder stiffness."}}}}},
        {{"id", "teaser-post"},
         {"title", "Members: rotator cuff loading"},
         {"kind", "member-post"},
         {"access", "members"},
         {"headings_public", true},
         {"summary", "Loading the rotator cuff."},
         {"published", "2019-01-15"},
         {"sections",
          {{{"heading", "Loading plan for the shoulder"},
            {"text", "Week one: " + teaser_text + " shoulder mobility rotator sets."}}}}},
        {{"id", "open-with-area"},
         {"title", "Heat or ice for a stiff shoulder"},
         {"tags", {"shoulder", "heat"}},
         {"published", "2016-09-09"},
         {"sections",
          {{{"heading", "The evidence"}, {"text", "Heat helps stiffness; ice helps swelling."}},
           {{"heading", "Members protocol " + area_heading},
            {"access", "members"},
            {"text", "Timing table " + area_text + " for shoulder stiffness and mobility."}},
           {{"heading", "Summary"}, {"text", "Use whichever feels better."}}}}},
        {{"id", "open-teaser"},
         {"title", "Rotator cuff tendinopathy"},
         {"headings_public", true},
         {"published", "2017-02-02"},
         {"sections",
          {{{"text", "Tendons adapt to load, the rotator cuff too."}},
           {{"heading", "Exercise programme"},
            {"access", "members"},
            {"text", "Program " + open_teaser_text + " rotator shoulder mobility stiffness."}}}}},
    };
    write_file(dir_ / "archive.jsonl", jsonl(articles));
    auto r = index_run(index(), {(dir_ / "archive.jsonl").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    auto current = read_current(index());
    ASSERT_TRUE(current.has_value());
    generation_ = index() / *current;
  }

  fs::path index() const { return dir_ / "idx"; }

  // The JSON answer without the echo of the query itself, which holds what was typed.
  Json answer(std::vector<std::string> args) {
    auto response = search_json(index(), std::move(args));
    if (response.is_object()) response.erase("query");
    return response;
  }

  // Canary tokens found in `text`.
  std::vector<std::string> canaries_in(const std::string& text) const {
    std::vector<std::string> found;
    for (const auto& [name, c] : canaries_)
      if (text.find(c.token) != std::string::npos) found.push_back(name);
    return found;
  }

  TempDir dir_;
  fs::path generation_;
  std::map<std::string, Canary> canaries_;
};

TEST_F(TierSplit, RawBytesOfThePublicTierHoldNoCanary) {
  ASSERT_TRUE(fs::is_directory(generation_ / "public"));
  ASSERT_TRUE(fs::is_directory(generation_ / "full"));
  for (const auto& [name, c] : canaries_) {
    SCOPED_TRACE(name);
    EXPECT_EQ(files_containing(generation_ / "public", c.token), std::vector<fs::path>{});
    // Positive control: the same scan finds it in the full tier.
    EXPECT_FALSE(files_containing(generation_ / "full", c.token).empty());
  }
  EXPECT_EQ(files_containing(generation_ / "public", kMarker), std::vector<fs::path>{});
  // Nothing else under the index directory outside the full tiers holds one either.
  for (const auto& entry : fs::recursive_directory_iterator(index())) {
    auto path = entry.path().string();
    if (!entry.is_regular_file() || path.find("/full/") != std::string::npos) continue;
    EXPECT_EQ(read_file(entry.path()).find(kMarker), std::string::npos) << path;
  }
}

TEST_F(TierSplit, PublicTierThroughTheXapianApiHoldsNoCanary) {
  auto pub = Xapian::Database((generation_ / "public").string());
  auto full = Xapian::Database((generation_ / "full").string());
  ASSERT_EQ(pub.get_doccount(), 5u);
  auto public_text = everything_in(pub);
  auto full_text = everything_in(full);
  EXPECT_EQ(canaries_in(public_text), std::vector<std::string>{});
  EXPECT_EQ(public_text.find(kMarker), std::string::npos);
  for (const auto& [name, c] : canaries_) {
    SCOPED_TRACE(name);
    // Positive control, each way the text could have got in: term, data or text
    // value, spelling.
    EXPECT_NE(full_text.find("term " + c.token + "\n"), std::string::npos);
    EXPECT_TRUE(full.term_exists(c.token));
    EXPECT_FALSE(pub.term_exists(c.token));
    EXPECT_NE(full_text.find("spelling " + c.token + "\n"), std::string::npos);
    bool stored = false;  // in the data (headings) or the text value (section text)
    for (auto p = full.postlist_begin(""); p != full.postlist_end(""); ++p) {
      auto doc = full.get_document(*p);
      auto kept =
          doc.get_data() + doc.get_value(layout::slot::kHit) + doc.get_value(layout::slot::kText);
      stored |= kept.find(c.token) != std::string::npos;
    }
    EXPECT_TRUE(stored);
  }
  // The public tier still holds the public words of the same articles.
  for (const char* word : {"shoulder", "rotator", "drills", "loading", "evidence"})
    EXPECT_NE(public_text.find("term " + std::string(word) + "\n"), std::string::npos) << word;
  // Teased headings are public; untitled or untelling member sections are not.
  EXPECT_TRUE(pub.term_exists("plan"));       // "Loading plan for the shoulder" (teaser)
  EXPECT_TRUE(pub.term_exists("programme"));  // "Exercise programme" (teaser)
  EXPECT_FALSE(pub.term_exists("untitled"));
  EXPECT_FALSE(pub.term_exists("timing"));
  EXPECT_TRUE(full.term_exists("timing"));
}

TEST_F(TierSplit, AnonymousSearchNeverShowsACanary) {
  std::vector<std::vector<std::string>> queries = {
      {"shoulder"},
      {"--limit", "100", "shoulder mobility rotator stiffness"},
      {"--facets", "shoulder"},
      {"--sort", "newest", "stiffness"},
      {"--partial", "shoulder mob"},
      {"--partial", kMarker.substr(0, 4)},
      {"zq*"},
      {kMarker + "*"},
      {"\"rotator circles\""},
      {"timing table"},
      {"untitled notes"},
      {"warm-up"},
      {"--tag", "shoulder"},
      {"--kind", "member-post"},
      {"--facets"}};
  for (const auto& [name, c] : canaries_) {
    queries.push_back({c.token});
    queries.push_back({"--partial", c.token.substr(0, 12)});
    queries.push_back({c.token.substr(0, c.token.size() - 1)});  // a near miss: spelling
    queries.push_back({"title:" + c.token});
  }
  for (const auto& q : queries) {
    std::string line;
    for (const auto& a : q) line += a + " ";
    SCOPED_TRACE(line);
    auto text = answer(q).dump();
    EXPECT_EQ(text.find(kMarker), std::string::npos) << text;
    // Raw output, byte for byte, where the query itself holds no canary to echo.
    if (line.find(kMarker) == std::string::npos) {
      auto raw = search_run(index(), q);
      EXPECT_EQ((raw.out + raw.err).find(kMarker), std::string::npos) << raw.out << raw.err;
    }
    // The plain terminal form too.
    std::vector<std::string> argv = {bin("archive-search"), "query", "--index", index().string()};
    argv.insert(argv.end(), q.begin(), q.end());
    auto plain = run(argv);
    EXPECT_EQ(plain.status, 0) << plain.err;
    auto shown = plain.out;
    if (auto at = shown.find('\n'); at != std::string::npos) shown.erase(0, at);  // the echo line
    EXPECT_EQ(shown.find(kMarker), std::string::npos) << plain.out;
  }
  // The ordinary queries do reach the member articles (their public parts).
  auto ids = result_ids(answer({"--limit", "100", "shoulder"}));
  EXPECT_TRUE(contains(ids, "member-post"));
  EXPECT_TRUE(contains(ids, "open-with-area"));
}

TEST_F(TierSplit, MembersFindEveryCanary) {
  for (const char* as : {"member", "editor"}) {
    for (const auto& [name, c] : canaries_) {
      SCOPED_TRACE(std::string(as) + " " + name);
      auto response = answer({c.token, "--as", as});
      ASSERT_FALSE(result_ids(response).empty());
      EXPECT_EQ(result_ids(response).front(), c.article);
      if (c.in_text) {
        EXPECT_NE(response["results"][0]["snippet"].get<std::string>().find(c.token),
                  std::string::npos)
            << response.dump();
      }
    }
  }
}

TEST_F(TierSplit, UnlockShowsThatArticlesMemberTextAndNoOther) {
  std::map<std::string, std::vector<std::string>> by_article;
  for (const auto& [name, c] : canaries_) by_article[c.article].push_back(name);

  for (const auto& [article, own] : by_article) {
    SCOPED_TRACE("unlock " + article);
    // Its own canaries: found, and the text ones shown in the snippet.
    for (const auto& name : own) {
      const auto& c = canaries_.at(name);
      auto response = answer({c.token, "--unlock", article});
      ASSERT_FALSE(result_ids(response).empty()) << name;
      EXPECT_EQ(result_ids(response).front(), article) << name;
      for (const auto& found : canaries_in(response.dump()))
        EXPECT_EQ(canaries_.at(found).article, article) << response.dump();
      if (c.in_text && !response["results"].empty()) {
        EXPECT_NE(response["results"][0]["snippet"].get<std::string>().find(c.token),
                  std::string::npos)
            << response.dump();
      }
    }
    // Every other article's canaries: neither found nor shown; ordinary queries show at most
    // this article's own.
    // (Query words first: a repeatable option such as --unlock swallows the words after
    // it; see SearchCommandLine.QueryWordsAfterARepeatableOptionAreQueryWords.)
    std::vector<std::vector<std::string>> queries = {
        {"shoulder mobility rotator stiffness", "--limit", "100", "--unlock", article},
        {"shoulder", "--facets", "--unlock", article},
        {kMarker.substr(0, 5), "--partial", "--unlock", article},
        {kMarker + "*", "--unlock", article}};
    for (const auto& q : queries) {
      auto text = answer(q).dump();
      for (const auto& found : canaries_in(text))
        EXPECT_EQ(canaries_.at(found).article, article)
            << "unlocking " << article << " showed " << found << ": " << text;
    }
    for (const auto& [name, c] : canaries_) {
      if (c.article == article) continue;
      auto response = answer({c.token, "--unlock", article});
      EXPECT_EQ(result_ids(response), std::vector<std::string>{}) << name;
      EXPECT_EQ(canaries_in(response.dump()), std::vector<std::string>{}) << response.dump();
    }
  }
  // Several unlocks at once: each one's canaries, still nobody else's.
  auto both = answer({"shoulder mobility rotator stiffness", "--limit", "100", "--unlock",
                      "member-post", "--unlock", "open-teaser"});
  for (const auto& found : canaries_in(both.dump()))
    EXPECT_TRUE(canaries_.at(found).article == "member-post" ||
                canaries_.at(found).article == "open-teaser")
        << found;
  EXPECT_EQ(result_ids(answer({canaries_.at("area-text").token, "--unlock", "member-post",
                               "--unlock", "open-teaser"})),
            std::vector<std::string>{});
  // Positive control for the combined unlock: both unlocked articles' text is found.
  EXPECT_EQ(result_ids(answer({canaries_.at("post-text").token, "--unlock", "member-post",
                               "--unlock", "open-teaser"}))
                .at(0),
            "member-post");
  EXPECT_EQ(result_ids(answer({canaries_.at("open-teaser-text").token, "--unlock", "member-post",
                               "--unlock", "open-teaser"}))
                .at(0),
            "open-teaser");
  // Unlocking a public article or an unknown id unlocks nothing.
  for (const char* id : {"open-plain", "no-such-article"}) {
    auto text =
        answer({"shoulder mobility rotator stiffness", "--limit", "100", "--unlock", id}).dump();
    EXPECT_EQ(text.find(kMarker), std::string::npos) << id << ": " << text;
  }
}

}  // namespace
}  // namespace archive::testing
