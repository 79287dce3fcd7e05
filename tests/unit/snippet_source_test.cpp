#include "archive/snippet_source.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <random>

#include "archive/layout.hpp"
#include "archive/text.hpp"

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

TEST(BestExtract, ShortTextIsTheWholeText) {
  std::string text = "Stretching before running.";
  EXPECT_EQ(best_extract(text, {"stretch"}), text);
}

TEST(BestExtract, FindsAProbeDeepInALongText) {
  auto text = filler(500) + "Ankle sprains heal. " + filler(500);
  auto passage = best_extract(text, {"sprain"});
  EXPECT_TRUE(has(passage, "Ankle sprains heal.")) << passage;
  EXPECT_LE(passage.size(), kSnippetLength);
  // Cut between words.
  EXPECT_EQ(passage.front(), 'f');
  EXPECT_TRUE(text.substr(passage.data() - text.data() - 1, 1) == " ");
}

TEST(BestExtract, PrefersThePlaceHoldingMoreOfTheQuery) {
  auto text =
      filler(100) + "knee knee knee knee. " + filler(300) + "knee and ice together. " + filler(300);
  auto passage = best_extract(text, {"knee", "ice"});
  EXPECT_TRUE(has(passage, "knee and ice together")) << passage;
}

TEST(BestExtract, AtEqualVarietyMoreHitsWin) {
  auto text =
      filler(100) + "knee, knee and knee again. " + filler(300) + "one knee. " + filler(300);
  auto passage = best_extract(text, {"knee"});
  EXPECT_TRUE(has(passage, "knee, knee and knee again")) << passage;
}

TEST(BestExtract, AProbeMustStartAWordAndCaseDoesNotMatter) {
  auto text = filler(300) + "practice device. " + filler(300) + "ICE helps. " + filler(300);
  auto passage = best_extract(text, {"ice"});
  EXPECT_TRUE(has(passage, "ICE helps.")) << passage;
  EXPECT_FALSE(has(passage, "device")) << passage;
}

// Probes are looked for 16 bytes at a time where the processor allows, and byte by byte in
// the last few bytes: both find any case, and only where a word starts.
TEST(BestExtract, FindsAProbeInAnyCaseUpToTheLastByte) {
  for (std::string tail : {"kNeE", "x kNeE", "KNEE.", "Knee and more words after it."}) {
    auto text = filler(300) + tail;
    auto extract = best_extract(text, {"knee"});
    EXPECT_TRUE(has(extract, tail.substr(tail.find_first_of("kK")))) << tail;
    EXPECT_EQ(extract.data() + extract.size(), text.data() + text.size()) << tail;
  }
  auto text = filler(300) + "xknee " + filler(300);
  EXPECT_EQ(best_extract(text, {"knee"}).data(), text.data());  // not a word start: the opening
}

TEST(BestExtract, ALongWordBeforeTheHitDoesNotPushItOut) {
  auto text = filler(100) + std::string(300, 'a') + " knee " + filler(100);
  EXPECT_TRUE(has(best_extract(text, {"knee"}), "knee filler0")) << best_extract(text, {"knee"});
}

TEST(BestExtract, AHitNearTheEndStillGetsAFullExtract) {
  auto text = filler(300) + "knee.";
  auto extract = best_extract(text, {"knee"});
  EXPECT_TRUE(extract.ends_with("knee.")) << extract;
  EXPECT_GE(extract.size(), kSnippetLength - kSnippetLength / 5) << extract;
}

TEST(BestExtract, WithoutAProbeItIsTheOpening) {
  auto text = filler(500);
  auto passage = best_extract(text, {"absent"});
  EXPECT_EQ(passage.data(), text.data());
  EXPECT_LE(passage.size(), kSnippetLength);
}

