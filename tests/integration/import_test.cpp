// The importers through the real archive-index: the fixture sites give their expected
// JSONL and index with their tiers; members-only markup in doubt never reaches the public
// tier (canaries checked through the Xapian API, the raw files and anonymous search).
#include <gtest/gtest.h>

#include "archive_fixtures.hpp"
#include "test_support.hpp"

namespace archive::testing {
namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& relative) {
  return source_path("tests/fixtures/import/" + relative);
}

struct Site {
  std::string name, format, mapping;
};
const std::vector<Site> kSites = {{"classic", "html", "classic/mapping.yaml"},
                                  {"modern", "html", "modern/mapping.json"},
                                  {"notes", "markdown", "notes/mapping.yaml"}};

std::vector<std::string> import_args(const Site& site) {
  return {"--format", site.format, "--mapping", fixture(site.mapping).string(),
          fixture(site.name).string()};
}

TEST(ImportFixtures, EachSiteGivesItsExpectedJsonl) {
  for (const auto& site : kSites) {
    std::vector<std::string> argv = {bin("archive-index"), "--dry-run", "--emit-jsonl"};
    for (auto& arg : import_args(site)) argv.push_back(arg);
    auto r = run(argv);
    EXPECT_EQ(r.status, 0) << site.name << "\n" << r.err;
    EXPECT_EQ(r.out, read_file(fixture("expected/" + site.name + ".jsonl"))) << site.name;
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  }
}

