#include <gtest/gtest.h>

#include "archive/layout.hpp"
#include "archive_fixtures.hpp"
#include "test_support.hpp"

namespace archive::testing {
namespace {

namespace fs = std::filesystem;

using Ids = std::vector<std::string>;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `word` is held by exactly `id`, in both tiers, and a search for it finds `id` first,
// anonymously and as a member.
void expect_only(const fs::path& idx, const std::string& word, const std::string& id) {
  SCOPED_TRACE("word " + word);
  EXPECT_EQ(holders(idx, "public", word), Ids{id});
  EXPECT_EQ(holders(idx, "full", word), Ids{id});
  EXPECT_EQ(top_id(idx, {word}), id);
  EXPECT_EQ(top_id(idx, {word, "--as", "member"}), id);
}

// `word` is held by exactly `id`, in the full tier only: members find it, nobody else.
void expect_members_only(const fs::path& idx, const std::string& word, const std::string& id) {
  SCOPED_TRACE("word " + word);
  EXPECT_EQ(holders(idx, "public", word), Ids{});
  EXPECT_EQ(holders(idx, "full", word), Ids{id});
  EXPECT_EQ(search_ids(idx, {word}), Ids{});
  EXPECT_EQ(top_id(idx, {word, "--as", "member"}), id);
}

// `word` is in no document of either tier, and no search finds anything for it.
void expect_gone(const fs::path& idx, const std::string& word) {
  SCOPED_TRACE("word " + word);
  EXPECT_EQ(holders(idx, "public", word), Ids{});
  EXPECT_EQ(holders(idx, "full", word), Ids{});
  EXPECT_EQ(search_ids(idx, {word}), Ids{});
  EXPECT_EQ(search_ids(idx, {word, "--as", "member"}), Ids{});
}

TEST(Indexer, StrictRunWithABadArticleFailsNamingFileAndLine) {
  TempDir dir;
  write_file(dir / "in.jsonl",
             "{\"id\": \"ok\", \"title\": \"Fine\", \"sections\": [{\"text\": \"x\"}]}\n"
             "{\"id\": \"bad\", \"title\": 7, \"sections\": [{\"text\": \"x\"}]}\n");
  auto r =
      run({bin("archive-index"), "--index", (dir / "idx").string(), (dir / "in.jsonl").string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("in.jsonl:2: title: must be a string"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "idx" / "CURRENT"));
}

// An index written by an older build (another document format) is refused with what to
// do, by readers and by an incremental run, until --rebuild replaces it.
TEST(Indexer, AnIndexOfAnotherFormatIsRefusedUntilRebuilt) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "in.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone")}));
  ASSERT_EQ(index_run(idx, {(dir / "in.jsonl").string()}).status, 0);
  auto manifest_path = idx / "gen-00000001" / "manifest.json";
  auto manifest = Json::parse(read_file(manifest_path));
  ASSERT_EQ(manifest["format"], layout::kFormat);
  manifest["format"] = layout::kFormat - 1;
  write_file(manifest_path, manifest.dump());

  auto query = search_run(idx, {"glimmerstone"});
  EXPECT_EQ(query.status, 1) << query.out;
  EXPECT_TRUE(has(query.err, "archive-index --rebuild")) << query.err;
  auto update = index_run(idx, {(dir / "in.jsonl").string()});
  EXPECT_EQ(update.status, 1);
  EXPECT_TRUE(has(update.err, "written in index format " + std::to_string(layout::kFormat - 1)))
      << update.err;
  EXPECT_EQ(read_current(idx), "gen-00000001");

  ASSERT_EQ(index_run(idx, {"--rebuild", (dir / "in.jsonl").string()}).status, 0);
  EXPECT_EQ(top_id(idx, {"glimmerstone"}), "a");
}

