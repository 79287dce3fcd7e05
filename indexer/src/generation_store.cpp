#include "archive/generation_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include "archive/layout.hpp"

namespace archive {
namespace fs = std::filesystem;
namespace {

std::string generation_name(unsigned long number) {
  char name[32];
  std::snprintf(name, sizeof name, "%s%08lu", std::string(layout::kGenerationPrefix).c_str(),
                number);
  return name;
}

void fsync_path(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void fsync_tree(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    fsync_path(entry.path(), entry.is_directory() ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

// Writes the generation's name into both tiers, so that readers can tell the databases
// they opened are the ones CURRENT names (see layout::kGenerationKey).
void stamp_generation(const fs::path& work, const std::string& name) {
  for (auto tier : {layout::kPublicTier, layout::kFullTier}) {
    Xapian::WritableDatabase db((work / tier).string(), Xapian::DB_OPEN);
    db.set_metadata(std::string(layout::kGenerationKey), name);
    db.commit();
  }
}

}  // namespace

GenerationStore::GenerationStore(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) throw IndexDirectoryError(root_.string() + ": cannot create: " + ec.message());
  auto lock_path = root_ / layout::kLockFile;
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0)
    throw IndexDirectoryError(lock_path.string() + ": cannot open: " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    throw IndexDirectoryError(root_.string() +
                              ": another archive-index run is writing this index; try again "
                              "when it has finished");
  }
}

GenerationStore::~GenerationStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

fs::path GenerationStore::begin() {
  remove_stale();
  auto current = this->current();
  unsigned long next = current ? *generation_number(*current) + 1 : 1;
  auto work = root_ / (generation_name(next) + std::string(layout::kPartialMarker) +
                       std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  return work;
}

void GenerationStore::copy_current(const fs::path& work) {
  auto current = this->current();
  if (!current) return;
  for (auto tier : {layout::kPublicTier, layout::kFullTier})
    fs::copy(tier_path(root_, *current, tier), work / tier, fs::copy_options::recursive);
}

bool GenerationStore::adopt_previous(const fs::path& work) {
  auto current = this->current();
  if (!current) return false;
  auto base = generation_base(root_, *current);
  if (!base || *generation_number(*base) + 1 != *generation_number(*current)) return false;
  for (auto tier : {layout::kPublicTier, layout::kFullTier})
    if (!fs::is_directory(tier_path(root_, *base, tier))) return false;
  // A reader that read CURRENT just before it changed may still be opening the previous
  // generation; readers switch within their poll interval, which the grace exceeds.
  auto replaced_at = fs::last_write_time(root_ / layout::kCurrentFile);
  auto waited = fs::file_time_type::clock::now() - replaced_at;
  if (waited < layout::kReaderGrace) std::this_thread::sleep_for(layout::kReaderGrace - waited);
  for (auto tier : {layout::kPublicTier, layout::kFullTier})
    fs::rename(tier_path(root_, *base, tier), work / tier);
  fs::remove_all(root_ / *base);
  fsync_path(root_, O_RDONLY | O_DIRECTORY);
  return true;
}

std::string GenerationStore::publish(const fs::path& work) {
  auto name = work.filename().string();
  name = name.substr(0, name.find(layout::kPartialMarker));
  stamp_generation(work, name);
  fsync_tree(work);
  fs::rename(work, root_ / name);
  auto tmp = root_ / (std::string(layout::kCurrentFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << name << '\n';
    out.flush();
    if (!out) throw IndexDirectoryError(tmp.string() + ": cannot write");
  }
  fsync_path(tmp, O_RDONLY);
  fs::rename(tmp, root_ / layout::kCurrentFile);
  fsync_path(root_, O_RDONLY | O_DIRECTORY);
  remove_stale();
  return name;
}

void GenerationStore::discard(const fs::path& work) {
  std::error_code ec;
  fs::remove_all(work, ec);
}

// Keeps the current generation and, for readers that opened it moments ago, the one
// before; removes every other generation: older ones, working directories of killed runs,
// and one a killed run renamed into place but never named in CURRENT.
void GenerationStore::remove_stale() {
  auto current = this->current();
  std::vector<fs::path> doomed;
  for (const auto& entry : fs::directory_iterator(root_)) {
    auto name = entry.path().filename().string();
    if (name.rfind(layout::kGenerationPrefix, 0) != 0) continue;
    auto number = generation_number(name);
    auto current_number = current ? *generation_number(*current) : 0;
    bool keep = number && current && (*number == current_number || *number + 1 == current_number);
    if (!keep) doomed.push_back(entry.path());
  }
  for (const auto& path : doomed) {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
}

}  // namespace archive