TEST(ImportFixtures, APageNamedOnTheCommandLineIsReadByItsExtension) {
  auto r = run({bin("archive-index"), "--dry-run", "--emit-jsonl", "--mapping",
                fixture("notes/mapping.yaml").string(), fixture("notes/tennis-elbow.md").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["id"], "tennis-elbow");
}

TEST(ImportFixtures, TheSitesIndexAndSearchByTier) {
  TempDir dir;
  auto index = dir / "index";
  for (const auto& site : kSites) {
    auto r = index_run(index, import_args(site));
    ASSERT_EQ(r.status, 0) << site.name << "\n" << r.err;
  }
  EXPECT_EQ(top_id(index, {"shin", "splints"}), "shin-splints");
  EXPECT_EQ(top_id(index, {"adhesive", "capsulitis"}), "frozen-shoulder");
  // Member text is in the full tier only, whichever markup marked it.
  for (const auto& [word, id] : std::vector<std::pair<std::string, std::string>>{
           {"pendulum", "frozen-shoulder"},           // data-access="members"
           {"hill", "shin-splints"},                  // class="members-only"
           {"hop", "shin-splints"},                   // <!-- members -->
           {"kilogram", "rotator-cuff-tear"},         // class="paywalled"
           {"squeeze", "tennis-elbow"},               // ```members
           {"median", "tennis-elbow"},                // <!-- members --> in Markdown
           {"thawing", "frozen-shoulder-basics"}}) {  // members_only: true
    EXPECT_EQ(holders(index, "full", word), std::vector<std::string>{id}) << word;
    EXPECT_TRUE(holders(index, "public", word).empty()) << word;
  }
  EXPECT_EQ(top_id(index, {"--as", "member", "pendulum", "swings"}), "frozen-shoulder");
  EXPECT_TRUE(search_ids(index, {"pendulum"}).empty());
  // Boilerplate and scripts are not text; internal links are ids.
  EXPECT_TRUE(holders(index, "full", "tracker").empty());
  EXPECT_TRUE(holders(index, "full", "newsletter").empty());
  EXPECT_TRUE(holders(index, "full", "unlock").empty());
  EXPECT_EQ(holders(index, "public", "XLINKstress-fractures"),
            std::vector<std::string>{"shin-splints"});
}

// Pages given to an update are imported once, into its change log as JSONL: the pair's
// next update and a replica replaying the log (--apply-changes) need neither the pages nor
// the mapping, and publish what the update did.
TEST(ImportUpdates, PagesInAnUpdateReplayWithoutThePagesOrTheMapping) {
  TempDir dir;
  auto base = fixture("expected/notes.jsonl").string();
  auto primary = dir / "primary", replica = dir / "replica";
  for (const auto& index : {primary, replica})
    ASSERT_EQ(index_run(index, {"--rebuild", base}).status, 0);
  auto site = dir / "site";
  fs::copy(fixture("modern"), site);
  auto r = index_run(
      primary, {"--format", "html", "--mapping", (site / "mapping.json").string(), site.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  fs::remove_all(site);

  r = index_run(replica, {"--apply-changes", (primary / *read_current(primary)).string()});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* tier : {"public", "full"})
    EXPECT_EQ(everything_in(open_tier(primary, tier)), everything_in(open_tier(replica, tier)))
        << tier;
  EXPECT_EQ(holders(replica, "full", "pendulum"), std::vector<std::string>{"frozen-shoulder"});
  EXPECT_TRUE(holders(replica, "public", "pendulum").empty());

  // The pair's next update replays the pages' log on the generation it takes over.
  r = index_run(primary, {"--delete", "tennis-elbow"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("replayed the previous update's 2 change(s)"), std::string::npos) << r.err;
  EXPECT_EQ(top_id(primary, {"adhesive", "capsulitis"}), "frozen-shoulder");
  EXPECT_TRUE(holders(primary, "public", "pendulum").empty());
}

// Pages whose members markup is hostile or broken, each with a canary in the uncertain
// text; `imported` pages are indexed (members-only), the others refused.
struct HostilePage {
  std::string file, text;
  bool imported;
};

std::vector<HostilePage> hostile_pages(const std::string& c) {
  auto html = [](const std::string& title, const std::string& body) {
    return "<html><head><title>" + title + "</title></head><body><h1>" + title +
           "</h1><p>Public knee pain text.</p>\n" + body + "\n</body></html>\n";
  };
  auto md = [](const std::string& title, const std::string& body) {
    return "---\ntitle: " + title + "\n---\nPublic knee pain text.\n\n" + body + "\n";
  };
  return {
      {"nested.html",
       html("Nested", "<!-- members --><p>a</p><!-- members --><p>" + c +
                          "a</p><!-- /members --><p>" + c + "b</p><!-- /members -->"),
       true},
      {"unclosed.html", html("Unclosed", "<!-- members --><p>" + c + "c</p>"), false},
      {"attribute.html",
       html("Attribute", "<p title='x <!-- members -->'>" + c + "d</p><!-- /members -->"), true},
      {"cdata.html",
       html("Cdata", "<div class='members-only'><![CDATA[</div>]]><p>" + c + "e</p></div>"), true},
      {"cdata-comment.html",
       html("Cdata comment", "<![CDATA[<!-- /members -->]]><p>" + c + "f</p>"), true},
      {"split.html",
       html("Split", "<div class='members-only'><p>" + c + "g</p></span></section><p>" + c +
                         "h</p></td></div><p>after</p>"),
       true},
      {"split-comment.html",
       html("Split comment", "<div><!-- members --><p>" + c + "i</p></div><div><p>" + c +
                                 "j</p><!-- /members --></div>"),
       true},
      {"unknown-value.html",
       html("Unknown value", "<section data-access='premium'><p>" + c + "k</p></section>"), true},
      {"fence.md", md("Fence", "```members\n" + c + "l\n"), false},
      {"html-block.md", md("Html block", "<div class=\"members-only\">\n\n" + c + "m\n\n</div>"),
       true},
      {"inline.md", md("Inline", "Foot <span data-access=\"members\">" + c + "n</span> text."),
       true},
      {"flag.md", "---\ntitle: Flag\nmembers_only: maybe\n---\n" + c + "o\n", true},
      // An h1 left open swallows the members block: the title comes from <title> instead.
      {"open-title.html",
       "<html><head><title>Open title</title></head><body><p>Public knee pain text.</p><h1>"
       "Open title<div "
       "class='members-only'><p>" +
           c + "p</p></div></body></html>\n",
       true},
      {"heading-holds.html",
       html("Heading holds", "<h2>Dosage <span data-access='members'>" + c + "q</span></h2>"),
       true},
      {"heading-comment.md",
       md("Heading comment", "## Dosage <!-- members -->" + c + "r<!-- /members -->\n\nMore."),
       true},
      {"open-fence.md",
       md("Open fence", "```\ncode\n\n<!-- members -->\n\n" + c + "t\n\n<!-- /members -->"), true},
      {"title-span.md", "# Title <span class=\"members-only\">" + c + "s</span>\n\nPublic.\n",
       false},
  };
}

class HostileMarkup : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "site");
    for (const auto& page : hostile_pages(canary_))
      write_file(dir_ / "site" / page.file, page.text);
  }

  CommandResult import(const std::string& format, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--format", format, (dir_ / "site").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return index_run(index(), args);
  }
  fs::path index() const { return dir_ / "index"; }

  TempDir dir_;
  std::string canary_ = make_canary();
};

