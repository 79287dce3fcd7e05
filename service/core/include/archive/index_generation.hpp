// One published generation of the index, opened for reading: both tiers from the same
// run, never a mix. Xapian databases are not thread-safe: one IndexGeneration per thread.
// What is derived from the tiers and only read (the facet tables) is shared between the
// threads through GenerationTables.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <memory>
#include <string>

#include "archive/generation_tables.hpp"

namespace archive {

class IndexGeneration {
 public:
  // Opens the generation CURRENT names. Throws NoIndexError when nothing is published.
  // `tables` is where its facet tables come from: share one between the threads of a
  // process, so that each table is read and held once.
  static IndexGeneration open_current(
      const std::filesystem::path& root,
      std::shared_ptr<GenerationTables> tables = std::make_shared<GenerationTables>());

  const std::string& name() const { return name_; }
  const Xapian::Database& public_tier() const { return public_tier_; }
  const Xapian::Database& full_tier() const { return full_tier_; }

  // The facet values of a tier's documents, read on first use by any thread sharing
  // `tables` (tens of milliseconds at 100k articles) and held while this generation is
  // open.
  const FacetTable& facet_table(const Xapian::Database& tier) const;

  // Why this generation must not take traffic, or "" when it may. `current` is the name
  // CURRENT gives now. A replica serves only a generation that CURRENT names, whose tiers
  // both hold documents and carry that name in their metadata (layout::kGenerationKey):
  // an empty, half-copied or renamed copy fails one of these.
  std::string readiness_problem(const std::string& current) const;

 private:
  IndexGeneration(std::string name, Xapian::Database public_tier, Xapian::Database full_tier,
                  std::shared_ptr<GenerationTables> tables)
      : name_(std::move(name)),
        public_tier_(std::move(public_tier)),
        full_tier_(std::move(full_tier)),
        tables_(std::move(tables)) {}

  std::string name_;
  Xapian::Database public_tier_;
  Xapian::Database full_tier_;
  std::shared_ptr<GenerationTables> tables_;
  // This generation's hold on the shared tables, taken on first use.
  mutable std::shared_ptr<const FacetTable> public_facets_, full_facets_;
};

}  // namespace archive
