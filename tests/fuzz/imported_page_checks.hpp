// What every importer fuzz target asserts of a page it imported: a refused page says where
// and why, and the members block's text never reaches what an anonymous reader sees. The
// latter is checked as non-interference: the page is imported twice, with two member
// texts, and its public face must not change. (Looking for the member text in public text
// instead is fooled by input that spells it across markup: "`z`qsecret" renders as
// "zqsecret".)
#pragma once

#include <cstdlib>
#include <functional>
#include <string>

#include "archive/importer.hpp"

namespace archive::fuzz {

inline void check_problems_say_where(const ImportedPage& imported, const std::string& file) {
  for (const auto& problem : imported.problems) {
    if (problem.errors.empty()) std::abort();
    for (const auto& line : problem.describe())
      if (line.rfind(file + ":", 0) != 0) std::abort();
  }
}

// Everything of an imported page that an anonymous reader sees, in one string.
inline std::string public_face(const ImportedPage& imported) {
  if (!imported.article) return "refused";
  const auto& a = *imported.article;
  std::string face = a.title + '\0' + a.summary;
  for (const auto& section : a.sections)
    if (section.access == Access::Public)
      face += '\0' + section.heading.value_or("") + '\0' + section.text;
  return face;
}

// `import(member_text)` imports the page holding `member_text` in its members block(s).
inline void check_imported_page(const std::function<ImportedPage(const std::string&)>& import,
                                const std::string& file) {
  auto with_one = import("zqsecretzq"), with_other = import("xkhiddenxk");
  check_problems_say_where(with_one, file);
  if (public_face(with_one) != public_face(with_other)) std::abort();
}

}  // namespace archive::fuzz
