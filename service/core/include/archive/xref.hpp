// Cross-reference checks for editors: links to nothing, who links to an article, articles
// nothing links to, and mentions of another article's subject that do not link to it.
// A library over one index generation (and over drafts held only in memory); no HTTP here.
// Editors see everything, so the checks read the full tier; backlinks answer from the
// caller's tier, since links and titles are public fields of every article.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "archive/article.hpp"
#include "archive/entitlement.hpp"
#include "archive/index_generation.hpp"

namespace archive {

// A link to an id that no indexed article (or draft of the batch checked) has.
struct BrokenLink {
  std::string from, from_title, to;
};

// An article linking to the one asked about.
struct Backlink {
  std::string from, title;
};

// An article no other article links to.
struct Orphan {
  std::string id, title;
};

// What named the target in the text: its full title (a citation), a key phrase it
// declares, or the part of its title before a colon.
enum class MentionKind { Title, KeyPhrase, TitleHead };
std::string_view to_string(MentionKind kind);

// `from` mentions `to`'s subject in its text and does not link to it.
struct MissingLink {
  std::string from, from_title, to, to_title;
  std::string phrase;  // as the target declares it (key phrase) or titles itself
  MentionKind kind = MentionKind::KeyPhrase;
  std::string sentence;         // the sentence of `from` holding the first such mention
  std::size_t occurrences = 0;  // mentions of any of `to`'s phrases in `from`
  double confidence = 0;        // 0..1; see find_missing_links
};

struct BrokenReport {
  std::size_t articles = 0;  // articles checked
  std::vector<BrokenLink> broken;
};

struct OrphanReport {
  std::size_t articles = 0;
  std::vector<Orphan> orphans;
};

struct BacklinkReport {
  std::string id;
  std::optional<std::string> title;  // none when no article has this id
  std::vector<Backlink> backlinks;
};

struct MissingReport {
  std::size_t articles = 0;
  std::string id;  // the article asked about, "" for the whole archive
  std::vector<MissingLink> missing;
};

// One problem with one draft: its line in the batch, the field and what is wrong.
struct DraftProblem {
  std::size_t line = 0;
  std::string field, message;
};

// A batch of drafts checked against the index as if it were published on top of it.
struct CheckReport {
  std::size_t drafts = 0;             // valid drafts read
  std::vector<DraftProblem> invalid;  // drafts that would not be indexed at all
  std::vector<BrokenLink> broken;     // links of drafts to ids neither has
  std::vector<Orphan> orphaned;       // linked now, linked by nothing once published
  std::vector<MissingLink> missing;   // suggestions: mentions to or from drafts
  // No invalid draft, broken link or newly orphaned article; missing links are advice.
  bool clean() const { return invalid.empty() && broken.empty() && orphaned.empty(); }
};

// The fields of an article that the checks read, from an index document or a draft.
struct XrefArticle {
  std::string id, title;
  std::vector<std::string> key_phrases, links;
  std::vector<std::string> texts;  // summary, then each section's text
};

XrefArticle xref_article(const Article& article);
// Every article of a tier, in document order, from its document data.
std::vector<XrefArticle> load_xref_articles(const Xapian::Database& tier);

using PairFilter = std::function<bool(const XrefArticle& from, const XrefArticle& to)>;

// Mentions without links among `corpus`, best first, one per (from, to) pair that
// `wanted` accepts (every pair when it is empty). A mention is a target's phrase in a
// source's text, matched on whole words, case-insensitively, across spaces or hyphens,
// with a simple plural or possessive on the last word. The phrases of an article are its
// key phrases, its full title (when it has at least two words that are not stopwords),
// and the part of its title before a colon (likewise, and only while few other articles
// use it: a phrase many articles use names a topic, not one article). Confidence: a full
// title 0.9, a key phrase 0.8, a title head 0.5, plus 0.05 per word beyond the first (up
// to 0.1) and 0.03 per mention beyond the first (up to 0.09).
std::vector<MissingLink> find_missing_links(const std::vector<XrefArticle>& corpus,
                                            const PairFilter& wanted = {});

BrokenReport broken_links(const IndexGeneration& generation);
OrphanReport orphans(const IndexGeneration& generation);
BacklinkReport backlinks(const IndexGeneration& generation, const std::string& id,
                         const Entitlement& who = Entitlement{CallerTier::Editor, {}});
// Missing links of the whole archive, or those from or to article `id` (NotFoundError
// when it does not exist).
MissingReport missing_links(const IndexGeneration& generation, const std::string& id = "");
// Reads a JSONL batch of drafts and checks it against the index; nothing is written.
CheckReport check_drafts(const IndexGeneration& generation, std::istream& jsonl);

nlohmann::ordered_json to_json(const BrokenLink& link);
nlohmann::ordered_json to_json(const Backlink& link);
nlohmann::ordered_json to_json(const Orphan& orphan);
nlohmann::ordered_json to_json(const MissingLink& link);
nlohmann::ordered_json to_json(const DraftProblem& problem);
nlohmann::ordered_json to_json(const BrokenReport& report);
nlohmann::ordered_json to_json(const OrphanReport& report);
nlohmann::ordered_json to_json(const BacklinkReport& report);
nlohmann::ordered_json to_json(const MissingReport& report);
nlohmann::ordered_json to_json(const CheckReport& report);

}  // namespace archive
