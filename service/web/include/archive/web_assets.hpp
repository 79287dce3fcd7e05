// The search page (service/web/*), compiled into the binary so archive-serve is one file.
#pragma once

#include <span>
#include <string_view>

namespace archive {

struct WebAsset {
  std::string_view path;  // "/", "/app.js", ...
  std::string_view content_type;
  std::string_view body;
};

std::span<const WebAsset> web_assets();

}  // namespace archive
