#include "archive/article.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace archive {
namespace {

using testing::source_path;

std::vector<FieldError> errors_of(const nlohmann::json& value) {
  auto parsed = parse_article(value);
  if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) return *errors;
  return {};
}

std::vector<FieldError> errors_of(const std::string& text) {
  return errors_of(nlohmann::json::parse(text));
}

std::vector<FieldError> errors_of(const char* text) { return errors_of(std::string(text)); }

std::vector<std::string> fields_of(const std::vector<FieldError>& errors) {
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  return fields;
}

std::string describe(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += "  " + e.field + ": " + e.message + "\n";
  return out;
}

// The non-blank lines of a fixture file, with their line numbers.
std::vector<std::pair<int, std::string>> fixture_lines(const std::string& relative) {
  std::ifstream in(source_path(relative));
  EXPECT_TRUE(in) << relative;
  std::vector<std::pair<int, std::string>> lines;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number)
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.emplace_back(number, line);
  return lines;
}

TEST(Article, MinimalArticleParses) {
  auto parsed = parse_article(
      nlohmann::json::parse(R"({"id": "a", "title": "T", "sections": [{"text": "x"}]})"));
  ASSERT_TRUE(std::holds_alternative<Article>(parsed));
  const auto& a = std::get<Article>(parsed);
  EXPECT_EQ(a.id, "a");
  EXPECT_EQ(a.sections.at(0).access, Access::Public);
}

TEST(Article, SectionsInheritTheArticlesAccess) {
  auto parsed = parse_article(nlohmann::json::parse(
      R"({"id": "a", "title": "T", "access": "members",
          "sections": [{"text": "x", "access": "public"}, {"text": "y"}]})"));
  const auto& a = std::get<Article>(parsed);
  EXPECT_EQ(a.sections[0].access, Access::Public);
  EXPECT_EQ(a.sections[1].access, Access::Members);
  EXPECT_TRUE(a.has_member_text());
}

TEST(Article, ReportsEveryProblemByField) {
  auto errors = errors_of(R"({"id": "Bad Id", "title": 3, "sections": [], "colour": 1})");
  EXPECT_EQ(fields_of(errors), (std::vector<std::string>{"colour", "id", "title", "sections"}));
}

TEST(Article, DatesMustBeRealCalendarDates) {
  EXPECT_TRUE(is_valid_date("2024-02-29"));
  EXPECT_TRUE(is_valid_date("2000-02-29"));  // divisible by 400: a leap year
  EXPECT_TRUE(is_valid_date("2023-12-31"));
  EXPECT_TRUE(is_valid_date("2023-01-01"));
  EXPECT_FALSE(is_valid_date("2023-02-29"));
  EXPECT_FALSE(is_valid_date("1900-02-29"));  // divisible by 100 only: not a leap year
  EXPECT_FALSE(is_valid_date("2023-04-31"));
  EXPECT_FALSE(is_valid_date("2023-06-31"));
  EXPECT_FALSE(is_valid_date("2023-00-10"));
  EXPECT_FALSE(is_valid_date("2023-13-10"));
  EXPECT_FALSE(is_valid_date("2023-01-00"));
  EXPECT_FALSE(is_valid_date("2023-01-32"));
  EXPECT_FALSE(is_valid_date("2023-4-1"));
  EXPECT_FALSE(is_valid_date("20230401xx"));
  EXPECT_FALSE(is_valid_date("2023/04/01"));
  EXPECT_FALSE(is_valid_date(""));
}

// The JSON Schema's date pattern lets 2023-02-29 through; the C++ contract must not.
TEST(Article, ImpossibleDatesAreRejectedInBothDateFields) {
  for (const char* date : {"2023-02-29", "2019-02-30", "2021-04-31", "2100-02-29"}) {
    SCOPED_TRACE(date);
    auto published = errors_of(nlohmann::json{
        {"id", "a"}, {"title", "T"}, {"published", date}, {"sections", {{{"text", "x"}}}}});
    EXPECT_EQ(fields_of(published), std::vector<std::string>{"published"}) << describe(published);
    auto updated = errors_of(nlohmann::json{
        {"id", "a"}, {"title", "T"}, {"updated", date}, {"sections", {{{"text", "x"}}}}});
    EXPECT_EQ(fields_of(updated), std::vector<std::string>{"updated"}) << describe(updated);
  }
  auto leap = parse_article(nlohmann::json{
      {"id", "a"}, {"title", "T"}, {"published", "2024-02-29"}, {"sections", {{{"text", "x"}}}}});
  ASSERT_TRUE(std::holds_alternative<Article>(leap));
  EXPECT_EQ(std::get<Article>(leap).published, "2024-02-29");
}

