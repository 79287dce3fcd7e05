// Shared pieces of the searcher's operations: turning matches into results.
#pragma once

#include <xapian.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "archive/search_scope.hpp"
#include "archive/search_types.hpp"
#include "archive/snippet_source.hpp"

namespace archive {

// A result for one match; the snippet (when `snippets` is given) is cut from the
// document's own (entitled) text.
SearchHit make_hit(const Xapian::Document& doc, const SnippetSource* snippets);

// The document id (in the scope's database) of the article with this id that the scope
// may show, if any.
std::optional<Xapian::docid> find_article(const SearchScope& scope, const std::string& id);

// An Enquire over the scope's database with the project's ranking.
Xapian::Enquire make_enquire(const SearchScope& scope, const Xapian::Query& query);

double milliseconds_since(std::chrono::steady_clock::time_point start);

}  // namespace archive
