// What the HTML and Markdown importers share: sections assembled from text in document
// order, internal links turned into ids, and the finished article checked by the schema.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/importer.hpp"

namespace archive {

class PageBuilder {
 public:
  PageBuilder(std::string file, const ImportMapping& mapping);

  // A heading starts a section; text after it belongs to it.
  void heading(const std::string& text, Access access);
  // Text that must be members-only whatever section it falls in, as a paragraph of its own
  // (a heading holding members markup: never a heading, as a members section's heading may
  // be public).
  void members_paragraph(std::string_view text);
  // Running text; whitespace is collapsed. Text whose access differs from the current
  // section's starts a section of its own (without a heading).
  void text(std::string_view text, Access access);
  // Ends a paragraph (a block element, a list item).
  void paragraph_break();
  // An href or Markdown link target found in public text.
  void link(const std::string& href);
  // Doubt about everything read so far (a stray closing marker): all of it members-only.
  void all_members_so_far();

  void warn(int line, const std::string& what);
  void problem(int line, const std::string& field, const std::string& what);
  bool has_problems() const { return !page_.problems.empty(); }

  Article& article() { return article_; }
  const std::string& file() const { return file_; }

  // Fills url, kind and headings_public, checks the article against the schema (via
  // parse_article) and hands back the result. `doubt`: every section members-only, no
  // links.
  ImportedPage finish(bool doubt);

 private:
  std::string file_;
  const ImportMapping& mapping_;
  Article article_;
  bool paragraph_pending_ = false;
  ImportedPage page_;
};

// The id of an internal link, or "" for an external one or a path the pattern does not
// place. `page_id` is the page the link is on (relative links resolve against it).
std::string link_id(const ImportMapping& mapping, const std::string& page_id,
                    const std::string& href);

// "Knee Pain" -> "knee-pain": tags in the schema are slugs.
std::string slug_of(std::string_view text);

// "2019-04-01T10:00:00Z" and "2019-04-01" -> "2019-04-01"; nullopt when not a date.
std::optional<std::string> date_of(std::string_view text);

// "a, b ,c" -> {"a", "b", "c"}: list fields given as one meta or front-matter string.
std::vector<std::string> comma_list(std::string_view text);

std::string trimmed(std::string_view text);

// One problem of one page: "file:line: field: message".
InputProblem page_problem(const std::string& file, std::size_t line, std::string field,
                          std::string message);

// "site/knee-pain.html" -> "knee-pain": a page's id unless the mapping says otherwise.
std::string file_stem(const std::string& file);

}  // namespace archive
