#include "page_builder.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "archive/document_builder.hpp"

namespace archive {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string url_of(const ImportMapping& mapping, const std::string& id) {
  auto path = mapping.url_pattern;
  path.replace(path.find("{id}"), 4, id);
  return mapping.site + path;
}

// "/a/b/../c/./d" -> "/a/c/d".
std::string normalized_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    auto part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (part != "." && !(part.empty() && end != path.size())) {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

}  // namespace

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

InputProblem page_problem(const std::string& file, std::size_t line, std::string field,
                          std::string message) {
  InputProblem problem;
  problem.where.file = file;
  problem.where.line = line;
  problem.errors.push_back({std::move(field), std::move(message)});
  return problem;
}

std::string file_stem(const std::string& file) {
  auto name = file.substr(file.rfind('/') + 1);
  return name.substr(0, name.rfind('.'));
}

std::string slug_of(std::string_view text) { return author_slug(text); }

std::optional<std::string> date_of(std::string_view text) {
  auto date = trimmed(text).substr(0, 10);
  if (!is_valid_date(date)) return std::nullopt;
  return date;
}

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = std::min(text.find(',', start), text.size());
    auto item = trimmed(text.substr(start, end - start));
    if (!item.empty()) items.push_back(item);
    start = end + 1;
  }
  return items;
}

std::string link_id(const ImportMapping& mapping, const std::string& page_id,
                    const std::string& href) {
  auto target = trimmed(href.substr(0, href.find_first_of("#?")));
  if (target.empty()) return "";
  if (target.rfind(mapping.site + "/", 0) == 0) {
    target = target.substr(mapping.site.size());
  } else if (target.find(':') != std::string::npos || target.rfind("//", 0) == 0) {
    return "";  // another site, mailto:, javascript:
  } else if (target[0] != '/') {
    auto page = url_of(mapping, page_id).substr(mapping.site.size());
    target = page.substr(0, page.rfind('/') + 1) + target;
  }
  auto path = normalized_path(target);
  auto at = mapping.url_pattern.find("{id}");
  auto prefix = mapping.url_pattern.substr(0, at), suffix = mapping.url_pattern.substr(at + 4);
  if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
    return "";
  auto id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  return is_valid_slug(id) ? id : "";
}

PageBuilder::PageBuilder(std::string file, const ImportMapping& mapping)
    : file_(std::move(file)), mapping_(mapping) {}

void PageBuilder::heading(const std::string& text, Access access) {
  auto heading = trimmed(text);
  if (heading.empty()) return;
  article_.sections.push_back({heading, access, ""});
  paragraph_pending_ = false;
}

void PageBuilder::text(std::string_view text, Access access) {
  auto& sections = article_.sections;
  if (sections.empty() || (sections.back().access != access && !sections.back().text.empty()) ||
      (sections.back().access == Access::Members && access == Access::Public)) {
    if (std::all_of(text.begin(), text.end(), is_space)) return;
    sections.push_back({std::nullopt, access, ""});
    paragraph_pending_ = false;
  }
  auto& section = sections.back();
  section.access = access;  // an empty public section under a heading takes members text
  for (char c : text) {
    if (is_space(c)) {
      if (!section.text.empty() && section.text.back() != ' ' && section.text.back() != '\n')
        section.text += ' ';
      continue;
    }
    if (paragraph_pending_ && !section.text.empty()) {
      while (!section.text.empty() && section.text.back() == ' ') section.text.pop_back();
      section.text += "\n\n";
    }
    paragraph_pending_ = false;
    section.text += c;
  }
}

void PageBuilder::members_paragraph(std::string_view text) {
  paragraph_break();
  this->text(text, Access::Members);
  paragraph_break();
}

void PageBuilder::paragraph_break() { paragraph_pending_ = true; }

void PageBuilder::link(const std::string& href) {
  auto id = link_id(mapping_, article_.id, href);
  if (id.empty() || id == article_.id) return;
  if (std::find(article_.links.begin(), article_.links.end(), id) == article_.links.end())
    article_.links.push_back(id);
}

void PageBuilder::all_members_so_far() {
  for (auto& section : article_.sections) section.access = Access::Members;
  article_.links.clear();
}

void PageBuilder::warn(int line, const std::string& what) {
  page_.warnings.push_back(file_ + ":" + std::to_string(std::max(line, 1)) + ": " + what);
}

void PageBuilder::problem(int line, const std::string& field, const std::string& what) {
  page_.problems.push_back(page_problem(file_, std::max(line, 1), field, what));
}

ImportedPage PageBuilder::finish(bool doubt) {
  auto& a = article_;
  if (doubt) all_members_so_far();
  for (auto& section : a.sections) section.text = trimmed(section.text);
  std::erase_if(a.sections, [](const Section& s) { return s.text.empty(); });
  if (a.url.empty() && !a.id.empty()) a.url = url_of(mapping_, a.id);
  if (a.kind.empty()) a.kind = mapping_.kind;
  a.headings_public = mapping_.headings_public;
  bool all_members = !a.sections.empty() &&
                     std::all_of(a.sections.begin(), a.sections.end(),
                                 [](const Section& s) { return s.access == Access::Members; });
  a.access = all_members ? Access::Members : Access::Public;
  if (!page_.problems.empty()) return std::move(page_);
  // The schema's every rule, exactly as for JSONL: the article is read back from its JSON.
  auto checked = parse_article(nlohmann::json::parse(to_json(a).dump()));
  if (auto* errors = std::get_if<std::vector<FieldError>>(&checked)) {
    page_.problems.push_back(page_problem(file_, 1, "", ""));
    page_.problems.back().errors = std::move(*errors);
  } else
    page_.article = std::move(std::get<Article>(checked));
  return std::move(page_);
}

}  // namespace archive
