// Any bytes as the body of a Markdown page, before a members block and a members fence,
// through the Markdown importer: whatever the bytes open and leave open (a fence, an HTML
// block, a heading), the members text never reaches what an anonymous reader sees, and a
// refused page always says where and why.
#include <cstdint>
#include <string>

#include "imported_page_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  archive::fuzz::check_imported_page(
      [&](const std::string& member_text) {
        std::string page =
            "---\ntitle: Fuzz\n---\nPublic knee text.\n\n" + bytes + "\n\n<!-- members -->\n\n" +
            member_text + " one\n\n<!-- /members -->\n\n```members\n" + member_text + " two\n```\n";
        return archive::import_markdown("fuzz.md", page, archive::ImportMapping());
      },
      "fuzz.md");
  return 0;
}
