#include "archive/utf8.hpp"

namespace archive {

Utf8Char utf8_char_at(std::string_view text, std::size_t at) {
  if (at >= text.size()) return {};
  auto c = static_cast<unsigned char>(text[at]);
  std::size_t len = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
  if (len == 0 || at + len > text.size()) return {};
  char32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(text[at + k]);
    if (!is_continuation_byte(text[at + k])) return {};
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len};
}

std::size_t utf8_prefix_size(std::string_view text) {
  std::size_t i = 0;
  for (std::size_t size; i < text.size() && (size = utf8_char_at(text, i).size) != 0;) i += size;
  return i;
}

}  // namespace archive
