// Which text a snippet is cut from: only the text the caller may see, which is the text
// stored in the document of the database their query ran on.
#pragma once

#include <xapian.h>

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace archive {

inline constexpr std::size_t kSnippetLength = 200;

// Summary and visible sections of a document's data, in article order.
std::string snippet_text(const nlohmann::json& document_data);

// A highlighted extract (HTML-escaped, matches in <mark>) of about kSnippetLength
// characters from `text`, ranked by the query that produced `mset`.
std::string make_snippet(const Xapian::MSet& mset, const std::string& text);

}  // namespace archive
