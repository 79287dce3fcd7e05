#include "archive/document_builder.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <nlohmann/json.hpp>
#include <set>

#include "archive/layout.hpp"

namespace archive {
namespace {

Article parse(const nlohmann::json& value) {
  auto parsed = parse_article(value);
  if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) {
    ADD_FAILURE() << "invalid article: " << errors->front().field << ": "
                  << errors->front().message;
    return {};
  }
  return std::get<Article>(parsed);
}

std::vector<std::string> terms_of(const Xapian::Document& doc) {
  std::vector<std::string> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) terms.push_back(*it);
  return terms;
}

// Terms containing `needle` anywhere (prefixed, stemmed or not).
std::vector<std::string> terms_containing(const Xapian::Document& doc, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& t : terms_of(doc))
    if (t.find(needle) != std::string::npos) found.push_back(t);
  return found;
}

bool has_term(const Xapian::Document& doc, const std::string& term) {
  auto it = doc.termlist_begin();
  it.skip_to(term);
  return it != doc.termlist_end() && *it == term;
}

std::vector<std::string> headings(const std::vector<Section>& sections) {
  std::vector<std::string> out;
  for (const auto& s : sections) out.push_back(s.heading.value_or("(none)") + "|" + s.text);
  return out;
}

// A members-only post and a public article with a members area, each in two variants.
nlohmann::json member_post(bool headings_public) {
  return {{"id", "member-post"},
          {"title", "Shoulder mobility drills"},
          {"kind", "member-post"},
          {"access", "members"},
          {"headings_public", headings_public},
          {"summary", "Drills for the shoulder."},
          {"tags", {"shoulder"}},
          {"authors", {"Ana Ruiz"}},
          {"published", "2019-04-01"},
          {"sections",
           {{{"heading", "Open teaser"},
             {"access", "public"},
             {"text", "Everyone reads this shoulder intro."}},
            {{"heading", "Quillockian heading"},
             {"text", "The zebrawort drills strengthen the rotator cuff."}},
            {{"heading", nullptr}, {"text", "Marblefenn notes without a heading."}}}}};
}

nlohmann::json public_with_member_area(bool headings_public) {
  return {{"id", "open-article"},
          {"title", "Heat or ice"},
          {"headings_public", headings_public},
          {"sections",
           {{{"heading", "What the evidence says"}, {"text", "Heat helps stiffness."}},
            {{"heading", "Quillockian protocol"},
             {"access", "members"},
             {"text", "Zebrawort timing table."}},
            {{"heading", "Closing"}, {"text", "Ice helps swelling."}}}}};
}

TEST(VisibleSections, FullTierKeepsEverySection) {
  for (bool teaser : {false, true}) {
    auto a = parse(member_post(teaser));
    auto sections = visible_sections(a, Tier::Full);
    ASSERT_EQ(sections.size(), 3u);
    EXPECT_EQ(sections[1].text, "The zebrawort drills strengthen the rotator cuff.");
    EXPECT_EQ(sections[1].access, Access::Members);
    EXPECT_EQ(sections[2].text, "Marblefenn notes without a heading.");
  }
}

TEST(VisibleSections, PublicTierDropsMemberSectionsWithoutTeaser) {
  auto sections = visible_sections(parse(member_post(false)), Tier::Public);
  EXPECT_EQ(headings(sections),
            std::vector<std::string>{"Open teaser|Everyone reads this shoulder intro."});

  auto open = visible_sections(parse(public_with_member_area(false)), Tier::Public);
  EXPECT_EQ(headings(open),
            (std::vector<std::string>{"What the evidence says|Heat helps stiffness.",
                                      "Closing|Ice helps swelling."}));
}

TEST(VisibleSections, TeaserKeepsMemberHeadingsWithoutText) {
  auto sections = visible_sections(parse(member_post(true)), Tier::Public);
  // The heading-less member section has nothing to tease: it goes entirely.
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(headings(sections),
            (std::vector<std::string>{"Open teaser|Everyone reads this shoulder intro.",
                                      "Quillockian heading|"}));
  EXPECT_EQ(sections[0].access, Access::Public);
  EXPECT_EQ(sections[1].access, Access::Members);
  EXPECT_TRUE(sections[1].text.empty());

  auto open = visible_sections(parse(public_with_member_area(true)), Tier::Public);
  EXPECT_EQ(headings(open),
            (std::vector<std::string>{"What the evidence says|Heat helps stiffness.",
                                      "Quillockian protocol|", "Closing|Ice helps swelling."}));
}

