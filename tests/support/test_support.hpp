// Helpers for tests that run the real binaries on real temporary directories.
#pragma once

#include <filesystem>
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

}  // namespace archive::testing
