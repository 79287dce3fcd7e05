// A killed indexer never hurts the published index, and the next run cleans up after it.
// Only one indexer may write an index at a time.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "archive_fixtures.hpp"
#include "test_support.hpp"

namespace archive::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// `count` articles of about `length` words from a vocabulary of made-up words, every one
// also holding members-only text.
std::string generated_archive(int count, int length, unsigned seed) {
  std::mt19937 random(seed);
  static const char* kSyllables[] = {"ka",  "lo",  "mi",  "ru",  "sen", "ta", "vo", "zi",
                                     "pra", "del", "nor", "qui", "bex", "fa", "gu", "hin"};
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 4000; ++i) {
    std::string word;
    for (int s = 0, n = 2 + static_cast<int>(random() % 3); s < n; ++s)
      word += kSyllables[random() % 16];
    vocabulary.push_back(word);
  }
  auto text = [&](int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      if (i) out += ' ';
      // Zipf-like: small indexes far more often.
      auto r = static_cast<double>(random()) / random.max();
      out +=
          vocabulary[static_cast<std::size_t>(r * r * r * vocabulary.size()) % vocabulary.size()];
    }
    return out;
  };
  std::string out;
  for (int i = 0; i < count; ++i) {
    Json a = {{"id", "generated-" + std::to_string(i)},
              {"title", text(5)},
              {"summary", text(20)},
              {"published", "2015-01-01"},
              {"tags", {"generated"}},
              {"sections",
               {{{"heading", text(3)}, {"text", text(length * 4 / 5)}},
                {{"heading", text(2)}, {"access", "members"}, {"text", text(length / 5)}}}}};
    out += a.dump() + "\n";
  }
  return out;
}

