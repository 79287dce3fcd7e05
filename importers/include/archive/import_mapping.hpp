// The mapping file of an importer (schema/import-mapping.schema.json): where a page's
// fields come from and which markup marks members-only content.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace archive {

// Where one article field is read from. Exactly one member is set.
struct FieldSource {
  std::string meta;          // <meta name=... or property=... content=...>
  std::string selector;      // a CSS selector (see css_to_xpath), text of the elements
  std::string front_matter;  // a key of the Markdown front matter
};

struct ImportMapping {
  // The site's address; a link under it (or relative) is internal.
  std::string site = "https://archive.example";
  // The path of a page with a given id: "/articles/{id}.html". Builds each article's url
  // and turns internal links into ids.
  std::string url_pattern = "/{id}";
  std::string kind = "article";
  // title, published, updated, authors, tags, summary, key_phrases (and id, which
  // otherwise is the file's name without its extension).
  std::map<std::string, FieldSource> fields;
  // Elements a field's selector matches stay in the body (h1 never does); list a byline
  // here to take it out. Elements dropped besides the built-in ones (nav, script, style, form,
  // header, footer, aside, ...): login boxes, "join now" blurbs.
  std::vector<std::string> drop;
  // Members-only markup: an element with one of these classes, an element whose
  // `access_attribute` is not in `public_values` (a value in neither list is
  // treated as members-only and reported), the comments <!-- members --> ... <!-- /members -->,
  // a Markdown fenced block ```members, and a front-matter flag (members_only: true).
  std::vector<std::string> member_classes = {"members-only"};
  std::string access_attribute = "data-access";
  std::vector<std::string> public_values = {"public"};
  std::vector<std::string> member_values = {"members"};
  std::string members_comment = "members";
  std::string members_fence = "members";
  std::string members_flag = "members_only";
  // Member headings shown to anonymous callers as a teaser.
  bool headings_public = false;
};

// A mapping file that cannot be used: "file:line: field: what".
class MappingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a mapping file (YAML or JSON). Throws MappingError.
ImportMapping load_mapping(const std::filesystem::path& path);

// The XPath of a CSS selector in the subset mappings may use: type (p), class (.teaser),
// id (#main), attribute ([data-access], [data-access=members]), any compound of these
// (div.box[role=note]), descendant (a b) and child (a > b) combinators, and lists (a, b).
// Throws MappingError naming what is outside the subset.
std::string css_to_xpath(const std::string& selector);

}  // namespace archive
