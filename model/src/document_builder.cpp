#include "archive/document_builder.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "archive/layout.hpp"
#include "archive/title_words.hpp"

namespace archive {
namespace {

namespace prefix = layout::prefix;
namespace slot = layout::slot;
namespace weight = layout::weight;

std::string term(std::string_view prefix, std::string_view value) {
  std::string t(prefix);
  t += value;
  // Boolean values are slugs, so cut rather than fail.
  if (t.size() > layout::kMaxTermBytes) t.resize(layout::kMaxTermBytes);
  return t;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += layout::kListSeparator;
    out += item;
  }
  return out;
}

// Free text, unprefixed (so MSet::snippet can highlight it) and stemmed.
void index_field(Xapian::TermGenerator& indexer, std::string_view text, Xapian::termcount wdf) {
  if (text.empty()) return;
  indexer.index_text(Xapian::Utf8Iterator(text.data(), text.size()), wdf);
  indexer.increase_termpos(layout::kFieldGap);
}

nlohmann::json date_or_null(const std::optional<std::string>& date) {
  return date ? nlohmann::json(*date) : nlohmann::json(nullptr);
}

// What a search hit shows (slot::kHit).
nlohmann::json hit_data(const Article& a) {
  return {{"id", a.id},
          {"url", a.url},
          {"title", a.title},
          {"kind", a.kind},
          {"access", to_string(a.access)},
          {"published", date_or_null(a.published)},
          {"tags", a.tags},
          {"summary", a.summary}};
}

// Slot kHit: what a hit shows, and the heading of each section of slot kText ("" for
// none), so a hit can name the section its snippet is in without reading the data.
std::string hit_value(const Article& a, const std::vector<Section>& sections) {
  auto hit = hit_data(a);
  auto& headings = hit["headings"] = nlohmann::json::array();
  for (const auto& s : sections) headings.push_back(s.heading.value_or(""));
  return hit.dump();
}

// The document data: the article but its texts, with the outline of the sections the
// tier shows.
nlohmann::json document_data(const Article& a, const std::vector<Section>& sections) {
  nlohmann::json outline = nlohmann::json::array();
  for (const auto& s : sections) {
    nlohmann::json section = {{"access", to_string(s.access)}};
    if (s.heading) section["heading"] = *s.heading;
    outline.push_back(std::move(section));
  }
  auto data = hit_data(a);
  data.update({{"updated", date_or_null(a.updated)},
               {"authors", a.authors},
               {"key_phrases", a.key_phrases},
               {"links", a.links},
               {"headings_public", a.headings_public},
               {"sections", outline}});
  return data;
}

// Titles are public in both tiers, so their keys are the same in both.
void add_title_keys(Xapian::Document& doc, const std::string& title) {
  auto words = title_words(title);
  if (words.empty()) return;
  doc.add_boolean_term(title_key(prefix::kTitleWords, words));
  if (auto content = content_words(words); !content.empty())
    doc.add_boolean_term(title_key(prefix::kTitleContent, content));
}

void add_boolean_terms(Xapian::Document& doc, const Article& a) {
  doc.add_boolean_term(id_term(a.id));
  doc.add_boolean_term(term(prefix::kAccess, to_string(a.access)));
  if (!a.kind.empty()) doc.add_boolean_term(term(prefix::kKind, a.kind));
  if (a.published) doc.add_boolean_term(term(prefix::kYear, a.published->substr(0, 4)));
  for (const auto& tag : a.tags) doc.add_boolean_term(term(prefix::kTag, tag));
  for (const auto& author : a.authors)
    doc.add_boolean_term(term(prefix::kAuthorExact, author_slug(author)));
  for (const auto& link : a.links) doc.add_boolean_term(term(prefix::kLink, link));
  add_title_keys(doc, a.title);
}

std::string section_texts(const std::vector<Section>& sections) {
  // A separator inside a text would split it in two. It is a control character with no
  // place in prose, so blank it rather than reject the article.
  std::vector<std::string> texts;
  for (const auto& s : sections) {
    texts.push_back(s.text);
    std::replace(texts.back().begin(), texts.back().end(), layout::kTextSeparator, ' ');
  }
  return layout::join_texts({texts.begin(), texts.end()});
}

void add_values(Xapian::Document& doc, const Article& a) {
  doc.add_value(slot::kPublished, date_value(a.published));
  doc.add_value(slot::kUpdated, date_value(a.updated));
  doc.add_value(slot::kKind, a.kind);
  if (a.published)
    doc.add_value(slot::kYear, Xapian::sortable_serialise(std::stoi(a.published->substr(0, 4))));
  doc.add_value(slot::kTags, joined(a.tags));
  // Positional: kind and year keep their places when empty.
  auto facets = a.kind + layout::kListSeparator + (a.published ? a.published->substr(0, 4) : "");
  if (!a.tags.empty()) facets += layout::kListSeparator + joined(a.tags);
  doc.add_value(slot::kFacets, facets);
  doc.add_value(slot::kAuthors, joined(a.authors));
}

// English stemming with a memory: text repeats its words (Zipf), and the Snowball
// stemmer was a tenth of indexing time before this cache.
class CachingStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override {
    if (auto it = cache_.find(word); it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxEntries) cache_.clear();
    return cache_.emplace(word, stem_(word)).first->second;
  }
  std::string get_description() const override { return "caching " + stem_.get_description(); }

