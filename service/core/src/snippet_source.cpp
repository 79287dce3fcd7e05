#include "archive/snippet_source.hpp"

#include <nlohmann/json.hpp>

namespace archive {

std::string snippet_text(const nlohmann::json& data) {
  std::string text = data.value("summary", "");
  for (const auto& section : data.value("sections", nlohmann::json::array())) {
    const auto& body = section.value("text", "");
    if (body.empty()) continue;
    if (!text.empty()) text += "\n\n";
    text += body;
  }
  return text;
}

std::string make_snippet(const Xapian::MSet& mset, const std::string& text) {
  // Flags 0: no background model and no exhaustive search. Both cost an order of
  // magnitude in time for a barely better extract (shared notes, measured here too).
  // One stemmer per thread, made once: Xapian objects share reference-counted internals
  // that are not thread-safe, and constructing one per hit is needless work.
  static thread_local const Xapian::Stem stemmer("english");
  return mset.snippet(text, kSnippetLength, stemmer, 0, "<mark>", "</mark>", "…");
}

}  // namespace archive
