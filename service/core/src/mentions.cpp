// Missing cross-references: a phrase naming one article found in another article's text
// that does not link to it. Each text is read once, word by word; a phrase is looked up
// by its first word, so the cost grows with the archive's words, not with its phrases.
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "archive/query_builder.hpp"
#include "archive/text.hpp"
#include "archive/title_words.hpp"
#include "archive/xref.hpp"

namespace archive {
namespace {

// A word of a text, lower-cased, and where it lies in the text (bytes).
struct Token {
  std::string word;
  std::size_t begin = 0, end = 0;
};

bool is_apostrophe(unsigned ch) { return ch == '\'' || ch == 0x2019; }

// The words of `text`. An apostrophe between two letters stays in its word ("runner's"),
// the typographic one made plain, so that either spelling matches the other.
std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  Xapian::Utf8Iterator it(text.data(), text.size()), end;
  bool in_word = false;
  while (it != end) {
    std::size_t at = text.size() - it.left();
    unsigned ch = *it;
    ++it;
    bool joins = in_word && is_apostrophe(ch) && it != end && Xapian::Unicode::is_wordchar(*it);
    if (!Xapian::Unicode::is_wordchar(ch) && !joins) {
      in_word = false;
      continue;
    }
    if (!in_word) tokens.push_back({{}, at, at});
    in_word = true;
    Xapian::Unicode::append_utf8(tokens.back().word, joins ? '\'' : Xapian::Unicode::tolower(ch));
    tokens.back().end = text.size() - it.left();
  }
  return tokens;
}

// What separates two words, less the spaces and hyphens that may vary between spellings
// ("delayed-onset" and "delayed onset"): "" between words of a clause, ":" or "?" where a
// title has them. A phrase matches only across the separators it has itself.
std::string separator(std::string_view text, const Token& a, const Token& b) {
  std::string out;
  for (char c : text.substr(a.end, b.begin - a.end))
    if (c != ' ' && c != '\t' && c != '-') out += c;
  return out;
}

// A phrase's words and the separators between them.
struct Words {
  std::vector<std::string> words;
  std::vector<std::string> separators;  // one fewer than words
};

Words words_of(std::string_view text) {
  auto tokens = tokenize(text);
  Words out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out.separators.push_back(separator(text, tokens[i - 1], tokens[i]));
    out.words.push_back(std::move(tokens[i].word));
  }
  return out;
}

std::size_t content_words(const std::vector<std::string>& words) {
  return std::count_if(words.begin(), words.end(), [](const auto& w) { return !is_stopword(w); });
}

// A phrase naming one article of the corpus.
struct Phrase {
  std::size_t target = 0;  // index in the corpus
  std::string text;        // as the article gives it
  MentionKind kind = MentionKind::KeyPhrase;
  std::vector<std::string> words;
  std::vector<std::string> separators;
};

// "Heat or Ice?" -> "Heat or Ice": a citation's closing punctuation is not part of it.
std::string without_final_punctuation(std::string title) {
  while (!title.empty() && std::string_view(" ?!.").find(title.back()) != std::string_view::npos)
    title.pop_back();
  return title;
}

// The phrases that name article `index`: key phrases first, so a title head that only
// repeats a key phrase counts as the key phrase. A title needs two words that are not
// stopwords to name one article rather than a topic ("Massage", "Fascia").
std::vector<Phrase> phrases_of(const XrefArticle& article, std::size_t index) {
  std::vector<Phrase> out;
  auto add = [&](const std::string& text, MentionKind kind) {
    auto [words, separators] = words_of(text);
    std::size_t needed = kind == MentionKind::KeyPhrase ? 1 : 2;
    if (content_words(words) < needed) return;
    for (const auto& p : out)
      if (p.words == words && p.separators == separators) return;
    out.push_back({index, text, kind, std::move(words), std::move(separators)});
  };
  for (const auto& phrase : article.key_phrases) add(phrase, MentionKind::KeyPhrase);
  add(without_final_punctuation(article.title), MentionKind::Title);
  if (auto colon = article.title.find(':'); colon != std::string::npos)
    add(without_final_punctuation(article.title.substr(0, colon)), MentionKind::TitleHead);
  return out;
}

// Text word `token` is phrase word `word`; the last word of a phrase may also carry a
// plural or possessive ending, or lack the plural ending the phrase has.
bool same_word(const std::string& token, const std::string& word, bool last) {
  if (token == word) return true;
  if (!last) return false;
  for (std::string_view ending : {"s", "es", "'s"})
    if (token.size() == word.size() + ending.size() && token.starts_with(word) &&
        token.ends_with(ending))
      return true;
  return word.size() > 2 && word.back() == 's' && token.size() + 1 == word.size() &&
         word.starts_with(token);
}

