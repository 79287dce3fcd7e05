#include "render.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace archive {
namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kReset = "\033[0m";
constexpr std::size_t kMaxColumn = 48;  // characters; longer cells are cut with "…"

// The member `key` of an answer's object, or null: an answer of another shape (from another
// version of the service) prints less, never crashes.
const Json& field(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

std::size_t count_of(const Json& value) {
  return value.is_number_unsigned() ? value.get<std::size_t>() : 0;
}

std::string text_of(const Json& value) { return value.is_string() ? value.get<std::string>() : ""; }

// Characters (code points) of UTF-8 text: what a terminal column counts.
std::size_t width(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

std::string cut(const std::string& text, std::size_t max) {
  if (width(text) <= max) return text;
  std::size_t chars = 0, i = 0;
  for (; i < text.size(); ++i)
    if ((text[i] & 0xC0) != 0x80 && ++chars == max) break;  // i: first byte of the max-th char
  return text.substr(0, i) + "…";
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Aligned columns for people; a row may carry an indented line of detail below it.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}

  void add(std::vector<std::string> row, std::string detail = "") {
    for (auto& cell : row) cell = cut(cell, kMaxColumn);
    rows_.push_back({std::move(row), std::move(detail)});
  }

  void print(std::ostream& out) const {
    std::vector<std::size_t> widths(header_.size());
    for (std::size_t c = 0; c < header_.size(); ++c) {
      widths[c] = width(header_[c]);
      for (const auto& row : rows_) widths[c] = std::max(widths[c], width(row.cells[c]));
    }
    line(out, header_, widths);
    for (const auto& row : rows_) {
      line(out, row.cells, widths);
      if (!row.detail.empty()) out << "      " << row.detail << "\n";
    }
  }

 private:
  struct Row {
    std::vector<std::string> cells;
    std::string detail;
  };

  static void line(std::ostream& out, const std::vector<std::string>& cells,
                   const std::vector<std::size_t>& widths) {
    std::string text = "  ";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) text += std::string(widths[c] - width(cells[c]) + 2, ' ');
    }
    out << text << "\n";
  }

  std::vector<std::string> header_;
  std::vector<Row> rows_;
};

// One result of a search or of related articles, with `extra` lines before its snippet.
void print_hit(const Json& hit, std::size_t rank, const std::vector<std::string>& extra,
               const Output& o) {
  auto published = text_of(field(hit, "published"));
  o.out << "\n"
        << rank << ". " << (o.color ? kBold : "") << text_of(field(hit, "title"))
        << (o.color ? kReset : "") << "  [" << text_of(field(hit, "kind")) << ", "
        << text_of(field(hit, "access")) << (published.empty() ? "" : ", " + published) << "]\n";
  if (auto url = text_of(field(hit, "url")); !url.empty()) o.out << "   " << url << "\n";
  for (const auto& line : extra) o.out << "   " << line << "\n";
  o.out << "   " << terminal_snippet(text_of(field(hit, "snippet")), o.color) << "\n";
}

std::string joined(const Json& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + text_of(w);
  return out;
}

Table link_table(const Json& links) {
  Table table({"FROM", "TO", "TITLE OF FROM"});
  for (const auto& l : links)
    table.add(
        {text_of(field(l, "from")), text_of(field(l, "to")), text_of(field(l, "from_title"))});
  return table;
}

Table article_table(const Json& articles, const char* id_key, const char* title_key) {
  Table table({"ID", "TITLE"});
  for (const auto& a : articles)
    table.add({text_of(field(a, id_key)), text_of(field(a, title_key))});
  return table;
}

// Ranked as the report gives them, the sentence below each, for an editor to work through.
Table missing_table(const Json& missing) {
  Table table({"CONFIDENCE", "FROM", "SHOULD LINK TO", "BECAUSE IT SAYS"});
  char score[16];
  for (const auto& m : missing) {
    std::snprintf(score, sizeof score, "%.2f",
                  field(m, "confidence").is_number() ? field(m, "confidence").get<double>() : 0.0);
    table.add({score, text_of(field(m, "from")), text_of(field(m, "to")),
               "\"" + text_of(field(m, "phrase")) + "\""},
              "“" + text_of(field(m, "sentence")) + "”");
  }
  return table;
}

void print_section(const Output& o, const std::string& heading, const Json& items,
                   const Table& table) {
  if (items.empty()) return;
  o.out << "\n" << heading << "\n";
  table.print(o.out);
}

void print_broken(const Json& r, const Output& o) {
  print_section(o, "Links to ids that no article has:", field(r, "broken"),
                link_table(field(r, "broken")));
  o.out << "\n"
        << plural(field(r, "broken").size(), "broken link", "broken links") << " in "
        << plural(count_of(field(r, "articles")), "article", "articles") << ".\n";
}

void print_orphans(const Json& r, const Output& o) {
  print_section(o, "Articles no other article links to:", field(r, "orphans"),
                article_table(field(r, "orphans"), "id", "title"));
  o.out << "\n"
        << plural(field(r, "orphans").size(), "orphan", "orphans") << " among "
        << plural(count_of(field(r, "articles")), "article", "articles") << ".\n";
}