TEST(VisibleSections, ArticleWithoutMemberTextIsTheSameInBothTiers) {
  auto a = parse({{"id", "p"},
                  {"title", "T"},
                  {"headings_public", true},
                  {"sections", {{{"heading", "H"}, {"text", "one"}}, {{"text", "two"}}}}});
  EXPECT_EQ(headings(visible_sections(a, Tier::Public)), headings(visible_sections(a, Tier::Full)));
}

// Everything a document stores besides its terms: its data and every value.
std::string stored(const Xapian::Document& doc) {
  auto out = doc.get_data();
  for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
    out += '\n';
    out += *v;
  }
  return out;
}

class BuildDocument : public ::testing::Test {
 protected:
  Xapian::Document build(const nlohmann::json& article, Tier tier) {
    auto indexer = make_term_generator();
    return build_document(parse(article), tier, indexer);
  }
};

TEST_F(BuildDocument, PublicTierOfAMemberPostHoldsNoMemberWord) {
  for (bool teaser : {false, true}) {
    SCOPED_TRACE(teaser ? "headings_public" : "no teaser");
    auto pub = build(member_post(teaser), Tier::Public);
    auto full = build(member_post(teaser), Tier::Full);
    // Member-only words, in whatever form a term may hold them (plain, stemmed, prefixed).
    for (const char* word : {"zebrawort", "rotator", "strengthen", "marblefenn", "cuff"}) {
      SCOPED_TRACE(word);
      EXPECT_EQ(terms_containing(pub, word), std::vector<std::string>{});
      EXPECT_FALSE(terms_containing(full, word).empty());  // positive control
      EXPECT_EQ(stored(pub).find(word), std::string::npos) << stored(pub);
    }
    for (const char* text : {"The zebrawort drills", "Marblefenn notes"}) {
      EXPECT_EQ(stored(pub).find(text), std::string::npos);
      EXPECT_NE(stored(full).find(text), std::string::npos);
    }
    // The member heading: public only as a teaser.
    EXPECT_EQ(terms_containing(pub, "quillockian").empty(), !teaser);
    EXPECT_EQ(stored(pub).find("Quillockian") == std::string::npos, !teaser);
    EXPECT_FALSE(terms_containing(full, "quillockian").empty());
    // Public words stay findable in the public tier.
    EXPECT_TRUE(has_term(pub, "everyone"));
    EXPECT_TRUE(has_term(pub, "Zshoulder"));
    EXPECT_TRUE(has_term(pub, "Zdrill"));  // from the (public) title and summary
  }
}

TEST_F(BuildDocument, PublicTierOfAPublicArticleDropsItsMemberArea) {
  for (bool teaser : {false, true}) {
    auto pub = build(public_with_member_area(teaser), Tier::Public);
    auto full = build(public_with_member_area(teaser), Tier::Full);
    EXPECT_EQ(terms_containing(pub, "zebrawort"), std::vector<std::string>{});
    EXPECT_EQ(terms_containing(pub, "tabl"), std::vector<std::string>{});
    EXPECT_EQ(stored(pub).find("Zebrawort"), std::string::npos);
    EXPECT_FALSE(terms_containing(full, "zebrawort").empty());
    EXPECT_NE(stored(full).find("Zebrawort timing table."), std::string::npos);
    EXPECT_EQ(terms_containing(pub, "quillockian").empty(), !teaser);
    EXPECT_TRUE(has_term(pub, "Zswell"));
    EXPECT_TRUE(has_term(pub, "Zstiff"));
  }
}