TEST(Article, SlugRules) {
  EXPECT_TRUE(is_valid_slug("back-pain"));
  EXPECT_TRUE(is_valid_slug("0"));
  EXPECT_TRUE(is_valid_slug(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_slug(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_slug(""));
  EXPECT_FALSE(is_valid_slug("-back"));
  EXPECT_FALSE(is_valid_slug("Back"));
  EXPECT_FALSE(is_valid_slug("back pain"));
  EXPECT_FALSE(is_valid_slug("back_pain"));
  EXPECT_FALSE(is_valid_slug("caf\xc3\xa9"));
}

// Every line of the original invalid fixture fails on the field it is about.
TEST(Article, InvalidFixtureArticlesNameTheirField) {
  const std::map<int, std::vector<std::string>> expected = {
      {1, {"id"}},
      {2, {"title"}},
      {3, {"sections"}},
      {4, {"sections"}},
      {5, {"id"}},
      {6, {"published"}},
      {7, {"access"}},
      {8, {"colour"}},
      {9, {"sections[0].bold"}},
      {10, {"title"}},
      {11, {"tags"}},
      {12, {"sections[0].text"}},
      {13, {"title"}},
      {14, {"headings_public"}},
      {15, {"links[0]"}},
  };
  auto lines = fixture_lines("tests/fixtures/invalid/articles.jsonl");
  ASSERT_EQ(lines.size(), expected.size());
  for (const auto& [number, line] : lines) {
    SCOPED_TRACE("articles.jsonl:" + std::to_string(number));
    auto errors = errors_of(line);
    ASSERT_TRUE(expected.contains(number));
    EXPECT_EQ(fields_of(errors), expected.at(number)) << describe(errors);
  }
}

TEST(Article, InvalidFixtureMessagesSayWhatIsWrong) {
  auto lines = fixture_lines("tests/fixtures/invalid/articles.jsonl");
  std::map<int, std::string> message;
  for (const auto& [number, line] : lines) {
    auto errors = errors_of(line);
    ASSERT_FALSE(errors.empty()) << "line " << number;
    message[number] = errors.front().message;
  }
  EXPECT_EQ(message[1], "is required");
  EXPECT_EQ(message[2], "is required");
  EXPECT_EQ(message[3], "is required");
  EXPECT_EQ(message[4], "must hold at least one section");
  EXPECT_NE(message[5].find("slug"), std::string::npos) << message[5];
  // What is wrong, never the value: it may be member text, and problems reach logs and
  // HTTP answers.
  EXPECT_EQ(message[6], "must be a date YYYY-MM-DD or null");
  EXPECT_EQ(message[8], "unknown field");
  EXPECT_EQ(message[9], "unknown field");
  EXPECT_EQ(message[10], "must be a string, not number");
  EXPECT_EQ(message[11], "must be an array, not string");
  EXPECT_EQ(message[12], "is required");
  EXPECT_EQ(message[13], "must not be empty");
  EXPECT_EQ(message[15], "must be a slug of lower-case letters, digits and '-'");
}

// tests/fixtures/invalid/fields.jsonl: paths into arrays and sections, lengths in code
// points, arrays over maxItems. (schema_check.py holds the same lines to the real schema.)
TEST(Article, InvalidFieldsFixtureGivesExactFieldPaths) {
  const std::map<int, std::vector<std::string>> expected = {
      {1, {"tags[1]"}},
      {2, {"sections[0].text"}},
      {3, {"sections[1].access"}},
      {4, {"sections[0]"}},
      {5, {"key_phrases[0]"}},
      {6, {"authors[1]"}},
      {7, {"title"}},
      {8, {"sections[0].heading"}},
      {9, {"tags"}},
      {10, {"authors"}},
      {11, {"key_phrases"}},
      {12, {"sections[2].colour"}},
      {13, {"summary"}},
      {14, {"url"}},
      {15, {"kind"}},
      {16, {"id"}},
      {17, {"id", "id"}},  // too long, and so not a slug either
      {18, {"updated"}},
      {19, {"published"}},
      {20, {"sections[0].heading"}},
      {21, {"extra", "title", "tags[0]", "sections[0].access"}},
      {22, {"links"}},
      {23, {"sections"}},
      {24, {"(article)"}},
      {25, {"key_phrases[0]"}},
  };
  auto lines = fixture_lines("tests/fixtures/invalid/fields.jsonl");
  ASSERT_EQ(lines.size(), expected.size());
  for (const auto& [number, line] : lines) {
    SCOPED_TRACE("fields.jsonl:" + std::to_string(number));
    auto errors = errors_of(line);
    EXPECT_EQ(fields_of(errors), expected.at(number)) << describe(errors);
  }
}

TEST(Article, LengthsAreCountedInCodePointsNotBytes) {
  auto lines = fixture_lines("tests/fixtures/invalid/fields.jsonl");
  // "é" x 501: 1002 bytes, 501 characters.
  auto title = errors_of(lines.at(6).second);
  ASSERT_EQ(title.size(), 1u);
  EXPECT_EQ(title[0].message, "is too long (501 characters, at most 500)");
  // "水" x 501: 1503 bytes, 501 characters.
  auto heading = errors_of(lines.at(7).second);
  ASSERT_EQ(heading.size(), 1u);
  EXPECT_EQ(heading[0].message, "is too long (501 characters, at most 500)");
  auto summary = errors_of(lines.at(12).second);
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0].message, "is too long (5001 characters, at most 5000)");
  // A four-byte emoji counts once.
  auto phrase = errors_of(lines.at(24).second);
  ASSERT_EQ(phrase.size(), 1u);
  EXPECT_EQ(phrase[0].message, "is too long (201 characters, at most 200)");

  // At the limits exactly: valid, although the bytes are two to four times the limit.
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  nlohmann::json limit_article = {{"id", "a"},
                                  {"title", repeat("\xc3\xa9", 500)},
                                  {"key_phrases", {repeat("\xf0\x9f\x98\x80", 200)}},
                                  {"sections", {{{"text", "x"}}}}};
  auto at_limit = parse_article(limit_article);
  ASSERT_TRUE(std::holds_alternative<Article>(at_limit)) << describe(errors_of(limit_article));
  EXPECT_EQ(std::get<Article>(at_limit).title.size(), 1000u);
}