// Many matches: facets count the best-ranked few hundred, say how many they counted, and
// show the most frequent values of each field.
TEST(Indexer, FacetsOfALargeResultCountTheBestRankedMatches) {
  TempDir dir;
  std::vector<Json> articles;
  for (int i = 0; i < 600; ++i) {
    auto number = std::to_string(i);
    auto a = simple_article("a" + number, "Knee note " + number, "knee " + number);
    std::string tag = "t";
    tag += std::to_string(i % 30);
    a["tags"] = {i % 2 ? "odd" : "even", tag};
    articles.push_back(a);
  }
  write_file(dir / "in.jsonl", jsonl(articles));
  ASSERT_EQ(index_run(dir / "idx", {(dir / "in.jsonl").string()}).status, 0);
  auto body = search_json(dir / "idx", {"--facets", "--no-expand", "knee"});
  ASSERT_EQ(body["total_estimate"], 600) << body;
  auto counted = body["facets"]["matches"].get<int>();
  EXPECT_GE(counted, 250);  // the best-ranked 250 at least, all those Xapian looked at
  EXPECT_LE(counted, 600);
  int parity = 0;  // every article is odd or even
  for (const auto& entry : body["facets"]["tag"])
    if (entry["value"] == "odd" || entry["value"] == "even") parity += entry["count"].get<int>();
  EXPECT_EQ(parity, counted) << body["facets"];
  // 32 tags in all: the 20 most frequent are shown, most frequent first.
  const auto& tags = body["facets"]["tag"];
  ASSERT_EQ(tags.size(), 20u) << tags;
  for (std::size_t i = 1; i < tags.size(); ++i)
    EXPECT_GE(tags[i - 1]["count"].get<int>(), tags[i]["count"].get<int>()) << tags;
  EXPECT_EQ(body["facets"]["kind"], Json::array()) << body["facets"];
  // A narrower query is counted whole.
  auto narrow = search_json(dir / "idx", {"--facets", "--no-expand", "7"});
  EXPECT_EQ(narrow["total_estimate"], 1) << narrow;
  EXPECT_EQ(narrow["facets"]["matches"], narrow["total_estimate"]) << narrow;
}

TEST(Indexer, FirstRunPublishesGenerationOne) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "in.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone")}));
  auto r = index_run(idx, {(dir / "in.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.err, "indexed 1, updated 0, deleted 0, skipped 0")) << r.err;
  EXPECT_EQ(read_current(idx), "gen-00000001");
  EXPECT_TRUE(fs::is_directory(idx / "gen-00000001" / "public"));
  EXPECT_TRUE(fs::is_directory(idx / "gen-00000001" / "full"));
  auto manifest = Json::parse(read_file(idx / "gen-00000001" / "manifest.json"));
  EXPECT_EQ(manifest["documents"]["public"], 1);
  EXPECT_EQ(manifest["documents"]["full"], 1);
  expect_only(idx, "glimmerstone", "a");
  EXPECT_TRUE(partial_dirs(idx).empty());
}

TEST(Indexer, UpsertReplacesChangedArticlesAndCountsThem) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "v1.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone basalt"),
                                      simple_article("b", "Beta", "obsidian basalt"),
                                      simple_article("c", "Gamma", "pumice")}));
  auto first = index_run(idx, {(dir / "v1.jsonl").string()});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_TRUE(has(first.err, "indexed 3, updated 0")) << first.err;

  // "a" changes its words, "d" is new; "b" and "c" are not in this input and stay.
  write_file(dir / "v2.jsonl", jsonl({simple_article("a", "Alpha", "quasarfield basalt"),
                                      simple_article("d", "Delta", "nebulite")}));
  auto second = index_run(idx, {(dir / "v2.jsonl").string()});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_TRUE(has(second.err, "indexed 1, updated 1, deleted 0, skipped 0")) << second.err;
  EXPECT_EQ(read_current(idx), "gen-00000002");

  expect_only(idx, "quasarfield", "a");
  expect_gone(idx, "glimmerstone");
  expect_only(idx, "obsidian", "b");
  expect_only(idx, "pumice", "c");
  expect_only(idx, "nebulite", "d");
  EXPECT_EQ(holders(idx, "public", "basalt"), (Ids{"a", "b"}));
  EXPECT_EQ(holders(idx, "full", "basalt"), (Ids{"a", "b"}));
  auto public_tier = open_tier(idx, "public");
  EXPECT_EQ(public_tier.get_doccount(), 4u);
  EXPECT_FALSE(public_tier.term_exists("glimmerstone"));
  auto manifest = Json::parse(read_file(idx / "gen-00000002" / "manifest.json"));
  EXPECT_EQ(manifest["documents"]["full"], 4);
  EXPECT_EQ(manifest["run"]["indexed"], 1);
  EXPECT_EQ(manifest["run"]["updated"], 1);
}

