// What every importer fuzz target asserts of a page it imported: a refused page says where
// and why, and the members block's text never lands in public text.
#pragma once

#include <cstdlib>
#include <string>

#include "archive/importer.hpp"

namespace archive::fuzz {

inline void check_imported_page(const ImportedPage& imported, const std::string& file,
                                const std::string& secret) {
  for (const auto& problem : imported.problems) {
    if (problem.errors.empty()) std::abort();
    for (const auto& line : problem.describe())
      if (line.rfind(file + ":", 0) != 0) std::abort();
  }
  if (!imported.article) return;
  for (const auto& section : imported.article->sections)
    if (section.access == Access::Public &&
        (section.text.find(secret) != std::string::npos ||
         section.heading.value_or("").find(secret) != std::string::npos))
      std::abort();
  for (const auto& field : {imported.article->title, imported.article->summary})
    if (field.find(secret) != std::string::npos) std::abort();
}

}  // namespace archive::fuzz
