// Helpers for integration tests: articles as JSON, and the two binaries run on an index.
#pragma once

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace archive::testing {

using Json = nlohmann::json;

// One article per line.
inline std::string jsonl(const std::vector<Json>& articles) {
  std::string out;
  for (const auto& a : articles) out += a.dump() + "\n";
  return out;
}

// A public article with one section.
inline Json simple_article(const std::string& id, const std::string& title,
                           const std::string& text) {
  return {{"id", id}, {"title", title}, {"sections", {{{"text", text}}}}};
}

// archive-index --index DIR ARGS...
inline CommandResult index_run(const std::filesystem::path& index, std::vector<std::string> args,
                               const std::string& input = "") {
  std::vector<std::string> argv = {bin("archive-index"), "--index", index.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, input);
}

// archive-search query --index DIR --json ARGS...
inline CommandResult search_run(const std::filesystem::path& index, std::vector<std::string> args) {
  std::vector<std::string> argv = {bin("archive-search"), "query", "--index", index.string(),
                                   "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

// Parsed JSON answer of a query that must succeed (a failure is recorded, null returned).
inline Json search_json(const std::filesystem::path& index, std::vector<std::string> args) {
  auto r = search_run(index, args);
  std::string line;
  for (const auto& a : args) line += " " + a;
  EXPECT_EQ(r.status, 0) << "archive-search query" << line << "\n" << r.err;
  auto parsed = Json::parse(r.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON:" << line << "\n" << r.out;
  return parsed.is_discarded() ? Json() : parsed;
}

// Ids of the results, in rank order.
inline std::vector<std::string> result_ids(const Json& response) {
  std::vector<std::string> ids;
  if (response.is_object() && response.contains("results"))
    for (const auto& hit : response["results"]) ids.push_back(hit.value("id", ""));
  return ids;
}

inline std::vector<std::string> search_ids(const std::filesystem::path& index,
                                           std::vector<std::string> args) {
  return result_ids(search_json(index, std::move(args)));
}

// The id of the first result ("" when there is none). Ranking may add documents that do not
// hold the query's words (pseudo-relevance feedback), so the first result is what a search
// can be held to; holders() below says exactly which documents hold a word.
inline std::string top_id(const std::filesystem::path& index, std::vector<std::string> args) {
  auto ids = search_ids(index, std::move(args));
  return ids.empty() ? std::string() : ids.front();
}

inline bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// The database of one tier of the generation CURRENT names.
inline Xapian::Database open_tier(const std::filesystem::path& index, const std::string& tier) {
  auto current = read_current(index);
  EXPECT_TRUE(current.has_value()) << "no CURRENT in " << index;
  return Xapian::Database((index / current.value_or("none") / tier).string());
}

// Everything a tier holds as text through the Xapian API, one item per line: every term,
// every document's data and values, every spelling word, every metadata key and value,
// every synonym key. A raw scan of compressed files may miss text; this cannot.
inline std::string everything_in(const Xapian::Database& db) {
  std::string out;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) out += "term " + *t + "\n";
  for (auto p = db.postlist_begin(""); p != db.postlist_end(""); ++p) {
    auto doc = db.get_document(*p);
    out += "data " + doc.get_data() + "\n";
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) out += "value " + *v + "\n";
  }
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s) out += "spelling " + *s + "\n";
  for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k)
    out += "metadata " + *k + " " + db.get_metadata(*k) + "\n";
  for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k)
    out += "synonym " + *k + "\n";
  return out;
}

// Ids (sorted) of the documents of one tier of the current generation that hold `term`.
inline std::vector<std::string> holders(const std::filesystem::path& index, const std::string& tier,
                                        const std::string& term) {
  auto db = open_tier(index, tier);
  std::vector<std::string> ids;
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p)
    ids.push_back(Json::parse(db.get_document(*p).get_data()).value("id", ""));
  std::sort(ids.begin(), ids.end());
  return ids;
}

inline std::set<std::string> spellings_of(const Xapian::Database& db) {
  std::set<std::string> out;
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s) out.insert(*s);
  return out;
}

// Names of the entries directly under an index directory, sorted.
inline std::vector<std::string> entries_of(const std::filesystem::path& index) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(index))
    out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace archive::testing
