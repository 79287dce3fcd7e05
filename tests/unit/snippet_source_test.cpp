#include "archive/snippet_source.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include "archive/layout.hpp"

namespace archive {
namespace {

// `count` words of filler ("w0 w1 ..."), none of them a probe.
std::string filler(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += "filler" + std::to_string(i) + " ";
  return out;
}

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

TEST(BestPassage, ShortTextIsTheWholeText) {
  std::string text = "Stretching before running.";
  EXPECT_EQ(best_passage(text, {"stretch"}), text);
}

TEST(BestPassage, FindsAProbeDeepInALongText) {
  auto text = filler(500) + "Ankle sprains heal. " + filler(500);
  auto passage = best_passage(text, {"sprain"});
  EXPECT_TRUE(has(passage, "Ankle sprains heal.")) << passage;
  EXPECT_LE(passage.size(), kSnippetLength * 3 / 2);
  // Cut between words.
  EXPECT_EQ(passage.front(), 'f');
  EXPECT_TRUE(text.substr(passage.data() - text.data() - 1, 1) == " ");
}

TEST(BestPassage, PrefersThePlaceHoldingMoreOfTheQuery) {
  auto text =
      filler(100) + "knee knee knee knee. " + filler(300) + "knee and ice together. " + filler(300);
  auto passage = best_passage(text, {"knee", "ice"});
  EXPECT_TRUE(has(passage, "knee and ice together")) << passage;
}

TEST(BestPassage, AtEqualVarietyMoreHitsWin) {
  auto text =
      filler(100) + "knee, knee and knee again. " + filler(300) + "one knee. " + filler(300);
  auto passage = best_passage(text, {"knee"});
  EXPECT_TRUE(has(passage, "knee, knee and knee again")) << passage;
}

TEST(BestPassage, AProbeMustStartAWordAndCaseDoesNotMatter) {
  auto text = filler(300) + "practice device. " + filler(300) + "ICE helps. " + filler(300);
  auto passage = best_passage(text, {"ice"});
  EXPECT_TRUE(has(passage, "ICE helps.")) << passage;
  EXPECT_FALSE(has(passage, "device")) << passage;
}

TEST(BestPassage, WithoutAProbeItIsTheOpening) {
  auto text = filler(500);
  auto passage = best_passage(text, {"absent"});
  EXPECT_EQ(passage.data(), text.data());
  EXPECT_LE(passage.size(), kSnippetLength * 3 / 2);
}

TEST(BestPassage, NeverCutsInsideAUtf8Character) {
  std::string word = "\xC3\xA9t\xC3\xA9";  // "été"
  std::string text;
  for (int i = 0; i < 400; ++i) text += word + " ";
  auto passage = best_passage(text, {"absent"});
  auto first = static_cast<unsigned char>(passage.front());
  auto after = static_cast<unsigned char>(text[passage.size()]);
  EXPECT_NE(first & 0xC0, 0x80);
  EXPECT_NE(after & 0xC0, 0x80);
}

TEST(SnippetText, JoinsSummaryAndNonEmptySectionTexts) {
  auto texts = layout::join_texts({"One.", "", "Two."});
  EXPECT_EQ(snippet_text("Summary.", texts), "Summary.\n\nOne.\n\nTwo.");
  EXPECT_EQ(snippet_text("", texts), "One.\n\nTwo.");
}

// The real MSet::snippet over a real (in-memory) database: stems highlight, and text left
// out on either side of the passage is marked.
class SnippetSourceTest : public ::testing::Test {
 protected:
  Xapian::MSet search(const std::string& query_text) {
    Xapian::QueryParser parser;
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    query_ = parser.parse_query(query_text);
    Xapian::Enquire enquire(db_);
    enquire.set_query(query_);
    return enquire.get_mset(0, 10);
  }

  void add(const std::string& text) {
    Xapian::TermGenerator indexer;
    indexer.set_stemmer(Xapian::Stem("english"));
    indexer.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    Xapian::Document doc;
    indexer.set_document(doc);
    indexer.index_text(text);
    db_.add_document(doc);
  }

  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
  Xapian::Query query_;
};

TEST_F(SnippetSourceTest, HighlightsStemsDeepInALongArticle) {
  auto text = filler(400) + "Runners stretched, and one injury followed. " + filler(400);
  add(text);
  auto mset = search("stretching injuries");
  ASSERT_EQ(mset.size(), 1u);
  SnippetSource snippets(mset, terms_of(query_));
  auto out = snippets.snippet("", layout::join_texts({text}));
  EXPECT_TRUE(has(out, "<mark>stretched</mark>")) << out;
  EXPECT_TRUE(has(out, "<mark>injury</mark>")) << out;
  EXPECT_TRUE(out.starts_with("…")) << out;
  EXPECT_TRUE(out.ends_with("…")) << out;
  EXPECT_FALSE(has(out, "<mark>filler")) << out;
}

TEST_F(SnippetSourceTest, AShortTextIsShownWholeWithoutEllipses) {
  add("Ice eases pain.");
  auto mset = search("ice");
  SnippetSource snippets(mset, terms_of(query_));
  EXPECT_EQ(snippets.snippet("Ice eases pain.", ""), "<mark>Ice</mark> eases pain.");
}

TEST_F(SnippetSourceTest, MarkupInTheTextIsEscaped) {
  add("Ice <b>not</b> heat.");
  auto mset = search("ice");
  SnippetSource snippets(mset, terms_of(query_));
  auto out = snippets.snippet("Ice <b>not</b> heat.", "");
  EXPECT_FALSE(has(out, "<b>")) << out;
  EXPECT_TRUE(has(out, "&lt;b&gt;")) << out;
}

}  // namespace
}  // namespace archive
