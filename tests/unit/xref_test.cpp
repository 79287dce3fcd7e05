// The cross-reference library: mention matching on articles held in memory, and the checks
// over a real index of tests/fixtures/xref/archive.jsonl, whose answers are known:
//   broken    ankle-sprain-care -> ghost-article
//   orphans   bone-density
//   missing   sleep-notes -> ankle-sprain-care (full title, in a members-only section)
//             hip-strength -> ankle-sprain-care (key phrase "ankle sprain", as "ankle sprains")
// Every other mention in it is of the article itself or of an article already linked.
#include "archive/xref.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "archive/index_command.hpp"
#include "archive/searcher.hpp"
#include "test_support.hpp"

namespace archive {
namespace {

XrefArticle article(std::string id, std::string title, std::vector<std::string> texts,
                    std::vector<std::string> key_phrases = {},
                    std::vector<std::string> links = {}) {
  return {std::move(id), std::move(title), std::move(key_phrases), std::move(links),
          std::move(texts)};
}

// "from>to" for each missing link, in rank order.
std::vector<std::string> pairs(const std::vector<MissingLink>& links) {
  std::vector<std::string> out;
  for (const auto& l : links) out.push_back(l.from + ">" + l.to);
  return out;
}

// A target with one key phrase and a source whose only text is `text`.
std::vector<MissingLink> mentions_of(const std::string& phrase, const std::string& text) {
  return find_missing_links({article("target", "Target", {"Nothing here."}, {phrase}),
                             article("source", "Source", {text})});
}

TEST(MissingLinks, KeyPhraseOnWordBoundariesInAnyCase) {
  EXPECT_EQ(mentions_of("trigger points", "Pressing TRIGGER Points hurts.").size(), 1u);
  EXPECT_EQ(mentions_of("acupuncture", "An acupuncturist was consulted.").size(), 0u);
  EXPECT_EQ(mentions_of("acupuncture", "Electroacupuncture is different.").size(), 0u);
  EXPECT_EQ(mentions_of("core strength", "Hardcore strength work.").size(), 0u);
}

TEST(MissingLinks, PluralsPossessivesHyphensAndApostrophes) {
  EXPECT_EQ(mentions_of("ankle sprain", "Old ankle sprains linger.").size(), 1u);
  EXPECT_EQ(mentions_of("trigger points", "A single trigger point.").size(), 1u);
  EXPECT_EQ(mentions_of("sciatica", "Sciatica's course is slow.").size(), 1u);
  EXPECT_EQ(mentions_of("delayed-onset muscle soreness", "Delayed onset muscle soreness.").size(),
            1u);
  EXPECT_EQ(mentions_of("runner's knee", "So-called runner\u2019s knee.").size(), 1u);
  // Only the last word bends: "ankles sprain" is another phrase.
  EXPECT_EQ(mentions_of("ankle sprain", "Both ankles sprain easily.").size(), 0u);
}

TEST(MissingLinks, PunctuationBetweenTheWordsBreaksAPhrase) {
  EXPECT_EQ(mentions_of("back pain", "Look back. Pain is common.").size(), 0u);
  EXPECT_EQ(mentions_of("back pain", "Go back, pain or not.").size(), 0u);
}

TEST(MissingLinks, SkipsTheArticleItselfAndArticlesAlreadyLinking) {
  auto target = article("target", "Target", {"Trigger points are ours."}, {"trigger points"});
  auto linked = article("linked", "Linked", {"Trigger points again."}, {}, {"target"});
  auto unlinked = article("unlinked", "Unlinked", {"Trigger points once more."});
  EXPECT_EQ(pairs(find_missing_links({target, linked, unlinked})),
            std::vector<std::string>{"unlinked>target"});
}

TEST(MissingLinks, ReportsTheSentenceOfTheFirstBestMention) {
  auto found = mentions_of("trigger points",
                           "Intro here. She said: \"Trigger points exist!\" Next one? "
                           "Trigger points, again.");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sentence, "She said: \"Trigger points exist!\"");
  EXPECT_EQ(found[0].occurrences, 2u);
  EXPECT_EQ(found[0].phrase, "trigger points");
  EXPECT_EQ(found[0].kind, MentionKind::KeyPhrase);

