#include "archive/query_builder.hpp"

#include <algorithm>
#include <array>

#include "archive/document_builder.hpp"
#include "archive/layout.hpp"
#include "archive/snippet_source.hpp"
#include "archive/text.hpp"
#include "archive/title_words.hpp"

namespace archive {
namespace {

namespace prefix = layout::prefix;
using QP = Xapian::QueryParser;

// Operator words QueryParser knows in capitals; fold_case() leaves them alone.
constexpr std::array<std::string_view, 6> kOperators = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};

constexpr unsigned kSyntaxFlags =
    QP::FLAG_PHRASE | QP::FLAG_BOOLEAN | QP::FLAG_LOVEHATE | QP::FLAG_WILDCARD | QP::FLAG_PURE_NOT;

Xapian::Query term_query(std::string_view prefix, const std::string& value) {
  return Xapian::Query(std::string(prefix) + value);
}

// Keeps letters, digits and spaces: the last resort for input no grammar accepts.
std::string words_only(const std::string& text) {
  std::string out;
  for (char c : text) out += is_word_byte(c) ? c : ' ';
  return out;
}

// How many words the unfinished last word of `text` may become while typing: its most
// frequent completions. One letter would become hundreds of words, found in nearly every
// article (12 ms a search at 10k articles), and narrows nothing: it stays a word ("vitamin
// d"). Two letters become the 16 most frequent (3.2 -> 1.5 ms for "tr"); longer ones `most`.
Xapian::termcount partial_expansion(std::string_view text, Xapian::termcount most) {
  std::size_t letters = 0;  // characters of the last word, if the text ends in one
  for (auto at = text.size(); at > 0 && is_word_byte(text[at - 1]); --at)
    letters += !is_continuation_byte(text[at - 1]);
  return letters < 2 ? 0 : letters == 2 ? std::min<Xapian::termcount>(16, most) : most;
}

// The query of the first reading of `text` that parses: strict syntax; the same words
// without operators; bare words.
Xapian::Query parse_forgiving(QP& parser, const std::string& text, unsigned extra_flags) {
  for (auto [flags, input] :
       {std::pair{kSyntaxFlags | extra_flags, text}, std::pair{QP::FLAG_PHRASE | extra_flags, text},
        std::pair{extra_flags, words_only(text)}}) {
    try {
      return parser.parse_query(input, flags);
    } catch (const Xapian::QueryParserError&) {
      continue;
    }
  }
  return {};
}

// True when `text` joins an excluded term ("-word*", "-\"a b\"", "-(...)") with a windowed
// NEAR/n or ADJ/n. Xapian 1.4.22's parser leaks an allocation (96 bytes) on every such
// query, "-x* NEAR/2 b" among them: queries an attacker could send in a loop. The check is
// wider than the leak (any excluded term with any window) so that it needs no knowledge of
// the parser's insides; such queries are rare, and the message says what to change.
bool excludes_then_windows(std::string_view text) {
  bool excludes = false, windows = false;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find(' ', at);
    auto token = text.substr(at, end == std::string_view::npos ? text.npos : end - at);
    auto start = token.find_first_not_of("(\"");
    if (start != std::string_view::npos && token[start] == '-' && token.size() > start + 1)
      excludes = true;
    for (std::string_view op : {"NEAR/", "ADJ/"})
      if (token.starts_with(op) && token.size() > op.size()) windows = true;
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return excludes && windows;
}

// True when `query` holds an XOR. Xapian 1.4.22 crashes (SIGSEGV in the matcher) on
// XOR shapes: over a wildcard or a word being typed when the database has two parts, as an
// unlock's has, and, as fuzzing found, over a phrase and unstemmed words on one database
// ("stretching sleetitle:p XOR run*ning" as a member). The trigger is inside Xapian, so no
// XOR reaches it. A rewrite would not be cheaper to trust: a XOR b XOR c is the parity of
// every operand, and (a OR b) AND_NOT (a AND b) for each pair grows exponentially.
bool has_xor(const Xapian::Query& query) {
  if (query.get_type() == Xapian::Query::OP_XOR) return true;
  for (std::size_t i = 0; i < query.get_num_subqueries(); ++i)
    if (has_xor(query.get_subquery(i))) return true;
  return false;
}

}  // namespace

Xapian::Query match_all() { return Xapian::Query(std::string()); }

std::string correct_spelling(const std::string& text, const Xapian::Database& db, bool partial) {
  std::string out;
  bool changed = false;
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!is_word_byte(c)) {
      out += text[i++];
      continue;
    }
    auto j = i;
    while (j < text.size() && is_word_byte(text[j])) ++j;
    auto word = text.substr(i, j - i);
    bool field_value = i > 0 && text[i - 1] == ':';
    bool field_name = j < text.size() && text[j] == ':';
    bool pattern = j < text.size() && text[j] == '*';
    bool unfinished = partial && j == text.size();
    std::string suggestion;
    if (!field_value && !field_name && !pattern && !unfinished && !is_stopword(word) &&
        !db.term_exists(word) && !std::isdigit(static_cast<unsigned char>(word[0])))
      suggestion = db.get_spelling_suggestion(word);
    changed |= !suggestion.empty();
    out += suggestion.empty() ? word : suggestion;
    i = j;
  }
  return changed ? out : std::string();
}

std::string close_quotes(std::string text) {
  if (std::count(text.begin(), text.end(), '"') % 2 == 1) text.erase(text.rfind('"'), 1);
  return text;
}

