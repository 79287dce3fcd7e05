// The index directory: immutable generations published atomically through CURRENT.
// Readers open whatever CURRENT names; the one indexer holding the lock builds the next
// generation aside and publishes it with a rename, so a reader never sees a partial
// index or tiers from two runs, and a killed run leaves only litter that the next run
// removes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "archive/index_directory.hpp"

namespace archive {

// Writer side. Construct to take the directory's lock (fails if another indexer has it).
class GenerationStore {
 public:
  explicit GenerationStore(std::filesystem::path root);
  ~GenerationStore();
  GenerationStore(const GenerationStore&) = delete;
  GenerationStore& operator=(const GenerationStore&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::optional<std::string> current() const { return current_generation(root_); }

  // Makes a fresh working directory for the next generation, holding a copy of the
  // current one's databases when `copy_current` is set and one exists.
  std::filesystem::path begin(bool copy_current);

  // Makes `work` the current generation (an atomic rename of CURRENT) and removes
  // generations older than the one it replaces. Returns the new generation's name.
  std::string publish(const std::filesystem::path& work);

  // Throws away a working directory (a failed or refused run).
  void discard(const std::filesystem::path& work);

 private:
  void remove_stale();

  std::filesystem::path root_;
  int lock_fd_ = -1;
};

}  // namespace archive
