// Any bytes as the body of an HTML page, before a members-only block, through the HTML
// importer: whatever the bytes do to the markup, the members block's text never lands in
// a public section, and a refused page always says where and why.
#include <cstdint>
#include <string>

#include "imported_page_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string kSecret = "zqsecretzq";
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.find("zqsecret") != std::string::npos) return 0;  // the input may not hold it
  std::string page = "<html><head><title>Fuzz</title></head><body><p>Public knee text.</p>" +
                     bytes + "<div class=\"members-only\"><p>" + kSecret +
                     "</p></div></body></html>";
  archive::ImportMapping mapping;
  archive::fuzz::check_imported_page(archive::import_html("fuzz.html", page, mapping), "fuzz.html",
                                     kSecret);
  return 0;
}
