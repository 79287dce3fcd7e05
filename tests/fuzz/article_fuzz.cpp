// Any bytes as JSONL through the reader archive-index runs on every input line (parse,
// then every rule of the schema): each line gives an article or its problems, whatever
// the bytes, and nothing else happens.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "archive/article.hpp"
#include "archive/article_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  archive::read_jsonl(
      input, "fuzz",
      [](archive::Article&& article, const archive::SourcePosition&) {
        // The validator's word is what the index trusts: ids become terms and file names.
        if (!archive::is_valid_slug(article.id) || article.sections.empty()) std::abort();
      },
      [](const archive::InputProblem& problem) {
        // A refused line always says what is wrong with it.
        if (problem.errors.empty()) std::abort();
        for (const auto& line : problem.describe())
          if (line.find("fuzz:") != 0) std::abort();
      });
  return 0;
}
