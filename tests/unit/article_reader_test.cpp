#include "archive/article_reader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <random>
#include <sstream>

#include "test_support.hpp"

namespace archive {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;

struct Read {
  std::vector<std::pair<std::string, SourcePosition>> articles;  // id, where
  std::vector<InputProblem> problems;

  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& [id, where] : articles) out.push_back(id);
    return out;
  }
  std::vector<std::size_t> article_lines() const {
    std::vector<std::size_t> out;
    for (const auto& [id, where] : articles) out.push_back(where.line);
    return out;
  }
  std::vector<std::string> problem_lines() const {
    std::vector<std::string> out;
    for (const auto& p : problems)
      for (const auto& line : p.describe()) out.push_back(line);
    return out;
  }
};

// Reads JSONL held in memory, as the draft checks do.
Read read_text(const std::string& text) {
  std::istringstream in(text);
  Read r;
  read_jsonl(
      in, "<text>",
      [&](Article&& a, const SourcePosition& where) { r.articles.emplace_back(a.id, where); },
      [&](const InputProblem& p) { r.problems.push_back(p); });
  return r;
}

Read read(const std::string& input) {
  Read r;
  read_articles(
      input,
      [&](Article&& a, const SourcePosition& where) { r.articles.emplace_back(a.id, where); },
      [&](const InputProblem& p) { r.problems.push_back(p); });
  return r;
}

// read("-") with `text` as standard input.
Read read_stdin(const std::string& text) {
  std::istringstream input(text);
  struct Restore {
    std::streambuf* saved;
    ~Restore() { std::cin.rdbuf(saved); }
  } restore{std::cin.rdbuf(input.rdbuf())};
  return read("-");
}

std::string article(const std::string& id) {
  return R"({"id": ")" + id + R"(", "title": "T", "sections": [{"text": "x"}]})";
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(ArticleReader, LineNumbersCountBlankLines) {
  TempDir dir;
  auto file = (dir / "in.jsonl").string();
  write_file(file, std::string("\n") + article("a") + "\n\n   \n" + article("b") + "\n\t\n" +
                       R"({"id": "c", "title": 5, "sections": [{"text": "x"}]})" + "\n\n" +
                       article("d") + "\n");
  auto r = read(file);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(r.article_lines(), (std::vector<std::size_t>{2, 5, 9}));
  EXPECT_EQ(r.problem_lines(),
            std::vector<std::string>{file + ":7: title: must be a string, not number"});
  for (const auto& [id, where] : r.articles) EXPECT_EQ(where.file, file);
}

TEST(ArticleReader, OffsetIsTheBytesConsumedThroughTheLine) {
  TempDir dir;
  auto file = (dir / "in.jsonl").string();
  auto a = article("a"), b = article("b");
  write_file(file, a + "\n\n" + b + "\n");
  auto r = read(file);
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(r.articles[0].second.offset, a.size() + 1);
  EXPECT_EQ(r.articles[1].second.offset, a.size() + 2 + b.size() + 1);
}

TEST(ArticleReader, MalformedJsonIsReportedWithItsLineAndReadingContinues) {
  TempDir dir;
  auto file = (dir / "in.jsonl").string();
  write_file(file, joined({article("a"), R"({"id": "broken", "title": )", "not json at all",
                           R"({"id": "x"} trailing)", article("b")}));
  auto r = read(file);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.article_lines(), (std::vector<std::size_t>{1, 5}));
  ASSERT_EQ(r.problems.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.problems[i].where.line, i + 2);
    ASSERT_EQ(r.problems[i].errors.size(), 1u);
    EXPECT_EQ(r.problems[i].errors[0].field, "(json)");
    // nlohmann's "[json.exception.parse_error.101] " tag is dropped.
    EXPECT_EQ(r.problems[i].errors[0].message.find("[json.exception"), std::string::npos);
    EXPECT_NE(r.problems[i].errors[0].message.find("parse error"), std::string::npos)
        << r.problems[i].errors[0].message;
  }
  EXPECT_EQ(r.problem_lines()[0].rfind(file + ":2: (json): parse error", 0), 0u)
      << r.problem_lines()[0];
}