TEST_F(BuildDocument, PublicTierDataHoldsOnlyVisibleSections) {
  auto pub_doc = build(member_post(true), Tier::Public);
  auto full_doc = build(member_post(true), Tier::Full);
  auto pub = nlohmann::json::parse(pub_doc.get_data());
  auto full = nlohmann::json::parse(full_doc.get_data());
  auto pub_text = pub_doc.get_value(layout::slot::kText);
  auto full_text = full_doc.get_value(layout::slot::kText);
  auto pub_texts = layout::split_texts(pub_text);
  auto full_texts = layout::split_texts(full_text);
  // One text per section, in the data's order; the data holds the outline, not the text.
  ASSERT_EQ(pub["sections"].size(), 2u);
  ASSERT_EQ(pub_texts.size(), 2u);
  EXPECT_EQ(pub["sections"][1]["heading"], "Quillockian heading");
  EXPECT_EQ(pub["sections"][1]["access"], "members");
  EXPECT_FALSE(pub["sections"][1].contains("text"));
  EXPECT_EQ(pub_texts[1], "");
  ASSERT_EQ(full["sections"].size(), 3u);
  ASSERT_EQ(full_texts.size(), 3u);
  EXPECT_EQ(full_texts[2], "Marblefenn notes without a heading.");
  EXPECT_FALSE(full["sections"][2].contains("heading"));
  // What a hit shows is a copy of part of the data, in its own value.
  auto hit = nlohmann::json::parse(pub_doc.get_value(layout::slot::kHit));
  EXPECT_EQ(hit.size(), 9u) << hit;
  for (const char* key : {"id", "url", "title", "kind", "access", "published", "tags", "summary"})
    EXPECT_EQ(hit[key], pub[key]) << key;
  // And the headings of the tier's sections, in slot kText's order.
  EXPECT_EQ(hit["headings"].size(), pub_texts.size()) << hit;
  EXPECT_EQ(hit["headings"][1], "Quillockian heading") << hit;
  // Metadata is public and the same in both tiers.
  for (const char* key : {"id", "url", "title", "kind", "access", "published", "updated", "authors",
                          "tags", "summary", "key_phrases", "links", "headings_public"})
    EXPECT_EQ(pub[key], full[key]) << key;
  EXPECT_EQ(pub["access"], "members");
}

TEST_F(BuildDocument, BooleanTermsAndValuesFollowTheLayout) {
  namespace prefix = layout::prefix;
  namespace slot = layout::slot;
  auto doc = build({{"id", "every-field"},
                    {"title", "Every field"},
                    {"kind", "member-post"},
                    {"published", "2024-02-29"},
                    {"updated", "2024-03-01"},
                    {"authors", {"Ana Ruiz", "Dana  Whitfield-Smith"}},
                    {"tags", {"back-pain", "neck"}},
                    {"links", {"minimal"}},
                    {"access", "members"},
                    {"sections", {{{"text", "x"}}}}},
                   Tier::Public);
  for (std::string term :
       {std::string(prefix::kId) + "every-field", std::string(prefix::kAccess) + "members",
        std::string(prefix::kKind) + "member-post", std::string(prefix::kYear) + "2024",
        std::string(prefix::kTag) + "back-pain", std::string(prefix::kTag) + "neck",
        std::string(prefix::kAuthorExact) + "ana-ruiz",
        std::string(prefix::kAuthorExact) + "dana-whitfield-smith",
        std::string(prefix::kLink) + "minimal", std::string(prefix::kTitle) + "every",
        std::string(prefix::kTitle) + "field", std::string(prefix::kAuthor) + "ruiz",
        std::string("Z") + std::string(prefix::kTitle) + "field"})
    EXPECT_TRUE(has_term(doc, term)) << term;
  EXPECT_EQ(doc.get_value(slot::kPublished), "20240229");
  EXPECT_EQ(doc.get_value(slot::kUpdated), "20240301");
  EXPECT_EQ(doc.get_value(slot::kKind), "member-post");
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(slot::kYear)), 2024.0);
  EXPECT_EQ(doc.get_value(slot::kTags), std::string("back-pain") + layout::kListSeparator + "neck");
  EXPECT_EQ(doc.get_value(slot::kAuthors),
            std::string("Ana Ruiz") + layout::kListSeparator + "Dana  Whitfield-Smith");
  const std::string sep(1, layout::kListSeparator);
  EXPECT_EQ(doc.get_value(slot::kFacets),
            "member-post" + sep + "2024" + sep + "back-pain" + sep + "neck");
}

