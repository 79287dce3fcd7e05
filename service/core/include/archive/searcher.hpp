// The search core: a request and an Entitlement in, ranked entitled results out.
// No HTTP in here; the CLI and the HTTP service are thin front ends over this class.
#pragma once

#include <filesystem>

#include "archive/entitlement.hpp"
#include "archive/index_generation.hpp"
#include "archive/query_builder.hpp"
#include "archive/search_scope.hpp"
#include "archive/search_types.hpp"

namespace archive {

struct SearchLimits {
  QueryLimits query;
  std::size_t max_limit = 100;
  std::size_t max_depth = 10000;  // offset + limit
};

class NotFoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Searcher {
 public:
  // Opens the current generation under `root`; throws NoIndexError when there is none.
  // Searchers of one process pass the same `tables`, so that they read and hold each
  // generation's facet tables once between them.
  explicit Searcher(
      std::filesystem::path root, SearchLimits limits = {},
      std::shared_ptr<GenerationTables> tables = std::make_shared<GenerationTables>());

  SearchResponse search(const SearchRequest& request, const Entitlement& entitlement) const;

  // Articles like an indexed one or a draft, from the text the caller may see. Throws
  // NotFoundError when the id names no article the caller may see.
  RelatedResponse related(const RelatedRequest& request, const Entitlement& entitlement) const;

  // Completions of the last word and matching titles, for a search box.
  SuggestResponse suggest(const std::string& query, std::size_t limit,
                          const Entitlement& entitlement) const;

  // Metadata and entitled outline; nullopt when the caller may not see such an article.
  std::optional<ArticleView> article(const std::string& id, const Entitlement& entitlement) const;

  // Opens the newly published generation, if CURRENT names another one. Returns true
  // when it switched. Not thread-safe, like everything holding a Xapian::Database.
  bool refresh();

  const IndexGeneration& generation() const { return generation_; }

 private:
  // A checked request on an already chosen scope: search() and suggest() share one scope
  // (for an unlock, one overlay) per call.
  SearchResponse search_in(const SearchScope& scope, const SearchRequest& request) const;
  // The caller's scope on the current generation; an unlock's overlay comes from scopes_.
  SearchScope scope_of(const Entitlement& entitlement) const {
    return scopes_.get(generation_, entitlement);
  }

  std::filesystem::path root_;
  SearchLimits limits_;
  std::shared_ptr<GenerationTables> tables_;
  IndexGeneration generation_;
  QueryBuilder builder_;
  mutable ScopeCache scopes_;
};

// BM25 as tuned for long articles (see README, "Ranking").
Xapian::BM25Weight ranking_weight();

}  // namespace archive
