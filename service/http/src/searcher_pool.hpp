// One Searcher per worker thread (Xapian databases are not thread-safe), each switched
// to a newly published generation between two of its requests: a request runs wholly on
// one generation, and no request fails because of a publish. The Searchers share one
// GenerationTables, so a generation's facet tables exist once, not once per thread: a
// thread costs only its Xapian handles. The watcher reads a new generation's tables
// before the workers switch to it, so that no request waits for them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "archive/searcher.hpp"

namespace archive {

class SearcherPool {
 public:
  SearcherPool(std::filesystem::path root, SearchLimits limits, double poll_interval_s);
  ~SearcherPool();

  // This thread's searcher on the newest generation seen. Throws NoIndexError.
  Searcher& local();

  // The newest published generation seen by the watcher, "" while there is none.
  std::string generation() const;

  // Worker threads holding a Searcher (each has its own Xapian handles), and the shared
  // per-generation tables alive now.
  std::size_t searchers() const { return searchers_.load(); }
  std::size_t shared_tables() const { return tables_->live_tables(); }

  // The generation this thread's searcher was on when local() last handed it out, if it
  // did since the previous call; forgets it. An answer says which generation computed it.
  std::optional<std::string> take_generation_used();

 private:
  void watch(double poll_interval_s);
  // Opens the generation CURRENT names and reads the facet tables of both its tiers, on
  // the watcher's thread; holds them until the next generation is prepared.
  void prepare();

  std::filesystem::path root_;
  SearchLimits limits_;
  std::shared_ptr<GenerationTables> tables_ = std::make_shared<GenerationTables>();
  std::atomic<std::size_t> searchers_{0};
  std::atomic<std::uint64_t> epoch_{0};
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  std::string generation_;
  bool stopping_ = false;
  std::optional<IndexGeneration> prepared_;  // the watcher's own
  std::thread watcher_;
};

}  // namespace archive
