#include "archive/search_cli.hpp"

#include <xapian.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "archive/article_reader.hpp"
#include "archive/entitlement.hpp"
#include "archive/searcher.hpp"
#include "backend.hpp"
#include "render.hpp"

namespace archive {
namespace {

constexpr const char* kExitStatuses =
    "Exit status: 0 clean, 1 problems found (or an error), 2 usage error.";

// A file argument that may also be "-" for standard input.
const CLI::Validator kInputFile = CLI::ExistingFile | CLI::IsMember({"-"});

// --index or --url (exactly one), and the token a service is sent. Returns --url's option,
// which caller-choosing options exclude: with a service, the token decides who asks.
CLI::Option* add_target_options(CLI::App& app, Target& t) {
  auto* where = app.add_option_group("where", "Answer from exactly one of these");
  where->add_option("--index", t.index, "Index directory written by archive-index")
      ->type_name("DIR");
  auto* url =
      where->add_option("--url", t.url, "A running archive-serve, e.g. http://127.0.0.1:8080")
          ->check(
              [](const std::string& value) {
                bool ok = value.starts_with("http://") || value.starts_with("https://");
                return ok ? std::string() : std::string("must start with http:// or https://");
              },
              "")
          ->type_name("URL");
  where->require_option(1);
  app.add_option("--token-file", t.token_file, "File holding a bearer token to send with --url")
      ->type_name("FILE")
      ->check(CLI::Validator(CLI::ExistingFile).description(""))
      ->needs(url);
  return url;
}

void define_query(CLI::App& app, QueryCommand& q) {
  auto* url = add_target_options(app, q);
  app.add_option("--as", q.as, "Search as this caller: public, member or editor")
      ->check(CLI::IsMember({"public", "member", "editor"}))
      ->excludes(url);
  // One value per occurrence: query words after a repeatable option stay query words.
  app.add_option("--unlock", q.unlock, "Article id unlocked for this caller (repeatable)")
      ->type_name("ID")
      ->allow_extra_args(false)
      ->excludes(url);
  app.add_option("--limit", q.request.limit, "Results per page (1-100)")->check(CLI::Range(1, 100));
  app.add_option("--offset", q.request.offset, "Results to skip");
  app.add_option("--tag", q.request.tags, "Only articles with this tag (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--kind", q.request.kind, "Only articles of this kind");
  app.add_option("--author", q.request.author, "Only articles by this author");
  app.add_option("--from", q.request.from, "Published on or after (YYYY-MM-DD)");
  app.add_option("--to", q.request.to, "Published on or before (YYYY-MM-DD)");
  app.add_option("--sort", q.sort, "relevance or newest")
      ->check(CLI::IsMember({"relevance", "newest"}));
  app.add_flag("--partial", q.request.partial, "Treat the last word as unfinished");
  app.add_flag("!--no-expand", q.request.expand,
               "Skip pseudo-relevance feedback (faster, as the search box does)");
  app.add_flag("--facets", q.request.facets, "Count matches by tag, kind and year");
  app.add_flag("--json", q.json, "Print one JSON document (the HTTP API's shape)");
  app.add_option("query", q.words, "Query words, \"phrases\", AND/OR/NOT, title: tag: ...")
      ->type_name("QUERY");
}

void define_related(CLI::App& app, RelatedCommand& r) {
  auto* url = add_target_options(app, r);
  auto* source = app.add_option_group("source", "Related to exactly one of these");
  source->add_option("id", r.id, "An indexed article's id")->type_name("ID");
  source
      ->add_option("--text-file", r.text_file,
                   "A draft's text ('-': standard input); never indexed")
      ->type_name("FILE")
      ->check(kInputFile);
  source->require_option(1);
  app.add_option("--as", r.as, "Ask as this caller: public, member or editor (local index)")
      ->check(CLI::IsMember({"public", "member", "editor"}))
      ->excludes(url);
  app.add_option("--limit", r.limit, "Related articles to list (1-100)")->check(CLI::Range(1, 100));
  app.add_flag("--json", r.json, "Print one JSON document (the HTTP API's shape)");
}

// One xref check: its own subcommand, sharing the fields of `x`; parsing it records which.
CLI::App* add_xref_check(CLI::App& xref, const char* name, const char* help, XrefCheck check,
                         XrefCommand& x) {
  auto* app = xref.add_subcommand(name, help);
  app->footer(kExitStatuses);
  add_target_options(*app, x);
  app->add_flag("--json", x.json, "Print one JSON document (the HTTP API's shape)");
  app->preparse_callback([&x, check](std::size_t) { x.check = check; });
  return app;
}

void define_xref(CLI::App& xref, XrefCommand& x) {
  xref.require_subcommand(1);
  xref.footer(kExitStatuses);
  add_xref_check(xref, "broken", "Links to ids that no indexed article has", XrefCheck::Broken, x);
  add_xref_check(xref, "backlinks", "Who links to this article (none: an orphan, status 1)",
                 XrefCheck::Backlinks, x)
      ->add_option("id", x.id, "The article's id")
      ->type_name("ID")
      ->required();
  add_xref_check(xref, "orphans", "Articles no other article links to", XrefCheck::Orphans, x);
  add_xref_check(xref, "missing",
                 "Mentions of another article's title or key phrases without a link to it, "
                 "with the sentence, most certain first",
                 XrefCheck::Missing, x)
      ->add_option("id", x.id, "Only mentions in this article or of it")
      ->type_name("ID");
  auto* check = add_xref_check(xref, "check",
                               "Check a JSONL batch of drafts against the index before publishing "
                               "(invalid drafts, broken links, articles left unlinked; missing "
                               "links are suggestions). Nothing is indexed",
                               XrefCheck::Check, x);
  check->add_option("file", x.file, "The drafts, one article per line ('-': standard input)")
      ->type_name("FILE.jsonl")
      ->check(kInputFile)
      ->required();
  check->add_flag("--strict", x.strict, "Fail on missing links too");
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The bytes of a file, or of standard input for "-".
std::string read_input(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CommandError(path + ": cannot open for reading", kExitUsage);
    text << in.rdbuf();
  }
  return text.str();
}

Entitlement caller(const std::string& as, const std::vector<std::string>& unlock = {}) {
  return {parse_caller_tier(as), {unlock.begin(), unlock.end()}};
}

int run_query(const QueryCommand& q, const Output& o) {
  auto request = q.request;
  request.query = join(q.words);
  request.sort = q.sort == "newest" ? SortOrder::Newest : SortOrder::Relevance;
  auto response = open_backend(q, caller(q.as, q.unlock))->search(request);
  q.json ? print_json(response, o) : print_search(response, o);
  return kExitOk;
}

int run_related(const RelatedCommand& r, const Output& o) {
  bool draft = !r.text_file.empty();
  RelatedRequest request{r.id, draft ? read_input(r.text_file) : "", r.limit};
  auto response = open_backend(r, caller(r.as))->related(request);
  auto source = draft ? "the draft in " + (r.text_file == "-" ? "<stdin>" : r.text_file) : r.id;
  r.json ? print_json(response, o) : print_related(response, source, o);
  return kExitOk;
}

int run_xref(const XrefCommand& x, const Output& o) {
  auto drafts = x.check == XrefCheck::Check ? read_input(x.file) : "";
  auto report = open_backend(x, Entitlement{CallerTier::Editor, {}})->xref(x.check, x.id, drafts);
  x.json ? print_json(report, o)
         : print_xref(x.check, report, x.file == "-" ? "<stdin>" : x.file, o);
  return has_problems(x.check, report, x.strict) ? kExitProblems : kExitOk;
}

int fail(const Output& o, const std::string& message, int status) {
  o.err << "archive-search: " << message << "\n";
  return status;
}

}  // namespace

void define_search_cli(CLI::App& app, SearchCli& cli) {
  app.description(
      "Search an archive index, as a given caller, and check its cross-references. Every "
      "command reads a local index (--index DIR) or asks a running archive-serve (--url URL).");
  app.require_subcommand(1);
  cli.query_app = app.add_subcommand("query", "Ranked search with entitled snippets");
  define_query(*cli.query_app, cli.query);
  cli.related_app = app.add_subcommand(
      "related", "Articles related to an indexed one or to a draft, with the key terms they share");
  define_related(*cli.related_app, cli.related);
  cli.xref_app = app.add_subcommand("xref", "Cross-reference checks for editors' scripts and CI");
  define_xref(*cli.xref_app, cli.xref);
}

int run_search_cli(const SearchCli& cli, const CLI::App&, const Output& o) {
  try {
    if (cli.query_app->parsed()) return run_query(cli.query, o);
    if (cli.related_app->parsed()) return run_related(cli.related, o);
    if (cli.xref_app->parsed()) return run_xref(cli.xref, o);
  } catch (const CommandError& e) {
    return fail(o, e.what(), e.status());
  } catch (const QueryError& e) {
    return fail(o, e.what(), kExitUsage);
  } catch (const NotFoundError& e) {
    return fail(o, e.what(), kExitProblems);
  } catch (const NoIndexError& e) {
    return fail(o, e.what(), kExitProblems);
  } catch (const InputError& e) {
    return fail(o, e.what(), kExitProblems);
  } catch (const Xapian::Error& e) {
    return fail(o, "index error: " + e.get_description(), kExitProblems);
  } catch (const nlohmann::json::exception& e) {
    return fail(o, std::string("unexpected answer: ") + e.what(), kExitProblems);
  }
  return kExitUsage;
}

}  // namespace archive
