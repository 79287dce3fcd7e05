#include "ranking.hpp"

#include "archive/query_builder.hpp"
#include "archive/searcher.hpp"
#include "archive/title_words.hpp"

namespace archive {
bool KeyTermDecider::operator()(const std::string& term) const {
  if (term.size() < 3 || term[0] != 'Z' || !std::islower(static_cast<unsigned char>(term[1])))
    return false;
  return !is_stopword(term.substr(1)) && (!db_ || db_->get_termfreq(term) > 1);
}

Xapian::BM25Weight ranking_weight() {
  return Xapian::BM25Weight(kRanking.k1, 0, 1, kRanking.b, 0.5);
}

Xapian::Query with_feedback(const Xapian::Query& query, const SearchScope& scope,
                            const Xapian::MSet& first_pass) {
  // With fewer matches than feedback documents the query is already specific (a rare
  // word, a name): expanding it would only add documents that lack what was asked for.
  if (first_pass.size() < kRanking.feedback_documents) return query;
  Xapian::RSet rset;
  for (auto it = first_pass.begin(); it != first_pass.end(); ++it) rset.add_document(*it);
  Xapian::Enquire expander(scope.db);
  expander.set_query(query);
  KeyTermDecider decider;
  auto eset = expander.get_eset(kRanking.feedback_terms, rset, &decider);
  if (eset.empty()) return query;
  // Each expansion term weighs in proportion to its expansion weight, the best at 1.
  std::vector<Xapian::Query> terms;
  double top = eset.begin().get_weight();
  for (auto it = eset.begin(); it != eset.end(); ++it)
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it), it.get_weight() / top);
  Xapian::Query expansion(Xapian::Query::OP_OR, terms.begin(), terms.end());
  // AND_MAYBE: the expansion re-ranks what the query matched and matches nothing new, so
  // counts and facets still describe what was asked, and the match stays cheap.
  return Xapian::Query(
      Xapian::Query::OP_AND_MAYBE, query,
      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, expansion, kRanking.feedback_weight));
}

}  // namespace archive
