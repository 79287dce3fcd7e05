// The read side of the index directory: which generation CURRENT names, where its tiers
// are and whether this build can read them. The search core and the indexer share these
// rules; writing generations (GenerationStore) belongs to the indexer alone.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace archive {

class IndexDirectoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Number of a published generation directory name ("gen-00000007" -> 7), or nullopt for
// anything else (a working directory, a stray file).
std::optional<unsigned long> generation_number(const std::string& name);

// Name of the generation CURRENT points at, or nullopt when nothing is published yet.
std::optional<std::string> current_generation(const std::filesystem::path& root);

// Path of a tier's database inside a published generation.
std::filesystem::path tier_path(const std::filesystem::path& root, const std::string& generation,
                                std::string_view tier);

// The document format (manifest.json's "format") a published generation was written in;
// 0 when its manifest is missing or does not say.
int generation_format(const std::filesystem::path& root, const std::string& generation);

// The generation `generation` was made from by an update (manifest.json's "base"), or
// nullopt for a rebuild.
std::optional<std::string> generation_base(const std::filesystem::path& root,
                                           const std::string& generation);

// Throws IndexDirectoryError, saying what to do, unless `generation` was written in the
// format this build reads and writes (layout::kFormat).
void check_generation_format(const std::filesystem::path& root, const std::string& generation);

}  // namespace archive
