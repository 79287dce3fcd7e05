// One run of the indexer: read inputs, write both tiers of a new generation, publish it
// (or leave the current one untouched when the run fails).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "archive/importer.hpp"

namespace archive {

struct IndexOptions {
  std::filesystem::path index;
  std::vector<std::string> inputs;
  std::vector<std::string> deletes;
  bool rebuild = false;
  bool keep_going = false;
  // A rebuild from no valid article (a failed export) would replace the index with an
  // empty one; it is refused unless this is set.
  bool allow_empty = false;
  // Documents per tier held in memory before they are written out; bounds peak memory.
  // Measured at 10k generated articles: 2,000 ran at 226 articles/s and 724 MiB peak,
  // 500 at 257 articles/s and 472 MiB (Xapian's own default, 10,000, holds about 1 GB).
  std::size_t batch_size = 500;
  // A rebuild compacts both tiers: smaller and faster to search. Off: left as written.
  // (An update compacts the public tier when text of an article with member text left
  // it, so that no freed block keeps that text.)
  bool compact = true;
  // How inputs are read: one format for all (--format), or each file's own by its
  // extension; HTML and Markdown pages are read under the mapping file (--mapping).
  std::optional<InputFormat> format;
  std::filesystem::path mapping;
  // Read and check the inputs, print them as JSONL when asked, index nothing.
  bool dry_run = false;
  bool emit_jsonl = false;
  // An update starts from a copy of the current generation rather than bringing the
  // previous one up to date: it reads and writes the whole index (as every update did
  // before the A/B pair), for comparison and to start the pair afresh.
  bool copy_current = false;
  // A generation directory published elsewhere by an update (its manifest.json and
  // changes/): replays its change log here as the same update, when this index is on the
  // generation it was made from (its "base"); `inputs` and `deletes` are then ignored.
  // A replica receives an update this way, in proportion to its size.
  std::filesystem::path apply_changes;
};

// The importer an options' --format and --mapping ask for (loads the mapping; throws
// MappingError), reporting its warnings to `on_warning`.
Importer importer_for(const IndexOptions& options, WarningSink on_warning);

struct IndexProgress {
  std::size_t articles = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_total = 0;  // 0 when unknown (standard input)
  double seconds = 0;
};

struct IndexReport {
  std::size_t indexed = 0;  // new ids
  std::size_t updated = 0;  // ids that were there already (or repeated in the input)
  std::size_t deleted = 0;
  std::size_t replayed = 0;           // changes of the previous update replayed on the other copy
  std::size_t skipped = 0;            // invalid articles
  std::vector<std::string> problems;  // "file:line: field: message"
  std::vector<std::string> warnings;
  bool published = false;
  std::string refused;  // why the run refused to publish, when it did
  std::string generation;
  double seconds = 0;

  // 0: published, clean; 1: nothing published (strict mode, bad input); 2: published,
  // but invalid articles were skipped (--keep-going).
  int exit_status() const;
  std::string summary() const;
};

using ProgressSink = std::function<void(const IndexProgress&)>;

// Throws InputError / IndexDirectoryError / Xapian::Error for failures that stop the run
// before anything is published.
IndexReport run_index(const IndexOptions& options, const ProgressSink& progress = {});

}  // namespace archive
