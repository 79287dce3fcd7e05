#include "archive/search_scope.hpp"

#include <algorithm>

#include "archive/document_builder.hpp"
#include "archive/layout.hpp"
#include "archive/search_types.hpp"

namespace archive {

const FacetTable* SearchScope::facet_table() const {
  return databases == 1 ? &generation->facet_table(*tier) : nullptr;
}

Xapian::Query SearchScope::restrict(const Xapian::Query& query) const {
  if (hidden.empty()) return query;
  return Xapian::Query(Xapian::Query::OP_AND_NOT, query, hidden);
}

SearchScope scope_for(const IndexGeneration& generation, const Entitlement& entitlement) {
  if (entitlement.sees_all_text())
    return {generation.full_tier(), &generation, &generation.full_tier()};
  SearchScope scope{generation.public_tier(), &generation, &generation.public_tier()};
  if (entitlement.unlocked.empty()) return scope;
  if (entitlement.unlocked.size() > kMaxUnlockedPages)
    throw QueryError("a token may unlock at most " + std::to_string(kMaxUnlockedPages) +
                     " pages; this one unlocks " + std::to_string(entitlement.unlocked.size()));

  const auto& full = generation.full_tier();
  Xapian::WritableDatabase overlay(std::string(), Xapian::DB_BACKEND_INMEMORY);
  std::vector<Xapian::Query> public_copies;
  for (const auto& id : entitlement.unlocked) {
    auto postings = full.postlist_begin(id_term(id));
    if (postings == full.postlist_end(id_term(id))) continue;
    auto copy = full.get_document(*postings);
    if (!has_member_text(copy)) continue;
    copy.add_boolean_term(std::string(layout::prefix::kUnlockedCopy));
    overlay.add_document(copy);
    public_copies.emplace_back(id_term(id));
  }
  if (public_copies.empty()) return scope;
  scope.db.add_database(overlay);
  scope.databases = 2;
  // The id term matches both copies; keep the one carrying the overlay's marker.
  scope.hidden =
      Xapian::Query(Xapian::Query::OP_AND_NOT,
                    Xapian::Query(Xapian::Query::OP_OR, public_copies.begin(), public_copies.end()),
                    Xapian::Query(std::string(layout::prefix::kUnlockedCopy)));
  return scope;
}

SearchScope ScopeCache::get(const IndexGeneration& generation, const Entitlement& entitlement) {
  // Without unlocks a scope is a database handle: nothing worth keeping.
  if (entitlement.sees_all_text() || entitlement.unlocked.empty())
    return scope_for(generation, entitlement);
  auto hit = std::find_if(recent_.begin(), recent_.end(),
                          [&](const auto& entry) { return entry.first == entitlement.unlocked; });
  if (hit != recent_.end()) {
    recent_.splice(recent_.begin(), recent_, hit);
  } else {
    recent_.emplace_front(entitlement.unlocked, scope_for(generation, entitlement));
    if (recent_.size() > kCapacity) recent_.pop_back();
  }
  return recent_.front().second;
}

}  // namespace archive
