// Per-generation tables shared between Searchers: one facet table per generation and
// tier, whichever thread reads it first, freed when the last Searcher leaves that
// generation.
#include "archive/generation_tables.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

#include "archive/generation_store.hpp"
#include "archive/index_command.hpp"
#include "archive/searcher.hpp"
#include "facets.hpp"
#include "test_support.hpp"

namespace archive {
namespace {

// Holds each of `n` threads at wait() until all have arrived.
class Rendezvous {
 public:
  explicit Rendezvous(int n) : waiting_(n) {}
  void wait() {
    std::unique_lock lock(mutex_);
    if (--waiting_ == 0) arrived_.notify_all();
    arrived_.wait(lock, [&] { return waiting_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  int waiting_;
};

class SharedGenerationTables : public ::testing::Test {
 protected:
  void SetUp() override { publish(); }

  std::filesystem::path root() const { return dir_ / "idx"; }

  // Indexes the fixture archive again: a new generation.
  void publish() const {
    IndexOptions options;
    options.index = root();
    options.inputs = {testing::source_path("tests/fixtures/xref/archive.jsonl").string()};
    std::ostringstream err;
    ASSERT_EQ(run_index_command(options, err, false), 0) << err.str();
  }

  static const FacetTable* public_table(const Searcher& searcher) {
    const auto& generation = searcher.generation();
    return &generation.facet_table(generation.public_tier());
  }
  static const FacetTable* full_table(const Searcher& searcher) {
    const auto& generation = searcher.generation();
    return &generation.facet_table(generation.full_tier());
  }

  testing::TempDir dir_;
  std::shared_ptr<GenerationTables> tables_ = std::make_shared<GenerationTables>();
};

TEST_F(SharedGenerationTables, SearchersOfOneProcessShareEachTierTable) {
  Searcher first(root(), {}, tables_), second(root(), {}, tables_);
  EXPECT_EQ(tables_->live_tables(), 0u) << "tables are read on first use, not on open";
  EXPECT_EQ(public_table(first), public_table(second));
  EXPECT_EQ(full_table(first), full_table(second));
  EXPECT_NE(public_table(first), full_table(first));
  EXPECT_EQ(tables_->live_tables(), 2u);

  Searcher alone(root());  // its own GenerationTables: its own copy
  EXPECT_NE(public_table(alone), public_table(first));
  EXPECT_EQ(tables_->live_tables(), 2u);
}

TEST_F(SharedGenerationTables, OldGenerationTableLivesUntilItsLastReaderLeaves) {
  Searcher first(root(), {}, tables_), second(root(), {}, tables_);
  auto old_table = public_table(first);
  ASSERT_EQ(public_table(second), old_table);
  ASSERT_EQ(tables_->live_tables(), 1u);

  publish();
  ASSERT_TRUE(first.refresh());
  auto new_table = public_table(first);
  EXPECT_NE(new_table, old_table);
  EXPECT_EQ(tables_->live_tables(), 2u) << "the second searcher still reads the old generation";
  EXPECT_EQ(public_table(second), old_table);

  ASSERT_TRUE(second.refresh());
  EXPECT_EQ(tables_->live_tables(), 1u) << "the old generation's table outlived its readers";
  EXPECT_EQ(public_table(second), new_table);
}

TEST_F(SharedGenerationTables, ThreadsReadingATableAtOnceGetOneCopyAndEqualCounts) {
  SearchRequest request;
  request.query = "pain";
  request.facets = true;
  auto expected = *Searcher(root()).search(request, Entitlement::anonymous()).facets;

  constexpr int kThreads = 8;
  Rendezvous start(kThreads), done(kThreads);
  std::vector<const FacetTable*> seen(kThreads);
  std::vector<Facets> counted(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      Searcher searcher(root(), {}, tables_);  // a worker thread's own Xapian handles
      start.wait();
      counted[i] = searcher.search(request, Entitlement::anonymous()).facets.value();
      seen[i] = public_table(searcher);
      done.wait();  // no table is freed (and its address reused) before all took it
    });
  for (auto& t : threads) t.join();

  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(seen[i], seen[0]) << "thread " << i << " read a copy of its own";
    EXPECT_EQ(counted[i].kind, expected.kind) << "thread " << i;
    EXPECT_EQ(counted[i].tag, expected.tag) << "thread " << i;
    EXPECT_EQ(counted[i].year, expected.year) << "thread " << i;
    EXPECT_EQ(counted[i].matches, expected.matches) << "thread " << i;
  }
  EXPECT_EQ(tables_->live_tables(), 0u) << "every reader has gone";
}

}  // namespace
}  // namespace archive
