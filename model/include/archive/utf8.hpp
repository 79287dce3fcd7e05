// UTF-8 as the article model requires it: text of every kind (JSONL fields, imported
// pages, queries) is UTF-8, checked where it enters.
#pragma once

#include <cstddef>
#include <string_view>

namespace archive {

// A byte inside a UTF-8 character, after its first: never a place to cut.
inline bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The character at text[at]: its code point and size in bytes; size 0 past the end or
// when the bytes there are not UTF-8 (cut short, overlong, a surrogate, past U+10FFFF).
struct Utf8Char {
  char32_t code = 0;
  std::size_t size = 0;
};
Utf8Char utf8_char_at(std::string_view text, std::size_t at);

// The length of the longest prefix of `text` that is UTF-8: text.size() when all of it is.
std::size_t utf8_prefix_size(std::string_view text);

inline bool is_valid_utf8(std::string_view text) { return utf8_prefix_size(text) == text.size(); }

}  // namespace archive
