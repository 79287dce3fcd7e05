// The HTTP front end's query-string checking (RequestParams), in-process. Tokens are
// token_verifier_test.cpp's.
#include <gtest/gtest.h>

#include <functional>

#include "archive/query_builder.hpp"
#include "archive/text.hpp"
#include "request_params.hpp"

namespace archive {
namespace {

using Params = RequestParams::Multimap;

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return "";
}

TEST(HttpRequestParams, UnknownRepeatedAndRequired) {
  Params unknown = {{"q", "x"}, {"bogus", "1"}};
  EXPECT_THROW(RequestParams(unknown).allow({"q"}), ParameterError);
  EXPECT_NE(message_of([&] { RequestParams(unknown).allow({"q"}); }).find("bogus"),
            std::string::npos);
  Params repeated = {{"q", "a"}, {"q", "b"}};
  EXPECT_THROW(RequestParams(repeated).text("q"), ParameterError);
  EXPECT_EQ(RequestParams(repeated).all("q"), (std::vector<std::string>{"a", "b"}));
  Params none;
  EXPECT_THROW(RequestParams(none).text("q", true), ParameterError);
  EXPECT_EQ(RequestParams(none).text("q"), "");
  Params empty = {{"q", ""}};
  EXPECT_EQ(RequestParams(empty).text("q", true), "");
}

TEST(HttpRequestParams, NumbersAndFlags) {
  auto number = [](const std::string& value) {
    Params p = {{"n", value}};
    return RequestParams(p).number("n", 7, 1, 100);
  };
  EXPECT_EQ(number(""), 7u);
  EXPECT_EQ(number("1"), 1u);
  EXPECT_EQ(number("100"), 100u);
  EXPECT_EQ(number("007"), 7u);
  for (const char* bad : {"0", "101", "-1", "+5", "1e2", "0x10", " 5", "5 ", "ten",
                          "99999999999999999999", "1000000000"})
    EXPECT_THROW(number(bad), ParameterError) << bad;
  auto flag = [](const std::string& value) {
    Params p = {{"f", value}};
    return RequestParams(p).flag("f");
  };
  EXPECT_FALSE(flag(""));
  EXPECT_FALSE(flag("0"));
  EXPECT_FALSE(flag("false"));
  EXPECT_TRUE(flag("1"));
  EXPECT_TRUE(flag("true"));
  for (const char* bad : {"yes", "TRUE", "2", "on"}) EXPECT_THROW(flag(bad), ParameterError) << bad;
}

TEST(HttpRequestParams, SearchRequestDefaultsAndValues) {
  Params none;
  auto plain = search_request_from(RequestParams(none));
  EXPECT_EQ(plain.query, "");
  EXPECT_EQ(plain.limit, 10u);
  EXPECT_EQ(plain.offset, 0u);
  EXPECT_TRUE(plain.facets) << "facets are on unless facets=0";
  EXPECT_FALSE(plain.partial);
  EXPECT_EQ(plain.sort, SortOrder::Relevance);

  Params full = {{"q", "sleep"},         {"limit", "5"},         {"offset", "20"},
                 {"tag", "a"},           {"tag", "b"},           {"kind", "guide"},
                 {"author", "Ana Ruiz"}, {"from", "2020-01-01"}, {"to", "2021-01-01"},
                 {"sort", "newest"},     {"partial", "1"},       {"facets", "0"}};
  auto r = search_request_from(RequestParams(full));
  EXPECT_EQ(r.query, "sleep");
  EXPECT_EQ(r.limit, 5u);
  EXPECT_EQ(r.offset, 20u);
  EXPECT_EQ(r.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.kind, "guide");
  EXPECT_EQ(r.author, "Ana Ruiz");
  EXPECT_EQ(r.from, "2020-01-01");
  EXPECT_EQ(r.to, "2021-01-01");
  EXPECT_EQ(r.sort, SortOrder::Newest);
  EXPECT_TRUE(r.partial);
  EXPECT_FALSE(r.facets);

  for (const Params& bad : std::vector<Params>{{{"limit", "0"}},
                                               {{"limit", "101"}},
                                               {{"offset", "10001"}},
                                               {{"sort", "oldest"}},
                                               {{"partial", "x"}},
                                               {{"facets", "x"}},
                                               {{"page", "2"}},
                                               {{"kind", "a"}, {"kind", "b"}}})
    EXPECT_THROW(search_request_from(RequestParams(bad)), ParameterError) << bad.begin()->first;
}

TEST(HttpRequestParams, TextValuesAreChecked) {
  auto search = [](const std::string& name, const std::string& value) {
    Params p = {{name, value}};
    return message_of([&] { search_request_from(RequestParams(p)); });
  };
  const std::string filters[] = {"kind", "author", "tag", "from", "to", "sort"};
  for (const auto& name : filters) {
    SCOPED_TRACE(name);
    for (const std::string& bad :
         {std::string("\xFF"), std::string("ab\xE2\x82"), std::string("\xC0\xAF"),
          std::string("\xED\xA0\x80"), std::string(kMaxValueBytes + 1, 'a'),
          std::string(100'000, 'a'), std::string("a\nb"), std::string("a\tb"), std::string("a\x7F"),
          std::string("a\xC2\x85"), std::string("a\0b", 3)}) {
      auto message = search(name, bad);
      EXPECT_EQ(message.rfind(name + ": ", 0), 0u) << message;
      EXPECT_TRUE(is_valid_utf8(message)) << message;
    }
  }
  Params tags = {{"tag", "ok"}, {"tag", std::string(kMaxValueBytes + 1, 'a')}};
  EXPECT_THROW(search_request_from(RequestParams(tags)), ParameterError) << "every tag";
  // Tags are slugs: a value no article can carry is an error, not an empty answer.
  for (const char* not_a_slug : {"Not A Slug", "NOT-A-SLUG", "-lead", "a_b"})
    EXPECT_EQ(search("tag", not_a_slug).rfind("tag: must be a slug", 0), 0u) << not_a_slug;
  EXPECT_NO_THROW(search_request_from(RequestParams(Params{{"tag", "low-back-pain2"}})));
  // The longest value, and any UTF-8, are fine.
  Params good = {{"author", std::string(kMaxValueBytes - 2, 'a') + "\xC3\xA9"},
                 {"kind", "r\xC3\xA9sum\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80"}};
  auto r = search_request_from(RequestParams(good));
  EXPECT_EQ(r.author.size(), kMaxValueBytes);
  // The query keeps QueryBuilder's checks (1,024 bytes, UTF-8: invalid_query), but control
  // characters stop here.
  Params long_query = {{"q", std::string(1000, 'a')}};
  EXPECT_EQ(search_request_from(RequestParams(long_query)).query.size(), 1000u);
  Params bad_utf8_query = {{"q", "\xFF"}};
  EXPECT_NO_THROW(search_request_from(RequestParams(bad_utf8_query)));
  EXPECT_EQ(search("q", "a\rb").rfind("q: ", 0), 0u);
}

TEST(HttpRequestParams, MessagesAreValidUtf8) {
  for (const std::string& name :
       {std::string(39, 'a') + "\xC3\xA9", std::string("\xFF"), std::string("ab\xE2\x82")}) {
    Params p = {{name, "1"}};
    auto message = message_of([&] { RequestParams(p).allow({"q"}); });
    EXPECT_TRUE(is_valid_utf8(message)) << name.size();
  }
}

}  // namespace
}  // namespace archive
