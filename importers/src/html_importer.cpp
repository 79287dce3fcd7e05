// HTML pages through libxml2's HTML parser; the mapping's CSS selectors become XPath.
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "page_builder.hpp"

namespace archive {
namespace {

// Never text: navigation, scripts, styles, forms and the page's furniture.
const std::set<std::string, std::less<>> kDroppedElements = {
    "head",   "script", "style",  "noscript", "nav",    "form",     "header",
    "footer", "aside",  "button", "input",    "select", "textarea", "iframe",
    "object", "embed",  "svg",    "template", "menu",   "dialog"};
const std::set<std::string, std::less<>> kRawTextElements = {"script", "style"};
const std::set<std::string, std::less<>> kHeadings = {"h2", "h3", "h4", "h5", "h6"};
const std::set<std::string, std::less<>> kBlocks = {
    "p",      "div",        "li", "ul",    "ol",  "blockquote", "section", "article",
    "main",   "br",         "tr", "table", "pre", "dd",         "dt",      "dl",
    "figure", "figcaption", "hr", "td",    "th",  "address",    "details", "summary"};

std::string name_of(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

// A string libxml2 allocated, copied and freed.
std::string taken(xmlChar* text) {
  if (!text) return "";
  std::string out(reinterpret_cast<const char*>(text));
  xmlFree(text);
  return out;
}

std::string attribute(const xmlNode* node, const char* name) {
  return taken(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
}

std::string content(const xmlNode* node) { return taken(xmlNodeGetContent(node)); }

bool is_one_of(const std::string& value, const std::vector<std::string>& values) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text;
}

// What the parser said about the page. Unknown tags are not doubt: libxml2 parses HTML 4
// and calls <section> or <article> unknown while building them correctly.
struct ParseReport {
  int first_error_line = 0;
  int encoding_error_line = 0;
  std::string encoding_error;
};

void on_parse_error(void* context, xmlErrorPtr error) {
  auto* report = static_cast<ParseReport*>(context);
  if (error->level < XML_ERR_ERROR || error->code == XML_HTML_UNKNOWN_TAG) return;
  if (error->code == XML_ERR_UNSUPPORTED_ENCODING || error->code == XML_ERR_INVALID_ENCODING) {
    if (!report->encoding_error_line) {
      report->encoding_error_line = std::max(error->line, 1);
      report->encoding_error = trimmed(error->message ? error->message : "unknown encoding");
    }
  }
  if (!report->first_error_line) report->first_error_line = std::max(error->line, 1);
}

class HtmlPage {
 public:
  HtmlPage(const std::string& file, const ImportMapping& mapping)
      : mapping_(mapping), page_(file, mapping) {}

  ImportedPage import(std::string_view html) {
    page_.article().id = file_stem(page_.file());  // links resolve against the page's path
    ParseReport report;
    xmlSetStructuredErrorFunc(&report, on_parse_error);
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        htmlReadMemory(html.data(), static_cast<int>(html.size()), page_.file().c_str(), nullptr,
                       HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED),
        xmlFreeDoc);
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    if (report.encoding_error_line) {
      page_.problem(report.encoding_error_line, "encoding",
                    "cannot decode the page (" + report.encoding_error +
                        "); declare UTF-8 or ISO-8859-1 in <meta charset>");
      return page_.finish(false);
    }
    if (!doc || !xmlDocGetRootElement(doc.get())) {
      page_.problem(1, "html", "not an HTML page (nothing to parse)");
      return page_.finish(false);
    }
    doc_ = doc.get();
    read_fields();
    visit(xmlDocGetRootElement(doc_), Access::Public, false);
    if (depth_ > 0)
      page_.problem(open_line_, "members",
                    "<!-- " + mapping_.members_comment + " --> is never closed by <!-- /" +
                        mapping_.members_comment + " -->; its content was not indexed");
    bool doubt = doubt_ || (report.first_error_line && mentions_members_markup(html));
    if (doubt && !doubt_)
      page_.warn(report.first_error_line,
                 "markup near members-only content does not parse cleanly; the page's body is "
                 "indexed as members-only");
    // A page in doubt keeps only what its meta tags and <title> say: markup that hides
    // where members content ends may have run it into an h1 or any selected element.
    if (doubt) selected_values_.clear();
    fill_fields(doubt);
    return page_.finish(doubt);
  }

 private:
  // The nodes a selector or XPath matches, in document order.
  std::vector<xmlNode*> select(const std::string& xpath) {
    std::vector<xmlNode*> nodes;
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> context(
        xmlXPathNewContext(doc_), xmlXPathFreeContext);
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> result(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), context.get()),
        xmlXPathFreeObject);
    if (result && result->nodesetval)
      for (int i = 0; i < result->nodesetval->nodeNr; ++i)
        nodes.push_back(result->nodesetval->nodeTab[i]);
    return nodes;
  }

  std::vector<std::string> meta(const std::string& name) {
    std::vector<std::string> values;
    for (auto* node : select("//meta[@name='" + name + "' or @property='" + name + "']"))
      values.push_back(trimmed(attribute(node, "content")));
    return values;
  }