TEST(BestExtract, NeverCutsInsideAUtf8Character) {
  std::string word = "\xC3\xA9t\xC3\xA9";  // "été"
  std::string text;
  for (int i = 0; i < 400; ++i) text += word + " ";
  auto passage = best_extract(text, {"absent"});
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

// Snippets for queries parsed by a real QueryParser, as the searcher parses them: stems
// under Z, phrase words as they are.
class SnippetSourceTest : public ::testing::Test {
 protected:
  static SnippetSource source_for(const std::string& query_text,
                                  std::vector<std::string> prefixes = {}) {
    Xapian::QueryParser parser;
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    return SnippetSource(terms_of(parser.parse_query(query_text)), std::move(prefixes));
  }
};

TEST_F(SnippetSourceTest, HighlightsStemsDeepInALongArticle) {
  auto text = filler(400) + "Runners stretched, and one injury followed. " + filler(400);
  auto out = source_for("stretching injuries").snippet("", layout::join_texts({text}));
  EXPECT_TRUE(has(out, "<mark>stretched</mark>")) << out;
  EXPECT_TRUE(has(out, "<mark>injury</mark>")) << out;
  EXPECT_TRUE(out.starts_with("…")) << out;
  EXPECT_TRUE(out.ends_with("…")) << out;
  EXPECT_FALSE(has(out, "<mark>filler")) << out;
  EXPECT_LE(out.size(), kSnippetLength + 2 * (std::string("<mark></mark>").size() + 3));
}

TEST_F(SnippetSourceTest, SaysWhichSectionTheFirstMatchIsIn) {
  // Empty sections (a member heading teased in the public tier) keep their index.
  auto texts = layout::join_texts({"Warm up first.", "", filler(300) + "Ice helps. " + filler(10)});
  auto in_section = source_for("ice").cut("A summary.", texts);
  ASSERT_TRUE(in_section.section.has_value()) << in_section.html;
  EXPECT_EQ(*in_section.section, 2u);
  EXPECT_TRUE(has(in_section.html, "<mark>Ice</mark>")) << in_section.html;
  EXPECT_FALSE(source_for("summary").cut("A summary.", texts).section.has_value());
  EXPECT_EQ(*source_for("warm").cut("", texts).section, 0u);
}

TEST_F(SnippetSourceTest, AShortTextIsShownWholeWithoutEllipses) {
  EXPECT_EQ(source_for("ice").snippet("Ice eases pain.", ""), "<mark>Ice</mark> eases pain.");
}

TEST_F(SnippetSourceTest, MarkupInTheTextIsEscaped) {
  auto out = source_for("ice").snippet("Ice <b>not</b> heat & \"cold\".", "");
  EXPECT_EQ(out, "<mark>Ice</mark> &lt;b&gt;not&lt;/b&gt; heat &amp; &quot;cold&quot;.");
}

TEST_F(SnippetSourceTest, PhraseWordsMatchAsWrittenAndOnlyWholeWords) {
  auto out = source_for("\"rotator cuff\"").snippet("The rotator cuffs; a rotator cuff.", "");
  EXPECT_EQ(out, "The <mark>rotator</mark> cuffs; a <mark>rotator</mark> <mark>cuff</mark>.");
}

TEST_F(SnippetSourceTest, PunctuationOutsideAsciiDoesNotHideAWord) {
  // Curly quotes and dashes are not word characters; accented letters are.
  auto out = source_for("trigger caf\xC3\xA9")
                 .snippet(
                     "\xE2\x80\x9C"
                     "Trigger\xE2\x80\x9D points\xE2\x80\x94"
                     "at the CAF\xC3\x89.",
                     "");
  EXPECT_TRUE(has(out, "\xE2\x80\x9C<mark>Trigger</mark>\xE2\x80\x9D")) << out;
  EXPECT_TRUE(has(out,
                  "\xE2\x80\x94"
                  "at"))
      << out;
  EXPECT_TRUE(has(out, "<mark>CAF\xC3\x89</mark>")) << out;
}

TEST_F(SnippetSourceTest, PrefixesMarkTheWordsTheyStart) {
  auto out = source_for("knee", {"stre"}).snippet("Knee stretches and stress, not restraint.", "");
  EXPECT_EQ(out,
            "<mark>Knee</mark> <mark>stretches</mark> and <mark>stress</mark>, not restraint.");
}

TEST_F(SnippetSourceTest, WordsJoinedAsTheTermGeneratorJoinsThemMatchWhole) {
  EXPECT_EQ(source_for("o'brien").snippet("Ask O'Brien or O\xE2\x80\x99"
                                          "Brien.",
                                          ""),
            "Ask <mark>O'Brien</mark> or <mark>O\xE2\x80\x99"
            "Brien</mark>.");
  EXPECT_EQ(source_for("at&t").snippet("Call AT&T & them.", ""),
            "Call <mark>AT&amp;T</mark> &amp; them.");
  EXPECT_EQ(source_for("3.5").snippet("Take 3.5 mg, not 3 or 5.", ""),
            "Take <mark>3.5</mark> mg, not 3 or 5.");
}

TEST_F(SnippetSourceTest, StemsThatDropALetterStillMatch) {
  // "writing" stems to "write", which "writing" does not start with.
  EXPECT_EQ(source_for("writing").snippet("Writing and writes; a writer.", ""),
            "<mark>Writing</mark> and <mark>writes</mark>; a writer.");
  EXPECT_EQ(source_for("injuries").snippet("One injury, two injuries.", ""),
            "One <mark>injury</mark>, two <mark>injuries</mark>.");
}

TEST_F(SnippetSourceTest, WhiteSpaceAroundTheTextIsNoCut) {
  auto out = source_for("ice").snippet("", layout::join_texts({"\n\n  Ice " + filler(100) + "\n"}));
  EXPECT_TRUE(out.starts_with("<mark>Ice</mark> filler0")) << out;
  EXPECT_EQ(source_for("ice").snippet(" \n ", layout::join_texts({"\t"})), "");
}

TEST_F(SnippetSourceTest, NumbersMatchAndParagraphsBecomeSpaces) {
  auto out =
      source_for("2019").snippet("Trials.", layout::join_texts({"In 2019\n\nmore.", "End."}));
  EXPECT_EQ(out, "Trials. In <mark>2019</mark> more. End.");
}

TEST(WildcardsOf, ListsThePatternsOfEveryWildcard) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.add_prefix("title", "S");
  using Patterns = std::vector<std::string>;
  auto wildcards = [&](const char* text, unsigned flags) {
    return wildcards_of(parser.parse_query(text, flags));
  };
  auto wildcard = Xapian::QueryParser::FLAG_WILDCARD, partial = Xapian::QueryParser::FLAG_PARTIAL;
  EXPECT_EQ(wildcards("knee str* title:ten*", wildcard), (Patterns{"str", "Sten"}));
  EXPECT_EQ(wildcards("knee children's", partial), Patterns{"children's"});
  EXPECT_EQ(wildcards("knee children's ", partial), Patterns{});  // a space: a whole word
  EXPECT_EQ(wildcards("knee", 0), Patterns{});
}

