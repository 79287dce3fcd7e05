// Bytes and characters of UTF-8 text, as the query parser and snippets read them.
#pragma once

#include <cstddef>
#include <string_view>

#include "archive/utf8.hpp"

namespace archive {

// A byte of a word as QueryParser splits words at first sight: an ASCII letter or digit, or
// part of a UTF-8 character. Cutting text only between two bytes of which one is not a word
// byte never cuts a character.
inline bool is_word_byte(unsigned char c) {
  auto lower = c | 0x20;
  return (c >= '0' && c <= '9') || (lower >= 'a' && lower <= 'z') || c >= 0x80;
}

// `text` without the white space around it.
std::string_view trimmed(std::string_view text);

}  // namespace archive