  // Fields read by selector are taken out of the body and kept only if public (checked
  // during the walk); fields read from meta tags are public by the publisher's say.
  void read_fields() {
    for (const auto& drop : mapping_.drop)
      for (auto* node : select(css_to_xpath(drop))) dropped_.insert(node);
    auto sources = mapping_.fields;
    if (!sources.count("title")) sources["title"] = {"", "h1", ""};
    if (!sources.count("published")) sources["published"] = {"article:published_time", "", ""};
    if (!sources.count("authors")) sources["authors"] = {"author", "", ""};
    if (!sources.count("tags")) sources["tags"] = {"keywords", "", ""};
    if (!sources.count("summary")) sources["summary"] = {"description", "", ""};
    for (const auto& [field, source] : sources) {
      if (!source.meta.empty()) {
        meta_values_[field] = meta(source.meta);
      } else if (!source.selector.empty()) {
        for (auto* node : select(css_to_xpath(source.selector))) selected_[node] = field;
      } else {
        page_.problem(1, "fields." + field,
                      "an HTML page has no front matter; use meta or selector");
      }
    }
  }

  void visit(xmlNode* node, Access access, bool dropped) {
    for (auto* child = node->children; child; child = child->next) {
      switch (child->type) {
        case XML_ELEMENT_NODE:
          visit_element(child, access, dropped);
          break;
        case XML_TEXT_NODE:
          visit_text(child, access, dropped);
          break;
        case XML_CDATA_SECTION_NODE:  // how libxml2 holds a script's or a style's text
          if (!kRawTextElements.count(lower(name_of(node)))) doubt_here(child, "a CDATA section");
          break;
        case XML_COMMENT_NODE:
          visit_comment(child);
          break;
        default:
          break;
      }
    }
  }

  // libxml2's HTML parser keeps "<![CDATA[" as text: markup it does not understand.
  void visit_text(xmlNode* node, Access access, bool dropped) {
    auto text = content(node);
    if (text.find("<![CDATA[") != std::string::npos) doubt_here(node, "a CDATA section");
    // Markup read as text (after <plaintext>, inside <xmp>) is markup the parser did not
    // see: if it is members markup, nothing after it can be trusted.
    if (text.find('<') != std::string::npos && mentions_members_markup(text))
      doubt_here(node, "members markup inside text");
    if (!dropped) page_.text(text, effective(access));
  }

  void visit_element(xmlNode* node, Access access, bool dropped) {
    auto name = lower(name_of(node));
    access = std::max(access, marked_access(node));
    for (xmlAttr* a = node->properties; a; a = a->next)
      if (content(reinterpret_cast<xmlNode*>(a)).find("<!--") != std::string::npos)
        doubt_here(node, "a comment inside an attribute");
    // A field or a heading is read whole, so members markup inside makes all of it members.
    auto field = selected_.find(node);
    bool holds_members = (field != selected_.end() || kHeadings.count(name)) &&
                         holds_members_markup(node);  // only where read whole: it walks below
    if (field != selected_.end())
      take_field(field->second, node, holds_members ? Access::Members : effective(access));
    // h1 is the page's title, wherever the mapping reads the title from: never body text.
    dropped = dropped || name == "h1" || kDroppedElements.count(name) || dropped_.count(node);
    if (kHeadings.count(name)) {
      if (!dropped && holds_members) {
        page_.warn(xmlGetLineNo(node),
                   "a heading holds members-only markup; all of it is "
                   "indexed as members-only text");
        page_.members_paragraph(content(node));
      } else if (!dropped) {
        page_.heading(content(node), effective(access));
      }
      visit(node, access, true);  // its comments still open and close members blocks
      return;
    }
    if (name == "a" && !dropped && effective(access) == Access::Public)
      page_.link(attribute(node, "href"));
    bool block = kBlocks.count(name) > 0;
    if (block) page_.paragraph_break();
    visit(node, access, dropped);
    if (block) page_.paragraph_break();
  }

  // Members when the element carries a member class or an access attribute that is not
  // a known public value (an unknown value is reported, and members-only).
  Access marked_access(xmlNode* node) {
    if (!is_marked_members(node)) return Access::Public;
    if (has_member_class(node)) return Access::Members;
    auto value = access_value(node);  // present, and not a public value
    if (!is_one_of(*value, mapping_.member_values))
      page_.warn(xmlGetLineNo(node), mapping_.access_attribute + "=\"" + *value +
                                         "\" is not a known access value; its content is "
                                         "indexed as members-only");
    return Access::Members;
  }

  // What marked_access reads, without reporting anything.
  bool is_marked_members(const xmlNode* node) const {
    auto value = access_value(node);
    return has_member_class(node) || (value && !is_one_of(*value, mapping_.public_values));
  }

  bool has_member_class(const xmlNode* node) const {
    std::istringstream classes(attribute(node, "class"));
    for (std::string name; classes >> name;)
      if (is_one_of(name, mapping_.member_classes)) return true;
    return false;
  }