TEST_F(SnippetSourceTest, FieldWildcardsMarkNothingInTheText) {
  EXPECT_EQ(SnippetSource({}, {"Sstre", "stre"}).snippet("Stress.", ""), "<mark>Stress</mark>.");
  EXPECT_EQ(SnippetSource({}, {"Sstre"}).snippet("Stress.", ""), "Stress.");
}

// Any text, valid UTF-8 or not: a bounded snippet, valid UTF-8 when the text is, and no
// markup but the marks.
TEST_F(SnippetSourceTest, RandomTextGivesABoundedEscapedSnippet) {
  const std::vector<std::string> pieces = {"knee",
                                           "Knee",
                                           "KNEE",
                                           "kneel",
                                           "ice",
                                           "3",
                                           ".",
                                           ",",
                                           "5",
                                           " ",
                                           "  ",
                                           "\n\n",
                                           "'",
                                           "&",
                                           "<",
                                           ">",
                                           "\"",
                                           "\xE2\x80\x99",
                                           "\xE2\x80\x94",
                                           "\xC3\xA9",
                                           "\xE6\xB0\xB4",
                                           "\xF0\x9F\x98\x80",
                                           "\x1E",
                                           "\xFF",
                                           "\xC3",
                                           "a"};
  auto source = source_for("knee ice 3.5 o'neil", {"kn", "\xC3\xA9"});
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    auto length = random() % 400;
    while (text.size() < length) text += pieces[random() % pieces.size()];
    auto out = source.snippet(text, "");
    SCOPED_TRACE(text);
    EXPECT_LE(out.size(), 6 * kSnippetLength) << out;  // escapes and marks included
    if (is_valid_utf8(text)) {
      EXPECT_TRUE(is_valid_utf8(out)) << out;
    }
    std::string bare = out;
    for (std::string tag : {"<mark>", "</mark>"})
      for (auto at = bare.find(tag); at != bare.npos; at = bare.find(tag))
        bare.erase(at, tag.size());
    EXPECT_EQ(bare.find_first_of("<>\"\x1E\n"), std::string::npos) << out;
    for (auto at = bare.find('&'); at != bare.npos; at = bare.find('&', at + 1)) {
      auto entity = bare.substr(at, 6);
      EXPECT_TRUE(entity.starts_with("&amp;") || entity.starts_with("&lt;") ||
                  entity.starts_with("&gt;") || entity.starts_with("&quot;"))
          << out;
    }
  }
}

TEST_F(SnippetSourceTest, AWordLongerThanTheExtractIsCutBetweenCharacters) {
  std::string word;
  for (int i = 0; i < 300; ++i) word += "\xC3\xA9";  // one 600-byte word of "é"
  auto out = source_for("absent").snippet(word, "");
  EXPECT_TRUE(is_valid_utf8(out)) << out;
  EXPECT_TRUE(out.ends_with("…")) << out;
  EXPECT_LE(out.size(), kSnippetLength + 3);
}

}  // namespace
}  // namespace archive