TEST(Indexer, DeleteRemovesAnArticleAndWarnsAboutUnknownIds) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "in.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone"),
                                      {{"id", "b"},
                                       {"title", "Beta"},
                                       {"access", "members"},
                                       {"sections", {{{"text", "obsidian"}}}}},
                                      simple_article("c", "Gamma", "pumice")}));
  ASSERT_EQ(index_run(idx, {(dir / "in.jsonl").string()}).status, 0);
  expect_members_only(idx, "obsidian", "b");

  auto r = index_run(idx, {"--delete", "b", "--delete", "no-such-id"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.err, "warning: --delete no-such-id: no such article in the index")) << r.err;
  EXPECT_FALSE(has(r.err, "warning: --delete b")) << r.err;
  EXPECT_TRUE(has(r.err, "indexed 0, updated 0, deleted 1")) << r.err;

  expect_gone(idx, "obsidian");
  expect_gone(idx, "beta");
  expect_only(idx, "glimmerstone", "a");
  expect_only(idx, "pumice", "c");
  EXPECT_EQ(open_tier(idx, "public").get_doccount(), 2u);
  EXPECT_EQ(open_tier(idx, "full").get_doccount(), 2u);
}

TEST(Indexer, RebuildDropsArticlesNotInTheInput) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "v1.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone"),
                                      simple_article("b", "Beta", "obsidian"),
                                      simple_article("c", "Gamma", "pumice")}));
  ASSERT_EQ(index_run(idx, {(dir / "v1.jsonl").string()}).status, 0);
  write_file(dir / "v2.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone quasarfield"),
                                      simple_article("d", "Delta", "nebulite")}));
  auto r = index_run(idx, {"--rebuild", (dir / "v2.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.err, "indexed 2, updated 0")) << r.err;
  expect_gone(idx, "obsidian");
  expect_gone(idx, "pumice");
  expect_only(idx, "quasarfield", "a");
  expect_only(idx, "nebulite", "d");
  EXPECT_EQ(open_tier(idx, "full").get_doccount(), 2u);
  // The rebuilt tiers hold no trace of the dropped articles, spelling included.
  for (const char* tier : {"public", "full"}) {
    auto all = everything_in(open_tier(idx, tier));
    EXPECT_FALSE(has(all, "obsidian")) << tier;
    EXPECT_TRUE(has(all, "nebulite")) << tier;
  }
}

TEST(Indexer, KeepGoingIndexesTheValidArticlesAndExitsTwo) {
  TempDir dir;
  auto idx = dir / "idx";
  auto file = (dir / "in.jsonl").string();
  write_file(
      file,
      jsonl({simple_article("good-one", "Good", "glimmerstone")}) +
          R"({"id": "bad-type", "title": 7, "sections": [{"text": "x"}]})"
          "\n" +
          "\n" +
          R"({"id": "Bad Slug", "title": "T", "tags": ["ok", "NO"], "sections": [{"text": "x"}]})"
          "\n" +
          "{not json\n" +
          "{\"id\": \"bad-utf8\", \"title\": \"caf\xc3(\", \"sections\": [{\"text\": \"x\"}]}\n" +
          jsonl({simple_article("good-two", "Good", "obsidian")}));
  auto r = index_run(idx, {"--keep-going", file});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(has(r.err, file + ":2: title: must be a string, not number")) << r.err;
  EXPECT_TRUE(has(r.err, file + ":4: id: must be a slug")) << r.err;
  EXPECT_TRUE(has(r.err, file + ":4: tags[1]: must be a slug")) << r.err;
  EXPECT_TRUE(has(r.err, file + ":5: (json): ")) << r.err;
  EXPECT_TRUE(has(r.err, file + ":6: (json): ")) << r.err;  // invalid UTF-8 in a string
  EXPECT_TRUE(has(r.err, "indexed 2, updated 0, deleted 0, skipped 4")) << r.err;
  expect_only(idx, "glimmerstone", "good-one");
  expect_only(idx, "obsidian", "good-two");
  EXPECT_EQ(open_tier(idx, "full").get_doccount(), 2u);
}

TEST(Indexer, StrictFailureLeavesThePreviousIndexExactlyAsItWas) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "v1.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone basalt"),
                                      {{"id", "m"},
                                       {"title", "Members"},
                                       {"access", "members"},
                                       {"sections", {{{"text", "obsidian basalt"}}}}}}));
  ASSERT_EQ(index_run(idx, {(dir / "v1.jsonl").string()}).status, 0);
  const std::vector<std::vector<std::string>> queries = {{"glimmerstone"},
                                                         {"basalt"},
                                                         {"--as", "member", "basalt"},
                                                         {"--as", "member", "obsidian"},
                                                         {"quasarfield"},
                                                         {"--facets", "basalt"}};
  auto answers = [&] {
    std::vector<std::string> out;
    for (const auto& q : queries) out.push_back(without_took_ms(search_run(idx, q).out));
    return out;
  };
  auto before = answers();
  auto current = read_current(idx);
  auto entries = entries_of(idx);

  write_file(dir / "v2.jsonl", jsonl({simple_article("a", "Alpha", "quasarfield"),
                                      simple_article("n", "New", "basalt")}) +
                                   R"({"id": "bad", "title": "T", "sections": []})"
                                   "\n");
  auto r = index_run(idx, {(dir / "v2.jsonl").string(), "--delete", "m"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "v2.jsonl:3: sections: must hold at least one section")) << r.err;
  EXPECT_TRUE(has(r.err, "nothing published")) << r.err;
  EXPECT_EQ(read_current(idx), current);
  EXPECT_EQ(entries_of(idx), entries);
  EXPECT_TRUE(partial_dirs(idx).empty());
  EXPECT_EQ(answers(), before);
  // Positive control: the same answers do change once a run succeeds.
  write_file(dir / "v3.jsonl", jsonl({simple_article("a", "Alpha", "quasarfield")}));
  ASSERT_EQ(index_run(idx, {(dir / "v3.jsonl").string()}).status, 0);
  EXPECT_NE(answers(), before);
}

