#include "archive/search_cli.hpp"

#include <ostream>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "archive/entitlement.hpp"
#include "archive/searcher.hpp"

namespace archive {
namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kReset = "\033[0m";

void define_query(CLI::App& app, QueryCommand& q) {
  app.add_option("--index", q.index, "Index directory written by archive-index")->required();
  app.add_option("--as", q.as, "Search as this caller: public, member or editor")
      ->check(CLI::IsMember({"public", "member", "editor"}));
  app.add_option("--unlock", q.unlock, "Article id unlocked for this caller (repeatable)")
      ->type_name("ID");
  app.add_option("--limit", q.request.limit, "Results per page (1-100)")->check(CLI::Range(1, 100));
  app.add_option("--offset", q.request.offset, "Results to skip");
  app.add_option("--tag", q.request.tags, "Only articles with this tag (repeatable)");
  app.add_option("--kind", q.request.kind, "Only articles of this kind");
  app.add_option("--author", q.request.author, "Only articles by this author");
  app.add_option("--from", q.request.from, "Published on or after (YYYY-MM-DD)");
  app.add_option("--to", q.request.to, "Published on or before (YYYY-MM-DD)");
  app.add_option("--sort", q.sort, "relevance or newest")
      ->check(CLI::IsMember({"relevance", "newest"}));
  app.add_flag("--partial", q.request.partial, "Treat the last word as unfinished");
  app.add_flag("--facets", q.request.facets, "Count matches by tag, kind and year");
  app.add_flag("--json", q.json, "Print one JSON document (the HTTP API's shape)");
  app.add_option("query", q.words, "Query words, \"phrases\", AND/OR/NOT, title: tag: ...")
      ->type_name("QUERY");
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

void print_results(const SearchResponse& r, const Output& o) {
  o.out << "About " << r.total_estimate << " result" << (r.total_estimate == 1 ? "" : "s")
        << " for \"" << r.query << "\"";
  if (!r.corrected_query.empty()) o.out << " (did you mean: " << r.corrected_query << "?)";
  o.out << "\n";
  std::size_t rank = r.offset;
  for (const auto& hit : r.results) {
    o.out << "\n" << ++rank << ". " << (o.color ? kBold : "") << hit.title
          << (o.color ? kReset : "") << "  [" << hit.kind << ", " << hit.access
          << (hit.published ? ", " + *hit.published : "") << "]\n";
    if (!hit.url.empty()) o.out << "   " << hit.url << "\n";
    o.out << "   " << terminal_snippet(hit.snippet, o.color) << "\n";
  }
}

int run_query(const QueryCommand& q, const Output& o) {
  Entitlement who{parse_caller_tier(q.as), {q.unlock.begin(), q.unlock.end()}};
  auto request = q.request;
  request.query = join(q.words);
  request.sort = q.sort == "newest" ? SortOrder::Newest : SortOrder::Relevance;
  Searcher searcher(q.index);
  auto response = searcher.search(request, who);
  if (q.json)
    o.out << to_json(response).dump() << "\n";
  else
    print_results(response, o);
  return kExitOk;
}

}  // namespace

void define_search_cli(CLI::App& app, SearchCli& cli) {
  app.description("Search an archive index, as a given caller.");
  app.require_subcommand(1);
  cli.query_app = app.add_subcommand("query", "Ranked search with entitled snippets");
  define_query(*cli.query_app, cli.query);
}

int run_search_cli(const SearchCli& cli, const CLI::App&, const Output& o) {
  try {
    if (cli.query_app->parsed()) return run_query(cli.query, o);
  } catch (const QueryError& e) {
    o.err << "archive-search: " << e.what() << "\n";
    return kExitUsage;
  } catch (const NoIndexError& e) {
    o.err << "archive-search: " << e.what() << "\n";
    return kExitProblems;
  } catch (const Xapian::Error& e) {
    o.err << "archive-search: index error: " << e.get_description() << "\n";
    return kExitProblems;
  }
  return kExitUsage;
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
    } else {
      out += snippet[i++];
    }
  }
  return out;
}

}  // namespace archive