// The forms of a text word under which a phrase starting with it is filed.
std::vector<std::string> lookup_keys(const std::string& word) {
  std::vector<std::string> keys{word, word + "s"};
  for (std::string_view ending : {"s", "es", "'s"})
    if (word.size() > ending.size() + 1 && word.ends_with(ending))
      keys.push_back(word.substr(0, word.size() - ending.size()));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// The byte just past the phrase starting at tokens[i], or 0 when it does not start there.
std::size_t match_at(std::string_view text, const std::vector<Token>& tokens, std::size_t i,
                     const Phrase& phrase) {
  const auto& words = phrase.words;
  if (i + words.size() > tokens.size()) return 0;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (k > 0 && separator(text, tokens[i + k - 1], tokens[i + k]) != phrase.separators[k - 1])
      return 0;
    if (!same_word(tokens[i + k].word, words[k], k + 1 == words.size())) return 0;
  }
  return tokens[i + words.size() - 1].end;
}

// --- Sentences ----------------------------------------------------------------------------

constexpr std::size_t kMaxSentenceBytes = 400;
constexpr std::size_t kContextBytes = 160;  // each side of the mention in a cut sentence

// Bytes of closing quotes and brackets at `i` ("'", '"', ')', ’ and ”), or 0.
std::size_t closer_at(std::string_view text, std::size_t i) {
  auto rest = text.substr(i);
  if (rest.empty()) return 0;
  if (rest[0] == '"' || rest[0] == '\'' || rest[0] == ')') return 1;
  if (rest.starts_with("\xE2\x80\x99") || rest.starts_with("\xE2\x80\x9D")) return 3;
  return 0;
}

// The byte past the end of the sentence whose terminator (. ! ? or a line break) is at
// `i`, or 0 when the character at `i` ends no sentence ("3.5", "e.g.x").
std::size_t sentence_end_at(std::string_view text, std::size_t i) {
  if (text[i] == '\n') return i + 1;
  if (text[i] != '.' && text[i] != '!' && text[i] != '?') return 0;
  std::size_t j = i + 1;
  while (std::size_t n = closer_at(text, j)) j += n;
  return j == text.size() || std::isspace(static_cast<unsigned char>(text[j])) ? j : 0;
}

// The sentence of `text` holding bytes [begin, end); a long one is cut around them.
std::string sentence_around(std::string_view text, std::size_t begin, std::size_t end) {
  std::size_t start = 0;
  for (std::size_t k = begin; k > 0; --k)
    if (std::size_t after = sentence_end_at(text, k - 1)) {
      start = std::min(after, begin);
      break;
    }
  std::size_t stop = text.size();
  for (std::size_t k = end; k < text.size(); ++k)
    if (std::size_t after = sentence_end_at(text, k)) {
      stop = after;
      break;
    }
  if (stop - start <= kMaxSentenceBytes)
    return std::string(trimmed(text.substr(start, stop - start)));
  std::size_t from = std::max(start, begin > kContextBytes ? begin - kContextBytes : 0);
  std::size_t to = std::min(stop, end + kContextBytes);
  while (from > start && is_continuation_byte(text[from])) --from;
  while (to < stop && is_continuation_byte(text[to])) ++to;
  return std::string(from > start ? "…" : "") + std::string(trimmed(text.substr(from, to - from))) +
         (to < stop ? "…" : "");
}

// A phrase that more articles than this declare or are titled by names a topic they
// share, not one of them: a mention of it says nothing about which to link to (and would
// be reported once for each of them).
constexpr std::size_t kMaxArticlesNamed = 3;

void drop_ambiguous(std::vector<Phrase>& phrases) {
  auto key = [](const Phrase& p) {
    std::string k;
    for (std::size_t i = 0; i < p.words.size(); ++i)
      k.append(i ? p.separators[i - 1] + " " : "").append(p.words[i]);
    return k;
  };
  std::unordered_map<std::string, std::set<std::size_t>> named;
  for (const auto& p : phrases) named[key(p)].insert(p.target);
  std::erase_if(phrases, [&](const Phrase& p) { return named[key(p)].size() > kMaxArticlesNamed; });
}

// --- Scoring ------------------------------------------------------------------------------

// A title head is dropped when more articles than this use it: then it names a topic
// many articles discuss ("Low Back Pain", "Neck Pain"), not the one article so titled.
std::size_t max_title_head_spread(std::size_t articles) {
  return std::max<std::size_t>(3, articles / 10);
}

double phrase_confidence(const Phrase& p) {
  double base = p.kind == MentionKind::Title ? 0.9 : p.kind == MentionKind::KeyPhrase ? 0.8 : 0.5;
  return base + 0.05 * static_cast<double>(std::min<std::size_t>(p.words.size() - 1, 2));
}

double confidence(const Phrase& p, std::size_t occurrences) {
  double c =
      phrase_confidence(p) + 0.03 * static_cast<double>(std::min<std::size_t>(occurrences - 1, 3));
  return std::round(std::min(c, 0.99) * 100) / 100;
}

// One place a phrase occurs: which phrase, which text of the source, which bytes.
struct Mention {
  std::size_t phrase, text, begin, end;
};