  // The access attribute's value, lower case; none when the element has no such attribute.
  std::optional<std::string> access_value(const xmlNode* node) const {
    const auto* name = reinterpret_cast<const xmlChar*>(mapping_.access_attribute.c_str());
    if (!xmlHasProp(node, name)) return std::nullopt;
    return lower(trimmed(attribute(node, mapping_.access_attribute.c_str())));
  }

  // Members markup anywhere below `node` (what marked_access and visit_comment act on),
  // found without reporting anything: the walk reports it when it gets there.
  bool holds_members_markup(const xmlNode* node) const {
    for (const auto* child = node->children; child; child = child->next) {
      if (child->type == XML_COMMENT_NODE &&
          lower(content(child)).find(mapping_.members_comment) != std::string::npos)
        return true;
      if (child->type == XML_ELEMENT_NODE &&
          (is_marked_members(child) || holds_members_markup(child)))
        return true;
    }
    return false;
  }

  void visit_comment(xmlNode* node) {
    auto text = lower(trimmed(content(node)));
    const auto& open = mapping_.members_comment;
    int line = xmlGetLineNo(node);
    if (text == "/" + open) {
      if (depth_ > 0) {
        --depth_;
      } else {
        page_.warn(line, "<!-- /" + open +
                             " --> without an opening one; everything before "
                             "it is indexed as members-only");
        page_.all_members_so_far();
      }
    } else if (text == open || text.find(open) != std::string::npos) {
      if (text != open)
        page_.warn(line, "comment <!-- " + text.substr(0, 40) +
                             " --> mentions members; read as an opening marker");
      if (depth_ > 0) page_.warn(line, "nested members comment; still members-only");
      if (depth_++ == 0) open_line_ = line;
    }
  }

  Access effective(Access access) const { return depth_ > 0 ? Access::Members : access; }

  void doubt_here(xmlNode* node, const std::string& what) {
    if (!doubt_)
      page_.warn(xmlGetLineNo(node), what + " in the page; its body is indexed as members-only");
    doubt_ = true;
  }

  void take_field(const std::string& field, xmlNode* node, Access access) {
    if (access == Access::Members) {
      page_.warn(xmlGetLineNo(node), field + ": its element is members-only; not used");
      return;
    }
    selected_values_[field].push_back(trimmed(content(node)));
  }

  // The walk has read every selected element; the article's fields from them and meta.
  std::vector<std::string> values(const std::string& field) {
    auto& from_meta = meta_values_[field];
    return from_meta.empty() ? selected_values_[field] : from_meta;
  }

  bool mentions_members_markup(std::string_view html) const {
    auto text = lower(std::string(html));
    std::vector<std::string> markers = mapping_.member_classes;
    markers.push_back(lower(mapping_.access_attribute));
    markers.push_back(lower(mapping_.members_comment));
    return std::any_of(markers.begin(), markers.end(), [&](const std::string& m) {
      return text.find(lower(m)) != std::string::npos;
    });
  }

  void fill_fields(bool doubt) {
    auto& a = page_.article();
    auto one = [&](const std::string& field) {
      auto v = values(field);
      return v.empty() ? std::string() : v.front();
    };
    auto many = [&](const std::string& field) {
      std::vector<std::string> out;
      for (const auto& v : values(field))
        for (auto& item : comma_list(v)) out.push_back(item);
      return out;
    };
    if (mapping_.fields.count("id")) a.id = one("id");
    a.title = one("title");
    if (a.title.empty()) {
      auto titles = select("//title");
      if (!titles.empty()) a.title = trimmed(content(titles.front()));
    }
    if (a.title.empty())
      page_.problem(1, "title",
                    doubt ? "the page has no <title>, and its h1 is not used because members "
                            "markup does not parse cleanly; give the page a <title>"
                          : "the page has no title (no h1, no <title>)");
    for (auto [field, date] : {std::pair{"published", &a.published}, {"updated", &a.updated}}) {
      auto text = one(field);
      if (text.empty()) continue;
      *date = date_of(text);
      if (!*date) page_.problem(1, field, "\"" + text + "\" is not a date (YYYY-MM-DD)");
    }
    a.authors = many("authors");
    for (const auto& tag : many("tags")) a.tags.push_back(slug_of(tag));
    a.summary = one("summary");
    a.key_phrases = many("key_phrases");
  }
  const ImportMapping& mapping_;
  PageBuilder page_;
  xmlDoc* doc_ = nullptr;
  std::set<xmlNode*> dropped_;
  std::map<xmlNode*, std::string> selected_;
  std::map<std::string, std::vector<std::string>> selected_values_, meta_values_;
  int depth_ = 0, open_line_ = 0;
  bool doubt_ = false;
};

}  // namespace

ImportedPage import_html(const std::string& file, std::string_view page,
                         const ImportMapping& mapping) {
  return HtmlPage(file, mapping).import(page);
}

}  // namespace archive