TEST(ArticleReader, InvalidUtf8InsideAStringIsReportedNotFatal) {
  TempDir dir;
  auto file = (dir / "in.jsonl").string();
  std::vector<std::string> bad = {
      "{\"id\": \"bad1\", \"title\": \"ab\xff\xfe"
      "cd\", \"sections\": [{\"text\": \"x\"}]}",
      // An overlong encoding of '/'.
      "{\"id\": \"bad2\", \"title\": \"T\", \"sections\": [{\"text\": \"\xc0\xaf\"}]}",
      // A lone continuation byte, then a truncated three-byte sequence.
      "{\"id\": \"bad3\", \"title\": \"\x80\", \"sections\": [{\"text\": \"\xe2\x82\"}]}",
      // An escaped lone surrogate is not a character either.
      R"({"id": "bad4", "title": "\ud800", "sections": [{"text": "x"}]})",
  };
  write_file(file, joined({article("first"), bad[0], bad[1], article("middle"), bad[2], bad[3],
                           article("last")}));
  auto r = read(file);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"first", "middle", "last"}));
  EXPECT_EQ(r.article_lines(), (std::vector<std::size_t>{1, 4, 7}));
  std::vector<std::size_t> lines;
  for (const auto& p : r.problems) {
    lines.push_back(p.where.line);
    EXPECT_EQ(p.where.file, file);
    ASSERT_FALSE(p.errors.empty());
    EXPECT_EQ(p.errors[0].field, "(json)");
  }
  EXPECT_EQ(lines, (std::vector<std::size_t>{2, 3, 5, 6}));
  EXPECT_EQ(r.problem_lines().at(0).rfind(file + ":2: (json): ", 0), 0u);
}

TEST(ArticleReader, AnOverlongLineIsReportedAndTheNextLineStillRead) {
  TempDir dir;
  auto file = (dir / "in.jsonl").string();
  // Valid JSON, padded with spaces: only its length is wrong.
  std::string too_long = article("huge");
  too_long.insert(too_long.size() - 1, std::string(kMaxLineBytes + 1 - too_long.size(), ' '));
  ASSERT_EQ(too_long.size(), kMaxLineBytes + 1);
  // Exactly at the limit: read.
  std::string at_limit = article("at-limit");
  at_limit.insert(at_limit.size() - 1, std::string(kMaxLineBytes - at_limit.size(), ' '));
  ASSERT_EQ(at_limit.size(), kMaxLineBytes);
  write_file(file, joined({article("a"), too_long, article("b"), at_limit, too_long}) +
                       too_long);  // the last one without a newline
  auto r = read(file);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b", "at-limit"}));
  EXPECT_EQ(r.article_lines(), (std::vector<std::size_t>{1, 3, 4}));
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_EQ(r.problems[0].where.line, 2u);
  EXPECT_EQ(r.problems[1].where.line, 5u);
  EXPECT_EQ(r.problems[2].where.line, 6u);
  EXPECT_EQ(r.problems[0].errors.at(0).field, "(line)");
  EXPECT_NE(r.problems[0].errors.at(0).message.find("16 MiB"), std::string::npos)
      << r.problems[0].errors.at(0).message;
}

// nlohmann reports a number beyond a double as out_of_range, not parse_error: it must be
// a problem of its line like any other, in strict and lenient runs alike.
TEST(ArticleReader, ANumberOutOfRangeIsAProblemOfItsLine) {
  TempDir dir;
  auto file = (dir / "in.jsonl").string();
  write_file(file,
             joined({article("a"), R"({"id": "b", "title": 1e999, "sections": []})", R"([-1e999])",
                     R"({"id": "c", "n": 123456789012345678901234567890e300})", article("d")}));
  auto r = read(file);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(r.problem_lines(),
            (std::vector<std::string>{
                file + ":2: (json): a number is out of range (beyond a 64-bit float)",
                file + ":3: (json): a number is out of range (beyond a 64-bit float)",
                file + ":4: (json): a number is out of range (beyond a 64-bit float)"}));
  // A .json file too.
  write_file(dir / "one.json",
             R"({"id": "e", "title": "T", "sections": [{"text": "x"}], "n": 1e999})");
  EXPECT_EQ(
      read((dir / "one.json").string()).problem_lines(),
      std::vector<std::string>{(dir / "one.json").string() +
                               ":1: (json): a number is out of range (beyond a 64-bit float)"});
}

