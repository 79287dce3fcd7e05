#include "archive/article_reader.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

namespace archive {
namespace fs = std::filesystem;
namespace {

bool is_article_file(const fs::path& path) {
  auto ext = path.extension();
  return ext == ".jsonl" || ext == ".json";
}

// What to do with the rest of a line longer than kMaxLineBytes. A file ends, so its
// over-long line can be skipped to the next one; a stream need not (/dev/zero through a
// pipe never sends a newline), so reading it ends there.
enum class OverlongLine { Skip, EndInput };

// Splits a stream into lines through a fixed buffer, so that a line longer than
// kMaxLineBytes costs no more memory than the limit: it is consumed, not kept.
class LineReader {
 public:
  LineReader(std::istream& in, OverlongLine overlong)
      : in_(in), overlong_(overlong), buffer_(1u << 20) {}

  std::uint64_t consumed() const { return consumed_; }

  // Returns false at end of input; sets too_long (and leaves `line` empty) for an
  // over-long line, after which, for OverlongLine::EndInput, the input has ended.
  bool next(std::string& line, bool& too_long) {
    line.clear();
    too_long = false;
    bool any = false;
    while (true) {
      if (ended_ || (pos_ == end_ && !refill())) return any;
      any = true;
      const char* start = buffer_.data() + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      std::size_t n = nl ? static_cast<const char*>(nl) - start : end_ - pos_;
      if (!too_long) {
        line.append(start, n);
        if (line.size() > kMaxLineBytes) {
          too_long = true;
          line.clear();
          if (overlong_ == OverlongLine::EndInput) {
            ended_ = true;
            return true;
          }
        }
      }
      pos_ += n;
      consumed_ += n;
      if (nl) {
        ++pos_;
        ++consumed_;
        return true;
      }
    }
  }

 private:
  bool refill() {
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    pos_ = 0;
    end_ = static_cast<std::size_t>(in_.gcount());
    return end_ > 0;
  }

  std::istream& in_;
  OverlongLine overlong_;
  bool ended_ = false;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t consumed_ = 0;
};

// JSON text that could not be parsed: what is wrong, and the byte offset where.
struct JsonFailure {
  FieldError error;
  std::size_t byte = 0;
};

// nlohmann's messages quote the text they stopped at ("; last read: '...'"), which may be
// member text; problems go to logs and HTTP answers, so they keep positions and the kind
// of mistake only.
FieldError json_error(const nlohmann::json::parse_error& e) {
  // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error while
  // parsing value - invalid literal; last read: '...'; expected ..."
  std::string message = e.what();
  if (auto at = message.find("] "); at != std::string::npos) message.erase(0, at + 2);
  if (auto at = message.find("; last read"); at != std::string::npos) message.erase(at);
  return {"(json)", message};
}

// Parses JSON text. Nothing nlohmann throws escapes: a number beyond a double's range
// (1e999) is an out_of_range error, not a parse_error.
std::variant<nlohmann::json, JsonFailure> parse_json(std::string_view text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return JsonFailure{json_error(e), e.byte};
  } catch (const nlohmann::json::out_of_range&) {
    return JsonFailure{{"(json)", "a number is out of range (beyond a 64-bit float)"}};
  } catch (const nlohmann::json::exception& e) {
    return JsonFailure{{"(json)", "cannot be read as JSON (error " + std::to_string(e.id) + ")"}};
  }
}

void deliver(const nlohmann::json& value, const SourcePosition& where,
             const ArticleSink& on_article, const ProblemSink& on_problem) {
  auto parsed = parse_article(value);
  if (auto* article = std::get_if<Article>(&parsed))
    on_article(std::move(*article), where);
  else
    on_problem({where, std::get<std::vector<FieldError>>(parsed)});
}

void read_lines(std::istream& in, const std::string& name, OverlongLine overlong,
                const ArticleSink& on_article, const ProblemSink& on_problem) {
  LineReader reader(in, overlong);
  std::string line;
  bool too_long = false;
  for (std::size_t number = 1; reader.next(line, too_long); ++number) {
    SourcePosition where{name, number, reader.consumed()};
    if (too_long) {
      std::string message =
          "longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB; one article per line";
      if (overlong == OverlongLine::EndInput) message += "; the rest of " + name + " is not read";
      on_problem({where, {{"(line)", message}}});
      continue;
    }
    if (std::all_of(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }))
      continue;
    auto value = parse_json(line);
    if (auto* failure = std::get_if<JsonFailure>(&value))
      on_problem({where, {failure->error}});
    else
      deliver(std::get<nlohmann::json>(value), where, on_article, on_problem);
  }
  if (in.bad()) throw InputError(name + ": read error");
}

