#include <gtest/gtest.h>

#include "test_support.hpp"

namespace archive::testing {
namespace {

TEST(Indexer, StrictRunWithABadArticleFailsNamingFileAndLine) {
  TempDir dir;
  write_file(dir / "in.jsonl",
             "{\"id\": \"ok\", \"title\": \"Fine\", \"sections\": [{\"text\": \"x\"}]}\n"
             "{\"id\": \"bad\", \"title\": 7, \"sections\": [{\"text\": \"x\"}]}\n");
  auto r = run({bin("archive-index"), "--index", (dir / "idx").string(), (dir / "in.jsonl").string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("in.jsonl:2: title: must be a string"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "idx" / "CURRENT"));
}

}  // namespace
}  // namespace archive::testing
