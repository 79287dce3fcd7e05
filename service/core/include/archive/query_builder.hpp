// From what a person typed to a Xapian query: explicit syntax where it parses, a
// forgiving reading where it does not, and limits that bound the cost either way.
#pragma once

#include <xapian.h>

#include <memory>
#include <string>

#include "archive/search_types.hpp"

namespace archive {

struct QueryLimits {
  std::size_t max_query_bytes = 1024;
  std::size_t max_terms = 64;
  Xapian::termcount max_expansion = 64;  // words a partial or wildcard term may become
  // Words all the wildcards of a query may become together: each wildcard's expansion
  // costs a posting list, and 58 wildcards at 64 words each took a second at 10k articles.
  Xapian::termcount max_expanded_terms = 128;
};

struct ParsedQuery {
  Xapian::Query query;
  std::string corrected;  // spelling suggestion, empty when none
};

class QueryBuilder {
 public:
  explicit QueryBuilder(QueryLimits limits = {});

  // `db` supplies term frequencies for wildcard expansion and the spelling dictionary;
  // pass the database of the caller's tier. Throws QueryError for queries over the limits
  // and for XOR, which crashes Xapian 1.4.22 in several shapes.
  ParsedQuery parse(const std::string& text, const Xapian::Database& db, bool partial) const;

  // The boolean filters and date range of a request, combined; an empty query when none
  // (filtering by MatchAll would still walk its posting list: a tenth of a search).
  Xapian::Query filters(const SearchRequest& request) const;

  const QueryLimits& limits() const { return limits_; }

 private:
  QueryLimits limits_;
  Xapian::Stem stemmer_;
  Xapian::SimpleStopper stopper_;
};

// A fresh query matching every document. Never copy Xapian::Query::MatchAll across
// threads: Xapian's reference counts are not atomic, and the shared static gets corrupted.
Xapian::Query match_all();

// "Did you mean": `text` (already case-folded) with each word that is in no document of
// `db` replaced by the spelling dictionary's suggestion; empty when there is nothing to
// correct. Words Xapian's own correction would change although they exist are left alone,
// as are stopwords, field names and values, numbers, wildcards (a prefix, not a word: and
// 58 of them cost 30 ms to look up) and a word still being typed.
std::string correct_spelling(const std::string& text, const Xapian::Database& db, bool partial);

// Drops a final '"' that opens no closed phrase: a typo, not a phrase to the end.
std::string close_quotes(std::string text);

// Lower-cases every word but the operators AND, OR, NOT, XOR, NEAR and ADJ; in a query
// typed all in capitals those are lower-cased too, since there they are words.
std::string fold_case(const std::string& text);

}  // namespace archive