TEST(Indexer, DuplicateIdInOneInputWarnsNamingBothLinesAndTheLaterWins) {
  TempDir dir;
  auto idx = dir / "idx";
  auto file = (dir / "in.jsonl").string();
  write_file(file, jsonl({simple_article("dup", "First", "glimmerstone"),
                          simple_article("other", "Other", "pumice"),
                          simple_article("dup", "Second", "quasarfield")}));
  auto r = index_run(idx, {file});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(
      r.err, "warning: " + file + ":3: id: \"dup\" also at " + file + ":1; the later article wins"))
      << r.err;
  expect_only(idx, "quasarfield", "dup");
  expect_gone(idx, "glimmerstone");
  EXPECT_EQ(open_tier(idx, "full").get_doccount(), 2u);
  EXPECT_EQ(open_tier(idx, "public").get_doccount(), 2u);
  auto hit = search_json(idx, {"quasarfield"});
  EXPECT_EQ(hit["results"][0]["title"], "Second");
  // The losing article's words leave the spelling data too (it was written in this run).
  for (const char* tier : {"public", "full"}) {
    auto spellings = spellings_of(open_tier(idx, tier));
    EXPECT_FALSE(spellings.contains("glimmerstone")) << tier;
    EXPECT_TRUE(spellings.contains("quasarfield")) << tier;
    EXPECT_TRUE(spellings.contains("pumice")) << tier;
  }
}

TEST(Indexer, DuplicateIdAcrossTwoFilesWarnsToo) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "one.jsonl", jsonl({simple_article("dup", "First", "glimmerstone")}));
  write_file(dir / "two.jsonl",
             std::string("\n").append(jsonl({simple_article("dup", "Second", "quasarfield")})));
  auto r = index_run(idx, {(dir / "one.jsonl").string(), (dir / "two.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.err, "two.jsonl:2: id: \"dup\" also at " + (dir / "one.jsonl").string() + ":1"))
      << r.err;
  expect_only(idx, "quasarfield", "dup");
  expect_gone(idx, "glimmerstone");
}

TEST(Indexer, ReadsStandardInput) {
  TempDir dir;
  auto idx = dir / "idx";
  auto r = index_run(idx, {"-"},
                     jsonl({simple_article("from-stdin", "Piped", "glimmerstone")}) + "\n" +
                         R"({"id": "x", "title": "", "sections": [{"text": "x"}]})"
                         "\n");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "<stdin>:3: title: must not be empty")) << r.err;
  EXPECT_FALSE(read_current(idx).has_value());

  auto ok = index_run(idx, {"-"},
                      jsonl({simple_article("from-stdin", "Piped", "glimmerstone"),
                             simple_article("second", "Piped", "obsidian")}));
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_TRUE(has(ok.err, "indexed 2")) << ok.err;
  expect_only(idx, "glimmerstone", "from-stdin");
  expect_only(idx, "obsidian", "second");
}