// Whatever bytes a line holds, reading reports it and goes on: nothing throws out.
TEST(ArticleReader, ALineOfAnyBytesIsAProblemNeverAnException) {
  std::vector<std::string> lines = {
      std::string(100000, '['),  // deep nesting
      std::string(100000, '[') + std::string(100000, ']'),
      std::string("{\"id\": \"x\0y\", \"title\": \"T\"}", 28),
      "1e999",
      "-1e-999999",
      "18446744073709551616",
      "{\"a\":1e309}",
      "\"\\ud800\"",
      "\xef\xbb\xbf{}",
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"text\": \"x\"}], \"id\": \"b\"}",
      "{\"sections\": [[[[[]]]]], \"tags\": [{}], \"links\": [1e308, null]}"};
  std::mt19937 random(20261201);
  for (int i = 0; i < 2000; ++i) {
    std::string line(random() % 64, '\0');
    for (auto& c : line) c = static_cast<char>(random() % 256);
    std::erase(line, '\n');
    lines.push_back(line);
  }
  // Valid articles mangled a byte at a time: close to valid, so deep into the checks.
  auto valid = article("valid");
  for (std::size_t at = 0; at < valid.size(); ++at)
    for (char c : {'\0', '"', '}', '9', '\xff', '-', 'e'}) {
      auto mangled = valid;
      mangled[at] = c;
      lines.push_back(mangled);
    }
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  Read r;
  ASSERT_NO_THROW(r = read_text(text));
  EXPECT_EQ(r.articles.size() + r.problems.size() +
                std::count_if(lines.begin(), lines.end(),
                              [](const std::string& l) {
                                return std::all_of(l.begin(), l.end(),
                                                   [](unsigned char c) { return std::isspace(c); });
                              }),
            lines.size());
  for (const auto& p : r.problems) EXPECT_FALSE(p.errors.empty());
}

// Problems reach logs and HTTP answers (xref check), and the line may be member text:
// a message names the field and the position, never a value the line held.
TEST(ArticleReader, AProblemNeverQuotesTheInput) {
  const std::string canary = testing::make_canary();
  std::vector<std::string> lines = {
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"text\": \"" + canary + "\"}] oops}",
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"text\": " + canary + "}]}",
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"text\": \"" + canary + "\xff\"}]}",
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"text\": \"" + canary,
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"text\": \"" + canary + "\\q\"}]}",
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"text\": \"" + canary + "\t\"}]}",
      "[" + canary + "e999]",
      "{\"id\": \"" + canary + " Upper\", \"title\": \"T\", \"sections\": [{\"text\": \"x\"}]}",
      "{\"id\": \"a\", \"title\": \"T\", \"published\": \"" + canary + "\", \"sections\": []}",
      "{\"id\": \"a\", \"title\": \"T\", \"tags\": [\"" + canary + "!\"], \"sections\": []}",
      "{\"id\": \"a\", \"title\": \"T\", \"sections\": [{\"access\": \"" + canary +
          "\", \"text\": \"x\"}]}",
  };
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  auto r = read_text(text);
  EXPECT_TRUE(r.articles.empty());
  ASSERT_EQ(r.problems.size(), lines.size());
  for (const auto& line : r.problem_lines()) {
    // Neither half of the token: no part of the input, cut anywhere, either.
    EXPECT_EQ(line.find(canary.substr(0, 8)), std::string::npos) << line;
    EXPECT_EQ(line.find(canary.substr(8)), std::string::npos) << line;
  }
}

// A stream (standard input from a pipe or a device) need not ever end a line: an over-long
// line ends reading it, rather than skipping on forever.
TEST(ArticleReader, AnOverlongLineOnAStreamEndsReadingIt) {
  auto r = read_stdin(std::string(kMaxLineBytes + 1, '0') + "\n" + article("after") + "\n");
  EXPECT_TRUE(r.articles.empty());
  EXPECT_EQ(r.problem_lines(),
            std::vector<std::string>{"<stdin>:1: (line): longer than 16 MiB; one article per "
                                     "line; the rest of <stdin> is not read"});
}

