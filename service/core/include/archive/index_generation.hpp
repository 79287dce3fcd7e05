// One published generation of the index, opened for reading: both tiers from the same
// run, never a mix. Xapian databases are not thread-safe: one IndexGeneration per thread.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <memory>
#include <string>

namespace archive {

class FacetTable;

class IndexGeneration {
 public:
  // Opens the generation CURRENT names. Throws NoIndexError when nothing is published.
  static IndexGeneration open_current(const std::filesystem::path& root);

  const std::string& name() const { return name_; }
  const Xapian::Database& public_tier() const { return public_tier_; }
  const Xapian::Database& full_tier() const { return full_tier_; }

  // The facet values of a tier's documents, read on first use (tens of milliseconds at
  // 100k articles) and kept while this generation is open.
  const FacetTable& facet_table(const Xapian::Database& tier) const;

  // Why this generation must not take traffic, or "" when it may. `current` is the name
  // CURRENT gives now. A replica serves only a generation that CURRENT names, whose tiers
  // both hold documents and carry that name in their metadata (layout::kGenerationKey):
  // an empty, half-copied or renamed copy fails one of these.
  std::string readiness_problem(const std::string& current) const;

 private:
  IndexGeneration(std::string name, Xapian::Database public_tier, Xapian::Database full_tier)
      : name_(std::move(name)),
        public_tier_(std::move(public_tier)),
        full_tier_(std::move(full_tier)) {}

  std::string name_;
  Xapian::Database public_tier_;
  Xapian::Database full_tier_;
  mutable std::shared_ptr<const FacetTable> public_facets_, full_facets_;
};

}  // namespace archive
