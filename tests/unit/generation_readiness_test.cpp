// Readiness of a published generation: what /readyz reports and a load balancer acts on.
// A replica copies generations in from elsewhere, so the checks must catch a copy that is
// empty, half-copied or renamed into place.
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "archive/generation_store.hpp"
#include "archive/index_command.hpp"
#include "archive/index_generation.hpp"
#include "archive/layout.hpp"
#include "test_support.hpp"

namespace archive {
namespace {

namespace fs = std::filesystem;

class GenerationReadiness : public ::testing::Test {
 protected:
  void SetUp() override {
    IndexOptions options;
    options.index = root();
    options.inputs = {testing::source_path("tests/fixtures/xref/archive.jsonl").string()};
    std::ostringstream err;
    ASSERT_EQ(run_index_command(options, err, false), 0) << err.str();
  }

  fs::path root() const { return dir_ / "idx"; }

  // Points CURRENT at `name`, as a replica's switch would.
  void name_current(const std::string& name) const {
    std::ofstream(root() / layout::kCurrentFile) << name << '\n';
  }

  std::string problem() const {
    auto generation = IndexGeneration::open_current(root());
    return generation.readiness_problem(*current_generation(root()));
  }

  testing::TempDir dir_;
};

TEST_F(GenerationReadiness, PublishedGenerationIsStampedAndReady) {
  auto name = *current_generation(root());
  for (auto tier : {layout::kPublicTier, layout::kFullTier})
    EXPECT_EQ(Xapian::Database(tier_path(root(), name, tier).string())
                  .get_metadata(std::string(layout::kGenerationKey)),
              name);
  EXPECT_EQ(problem(), "");
}

TEST_F(GenerationReadiness, CopyRenamedIntoPlaceIsNotReady) {
  fs::copy(root() / "gen-00000001", root() / "gen-00000002", fs::copy_options::recursive);
  name_current("gen-00000002");
  EXPECT_NE(problem().find("carries generation \"gen-00000001\""), std::string::npos) << problem();
}

TEST_F(GenerationReadiness, EmptyTierIsNotReady) {
  auto full = tier_path(root(), "gen-00000001", layout::kFullTier);
  fs::remove_all(full);
  Xapian::WritableDatabase empty(full.string(), Xapian::DB_CREATE);
  empty.set_metadata(std::string(layout::kGenerationKey), "gen-00000001");
  empty.commit();
  EXPECT_NE(problem().find("full tier of gen-00000001 holds no documents"), std::string::npos)
      << problem();
}

TEST_F(GenerationReadiness, GenerationCurrentNoLongerNamesIsNotReady) {
  auto generation = IndexGeneration::open_current(root());
  EXPECT_EQ(generation.readiness_problem("gen-00000002"),
            "serving gen-00000001 but CURRENT names gen-00000002");
}

}  // namespace
}  // namespace archive