TEST(Indexer, ReadsADirectoryRecursively) {
  TempDir dir;
  auto idx = dir / "idx";
  auto in = dir / "archive";
  fs::create_directories(in / "2019" / "04");
  write_file(in / "a.jsonl", jsonl({simple_article("a", "A", "glimmerstone")}));
  write_file(in / "2019" / "b.json", simple_article("b", "B", "obsidian").dump(2));
  write_file(in / "2019" / "04" / "c.json",
             Json::array({simple_article("c", "C", "pumice"), simple_article("d", "D", "nebulite")})
                 .dump());
  write_file(in / "notes.txt", "not an article at all\n");
  write_file(in / "2019" / "draft.jsonl.bak", "{broken\n");
  auto r = index_run(idx, {in.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.err, "indexed 4, updated 0")) << r.err;
  for (auto [word, id] :
       {std::pair{"glimmerstone", "a"}, {"obsidian", "b"}, {"pumice", "c"}, {"nebulite", "d"}})
    expect_only(idx, word, id);
}

TEST(Indexer, MissingInputFileFailsNamingItAndPublishesNothing) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "ok.jsonl", jsonl({simple_article("a", "A", "glimmerstone")}));
  ASSERT_EQ(index_run(idx, {(dir / "ok.jsonl").string()}).status, 0);
  auto current = read_current(idx);
  auto entries = entries_of(idx);

  auto missing = (dir / "no-such-input.jsonl").string();
  auto r = index_run(idx, {(dir / "ok.jsonl").string(), missing});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, missing)) << r.err;
  EXPECT_TRUE(has(r.err, "no such file")) << r.err;
  EXPECT_EQ(read_current(idx), current);
  EXPECT_EQ(entries_of(idx), entries);

  // Into a fresh directory: nothing is published either.
  auto fresh = index_run(dir / "fresh", {missing});
  EXPECT_EQ(fresh.status, 1) << fresh.err;
  EXPECT_TRUE(has(fresh.err, missing)) << fresh.err;
  EXPECT_FALSE(read_current(dir / "fresh").has_value());
}

