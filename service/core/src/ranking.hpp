// Ranking beyond the match itself. Each setting here was kept because it raised nDCG@10
// on the ranking benchmark (bench/relevance) while staying within the values the IR
// literature uses for long and short documents alike; see README, "Ranking".
#pragma once

#include <xapian.h>

#include "archive/search_scope.hpp"

namespace archive {

struct RankingConfig {
  // BM25: k1 a little above the textbook 1.2 lets repeated (and title-weighted) terms
  // count for more; b is the textbook length normalisation.
  double k1 = 1.6;
  double b = 0.75;
  // Pseudo-relevance feedback: the key terms of the top documents, added at half the
  // query's weight. Off for unfinished (as-you-type) queries, where speed matters most.
  Xapian::doccount feedback_documents = 5;
  Xapian::termcount feedback_terms = 20;
  double feedback_weight = 0.5;
};

inline constexpr RankingConfig kRanking{};

// Accepts the stems of free text (not prefixed fields, ids or stopwords) as key terms
// of a text; with `must_share`, only stems some other document of that database has.
class KeyTermDecider : public Xapian::ExpandDecider {
 public:
  explicit KeyTermDecider(const Xapian::Database* must_share = nullptr) : db_(must_share) {}
  bool operator()(const std::string& term) const override;

 private:
  const Xapian::Database* db_;
};

// `query` expanded by the key terms of the documents it ranked first.
Xapian::Query with_feedback(const Xapian::Query& query, const SearchScope& scope,
                            const Xapian::MSet& first_pass);

}  // namespace archive
