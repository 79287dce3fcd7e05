#include "archive/import_mapping.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>

namespace archive {
namespace {

const std::set<std::string> kFields = {"id",      "title", "published", "updated",
                                       "authors", "tags",  "summary",   "key_phrases"};
const std::set<std::string> kKeys = {"site", "url_pattern", "kind",           "fields",
                                     "drop", "members",     "headings_public"};
const std::set<std::string> kMemberKeys = {"classes",          "attribute", "public_values",
                                           "member_values",    "comment",   "fence",
                                           "front_matter_flag"};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& field,
                         const std::string& what) const {
    throw MappingError(file_ + ":" + std::to_string(at.Mark().line + 1) + ": " + field + ": " +
                       what);
  }

  std::string text(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar() || node.Scalar().empty()) fail(node, field, "must be a non-empty string");
    return node.Scalar();
  }

  std::vector<std::string> texts(const YAML::Node& node, const std::string& field) const {
    if (!node.IsSequence()) fail(node, field, "must be a list of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < node.size(); ++i)
      out.push_back(text(node[i], field + "[" + std::to_string(i) + "]"));
    return out;
  }

  void only_keys(const YAML::Node& node, const std::set<std::string>& allowed,
                 const std::string& field) const {
    if (!node.IsMap()) fail(node, field.empty() ? "mapping" : field, "must be an object");
    for (const auto& entry : node) {
      auto key = entry.first.as<std::string>();
      if (!allowed.count(key))
        fail(entry.first, field.empty() ? key : field + "." + key, "is not a known key");
    }
  }

  FieldSource source(const YAML::Node& node, const std::string& field) const {
    only_keys(node, {"meta", "selector", "front_matter"}, field);
    if (node.size() != 1) fail(node, field, "needs exactly one of meta, selector, front_matter");
    FieldSource out;
    if (node["meta"]) out.meta = text(node["meta"], field + ".meta");
    if (node["front_matter"])
      out.front_matter = text(node["front_matter"], field + ".front_matter");
    if (node["selector"]) {
      out.selector = text(node["selector"], field + ".selector");
      check_selector(node["selector"], field + ".selector", out.selector);
    }
    return out;
  }

  void check_selector(const YAML::Node& at, const std::string& field,
                      const std::string& selector) const {
    try {
      css_to_xpath(selector);
    } catch (const MappingError& e) {
      fail(at, field, e.what());
    }
  }

 private:
  std::string file_;
};

void read_members(const Reader& r, const YAML::Node& node, ImportMapping& m) {
  r.only_keys(node, kMemberKeys, "members");
  if (node["classes"]) m.member_classes = r.texts(node["classes"], "members.classes");
  if (node["attribute"]) m.access_attribute = r.text(node["attribute"], "members.attribute");
  if (node["public_values"])
    m.public_values = r.texts(node["public_values"], "members.public_values");
  if (node["member_values"])
    m.member_values = r.texts(node["member_values"], "members.member_values");
  if (node["comment"]) m.members_comment = r.text(node["comment"], "members.comment");
  if (node["fence"]) m.members_fence = r.text(node["fence"], "members.fence");
  if (node["front_matter_flag"])
    m.members_flag = r.text(node["front_matter_flag"], "members.front_matter_flag");
}

}  // namespace

