#include "archive/query_builder.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <nlohmann/json.hpp>
#include <set>

#include "archive/document_builder.hpp"
#include "archive/search_types.hpp"
#include "archive/text.hpp"
#include "test_support.hpp"

namespace archive {
namespace {

using Ids = std::set<std::string>;

Article parse(const nlohmann::json& value) {
  auto parsed = parse_article(value);
  if (!std::holds_alternative<Article>(parsed)) {
    ADD_FAILURE() << "invalid test article " << value.dump();
    return {};
  }
  return std::get<Article>(parsed);
}

nlohmann::json article(const std::string& id, const std::string& title, const std::string& text,
                       const char* published, std::vector<std::string> tags = {}) {
  return {{"id", id},
          {"title", title},
          {"published", published},
          {"tags", tags},
          {"sections", {{{"text", text}}}}};
}

// A small archive in a real (on-disk) Xapian database, indexed by the indexer's own code.
class QueryBuilderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    Xapian::WritableDatabase db((*dir_ / "db").string(), Xapian::DB_CREATE);
    auto indexer = make_term_generator();
    for (const auto& a : {
             article("rom", "Range of Motion Matters",
                     "Your range of motion improves with practice.", "2012-05-01", {"joints"}),
             article("scrambled", "Mobility", "Motion is not the range you want, of course.",
                     "2009-01-01"),
             article("stretch", "Does Stretching Prevent Injury?",
                     "Stretched muscles recover; injuries still happen.", "2016-03-03",
                     {"back-pain"}),
             article("fascia", "Fascia explained", "Connective tissue wraps every muscle.",
                     "2010-01-01"),
             article("fascia-body", "Connective tissue",
                     "The fascia is mentioned in the body only.", "2015-12-31", {"back-pain"}),
             article("heat", "Warmth", "Heat helps stiffness.", "2011-06-15"),
             article("ice", "Cold", "Ice helps swelling.", "2014-02-02"),
             article("trigger", "Knots", "What is a trigger point, really? Pain that refers.",
                     "2013-07-07", {"trigger-points"}),
             article("pain", "Pain science", "Pain is an output of the brain.", "2018-01-01"),
         }) {
      db.add_document(build_document(parse(a), Tier::Full, indexer));
    }
    db.commit();
    db_ = new Xapian::Database((*dir_ / "db").string());
  }
  static void TearDownTestSuite() {
    delete db_;
    delete dir_;
  }

  ParsedQuery parse_query(const std::string& text, bool partial = false) {
    return builder_.parse(text, *db_, partial);
  }

  std::string description(const std::string& text, bool partial = false) {
    return parse_query(text, partial).query.get_description();
  }

  Ids ids(const Xapian::Query& query) {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(query);
    Ids out;
    auto mset = enquire.get_mset(0, 100);
    for (auto it = mset.begin(); it != mset.end(); ++it)
      out.insert(nlohmann::json::parse(it.get_document().get_data())["id"].get<std::string>());
    return out;
  }

  Ids matches(const std::string& text, bool partial = false) {
    return ids(parse_query(text, partial).query);
  }

  QueryBuilder builder_;
  static testing::TempDir* dir_;
  static Xapian::Database* db_;
};

testing::TempDir* QueryBuilderTest::dir_ = nullptr;
Xapian::Database* QueryBuilderTest::db_ = nullptr;

// What people type by mistake: never an error, always something to search for.
TEST_F(QueryBuilderTest, BrokenSyntaxNeverThrowsAndKeepsTheWords) {
  const std::vector<std::pair<std::string, Ids>> cases = {
      {"pain AND", {"pain", "trigger"}},
      {"NOT", {}},  // "not" is an ordinary word here
      {"title:", {}},
      {"\"unclosed phrase", {}},
      {"pain (((", {"pain", "trigger"}},
      {"heat OR", {"heat"}},
      {"AND ice", {"ice"}},
      {"fascia\"", {"fascia", "fascia-body"}},
      {"tag:", {}},
      {"pain -", {"pain", "trigger"}},
      {"+ice", {"ice"}},
      {"ice*", {"ice"}},
  };
  for (const auto& [text, want] : cases) {
    SCOPED_TRACE(text);
    ParsedQuery parsed;
    ASSERT_NO_THROW(parsed = parse_query(text));
    EXPECT_FALSE(parsed.query.empty()) << parsed.query.get_description();
    if (!want.empty()) {
      EXPECT_EQ(matches(text), want) << parsed.query.get_description();
    }
  }
}

TEST_F(QueryBuilderTest, InputWithNoWordsAtAllNeverThrows) {
  for (std::string text : {"(((", "-", "+", "*", "\"", ")", "NOT", "AND", "OR", "", "   "}) {
    SCOPED_TRACE(text);
    EXPECT_NO_THROW(parse_query(text));
    EXPECT_NO_THROW(parse_query(text, true));
  }
}

