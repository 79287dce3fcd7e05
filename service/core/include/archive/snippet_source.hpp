// Which text a snippet is cut from: only the text the caller may see, which is the text
// stored in the document of the database their query ran on.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

namespace archive {

inline constexpr std::size_t kSnippetLength = 200;

// The summary and the section texts (layout::slot::kText) of a document, in article order,
// paragraphs apart.
std::string snippet_text(std::string_view summary, std::string_view section_texts);

// The stretch of `text` a snippet for `probes` is cut from: a few snippets' length around
// the place where the most different probes start words; the opening when no probe
// occurs. Probes are lower-case.
std::string_view best_passage(std::string_view text, const std::vector<std::string>& probes);

// Snippets for the hits of one result page. Xapian's MSet::snippet() tokenises and stems
// every word it is given, so handing it a whole article cost more than the search
// itself; it is handed the best passage instead and still decides the extract and the
// highlighting.
class SnippetSource {
 public:
  // `terms`: the query's terms, most important first (prefixed terms are ignored).
  SnippetSource(const Xapian::MSet& mset, const std::vector<std::string>& terms);
  SnippetSource(const SnippetSource&) = delete;  // its stemmer refers to its probes
  SnippetSource& operator=(const SnippetSource&) = delete;

  // A highlighted extract (HTML-escaped, matches in <mark>) of about kSnippetLength
  // characters from the document's summary and section texts, "…" where text is left out.
  std::string snippet(std::string_view summary, std::string_view section_texts) const;

 private:
  const Xapian::MSet& mset_;
  std::vector<std::string> probes_;
  std::vector<std::pair<std::string, std::size_t>> forms_;  // probes as written, found by find
  Xapian::Stem stemmer_;  // reads probes_; one per page, so never shared between threads
};

// The last word of typed text, ASCII lower-cased: while typing, a prefix the query holds
// only as a wildcard, which SnippetSource should look for too.
std::string last_word(std::string_view text);

// The unique terms of `query`, as SnippetSource takes them.
std::vector<std::string> terms_of(const Xapian::Query& query);

}  // namespace archive
