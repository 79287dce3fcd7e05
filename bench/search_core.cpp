// The search core alone, in one thread, without HTTP: where a search's time goes.
//
//   bench-search-core INDEX_DIR [QUERIES_FILE] [ROUNDS]
//
// Runs every query of QUERIES_FILE (default bench/queries.txt) ROUNDS times (default 20)
// through archive::Searcher as an anonymous caller, as the search box asks (top 10, no
// feedback), with and without snippets and facets, writes each response as JSON text, and
// runs the minimal server's search (QueryParser, BM25, top 10, document data) on the
// public tier beside it; then every prefix of each query as the search box asks while it
// is typed (partial). Prints microseconds per query for each.
#include <xapian.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>

#include "archive/index_directory.hpp"
#include "archive/layout.hpp"
#include "archive/searcher.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> read_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::vector<std::string> queries;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') queries.push_back(line);
  return queries;
}

// Microseconds per query over `rounds` rounds, after one round of warm-up.
double time_per_query(const std::vector<std::string>& queries, int rounds,
                      const std::function<void(const std::string&)>& run) {
  for (const auto& q : queries) run(q);
  auto start = Clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& q : queries) run(q);
  std::chrono::duration<double, std::micro> spent = Clock::now() - start;
  return spent.count() / (rounds * queries.size());
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2 || argc > 4) {
    std::cerr << "usage: bench-search-core INDEX_DIR [QUERIES_FILE] [ROUNDS]\n";
    return 2;
  }
  std::filesystem::path root = argv[1];
  auto queries = read_queries(argc > 2 ? argv[2] : "bench/queries.txt");
  int rounds = argc > 3 ? std::stoi(argv[3]) : 20;

  archive::Searcher searcher(root);
  auto run_search = [&](const std::string& q, bool snippets, bool facets, bool partial) {
    archive::SearchRequest request;
    request.query = q;
    request.expand = false;
    request.snippets = snippets;
    request.facets = facets;
    request.partial = partial;
    auto text = archive::json_text(searcher.search(request, archive::Entitlement::anonymous()));
    if (text.empty()) throw std::logic_error("empty response");
  };
  auto search = [&](bool snippets, bool facets) {
    return [&, snippets, facets](const std::string& q) { run_search(q, snippets, facets, false); };
  };
  // What the search box asks while the query is typed: every prefix of two bytes or more,
  // as a partial query. Printed per request.
  std::size_t typed = 0;
  for (const auto& q : queries) typed += q.size() > 1 ? q.size() - 1 : 0;
  auto as_typed = [&](const std::string& q) {
    for (std::size_t length = 2; length <= q.size(); ++length)
      run_search(q.substr(0, length), true, true, true);
  };
  Xapian::Database tier(
      archive::tier_path(root, searcher.generation().name(), archive::layout::kPublicTier));
  auto minimal = [&](const std::string& q) {
    Xapian::QueryParser parser;
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_database(tier);
    Xapian::Enquire enquire(tier);
    enquire.set_query(parser.parse_query(q));
    std::size_t bytes = 0;
    auto mset = enquire.get_mset(0, 10);
    for (auto it = mset.begin(); it != mset.end(); ++it)
      bytes += it.get_document().get_data().size();
    if (bytes == 1) throw std::logic_error("unreachable");
  };

  std::cout << queries.size() << " queries, " << rounds << " rounds, one thread, µs per query\n";
  for (auto [name, run] :
       std::vector<std::pair<const char*, std::function<void(const std::string&)>>>{
           {"search (snippets, facets)", search(true, true)},
           {"search, no facets", search(true, false)},
           {"search, no snippets", search(false, true)},
           {"search, neither", search(false, false)},
           {"minimal (document data)", minimal}})
    std::printf("  %-28s %8.1f\n", name, time_per_query(queries, rounds, run));
  double per_query = time_per_query(queries, std::max(1, rounds / 10), as_typed);
  std::printf("  %-28s %8.1f  (per request, %zu prefixes)\n", "search as typed (partial)",
              per_query * queries.size() / typed, typed);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bench-search-core: " << e.what() << "\n";
  return 1;
}