TEST_F(QueryBuilderTest, ShoutedQueryHasNoOperators) {
  auto shouted = description("WHAT IS NOT A TRIGGER POINT");
  EXPECT_EQ(shouted.find("AND_NOT"), std::string::npos) << shouted;
  EXPECT_NE(shouted.find("Ztrigger"), std::string::npos) << shouted;
  EXPECT_NE(shouted.find("Zpoint"), std::string::npos) << shouted;
  // "not" is a word here: the trigger article is found, not excluded.
  EXPECT_EQ(matches("WHAT IS NOT A TRIGGER POINT"), (Ids{"trigger", "scrambled"}));
  // Positive control: typed normally, NOT excludes.
  auto normal = description("trigger NOT pain");
  EXPECT_NE(normal.find("AND_NOT"), std::string::npos) << normal;
  EXPECT_EQ(matches("pain NOT trigger"), Ids{"pain"});
}

TEST_F(QueryBuilderTest, CapitalisedWordsAreStemmed) {
  auto d = description("Does Stretching Prevent Injury");
  EXPECT_NE(d.find("Zstretch"), std::string::npos) << d;
  EXPECT_NE(d.find("Zprevent"), std::string::npos) << d;
  EXPECT_NE(d.find("Zinjuri"), std::string::npos) << d;
  EXPECT_EQ(d.find("Zdoe"), std::string::npos) << "stopword kept: " << d;
  EXPECT_EQ(matches("Does Stretching Prevent Injury"), Ids{"stretch"});
  EXPECT_EQ(matches("STRETCHED"), Ids{"stretch"});
}

TEST_F(QueryBuilderTest, ExplicitSyntaxKeepsItsMeaning) {
  EXPECT_EQ(matches("heat OR ice"), (Ids{"heat", "ice"}));
  EXPECT_EQ(matches("heat AND ice"), Ids{});
  EXPECT_EQ(matches("helps AND ice"), Ids{"ice"});
  auto phrase = description("\"range of motion\"");
  EXPECT_NE(phrase.find("PHRASE"), std::string::npos) << phrase;
  // Both articles hold the three words; only one holds the phrase.
  EXPECT_EQ(matches("range motion"), (Ids{"rom", "scrambled"}));
  EXPECT_EQ(matches("\"range of motion\""), Ids{"rom"});
  EXPECT_EQ(matches("\"Range of Motion\""), Ids{"rom"});
}

TEST_F(QueryBuilderTest, FieldsFiltersAndRanges) {
  auto tag = description("tag:back-pain");
  EXPECT_NE(tag.find("Kback-pain"), std::string::npos) << tag;
  EXPECT_EQ(matches("tag:back-pain"), (Ids{"stretch", "fascia-body"}));
  EXPECT_EQ(matches("fascia tag:back-pain"), Ids{"fascia-body"});

  EXPECT_EQ(matches("title:fascia"), Ids{"fascia"});
  EXPECT_EQ(matches("fascia"), (Ids{"fascia", "fascia-body"}));

  auto dates = description("date:2010-01-01..2015-12-31");
  EXPECT_NE(dates.find("VALUE_RANGE"), std::string::npos) << dates;
  EXPECT_NE(dates.find("20100101"), std::string::npos) << dates;
  EXPECT_NE(dates.find("20151231"), std::string::npos) << dates;
  const Ids in_range = {"rom", "fascia", "fascia-body", "heat", "ice", "trigger"};
  EXPECT_EQ(matches("date:2010-01-01..2015-12-31"), in_range);

  auto years = description("year:2010..2015");
  EXPECT_NE(years.find("VALUE_RANGE 3"), std::string::npos) << years;
  EXPECT_EQ(matches("year:2010..2015"), in_range);
  EXPECT_EQ(matches("helps year:2014..2014"), Ids{"ice"});
}

TEST_F(QueryBuilderTest, PartialCompletesTheLastWordOnlyWhenAsked) {
  EXPECT_EQ(matches("connective fasc", true), (Ids{"fascia", "fascia-body"}));
  EXPECT_EQ(matches("fasc", false), Ids{});
}

TEST_F(QueryBuilderTest, Limits) {
  EXPECT_THROW(parse_query(std::string(1025, 'a')), QueryError);
  EXPECT_NO_THROW(parse_query(std::string(1024, 'a')));
  std::string many, enough;
  for (int i = 0; i < 65; ++i) {
    auto word = "word" + std::to_string(i) + " ";
    many += word;
    if (i < 64) enough += word;
  }
  ASSERT_LE(many.size(), 1024u);
  EXPECT_THROW(parse_query(many), QueryError);
  EXPECT_NO_THROW(parse_query(enough));
  for (std::string bad : {"pain \xff", "\xc0\xaf", "\xed\xa0\x80", "caf\xc3", "\xf4\x90\x80\x80"}) {
    EXPECT_THROW(parse_query(bad), QueryError) << "accepted invalid UTF-8";
  }
  EXPECT_NO_THROW(parse_query("caf\xc3\xa9 \xe6\xb0\xb4 \xf0\x9f\x98\x80"));
}