  auto paragraph = mentions_of("foam rolling", "First paragraph.\nFoam rolling helps\n\nNext");
  ASSERT_EQ(paragraph.size(), 1u);
  EXPECT_EQ(paragraph[0].sentence, "Foam rolling helps");
}

TEST(MissingLinks, ALongSentenceIsCutAroundTheMention) {
  std::string filler;
  for (int i = 0; i < 60; ++i) filler += "word\u00e9 ";
  auto found = mentions_of("foam rolling", filler + "foam rolling " + filler + "end.");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_LT(found[0].sentence.size(), 400u);
  EXPECT_TRUE(found[0].sentence.starts_with("…")) << found[0].sentence;
  EXPECT_TRUE(found[0].sentence.ends_with("…")) << found[0].sentence;
  EXPECT_NE(found[0].sentence.find("foam rolling"), std::string::npos);
}

TEST(MissingLinks, TitlesNeedTwoWordsThatAreNotStopwords) {
  auto massage = article("massage", "Massage: What It Does", {"Text."});
  auto why = article("why", "Why It Works", {"Text."});  // one non-stopword
  auto source = article("source", "Source", {"Massage is nice. Why it works is unclear."});
  EXPECT_TRUE(find_missing_links({massage, why, source}).empty());
}

TEST(MissingLinks, AFullTitleIsACitation) {
  auto target = article("target", "Heat or Ice? A Practical FAQ", {"Text."});
  auto source = article("source", "Source", {"See Heat or Ice? A Practical FAQ for more."});
  auto found = find_missing_links({target, source});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, MentionKind::Title);
  EXPECT_EQ(found[0].phrase, "Heat or Ice? A Practical FAQ");
  EXPECT_DOUBLE_EQ(found[0].confidence, 0.99);
}

// A title head used by more than max(3, articles / 10) other articles names a topic.
TEST(MissingLinks, ATitleHeadManyArticlesUseIsATopicNotACitation) {
  std::vector<XrefArticle> corpus{article("neck-pain", "Neck Pain: A Guide", {"Text."}),
                                  article("rare-topic", "Scapular Dyskinesis: Notes", {"Text."})};
  for (int i = 0; i < 4; ++i)
    corpus.push_back(article("s" + std::to_string(i), "S", {"Neck pain is common."}));
  corpus.push_back(article("mentions-rare", "M", {"Scapular dyskinesis is rare."}));
  auto found = find_missing_links(corpus);
  EXPECT_EQ(pairs(found), std::vector<std::string>{"mentions-rare>rare-topic"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, MentionKind::TitleHead);
  EXPECT_DOUBLE_EQ(found[0].confidence, 0.55);

  corpus.pop_back();
  corpus.resize(5);  // neck pain in 3 other articles: few enough to name one article
  EXPECT_EQ(find_missing_links(corpus).size(), 3u);
}

// A key phrase many articles declare names their shared topic, not one of them.
TEST(MissingLinks, APhraseMoreThanThreeArticlesDeclareNamesNone) {
  std::vector<XrefArticle> corpus{article("source", "S", {"Muscle knots again."})};
  for (int i = 0; i < 3; ++i)
    corpus.push_back(article("t" + std::to_string(i), "T", {"x."}, {"muscle knots"}));
  EXPECT_EQ(find_missing_links(corpus).size(), 3u);  // the editor picks one of the three
  corpus.push_back(article("t3", "T", {"x."}, {"Muscle knots"}));
  EXPECT_TRUE(find_missing_links(corpus).empty());
}

TEST(MissingLinks, RankedByConfidence) {
  std::vector<XrefArticle> corpus{
      article("titled", "Carpal Tunnel Syndrome: Numb Hands", {"x."}),
      article("phrased", "P", {"x."}, {"tennis elbow"}),
      article("short", "Q", {"x."}, {"sciatica"}),
      article("a", "A", {"Carpal tunnel syndrome. Tennis elbow. Sciatica."}),
      article("b", "B", {"See Carpal Tunnel Syndrome: Numb Hands."})};
  auto found = find_missing_links(corpus);
  EXPECT_EQ(pairs(found),
            (std::vector<std::string>{"b>titled", "a>phrased", "a>short", "a>titled"}));
  std::vector<double> scores;
  for (const auto& f : found) scores.push_back(f.confidence);
  EXPECT_EQ(scores, (std::vector<double>{0.99, 0.85, 0.8, 0.6}));
}

TEST(MissingLinks, OnlyThePairsWanted) {
  auto target = article("target", "T", {"x."}, {"trigger points"});
  auto a = article("a", "A", {"Trigger points."});
  auto b = article("b", "B", {"Trigger points."});
  auto found = find_missing_links({target, a, b},
                                  [](const auto& from, const auto&) { return from.id == "b"; });
  EXPECT_EQ(pairs(found), std::vector<std::string>{"b>target"});
}

// --- Over a real index --------------------------------------------------------------------

class XrefIndex : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    IndexOptions options;
    options.index = *dir_ / "idx";
    options.inputs = {testing::source_path("tests/fixtures/xref/archive.jsonl").string()};
    std::ostringstream err;
    ASSERT_EQ(run_index_command(options, err, false), 0) << err.str();
  }
  static void TearDownTestSuite() { delete dir_; }

  IndexGeneration generation() const { return IndexGeneration::open_current(*dir_ / "idx"); }

  static testing::TempDir* dir_;
};
testing::TempDir* XrefIndex::dir_ = nullptr;

