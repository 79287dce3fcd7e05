// The archive-search command line as a library: subcommands defined with CLI11 and run
// against a stream, so tests drive it without a process and the main stays thin.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "archive/search_types.hpp"

namespace archive {

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;  // an error, or (xref) problems found
inline constexpr int kExitUsage = 2;

struct QueryCommand {
  std::filesystem::path index;
  std::string as = "public";
  std::vector<std::string> unlock;
  SearchRequest request;
  std::string sort = "relevance";
  std::vector<std::string> words;
  bool json = false;
};

struct SearchCli {
  QueryCommand query;
  CLI::App* query_app = nullptr;
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
