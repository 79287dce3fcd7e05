// Helpers for tests that run the real binaries on real temporary directories.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace archive::testing {

struct CommandResult {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with `input` on standard input; waits for it.
CommandResult run(const std::vector<std::string>& argv, const std::string& input = "");

// Starts a process in the background; returns its pid. Output goes to the given files.
int spawn(const std::vector<std::string>& argv, const std::filesystem::path& out,
          const std::filesystem::path& err);

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// build/bin/<name>
std::string bin(const std::string& name);
// <source dir>/<relative>
std::filesystem::path source_path(const std::string& relative);

void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

// Every regular file below `dir` whose bytes contain `needle`.
std::vector<std::filesystem::path> files_containing(const std::filesystem::path& dir,
                                                    const std::string& needle);

// Waits for a process started with spawn(); returns its exit status, or 128 + signal.
int wait_exit(int pid);

// Sends SIGKILL to a process started with spawn() and reaps it; returns its status.
int kill_and_wait(int pid);

// Polls `condition` every millisecond until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// `digits` random lower-case hex digits.
std::string random_hex(std::size_t digits);

// A fresh canary token: a marker word plus 16 random hex digits, made at run time so no
// file of the project ever holds one.
std::string make_canary();

// What CURRENT in an index directory names (its first line), or nullopt.
std::optional<std::string> read_current(const std::filesystem::path& index);

// Names of the entries directly under `index` that are build directories
// (gen-*.partial-*).
std::vector<std::string> partial_dirs(const std::filesystem::path& index);

// One line of `archive-search query --json` output with its timing ("took_ms") removed.
std::string without_took_ms(const std::string& json_output);

}  // namespace archive::testing
