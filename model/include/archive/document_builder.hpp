// Turning an Article into the Xapian document of one tier, following layout.hpp.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "archive/article.hpp"

namespace archive {

// Which database a document is built for. The public tier sees only what an anonymous
// caller may see; the full tier sees everything.
enum class Tier { Public, Full };

std::string_view to_string(Tier tier);

// The sections a tier may hold, in article order. For the public tier a members-only
// section keeps its heading (without text) when the article teases its headings, and
// disappears entirely otherwise.
std::vector<Section> visible_sections(const Article& article, Tier tier);

// Builds the document for `tier` with `indexer` (from make_term_generator(); one per
// tier and thread).
Xapian::Document build_document(const Article& article, Tier tier, Xapian::TermGenerator& indexer);

// A TermGenerator configured as the query side expects (English stemming, positions),
// with a stemmer that remembers its answers: one per thread.
Xapian::TermGenerator make_term_generator();

// True for a term of free text (no prefix, not a stem): what the spelling data is built from.
bool is_plain_word(const std::string& term);

// The unique term naming an article's document in either tier: what upserts replace,
// deletes remove and cross-references look up.
std::string id_term(std::string_view id);

// True when a document built by build_document() for the full tier holds text an
// anonymous caller cannot see (a members-only section), read from its document data.
bool has_member_text(const Xapian::Document& full_copy);

// "Dana Whitfield" -> "dana-whitfield": the exact-match form of an author filter.
std::string author_slug(std::string_view name);

// "2019-04-01" -> "20190401", the sortable form in value slots.
std::string date_value(const std::optional<std::string>& date);

}  // namespace archive