TEST(Article, ArraysOverMaxItemsSayHowMany) {
  auto lines = fixture_lines("tests/fixtures/invalid/fields.jsonl");
  EXPECT_EQ(errors_of(lines.at(8).second).at(0).message, "has 101 items, at most 100");
  EXPECT_EQ(errors_of(lines.at(9).second).at(0).message, "has 51 items, at most 50");
  EXPECT_EQ(errors_of(lines.at(10).second).at(0).message, "has 51 items, at most 50");
  EXPECT_EQ(errors_of(lines.at(21).second).at(0).message, "has 1001 items, at most 1000");
  EXPECT_EQ(errors_of(lines.at(22).second).at(0).message, "has 1001 items, at most 1000");
}

TEST(Article, EveryValidFixtureParses) {
  for (const char* file :
       {"tests/fixtures/valid/minimal.jsonl", "tests/fixtures/valid/limits.jsonl"}) {
    for (const auto& [number, line] : fixture_lines(file)) {
      auto errors = errors_of(line);
      EXPECT_TRUE(errors.empty()) << file << ":" << number << "\n" << describe(errors);
    }
  }
}

TEST(Article, LimitsFixtureIsReadAtItsLimits) {
  auto lines = fixture_lines("tests/fixtures/valid/limits.jsonl");
  auto parsed = parse_article(nlohmann::json::parse(lines.at(0).second));
  ASSERT_TRUE(std::holds_alternative<Article>(parsed));
  const auto& a = std::get<Article>(parsed);
  EXPECT_EQ(a.id, std::string(128, 'a'));
  EXPECT_EQ(a.tags.size(), 100u);
  EXPECT_EQ(a.authors.size(), 50u);
  EXPECT_EQ(a.key_phrases.size(), 50u);
  EXPECT_EQ(a.sections.size(), 1000u);
  EXPECT_EQ(a.links.size(), 1000u);
  EXPECT_EQ(a.published, "2024-02-29");
  EXPECT_FALSE(a.updated.has_value());
  ASSERT_TRUE(a.sections[0].heading.has_value());
  EXPECT_EQ(a.sections[0].text, "");
  EXPECT_FALSE(a.sections[1].heading.has_value());
  EXPECT_EQ(a.sections[1].access, Access::Members);
  ASSERT_TRUE(a.sections[2].heading.has_value());
  EXPECT_EQ(*a.sections[2].heading, "");
  EXPECT_EQ(a.sections[999].text, "s996");
}