TEST(QueryBuilderHelpers, CloseQuotesAndUtf8Check) {
  EXPECT_EQ(close_quotes("\"range of motion\""), "\"range of motion\"");
  EXPECT_EQ(close_quotes("\"unclosed phrase"), "unclosed phrase");
  EXPECT_EQ(close_quotes("\"a\" \"b"), "\"a\" b");
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));
  EXPECT_FALSE(is_valid_utf8("caf\xc3"));
}

// a* may become at most max_expansion words: the most frequent ones; a word being typed,
// fewer while it is short.
TEST(QueryBuilderWildcard, ExpansionIsLimitedToTheMostFrequentWords) {
  testing::TempDir dir;
  Xapian::WritableDatabase db((dir / "db").string(), Xapian::DB_CREATE);
  auto indexer = make_term_generator();
  // 130 words starting with "a"; the first 64 also appear in one shared article, so they
  // are the most frequent. No other word in this database starts with "a".
  std::string common;
  for (int i = 0; i < 130; ++i) {
    char word[16];
    std::snprintf(word, sizeof word, "ab%03d", i);
    db.add_document(build_document(parse({{"id", std::string("d").append(std::to_string(i))},
                                          {"title", "Doc"},
                                          {"sections", {{{"text", word}}}}}),
                                   Tier::Full, indexer));
    if (i < 64) common += std::string(word) + " ";
  }
  db.add_document(build_document(
      parse({{"id", "common"}, {"title", "Doc"}, {"sections", {{{"text", common}}}}}), Tier::Full,
      indexer));
  db.commit();

  QueryBuilder limited;  // max_expansion 64
  ASSERT_EQ(limited.limits().max_expansion, 64u);
  Xapian::Enquire enquire(db);
  Xapian::Query q;
  ASSERT_NO_THROW(q = limited.parse("a*", db, false).query);
  ASSERT_FALSE(q.empty());
  enquire.set_query(q);
  Xapian::MSet mset;
  ASSERT_NO_THROW(mset = enquire.get_mset(0, 1000));
  EXPECT_EQ(mset.size(), 65u);  // d0..d63 and "common"
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto id = nlohmann::json::parse(it.get_document().get_data())["id"].get<std::string>();
    if (id != "common") {
      EXPECT_LT(std::stoi(id.substr(1)), 64) << id;
    }
  }

  // Positive control: a bigger limit reaches every word.
  QueryBuilder wide(QueryLimits{1024, 64, 1000, 1000});
  enquire.set_query(wide.parse("a*", db, false).query);
  EXPECT_EQ(enquire.get_mset(0, 1000).size(), 131u);

  // The partial last word obeys the same limit from three letters on (ab000..ab063 and
  // "common" of the 100 words starting "ab0")...
  enquire.set_query(limited.parse("ab0", db, true).query);
  ASSERT_NO_THROW(mset = enquire.get_mset(0, 1000));
  EXPECT_EQ(mset.size(), 65u);
  // ...two letters become the 16 most frequent words...
  enquire.set_query(limited.parse("ab", db, true).query);
  EXPECT_EQ(enquire.get_mset(0, 1000).size(), 17u);
  // ...and one letter stays a word, as in "vitamin d".
  auto one = limited.parse("vitamin a", db, true).query.get_description();
  EXPECT_EQ(one.find("WILDCARD"), std::string::npos) << one;
  auto two = limited.parse("vitamin ab", db, true).query.get_description();
  EXPECT_NE(two.find("WILDCARD"), std::string::npos) << two;

  // The budget is the whole query's: one wildcard may take all of it, two share it.
  QueryBuilder budget(QueryLimits{1024, 64, 64, 8});
  enquire.set_query(budget.parse("a*", db, false).query);
  EXPECT_EQ(enquire.get_mset(0, 1000).size(), 9u);  // d0..d7 and "common"
  enquire.set_query(budget.parse("a* ab*", db, false).query);
  EXPECT_EQ(enquire.get_mset(0, 1000).size(), 5u);  // d0..d3 and "common"
  enquire.set_query(budget.parse("vitamin ab0", db, true).query);
  EXPECT_EQ(enquire.get_mset(0, 1000).size(), 9u);  // the word being typed counts too
}

}  // namespace
}  // namespace archive
