// Any bytes as the body of an HTML page, before a members-only block, through the HTML
// importer: whatever the bytes do to the markup, the members block's text never lands in
// what an anonymous reader sees, and a refused page always says where and why.
#include <cstdint>
#include <string>

#include "imported_page_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  archive::fuzz::check_imported_page(
      [&](const std::string& member_text) {
        std::string page = "<html><head><title>Fuzz</title></head><body><p>Public knee text.</p>" +
                           bytes + "<div class=\"members-only\"><p>" + member_text +
                           "</p></div></body></html>";
        return archive::import_html("fuzz.html", page, archive::ImportMapping());
      },
      "fuzz.html");
  return 0;
}
