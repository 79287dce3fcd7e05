#include "searcher_pool.hpp"

#include <unordered_map>
#include <utility>

#include "archive/index_directory.hpp"

namespace archive {
namespace {

struct LocalSearcher {
  std::optional<Searcher> searcher;
  std::uint64_t epoch = 0;
  bool used = false;  // handed out since take_generation_used() last looked
};

LocalSearcher& local_of(const SearcherPool* pool) {
  thread_local std::unordered_map<const SearcherPool*, LocalSearcher> locals;
  return locals[pool];
}

}  // namespace

SearcherPool::SearcherPool(std::filesystem::path root, SearchLimits limits, double poll_interval_s)
    : root_(std::move(root)), limits_(limits) {
  generation_ = current_generation(root_).value_or("");
  watcher_ = std::thread([this, poll_interval_s] { watch(poll_interval_s); });
}

SearcherPool::~SearcherPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  watcher_.join();
}

void SearcherPool::watch(double poll_interval_s) {
  prepare();
  auto interval = std::chrono::duration<double>(poll_interval_s);
  std::unique_lock lock(mutex_);
  while (!stop_signal_.wait_for(lock, interval, [&] { return stopping_; })) {
    auto name = current_generation(root_).value_or("");
    if (name == generation_) continue;
    // The workers switch when the epoch moves: read the new tables first (about a second
    // at a million articles), without the lock generation() and the destructor take.
    lock.unlock();
    prepare();
    lock.lock();
    generation_ = name;
    epoch_.fetch_add(1);
  }
}

void SearcherPool::prepare() {
  try {
    auto generation = IndexGeneration::open_current(root_, tables_);
    generation.facet_table(generation.public_tier());
    generation.facet_table(generation.full_tier());
    prepared_ = std::move(generation);
  } catch (const NoIndexError&) {
    // Nothing published yet, or the generation went at once: nothing to read ahead. The
    // workers meet the same and answer so.
  } catch (const Xapian::Error&) {
    // A generation that cannot be read: likewise, the workers' requests report it.
  }
}

std::string SearcherPool::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

Searcher& SearcherPool::local() {
  auto& local = local_of(this);
  auto epoch = epoch_.load();
  if (!local.searcher) {
    local.searcher.emplace(root_, limits_, tables_);
    ++searchers_;
  } else if (local.epoch != epoch) {
    local.searcher->refresh();
  }
  local.epoch = epoch;
  local.used = true;
  return *local.searcher;
}

std::optional<std::string> SearcherPool::take_generation_used() {
  auto& local = local_of(this);
  if (!std::exchange(local.used, false)) return std::nullopt;
  return local.searcher->generation().name();
}

}  // namespace archive
