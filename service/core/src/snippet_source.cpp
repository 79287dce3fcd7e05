#include "archive/snippet_source.hpp"

#include <algorithm>

#include "archive/layout.hpp"

namespace archive {
namespace {

constexpr std::size_t kMaxProbes = 32;
// The passage handed to MSet::snippet(): room for the extract and some choice around it.
constexpr std::size_t kPassage = kSnippetLength * 3 / 2;
constexpr std::size_t kLead = kSnippetLength / 5;  // context kept before the best hit
constexpr std::string_view kParagraphBreak = "\n\n";
constexpr std::string_view kEllipsis = "…";

// A letter, a digit or part of a UTF-8 character; inline, as it runs for every byte.
bool is_word_byte(unsigned char c) {
  auto lower = c | 0x20;
  return (c >= '0' && c <= '9') || (lower >= 'a' && lower <= 'z') || c >= 0x80;
}

// The lower-case start every form of a term's word shares: "Zinjuri" (injury, injuries)
// gives "injur". English stems keep the word's start, except a final y turned i.
std::string probe_of(const std::string& term) {
  std::string_view word = term;
  if (word.size() > 1 && word[0] == 'Z') word.remove_prefix(1);
  if (word.empty() || !(std::islower(static_cast<unsigned char>(word[0])) ||
                        static_cast<unsigned char>(word[0]) >= 0x80))
    return {};  // a prefixed term: a field or a filter, not words of the text
  if (word.size() > 3 && word.back() == 'i') word.remove_suffix(1);
  return std::string(word);
}

struct ProbeHit {
  std::size_t at, probe;
};

using WrittenForms = std::vector<std::pair<std::string, std::size_t>>;  // form, probe index

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The first hit of the window of kPassage - kLead bytes holding the most distinct probes
// (then the most hits).
std::size_t densest_window(const std::vector<ProbeHit>& hits, std::size_t probe_count) {
  std::vector<std::size_t> in_window(probe_count, 0);
  std::size_t distinct = 0, best = 0, best_distinct = 0, best_hits = 0;
  for (std::size_t first = 0, last = 0; first < hits.size(); ++first) {
    for (; last < hits.size() && hits[last].at < hits[first].at + kPassage - kLead; ++last)
      distinct += in_window[hits[last].probe]++ == 0;
    auto count = last - first;
    if (std::tie(distinct, count) > std::tie(best_distinct, best_hits)) {
      best = first;
      best_distinct = distinct;
      best_hits = count;
    }
    distinct -= --in_window[hits[first].probe] == 0;
  }
  return hits.empty() ? 0 : hits[best].at;
}

// The forms the probes take in prose: as is, Capitalised and in CAPITALS (ASCII only),
// each with the index of its probe.
WrittenForms written_forms(const std::vector<std::string>& probes) {
  auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  WrittenForms out;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    std::vector<std::string> forms = {probes[i], probes[i], probes[i]};
    forms[1][0] = upper(forms[1][0]);
    std::transform(forms[2].begin(), forms[2].end(), forms[2].begin(), upper);
    std::sort(forms.begin(), forms.end());
    forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
    for (auto& form : forms) out.emplace_back(std::move(form), i);
  }
  return out;
}

// Where each probe starts a word of `text`, in text order. Finding each written form
// (memchr underneath) measured about three times faster than one pass over the words.
std::vector<ProbeHit> probe_hits(std::string_view text, const WrittenForms& forms) {
  std::vector<ProbeHit> hits;
  for (const auto& [form, probe] : forms)
    for (auto at = text.find(form); at != text.npos; at = text.find(form, at + 1))
      if (at == 0 || !is_word_byte(text[at - 1])) hits.push_back({at, probe});
  std::sort(hits.begin(), hits.end(), [](auto& a, auto& b) { return a.at < b.at; });
  return hits;
}

std::string_view passage_of(std::string_view text, const WrittenForms& forms,
                            std::size_t probe_count) {
  if (text.size() <= kPassage) return text;
  auto hits = probe_hits(text, forms);
  std::size_t begin = 0;
  if (!hits.empty()) {
    auto at = densest_window(hits, probe_count);
    begin = at > kLead ? at - kLead : 0;
  }
  // Cut between words, so never inside a UTF-8 character (its bytes count as a word's).
  while (begin > 0 && is_word_byte(text[begin]) && is_word_byte(text[begin - 1])) --begin;
  auto end = std::min(text.size(), begin + kPassage);
  while (end > begin && end < text.size() && is_word_byte(text[end]) && is_word_byte(text[end - 1]))
    --end;
  return text.substr(begin, end - begin);
}

// MSet::snippet() stems every word it reads to compare it with the query's stems. A word
// can only stem to a query's stem if it starts with that stem's probe, so only those are
// stemmed: the rest (nearly all) come back as they are, which matches no stem of the query.
class ProbeStemmer : public Xapian::StemImplementation {
 public:
  explicit ProbeStemmer(const std::vector<std::string>& probes) : probes_(probes) {}
  std::string operator()(const std::string& word) override {
    for (const auto& probe : probes_)
      if (word.starts_with(probe)) return stem_(word);
    return word;
  }
  std::string get_description() const override {
    return "probe-filtered " + stem_.get_description();
  }