TEST(Article, EveryFieldOfTheMinimalFixtureIsRead) {
  auto lines = fixture_lines("tests/fixtures/valid/minimal.jsonl");
  ASSERT_EQ(lines.size(), 2u);

  auto minimal = parse_article(nlohmann::json::parse(lines[0].second));
  ASSERT_TRUE(std::holds_alternative<Article>(minimal));
  const auto& m = std::get<Article>(minimal);
  EXPECT_EQ(m.id, "minimal");
  EXPECT_EQ(m.title, "The smallest valid article");
  EXPECT_EQ(m.url, "");
  EXPECT_EQ(m.kind, "");
  EXPECT_FALSE(m.published.has_value());
  EXPECT_FALSE(m.updated.has_value());
  EXPECT_TRUE(m.authors.empty());
  EXPECT_TRUE(m.tags.empty());
  EXPECT_EQ(m.summary, "");
  EXPECT_EQ(m.access, Access::Public);
  EXPECT_FALSE(m.headings_public);
  EXPECT_TRUE(m.key_phrases.empty());
  ASSERT_EQ(m.sections.size(), 1u);
  EXPECT_FALSE(m.sections[0].heading.has_value());
  EXPECT_EQ(m.sections[0].access, Access::Public);
  EXPECT_EQ(m.sections[0].text, "One section is enough.");
  EXPECT_TRUE(m.links.empty());
  EXPECT_FALSE(m.has_member_text());

  auto every = parse_article(nlohmann::json::parse(lines[1].second));
  ASSERT_TRUE(std::holds_alternative<Article>(every));
  const auto& e = std::get<Article>(every);
  EXPECT_EQ(e.id, "every-field");
  EXPECT_EQ(e.url, "https://archive.example/every-field");
  EXPECT_EQ(e.title, "Every field");
  EXPECT_EQ(e.kind, "member-post");
  EXPECT_EQ(e.published, "2024-02-29");
  EXPECT_FALSE(e.updated.has_value());  // null
  EXPECT_EQ(e.authors, std::vector<std::string>{"Ana Ruiz"});
  EXPECT_EQ(e.tags, std::vector<std::string>{"back-pain"});
  EXPECT_EQ(e.summary, "All of them.");
  EXPECT_EQ(e.access, Access::Members);
  EXPECT_TRUE(e.headings_public);
  EXPECT_EQ(e.key_phrases, std::vector<std::string>{"every field"});
  ASSERT_EQ(e.sections.size(), 2u);
  EXPECT_EQ(e.sections[0].heading, "Intro");
  EXPECT_EQ(e.sections[0].access, Access::Public);
  EXPECT_EQ(e.sections[0].text, "Public intro.");
  EXPECT_FALSE(e.sections[1].heading.has_value());   // null
  EXPECT_EQ(e.sections[1].access, Access::Members);  // the article's access
  EXPECT_EQ(e.sections[1].text, "Member text.");
  EXPECT_EQ(e.links, std::vector<std::string>{"minimal"});
  EXPECT_TRUE(e.has_member_text());
}

TEST(Article, NonObjectsAreRejected) {
  for (const char* text : {"[]", "3", "\"text\"", "null", "true"}) {
    auto errors = errors_of(text);
    ASSERT_EQ(errors.size(), 1u) << text;
    EXPECT_EQ(errors[0].field, "(article)") << text;
  }
}

}  // namespace
}  // namespace archive
