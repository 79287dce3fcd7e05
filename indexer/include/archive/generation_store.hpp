// The index directory: generations published atomically through CURRENT.
// Readers open whatever CURRENT names; the one indexer holding the lock builds the next
// generation aside and publishes it with a rename, so a reader never sees a partial
// index or tiers from two runs, and a killed run leaves only litter that the next run
// removes. A published generation is never written to while CURRENT names it; once
// replaced, an update may take its tiers over and bring them up to date (an A/B pair).
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

  // Makes a fresh, empty working directory for the next generation.
  std::filesystem::path begin();

  // Copies the current generation's tiers into `work`: reads and writes the whole index.
  void copy_current(const std::filesystem::path& work);

  // Moves the previous generation's tiers into `work` when the current generation was
  // made from it by one logged run (its manifest names it as "base"), so that replaying
  // the current generation's change log brings them up to date; false otherwise (nothing
  // moved). Waits first until the previous generation has been replaced for
  // layout::kReaderGrace, so that readers polling CURRENT have left it.
  bool adopt_previous(const std::filesystem::path& work);

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
