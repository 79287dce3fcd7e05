// Markdown through cmark (CommonMark), YAML front matter through yaml-cpp.
#include <cmark.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <memory>
#include <string>

#include "archive/utf8.hpp"
#include "page_builder.hpp"

namespace archive {
namespace {

using NodePtr = std::unique_ptr<cmark_node, decltype(&cmark_node_free)>;

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The front matter between a first line "---" and the next "---" or "...", and the line
// the body starts on.
struct Split {
  std::string front_matter;
  std::string body;
  int body_line = 1;
  bool unclosed = false;
};

Split split_front_matter(std::string_view page) {
  Split split;
  if (page.rfind("---\n", 0) != 0 && page.rfind("---\r\n", 0) != 0) {
    split.body = page;
    return split;
  }
  std::size_t start = page.find('\n') + 1, pos = start;
  int line = 2;
  while (pos < page.size()) {
    auto end = page.find('\n', pos);
    auto text = trimmed(page.substr(pos, end == std::string_view::npos ? end : end - pos));
    if (text == "---" || text == "...") {
      split.front_matter = page.substr(start, pos - start);
      split.body = end == std::string_view::npos ? "" : page.substr(end + 1);
      split.body_line = line + 1;
      return split;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
    ++line;
  }
  split.unclosed = true;
  return split;
}

class MarkdownPage {
 public:
  MarkdownPage(const std::string& file, const ImportMapping& mapping)
      : mapping_(mapping), page_(file, mapping) {}

  ImportedPage import(std::string_view markdown) {
    page_.article().id = file_stem(page_.file());
    // Markdown declares no encoding: it is read as UTF-8, and bytes that are not are refused
    // here rather than passed on as text no JSON or index could hold.
    if (auto valid = utf8_prefix_size(markdown); valid != markdown.size()) {
      auto line = 1 + std::count(markdown.begin(), markdown.begin() + valid, '\n');
      page_.problem(
          static_cast<int>(line), "encoding",
          "the file is not UTF-8 (byte " + std::to_string(valid + 1) + "); save it as UTF-8");
      return page_.finish(false);
    }
    auto split = split_front_matter(markdown);
    if (split.unclosed) {
      page_.problem(1, "front_matter", "the front matter's opening --- is never closed");
      return page_.finish(false);
    }
    body_line_ = split.body_line;
    try {
      front_ = split.front_matter.empty() ? YAML::Node() : YAML::Load(split.front_matter);
    } catch (const YAML::Exception& e) {
      page_.problem(e.mark.line + 2, "front_matter", e.msg);
      return page_.finish(false);
    }
    if (front_.IsDefined() && !front_.IsNull() && !front_.IsMap()) {
      page_.problem(2, "front_matter", "must be a map of keys to values");
      return page_.finish(false);
    }
    lines_ = split_lines(split.body);
    NodePtr doc(cmark_parse_document(split.body.data(), split.body.size(), CMARK_OPT_DEFAULT),
                cmark_node_free);
    bool flagged = flag(mapping_.members_flag);
    for (auto* block = cmark_node_first_child(doc.get()); block; block = cmark_node_next(block))
      visit_block(block, flagged ? Access::Members : Access::Public, body_line_);
    if (depth_ > 0)
      page_.problem(open_line_, "members",
                    "<!-- " + mapping_.members_comment + " --> is never closed by <!-- /" +
                        mapping_.members_comment + " -->; its content was not indexed");
    fill_fields();
    return page_.finish(doubt_);
  }

 private:
  static std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = std::min(text.find('\n', start), text.size());
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }

  int line_of(cmark_node* node, int offset) const {
    return cmark_node_get_start_line(node) + offset - 1;
  }

  Access effective(Access access) const { return depth_ > 0 || doubt_ ? Access::Members : access; }

  void visit_block(cmark_node* block, Access access, int offset) {
    switch (cmark_node_get_type(block)) {
      case CMARK_NODE_HEADING:
        visit_heading(block, access, offset);
        break;
      case CMARK_NODE_CODE_BLOCK:
        if (trimmed(cmark_node_get_fence_info(block) ? cmark_node_get_fence_info(block) : "") ==
            mapping_.members_fence)
          visit_members_fence(block, offset);
        else
          code_block(block, access, offset);
        break;
      case CMARK_NODE_HTML_BLOCK:
        visit_html(cmark_node_get_literal(block), line_of(block, offset));
        break;
      case CMARK_NODE_THEMATIC_BREAK:
        page_.paragraph_break();
        break;
      case CMARK_NODE_LIST:
      case CMARK_NODE_ITEM:
      case CMARK_NODE_BLOCK_QUOTE:
        for (auto* child = cmark_node_first_child(block); child; child = cmark_node_next(child))
          visit_block(child, access, offset);
        break;
      default:  // paragraphs
        page_.paragraph_break();
        page_.text(plain_text(block, access, offset), effective(access));
        page_.paragraph_break();
        break;
    }
  }

  void text_block(const char* text, Access access) {
    page_.paragraph_break();
    page_.text(text ? text : "", effective(access));
    page_.paragraph_break();
  }

  // A fence left open runs to the end of the file, members markers and all: code holding
  // members markup is markup the parser did not see, so nothing in the page is trusted.
  void code_block(cmark_node* block, Access access, int offset) {
    const char* literal = cmark_node_get_literal(block);
    auto text = lower(literal ? literal : "");
    if (text.find_first_of("<`~") != std::string::npos && mentions_members(text))
      doubt_at(line_of(block, offset), "members markup inside a code block (a fence left open?)");
    text_block(literal, access);
  }

  void doubt_at(int line, const std::string& what) {
    if (!doubt_) page_.warn(line, what + "; the page's body is indexed as members-only");
    doubt_ = true;
  }

  // A heading is read whole, so members markup inside it makes all of it members-only text
  // (never the title).
  void visit_heading(cmark_node* block, Access access, int offset) {
    int seen = members_markup_seen_;
    auto text = plain_text(block, Access::Members, offset);
    if (members_markup_seen_ != seen) {
      page_.warn(line_of(block, offset),
                 "a heading holds members markup; all of it is indexed as members-only text");
      page_.members_paragraph(text);
    } else if (cmark_node_get_heading_level(block) == 1 && title_.empty() && offset == body_line_) {
      title_ = trimmed(text);
    } else {
      page_.heading(text, effective(access));
    }
  }

  // A ```members block holds Markdown: its headings are member headings. One never
  // closed runs to the end of the file, as CommonMark says; that is reported.
  void visit_members_fence(cmark_node* block, int offset) {
    int end = cmark_node_get_end_line(block);
    const auto& last = end >= 1 && end <= int(lines_.size()) ? lines_[end - 1] : std::string();
    auto closing = trimmed(last);
    if (end == cmark_node_get_start_line(block) ||
        (closing.rfind("```", 0) != 0 && closing.rfind("~~~", 0) != 0))
      page_.problem(line_of(block, offset), "members",
                    "```" + mapping_.members_fence + " block is never closed");
    const char* literal = cmark_node_get_literal(block);
    std::string inner = literal ? literal : "";
    NodePtr doc(cmark_parse_document(inner.data(), inner.size(), CMARK_OPT_DEFAULT),
                cmark_node_free);
    for (auto* child = cmark_node_first_child(doc.get()); child; child = cmark_node_next(child))
      visit_block(child, Access::Members, line_of(block, offset) + 1);
  }

  // Raw HTML: <!-- members --> and <!-- /members --> open and close a members block;
  // any other HTML that mentions members markup puts the page in doubt: its whole body is
  // members-only.
  void visit_html(const char* literal, int line) {
    auto text = lower(trimmed(literal ? literal : ""));
    if (mentions_members(text)) ++members_markup_seen_;
    const auto& marker = mapping_.members_comment;
    if (text == "<!-- " + marker + " -->" || text == "<!--" + marker + "-->") {
      if (depth_++ == 0) open_line_ = line;
      return;
    }
    if (text == "<!-- /" + marker + " -->" || text == "<!--/" + marker + "-->") {
      if (depth_ > 0) {
        --depth_;
      } else {
        page_.warn(line, "<!-- /" + marker +
                             " --> without an opening one; everything before "
                             "it is indexed as members-only");
        page_.all_members_so_far();
      }
      return;
    }
    if (mentions_members(text)) doubt_at(line, "HTML mentioning members markup");
  }

  bool mentions_members(const std::string& text) const {
    if (text.find(lower(mapping_.members_comment)) != std::string::npos) return true;
    if (text.find(lower(mapping_.access_attribute)) != std::string::npos) return true;
    for (const auto& c : mapping_.member_classes)
      if (text.find(lower(c)) != std::string::npos) return true;
    return false;
  }

  // The text of an inline run; links in public text become link ids.
  std::string plain_text(cmark_node* block, Access access, int offset) {
    std::string out;
    auto* iter = cmark_iter_new(block);
    for (auto event = cmark_iter_next(iter); event != CMARK_EVENT_DONE;
         event = cmark_iter_next(iter)) {
      auto* node = cmark_iter_get_node(iter);
      if (event != CMARK_EVENT_ENTER) continue;
      switch (cmark_node_get_type(node)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          out += cmark_node_get_literal(node);
          break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
          out += ' ';
          break;
        case CMARK_NODE_LINK:
          if (effective(access) == Access::Public) page_.link(cmark_node_get_url(node));
          break;
        case CMARK_NODE_HTML_INLINE:
          visit_html(cmark_node_get_literal(node), line_of(node, offset));
          break;
        default:
          break;
      }
    }
    cmark_iter_free(iter);
    return out;
  }

  YAML::Node value(const std::string& field, std::initializer_list<const char*> defaults) {
    if (auto it = mapping_.fields.find(field); it != mapping_.fields.end()) {
      if (it->second.front_matter.empty()) {
        page_.problem(1, "fields." + field, "a Markdown file has no meta tags or selectors");
        return {};
      }
      return front_[it->second.front_matter];
    }
    for (const char* key : defaults)
      if (front_.IsMap() && front_[key]) return front_[key];
    return {};
  }

  bool flag(const std::string& key) {
    if (!front_.IsMap() || !front_[key]) return false;
    auto v = front_[key];
    if (v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "false"))
      return v.Scalar() == "true";
    page_.warn(2, key + ": not true or false; the page is indexed as members-only");
    return true;
  }