class MentionFinder {
 public:
  MentionFinder(const std::vector<XrefArticle>& corpus, const PairFilter& wanted)
      : corpus_(corpus), wanted_(wanted) {
    for (std::size_t i = 0; i < corpus.size(); ++i)
      for (auto& p : phrases_of(corpus[i], i)) phrases_.push_back(std::move(p));
    drop_ambiguous(phrases_);
    for (std::size_t p = 0; p < phrases_.size(); ++p)
      by_first_word_[phrases_[p].words[0]].push_back(p);
    spread_.assign(phrases_.size(), 0);
  }

  std::vector<MissingLink> run() {
    for (std::size_t source = 0; source < corpus_.size(); ++source) scan(source);
    std::vector<MissingLink> out;
    for (const auto& [pair, mentions] : unlinked_)
      if (auto link = report(pair.first, pair.second, mentions)) out.push_back(std::move(*link));
    std::sort(out.begin(), out.end(), [](const MissingLink& a, const MissingLink& b) {
      return std::tie(b.confidence, a.from, a.to) < std::tie(a.confidence, b.from, b.to);
    });
    return out;
  }

 private:
  // Every mention in one source: counted toward each phrase's spread, and kept when the
  // source does not link to the target and the caller wants that pair.
  void scan(std::size_t source) {
    const auto& article = corpus_[source];
    std::set<std::string> links(article.links.begin(), article.links.end());
    std::set<std::size_t> seen;
    for (std::size_t t = 0; t < article.texts.size(); ++t) {
      std::string_view text = article.texts[t];
      auto tokens = tokenize(text);
      for (std::size_t i = 0; i < tokens.size(); ++i)
        for (auto [p, end] : phrases_at(text, tokens, i, source)) {
          seen.insert(p);
          const auto& target = corpus_[phrases_[p].target];
          if (links.contains(target.id) || (wanted_ && !wanted_(article, target))) continue;
          unlinked_[{source, phrases_[p].target}].push_back({p, t, tokens[i].begin, end});
        }
    }
    for (auto p : seen) ++spread_[p];
  }

  // The phrases of other articles than `source` starting at tokens[i], and where each ends.
  std::vector<std::pair<std::size_t, std::size_t>> phrases_at(std::string_view text,
                                                              const std::vector<Token>& tokens,
                                                              std::size_t i,
                                                              std::size_t source) const {
    std::vector<std::pair<std::size_t, std::size_t>> found;
    for (const auto& key : lookup_keys(tokens[i].word)) {
      auto filed = by_first_word_.find(key);
      if (filed == by_first_word_.end()) continue;
      for (auto p : filed->second)
        if (phrases_[p].target != source)
          if (auto end = match_at(text, tokens, i, phrases_[p])) found.emplace_back(p, end);
    }
    return found;
  }

  bool counts(const Mention& m) const {
    const auto& p = phrases_[m.phrase];
    return p.kind != MentionKind::TitleHead ||
           spread_[m.phrase] <= max_title_head_spread(corpus_.size());
  }

  std::optional<MissingLink> report(std::size_t source, std::size_t target,
                                    const std::vector<Mention>& all) const {
    std::vector<Mention> mentions;
    std::copy_if(all.begin(), all.end(), std::back_inserter(mentions),
                 [&](const auto& m) { return counts(m); });
    if (mentions.empty()) return std::nullopt;
    // Mentions come in text order, so the first best one is where the sentence is taken.
    auto best =
        std::max_element(mentions.begin(), mentions.end(), [&](const auto& a, const auto& b) {
          return phrase_confidence(phrases_[a.phrase]) < phrase_confidence(phrases_[b.phrase]);
        });
    std::set<std::pair<std::size_t, std::size_t>> places;
    for (const auto& m : mentions) places.insert({m.text, m.begin});
    const auto& from = corpus_[source];
    const auto& to = corpus_[target];
    const auto& phrase = phrases_[best->phrase];
    return MissingLink{from.id,
                       from.title,
                       to.id,
                       to.title,
                       phrase.text,
                       phrase.kind,
                       sentence_around(from.texts[best->text], best->begin, best->end),
                       places.size(),
                       confidence(phrase, places.size())};
  }

  const std::vector<XrefArticle>& corpus_;
  const PairFilter& wanted_;
  std::vector<Phrase> phrases_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_first_word_;
  std::vector<std::size_t> spread_;  // per phrase: sources (other than its own) using it
  std::map<std::pair<std::size_t, std::size_t>, std::vector<Mention>> unlinked_;
};

}  // namespace

std::string_view to_string(MentionKind kind) {
  switch (kind) {
    case MentionKind::Title:
      return "title";
    case MentionKind::KeyPhrase:
      return "key_phrase";
    case MentionKind::TitleHead:
      return "title_head";
  }
  return "key_phrase";
}

std::vector<MissingLink> find_missing_links(const std::vector<XrefArticle>& corpus,
                                            const PairFilter& wanted) {
  return MentionFinder(corpus, wanted).run();
}

}  // namespace archive
