// Any bytes as the body of a Markdown page, before a members block and a members fence,
// through the Markdown importer: whatever the bytes open and leave open (a fence, an HTML
// block, a heading), the members text never lands in public text, and a refused page
// always says where and why.
#include <cstdint>
#include <string>

#include "imported_page_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string kSecret = "zqsecretzq";
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.find("zqsecret") != std::string::npos) return 0;  // the input may not hold it
  std::string page = "---\ntitle: Fuzz\n---\nPublic knee text.\n\n" + bytes +
                     "\n\n<!-- members -->\n\n" + kSecret +
                     " one\n\n<!-- /members -->\n\n"
                     "```members\n" +
                     kSecret + " two\n```\n";
  archive::ImportMapping mapping;
  archive::fuzz::check_imported_page(archive::import_markdown("fuzz.md", page, mapping), "fuzz.md",
                                     kSecret);
  return 0;
}
