// The archive-search command line as a library: subcommands defined with CLI11 and run
// against a stream, so tests drive it without a process and the main stays thin.
// Every subcommand works on a local index (--index) or against a running archive-serve
// (--url, with --token-file for a bearer token) and prints the same output either way.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "archive/search_types.hpp"

namespace archive {

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;  // an error, or (xref) problems found
inline constexpr int kExitUsage = 2;

// Where the answers come from: exactly one of a local index and a service's URL.
struct Target {
  std::filesystem::path index;
  std::string url;                   // http://HOST:PORT[/PREFIX]
  std::filesystem::path token_file;  // a bearer token for --url
};

struct QueryCommand : Target {
  std::string as = "public";
  std::vector<std::string> unlock;
  SearchRequest request;
  std::string sort = "relevance";
  std::vector<std::string> words;
  bool json = false;
};

struct RelatedCommand : Target {
  std::string id;
  std::string text_file;  // a draft instead of an id; "-" is standard input
  std::string as = "public";
  std::size_t limit = 10;
  bool json = false;
};

enum class XrefCheck { Broken, Backlinks, Orphans, Missing, Check };

struct XrefCommand : Target {
  XrefCheck check = XrefCheck::Broken;
  std::string id;       // backlinks (required), missing (optional)
  std::string file;     // check: a JSONL batch of drafts, "-" for standard input
  bool strict = false;  // check: missing links fail it too
  bool json = false;
};

struct SearchCli {
  QueryCommand query;
  CLI::App* query_app = nullptr;
  RelatedCommand related;
  CLI::App* related_app = nullptr;
  XrefCommand xref;
  CLI::App* xref_app = nullptr;
};

void define_search_cli(CLI::App& app, SearchCli& cli);

struct Output {
  std::ostream& out;
  std::ostream& err;
  bool color = false;  // ANSI highlighting for a terminal
};

// Runs the subcommand the parsed command line chose; returns the exit status.
int run_search_cli(const SearchCli& cli, const CLI::App& app, const Output& output);

// The terminal form of a highlighted snippet: <mark> as bold (or nothing), entities decoded.
std::string terminal_snippet(const std::string& snippet, bool color);

}  // namespace archive
