// The archive-index command line as a library, so parsing is tested without a process.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>

#include "archive/index_run.hpp"

namespace archive {

// Exit status for a command line that cannot be parsed (BSD's EX_USAGE).
inline constexpr int kUsageError = 64;

void define_index_command(CLI::App& app, IndexOptions& options);

// Runs the indexer and reports to `err`; `terminal` selects a live progress line over a
// one-line summary. Returns the process exit status.
int run_index_command(const IndexOptions& options, std::ostream& err, bool terminal);

// --dry-run: reads and checks the inputs as a run would, prints the articles as JSONL to
// `out` with --emit-jsonl, reports problems and warnings to `err`, touches no index.
// Exit status as for a run: 0 clean, 1 invalid input, 2 invalid input with --keep-going.
int run_dry_run(const IndexOptions& options, std::ostream& out, std::ostream& err);

}  // namespace archive