void print_backlinks(const Json& r, const Output& o) {
  auto id = text_of(field(r, "id"));
  if (field(r, "title").is_string())
    o.out << id << ": " << text_of(field(r, "title")) << "\n";
  else
    o.out << id << ": no article has this id\n";
  print_section(o, "Linked from:", field(r, "backlinks"),
                article_table(field(r, "backlinks"), "from", "title"));
  o.out << "\n"
        << (field(r, "backlinks").empty()
                ? "Nothing links to " + id + "."
                : plural(field(r, "backlinks").size(), "article links", "articles link") + " to " +
                      id + ".")
        << "\n";
}

void print_missing(const Json& r, const Output& o) {
  print_section(o, "Mentions without a link, most certain first:", field(r, "missing"),
                missing_table(field(r, "missing")));
  o.out << "\n" << plural(field(r, "missing").size(), "missing link", "missing links");
  if (field(r, "id").is_string()) o.out << " from or to " << text_of(field(r, "id"));
  o.out << " in " << plural(count_of(field(r, "articles")), "article", "articles") << ".\n";
}

void print_check(const Json& r, const std::string& input, const Output& o) {
  if (!field(r, "invalid").empty()) {
    o.out << "\nDrafts that cannot be indexed:\n";
    for (const auto& p : field(r, "invalid"))
      o.out << "  " << input << ":" << count_of(field(p, "line")) << ": "
            << text_of(field(p, "field")) << ": " << text_of(field(p, "message")) << "\n";
  }
  print_section(o, "Links to ids that neither the index nor the drafts have:", field(r, "broken"),
                link_table(field(r, "broken")));
  print_section(o, "Articles nothing would link to any more:", field(r, "orphaned"),
                article_table(field(r, "orphaned"), "id", "title"));
  print_section(o, "Suggestions: mentions without a link, most certain first:", field(r, "missing"),
                missing_table(field(r, "missing")));
  auto problems =
      field(r, "invalid").size() + field(r, "broken").size() + field(r, "orphaned").size();
  o.out << "\n"
        << plural(count_of(field(r, "drafts")), "draft", "drafts")
        << " checked: " << (problems == 0 ? "no problems" : plural(problems, "problem", "problems"))
        << ", " << plural(field(r, "missing").size(), "suggested link", "suggested links") << ".\n";
}

}  // namespace

void print_json(const Json& answer, const Output& o) { o.out << answer.dump() << "\n"; }

void print_search(const Json& r, const Output& o) {
  auto total = count_of(field(r, "total_estimate"));
  o.out << "About " << plural(total, "result", "results") << " for \"" << text_of(field(r, "query"))
        << "\"";
  if (auto corrected = text_of(field(r, "corrected_query")); !corrected.empty())
    o.out << " (did you mean: " << corrected << "?)";
  o.out << "\n";
  std::size_t rank = count_of(field(r, "offset"));
  for (const auto& hit : field(r, "results")) print_hit(hit, ++rank, {}, o);
}

void print_related(const Json& r, const std::string& source, const Output& o) {
  o.out << "Related to " << source << "\n";
  if (!field(r, "key_terms").empty())
    o.out << "Key terms: " << joined(field(r, "key_terms")) << "\n";
  if (field(r, "results").empty()) o.out << "\nNo related articles.\n";
  std::size_t rank = 0;
  for (const auto& hit : field(r, "results"))
    print_hit(hit, ++rank, {"Shares: " + joined(field(hit, "shared_terms"))}, o);
}

void print_xref(XrefCheck check, const Json& report, const std::string& input, const Output& o) {
  switch (check) {
    case XrefCheck::Broken:
      return print_broken(report, o);
    case XrefCheck::Backlinks:
      return print_backlinks(report, o);
    case XrefCheck::Orphans:
      return print_orphans(report, o);
    case XrefCheck::Missing:
      return print_missing(report, o);
    case XrefCheck::Check:
      return print_check(report, input, o);
  }
}

bool has_problems(XrefCheck check, const Json& r, bool strict) {
  switch (check) {
    case XrefCheck::Broken:
      return !field(r, "broken").empty();
    case XrefCheck::Backlinks:
      return !field(r, "title").is_string() || field(r, "backlinks").empty();
    case XrefCheck::Orphans:
      return !field(r, "orphans").empty();
    case XrefCheck::Missing:
      return !field(r, "missing").empty();
    case XrefCheck::Check:
      return field(r, "clean") != true || (strict && !field(r, "missing").empty());
  }
  return true;
}

std::string terminal_snippet(const std::string& snippet, bool color) {
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
  std::string out;
  for (std::size_t i = 0; i < snippet.size();) {
    auto rest = std::string_view(snippet).substr(i);
    if (rest.starts_with("<mark>")) {
      out += color ? kBold : "";
      i += 6;
    } else if (rest.starts_with("</mark>")) {
      out += color ? kReset : "";
      i += 7;
    } else if (auto e = std::find_if(std::begin(kEntities), std::end(kEntities),
                                     [&](const auto& p) { return rest.starts_with(p.first); });
               e != std::end(kEntities)) {
      out += e->second;
      i += e->first.size();
    } else if (snippet[i] == '\n') {  // paragraphs run on: a snippet is one line
      if (!out.empty() && out.back() != ' ') out += ' ';
      while (i < snippet.size() && std::isspace(static_cast<unsigned char>(snippet[i]))) ++i;
    } else {
      out += snippet[i++];
    }
  }
  return out;
}

}  // namespace archive
