// Article: the ingest contract (schema/article.schema.json) as a C++ value type.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace archive {

enum class Access { Public, Members };

std::string_view to_string(Access access);

struct Section {
  std::optional<std::string> heading;
  Access access = Access::Public;
  std::string text;
};

struct Article {
  std::string id;
  std::string url;
  std::string title;
  std::string kind;
  std::optional<std::string> published;  // YYYY-MM-DD
  std::optional<std::string> updated;    // YYYY-MM-DD
  std::vector<std::string> authors;
  std::vector<std::string> tags;
  std::string summary;
  Access access = Access::Public;
  bool headings_public = false;
  std::vector<std::string> key_phrases;
  std::vector<Section> sections;
  std::vector<std::string> links;

  bool has_member_text() const;
};

// One problem with one field of one article: "sections[2].access: must be ...".
struct FieldError {
  std::string field;
  std::string message;
};

using ArticleOrErrors = std::variant<Article, std::vector<FieldError>>;

// Checks every rule of the schema and reports every problem found, not just the first.
ArticleOrErrors parse_article(const nlohmann::json& value);

// The article as the schema's JSON, the inverse of parse_article(): fields left empty are
// left out. What importers emit (--emit-jsonl) and then read back through parse_article().
nlohmann::ordered_json to_json(const Article& article);

// True for "YYYY-MM-DD" naming a real calendar date.
bool is_valid_date(std::string_view text);
// True for a slug: lower-case letters, digits and '-', 1-128 chars, not starting with '-'.
bool is_valid_slug(std::string_view text);

}  // namespace archive