TEST_F(HostileMarkup, UncertainTextNeverReachesThePublicTier) {
  auto html = import("html", {"--keep-going"});
  auto markdown = import("markdown", {"--keep-going"});
  for (const auto* r : {&html, &markdown}) {
    EXPECT_EQ(r->status, 2) << r->err;  // published, with refused pages
    // Problems and warnings name the place, never the text.
    EXPECT_EQ((r->out + r->err).find(canary_.substr(8)), std::string::npos) << r->err;
  }
  EXPECT_NE(html.err.find("unclosed.html:2: members: <!-- members --> is never closed"),
            std::string::npos)
      << html.err;
  EXPECT_NE(markdown.err.find("fence.md:6: members: ```members block is never closed"),
            std::string::npos)
      << markdown.err;
  for (auto warning : {"heading-comment.md:6: a heading holds members markup",
                       "title-span.md:1: a heading holds members markup",
                       "open-fence.md:6: members markup inside a code block"})
    EXPECT_NE(markdown.err.find(warning), std::string::npos) << warning << "\n" << markdown.err;
  for (auto warning :
       {"nested.html:2: nested members comment",
        "attribute.html:2: a comment "
        "inside an attribute",
        "unknown-value.html:2: data-access=\"premium\"", "cdata.html:2: a CDATA section",
        "open-title.html:1: title: its element is members-only",
        "heading-holds.html:2: a heading holds members-only markup"})
    EXPECT_NE(html.err.find(warning), std::string::npos) << warning << "\n" << html.err;

  auto public_text = everything_in(open_tier(index(), "public"));
  EXPECT_EQ(public_text.find(canary_.substr(8)), std::string::npos);
  auto generation = index() / read_current(index()).value_or("none");
  EXPECT_TRUE(files_containing(generation / "public", canary_.substr(8)).empty());
  EXPECT_NE(public_text.find("knee"), std::string::npos);  // the public text is there

  auto full_text = everything_in(open_tier(index(), "full"));
  for (const auto& page : hostile_pages(canary_)) {
    auto stem = page.file.substr(0, page.file.find('.'));
    EXPECT_EQ(!holders(index(), "full", "Q" + stem).empty(), page.imported) << page.file;
  }
  for (char c = 'a'; c <= 't'; ++c) {
    auto word = canary_ + c;
    // c, l and s: their pages are refused; p: an h1's text is never body text.
    bool unindexed = c == 'c' || c == 'l' || c == 'p' || c == 's';
    EXPECT_EQ(full_text.find(word) != std::string::npos, !unindexed) << word;
    EXPECT_TRUE(search_ids(index(), {word}).empty()) << word;
  }
}

