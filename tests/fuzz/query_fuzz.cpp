// Fuzz target: a query string and a caller against the search core. Whatever the bytes,
// Searcher::search and Searcher::suggest answer or throw QueryError (a request the caller
// can fix); any other exception escapes and aborts, and a crash is a crash.
//
// Input: byte 0 picks the caller (modulo 5: public, member, editor, an unlock of one page,
// an unlock of several); the low five bits of byte 1 are request options (1 partial,
// 2 expand, 4 sort newest, 8 facets, 16 filters: a tag, a kind and a date range); the
// rest is the query. Seeds (corpus/query/) use printable bytes: "3A" is an unlock of one
// page searching as you type.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "archive/index_run.hpp"
#include "archive/searcher.hpp"
#include "server_fixture.hpp"

namespace {

using namespace archive;
namespace ids = serve_testing::ids;

// The HTTP tests' fixture archive, indexed once into a directory removed at exit.
struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Searcher> searcher;

  Fixture() {
    testing::write_file(dir / "archive.jsonl", serve_testing::make_http_archive().jsonl);
    IndexOptions options;
    options.index = dir / "index";
    options.inputs = {(dir / "archive.jsonl").string()};
    run_index(options);
    searcher = std::make_unique<Searcher>(dir / "index");
  }
};

Fixture& fixture() {
  static Fixture instance;
  return instance;
}

Entitlement caller(std::uint8_t selector) {
  switch (selector % 5) {
    case 1:
      return {CallerTier::Member, {}};
    case 2:
      return {CallerTier::Editor, {}};
    case 3:
      return {CallerTier::Public, {ids::kUnlockable}};
    case 4:
      return {CallerTier::Public,
              {ids::kUnlockable, ids::kHiddenSection, ids::kTeased, ids::kMembersOnly}};
    default:
      return {};
  }
}

SearchRequest request(std::uint8_t options, std::string query) {
  SearchRequest r;
  r.query = std::move(query);
  r.partial = options & 1;
  r.expand = options & 2;
  r.sort = options & 4 ? SortOrder::Newest : SortOrder::Relevance;
  r.facets = options & 8;
  if (options & 16) {
    r.tags = {"stretching"};
    r.kind = "article";
    r.from = "2010-01-01";
    r.to = "2020-12-31";
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& searcher = *fixture().searcher;
  auto who = caller(data[0]);
  std::string query(reinterpret_cast<const char*>(data) + 2, size - 2);
  try {
    searcher.search(request(data[1], query), who);
  } catch (const QueryError&) {
  }
  try {
    searcher.suggest(query, 5, who);
  } catch (const QueryError&) {
  }
  return 0;
}
