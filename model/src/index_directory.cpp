#include "archive/index_directory.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "archive/layout.hpp"

namespace archive {
namespace fs = std::filesystem;

std::optional<unsigned long> generation_number(const std::string& name) {
  auto prefix = std::string(layout::kGenerationPrefix);
  if (name.rfind(prefix, 0) != 0 || name.find(layout::kPartialMarker) != std::string::npos)
    return std::nullopt;
  auto digits = name.substr(prefix.size());
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
  return std::stoul(digits);
}

std::optional<std::string> current_generation(const fs::path& root) {
  std::ifstream in(root / layout::kCurrentFile);
  std::string name;
  if (!in || !std::getline(in, name) || !generation_number(name)) return std::nullopt;
  return name;
}

fs::path tier_path(const fs::path& root, const std::string& generation, std::string_view tier) {
  return root / generation / tier;
}

namespace {

// A generation's manifest.json, or a non-object when it is missing or unreadable.
nlohmann::json read_manifest(const fs::path& root, const std::string& generation) {
  std::ifstream in(root / generation / layout::kManifestFile);
  return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace

int generation_format(const fs::path& root, const std::string& generation) {
  auto manifest = read_manifest(root, generation);
  if (!manifest.is_object() || !manifest["format"].is_number_integer()) return 0;
  return manifest["format"].get<int>();
}

std::optional<std::string> generation_base(const fs::path& root, const std::string& generation) {
  auto manifest = read_manifest(root, generation);
  if (!manifest.is_object() || !manifest["base"].is_string()) return std::nullopt;
  auto base = manifest["base"].get<std::string>();
  if (!generation_number(base)) return std::nullopt;
  return base;
}

void check_generation_format(const fs::path& root, const std::string& generation) {
  auto format = generation_format(root, generation);
  if (format == layout::kFormat) return;
  throw IndexDirectoryError(
      (root / generation).string() + ": written in index format " + std::to_string(format) +
      ", but this build reads format " + std::to_string(layout::kFormat) +
      "; rebuild it: archive-index --rebuild --index " + root.string() + " ARCHIVE.jsonl");
}

}  // namespace archive
