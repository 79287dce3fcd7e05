// The HTTP front end's pure parts, in-process: query-string checking (RequestParams) and
// bearer-token checking (TokenVerifier), including tokens built by hand.
#include <gtest/gtest.h>
#include <jwt.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "archive/query_builder.hpp"
#include "archive/text.hpp"
#include "archive/token_verifier.hpp"
#include "request_params.hpp"

namespace archive {
namespace {

using Params = RequestParams::Multimap;
using namespace std::chrono_literals;
using nlohmann::json;

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

TEST(HttpRequestParams, MessagesAreValidUtf8) {
  for (const std::string& name :
       {std::string(39, 'a') + "\xC3\xA9", std::string("\xFF"), std::string("ab\xE2\x82")}) {
    Params p = {{name, "1"}};
    auto message = message_of([&] { RequestParams(p).allow({"q"}); });
    EXPECT_TRUE(is_valid_utf8(message)) << name.size();
  }
}

// --- Tokens -------------------------------------------------------------------------------

const std::string kSecret = "unit-test-secret-0123456789abcdef0123456789";

std::string b64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) out += kAlphabet[(bits >> (count -= 6)) & 63];
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63];
  return out;
}

std::string sign_with(jwt_alg_t alg, const std::string& key, const json& claims) {
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  jwt_add_grants_json(jwt.get(), claims.dump().c_str());
  jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()), int(key.size()));
  std::unique_ptr<char, decltype(&free)> token(jwt_encode_str(jwt.get()), &free);
  return token ? token.get() : "";
}

long long in(std::chrono::seconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(
             (std::chrono::system_clock::now() + d).time_since_epoch())
      .count();
}

TEST(HttpTokenVerifier, AcceptsOurHs256Tokens) {
  TokenVerifier verifier(kSecret);
  auto member =
      verifier.verify(sign_token(kSecret, json({{"tier", "member"}, {"exp", in(1h)}}).dump()));
  EXPECT_EQ(member.tier, CallerTier::Member);
  auto editor =
      verifier.verify(sign_with(JWT_ALG_HS256, kSecret, {{"tier", "editor"}, {"exp", in(1h)}}));
  EXPECT_TRUE(editor.is_editor());
  auto unlock = verifier.verify(
      sign_token(kSecret, json({{"unlocked", {"a", "b"}}, {"exp", in(1h)}}).dump()));
  EXPECT_EQ(unlock.tier, CallerTier::Public);
  EXPECT_EQ(unlock.unlocked, (std::set<std::string>{"a", "b"}));
  EXPECT_FALSE(unlock.public_only());
  EXPECT_TRUE(verifier.from_header("").public_only());
  EXPECT_EQ(
      verifier
          .from_header("Bearer " +
                       sign_token(kSecret, json({{"tier", "member"}, {"exp", in(1h)}}).dump()))
          .tier,
      CallerTier::Member);
}

TEST(HttpTokenVerifier, RefusesEverythingElse) {
  TokenVerifier verifier(kSecret);
  json member = {{"tier", "member"}, {"exp", in(1h)}};
  std::vector<std::pair<std::string, std::string>> cases = {
      {"alg none", b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(member.dump()) + "."},
      {"alg none, signed", sign_with(JWT_ALG_NONE, "", member)},
      {"HS384", sign_with(JWT_ALG_HS384, kSecret, member)},
      {"HS512", sign_with(JWT_ALG_HS512, kSecret, member)},
      {"another key", sign_with(JWT_ALG_HS256, kSecret + "!", member)},
      {"expired", sign_token(kSecret, json({{"tier", "member"}, {"exp", in(-1s)}}).dump())},
      {"no exp", sign_token(kSecret, json({{"tier", "member"}}).dump())},
      {"tier admin", sign_token(kSecret, json({{"tier", "admin"}, {"exp", in(1h)}}).dump())},
      {"101 unlocks",
       sign_token(
           kSecret,
           json({{"unlocked", std::vector<std::string>(101, "a")}, {"exp", in(1h)}}).dump())},
      {"empty", ""},
      {"too long", std::string(kMaxTokenBytes + 1, 'a')},
  };
  for (const auto& [why, token] : cases) {
    SCOPED_TRACE(why);
    EXPECT_THROW(verifier.verify(token), TokenError);
    auto message = message_of([&] { verifier.verify(token); });
    if (token.size() > 8) {
      EXPECT_EQ(message.find(token), std::string::npos) << "the message quotes the token";
    }
  }
  for (const std::string header : {"Basic xyz", "Bearer", "Bearer ", "bearer x", "x"})
    EXPECT_THROW(verifier.from_header(header), TokenError) << header;
  // Without a secret no token is accepted, not even one signed with an empty key.
  TokenVerifier none("");
  EXPECT_THROW(none.verify(sign_token(kSecret, member.dump())), TokenError);
  EXPECT_THROW(none.verify(sign_with(JWT_ALG_HS256, "", member)), TokenError);
  EXPECT_TRUE(none.from_header("").public_only());
  // Positive control: the same claims, signed right, pass.
  EXPECT_EQ(verifier.verify(sign_token(kSecret, member.dump())).tier, CallerTier::Member);
}

}  // namespace
}  // namespace archive