 private:
  const std::vector<std::string>& probes_;
  Xapian::Stem stem_{"english"};
};

}  // namespace

std::string snippet_text(std::string_view summary, std::string_view section_texts) {
  std::string text(summary);
  for (auto body : layout::split_texts(section_texts)) {
    if (body.empty()) continue;
    if (!text.empty()) text += kParagraphBreak;
    text += body;
  }
  return text;
}

std::string_view best_passage(std::string_view text, const std::vector<std::string>& probes) {
  return passage_of(text, written_forms(probes), probes.size());
}

std::string last_word(std::string_view text) {
  auto end = text.size();
  while (end > 0 && !is_word_byte(text[end - 1])) --end;
  auto begin = end;
  while (begin > 0 && is_word_byte(text[begin - 1])) --begin;
  std::string word(text.substr(begin, end - begin));
  for (auto& c : word) c = ascii_lower(c);
  return word;
}

std::vector<std::string> terms_of(const Xapian::Query& query) {
  return {query.get_unique_terms_begin(), query.get_unique_terms_end()};
}

SnippetSource::SnippetSource(const Xapian::MSet& mset, const std::vector<std::string>& terms)
    : mset_(mset), stemmer_(new ProbeStemmer(probes_)) {
  for (const auto& term : terms) {
    if (probes_.size() == kMaxProbes) break;
    auto probe = probe_of(term);
    if (!probe.empty() && std::find(probes_.begin(), probes_.end(), probe) == probes_.end())
      probes_.push_back(std::move(probe));
  }
  forms_ = written_forms(probes_);
}

std::string SnippetSource::snippet(std::string_view summary, std::string_view section_texts) const {
  auto text = snippet_text(summary, section_texts);
  auto passage = passage_of(text, forms_, probes_.size());
  // Flags 0: no background model and no exhaustive search. Both cost an order of
  // magnitude in time for a barely better extract (shared notes, measured here too).
  auto out = mset_.snippet(std::string(passage), kSnippetLength, stemmer_, 0, "<mark>", "</mark>",
                           std::string(kEllipsis));
  // snippet() marks only what it left out of the passage; mark what the passage left out.
  auto cut_before = passage.data() != text.data();
  auto cut_after = passage.data() + passage.size() != text.data() + text.size();
  if (cut_before && !out.starts_with(kEllipsis)) out.insert(0, kEllipsis);
  if (cut_after && !out.ends_with(kEllipsis)) out += kEllipsis;
  return out;
}

}  // namespace archive