TEST_F(XrefIndex, BrokenLinks) {
  auto report = broken_links(generation());
  EXPECT_EQ(report.articles, 5u);
  ASSERT_EQ(report.broken.size(), 1u);
  EXPECT_EQ(report.broken[0].from, "ankle-sprain-care");
  EXPECT_EQ(report.broken[0].from_title, "Ankle Sprain Care: Move Early");
  EXPECT_EQ(report.broken[0].to, "ghost-article");
}

TEST_F(XrefIndex, Orphans) {
  auto report = orphans(generation());
  ASSERT_EQ(report.orphans.size(), 1u);
  EXPECT_EQ(report.orphans[0].id, "bone-density");
  EXPECT_EQ(report.orphans[0].title, "Bone Density Explained");
}

TEST_F(XrefIndex, BacklinksAreTheSameForEveryTier) {
  auto g = generation();
  auto report = backlinks(g, "knee-basics");
  EXPECT_EQ(report.title, "Knee Pain Basics");
  std::vector<std::string> from;
  for (const auto& b : report.backlinks) from.push_back(b.from);
  EXPECT_EQ(from, (std::vector<std::string>{"ankle-sprain-care", "bone-density", "hip-strength"}));
  EXPECT_EQ(to_json(backlinks(g, "knee-basics", Entitlement::anonymous())), to_json(report));
  EXPECT_EQ(to_json(backlinks(g, "sleep-notes", Entitlement::anonymous())),
            to_json(backlinks(g, "sleep-notes")));

  EXPECT_TRUE(backlinks(g, "bone-density").backlinks.empty());
  auto ghost = backlinks(g, "ghost-article");
  EXPECT_FALSE(ghost.title.has_value());
  ASSERT_EQ(ghost.backlinks.size(), 1u);
  EXPECT_EQ(ghost.backlinks[0].from, "ankle-sprain-care");
}

TEST_F(XrefIndex, MissingLinksReadMembersOnlyTextToo) {
  auto report = missing_links(generation());
  EXPECT_EQ(pairs(report.missing), (std::vector<std::string>{"sleep-notes>ankle-sprain-care",
                                                             "hip-strength>ankle-sprain-care"}));
  ASSERT_EQ(report.missing.size(), 2u);
  EXPECT_EQ(report.missing[0].sentence,
            "After a sprain, read Ankle Sprain Care: Move Early for the first week.");
  EXPECT_EQ(report.missing[0].kind, MentionKind::Title);
  EXPECT_EQ(report.missing[1].sentence, "Old ankle sprains can change how you land, too.");
  EXPECT_EQ(report.missing[1].phrase, "ankle sprain");
  EXPECT_DOUBLE_EQ(report.missing[1].confidence, 0.85);
}

