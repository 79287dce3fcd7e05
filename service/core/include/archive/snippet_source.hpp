// Which text a snippet is cut from: only the text the caller may see, which is the text
// stored in the document of the database their query ran on.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace archive {

inline constexpr std::size_t kSnippetLength = 200;

// The summary and the section texts (layout::slot::kText) of a document, in article order,
// paragraphs apart.
std::string snippet_text(std::string_view summary, std::string_view section_texts);

// The stretch of `text` a snippet shows: kSnippetLength bytes or fewer, cut between
// words, a little before the place where the most different probes start words; the
// opening when no probe occurs. Probes are lower-case.
std::string_view best_extract(std::string_view text, const std::vector<std::string>& probes);

// A highlighted extract and where in the document it was cut.
struct Snippet {
  std::string html;  // HTML-escaped, matches in <mark>, "…" where text is left out
  // The section (its index in layout::split_texts order) holding the first match, or the
  // extract's start when nothing matched; none when that is in the summary.
  std::optional<std::size_t> section;
};

// Snippets for the hits of one result page: the best extract of each hit's text, with the
// words that match the query marked. Xapian's MSet::snippet() does this too, but it
// tokenises and weighs every word it is given: 8 µs for each hit's 300 bytes, more than
// a quarter of a search (bench/http); here a word is looked at only when it starts with
// a query word's probe.
class SnippetSource {
 public:
  // `terms`: the query's terms, most important first: plain words match as they are,
  // Z-prefixed stems any word with that stem; other prefixed terms are fields and
  // filters, ignored. `prefixes` mark every word they start: the query's wildcards and,
  // while typing, its unfinished last word (wildcards_of()).
  explicit SnippetSource(const std::vector<std::string>& terms,
                         const std::vector<std::string>& prefixes = {});
  SnippetSource(const SnippetSource&) = delete;  // its stemmer is not to be shared
  SnippetSource& operator=(const SnippetSource&) = delete;

  // A highlighted extract (HTML-escaped, matches in <mark>) of about kSnippetLength
  // bytes from the document's summary and section texts, "…" where text is left out.
  std::string snippet(std::string_view summary, std::string_view section_texts) const {
    return cut(summary, section_texts).html;
  }
  // The same extract, with the section it comes from.
  Snippet cut(std::string_view summary, std::string_view section_texts) const;

 private:
  bool matches(std::string_view word) const;

  std::vector<std::string> words_, stems_;  // the query's plain words and its stems
  std::vector<std::string> prefixes_;
  std::vector<std::string> probes_;  // what a matching word starts with, lower-case
  Xapian::Stem stemmer_{"english"};  // one source per page: never shared by threads
};

// The unique terms of `query`, as SnippetSource takes them.
std::vector<std::string> terms_of(const Xapian::Query& query);

// The patterns of the wildcards in `query` ("stre" for stre*, and the last word of a
// partial query), which list no terms until a match expands them.
std::vector<std::string> wildcards_of(const Xapian::Query& query);

}  // namespace archive