ImportMapping load_mapping(const std::filesystem::path& path) {
  Reader r(path.string());
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    throw MappingError(path.string() + ": cannot read the mapping file");
  } catch (const YAML::ParserException& e) {
    throw MappingError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  ImportMapping m;
  r.only_keys(root, kKeys, "");
  if (root["site"]) m.site = r.text(root["site"], "site");
  while (!m.site.empty() && m.site.back() == '/') m.site.pop_back();
  if (root["url_pattern"]) {
    m.url_pattern = r.text(root["url_pattern"], "url_pattern");
    auto at = m.url_pattern.find("{id}");
    if (m.url_pattern[0] != '/' || at == std::string::npos ||
        m.url_pattern.find("{id}", at + 1) != std::string::npos)
      r.fail(root["url_pattern"], "url_pattern", "must start with / and hold {id} once");
  }
  if (root["kind"]) m.kind = r.text(root["kind"], "kind");
  if (auto fields = root["fields"]) {
    r.only_keys(fields, kFields, "fields");
    for (const auto& entry : fields) {
      auto name = entry.first.as<std::string>();
      m.fields[name] = r.source(entry.second, "fields." + name);
    }
  }
  if (auto drop = root["drop"]) {
    m.drop = r.texts(drop, "drop");
    for (std::size_t i = 0; i < m.drop.size(); ++i)
      r.check_selector(drop[i], "drop[" + std::to_string(i) + "]", m.drop[i]);
  }
  if (auto members = root["members"]) read_members(r, members, m);
  if (auto teaser = root["headings_public"]) {
    if (!teaser.IsScalar() || (teaser.Scalar() != "true" && teaser.Scalar() != "false"))
      r.fail(teaser, "headings_public", "must be true or false");
    m.headings_public = teaser.Scalar() == "true";
  }
  return m;
}

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// XPath string literal of a CSS identifier or value (never holds both quote kinds: names
// hold only name characters, and values are checked below).
std::string literal(const std::string& value) { return std::string(1, '\'').append(value) + '\''; }

class CssParser {
 public:
  explicit CssParser(const std::string& css) : css_(css) {}

  std::string selector_list() {
    std::string xpath = selector();
    while (skip_space(), eat(',')) xpath.append(" | ").append(selector());
    skip_space();
    if (pos_ != css_.size()) unsupported();
    return xpath;
  }

 private:
  std::string selector() {
    skip_space();
    std::string xpath = "//";
    xpath += compound();
    while (true) {
      bool spaced = skip_space();
      if (eat('>')) {
        skip_space();
        xpath.append("/").append(compound());
      } else if (spaced && pos_ < css_.size() && css_[pos_] != ',') {
        xpath.append("//").append(compound());
      } else {
        return xpath;
      }
    }
  }

  std::string compound() {
    std::string element = is_name_char(peek()) ? name() : (eat('*'), "*");
    std::string tests;
    while (pos_ < css_.size()) {
      if (eat('.')) {
        auto padded = std::string(1, ' ').append(name()) + ' ';
        tests.append("[contains(concat(' ', normalize-space(@class), ' '), ")
            .append(literal(padded))
            .append(")]");
      } else if (eat('#')) {
        tests.append("[@id=").append(literal(name())).append("]");
      } else if (eat('[')) {
        auto attribute = name();
        if (eat('=')) {
          tests.append("[@").append(attribute).append("=").append(literal(value())).append("]");
        } else {
          tests.append("[@").append(attribute).append("]");
        }
        if (!eat(']')) unsupported();
      } else {
        break;
      }
    }
    if (element == "*" && tests.empty()) unsupported();
    return element + tests;
  }

  std::string name() {
    auto start = pos_;
    while (pos_ < css_.size() && is_name_char(css_[pos_])) ++pos_;
    if (pos_ == start) unsupported();
    return css_.substr(start, pos_ - start);
  }

  std::string value() {
    char quote = peek();
    if (quote != '"' && quote != '\'') return name();
    auto end = css_.find(quote, ++pos_);
    if (end == std::string::npos) unsupported();
    auto v = css_.substr(pos_, end - pos_);
    if (v.find_first_of("\"'") != std::string::npos) unsupported();
    pos_ = end + 1;
    return v;
  }

  char peek() const { return pos_ < css_.size() ? css_[pos_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  bool skip_space() {
    auto start = pos_;
    while (pos_ < css_.size() && std::isspace(static_cast<unsigned char>(css_[pos_]))) ++pos_;
    return pos_ != start;
  }
  [[noreturn]] void unsupported() const {
    throw MappingError("selector \"" + css_ + "\": not in the supported subset at character " +
                       std::to_string(pos_ + 1) +
                       " (type, .class, #id, [attr], [attr=value], descendant, >, comma)");
  }

  const std::string& css_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string css_to_xpath(const std::string& selector) {
  return CssParser(selector).selector_list();
}

}  // namespace archive
