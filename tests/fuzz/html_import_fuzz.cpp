// Any bytes as the body of an HTML page, before a members-only block, through the HTML
// importer: whatever the bytes do to the markup, the members block's text never lands in
// a public section, and a refused page always says where and why.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "archive/importer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string kSecret = "zqsecretzq";
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.find("zqsecret") != std::string::npos) return 0;  // the input may not hold it
  std::string page = "<html><head><title>Fuzz</title></head><body><p>Public knee text.</p>" +
                     bytes + "<div class=\"members-only\"><p>" + kSecret +
                     "</p></div></body></html>";
  archive::ImportMapping mapping;
  auto imported = archive::import_html("fuzz.html", page, mapping);
  for (const auto& problem : imported.problems) {
    if (problem.errors.empty()) std::abort();
    for (const auto& line : problem.describe())
      if (line.rfind("fuzz.html:", 0) != 0) std::abort();
  }
  if (!imported.article) return 0;
  for (const auto& section : imported.article->sections)
    if (section.access == archive::Access::Public &&
        (section.text.find(kSecret) != std::string::npos ||
         section.heading.value_or("").find(kSecret) != std::string::npos))
      std::abort();
  for (const auto& field : {imported.article->title, imported.article->summary})
    if (field.find(kSecret) != std::string::npos) std::abort();
  return 0;
}
