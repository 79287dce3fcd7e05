// Non-interference: members-only text must not move anything an anonymous caller sees,
// not even ranking, counts, facets or spelling suggestions. Two archives identical but for
// their members-only text must give byte-identical anonymous answers.
#include <gtest/gtest.h>

#include <random>

#include "archive_fixtures.hpp"
#include "test_support.hpp"

namespace archive::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPublicWords = {
    "shoulder", "muscle",   "pain",     "stretch",  "stretching", "fascia",   "tendon",
    "injury",   "recovery", "mobility", "strength", "load",       "joint",    "range",
    "motion",   "heat",     "ice",      "swelling", "stiffness",  "evidence", "trial",
    "placebo",  "massage",  "posture",  "spine",    "knee",       "ankle",    "hip",
    "running",  "walking",  "sleep",    "stress",   "nerve",      "trigger",  "point",
    "exercise", "rest",     "warmup",   "cooldown", "hamstring"};

// Words only the members-only text of one archive uses, and misspelling bait: "musle" and
// "strech" are typos a member wrote, "kinesiology" / "tendonitis" words only members read.
const std::vector<std::string> kMemberWordsA = {"kinesiology", "musle",     "proprioception",
                                                "fasciitis",   "eccentric", "isometric"};
const std::vector<std::string> kMemberWordsB = {"tendonitis", "strech",     "plyometric",
                                                "myofascial", "concentric", "bursitis"};

std::string words(std::mt19937& random, const std::vector<std::string>& vocabulary, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (!out.empty()) out += ' ';
    out += vocabulary[random() % vocabulary.size()];
  }
  return out;
}

// The archive: the public part is the same for both variants (same seed); the members-only
// text differs in words and length, and mixes in public words at different rates.
std::string make_archive(char variant) {
  std::mt19937 pub(12345);
  std::mt19937 member(variant == 'A' ? 1 : 2);
  const auto& own = variant == 'A' ? kMemberWordsA : kMemberWordsB;
  std::vector<std::string> member_vocabulary = own;
  if (variant == 'A')
    member_vocabulary.insert(member_vocabulary.end(), {"shoulder", "pain", "fascia"});
  else
    member_vocabulary.insert(member_vocabulary.end(), {"knee", "ice", "range", "motion"});
  const std::vector<std::string> tags = {"back-pain", "shoulder", "running", "sleep", "injury"};
  const std::vector<std::string> kinds = {"article", "guide", "review", "member-post"};
  const std::vector<std::string> authors = {"Ana Ruiz", "Dana Whitfield", "Sam Okafor"};

  std::vector<Json> articles;
  for (int i = 0; i < 40; ++i) {
    auto kind = kinds[pub() % kinds.size()];
    bool member_post = kind == "member-post";
    Json sections = Json::array();
    sections.push_back({{"heading", "Intro " + words(pub, kPublicWords, 2)},
                        {"text", words(pub, kPublicWords, 20 + pub() % 80)}});
    if (i % 7 == 0)
      sections.push_back(
          {{"text", "Your range of motion improves with practice " + words(pub, kPublicWords, 5)}});
    bool member_area = member_post || i % 3 == 0;
    if (member_area) {
      // Different lengths and words per variant; the heading is members-only too, unless
      // the article teases its headings (then the heading is public and the same in both).
      bool tease = i % 2 == 0;
      int length = variant == 'A' ? 30 + static_cast<int>(member() % 200)
                                  : 5 + static_cast<int>(member() % 40);
      std::string text = words(member, member_vocabulary, length);
      if (i % 4 == 0) text += variant == 'A' ? " kinesiology tape works" : " tendonitis needs rest";
      sections.push_back(
          {{"heading", tease ? "Members section " + std::to_string(i)
                             : "Members only " + words(member, member_vocabulary, 2)},
           {"access", "members"},
           {"text", text}});
      if (variant == 'A' && i % 5 == 0)
        sections.push_back(
            {{"access", "members"}, {"text", words(member, member_vocabulary, 300)}});
      articles.push_back({{"headings_public", tease}});
    } else {
      articles.push_back(Json::object());
    }
    sections.push_back({{"heading", "More"}, {"text", words(pub, kPublicWords, 10 + pub() % 30)}});
    auto& a = articles.back();
    a["id"] = "article-" + std::to_string(i);
    a["title"] = words(pub, kPublicWords, 2 + pub() % 3);
    if (i % 9 == 0) a["title"] = "Fascia " + a["title"].get<std::string>();
    if (i % 11 == 0) a["title"] = "Does Stretching Prevent Injury " + std::to_string(i);
    a["kind"] = kind;
    a["access"] = member_post ? "members" : "public";
    a["summary"] = words(pub, kPublicWords, 8);
    a["tags"] = Json::array({tags[pub() % tags.size()], tags[pub() % tags.size()]});
    if (a["tags"][0] == a["tags"][1]) a["tags"].erase(1);
    a["authors"] = Json::array({authors[pub() % authors.size()]});
    if (i % 10 != 3) {
      char date[16];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2008 + static_cast<int>(pub() % 13),
                    1 + static_cast<int>(pub() % 12), 1 + static_cast<int>(pub() % 28));
      a["published"] = date;
    }
    a["sections"] = sections;
  }
  return jsonl(articles);
}

