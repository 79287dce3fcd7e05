// Non-interference: members-only text must not move anything an anonymous caller sees,
// not even ranking, counts, facets or spelling suggestions. Two archives identical but for
// their members-only text must give byte-identical anonymous answers.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <sstream>

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
std::vector<Json> make_articles(char variant) {
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
  return articles;
}

bool members_only(const Json& article, const Json& section) {
  return section.value("access", article.value("access", "public")) == "members";
}

// Whether an article's members-only sections may be added or removed unseen: not when it
// teases their headings, which are public.
bool hides_member_sections(const Json& article) { return !article.value("headings_public", false); }

// Archive A without its hidden members-only sections (an article keeps one section, as it
// must: its first, with other text if that was members-only).
std::vector<Json> without_member_sections(std::vector<Json> articles) {
  for (auto& a : articles) {
    if (!hides_member_sections(a)) continue;
    Json kept = Json::array();
    for (const auto& section : a["sections"])
      if (!members_only(a, section)) kept.push_back(section);
    if (kept.empty()) kept.push_back({{"text", "rest"}});
    a["sections"] = kept;
  }
  return articles;
}

// Archive A with a members-only section added to every article that hides them, so most
// articles without member text get some.
std::vector<Json> with_member_sections(std::vector<Json> articles) {
  std::mt19937 member(3);
  for (auto& a : articles)
    if (hides_member_sections(a))
      a["sections"].push_back({{"heading", "Added " + words(member, kMemberWordsB, 2)},
                               {"access", "members"},
                               {"text", words(member, kMemberWordsB, 5 + member() % 50)}});
  return articles;
}

// A and B differ in members-only text; C is A without members-only sections and D is A
// with more of them, which turns articles without member text into ones with it.
const std::string kVariants = "ABCD";

std::string make_archive(char variant) {
  if (variant == 'C') return jsonl(without_member_sections(make_articles('A')));
  if (variant == 'D') return jsonl(with_member_sections(make_articles('A')));
  return jsonl(make_articles(variant));
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
    // Listings without a query: every article, in the order the index gives ties.
    {"--limit", "100"},
    {"--limit", "100", "--sort", "newest"},
    {"--limit", "100", "--facets", "--tag", "injury"},
};

class NonInterference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    for (char variant : kVariants) {
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

  static Xapian::Database tier(char variant, const std::string& name) {
    return open_tier(index(variant), name);
  }

  // Ids of the articles with members-only text in one variant's input.
  static std::set<std::string> with_member_text(char variant) {
    std::set<std::string> ids;
    std::istringstream lines(read_file(*dir_ / (std::string(1, variant) + ".jsonl")));
    for (std::string line; std::getline(lines, line);) {
      auto a = Json::parse(line);
      for (const auto& section : a["sections"])
        if (members_only(a, section)) ids.insert(a["id"].get<std::string>());
    }
    return ids;
  }

  static TempDir* dir_;
};

TempDir* NonInterference::dir_ = nullptr;

TEST_F(NonInterference, TheArchivesDifferOnlyInMembersOnlyText) {
  auto a = read_file(*dir_ / "A.jsonl");
  // The same public content, in the same document order (everything_in lists documents
  // by docid).
  auto public_a = everything_in(tier('A', "public"));
  for (char variant : kVariants.substr(1)) {
    SCOPED_TRACE(std::string(1, variant));
    ASSERT_NE(read_file(*dir_ / (std::string(1, variant) + ".jsonl")), a);
    EXPECT_EQ(everything_in(tier(variant, "public")), public_a);
    EXPECT_NE(tier(variant, "full").get_total_length(), tier('A', "full").get_total_length());
  }
  EXPECT_TRUE(tier('A', "full").term_exists("kinesiology"));
  EXPECT_FALSE(tier('B', "full").term_exists("kinesiology"));
  EXPECT_TRUE(tier('B', "full").term_exists("tendonitis"));
  // C and D do add and remove whole members-only sections, and with them the member text
  // of whole articles.
  auto members_a = with_member_text('A');
  EXPECT_GE(members_a.size(), 10u);
  EXPECT_LT(with_member_text('C').size(), members_a.size());
  EXPECT_GE(with_member_text('D').size(), members_a.size() + 10);
}

TEST_F(NonInterference, AnonymousAnswersAreByteIdentical) {
  ASSERT_GE(kQueries.size(), 25u);
  std::size_t with_results = 0, corrected = 0;
  for (const auto& q : kQueries) {
    std::string line;
    for (const auto& word : q) line += word + " ";
    SCOPED_TRACE(line);
    auto a = answer('A', q);
    for (char variant : kVariants.substr(1))
      EXPECT_EQ(answer(variant, q), a) << "archive " << variant;
    auto parsed = Json::parse(a, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << a;
    if (!parsed["results"].empty()) ++with_results;
    if (!parsed["corrected_query"].get<std::string>().empty()) ++corrected;
  }
  // The queries do exercise results and spelling suggestions.
  EXPECT_GE(with_results, 20u);
  EXPECT_GE(corrected, 1u);
}

// A draft check reports invalid lines by line and field; the line itself, which may be
// member text, is never quoted back.
TEST_F(NonInterference, ADraftCheckQuotesNoTextOfAnInvalidLine) {
  auto canary = make_canary();
  auto drafts = *dir_ / "drafts.jsonl";
  write_file(drafts,
             "{\"id\": \"d1\", \"title\": \"T\", \"sections\": [{\"access\": \"members\", "
             "\"text\": \"" +
                 canary + " " + canary + "\n" +
                 "{\"id\": \"d2\", \"title\": \"T\", \"sections\": [{\"text\": " + canary +
                 "}]}\n" + "{\"id\": \"d3\", \"title\": \"T\", \"published\": \"" + canary +
                 "\", \"sections\": [{\"text\": \"x\"}]}\n" +
                 "{\"id\": \"d4\", \"title\": \"T\", \"sections\": [{\"text\": \"x " + canary +
                 "\"}], \"n\": 1e999}\n");
  for (bool as_json : {true, false}) {
    std::vector<std::string> argv = {bin("archive-search"), "xref",         "check", "--index",
                                     index('A').string(),   drafts.string()};
    if (as_json) argv.push_back("--json");
    auto r = run(argv);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ((r.out + r.err).find(canary.substr(0, 8)), std::string::npos) << r.out << r.err;
    EXPECT_EQ((r.out + r.err).find(canary.substr(8)), std::string::npos) << r.out << r.err;
    if (as_json) {
      auto report = Json::parse(r.out);
      std::set<int> lines;
      for (const auto& problem : report["invalid"]) lines.insert(problem["line"].get<int>());
      EXPECT_EQ(lines, (std::set<int>{1, 2, 3, 4})) << r.out;
    }
  }
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
