// A title's words and the lookup keys built from them: the indexer and the search core
// must build the same key from the same words.
#include "archive/title_words.hpp"

#include <gtest/gtest.h>

#include "archive/layout.hpp"

namespace archive {
namespace {

TEST(TitleWords, SplitLowerCasedWordsKeepingApostrophesInsideWords) {
  EXPECT_EQ(
      title_words("Patellofemoral Pain: The Runner's Knee Puzzle"),
      (std::vector<std::string>{"patellofemoral", "pain", "the", "runner's", "knee", "puzzle"}));
  EXPECT_EQ(title_words("Runner\u2019s  knee\u2014DOMS?"),
            (std::vector<std::string>{"runner's", "knee", "doms"}));
  EXPECT_EQ(title_words("Members' Guide: Delayed-Onset"),
            (std::vector<std::string>{"members", "guide", "delayed", "onset"}));
  EXPECT_TRUE(title_words(" -- ?").empty());
}

TEST(TitleWords, SmallWordsAreTheStopwords) {
  EXPECT_TRUE(is_stopword("the"));
  EXPECT_FALSE(is_stopword("pain"));
  EXPECT_EQ(content_words(title_words("The Nocebo Effect: How Words Can Hurt")),
            (std::vector<std::string>{"nocebo", "effect", "words", "hurt"}));
}

TEST(TitleKey, JoinsTheWordsAfterThePrefix) {
  EXPECT_EQ(title_key("XTW", title_words("Heat or Ice? A Practical FAQ")),
            "XTWheat or ice a practical faq");
  EXPECT_EQ(title_key("XTC", content_words(title_words("Heat or Ice? A Practical FAQ"))),
            "XTCheat ice practical faq");
}

// A title typed in part starts the keys of the titles it may name: with the last word
// unfinished, titles whose word there goes on; otherwise only titles with more words.
TEST(TitleKey, AStartMatchesTheKeysOfLongerTitles) {
  auto key = title_key("XTW", title_words("Low back pain relief"));
  EXPECT_TRUE(key.starts_with(title_key_start("XTW", {"low", "back", "pa"}, true)));
  EXPECT_TRUE(key.starts_with(title_key_start("XTW", {"low", "back", "pain"}, false)));
  EXPECT_FALSE(key.starts_with(title_key_start("XTW", {"low", "back", "pa"}, false)));
  EXPECT_FALSE(title_key("XTW", {"low", "back", "pain"})
                   .starts_with(title_key_start("XTW", {"low", "back", "pain"}, false)));
}

// Xapian refuses a term over 245 bytes: a long title's key is cut, and so is the key a
// query builds from the same words, so the two still meet.
TEST(TitleKey, ALongTitleIsCutToATermXapianTakes) {
  std::vector<std::string> words(100, "proprioception");
  auto key = title_key("XTW", words);
  EXPECT_EQ(key.size(), layout::kMaxTermBytes);
  EXPECT_EQ(title_key_start("XTW", words, false), key);
  Xapian::Document doc;
  doc.add_boolean_term(key);
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  EXPECT_NO_THROW(db.add_document(doc));
}

}  // namespace
}  // namespace archive
