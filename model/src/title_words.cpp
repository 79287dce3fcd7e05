#include "archive/title_words.hpp"

#include <xapian.h>

#include <algorithm>
#include <array>

#include "archive/layout.hpp"

namespace archive {
namespace {

// Words too common in English to say anything about a question. Applied at query time
// only (documents keep them, so phrases such as "range of motion" still match).
constexpr std::array kStopwords = {
    "a",     "about", "after", "all",    "also",  "am",   "an",    "and",   "any",    "are",
    "as",    "at",    "be",    "been",   "being", "but",  "by",    "can",   "could",  "did",
    "do",    "does",  "doing", "for",    "from",  "had",  "has",   "have",  "having", "he",
    "her",   "here",  "him",   "his",    "how",   "i",    "if",    "in",    "into",   "is",
    "it",    "its",   "just",  "me",     "more",  "most", "my",    "of",    "on",     "or",
    "our",   "out",   "she",   "should", "so",    "some", "such",  "than",  "that",   "the",
    "their", "them",  "then",  "there",  "these", "they", "this",  "those", "to",     "too",
    "us",    "was",   "we",    "were",   "what",  "when", "where", "which", "while",  "who",
    "whom",  "why",   "will",  "with",   "would", "you",  "your"};

bool is_apostrophe(unsigned ch) { return ch == '\'' || ch == 0x2019; }

std::string joined_words(std::string_view prefix, const std::vector<std::string>& words) {
  std::string key(prefix);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) key += ' ';
    key += words[i];
  }
  return key;
}

std::string cut_to_term_length(std::string key) {
  if (key.size() > layout::kMaxTermBytes) key.resize(layout::kMaxTermBytes);
  return key;
}

}  // namespace

std::span<const char* const> stopwords() { return kStopwords; }

bool is_stopword(const std::string& word) {
  return std::find(kStopwords.begin(), kStopwords.end(), word) != kStopwords.end();
}

std::vector<std::string> title_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool apostrophe = false;  // one seen after the word's last character
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
    unsigned ch = *it;
    if (Xapian::Unicode::is_wordchar(ch)) {
      if (apostrophe) word += '\'';
      apostrophe = false;
      Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(ch));
    } else if (is_apostrophe(ch) && !word.empty() && !apostrophe) {
      apostrophe = true;
    } else {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      apostrophe = false;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> content_words(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  std::copy_if(words.begin(), words.end(), std::back_inserter(out),
               [](const std::string& w) { return !is_stopword(w); });
  return out;
}

std::string title_key(std::string_view prefix, const std::vector<std::string>& words) {
  return cut_to_term_length(joined_words(prefix, words));
}

std::string title_key_start(std::string_view prefix, const std::vector<std::string>& words,
                            bool unfinished) {
  auto start = joined_words(prefix, words);
  if (!unfinished) start += ' ';
  return cut_to_term_length(std::move(start));
}

}  // namespace archive
