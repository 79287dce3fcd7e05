// Importers: HTML pages and Markdown files with front matter read as articles, under a
// mapping (archive/import_mapping.hpp), with the same guarantees as JSONL: every problem
// reported as "file:line: what", and member text never in the public tier. When the
// markup around members-only content is in doubt, the content is members-only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/article_reader.hpp"
#include "archive/import_mapping.hpp"

namespace archive {

enum class InputFormat { Jsonl, Html, Markdown };

// The format a file's extension implies: .html/.htm, .md/.markdown, else JSONL.
InputFormat format_of(const std::string& file);

// "file:line: what" about a page that was imported anyway (uncertain members markup).
using WarningSink = std::function<void(const std::string&)>;

// Reads inputs as articles: `format` for every file, or each file's own (format_of) when
// unset. JSONL goes to read_articles(); pages go through the mapping.
class Importer {
 public:
  Importer(std::optional<InputFormat> format, ImportMapping mapping, WarningSink on_warning);

  // Files to read: named files as they are, and directories searched (recursively, in
  // name order) for the --format's extensions: JSONL and JSON when no format is given,
  // so a README.md beside an export is not read as an article.
  std::vector<std::string> expand(const std::vector<std::string>& inputs) const;

  // The format `file` is read in: the --format given, else its extension's ("-": JSONL).
  InputFormat format_for(const std::string& file) const;

  void read(const std::string& file, const ArticleSink& on_article,
            const ProblemSink& on_problem) const;

 private:
  std::optional<InputFormat> format_;
  ImportMapping mapping_;
  WarningSink on_warning_;
};

// One page imported: the article, or the problems that stop it; warnings either way.
struct ImportedPage {
  std::optional<Article> article;
  std::vector<InputProblem> problems;
  std::vector<std::string> warnings;
};

// The importers themselves, on a page held in memory; `file` names it in messages and
// gives the article its id (the file's name without its extension) unless the mapping
// says otherwise.
ImportedPage import_html(const std::string& file, std::string_view page,
                         const ImportMapping& mapping);
ImportedPage import_markdown(const std::string& file, std::string_view page,
                             const ImportMapping& mapping);

}  // namespace archive
