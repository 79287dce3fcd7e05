// The importers' command line, and the mapping's CSS subset as XPath (libxml2 evaluates it).
#include "archive/import_mapping.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "archive/importer.hpp"
#include "archive/index_command.hpp"

namespace archive {
namespace {

TEST(CssToXpath, TheSubsetTranslates) {
  EXPECT_EQ(css_to_xpath("h1"), "//h1");
  EXPECT_EQ(css_to_xpath("#main"), "//*[@id='main']");
  EXPECT_EQ(css_to_xpath(".teaser"),
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' teaser ')]");
  EXPECT_EQ(css_to_xpath("a[rel=author]"), "//a[@rel='author']");
  EXPECT_EQ(css_to_xpath("div[data-x=\"y z\"]"), "//div[@data-x='y z']");
  EXPECT_EQ(css_to_xpath("ul.tags > li"),
            "//ul[contains(concat(' ', normalize-space(@class), ' '), ' tags ')]/li");
  EXPECT_EQ(css_to_xpath("article p, aside"), "//article//p | //aside");
}

TEST(CssToXpath, AnythingElseIsRefusedWithWhere) {
  for (const char* css :
       {"div:first-child", "a + b", "a ~ b", "[href^=http]", "", "p,", "[x='a\"b']", "*", "p >"}) {
    EXPECT_THROW(css_to_xpath(css), MappingError) << css;
  }
  try {
    css_to_xpath("div:first-child");
  } catch (const MappingError& e) {
    EXPECT_NE(std::string(e.what()).find("at character 4"), std::string::npos) << e.what();
  }
}

TEST(ImportFormat, FollowsTheExtension) {
  EXPECT_EQ(format_of("a/b.HTM"), InputFormat::Html);
  EXPECT_EQ(format_of("notes.markdown"), InputFormat::Markdown);
  EXPECT_EQ(format_of("export.json"), InputFormat::Jsonl);
}

bool parses(std::vector<std::string> args, IndexOptions& options) {
  CLI::App app;
  define_index_command(app, options);
  std::reverse(args.begin(), args.end());  // CLI11 takes them in reverse order
  try {
    app.parse(args);
    return true;
  } catch (const CLI::ParseError&) {
    return false;
  }
}

TEST(ImportCommandLine, OptionsLandInTheirFields) {
  IndexOptions options;
  ASSERT_TRUE(parses({"--dry-run", "--emit-jsonl", "--format", "markdown", "--mapping",
                      ARCHIVE_SOURCE_DIR "/tests/fixtures/import/notes/mapping.yaml", "notes"},
                     options));
  EXPECT_TRUE(options.dry_run);
  EXPECT_TRUE(options.emit_jsonl);
  EXPECT_EQ(options.format, InputFormat::Markdown);
  EXPECT_TRUE(options.index.empty());  // a dry run needs no index
  IndexOptions defaults;
  ASSERT_TRUE(parses({"--index", "idx", "in.jsonl"}, defaults));
  EXPECT_EQ(defaults.format, std::nullopt);
  EXPECT_FALSE(defaults.dry_run);
}

TEST(ImportCommandLine, Errors) {
  IndexOptions options;
  EXPECT_FALSE(parses({"in.html"}, options));                               // no --index
  EXPECT_FALSE(parses({"--index", "i", "--format", "xml", "a"}, options));  // no such format
  EXPECT_FALSE(parses({"--index", "i", "--emit-jsonl", "a"}, options));     // needs --dry-run
  EXPECT_FALSE(parses({"--dry-run", "--mapping", "/no/such/mapping.yaml", "a"}, options));
}

}  // namespace
}  // namespace archive
