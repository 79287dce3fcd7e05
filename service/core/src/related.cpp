// Related articles by relevance-set expansion: the key terms of one text (an indexed
// article, or a draft held only in memory) become a weighted query for the others.
#include <chrono>

#include "archive/document_builder.hpp"
#include "archive/layout.hpp"
#include "archive/searcher.hpp"
#include "archive/text.hpp"
#include "hits.hpp"
#include "ranking.hpp"

namespace archive {
namespace {

// The query is the source's 150 best expansion terms: on the sample archive the share of
// each article's own links found in its top 10 related rises with the terms used, from
// 0.82 with 24 to 0.95 with 150 (editors; 0.78 to 0.81 on the public tier), and is flat
// beyond (bench/editor-tools). The 24 best are shown as the source's key terms.
constexpr Xapian::termcount kKeyTerms = 150;
constexpr std::size_t kShownKeyTerms = 24;
constexpr std::size_t kShownSharedTerms = 5;
// Long enough for any article (the longest run to ~15,000 words); it bounds the cost of
// expanding a draft's terms.
constexpr std::size_t kMaxDraftBytes = 200'000;
const std::string kDraftMarker = "XDRAFT";

// The scope with the draft added in memory, and the draft's document id in it.
std::pair<SearchScope, Xapian::docid> with_draft(SearchScope scope, const std::string& text) {
  Xapian::WritableDatabase draft(std::string(), Xapian::DB_BACKEND_INMEMORY);
  auto indexer = make_term_generator();
  Xapian::Document doc;
  indexer.set_document(doc);
  // Without positions: a draft's positions are never used, and a word repeated
  // thousands of times made positional indexing quadratic.
  indexer.index_text_without_positions(text);
  doc.add_boolean_term(kDraftMarker);
  draft.add_document(doc);
  scope.db.add_database(draft);
  ++scope.databases;
  auto did = *scope.db.postlist_begin(kDraftMarker);
  scope.hidden = scope.hidden.empty() ? Xapian::Query(kDraftMarker)
                                      : Xapian::Query(Xapian::Query::OP_OR, scope.hidden,
                                                      Xapian::Query(kDraftMarker));
  return {scope, did};
}

}  // namespace

RelatedResponse Searcher::related(const RelatedRequest& request,
                                  const Entitlement& entitlement) const {
  auto start = std::chrono::steady_clock::now();
  if (request.limit < 1 || request.limit > limits_.max_limit)
    throw QueryError("limit: must be between 1 and " + std::to_string(limits_.max_limit));
  auto scope = scope_of(entitlement);
  Xapian::docid source = 0;
  if (request.id.empty()) {
    if (request.text.size() > kMaxDraftBytes)
      throw QueryError("text: a draft may be at most " + std::to_string(kMaxDraftBytes / 1000) +
                       " kB; send its most relevant part");
    if (!is_valid_utf8(request.text)) throw QueryError("text: must be valid UTF-8");
    std::tie(scope, source) = with_draft(scope, request.text);
  } else if (auto did = find_article(scope, request.id)) {
    source = *did;
    auto self = Xapian::Query(std::string(layout::prefix::kId) + request.id);
    scope.hidden =
        scope.hidden.empty() ? self : Xapian::Query(Xapian::Query::OP_OR, scope.hidden, self);
  } else {
    throw NotFoundError("no article with id \"" + request.id.substr(0, 128) + "\"");
  }

  Xapian::RSet rset;
  rset.add_document(source);
  Xapian::Enquire expander(scope.db);
  KeyTermDecider decider(&scope.db);
  // Exact term frequencies: by default Xapian scales each sub-database's frequency up to
  // the whole, which makes every word of a one-document draft overlay look universal.
  auto eset = expander.get_eset(kKeyTerms, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);

  RelatedResponse response;
  response.id = request.id;
  std::vector<Xapian::Query> terms;
  std::vector<std::string> key_terms;  // most telling first
  std::map<std::string, double> weight_of;
  for (auto it = eset.begin(); it != eset.end(); ++it) {
    key_terms.push_back(*it);
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it), it.get_weight());
    weight_of[*it] = it.get_weight();
    if (response.key_terms.size() < kShownKeyTerms) response.key_terms.push_back((*it).substr(1));
  }
  if (terms.empty()) {
    response.took_ms = milliseconds_since(start);
    return response;
  }
  auto enquire =
      make_enquire(scope, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  auto mset = enquire.get_mset(0, request.limit);
  SnippetSource snippets(key_terms);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    RelatedHit related{make_hit(it.get_document(), &snippets), {}};
    std::vector<std::string> shared(enquire.get_matching_terms_begin(it),
                                    enquire.get_matching_terms_end(it));
    std::stable_sort(shared.begin(), shared.end(),
                     [&](const auto& a, const auto& b) { return weight_of[a] > weight_of[b]; });
    for (std::size_t i = 0; i < shared.size() && i < kShownSharedTerms; ++i)
      related.shared_terms.push_back(shared[i].substr(1));
    response.results.push_back(std::move(related));
  }
  response.took_ms = milliseconds_since(start);
  return response;
}

}  // namespace archive