TEST(Indexer, UsageErrors) {
  TempDir dir;
  auto r = run({bin("archive-index"), (dir / "in.jsonl").string()});
  EXPECT_EQ(r.status, 64) << r.err;  // EX_USAGE
  EXPECT_TRUE(has(r.err, "--index")) << r.err;
  auto nothing = run({bin("archive-index"), "--index", (dir / "idx").string()});
  EXPECT_EQ(nothing.status, 64) << nothing.err;
  auto help = run({bin("archive-index"), "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_TRUE(has(help.out, "--keep-going")) << help.out;
}

TEST(Indexer, OlderGenerationsAreRemovedKeepingThePreviousOne) {
  TempDir dir;
  auto idx = dir / "idx";
  for (int i = 0; i < 4; ++i) {
    write_file(dir / "in.jsonl", jsonl({simple_article("a", "A", "word" + std::to_string(i))}));
    ASSERT_EQ(index_run(idx, {(dir / "in.jsonl").string()}).status, 0);
  }
  EXPECT_EQ(read_current(idx), "gen-00000004");
  std::vector<std::string> generations;
  for (const auto& e : entries_of(idx))
    if (e.rfind("gen-", 0) == 0) generations.push_back(e);
  EXPECT_EQ(generations, (std::vector<std::string>{"gen-00000003", "gen-00000004"}));
}

// A run killed after renaming its generation into place but before writing CURRENT leaves
// a complete-looking generation no reader was ever pointed at: the next run removes it.
TEST(Indexer, AnUnpublishedGenerationLeftByACrashIsIgnoredAndReplaced) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "v1.jsonl", jsonl({simple_article("a", "A", "glimmerstone")}));
  ASSERT_EQ(index_run(idx, {(dir / "v1.jsonl").string()}).status, 0);
  fs::copy(idx / "gen-00000001", idx / "gen-00000002", fs::copy_options::recursive);
  fs::create_directories(idx / "gen-00000001.partial-999999" / "public");
  write_file(idx / "gen-00000001.partial-999999" / "public" / "junk", "junk");
  expect_only(idx, "glimmerstone", "a");

  write_file(dir / "v2.jsonl", jsonl({simple_article("a", "A", "quasarfield")}));
  auto r = index_run(idx, {(dir / "v2.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_current(idx), "gen-00000002");
  expect_only(idx, "quasarfield", "a");
  expect_gone(idx, "glimmerstone");
  EXPECT_TRUE(partial_dirs(idx).empty());
}

// Text moved behind the paywall (or deleted) must leave the public tier entirely: the
// spelling dictionary too, or corrected_query would still suggest it to anyone.
TEST(Indexer, TextMovedBehindThePaywallLeavesThePublicTier) {
  TempDir dir;
  auto idx = dir / "idx";
  auto secret = make_canary();
  auto gone = make_canary();
  auto article = [&](const std::string& access) {
    return Json{{"id", "moving"},
                {"title", "Moving article"},
                {"sections",
                 {{{"text", "Open words about shoulders."}},
                  {{"access", access}, {"text", "Later paywalled " + secret + " text."}}}}};
  };
  write_file(dir / "v1.jsonl", jsonl({article("public"),
                                      simple_article("retracted", "Retracted", "Pulled " + gone)}));
  ASSERT_EQ(index_run(idx, {(dir / "v1.jsonl").string()}).status, 0);
  // Positive control: while public, both are everywhere in the public tier.
  auto before = everything_in(open_tier(idx, "public"));
  ASSERT_TRUE(has(before, "term " + secret));
  ASSERT_TRUE(has(before, "spelling " + secret));
  ASSERT_TRUE(has(before, "spelling " + gone));

  write_file(dir / "v2.jsonl", jsonl({article("members")}));
  ASSERT_EQ(index_run(idx, {(dir / "v2.jsonl").string(), "--delete", "retracted"}).status, 0);
  auto pub = open_tier(idx, "public");
  auto after = everything_in(pub);
  EXPECT_FALSE(has(after, "term " + secret));
  EXPECT_EQ(after.find(secret), std::string::npos) << "members-only word left in the public tier";
  EXPECT_EQ(after.find(gone), std::string::npos)
      << "deleted article's word left in the public tier";
  EXPECT_TRUE(has(everything_in(open_tier(idx, "full")), "term " + secret));
  // Nor in the bytes of its files: Xapian frees the blocks that held the old words without
  // clearing them, and a copied generation would carry them on.
  auto generation = idx / *read_current(idx);
  EXPECT_EQ(files_containing(generation / "public", secret), std::vector<fs::path>{});
  EXPECT_FALSE(files_containing(generation / "full", secret).empty());

  // Anonymous search cannot reach it, even through a spelling suggestion.
  auto typo = secret.substr(0, secret.size() - 1) + (secret.back() == '0' ? "1" : "0");
  auto r = search_run(idx, {typo});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  auto member = search_run(idx, {"--as", "member", secret});
  EXPECT_NE(member.out.find(secret), std::string::npos) << member.out;  // positive control
}

// An id given twice in one rebuild, once with member text and once without, must end up
// once in each tier, its member text nowhere in the public tier, whichever way round it
// changed.
TEST(Indexer, AnIdThatChangesKindWithinARebuildIsWrittenOnce) {
  for (bool to_members : {true, false}) {
    SCOPED_TRACE(to_members ? "public, then with member text" : "with member text, then public");
    TempDir dir;
    auto idx = dir / "idx";
    auto secret = make_canary();
    auto open = simple_article("flip", "Flip", "pumice open words");
    Json paywalled = {
        {"id", "flip"},
        {"title", "Flip"},
        {"sections", {{{"text", "Open words."}}, {{"access", "members"}, {"text", secret}}}}};
    auto first = to_members ? open : paywalled, second = to_members ? paywalled : open;
    write_file(dir / "in.jsonl",
               jsonl({first, simple_article("other", "Other", "basalt"), second}));
    ASSERT_EQ(index_run(idx, {"--rebuild", (dir / "in.jsonl").string()}).status, 0);
    for (const char* tier : {"public", "full"}) {
      EXPECT_EQ(open_tier(idx, tier).get_doccount(), 2u) << tier;
      EXPECT_EQ(holders(idx, tier, "Qflip"), Ids{"flip"}) << tier;
    }
    auto pub = everything_in(open_tier(idx, "public"));
    EXPECT_EQ(pub.find(secret), std::string::npos) << "member text in the public tier";
    EXPECT_EQ(has(everything_in(open_tier(idx, "full")), "term " + secret), to_members);
    EXPECT_EQ(has(pub, "term pumice"), !to_members);
    // Nothing of the parts is left in the published generation.
    EXPECT_EQ(entries_of(idx / *read_current(idx)),
              (std::vector<std::string>{"full", "manifest.json", "public"}));
  }
}

// Compaction changes how the tiers are stored, not what they answer.
TEST(Indexer, ARebuildAnswersAsOneWrittenTierByTier) {
  TempDir dir;
  auto sample = source_path("sample/archive.jsonl").string();
  ASSERT_EQ(index_run(dir / "merged", {"--rebuild", sample}).status, 0);
  ASSERT_EQ(index_run(dir / "direct", {"--rebuild", "--no-compact", sample}).status, 0);
  for (const char* tier : {"public", "full"})
    EXPECT_EQ(open_tier(dir / "merged", tier).get_doccount(),
              open_tier(dir / "direct", tier).get_doccount());
  auto without_took = [](Json answer) {
    answer.erase("took_ms");
    return answer;
  };
  for (std::vector<std::string> q : {std::vector<std::string>{"trigger points"},
                                     {"--as", "member", "stretching", "injury"},
                                     {"--facets", "--no-expand", "ice heat swelling"},
                                     {"--as", "member", "--facets", "sleep"}})
    EXPECT_EQ(without_took(search_json(dir / "merged", q)),
              without_took(search_json(dir / "direct", q)))
        << q.back();
}

// Forgetting a replaced article's words must not forget words other articles still use,
// whichever batch they were written in.
TEST(Indexer, SpellingKeepsWordsOtherArticlesStillUse) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "v1.jsonl", jsonl({simple_article("a", "Alpha", "basalt basalt granite"),
                                      simple_article("b", "Beta", "basalt"),
                                      simple_article("c", "Gamma", "granite")}));
  ASSERT_EQ(index_run(idx, {"--batch-size", "1", (dir / "v1.jsonl").string()}).status, 0);
  auto moved =
      Json{{"id", "a"},
           {"title", "Alpha"},
           {"sections",
            {{{"text", "open words"}}, {{"access", "members"}, {"text", "basalt granite"}}}}};
  write_file(dir / "v2.jsonl", jsonl({moved}));
  ASSERT_EQ(index_run(idx, {"--batch-size", "1", (dir / "v2.jsonl").string()}).status, 0);
  auto pub = open_tier(idx, "public");
  EXPECT_TRUE(spellings_of(pub).contains("basalt"));   // "b" still has it
  EXPECT_TRUE(spellings_of(pub).contains("granite"));  // "c" still has it
  Xapian::termcount basalt_frequency = 0;
  for (auto it = pub.spellings_begin(); it != pub.spellings_end(); ++it)
    if (*it == "basalt") basalt_frequency = it.get_termfreq();
  EXPECT_EQ(basalt_frequency, 1u);  // b's one occurrence; a's two are gone
  EXPECT_TRUE(spellings_of(open_tier(idx, "full")).contains("basalt"));

  ASSERT_EQ(index_run(idx, {"--delete", "b", "--delete", "c"}).status, 0);
  pub = open_tier(idx, "public");
  EXPECT_FALSE(spellings_of(pub).contains("basalt"));
  EXPECT_FALSE(spellings_of(pub).contains("granite"));
  EXPECT_TRUE(spellings_of(pub).contains("open"));
  auto full = spellings_of(open_tier(idx, "full"));
  EXPECT_TRUE(full.contains("basalt"));  // "a" has it, behind the paywall
  EXPECT_TRUE(full.contains("granite"));
}

// An index kept inside the archive directory it indexes: its own files are not input.
TEST(Indexer, AnIndexInsideTheInputDirectoryIsNotReadAsInput) {
  TempDir dir;
  fs::path archive;
  for (const char* name : {".index", "index"}) {
    SCOPED_TRACE(name);
    archive = dir / (std::string("archive-") + name);
    fs::create_directories(archive);
    write_file(archive / "a.jsonl", jsonl({simple_article("a", "A", "glimmerstone")}));
    auto idx = archive / name;
    for (int run = 0; run < 2; ++run) {  // the second run sees the first one's manifest.json
      auto r = index_run(idx, {archive.string()});
      ASSERT_EQ(r.status, 0) << r.err;
      EXPECT_TRUE(has(r.err, run == 0 ? "indexed 1, updated 0" : "indexed 0, updated 1")) << r.err;
    }
    // Given as "archive/" with a trailing slash and the index as a relative-looking path.
    auto r = index_run(archive / "." / name, {archive.string() + "/"});
    EXPECT_EQ(r.status, 0) << r.err;
    expect_only(idx, "glimmerstone", "a");
  }
  // Positive control: the same manifest, copied outside the index, is read (and refused).
  fs::copy_file(archive / "index" / *read_current(archive / "index") / "manifest.json",
                archive / "copied-manifest.json");
  auto r = index_run(archive / "index", {archive.string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "copied-manifest.json:1: id: is required")) << r.err;
}

// A number beyond a double (1e999) is a problem of its line, not an abort without one.
TEST(Indexer, ANumberOutOfRangeIsAProblemOfItsLine) {
  TempDir dir;
  auto idx = dir / "idx";
  auto input = dir / "in.jsonl";
  write_file(input, jsonl({simple_article("a", "A", "glimmerstone")}) +
                        R"({"id": "b", "title": "B", "sections": [{"text": "x"}], "n": 1e999})" +
                        "\n" + jsonl({simple_article("c", "C", "obsidian")}));
  auto strict = index_run(idx, {input.string()});
  EXPECT_EQ(strict.status, 1) << strict.err;
  EXPECT_TRUE(has(strict.err, input.string() + ":2: (json): a number is out of range"))
      << strict.err;
  EXPECT_FALSE(read_current(idx).has_value());
  auto lenient = index_run(idx, {"--keep-going", input.string()});
  EXPECT_EQ(lenient.status, 2) << lenient.err;
  EXPECT_TRUE(has(lenient.err, input.string() + ":2: (json): a number is out of range"))
      << lenient.err;
  expect_only(idx, "glimmerstone", "a");
  expect_only(idx, "obsidian", "c");
}

// A rebuild from no valid article (a failed export) would replace the live index with an
// empty one: refused, unless asked for.
TEST(Indexer, ARebuildOfNothingIsRefusedUnlessAllowed) {
  TempDir dir;
  auto idx = dir / "idx";
  write_file(dir / "in.jsonl", jsonl({simple_article("a", "A", "glimmerstone")}));
  ASSERT_EQ(index_run(idx, {(dir / "in.jsonl").string()}).status, 0);
  auto current = read_current(idx);
  write_file(dir / "empty.jsonl", "");
  write_file(dir / "bad.jsonl", "{\"id\": \"b\"}\n");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--rebuild"},
        {"--rebuild", (dir / "empty.jsonl").string()},
        {"--rebuild", "--keep-going", (dir / "bad.jsonl").string()}}) {
    SCOPED_TRACE(args.back());
    auto r = index_run(idx, args);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_TRUE(has(r.err, "would publish an empty index; pass --allow-empty")) << r.err;
    EXPECT_EQ(read_current(idx), current);
    EXPECT_TRUE(partial_dirs(idx).empty());
  }
  expect_only(idx, "glimmerstone", "a");
  auto allowed = index_run(idx, {"--rebuild", "--allow-empty", (dir / "empty.jsonl").string()});
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_EQ(open_tier(idx, "public").get_doccount(), 0u);
  EXPECT_EQ(open_tier(idx, "full").get_doccount(), 0u);
}

