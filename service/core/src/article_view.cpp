#include <nlohmann/json.hpp>

#include "archive/searcher.hpp"
#include "hits.hpp"

namespace archive {

std::optional<ArticleView> Searcher::article(const std::string& id,
                                             const Entitlement& entitlement) const {
  auto scope = scope_of(entitlement);
  auto did = find_article(scope, id);
  if (!did) return std::nullopt;
  auto data = nlohmann::json::parse(scope.db.get_document(*did).get_data());
  auto date = [&](const char* key) -> std::optional<std::string> {
    return data[key].is_string() ? std::optional(data[key].get<std::string>()) : std::nullopt;
  };
  using Strings = std::vector<std::string>;
  ArticleView view{data.value("id", ""),
                   data.value("url", ""),
                   data.value("title", ""),
                   data.value("kind", ""),
                   data.value("access", ""),
                   data.value("summary", ""),
                   date("published"),
                   date("updated"),
                   data.value("authors", Strings{}),
                   data.value("tags", Strings{}),
                   data.value("links", Strings{}),
                   {}};
  // The document's sections are already the caller's: a public tier copy holds member
  // headings only where the article teases them, and never member text.
  for (const auto& section : data.value("sections", nlohmann::json::array()))
    if (section.contains("heading"))
      view.outline.push_back({section["heading"].get<std::string>(), section.value("access", "")});
  return view;
}

}  // namespace archive