// Known-item search looks titles up by their words: the same keys in both tiers, since a
// title is public; no content key for a title of small words only.
TEST_F(BuildDocument, TheTitleIsKeyedByItsWordsInBothTiers) {
  namespace prefix = layout::prefix;
  nlohmann::json article = {{"id", "keyed"},
                            {"title", "The Nocebo Effect: How Words Can Hurt"},
                            {"access", "members"},
                            {"sections", {{{"text", "x"}}}}};
  for (auto tier : {Tier::Public, Tier::Full}) {
    auto doc = build(article, tier);
    EXPECT_TRUE(
        has_term(doc, std::string(prefix::kTitleWords) + "the nocebo effect how words can hurt"));
    EXPECT_TRUE(has_term(doc, std::string(prefix::kTitleContent) + "nocebo effect words hurt"));
  }
  auto small =
      build({{"id", "small"}, {"title", "The"}, {"sections", {{{"text", "x"}}}}}, Tier::Public);
  EXPECT_TRUE(has_term(small, std::string(prefix::kTitleWords) + "the"));
  EXPECT_TRUE(terms_containing(small, std::string(prefix::kTitleContent)).empty());
}

TEST_F(BuildDocument, ASeparatorInsideATextIsBlankedNotASectionBoundary) {
  std::string odd = std::string("one") + layout::kTextSeparator + "two";
  auto doc =
      build({{"id", "odd"}, {"title", "T"}, {"sections", {{{"text", odd}}, {{"text", "three"}}}}},
            Tier::Full);
  auto text = doc.get_value(layout::slot::kText);
  auto texts = layout::split_texts(text);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0], "one two");
  EXPECT_EQ(texts[1], "three");
}

TEST_F(BuildDocument, UndatedArticleHasEmptyDateValuesAndNoYear) {
  auto doc =
      build({{"id", "undated"}, {"title", "T"}, {"sections", {{{"text", "x"}}}}}, Tier::Full);
  EXPECT_EQ(doc.get_value(layout::slot::kPublished), "");
  EXPECT_EQ(doc.get_value(layout::slot::kYear), "");
  // Kind and year keep their places in the facet value when empty.
  EXPECT_EQ(doc.get_value(layout::slot::kFacets), std::string(1, layout::kListSeparator));
  EXPECT_TRUE(terms_containing(doc, std::string(layout::prefix::kYear) + "1").empty());
  EXPECT_TRUE(terms_containing(doc, std::string(layout::prefix::kYear) + "2").empty());
}

// Phrases match the exact words, so those carry positions (stems need not).
TEST_F(BuildDocument, ExactWordsCarryPositionsForPhrases) {
  auto doc = build({{"id", "rom"},
                    {"title", "T"},
                    {"sections", {{{"text", "Your range of motion improves with practice."}}}}},
                   Tier::Full);
  std::vector<Xapian::termpos> range, of, motion;
  for (auto [term, out] : {std::pair{"range", &range}, {"of", &of}, {"motion", &motion}}) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    ASSERT_TRUE(it != doc.termlist_end() && *it == term) << term;
    for (auto p = it.positionlist_begin(); p != it.positionlist_end(); ++p) out->push_back(*p);
  }
  ASSERT_EQ(range.size(), 1u);
  EXPECT_EQ(of, std::vector<Xapian::termpos>{range[0] + 1});
  EXPECT_EQ(motion, std::vector<Xapian::termpos>{range[0] + 2});
  EXPECT_TRUE(has_term(doc, "Zrang"));  // the stem is there for ordinary searches
}

TEST_F(BuildDocument, FieldsDoNotShareAPhrase) {
  // "ice" ends the title and "bath" starts the summary: a phrase must not span them.
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  db.add_document(build({{"id", "a"},
                         {"title", "Heat or ice"},
                         {"summary", "Bath salts"},
                         {"sections", {{{"text", "x"}}}}},
                        Tier::Full));
  db.add_document(
      build({{"id", "b"}, {"title", "T"}, {"sections", {{{"text", "an ice bath"}}}}}, Tier::Full));
  Xapian::Enquire enquire(db);
  std::vector<std::string> words = {"ice", "bath"};
  enquire.set_query(Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end()));
  auto mset = enquire.get_mset(0, 10);
  ASSERT_EQ(mset.size(), 1u);
  EXPECT_NE(mset.begin().get_document().get_data().find("\"id\":\"b\""), std::string::npos);
}

TEST(DocumentBuilderHelpers, AuthorSlugAndDateValue) {
  EXPECT_EQ(author_slug("Dana Whitfield"), "dana-whitfield");
  EXPECT_EQ(author_slug("  O'Brien,  Mary "), "o-brien-mary");
  EXPECT_EQ(author_slug("ANA"), "ana");
  EXPECT_EQ(date_value(std::optional<std::string>("2019-04-01")), "20190401");
  EXPECT_EQ(date_value(std::nullopt), "");
}

}  // namespace
}  // namespace archive
