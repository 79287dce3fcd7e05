#include "archive/importer.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "page_builder.hpp"

namespace archive {
namespace fs = std::filesystem;
namespace {

// A page is read whole; one larger than this is reported, not read.
constexpr std::uintmax_t kMaxPageBytes = 16u << 20;

bool has_extension(const fs::path& path, std::initializer_list<const char*> extensions) {
  auto ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return std::any_of(extensions.begin(), extensions.end(), [&](const char* e) { return ext == e; });
}

bool is_page_of(const fs::path& path, InputFormat format) {
  if (format == InputFormat::Html) return has_extension(path, {".html", ".htm"});
  return has_extension(path, {".md", ".markdown"});
}

}  // namespace

InputFormat format_of(const std::string& file) {
  if (has_extension(file, {".html", ".htm"})) return InputFormat::Html;
  if (has_extension(file, {".md", ".markdown"})) return InputFormat::Markdown;
  return InputFormat::Jsonl;
}

Importer::Importer(std::optional<InputFormat> format, ImportMapping mapping, WarningSink on_warning)
    : format_(format), mapping_(std::move(mapping)), on_warning_(std::move(on_warning)) {}

std::vector<std::string> Importer::expand(const std::vector<std::string>& inputs) const {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (input == "-" || !fs::is_directory(input, ec)) {
      auto named = expand_inputs({input});  // checks it exists and can be read
      files.insert(files.end(), named.begin(), named.end());
      continue;
    }
    if (!format_ || *format_ == InputFormat::Jsonl) {
      auto found = expand_inputs({input});
      files.insert(files.end(), found.begin(), found.end());
      continue;
    }
    std::vector<std::string> pages;
    for (fs::recursive_directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file() && is_page_of(it->path(), *format_))
        pages.push_back(it->path().string());
    if (ec) throw InputError(input + ": cannot read the directory: " + ec.message());
    std::sort(pages.begin(), pages.end());
    files.insert(files.end(), pages.begin(), pages.end());
  }
  return files;
}

InputFormat Importer::format_for(const std::string& file) const {
  return file == "-" ? format_.value_or(InputFormat::Jsonl) : format_.value_or(format_of(file));
}

void Importer::read(const std::string& file, const ArticleSink& on_article,
                    const ProblemSink& on_problem) const {
  auto format = format_for(file);
  if (format == InputFormat::Jsonl) return read_articles(file, on_article, on_problem);
  if (file == "-") throw InputError("-: standard input is read as JSONL only");
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (!ec && size > kMaxPageBytes) {
    on_problem(page_problem(file, 1, "file", "larger than 16 MiB; not read"));
    return;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file + ": cannot read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto page = format == InputFormat::Html ? import_html(file, bytes.str(), mapping_)
                                          : import_markdown(file, bytes.str(), mapping_);
  for (const auto& warning : page.warnings)
    if (on_warning_) on_warning_(warning);
  for (const auto& problem : page.problems) on_problem(problem);
  if (page.article && page.problems.empty()) on_article(std::move(*page.article), {file, 1, size});
}

}  // namespace archive