std::size_t line_of_byte(const std::string& text, std::size_t byte) {
  byte = std::min(byte, text.size());
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(byte), '\n');
}

void read_json_file(std::istream& in, const std::string& name, const ArticleSink& on_article,
                    const ProblemSink& on_problem) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = parse_json(text);
  if (auto* failure = std::get_if<JsonFailure>(&parsed)) {
    on_problem({{name, line_of_byte(text, failure->byte), failure->byte}, {failure->error}});
    return;
  }
  const auto& value = std::get<nlohmann::json>(parsed);
  const SourcePosition start{name, 1, text.size()};
  if (!value.is_array()) {
    deliver(value, start, on_article, on_problem);
    return;
  }
  // A JSON array carries no line numbers once parsed; name the element instead.
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto parsed = parse_article(value[i]);
    if (auto* article = std::get_if<Article>(&parsed)) {
      on_article(std::move(*article), start);
    } else {
      auto errors = std::get<std::vector<FieldError>>(parsed);
      std::string element = "[";  // built in steps: g++ 12 warns falsely on a + b + c here
      element.append(std::to_string(i)).append("].");
      for (auto& e : errors) e.field.insert(0, element);
      on_problem({start, errors});
    }
  }
}

std::string cannot_read(const fs::path& path, const std::string& why) {
  return path.string() + ": cannot read: " + why;
}

// Why `path`, neither a regular file nor a directory, cannot be read as input.
std::string why_unreadable(const fs::path& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found)
    return fs::is_symlink(fs::symlink_status(path, ec)) ? "a broken symbolic link"
                                                        : "no such file or directory";
  if (ec) return ec.message();
  // A device or a FIFO may never end (/dev/zero); standard input is the way to stream.
  return "not a regular file or directory; use - to read a stream";
}

// Files a directory holds under article names (*.jsonl, *.json), recursively, without
// following links to directories. An unreadable directory, and anything named as an
// article file that cannot be read (a broken link, a FIFO), is an error naming its path:
// skipping it would drop its articles unnoticed, and a rebuild would delete them.
void find_article_files(const fs::path& dir, std::vector<std::string>& found) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto& path = it->path();
    if (it->is_directory(ec) && !it->is_symlink(ec))
      find_article_files(path, found);
    else if (!is_article_file(path) || it->is_directory(ec))
      continue;  // not an article file, or a link to a directory (not followed)
    else if (it->is_regular_file(ec))
      found.push_back(path.string());
    else
      throw InputError(cannot_read(path, why_unreadable(path)));
  }
  if (ec) throw InputError(cannot_read(dir, ec.message()));
}

// Standard input is read as a file when it is one (a redirect); otherwise as a stream.
OverlongLine stdin_overlong_lines() {
  struct stat st;
  return ::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) ? OverlongLine::Skip
                                                                : OverlongLine::EndInput;
}

}  // namespace

void read_jsonl(std::istream& in, const std::string& name, const ArticleSink& on_article,
                const ProblemSink& on_problem) {
  read_lines(in, name, OverlongLine::Skip, on_article, on_problem);
}

std::vector<std::string> InputProblem::describe() const {
  std::vector<std::string> lines;
  for (const auto& e : errors)
    lines.push_back(where.file + ":" + std::to_string(where.line) + ": " + e.field + ": " +
                    e.message);
  return lines;
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    if (input == "-") {
      files.push_back(input);
      continue;
    }
    std::error_code ec;
    auto status = fs::status(input, ec);
    if (fs::is_regular_file(status)) {
      files.push_back(input);
    } else if (fs::is_directory(status)) {
      std::vector<std::string> found;
      find_article_files(input, found);
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      throw InputError(cannot_read(input, why_unreadable(input)));
    }
  }
  return files;
}

void read_articles(const std::string& input, const ArticleSink& on_article,
                   const ProblemSink& on_problem) {
  if (input == "-") {
    read_lines(std::cin, "<stdin>", stdin_overlong_lines(), on_article, on_problem);
    return;
  }
  std::ifstream file(input, std::ios::binary);
  if (!file) throw InputError(cannot_read(input, std::strerror(errno)));
  if (fs::path(input).extension() == ".json")
    read_json_file(file, input, on_article, on_problem);
  else
    read_lines(file, input, OverlongLine::Skip, on_article, on_problem);
}

}  // namespace archive