const std::vector<std::vector<std::string>> kQueries = {
    {"shoulder"},
    {"muscle pain"},
    {"kinesiology"},
    {"tendonitis"},
    {"proprioception"},
    {"\"range of motion\""},
    {"\"kinesiology tape\""},
    {"--partial", "shoul"},
    {"--partial", "kinesio"},
    {"--partial", "tendon"},
    {"--partial", "pain stre"},
    {"--facets", "pain"},
    {"--facets"},
    {"--sort", "newest", "pain"},
    {"stretch", "--tag", "back-pain"},  // words first: --tag would take them
    {"--tag", "shoulder", "--tag", "sleep"},
    {"musle"},
    {"strech"},
    {"kinesiolgy"},
    {"tendonits"},
    {"fascia tendonits"},
    {"--offset", "2", "--limit", "3", "pain"},
    {"--offset", "5", "--limit", "5", "shoulder"},
    {"--limit", "100", "shoulder muscle pain stretch"},
    {"title:fascia"},
    {"heat OR ice"},
    {"pain NOT ice"},
    {"year:2010..2015"},
    {"--author", "Ana Ruiz", "pain"},
    {"--kind", "member-post"},
    {"--from", "2012-01-01", "--to", "2016-12-31", "muscle"},
    {"Does Stretching Prevent Injury"},
    {"str*"},
    {"members section"},
};

class NonInterference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    for (char variant : {'A', 'B'}) {
      auto input = *dir_ / (std::string(1, variant) + ".jsonl");
      write_file(input, make_archive(variant));
      auto r = index_run(*dir_ / (std::string("idx-") + variant), {input.string()});
      ASSERT_EQ(r.status, 0) << r.err;
    }
  }
  static void TearDownTestSuite() { delete dir_; }

  static fs::path index(char variant) { return *dir_ / (std::string("idx-") + variant); }

  static std::string answer(char variant, const std::vector<std::string>& args) {
    auto r = search_run(index(variant), args);
    EXPECT_EQ(r.status, 0) << r.err;
    return without_took_ms(r.out);
  }

  static TempDir* dir_;
};

TempDir* NonInterference::dir_ = nullptr;

TEST_F(NonInterference, TheArchivesDifferOnlyInMembersOnlyText) {
  auto a = read_file(*dir_ / "A.jsonl"), b = read_file(*dir_ / "B.jsonl");
  ASSERT_NE(a, b);
  auto pa = Xapian::Database((index('A') / *read_current(index('A')) / "public").string());
  auto pb = Xapian::Database((index('B') / *read_current(index('B')) / "public").string());
  EXPECT_EQ(everything_in(pa), everything_in(pb));
  auto fa = Xapian::Database((index('A') / *read_current(index('A')) / "full").string());
  auto fb = Xapian::Database((index('B') / *read_current(index('B')) / "full").string());
  EXPECT_NE(fa.get_total_length(), fb.get_total_length());
  EXPECT_TRUE(fa.term_exists("kinesiology"));
  EXPECT_FALSE(fb.term_exists("kinesiology"));
  EXPECT_TRUE(fb.term_exists("tendonitis"));
}

TEST_F(NonInterference, AnonymousAnswersAreByteIdentical) {
  ASSERT_GE(kQueries.size(), 25u);
  std::size_t with_results = 0, corrected = 0;
  for (const auto& q : kQueries) {
    std::string line;
    for (const auto& word : q) line += word + " ";
    SCOPED_TRACE(line);
    auto a = answer('A', q), b = answer('B', q);
    EXPECT_EQ(a, b);
    auto parsed = Json::parse(a, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << a;
    if (!parsed["results"].empty()) ++with_results;
    if (!parsed["corrected_query"].get<std::string>().empty()) ++corrected;
  }
  // The queries do exercise results and spelling suggestions.
  EXPECT_GE(with_results, 20u);
  EXPECT_GE(corrected, 1u);
}

TEST_F(NonInterference, MemberAnswersDoDiffer) {
  // Positive control: the same comparison tells the archives apart for a member.
  std::size_t differing = 0;
  for (const auto& q : kQueries) {
    auto args = q;
    args.insert(args.begin(), {"--as", "member"});
    if (answer('A', args) != answer('B', args)) ++differing;
  }
  EXPECT_GE(differing, 5u);
  // The misspelling bait works: members' own words change members' suggestions only.
  auto corrected = [](char variant, std::vector<std::string> args) {
    return Json::parse(answer(variant, args))["corrected_query"].get<std::string>();
  };
  EXPECT_EQ(corrected('A', {"musle"}), "muscle");
  EXPECT_EQ(corrected('A', {"--as", "member", "musle"}), "");  // a word members' text uses
  EXPECT_EQ(corrected('A', {"kinesiolgy"}), "");
  EXPECT_EQ(corrected('A', {"--as", "member", "kinesiolgy"}), "kinesiology");
  EXPECT_EQ(corrected('B', {"--as", "member", "tendonits"}), "tendonitis");
  EXPECT_EQ(corrected('B', {"tendonits"}), "");
  EXPECT_EQ(result_ids(Json::parse(answer('B', {"--as", "member", "kinesiology"}))).size(), 0u);
  EXPECT_FALSE(result_ids(Json::parse(answer('A', {"--as", "member", "kinesiology"}))).empty());
}

}  // namespace
}  // namespace archive::testing
