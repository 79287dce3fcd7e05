// Known-item search: a reader who types (most of) an article's title wants that article
// first, whatever BM25 thinks of articles that quote the title or repeat its words. A few
// candidates are looked up by their title keys (layout.hpp) and the match is checked on
// their titles, which every hit carries; for an anonymous caller only public data
// (titles) is involved.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

#include "archive/search_scope.hpp"
#include "archive/title_words.hpp"

namespace archive {

// How closely a query names a title, weakest first.
enum class TitleMatch {
  None,
  Prefix,      // the title's first three words or more, as typed
  OneTypo,     // the title's words (small words aside) with one slip in one of them
  SmallWords,  // the title's words but for small words (stopwords) missing or added
  Exact,       // the title's words, whatever the case and punctuation
};

// How closely `query` names `title` (both from title_words). With `unfinished`, the
// query's last word may be the start of the title's word in its place.
TitleMatch match_title(const std::vector<std::string>& query, const std::vector<std::string>& title,
                       bool unfinished);

// The articles of the scope (within `filters`, an empty query for none) whose title the
// query `text` names, as a query giving each of them a weight above any BM25 weight, the
// closer matches the more; an empty query when it names none.
Xapian::Query named_titles(const std::string& text, const SearchScope& scope,
                           const Xapian::Query& filters, bool unfinished);

}  // namespace archive
