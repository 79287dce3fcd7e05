// When a query names a title: the closeness rules of known-item search, word by word.
#include "title_match.hpp"

#include <gtest/gtest.h>

namespace archive {
namespace {

TitleMatch closeness(const std::string& query, const std::string& title, bool unfinished = false) {
  return match_title(title_words(query), title_words(title), unfinished);
}

TEST(TitleMatch, CaseAndPunctuationMakeNoDifference) {
  EXPECT_EQ(closeness("does stretching prevent injury", "Does Stretching Prevent Injury?"),
            TitleMatch::Exact);
  EXPECT_EQ(closeness("HEAT OR ICE a practical faq", "Heat or Ice? A Practical FAQ"),
            TitleMatch::Exact);
}

TEST(TitleMatch, SmallWordsMissingOrAddedStillName) {
  EXPECT_EQ(closeness("nocebo effect how words can hurt", "The Nocebo Effect: How Words Can Hurt"),
            TitleMatch::SmallWords);
  EXPECT_EQ(closeness("the neck pain a practical guide", "Neck Pain: Practical Guide"),
            TitleMatch::SmallWords);
  // Only small words: a question of stopwords names nothing.
  EXPECT_EQ(closeness("the", "The"), TitleMatch::Exact);
  EXPECT_EQ(closeness("a the", "The"), TitleMatch::None);
}

TEST(TitleMatch, OneSlipInOneLongWordStillNames) {
  EXPECT_EQ(closeness("does strething prevent injury", "Does Stretching Prevent Injury?"),
            TitleMatch::OneTypo);  // dropped
  EXPECT_EQ(closeness("does stretcihng prevent injury", "Does Stretching Prevent Injury?"),
            TitleMatch::OneTypo);  // swapped
  EXPECT_EQ(closeness("does stretchhing prevent injury", "Does Stretching Prevent Injury?"),
            TitleMatch::OneTypo);  // doubled
  EXPECT_EQ(closeness("does stretching prevent injary", "Does Stretching Prevent Injury?"),
            TitleMatch::OneTypo);  // replaced
  // Two slips, a slip in two words, or one in a short word: another query.
  EXPECT_EQ(closeness("does strething prevent injary", "Does Stretching Prevent Injury?"),
            TitleMatch::None);
  EXPECT_EQ(closeness("does stretchign prevnet injury", "Does Stretching Prevent Injury?"),
            TitleMatch::None);
  EXPECT_EQ(closeness("log pain", "Leg Pain"), TitleMatch::None);
  EXPECT_EQ(closeness("does stretching prevent", "Does Stretching Prevent Injury?"),
            TitleMatch::Prefix);
}

TEST(TitleMatch, TheFirstWordsAsTypedNameTheTitle) {
  auto title = "Knee Osteoarthritis: Exercise Is the Treatment";
  EXPECT_EQ(closeness("knee osteoarthritis exercise", title), TitleMatch::Prefix);
  EXPECT_EQ(closeness("knee osteoarthritis exer", title, true), TitleMatch::Prefix);
  // A finished word must be the title's word; two words are a topic, not a title.
  EXPECT_EQ(closeness("knee osteoarthritis exer", title), TitleMatch::None);
  EXPECT_EQ(closeness("knee osteoarthritis", title), TitleMatch::None);
  // Words of the title in another place are no prefix.
  EXPECT_EQ(closeness("osteoarthritis exercise treatment", title), TitleMatch::None);
}

TEST(TitleMatch, ClosenessOrdersExactFirst) {
  EXPECT_LT(TitleMatch::None, TitleMatch::Prefix);
  EXPECT_LT(TitleMatch::Prefix, TitleMatch::OneTypo);
  EXPECT_LT(TitleMatch::OneTypo, TitleMatch::SmallWords);
  EXPECT_LT(TitleMatch::SmallWords, TitleMatch::Exact);
}

}  // namespace
}  // namespace archive
