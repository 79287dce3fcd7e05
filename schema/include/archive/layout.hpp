// The index layout: the one place that says how an article becomes Xapian terms,
// values and data, and where each tier lives under the index directory.
// Indexer and search core both include this file; schema/index-layout.md explains it.
#pragma once

#include <xapian.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace archive::layout {

// --- Directory layout --------------------------------------------------------
// DIR/CURRENT            one line: the name of the generation readers should open
// DIR/gen-NNNNNNNN/      an immutable, fully written generation
//   public/              Xapian database: public content only (anonymous callers)
//   full/                Xapian database: everything (members and editors)
//   manifest.json        counts and build facts of this generation; for an update, the
//                        generation it was made from ("base") and its change log
//   changes/             an update's input files, as applied (the change log)
// DIR/.lock              held (flock) by the one indexer allowed to run
// DIR/gen-*.partial-*    a build in progress or a killed one; never read, removed later
inline constexpr std::string_view kCurrentFile = "CURRENT";
inline constexpr std::string_view kGenerationPrefix = "gen-";
inline constexpr std::string_view kPartialMarker = ".partial-";
inline constexpr std::string_view kPublicTier = "public";
inline constexpr std::string_view kFullTier = "full";
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kLockFile = ".lock";
inline constexpr std::string_view kChangesDir = "changes";

// An update takes over the tiers of the generation CURRENT named before the last publish
// (an A/B pair), no sooner than this after that publish: a reader must have switched to the
// new generation by then (archive-serve polls CURRENT every 0.25 s by default).
inline constexpr std::chrono::milliseconds kReaderGrace{1000};

// Metadata key under which each tier's database carries the name of its generation,
// stamped when the generation is published. A replica that copied generations in checks
// it: databases renamed or half-copied into place carry another name, or none.
inline constexpr std::string_view kGenerationKey = "archive.generation";

// manifest.json's "format": bumped whenever documents change shape. Readers refuse other
// formats, and an incremental run on one asks for --rebuild.
inline constexpr int kFormat = 3;  // 3: title lookup keys (prefix::kTitleWords)

// Xapian rejects terms over 245 bytes: longer boolean values are cut to this.
inline constexpr std::size_t kMaxTermBytes = 240;

// --- Term prefixes (Xapian/Omega conventions; X... for our own) ---------------
namespace prefix {
inline constexpr std::string_view kId = "Q";                 // boolean: article id
inline constexpr std::string_view kTitle = "S";              // free text: title words
inline constexpr std::string_view kAuthor = "A";             // free text: author names
inline constexpr std::string_view kTag = "K";                // boolean: tag slug
inline constexpr std::string_view kYear = "Y";               // boolean: publication year
inline constexpr std::string_view kKind = "XKIND";           // boolean: kind slug
inline constexpr std::string_view kAccess = "XACCESS";       // boolean: public|members
inline constexpr std::string_view kLink = "XLINK";           // boolean: id this article links to
inline constexpr std::string_view kAuthorExact = "XAUTHOR";  // boolean: author slug
// Known-item lookup: the title's words (title_words.hpp) joined by spaces, and the same
// without small words. A reader naming a title finds it by one term, not by a match.
inline constexpr std::string_view kTitleWords = "XTW";
inline constexpr std::string_view kTitleContent = "XTC";
// Marks the full-text copy of a one-page unlock inside an unlock overlay database.
inline constexpr std::string_view kUnlockedCopy = "XUNLOCKED";
}  // namespace prefix

// --- Value slots ----------------------------------------------------------------
namespace slot {
inline constexpr Xapian::valueno kPublished = 0;  // "YYYYMMDD", empty when unknown
inline constexpr Xapian::valueno kUpdated = 1;    // "YYYYMMDD", empty when unknown
inline constexpr Xapian::valueno kKind = 2;       // kind slug
inline constexpr Xapian::valueno kYear = 3;       // sortable_serialise(year)
inline constexpr Xapian::valueno kTags = 4;       // tag slugs joined by kListSeparator
inline constexpr Xapian::valueno kAuthors = 5;    // author names joined by kListSeparator
// The text of each section the tier shows, in the order of the data's sections, joined by
// kTextSeparator. Kept out of the document data, which Xapian compresses: a search hit
// reads its snippet text uncompressed and never parses it as JSON.
inline constexpr Xapian::valueno kText = 6;
// What facet counting reads, in one value so that it reads one value stream, not three:
// kind, publication year (empty when undated) and the tags, joined by kListSeparator.
inline constexpr Xapian::valueno kFacets = 7;
// What a search hit shows, as JSON: id, url, title, kind, access, published, tags, summary,
// headings (of each section in kText, "" for none). A copy of part of the document data,
// which Xapian compresses: a page of hits reads these few hundred bytes as they are.
inline constexpr Xapian::valueno kHit = 8;
}  // namespace slot

inline constexpr char kListSeparator = '\x1f';
inline constexpr char kTextSeparator = '\x1e';  // never inside a text: the indexer blanks it

// Joins section texts for slot::kText; split_texts() undoes it.
inline std::string join_texts(const std::vector<std::string_view>& texts) {
  std::string out;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i) out += kTextSeparator;
    out += texts[i];
  }
  return out;
}

inline std::vector<std::string_view> split_texts(std::string_view joined) {
  std::vector<std::string_view> texts;
  for (std::size_t start = 0;;) {
    auto end = joined.find(kTextSeparator, start);
    texts.push_back(joined.substr(start, end == joined.npos ? joined.npos : end - start));
    if (end == joined.npos) return texts;
    start = end + 1;
  }
}

// --- Within-document weights (wdf increments per occurrence) -------------------
// Title and headings say what an article is about more than a passing mention does.
namespace weight {
inline constexpr Xapian::termcount kTitle = 6;
inline constexpr Xapian::termcount kKeyPhrase = 3;
inline constexpr Xapian::termcount kHeading = 2;
inline constexpr Xapian::termcount kSummary = 2;
inline constexpr Xapian::termcount kBody = 1;
}  // namespace weight

// Term-position gap between fields, so a phrase never spans two fields.
inline constexpr Xapian::termpos kFieldGap = 100;

}  // namespace archive::layout
