#include "archive/index_command.hpp"

#include <xapian.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "archive/article_reader.hpp"
#include "archive/generation_store.hpp"

namespace archive {
namespace {

// "\r  12000 articles  850/s  ~14 s left" at most five times a second.
class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& err) : err_(err) {}
  void operator()(const IndexProgress& p) {
    if (p.seconds - last_ < 0.2) return;
    last_ = p.seconds;
    double rate = p.articles / std::max(p.seconds, 1e-3);
    char line[160];
    int n = std::snprintf(line, sizeof line, "\r%10zu articles  %7.0f/s", p.articles, rate);
    if (p.bytes_total > 0 && p.bytes_read > 0) {
      double left = p.seconds * (double(p.bytes_total) / double(p.bytes_read) - 1);
      std::snprintf(line + n, sizeof line - n, "  %3.0f%%  ~%.0f s left   ",
                    100.0 * double(p.bytes_read) / double(p.bytes_total), std::ceil(left));
    }
    err_ << line << std::flush;
    shown_ = true;
  }
  void clear() {
    if (shown_) err_ << "\r\033[K" << std::flush;
  }

 private:
  std::ostream& err_;
  double last_ = 0;
  bool shown_ = false;
};

}  // namespace

void define_index_command(CLI::App& app, IndexOptions& options) {
  app.description(
      "Index articles (JSONL, schema/article.schema.json) into a two-tier Xapian index.\n"
      "Strict by default: any invalid article fails the run and leaves the index as it was.");
  app.add_option("--index", options.index, "Index directory (created if missing)");
  app.add_flag("--rebuild", options.rebuild, "Replace the whole index with exactly the input");
  app.add_flag("--keep-going", options.keep_going,
               "Index the valid articles, report invalid ones, exit 2 if any were skipped");
  app.add_flag("--allow-empty", options.allow_empty,
               "Let --rebuild publish an index of no articles (refused otherwise)");
  app.add_option("--delete", options.deletes, "Remove the article with this id (repeatable)")
      ->type_name("ID");
  app.add_option("--batch-size", options.batch_size,
                 "Articles held in memory per tier before writing (bounds memory)")
      ->check(CLI::Range(1, 1000000));
  app.add_flag("--copy-current", options.copy_current,
               "Update a copy of the current generation instead of bringing the previous one "
               "up to date (reads and writes the whole index)");
  app.add_option("--apply-changes", options.apply_changes,
                 "Replay the change log of a generation an update published elsewhere (a "
                 "directory with its manifest.json and changes/) on this index, which must be "
                 "on the generation it was made from")
      ->type_name("GENERATION_DIR");
  app.add_flag("!--no-compact", options.compact,
               "Rebuild without compacting the tiers (larger, slower to search)");
  app.add_option("--format", options.format,
                 "Read every input as html, markdown or jsonl (default: by each file's "
                 "extension; directories: the format's extensions, JSONL without --format)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, InputFormat>{{"html", InputFormat::Html},
                                             {"markdown", InputFormat::Markdown},
                                             {"jsonl", InputFormat::Jsonl}}));
  app.add_option("--mapping", options.mapping,
                 "Mapping file (YAML or JSON, schema/import-mapping.md): where a page's "
                 "fields come from and which markup is members-only")
      ->check(CLI::ExistingFile);
  auto* dry_run = app.add_flag("--dry-run", options.dry_run,
                               "Read and check the inputs, report problems, index nothing");
  app.add_flag("--emit-jsonl", options.emit_jsonl,
               "With --dry-run: print the articles read, as JSONL, on standard output")
      ->needs(dry_run);
  app.add_option("inputs", options.inputs,
                 "Files (JSONL/JSON, HTML, Markdown), directories (searched recursively), or "
                 "- for JSONL on stdin")
      ->type_name("INPUT");
  app.callback([&] {
    if (options.index.empty() && !options.dry_run) throw CLI::RequiredError("--index");
    if (options.inputs.empty() && options.deletes.empty() && !options.rebuild &&
        options.apply_changes.empty())
      throw CLI::ValidationError("INPUT", "give at least one INPUT or --delete ID");
  });
}

int run_dry_run(const IndexOptions& options, std::ostream& out, std::ostream& err) {
  std::size_t articles = 0, skipped = 0;
  try {
    auto importer =
        importer_for(options, [&](const std::string& w) { err << "warning: " << w << '\n'; });
    for (const auto& file : importer.expand(options.inputs))
      importer.read(
          file,
          [&](Article&& article, const SourcePosition&) {
            ++articles;
            if (options.emit_jsonl) out << to_json(article).dump() << '\n';
          },
          [&](const InputProblem& problem) {
            ++skipped;
            for (const auto& line : problem.describe()) err << line << '\n';
          });
  } catch (const std::exception& e) {
    err << "archive-index: " << e.what() << '\n';
    return 1;
  }
  err << "archive-index: dry run: " << articles << " article(s) read, " << skipped
      << " invalid; nothing indexed\n";
  if (skipped == 0) return 0;
  return options.keep_going ? 2 : 1;
}

int run_index_command(const IndexOptions& options, std::ostream& err, bool terminal) {
  ProgressLine line(err);
  try {
    auto report = terminal ? run_index(options, std::ref(line)) : run_index(options);
    line.clear();
    for (const auto& problem : report.problems) err << problem << '\n';
    for (const auto& warning : report.warnings) err << "warning: " << warning << '\n';
    if (!report.refused.empty()) err << "archive-index: " << report.refused << '\n';
    err << "archive-index: " << report.summary() << '\n';
    if (!report.problems.empty() && !options.keep_going)
      err << "archive-index: " << report.skipped
          << " invalid article(s); fix them or pass --keep-going to index the rest\n";
    return report.exit_status();
  } catch (const InputError& e) {
    line.clear();
    err << "archive-index: " << e.what() << '\n';
  } catch (const IndexDirectoryError& e) {
    line.clear();
    err << "archive-index: " << e.what() << '\n';
  } catch (const Xapian::Error& e) {
    line.clear();
    err << "archive-index: index error: " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    line.clear();
    err << "archive-index: " << e.what() << '\n';
  }
  err << "archive-index: nothing published; the previous index still serves\n";
  return 1;
}

}  // namespace archive