TEST_F(XrefIndex, MissingLinksOfOneArticle) {
  auto g = generation();
  EXPECT_EQ(pairs(missing_links(g, "hip-strength").missing),
            std::vector<std::string>{"hip-strength>ankle-sprain-care"});
  EXPECT_EQ(missing_links(g, "ankle-sprain-care").missing.size(), 2u);  // both point to it
  EXPECT_TRUE(missing_links(g, "bone-density").missing.empty());
  EXPECT_THROW(missing_links(g, "no-such-article"), NotFoundError);
}

TEST_F(XrefIndex, CheckDraftsAgainstTheIndex) {
  std::istringstream drafts(
      testing::read_file(testing::source_path("tests/fixtures/xref/drafts.jsonl")));
  auto report = check_drafts(generation(), drafts);
  EXPECT_EQ(report.drafts, 1u);
  EXPECT_FALSE(report.clean());
  ASSERT_EQ(report.invalid.size(), 1u);
  EXPECT_EQ(report.invalid[0].line, 2u);
  EXPECT_EQ(report.invalid[0].field, "(json)");
  ASSERT_EQ(report.broken.size(), 1u);
  EXPECT_EQ(report.broken[0].from, "balance-training");
  EXPECT_EQ(report.broken[0].to, "missing-page");
  EXPECT_TRUE(report.orphaned.empty());
  EXPECT_EQ(pairs(report.missing), std::vector<std::string>{"balance-training>knee-basics"});
}

TEST_F(XrefIndex, CheckFindsArticlesADraftWouldOrphan) {
  // ankle-sprain-care revised without its link to sleep-notes, the only one there is.
  std::istringstream drafts(
      R"({"id": "ankle-sprain-care", "title": "Ankle Sprain Care: Move Early", )"
      R"("sections": [{"text": "Move early."}], "links": ["knee-basics"]})"
      "\n");
  auto report = check_drafts(generation(), drafts);
  EXPECT_TRUE(report.broken.empty());  // its link to ghost-article is gone too
  ASSERT_EQ(report.orphaned.size(), 1u);
  EXPECT_EQ(report.orphaned[0].id, "sleep-notes");
  EXPECT_FALSE(report.clean());
}

TEST_F(XrefIndex, ACleanBatchAndDraftsLinkingEachOther) {
  std::istringstream drafts(
      R"({"id": "soleus-loading", "title": "Soleus Loading", "sections": [{"text": "Slow."}], "links": ["heel-drops"]})"
      "\n"
      R"({"id": "heel-drops", "title": "Eccentric Heel Drops", "sections": [{"text": "Slow drops."}], "links": ["soleus-loading"]})"
      "\n");
  auto report = check_drafts(generation(), drafts);
  EXPECT_EQ(report.drafts, 2u);
  EXPECT_TRUE(report.clean());
  EXPECT_TRUE(report.missing.empty());
  auto json = to_json(report);
  EXPECT_EQ(json["clean"], true);
  for (const char* key : {"invalid", "broken", "orphaned", "missing"})
    EXPECT_TRUE(json[key].empty()) << key;
}

TEST_F(XrefIndex, JsonShapes) {
  auto g = generation();
  auto missing = to_json(missing_links(g));
  EXPECT_EQ(missing["id"], nullptr);
  EXPECT_EQ(missing["articles"], 5);
  auto first = missing["missing"][0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : first.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"from", "from_title", "to", "to_title", "phrase",
                                            "match", "sentence", "occurrences", "confidence"}));
  EXPECT_EQ(first["match"], "title");
  EXPECT_EQ(to_json(missing_links(g, "hip-strength"))["id"], "hip-strength");
  EXPECT_EQ(to_json(backlinks(g, "ghost-article"))["title"], nullptr);
  EXPECT_EQ(
      to_json(broken_links(g)).dump(),
      R"({"articles":5,"broken":[{"from":"ankle-sprain-care","from_title":"Ankle Sprain Care: Move Early","to":"ghost-article"}]})");
  EXPECT_EQ(to_json(orphans(g)).dump(),
            R"({"articles":5,"orphans":[{"id":"bone-density","title":"Bone Density Explained"}]})");
}

}  // namespace
}  // namespace archive
