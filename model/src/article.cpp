#include "archive/article.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

namespace archive {
namespace {

using nlohmann::json;

// Limits mirror schema/article.schema.json; lengths count code points as JSON Schema does.
constexpr std::size_t kMaxTitle = 500, kMaxUrl = 2048, kMaxSummary = 5000, kMaxAuthor = 200,
                      kMaxHeading = 500, kMaxText = 1000000, kMaxKeyPhrase = 200;
constexpr std::size_t kMaxAuthors = 50, kMaxTags = 100, kMaxKeyPhrases = 50, kMaxSections = 1000,
                      kMaxLinks = 1000;

const std::set<std::string, std::less<>> kArticleFields = {
    "id",       "url",  "title",   "kind",   "published",       "updated",
    "authors",  "tags", "summary", "access", "headings_public", "key_phrases",
    "sections", "links"};
const std::set<std::string, std::less<>> kSectionFields = {"heading", "access", "text"};

std::size_t code_points(std::string_view utf8) {
  return std::count_if(utf8.begin(), utf8.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// Collects problems while reading one article, each under its field path. A message says
// what is wrong, never what was there: problems reach logs and HTTP answers, and the
// value may be member text.
class Checker {
 public:
  void fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  std::vector<FieldError> take() { return std::move(errors_); }
  bool ok() const { return errors_.empty(); }

  void unknown_fields(const json& object, const std::set<std::string, std::less<>>& known,
                      const std::string& path) {
    for (const auto& [key, value] : object.items())
      if (!known.contains(key)) fail(path.empty() ? key : path + "." + key, "unknown field");
  }

  std::optional<std::string> string(const json& value, const std::string& field,
                                    std::size_t min_len, std::size_t max_len) {
    if (!value.is_string()) {
      fail(field, "must be a string, not " + std::string(value.type_name()));
      return std::nullopt;
    }
    auto text = value.get<std::string>();
    auto n = code_points(text);
    if (n < min_len) fail(field, min_len == 1 ? "must not be empty" : "is too short");
    if (n > max_len)
      fail(field, "is too long (" + std::to_string(n) + " characters, at most " +
                      std::to_string(max_len) + ")");
    return text;
  }

  std::optional<std::string> slug(const json& value, const std::string& field) {
    auto text = string(value, field, 1, 128);
    if (text && !is_valid_slug(*text))
      fail(field, "must be a slug of lower-case letters, digits and '-'");
    return text;
  }

  std::optional<std::string> date(const json& value, const std::string& field) {
    if (value.is_null()) return std::nullopt;
    auto text = string(value, field, 1, 10);
    if (text && !is_valid_date(*text)) fail(field, "must be a date YYYY-MM-DD or null");
    return text;
  }

  std::optional<Access> access(const json& value, const std::string& field) {
    if (value == "public") return Access::Public;
    if (value == "members") return Access::Members;
    fail(field, "must be \"public\" or \"members\"");
    return std::nullopt;
  }

  // Reads an array, checking each item with `item(value, field_path)`.
  template <typename Item>
  auto array(const json& value, const std::string& field, std::size_t max_items, Item item)
      -> std::vector<typename decltype(item(value, field))::value_type> {
    std::vector<typename decltype(item(value, field))::value_type> out;
    if (!value.is_array()) {
      fail(field, "must be an array, not " + std::string(value.type_name()));
      return out;
    }
    if (value.size() > max_items)
      fail(field,
           "has " + std::to_string(value.size()) + " items, at most " + std::to_string(max_items));
    for (std::size_t i = 0; i < value.size() && i < max_items; ++i)
      if (auto v = item(value[i], field + "[" + std::to_string(i) + "]")) out.push_back(*v);
    return out;
  }

 private:
  std::vector<FieldError> errors_;
};

std::optional<Section> read_section(Checker& check, const json& value, const std::string& path,
                                    Access article_access) {
  if (!value.is_object()) {
    check.fail(path, "must be an object with \"text\"");
    return std::nullopt;
  }
  check.unknown_fields(value, kSectionFields, path);
  Section section;
  section.access = article_access;
  if (auto it = value.find("heading"); it != value.end() && !it->is_null())
    section.heading = check.string(*it, path + ".heading", 0, kMaxHeading);
  if (auto it = value.find("access"); it != value.end())
    section.access = check.access(*it, path + ".access").value_or(article_access);
  if (auto it = value.find("text"); it != value.end())
    section.text = check.string(*it, path + ".text", 0, kMaxText).value_or("");
  else
    check.fail(path + ".text", "is required");
  return section;
}

}  // namespace

std::string_view to_string(Access access) {
  return access == Access::Public ? "public" : "members";
}

bool Article::has_member_text() const {
  return std::any_of(sections.begin(), sections.end(),
                     [](const Section& s) { return s.access == Access::Members; });
}

nlohmann::ordered_json to_json(const Article& a) {
  nlohmann::ordered_json out = {{"id", a.id}};
  auto put = [&](const char* field, const auto& value) {
    if (!value.empty()) out[field] = value;
  };
  put("url", a.url);
  out["title"] = a.title;
  put("kind", a.kind);
  if (a.published) out["published"] = *a.published;
  if (a.updated) out["updated"] = *a.updated;
  put("authors", a.authors);
  put("tags", a.tags);
  put("summary", a.summary);
  out["access"] = to_string(a.access);
  if (a.headings_public) out["headings_public"] = true;
  put("key_phrases", a.key_phrases);
  auto& sections = out["sections"] = nlohmann::ordered_json::array();
  for (const auto& s : a.sections) {
    nlohmann::ordered_json section;
    if (s.heading) section["heading"] = *s.heading;
    if (s.access != a.access) section["access"] = to_string(s.access);
    section["text"] = s.text;
    sections.push_back(std::move(section));
  }
  put("links", a.links);
  return out;
}

bool is_valid_slug(std::string_view text) {
  if (text.empty() || text.size() > 128 || text.front() == '-') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return false;
  auto number = [&](std::size_t at, std::size_t len) {
    return std::stoi(std::string(text.substr(at, len)));
  };
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29) return leap;
  return day <= kDays[month - 1];
}

ArticleOrErrors parse_article(const json& value) {
  Checker check;
  if (!value.is_object()) {
    check.fail("(article)", "must be a JSON object, not " + std::string(value.type_name()));
    return check.take();
  }
  check.unknown_fields(value, kArticleFields, "");
  Article a;
  auto field = [&](std::string_view name) -> const json* {
    auto it = value.find(name);
    return it == value.end() ? nullptr : &*it;
  };
  auto nonempty_text = [&](const json& v, const std::string& f) {
    return check.string(v, f, 1, kMaxAuthor);
  };

  if (auto v = field("id"))
    a.id = check.slug(*v, "id").value_or("");
  else
    check.fail("id", "is required");
  if (auto v = field("title"))
    a.title = check.string(*v, "title", 1, kMaxTitle).value_or("");
  else
    check.fail("title", "is required");
  if (auto v = field("url")) a.url = check.string(*v, "url", 1, kMaxUrl).value_or("");
  if (auto v = field("kind")) a.kind = check.slug(*v, "kind").value_or("");
  if (auto v = field("published")) a.published = check.date(*v, "published");
  if (auto v = field("updated")) a.updated = check.date(*v, "updated");
  if (auto v = field("summary"))
    a.summary = check.string(*v, "summary", 0, kMaxSummary).value_or("");
  if (auto v = field("access")) a.access = check.access(*v, "access").value_or(Access::Public);
  if (auto v = field("headings_public")) {
    if (v->is_boolean())
      a.headings_public = v->get<bool>();
    else
      check.fail("headings_public", "must be true or false");
  }
  if (auto v = field("authors")) a.authors = check.array(*v, "authors", kMaxAuthors, nonempty_text);
  if (auto v = field("tags"))
    a.tags = check.array(*v, "tags", kMaxTags,
                         [&](const json& x, const std::string& f) { return check.slug(x, f); });
  if (auto v = field("links"))
    a.links = check.array(*v, "links", kMaxLinks,
                          [&](const json& x, const std::string& f) { return check.slug(x, f); });
  if (auto v = field("key_phrases"))
    a.key_phrases = check.array(
        *v, "key_phrases", kMaxKeyPhrases,
        [&](const json& x, const std::string& f) { return check.string(x, f, 2, kMaxKeyPhrase); });
  if (auto v = field("sections")) {
    a.sections = check.array(
        *v, "sections", kMaxSections,
        [&](const json& x, const std::string& f) { return read_section(check, x, f, a.access); });
    if (v->is_array() && v->empty()) check.fail("sections", "must hold at least one section");
  } else {
    check.fail("sections", "is required");
  }
  if (!check.ok()) return check.take();
  return a;
}

}  // namespace archive