// Input that cannot be read is named, and nothing is published; input that never ends
// (/dev/zero) is refused by name and bounded on standard input.
TEST(Indexer, UnreadableOrEndlessInputIsNamedAndNothingPublished) {
  TempDir dir;
  auto idx = dir / "idx";
  auto archive = dir / "archive";
  fs::create_directories(archive);
  write_file(archive / "a.jsonl", jsonl({simple_article("a", "A", "glimmerstone")}));
  fs::create_symlink(dir / "exported-elsewhere.jsonl", archive / "b.jsonl");
  auto r = index_run(idx, {"--keep-going", archive.string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, (archive / "b.jsonl").string() + ": cannot read: a broken symbolic link"))
      << r.err;
  EXPECT_FALSE(read_current(idx).has_value());

  // `timeout` turns a reader that never stops into a failure rather than a hung test.
  auto zero =
      run({"/usr/bin/timeout", "30", bin("archive-index"), "--index", idx.string(), "/dev/zero"});
  EXPECT_EQ(zero.status, 1) << zero.err;
  EXPECT_TRUE(has(zero.err, "/dev/zero: cannot read: not a regular file")) << zero.err;
  auto stream = run({"/bin/sh", "-c",
                     "timeout 30 " + bin("archive-index") + " --index " + idx.string() +
                         " --keep-going - < /dev/zero"});
  EXPECT_EQ(stream.status, 2) << stream.err;
  EXPECT_TRUE(has(stream.err, "<stdin>:1: (line): longer than 16 MiB")) << stream.err;
}

}  // namespace
}  // namespace archive::testing
