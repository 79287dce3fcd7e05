#include "archive/article_reader.hpp"

#include <algorithm>
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

// Splits a stream into lines through a fixed buffer, so that a line longer than
// kMaxLineBytes costs no more memory than the limit: it is consumed, not kept.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in), buffer_(1u << 20) {}

  // Returns false at end of input; sets too_long (and leaves `line` empty) for an
  // over-long line.
  std::uint64_t consumed() const { return consumed_; }

  bool next(std::string& line, bool& too_long) {
    line.clear();
    too_long = false;
    bool any = false;
    while (true) {
      if (pos_ == end_ && !refill()) return any;
      any = true;
      const char* start = buffer_.data() + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      std::size_t n = nl ? static_cast<const char*>(nl) - start : end_ - pos_;
      if (!too_long) {
        line.append(start, n);
        if (line.size() > kMaxLineBytes) {
          too_long = true;
          line.clear();
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
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t consumed_ = 0;
};

void deliver(const nlohmann::json& value, const SourcePosition& where,
             const ArticleSink& on_article, const ProblemSink& on_problem) {
  auto parsed = parse_article(value);
  if (auto* article = std::get_if<Article>(&parsed))
    on_article(std::move(*article), where);
  else
    on_problem({where, std::get<std::vector<FieldError>>(parsed)});
}

FieldError json_error(const nlohmann::json::parse_error& e) {
  // nlohmann's message starts "[json.exception.parse_error.101] parse error at ...".
  std::string message = e.what();
  if (auto at = message.find("] "); at != std::string::npos) message.erase(0, at + 2);
  return {"(json)", message};
}

}  // namespace

void read_jsonl(std::istream& in, const std::string& name, const ArticleSink& on_article,
                const ProblemSink& on_problem) {
  LineReader reader(in);
  std::string line;
  bool too_long = false;
  for (std::size_t number = 1; reader.next(line, too_long); ++number) {
    SourcePosition where{name, number, reader.consumed()};
    if (too_long) {
      on_problem({where,
                  {{"(line)", "longer than " + std::to_string(kMaxLineBytes >> 20) +
                                  " MiB; one article per line"}}});
      continue;
    }
    if (std::all_of(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }))
      continue;
    try {
      deliver(nlohmann::json::parse(line), where, on_article, on_problem);
    } catch (const nlohmann::json::parse_error& e) {
      on_problem({where, {json_error(e)}});
    }
  }
  if (in.bad()) throw InputError(name + ": read error");
}

namespace {

std::size_t line_of_byte(const std::string& text, std::size_t byte) {
  byte = std::min(byte, text.size());
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(byte), '\n');
}

void read_json_file(std::istream& in, const std::string& name, const ArticleSink& on_article,
                    const ProblemSink& on_problem) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    SourcePosition where{name, line_of_byte(text, e.byte), e.byte};
    on_problem({where, {json_error(e)}});
    return;
  }
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

}  // namespace

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
    if (ec || !fs::exists(status)) throw InputError(input + ": no such file or directory");
    if (!fs::is_directory(status)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(input))
      if (entry.is_regular_file() && is_article_file(entry.path()))
        found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

void read_articles(const std::string& input, const ArticleSink& on_article,
                   const ProblemSink& on_problem) {
  if (input == "-") {
    read_jsonl(std::cin, "<stdin>", on_article, on_problem);
    return;
  }
  std::ifstream file(input, std::ios::binary);
  if (!file) throw InputError(input + ": cannot open for reading");
  if (fs::path(input).extension() == ".json")
    read_json_file(file, input, on_article, on_problem);
  else
    read_jsonl(file, input, on_article, on_problem);
}

}  // namespace archive