TEST(ArticleReader, CrlfLineEndingsAndAMissingFinalNewlineAreFine) {
  TempDir dir;
  auto file = (dir / "in.jsonl").string();
  write_file(file, article("a") + "\r\n\r\n" + article("b") + "\r\n" + article("c"));
  auto r = read(file);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.article_lines(), (std::vector<std::size_t>{1, 3, 4}));
  EXPECT_TRUE(r.problems.empty()) << r.problem_lines().at(0);
}

TEST(ArticleReader, EmptyFileHoldsNothing) {
  TempDir dir;
  write_file(dir / "empty.jsonl", "");
  auto r = read((dir / "empty.jsonl").string());
  EXPECT_TRUE(r.articles.empty());
  EXPECT_TRUE(r.problems.empty());
}

TEST(ArticleReader, JsonFileWithOneObject) {
  TempDir dir;
  auto file = (dir / "one.json").string();
  write_file(
      file,
      "{\n  \"id\": \"solo\",\n  \"title\": \"T\",\n  \"sections\": [{\"text\": \"x\"}]\n}\n");
  auto r = read(file);
  EXPECT_EQ(r.ids(), std::vector<std::string>{"solo"});
  EXPECT_EQ(r.article_lines(), std::vector<std::size_t>{1});
  EXPECT_TRUE(r.problems.empty());
}

TEST(ArticleReader, JsonFileWithAnArrayNamesBadElements) {
  TempDir dir;
  auto file = (dir / "many.json").string();
  write_file(file, "[\n" + article("a") + ",\n" +
                       R"({"id": "b", "title": 1, "sections": [{"text": "x", "bold": 1}]})" +
                       ",\n" + article("c") + "\n]\n");
  auto r = read(file);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(r.problem_lines(),
            (std::vector<std::string>{file + ":1: [1].title: must be a string, not number",
                                      file + ":1: [1].sections[0].bold: unknown field"}));
}

TEST(ArticleReader, MalformedJsonFileNamesTheLineOfTheError) {
  TempDir dir;
  auto file = (dir / "bad.json").string();
  write_file(file, "[\n" + article("a") + ",\n" + article("b") + ",\n  {oops}\n]\n");
  auto r = read(file);
  EXPECT_TRUE(r.articles.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].where.line, 4u);
  EXPECT_EQ(r.problems[0].errors.at(0).field, "(json)");
}

TEST(ArticleReader, StandardInputIsNamedStdin) {
  auto r = read_stdin(article("from-stdin") + "\n\n" +
                      R"({"id": "x", "title": "", "sections": [{"text": "x"}]})" + "\n");
  EXPECT_EQ(r.ids(), std::vector<std::string>{"from-stdin"});
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].second.file, "<stdin>");
  EXPECT_EQ(r.problem_lines(), std::vector<std::string>{"<stdin>:3: title: must not be empty"});
}