TEST_F(HostileMarkup, AStrictRunRefusesAMembersBlockNeverClosed) {
  auto r = import("html");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_FALSE(read_current(index()).has_value());
  EXPECT_NE(r.err.find("unclosed.html:2: members:"), std::string::npos) << r.err;
}

TEST(ImportErrors, EachProblemNamesTheFileAndLine) {
  TempDir dir;
  write_file(dir / "no-title.html",
             "<html><body>\n<p>Muscle text without a title.</p></body></html>");
  write_file(dir / "Bad Name.html", "<html><head><title>Hip</title></head><body>x</body></html>");
  write_file(
      dir / "encoding.html",
      "<html><head>\n<meta charset=\"x-klingon\"><title>K</title></head><body>x</body></html>");
  write_file(dir / "bad-date.md", "---\ntitle: Calf\ndate: 2020-13-45\n---\ntext\n");
  write_file(dir / "yaml.md", "---\ntitle: [unclosed\n---\ntext\n");
  write_file(dir / "latin1.md", "---\ntitle: Caf\xe9\n---\ntext\n");
  write_file(dir / "fine.md", "# Fine\n\nAn honest page about ankle sprains.\n");
  for (auto format : {"html", "markdown"}) {
    auto r = run({bin("archive-index"), "--dry-run", "--format", format, dir.path().string()});
    EXPECT_EQ(r.status, 1) << r.err;
  }
  auto html = run({bin("archive-index"), "--dry-run", "--format", "html", dir.path().string()});
  auto md = run({bin("archive-index"), "--dry-run", "--keep-going", "--format", "markdown",
                 dir.path().string()});
  EXPECT_EQ(md.status, 2);
  for (const auto& [output, expected] : std::vector<std::pair<std::string, std::string>>{
           {html.err, "no-title.html:1: title: the page has no title"},
           {html.err, "Bad Name.html:1: id: must be a slug"},
           {html.err, "encoding.html:2: encoding: cannot decode the page"},
           {md.err, "bad-date.md:3: published: \"2020-13-45\" is not a date"},
           {md.err, "yaml.md:3: front_matter:"},
           {md.err, "latin1.md:2: encoding: the file is not UTF-8 (byte 15)"},
           {md.err, "1 article(s) read, 3 invalid"}})
    EXPECT_NE(output.find(expected), std::string::npos) << expected << "\n" << output;
}

TEST(ImportErrors, AMappingFileIsCheckedWithFileAndLine) {
  TempDir dir;
  write_file(dir / "mapping.yaml", "site: https://x.example\nfields:\n  titel: {meta: title}\n");
  write_file(dir / "page.html", "<html><head><title>T</title></head><body>x</body></html>");
  auto r = run({bin("archive-index"), "--dry-run", "--mapping", (dir / "mapping.yaml").string(),
                (dir / "page.html").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("mapping.yaml:3: fields.titel: is not a known key"), std::string::npos)
      << r.err;
  write_file(dir / "mapping.yaml", "drop: ['div:first-child']\n");
  r = run({bin("archive-index"), "--dry-run", "--mapping", (dir / "mapping.yaml").string(),
           (dir / "page.html").string()});
  EXPECT_NE(r.err.find("mapping.yaml:1: drop[0]: selector \"div:first-child\": not in the "
                       "supported subset"),
            std::string::npos)
      << r.err;
}

TEST(ImportErrors, EveryMappingTheSchemaRefusesIsRefused) {
  auto page = fixture("notes/tennis-elbow.md").string();
  for (const auto& entry : fs::directory_iterator(fixture("invalid-mappings"))) {
    auto r = run({bin("archive-index"), "--dry-run", "--mapping", entry.path().string(), page});
    EXPECT_EQ(r.status, 1) << entry.path();
    EXPECT_NE(r.err.find(entry.path().string() + ":"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace archive::testing