std::string fold_case(const std::string& text) {
  bool shouting =
      std::none_of(text.begin(), text.end(), [](unsigned char c) { return std::islower(c); });
  std::string out;
  std::size_t done = 0;
  // Copies text[done, end) lower-cased, then the operator word at [end, next) as it is.
  auto flush = [&](std::size_t end, std::size_t next) {
    out += Xapian::Unicode::tolower(text.substr(done, end - done));
    out += text.substr(end, next - end);
    done = next;
  };
  for (std::size_t i = 0; i < text.size();) {
    if (!std::isalpha(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    auto j = i;
    while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) ++j;
    auto word = text.substr(i, j - i);
    bool starts_word = i == 0 || !(static_cast<unsigned char>(text[i - 1]) >= 0x80);
    if (!shouting && starts_word &&
        std::find(kOperators.begin(), kOperators.end(), word) != kOperators.end())
      flush(i, j);
    i = j;
  }
  flush(text.size(), text.size());
  return out;
}

QueryBuilder::QueryBuilder(QueryLimits limits)
    : limits_(limits), stemmer_("english"), stopper_(stopwords().begin(), stopwords().end()) {}

ParsedQuery QueryBuilder::parse(const std::string& raw, const Xapian::Database& db,
                                bool partial) const {
  if (raw.size() > limits_.max_query_bytes)
    throw QueryError("query is too long: " + std::to_string(raw.size()) + " bytes, at most " +
                     std::to_string(limits_.max_query_bytes));
  if (!is_valid_utf8(raw)) throw QueryError("query is not valid UTF-8");
  auto text = close_quotes(fold_case(raw));
  if (excludes_then_windows(text))
    throw QueryError(
        "NEAR/n and ADJ/n cannot be used with an excluded (-) term: use NEAR or ADJ, or "
        "drop the -");

  QP parser;
  parser.set_stemmer(stemmer_);
  // Words arrive lower-cased (fold_case), so STEM_SOME stems every word outside a
  // phrase, capitalised ones too ("Stretching" finds "stretched"), while a phrase matches
  // the exact words, which are the terms with positions.
  parser.set_stemming_strategy(QP::STEM_SOME);
  parser.set_stopper(&stopper_);
  parser.set_database(db);
  parser.set_default_op(Xapian::Query::OP_OR);
  auto partial_words = partial ? partial_expansion(text, limits_.max_expansion) : 0;
  // Each wildcard may become `most` words, the word being typed fewer while it is short.
  auto limit_expansion = [&](Xapian::termcount most) {
    parser.set_max_expansion(most, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                             QP::FLAG_WILDCARD | QP::FLAG_PARTIAL);
    if (partial_words > 0)
      parser.set_max_expansion(std::min(partial_words, most),
                               Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT, QP::FLAG_PARTIAL);
  };
  limit_expansion(limits_.max_expansion);
  parser.add_prefix("title", std::string(prefix::kTitle));
  parser.add_prefix("author", std::string(prefix::kAuthor));
  parser.add_boolean_prefix("tag", std::string(prefix::kTag));
  parser.add_boolean_prefix("kind", std::string(prefix::kKind));
  parser.add_boolean_prefix("year", std::string(prefix::kYear));
  parser.add_boolean_prefix("id", std::string(prefix::kId));
  parser.add_boolean_prefix("links", std::string(prefix::kLink));
  Xapian::DateRangeProcessor dates(layout::slot::kPublished, "date:");
  parser.add_rangeprocessor(&dates);
  Xapian::NumberRangeProcessor years(layout::slot::kYear, "year:");
  parser.add_rangeprocessor(&years);

  unsigned extra = partial_words > 0 ? QP::FLAG_PARTIAL : 0;
  ParsedQuery out;
  out.query = parse_forgiving(parser, text, extra);
  // Xapian limits each wildcard on its own; the budget is the whole query's, so many
  // wildcards share it (each keeping its most frequent words, at least one).
  auto wildcards = static_cast<Xapian::termcount>(wildcards_of(out.query).size());
  if (wildcards * limits_.max_expansion > limits_.max_expanded_terms) {
    limit_expansion(std::max<Xapian::termcount>(1, limits_.max_expanded_terms / wildcards));
    out.query = parse_forgiving(parser, text, extra);
  }
  // Refused for every caller alike, so that whether a query answers never depends on
  // who asks.
  if (has_xor(out.query))
    throw QueryError(
        "XOR is not supported: use OR, AND or NOT ((a OR b) NOT (a AND b) is "
        "a XOR b)");
  out.corrected = correct_spelling(text, db, partial);

  if (out.query.get_length() > limits_.max_terms)
    throw QueryError("query has too many terms: " + std::to_string(out.query.get_length()) +
                     ", at most " + std::to_string(limits_.max_terms));
  return out;
}

Xapian::Query QueryBuilder::filters(const SearchRequest& request) const {
  std::vector<Xapian::Query> parts;
  for (const auto& tag : request.tags) parts.push_back(term_query(prefix::kTag, tag));
  if (!request.kind.empty()) parts.push_back(term_query(prefix::kKind, request.kind));
  if (!request.author.empty())
    parts.push_back(term_query(prefix::kAuthorExact, author_slug(request.author)));
  if (!request.from.empty() || !request.to.empty()) {
    auto bound = [&](const std::string& date, const char* name) {
      if (!date.empty() && !is_valid_date(date))
        throw QueryError(std::string(name) + ": must be a date YYYY-MM-DD");
      return date_value(date.empty() ? std::nullopt : std::optional(date));
    };
    auto from = bound(request.from, "from"), to = bound(request.to, "to");
    auto slot = layout::slot::kPublished;
    if (to.empty())
      parts.emplace_back(Xapian::Query::OP_VALUE_GE, slot, from);
    else
      // An undated article has an empty value, which sorts before every date.
      parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, slot, from.empty() ? "0" : from, to);
  }
  if (parts.empty()) return {};
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

}  // namespace archive
