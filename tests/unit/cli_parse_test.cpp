#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "archive/index_command.hpp"
#include "archive/search_cli.hpp"
#include "test_support.hpp"

namespace archive {
namespace {

// CLI11 takes the arguments (without the program name) in reverse order.
void parse(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());
  app.parse(args);
}

TEST(IndexCommandLine, EveryOptionLandsInItsField) {
  CLI::App app;
  IndexOptions options;
  define_index_command(app, options);
  parse(app, {"--index", "/tmp/idx", "--rebuild", "--keep-going", "--delete", "old-one", "--delete",
              "old-two", "--batch-size", "17", "--no-compact", "a.jsonl", "dir", "-"});
  EXPECT_EQ(options.index, std::filesystem::path("/tmp/idx"));
  EXPECT_TRUE(options.rebuild);
  EXPECT_TRUE(options.keep_going);
  EXPECT_EQ(options.deletes, (std::vector<std::string>{"old-one", "old-two"}));
  EXPECT_EQ(options.batch_size, 17u);
  EXPECT_FALSE(options.compact);
  EXPECT_EQ(options.inputs, (std::vector<std::string>{"a.jsonl", "dir", "-"}));
}

TEST(IndexCommandLine, Defaults) {
  CLI::App app;
  IndexOptions options;
  define_index_command(app, options);
  parse(app, {"--index", "idx", "in.jsonl"});
  EXPECT_FALSE(options.rebuild);
  EXPECT_FALSE(options.keep_going);
  EXPECT_TRUE(options.deletes.empty());
  EXPECT_EQ(options.batch_size, IndexOptions{}.batch_size);
  EXPECT_TRUE(options.compact);
  EXPECT_EQ(options.inputs, std::vector<std::string>{"in.jsonl"});
}

TEST(IndexCommandLine, Errors) {
  auto fails = [](std::vector<std::string> args) {
    CLI::App app;
    IndexOptions options;
    define_index_command(app, options);
    try {
      parse(app, std::move(args));
    } catch (const CLI::ParseError& e) {
      return app.exit(e, std::cout, std::cout) != 0;  // a usage error, not help
    }
    return false;
  };
  EXPECT_TRUE(fails({"in.jsonl"}));                                  // no --index
  EXPECT_TRUE(fails({"--index", "idx"}));                            // nothing to do
  EXPECT_TRUE(fails({"--index", "idx", "--batch-size", "0", "a"}));  // out of range
  EXPECT_TRUE(fails({"--index", "idx", "--bogus", "a"}));
  EXPECT_FALSE(fails({"--index", "idx", "--delete", "gone"}));  // a delete alone is work
  EXPECT_FALSE(fails({"--index", "idx", "--rebuild"}));         // so is emptying the index
}

TEST(SearchCommandLine, EveryQueryOptionLandsInItsField) {
  CLI::App app;
  SearchCli cli;
  define_search_cli(app, cli);
  parse(app, {"query",       "--index",  "/srv/idx",  "--as",      "member",     "--unlock",
              "a",           "--unlock", "b",         "--limit",   "5",          "--offset",
              "10",          "--tag",    "back-pain", "--tag",     "neck",       "--kind",
              "member-post", "--author", "Ana Ruiz",  "--from",    "2010-01-01", "--to",
              "2015-12-31",  "--sort",   "newest",    "--partial", "--facets",   "--json",
              "trigger",     "points"});
  ASSERT_TRUE(cli.query_app->parsed());
  const auto& q = cli.query;
  EXPECT_EQ(q.index, std::filesystem::path("/srv/idx"));
  EXPECT_EQ(q.as, "member");
  EXPECT_EQ(q.unlock, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(q.request.limit, 5u);
  EXPECT_EQ(q.request.offset, 10u);
  EXPECT_EQ(q.request.tags, (std::vector<std::string>{"back-pain", "neck"}));
  EXPECT_EQ(q.request.kind, "member-post");
  EXPECT_EQ(q.request.author, "Ana Ruiz");
  EXPECT_EQ(q.request.from, "2010-01-01");
  EXPECT_EQ(q.request.to, "2015-12-31");
  EXPECT_EQ(q.sort, "newest");
  EXPECT_TRUE(q.request.partial);
  EXPECT_TRUE(q.request.facets);
  EXPECT_TRUE(q.json);
  EXPECT_EQ(q.words, (std::vector<std::string>{"trigger", "points"}));
}

TEST(SearchCommandLine, QueryWordsBeforeRepeatableOptionsAreQueryWords) {
  CLI::App app;
  SearchCli cli;
  define_search_cli(app, cli);
  parse(app, {"query", "--index", "idx", "stretch", "--tag", "back-pain", "--unlock", "a"});
  EXPECT_EQ(cli.query.words, std::vector<std::string>{"stretch"});
  EXPECT_EQ(cli.query.request.tags, std::vector<std::string>{"back-pain"});
  EXPECT_EQ(cli.query.unlock, std::vector<std::string>{"a"});
}

TEST(SearchCommandLine, QueryWordsAfterARepeatableOptionAreQueryWords) {
  for (const char* option : {"--tag", "--unlock"}) {
    SCOPED_TRACE(option);
    CLI::App app;
    SearchCli cli;
    define_search_cli(app, cli);
    parse(app, {"query", "--index", "idx", option, "x", "stretch", "injury"});
    EXPECT_EQ(cli.query.words, (std::vector<std::string>{"stretch", "injury"}));
    const auto& values = std::string(option) == "--tag" ? cli.query.request.tags : cli.query.unlock;
    EXPECT_EQ(values, std::vector<std::string>{"x"});
  }
}

TEST(SearchCommandLine, Defaults) {
  CLI::App app;
  SearchCli cli;
  define_search_cli(app, cli);
  parse(app, {"query", "--index", "idx", "\"range of motion\""});
  const auto& q = cli.query;
  EXPECT_EQ(q.as, "public");
  EXPECT_TRUE(q.unlock.empty());
  EXPECT_EQ(q.request.limit, 10u);
  EXPECT_EQ(q.request.offset, 0u);
  EXPECT_EQ(q.sort, "relevance");
  EXPECT_FALSE(q.request.partial);
  EXPECT_FALSE(q.request.facets);
  EXPECT_FALSE(q.json);
  EXPECT_EQ(q.words, std::vector<std::string>{"\"range of motion\""});
}

// Parses; returns the exit status CLI11 would give (0 when parsing succeeds).
int search_exit(std::vector<std::string> args, std::string* out = nullptr) {
  CLI::App app;
  SearchCli cli;
  define_search_cli(app, cli);
  try {
    parse(app, std::move(args));
  } catch (const CLI::ParseError& e) {
    std::ostringstream o, err;
    int status = app.exit(e, o, err);
    if (out) *out = o.str() + err.str();
    return status == 0 ? 0 : kExitUsage;
  }
  return 0;
}

TEST(SearchCommandLine, Errors) {
  EXPECT_EQ(search_exit({"query", "pain"}), kExitUsage);  // no --index
  EXPECT_EQ(search_exit({"query", "--index", "idx", "--as", "admin", "pain"}), kExitUsage);
  EXPECT_EQ(search_exit({"query", "--index", "idx", "--as", "Member", "pain"}), kExitUsage);
  EXPECT_EQ(search_exit({"query", "--index", "idx", "--limit", "0", "pain"}), kExitUsage);
  EXPECT_EQ(search_exit({"query", "--index", "idx", "--limit", "101", "pain"}), kExitUsage);
  EXPECT_EQ(search_exit({"query", "--index", "idx", "--sort", "oldest", "pain"}), kExitUsage);
  EXPECT_EQ(search_exit({"--index", "idx", "pain"}), kExitUsage);  // no subcommand
  // Positive controls: the same lines with valid values parse.
  EXPECT_EQ(search_exit({"query", "--index", "idx", "--as", "editor", "pain"}), 0);
  EXPECT_EQ(search_exit({"query", "--index", "idx", "--limit", "100", "pain"}), 0);
}

TEST(SearchCommandLine, QueryHelpWorks) {
  std::string out;
  EXPECT_EQ(search_exit({"query", "--help"}, &out), 0);
  EXPECT_NE(out.find("--index"), std::string::npos) << out;
  EXPECT_NE(out.find("--unlock"), std::string::npos) << out;
  EXPECT_NE(out.find("--as"), std::string::npos) << out;
}

// The command-line libraries run in-process against real directories.
TEST(CommandLineRuns, IndexThenSearchThroughTheLibraries) {
  testing::TempDir dir;
  testing::write_file(
      dir / "in.jsonl",
      R"({"id": "rom", "title": "Range of motion", "sections": [{"text": "Joints move."}]})"
      "\n");
  IndexOptions options;
  options.index = dir / "idx";
  options.inputs = {(dir / "in.jsonl").string()};
  std::ostringstream index_err;
  EXPECT_EQ(run_index_command(options, index_err, false), 0) << index_err.str();
  EXPECT_NE(index_err.str().find("indexed 1, updated 0"), std::string::npos) << index_err.str();

  auto search = [&](std::vector<std::string> args, std::string& out, std::string& err) {
    CLI::App app;
    SearchCli cli;
    define_search_cli(app, cli);
    parse(app, std::move(args));
    std::ostringstream o, e;
    int status = run_search_cli(cli, app, Output{o, e, false});
    out = o.str();
    err = e.str();
    return status;
  };
  std::string out, err;
  EXPECT_EQ(search({"query", "--index", (dir / "idx").string(), "--json", "joints"}, out, err),
            kExitOk)
      << err;
  auto response = nlohmann::json::parse(out);
  ASSERT_EQ(response["results"].size(), 1u) << out;
  EXPECT_EQ(response["results"][0]["id"], "rom");

  EXPECT_EQ(search({"query", "--index", (dir / "nothing-here").string(), "pain"}, out, err),
            kExitProblems);
  EXPECT_NE(err.find("no index"), std::string::npos) << err;
  EXPECT_EQ(search({"query", "--index", (dir / "idx").string(), std::string(2000, 'x')}, out, err),
            kExitUsage);
  EXPECT_NE(err.find("too long"), std::string::npos) << err;
}

TEST(CommandLineRuns, TerminalSnippet) {
  EXPECT_EQ(terminal_snippet("a <mark>b</mark> &amp; &lt;c&gt; &quot;d&quot; &#39;e&#39;", false),
            "a b & <c> \"d\" 'e'");
  EXPECT_EQ(terminal_snippet("<mark>b</mark>", true), "\033[1mb\033[0m");
}

}  // namespace
}  // namespace archive
