#include "title_match.hpp"

#include <algorithm>

#include "archive/layout.hpp"
#include "archive/query_builder.hpp"
#include "hits.hpp"

namespace archive {
namespace {

// Titles checked for a query: the best by BM25 of those that may be named (see
// titles_keyed and titles_near). Each costs a read of its stored hit (about 20 µs at 10k
// articles); with 10, one named title in 300 was missed on a generated 10k archive
// (bench/known-item).
constexpr Xapian::doccount kCandidates = 20;
// The weight of a title holding the query's words in order, against one holding some of
// them: enough to put every such title among the candidates first.
constexpr double kPhraseFirst = 100;
// Titles a word being typed may stand for while looking for candidates.
constexpr Xapian::termcount kTypingExpansion = 16;
// Words a title prefix must have before it names the title: fewer, and a two-word topic
// ("back pain") would rank every title starting with it above better answers.
constexpr std::size_t kMinPrefixWords = 3;
// Words beyond which a query is taken for no title at all (Cranfield's longest title has
// 40), so that a long query never becomes a long phrase of title terms.
constexpr std::size_t kMaxTitleWords = 64;
// A weight above any BM25 weight a query can reach: Xapian's BM25 gives a term at most
// (k1 + 1)(k3 + 1) log(2N + 1), about 75 at a million articles, and a query holds at most
// 64 terms (QueryLimits) plus feedback terms at half weight. Each step of closeness adds
// this much, so closer matches rank above looser ones and BM25 orders equals.
constexpr double kNamedWeight = 1e5;

// True when one insertion, deletion, substitution or swap of neighbours turns a into b.
bool one_edit_apart(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() < b.size()) return a.substr(i) == b.substr(i + 1);
  if (i == a.size()) return false;  // equal
  if (a.substr(i + 1) == b.substr(i + 1)) return true;
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
         a.substr(i + 2) == b.substr(i + 2);
}

// True when the words differ in exactly one place, by one slip in a word long enough for
// the slip not to make another common word ("pain" / "paid" is a slip, "leg" / "log" not).
bool one_typo_apart(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size() || a.empty()) return false;
  std::size_t differ = 0, where = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) ++differ, where = i;
  constexpr std::size_t kMinTypoBytes = 4;
  return differ == 1 && std::min(a[where].size(), b[where].size()) >= kMinTypoBytes &&
         one_edit_apart(a[where], b[where]);
}

bool is_prefix(const std::vector<std::string>& query, const std::vector<std::string>& title,
               bool unfinished) {
  if (query.size() < kMinPrefixWords || query.size() >= title.size() ||
      content_words(query).empty())
    return false;
  auto last = query.size() - 1;
  return std::equal(query.begin(), query.begin() + last, title.begin()) &&
         (query[last] == title[last] || (unfinished && title[last].starts_with(query[last])));
}

bool starts_a_term(const Xapian::Database& db, const std::string& start) {
  return db.allterms_begin(start) != db.allterms_end(start);
}

// True when a word of the query may be a slip: a word no title holds, or a word being
// typed that starts no title word. Without one, the keys of titles_keyed() find every
// title the query can name; with one, finding it takes a match (titles_near()).
bool may_hold_slip(const std::vector<std::string>& words, const Xapian::Database& db,
                   bool unfinished) {
  std::string prefix(layout::prefix::kTitle);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (is_stopword(words[i])) continue;
    auto term = prefix + words[i];
    bool typing = unfinished && i + 1 == words.size();
    if (typing ? !starts_a_term(db, term) : !db.term_exists(term)) return true;
  }
  return false;
}

// The titles a query without a slip may name, found by their keys (layout.hpp): its words
// (Exact), its words but small ones (SmallWords) and, from kMinPrefixWords words on, the
// first kCandidates titles in key order that start with its words (Prefix). A few term
// lookups and one short walk of the term list: at a million articles a match over the
// title words cost an eighth of a search. Among titles sharing a key, those whose title
// words weigh most come first, as in titles_near(). Empty when no key is held.
Xapian::Query titles_keyed(const std::vector<std::string>& words, const Xapian::Database& db,
                           bool unfinished) {
  namespace prefix = layout::prefix;
  std::vector<Xapian::Query> keys;
  auto add_if_held = [&](const std::string& key) {
    if (db.term_exists(key)) keys.emplace_back(key);
  };
  add_if_held(title_key(prefix::kTitleWords, words));
  auto content = content_words(words);
  if (!content.empty()) add_if_held(title_key(prefix::kTitleContent, content));
  if (!content.empty() && words.size() >= kMinPrefixWords) {
    auto start = title_key_start(prefix::kTitleWords, words, unfinished);
    auto key = db.allterms_begin(start);
    for (Xapian::doccount walked = 0; key != db.allterms_end(start) && walked < kCandidates;
         ++key, ++walked)
      keys.emplace_back(*key);
  }
  if (keys.empty()) return {};
  std::vector<Xapian::Query> held;  // a word being typed may be no term: it weighs nothing
  for (const auto& word : content) held.emplace_back(std::string(prefix::kTitle) + word);
  Xapian::Query keyed(Xapian::Query::OP_OR, keys.begin(), keys.end());
  if (held.empty()) return keyed;
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, keyed,
                       Xapian::Query(Xapian::Query::OP_OR, held.begin(), held.end()));
}