  std::string one(const std::string& field, std::initializer_list<const char*> defaults) {
    auto v = value(field, defaults);
    if (!v || v.IsNull()) return "";
    last_line_ = v.Mark().line + 2;  // the front matter starts on the file's second line
    if (!v.IsScalar()) {
      page_.problem(v.Mark().line + 2, field, "must be a single value in the front matter");
      return "";
    }
    return trimmed(v.Scalar());
  }

  std::vector<std::string> many(const std::string& field,
                                std::initializer_list<const char*> defaults) {
    auto v = value(field, defaults);
    if (!v || v.IsNull()) return {};
    if (v.IsScalar()) return comma_list(v.Scalar());
    std::vector<std::string> out;
    if (!v.IsSequence()) {
      page_.problem(v.Mark().line + 2, field, "must be a list or a comma-separated string");
      return out;
    }
    for (const auto& item : v)
      if (item.IsScalar() && !trimmed(item.Scalar()).empty()) out.push_back(trimmed(item.Scalar()));
    return out;
  }

  void fill_fields() {
    auto& a = page_.article();
    if (auto id = one("id", {"id", "slug"}); !id.empty()) a.id = id;
    a.title = one("title", {"title"});
    if (a.title.empty()) a.title = title_;
    if (a.title.empty())
      page_.problem(1, "title", "the file has no title (no title: in front matter, no # heading)");
    for (auto [field, date] : {std::pair{"published", &a.published}, {"updated", &a.updated}}) {
      auto text = field == std::string("published") ? one(field, {"published", "date"})
                                                    : one(field, {"updated", "lastmod"});
      if (text.empty()) continue;
      *date = date_of(text);
      if (!*date) page_.problem(last_line_, field, "\"" + text + "\" is not a date (YYYY-MM-DD)");
    }
    a.authors = many("authors", {"authors", "author"});
    for (const auto& tag : many("tags", {"tags", "categories"})) a.tags.push_back(slug_of(tag));
    a.summary = one("summary", {"summary", "description"});
    a.key_phrases = many("key_phrases", {"key_phrases"});
  }

  const ImportMapping& mapping_;
  PageBuilder page_;
  YAML::Node front_;
  std::vector<std::string> lines_;
  std::string title_;
  int body_line_ = 1, depth_ = 0, open_line_ = 0;
  int last_line_ = 1;  // of the front-matter value one() read last
  bool doubt_ = false;
  int members_markup_seen_ = 0;  // raw HTML read that mentions members markup
};

}  // namespace

ImportedPage import_markdown(const std::string& file, std::string_view page,
                             const ImportMapping& mapping) {
  return MarkdownPage(file, mapping).import(page);
}

}  // namespace archive
