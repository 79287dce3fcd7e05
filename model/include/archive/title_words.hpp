// Words as readers type them: the small words a question can do without, and a title's
// words, which known-item search compares with a query. The indexer stores each title's
// words as lookup keys (layout::prefix::kTitleWords, kTitleContent) and the search core
// builds the same keys from a query, so both sides split and join words here.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace archive {

// The common English words ignored at query time and in related-term choice.
std::span<const char* const> stopwords();
bool is_stopword(const std::string& word);

// The lower-cased words of `text`, split as the query parser splits words, an apostrophe
// inside a word kept ("Runner's" -> "runner's") and one at its end dropped.
std::vector<std::string> title_words(std::string_view text);

// `words` without the small ones.
std::vector<std::string> content_words(const std::vector<std::string>& words);

// The term looking up titles whose words (or content words) are `words`: `prefix`, then
// the words joined by spaces, cut to the length Xapian allows (titles that differ only
// beyond it share a key; a lookup checks what it finds).
std::string title_key(std::string_view prefix, const std::vector<std::string>& words);

// The start every key of a title beginning with `words` shares: with `unfinished`, the
// last word may be the start of the title's word; otherwise the title goes on after it.
std::string title_key_start(std::string_view prefix, const std::vector<std::string>& words,
                            bool unfinished);

}  // namespace archive