TEST(ArticleReader, MissingFileIsAnInputErrorNamingIt) {
  TempDir dir;
  auto missing = (dir / "no-such-file.jsonl").string();
  try {
    read(missing);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  try {
    expand_inputs({missing});
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  // A missing input among good ones is still named.
  write_file(dir / "ok.jsonl", article("a") + "\n");
  try {
    expand_inputs({(dir / "ok.jsonl").string(), missing});
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-file.jsonl"), std::string::npos) << e.what();
  }
}

TEST(ArticleReader, DirectoriesExpandRecursivelySortedOnlyJsonAndJsonl) {
  TempDir dir;
  auto root = dir / "archive";
  fs::create_directories(root / "b-sub" / "deeper");
  fs::create_directories(root / "a-sub");
  fs::create_directories(root / "empty-dir");
  for (const char* name :
       {"z.jsonl", "m.json", "b-sub/deeper/d.jsonl", "b-sub/c.jsonl", "a-sub/y.json", "notes.txt",
        "README", "old.jsonl.bak", "data.JSONL.gz", "b-sub/skip.md"})
    write_file(root / name, article("x") + "\n");
  fs::create_directories(root / "dir.jsonl");  // a directory named like a file: searched, not read
  write_file(root / "dir.jsonl" / "inner.jsonl", article("x") + "\n");
  write_file(dir / "first.jsonl", article("x") + "\n");

  auto files = expand_inputs({(dir / "first.jsonl").string(), root.string(), "-"});
  auto r = root.string();
  EXPECT_EQ(files, (std::vector<std::string>{
                       (dir / "first.jsonl").string(),
                       r + "/a-sub/y.json",
                       r + "/b-sub/c.jsonl",
                       r + "/b-sub/deeper/d.jsonl",
                       r + "/dir.jsonl/inner.jsonl",
                       r + "/m.json",
                       r + "/z.jsonl",
                       "-",
                   }));
}

// Expecting an InputError whose message holds `part`.
void expect_input_error(const std::vector<std::string>& inputs, const std::string& part) {
  try {
    expand_inputs(inputs);
    ADD_FAILURE() << "no InputError; wanted one with " << part;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

// What is named like an article file but cannot be read would silently drop its articles
// (and a rebuild would delete them from the index): it is an error naming its path.
TEST(ArticleReader, ABrokenLinkOrAFifoNamedAsAnArticleFileIsAnError) {
  TempDir dir;
  auto root = dir / "archive";
  fs::create_directories(root / "sub");
  write_file(root / "a.jsonl", article("a") + "\n");
  fs::create_symlink(root / "gone.jsonl", root / "sub" / "link.jsonl");
  expect_input_error({root.string()}, (root / "sub" / "link.jsonl").string() +
                                          ": cannot read: a broken symbolic link");
  expect_input_error(
      {(root / "sub" / "link.jsonl").string()},
      (root / "sub" / "link.jsonl").string() + ": cannot read: a broken symbolic link");
  fs::remove(root / "sub" / "link.jsonl");
  fs::create_symlink(root / "gone.txt", root / "sub" / "notes.txt");  // not an article name
  fs::create_symlink(root / "sub", root / "dir-link.jsonl");          // a directory: not followed
  EXPECT_EQ(expand_inputs({root.string()}), std::vector<std::string>{(root / "a.jsonl").string()});
  ASSERT_EQ(::mkfifo((root / "sub" / "pipe.jsonl").c_str(), 0644), 0);
  expect_input_error({root.string()},
                     (root / "sub" / "pipe.jsonl").string() + ": cannot read: not a regular file");
}

// A device or FIFO given by name may never end (/dev/zero): refused, pointing to "-".
TEST(ArticleReader, ANamedInputThatIsNotAFileIsRefused) {
  expect_input_error({"/dev/zero"}, "/dev/zero: cannot read: not a regular file or directory");
}

// An unreadable subdirectory is named. (Root reads any directory: the check runs as nobody.)
TEST(ArticleReader, AnUnreadableSubdirectoryIsNamed) {
  TempDir dir;
  auto root = dir / "archive";
  fs::create_directories(root / "locked");
  write_file(root / "locked" / "a.jsonl", article("a") + "\n");
  fs::permissions(dir.path(), fs::perms::all);
  fs::permissions(root, fs::perms::all);
  fs::permissions(root / "locked", fs::perms::none);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  auto pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    std::string message = "no error";
    if (::geteuid() != 0 || (::setgid(65534) == 0 && ::setuid(65534) == 0)) {
      try {
        expand_inputs({root.string()});
      } catch (const InputError& e) {
        message = e.what();
      }
    }
    auto written = ::write(pipe_fds[1], message.data(), message.size());
    ::_exit(written < 0);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  ::close(pipe_fds[0]);
  ::waitpid(pid, nullptr, 0);
  fs::permissions(root / "locked", fs::perms::owner_all);
  EXPECT_EQ(message, (root / "locked").string() + ": cannot read: Permission denied");
}

TEST(ArticleReader, EveryInvalidFixtureLineIsAProblemAndEveryValidOneAnArticle) {
  auto invalid = read(testing::source_path("tests/fixtures/invalid/articles.jsonl").string());
  EXPECT_TRUE(invalid.articles.empty());
  EXPECT_EQ(invalid.problems.size(), 15u);
  auto fields = read(testing::source_path("tests/fixtures/invalid/fields.jsonl").string());
  EXPECT_TRUE(fields.articles.empty());
  EXPECT_EQ(fields.problems.size(), 25u);
  auto valid = read(testing::source_path("tests/fixtures/valid/minimal.jsonl").string());
  EXPECT_EQ(valid.ids(), (std::vector<std::string>{"minimal", "every-field"}));
  EXPECT_TRUE(valid.problems.empty());
}

}  // namespace
}  // namespace archive