class KilledIndexer : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "small.jsonl", jsonl({simple_article("a", "Alpha", "glimmerstone basalt"),
                                            {{"id", "m"},
                                             {"title", "Members"},
                                             {"access", "members"},
                                             {"sections", {{{"text", "obsidian basalt"}}}}},
                                            simple_article("c", "Gamma", "pumice basalt")}));
    auto r = index_run(index(), {(dir_ / "small.jsonl").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    write_file(dir_ / "big.jsonl", generated_archive(kBigArticles, 500, 7));
    current_ = read_current(index());
    answers_ = answers();
  }

  fs::path index() const { return dir_ / "idx"; }

  std::vector<std::string> answers() {
    std::vector<std::string> out;
    for (const auto& q : std::vector<std::vector<std::string>>{{"basalt"},
                                                               {"glimmerstone"},
                                                               {"--as", "member", "basalt"},
                                                               {"--as", "member", "obsidian"},
                                                               {"--facets", "--tag", "generated"},
                                                               {"kalo"}}) {
      auto r = search_run(index(), q);
      EXPECT_EQ(r.status, 0) << r.err;
      out.push_back(without_took_ms(r.out));
    }
    return out;
  }

  // The published index is exactly as it was before the killed run started.
  void expect_untouched(const std::string& when) {
    SCOPED_TRACE(when);
    EXPECT_EQ(read_current(index()), current_);
    EXPECT_EQ(answers(), answers_);
    EXPECT_TRUE(fs::is_directory(index() / *current_ / "public"));
  }

  int start_big(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {bin("archive-index"), "--index", index().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back((dir_ / "big.jsonl").string());
    return spawn(argv, dir_ / "out.txt", dir_ / "err.txt");
  }

  static constexpr int kBigArticles = 1500;
  TempDir dir_;
  std::optional<std::string> current_;
  std::vector<std::string> answers_;
};

TEST_F(KilledIndexer, KilledAtAnyMomentLeavesThePublishedIndexAsItWas) {
  for (auto delay : {20ms, 200ms, 1000ms}) {
    auto pid = start_big();
    std::this_thread::sleep_for(delay);
    int status = kill_and_wait(pid);
    ASSERT_EQ(status, 128 + SIGKILL)
        << "the run ended before the kill at " << delay.count() << " ms; make the input bigger\n"
        << read_file(dir_ / "err.txt");
    expect_untouched("killed after " + std::to_string(delay.count()) + " ms");
  }
  // The kills left build directories behind (at least the later ones had started one).
  EXPECT_FALSE(partial_dirs(index()).empty());

  // A rerun succeeds, publishes, and removes the litter.
  write_file(dir_ / "next.jsonl", jsonl({simple_article("n", "New", "quasarfield basalt")}));
  auto r = index_run(index(), {(dir_ / "next.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(read_current(index()), current_);
  EXPECT_EQ(partial_dirs(index()), std::vector<std::string>{});
  EXPECT_EQ(top_id(index(), {"quasarfield"}), "n");
  EXPECT_EQ(top_id(index(), {"glimmerstone"}), "a");
  EXPECT_EQ(top_id(index(), {"obsidian", "--as", "member"}), "m");
  EXPECT_EQ(holders(index(), "full", "kalo"), std::vector<std::string>{});  // no killed run's words
}

// The last phase of a rebuild compacts the tiers it wrote (work/<tier> ->
// work/<tier>.compact, renamed back) and then publishes: kill it there.
TEST_F(KilledIndexer, KilledWhileCompactingLeavesThePublishedIndexAsItWas) {
  auto pid = start_big({"--rebuild"});
  auto compacting = [&] {
    for (const auto& name : partial_dirs(index())) {
      auto work = index() / name;
      if (fs::exists(work / "public.compact") || fs::exists(work / "full.compact")) return true;
    }
    return false;
  };
  bool seen = wait_until(compacting, 120s);
  int status = kill_and_wait(pid);
  ASSERT_TRUE(seen) << "never saw the compaction phase\n" << read_file(dir_ / "err.txt");
  ASSERT_EQ(status, 128 + SIGKILL) << read_file(dir_ / "err.txt");
  expect_untouched("killed while compacting");
  ASSERT_FALSE(partial_dirs(index()).empty());

  auto r = index_run(index(), {(dir_ / "small.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(partial_dirs(index()), std::vector<std::string>{});
  EXPECT_EQ(top_id(index(), {"glimmerstone"}), "a");
  EXPECT_EQ(open_tier(index(), "full").get_doccount(), 3u);
}

// Without --rebuild the last phase writes the manifest, syncs the build directory and renames
// it into place, then rewrites CURRENT: kill it once the manifest is there.
TEST_F(KilledIndexer, KilledWhilePublishingLeavesThePublishedIndexAsItWas) {
  auto pid = start_big();
  auto publishing = [&] {
    for (const auto& name : partial_dirs(index()))
      if (fs::exists(index() / name / "manifest.json")) return true;
    return false;
  };
  bool seen = wait_until(publishing, 120s);
  int status = kill_and_wait(pid);
  if (seen && status == 0)
    GTEST_SKIP() << "the run published before the kill landed: its last phase was too short "
                    "to catch on this machine";
  ASSERT_TRUE(seen) << "never saw the manifest written\n" << read_file(dir_ / "err.txt");
  ASSERT_EQ(status, 128 + SIGKILL) << read_file(dir_ / "err.txt");
  expect_untouched("killed while publishing");

  auto r = index_run(index(), {(dir_ / "small.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(partial_dirs(index()), std::vector<std::string>{});
  // Only the new generation and the one before it remain: nothing the killed run left.
  std::vector<std::string> generations;
  for (const auto& e : entries_of(index()))
    if (e.rfind("gen-", 0) == 0) generations.push_back(e);
  EXPECT_EQ(generations, (std::vector<std::string>{*current_, *read_current(index())}));
  EXPECT_EQ(holders(index(), "full", "kalo"), std::vector<std::string>{});
}

TEST_F(KilledIndexer, ASecondIndexerFailsFastWhileOneIsRunning) {
  auto pid = start_big();
  // The first run holds the lock once its build directory exists.
  bool started = wait_until([&] { return !partial_dirs(index()).empty(); }, 30s);
  auto begin = std::chrono::steady_clock::now();
  auto second = index_run(index(), {(dir_ / "small.jsonl").string()});
  auto took = std::chrono::steady_clock::now() - begin;
  int first_status = kill_and_wait(pid);
  ASSERT_TRUE(started);
  ASSERT_EQ(first_status, 128 + SIGKILL) << "the first run ended too soon";
  EXPECT_EQ(second.status, 1) << second.err;
  EXPECT_NE(second.err.find("another archive-index run is writing this index"), std::string::npos)
      << second.err;
  EXPECT_LT(took, 5s);
  expect_untouched("after the refused second run");

  // Once the first is gone, the lock is free again.
  auto third = index_run(index(), {(dir_ / "small.jsonl").string()});
  EXPECT_EQ(third.status, 0) << third.err;
}

}  // namespace
}  // namespace archive::testing