 private:
  static constexpr std::size_t kMaxEntries = 1 << 18;
  Xapian::Stem stem_{"english"};
  std::unordered_map<std::string, std::string> cache_;
};

}  // namespace

std::string_view to_string(Tier tier) {
  return tier == Tier::Public ? layout::kPublicTier : layout::kFullTier;
}

std::vector<Section> visible_sections(const Article& article, Tier tier) {
  if (tier == Tier::Full) return article.sections;
  std::vector<Section> out;
  for (const auto& s : article.sections) {
    if (s.access == Access::Public)
      out.push_back(s);
    else if (article.headings_public && s.heading)
      out.push_back({s.heading, Access::Members, ""});
  }
  return out;
}

Xapian::TermGenerator make_term_generator() {
  Xapian::TermGenerator indexer;
  indexer.set_stemmer(Xapian::Stem(new CachingStemmer()));
  // Positions for the exact words only: phrases match exact words, and stems with
  // positions would double the position table.
  indexer.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  return indexer;
}

bool is_plain_word(const std::string& term) {
  return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
}

Xapian::Document build_document(const Article& a, Tier tier, Xapian::TermGenerator& indexer) {
  Xapian::Document doc;
  indexer.set_document(doc);
  indexer.set_termpos(0);

  auto sections = visible_sections(a, tier);
  indexer.index_text(a.title, 1, std::string(prefix::kTitle));
  index_field(indexer, a.title, weight::kTitle);
  for (const auto& phrase : a.key_phrases) index_field(indexer, phrase, weight::kKeyPhrase);
  index_field(indexer, a.summary, weight::kSummary);
  for (const auto& s : sections) {
    if (s.heading) index_field(indexer, *s.heading, weight::kHeading);
    index_field(indexer, s.text, weight::kBody);
  }
  for (const auto& author : a.authors) {
    indexer.index_text(author, 1, std::string(prefix::kAuthor));
    indexer.increase_termpos(layout::kFieldGap);
  }

  add_boolean_terms(doc, a);
  add_values(doc, a);
  doc.add_value(slot::kText, section_texts(sections));
  doc.add_value(slot::kHit, hit_value(a, sections));
  doc.set_data(document_data(a, sections).dump());
  // Drop the generator's handle on the document: Xapian's reference counts are not
  // atomic, and the document is about to be handed to another thread.
  indexer.set_document(Xapian::Document());
  return doc;
}

std::string id_term(std::string_view id) { return term(prefix::kId, id); }

bool has_member_text(const Xapian::Document& full_copy) {
  auto data = nlohmann::json::parse(full_copy.get_data(), nullptr, false);
  if (!data.is_object()) return false;
  for (const auto& section : data.value("sections", nlohmann::json::array()))
    if (section.value("access", "") == to_string(Access::Members)) return true;
  return false;
}

std::string author_slug(std::string_view name) {
  std::string slug;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c >= 0x80)
      slug += static_cast<char>(std::tolower(c));
    else if (!slug.empty() && slug.back() != '-')
      slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string date_value(const std::optional<std::string>& date) {
  if (!date) return {};
  return date->substr(0, 4) + date->substr(5, 2) + date->substr(8, 2);
}

}  // namespace archive
