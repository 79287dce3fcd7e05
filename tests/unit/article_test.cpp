#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "archive/article.hpp"

namespace archive {
namespace {

std::vector<FieldError> errors_of(const std::string& text) {
  auto parsed = parse_article(nlohmann::json::parse(text));
  if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) return *errors;
  return {};
}

TEST(Article, MinimalArticleParses) {
  auto parsed = parse_article(nlohmann::json::parse(
      R"({"id": "a", "title": "T", "sections": [{"text": "x"}]})"));
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
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"colour", "id", "title", "sections"}));
}

TEST(Article, DatesMustBeRealCalendarDates) {
  EXPECT_TRUE(is_valid_date("2024-02-29"));
  EXPECT_FALSE(is_valid_date("2023-02-29"));
  EXPECT_FALSE(is_valid_date("2023-04-31"));
  EXPECT_FALSE(is_valid_date("2023-4-1"));
  EXPECT_FALSE(is_valid_date("20230401xx"));
}

}  // namespace
}  // namespace archive
