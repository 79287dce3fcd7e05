// Reading articles from JSONL/JSON files, directories and standard input, with every
// problem reported as "file:line: field: what is wrong".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/article.hpp"

namespace archive {

struct SourcePosition {
  std::string file;  // "-" reads as "<stdin>"
  std::size_t line = 0;
  std::uint64_t offset = 0;  // bytes of the input consumed up to the end of this line
};

// One invalid article (or unreadable line) and everything wrong with it.
struct InputProblem {
  SourcePosition where;
  std::vector<FieldError> errors;
  // One line per error: "file:line: field: message".
  std::vector<std::string> describe() const;
};

// An input that cannot be read at all (missing file, unreadable directory).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Longest line read; a longer one is reported as a problem and skipped, unbuffered (on
// standard input from a pipe or a device, which need never end a line, it ends the input).
inline constexpr std::size_t kMaxLineBytes = 16u << 20;

// Expands directories (recursively, *.jsonl and *.json, sorted). Throws InputError naming
// the path for a missing input, an unreadable directory, an article file that cannot be
// read (a broken link) and a named input that is not a regular file (/dev/zero).
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

using ArticleSink = std::function<void(Article&&, const SourcePosition&)>;
using ProblemSink = std::function<void(const InputProblem&)>;

// Reads one input: "-" is standard input; *.json holds one article or an array of them;
// anything else is JSONL (one article per line, blank lines allowed).
void read_articles(const std::string& input, const ArticleSink& on_article,
                   const ProblemSink& on_problem);

// Reads JSONL from a stream that is not a file (a request body, a draft batch held in
// memory); `name` stands for the file in positions.
void read_jsonl(std::istream& in, const std::string& name, const ArticleSink& on_article,
                const ProblemSink& on_problem);

}  // namespace archive
