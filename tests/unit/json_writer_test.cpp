#include "json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "archive/search_types.hpp"

namespace archive {
namespace {

using Json = nlohmann::ordered_json;

TEST(JsonWriter, NestsWithCommasWhereJsonNeedsThem) {
  JsonWriter out;
  out.begin_object().key("a").begin_array().end_array().key("b").begin_array();
  out.value(std::size_t{1}).begin_object().end_object().null().value("x").end_array();
  out.key("c").value(1.5).end_object();
  EXPECT_EQ(out.take(), R"({"a":[],"b":[1,{},null,"x"],"c":1.5})");
}

TEST(JsonWriter, EscapesStringsAsNlohmannReadsThem) {
  std::string text = "quote \" backslash \\ tab \t newline \n bell \x07 sep \x1e é 水 😀 </mark>";
  JsonWriter out;
  out.begin_object().key(text).value(text).end_object();
  auto written = out.take();
  EXPECT_EQ(written.find('\n'), std::string::npos);
  auto parsed = Json::parse(written);
  EXPECT_EQ(parsed.begin().key(), text);
  EXPECT_EQ(parsed.begin().value(), text);
  EXPECT_NE(written.find("\\u0007"), std::string::npos) << written;
}

TEST(JsonWriter, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  JsonWriter out;
  out.value(
      std::string_view("a\xFF"
                       "b\xC3"));
  auto parsed = Json::parse(out.take());  // throws on invalid UTF-8
  EXPECT_EQ(parsed,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST(JsonWriter, NumbersReadBackAsTheSameType) {
  JsonWriter out;
  out.begin_array().value(std::numeric_limits<double>::quiet_NaN()).value(0.25).value(3.0);
  out.value(1e20).end_array();
  EXPECT_EQ(out.take(), "[null,0.25,3.0,1e+20]");
}

TEST(JsonText, WritesTheWholeSearchResponse) {
  SearchResponse r;
  r.query = "knee \"pain\"";
  r.total_estimate = 12;
  r.limit = 10;
  r.results.push_back({"a",
                       "https://x/a",
                       "Knee <pain>",
                       "article",
                       "public",
                       "2020-01-02",
                       {"Ann O'Neil", "B <b>"},
                       {"knee", "pain"},
                       "<mark>Knee</mark> pain",
                       "Why knees \"hurt\""});
  r.results.push_back({"b", "https://x/b", "B", "faq", "members", std::nullopt, {}, {}, "", ""});
  r.facets = Facets{{{"knee", 2}, {"pain", 5}}, {{"article", 1}}, {}, 7};
  r.took_ms = 0.5;
  auto expected = Json::parse(R"({
    "query": "knee \"pain\"", "total_estimate": 12, "offset": 0, "limit": 10,
    "corrected_query": "",
    "results": [
      {"id": "a", "url": "https://x/a", "title": "Knee <pain>", "kind": "article",
       "access": "public", "published": "2020-01-02", "authors": ["Ann O'Neil", "B <b>"],
       "tags": ["knee", "pain"], "snippet": "<mark>Knee</mark> pain", "section": "Why knees \"hurt\""},
      {"id": "b", "url": "https://x/b", "title": "B", "kind": "faq", "access": "members",
       "published": null, "authors": [], "tags": [], "snippet": "", "section": null}],
    "facets": {"matches": 7, "tag": [{"value": "pain", "count": 5}, {"value": "knee", "count": 2}],
               "kind": [{"value": "article", "count": 1}], "year": []},
    "took_ms": 0.5})");
  EXPECT_EQ(Json::parse(json_text(r)), expected);
  EXPECT_EQ(to_json(r), expected);
}

}  // namespace
}  // namespace archive
