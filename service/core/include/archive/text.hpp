// Bytes and characters of UTF-8 text, as the query parser and snippets read them.
#pragma once

#include <cstddef>
#include <string_view>

namespace archive {

// A byte of a word as QueryParser splits words at first sight: an ASCII letter or digit, or
// part of a UTF-8 character. Cutting text only between two bytes of which one is not a word
// byte never cuts a character.
inline bool is_word_byte(unsigned char c) {
  auto lower = c | 0x20;
  return (c >= '0' && c <= '9') || (lower >= 'a' && lower <= 'z') || c >= 0x80;
}

// A byte inside a UTF-8 character, after its first: never a place to cut.
inline bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// `text` without the white space around it.
std::string_view trimmed(std::string_view text);

// The character at text[at]: its code point and size in bytes; size 0 past the end or
// when the bytes there are not UTF-8 (cut short, overlong, a surrogate, past U+10FFFF).
struct Utf8Char {
  char32_t code = 0;
  std::size_t size = 0;
};
Utf8Char utf8_char_at(std::string_view text, std::size_t at);

bool is_valid_utf8(std::string_view text);

}  // namespace archive