// The titles that may be named when the query may hold a slip: those holding every word
// of the query but small ones, one of which may be a slip. A word no article holds is
// taken for the slip and stands for the spelling dictionary's nearest word, which may or
// may not be the title's; the word being typed stands for its most frequent completions,
// or, when no title word starts so, for the nearest word. Titles holding the words in order come
// first: a title named by its first words ("nociception with the") may have one word that narrows,
// shared by many titles, and the phrase picks it out among them. An empty query when no
// title can be named (two words no title holds).
Xapian::Query titles_near(const std::vector<std::string>& words, const Xapian::Database& db,
                          bool unfinished) {
  std::vector<Xapian::Query> held, nearest;
  std::size_t slips = 0;
  std::string prefix(layout::prefix::kTitle);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& word = words[i];
    auto term = prefix + word;
    bool typing = unfinished && i + 1 == words.size();
    if (is_stopword(word)) continue;
    if (typing && starts_a_term(db, term))
      held.emplace_back(Xapian::Query::OP_WILDCARD, term, kTypingExpansion,
                        Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    else if (db.term_exists(term))
      held.emplace_back(term);
    else if (++slips > 1)
      return {};
    // A real word no title holds ("paid" for "pain") is the slip, but looking up what
    // was meant would be a costly guess.
    else if (typing || !db.term_exists(word))
      if (auto word_meant = db.get_spelling_suggestion(word, 1); !word_meant.empty())
        nearest.emplace_back(prefix + word_meant);
  }
  Xapian::Query candidates;
  if (!held.empty()) candidates = Xapian::Query(Xapian::Query::OP_AND, held.begin(), held.end());
  if (!nearest.empty())
    candidates = held.empty()
                     ? nearest.front()
                     : Xapian::Query(Xapian::Query::OP_AND_MAYBE, candidates, nearest.front());
  if (candidates.empty()) return {};
  auto in_order = words.size() - (unfinished ? 1 : 0);  // a word being typed is no term yet
  if (in_order < 2) return candidates;
  std::vector<Xapian::Query> phrase;
  for (std::size_t i = 0; i < in_order; ++i) phrase.emplace_back(prefix + words[i]);
  return Xapian::Query(
      Xapian::Query::OP_OR, candidates,
      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                    Xapian::Query(Xapian::Query::OP_PHRASE, phrase.begin(), phrase.end()),
                    kPhraseFirst));
}

// A query matching only the article with this id, at a fixed weight.
Xapian::Query article_at_weight(const std::string& id, double weight) {
  auto* source = new Xapian::FixedWeightPostingSource(weight);
  return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(source->release()),
                       Xapian::Query(std::string(layout::prefix::kId) + id));
}

}  // namespace

TitleMatch match_title(const std::vector<std::string>& query, const std::vector<std::string>& title,
                       bool unfinished) {
  if (query.empty()) return TitleMatch::None;
  if (query == title) return TitleMatch::Exact;
  auto query_content = content_words(query), title_content = content_words(title);
  if (!query_content.empty() && query_content == title_content) return TitleMatch::SmallWords;
  if (one_typo_apart(query_content, title_content)) return TitleMatch::OneTypo;
  if (is_prefix(query, title, unfinished)) return TitleMatch::Prefix;
  return TitleMatch::None;
}

Xapian::Query named_titles(const std::string& text, const SearchScope& scope,
                           const Xapian::Query& filters, bool unfinished) {
  auto words = title_words(text);
  if (words.empty() || words.size() > kMaxTitleWords) return {};
  auto terms = may_hold_slip(words, scope.db, unfinished)
                   ? titles_near(words, scope.db, unfinished)
                   : titles_keyed(words, scope.db, unfinished);
  if (terms.empty()) return {};
  if (!filters.empty()) terms = Xapian::Query(Xapian::Query::OP_FILTER, terms, filters);
  std::vector<Xapian::Query> named;
  auto candidates = make_enquire(scope, terms).get_mset(0, kCandidates);
  for (auto it = candidates.begin(); it != candidates.end(); ++it) {
    auto hit = make_hit(it.get_document(), nullptr);
    auto closeness = match_title(words, title_words(hit.title), unfinished);
    if (closeness != TitleMatch::None)
      named.push_back(article_at_weight(hit.id, kNamedWeight * static_cast<int>(closeness)));
  }
  if (named.empty()) return {};
  return Xapian::Query(Xapian::Query::OP_OR, named.begin(), named.end());
}

}  // namespace archive
