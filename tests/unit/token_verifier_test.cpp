// TokenVerifier in-process: tokens signed by libjwt, and tokens built by hand (header and
// claims JSON, base64url, HMAC-SHA256 by OpenSSL) to say what libjwt would not let us say.
#include "archive/token_verifier.hpp"

#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "server_fixture.hpp"

namespace archive {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using serve_testing::base64url;
using serve_testing::epoch_seconds;
using serve_testing::sign_jwt;

const std::string kSecret = "unit-test-secret-0123456789abcdef0123456789";

// A token of exactly these header and claims texts, signed HS256 with `key`.
std::string hand_signed(const std::string& header, const std::string& claims,
                        const std::string& key = kSecret) {
  auto signed_part = base64url(header) + "." + base64url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac, &size);
  return signed_part + "." + base64url({reinterpret_cast<const char*>(mac), size});
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::string member_claims(const std::string& extra = "") {
  return R"({"tier":"member","exp":)" + std::to_string(epoch_seconds(1h)) + extra + "}";
}

// Why the verifier refused `token`, or "" when it accepted it.
std::string refusal(const std::string& token) {
  try {
    TokenVerifier(kSecret).verify(token);
    return "";
  } catch (const TokenError& e) {
    return e.what();
  }
}

TEST(TokenVerifier, AcceptsOurHs256Tokens) {
  TokenVerifier verifier(kSecret);
  auto member = verifier.verify(
      sign_token(kSecret, json({{"tier", "member"}, {"exp", epoch_seconds(1h)}}).dump()));
  EXPECT_EQ(member.tier, CallerTier::Member);
  auto editor =
      verifier.verify(sign_jwt(kSecret, {{"tier", "editor"}, {"exp", epoch_seconds(1h)}}));
  EXPECT_TRUE(editor.is_editor());
  auto unlock = verifier.verify(
      sign_token(kSecret, json({{"unlocked", {"a", "b"}}, {"exp", epoch_seconds(1h)}}).dump()));
  EXPECT_EQ(unlock.tier, CallerTier::Public);
  EXPECT_EQ(unlock.unlocked, (std::set<std::string>{"a", "b"}));
  EXPECT_FALSE(unlock.public_only());
  EXPECT_TRUE(verifier.from_header("").public_only());
  auto bearer = "Bearer " + sign_jwt(kSecret, {{"tier", "member"}, {"exp", epoch_seconds(1h)}});
  EXPECT_EQ(verifier.from_header(bearer).tier, CallerTier::Member);
  // Built by hand: the positive control of the hand-built refusals below.
  EXPECT_EQ(refusal(hand_signed(kHeader, member_claims())), "");
  EXPECT_EQ(refusal(hand_signed(R"({"alg":"HS256"})", member_claims())), "") << "typ is optional";
}

TEST(TokenVerifier, RefusesEverythingElse) {
  TokenVerifier verifier(kSecret);
  json member = {{"tier", "member"}, {"exp", epoch_seconds(1h)}};
  auto alg_none = base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(member.dump()) + ".";
  std::vector<std::pair<std::string, std::string>> cases = {
      {"alg none", alg_none},
      {"HS384", sign_jwt(kSecret, member, "HS384")},
      {"HS512", sign_jwt(kSecret, member, "HS512")},
      {"another key", sign_jwt(kSecret + "!", member)},
      {"expired", sign_jwt(kSecret, {{"tier", "member"}, {"exp", epoch_seconds(-1s)}})},
      {"no exp", sign_jwt(kSecret, {{"tier", "member"}})},
      {"exp negative", sign_jwt(kSecret, {{"tier", "member"}, {"exp", -1}})},
      {"exp past 9999", sign_jwt(kSecret, {{"tier", "member"}, {"exp", 1'000'000'000'000}})},
      {"exp a fraction", sign_jwt(kSecret, {{"tier", "member"}, {"exp", epoch_seconds(1h) + 0.5}})},
      {"tier admin", sign_jwt(kSecret, {{"tier", "admin"}, {"exp", epoch_seconds(1h)}})},
      {"101 unlocks", sign_jwt(kSecret, {{"unlocked", std::vector<std::string>(101, "a")},
                                         {"exp", epoch_seconds(1h)}})},
      {"empty", ""},
      {"too long", std::string(kMaxTokenBytes + 1, 'a')},
      {"four segments", sign_jwt(kSecret, member) + ".x"},
  };
  for (const auto& [why, token] : cases) {
    SCOPED_TRACE(why);
    auto message = refusal(token);
    EXPECT_NE(message, "");
    if (token.size() > 8) {
      EXPECT_EQ(message.find(token), std::string::npos) << "the message quotes the token";
    }
  }
  for (const std::string header : {"Basic xyz", "Bearer", "Bearer ", "bearer x", "x"})
    EXPECT_THROW(verifier.from_header(header), TokenError) << header;
  // Without a secret no token is accepted, not even one signed with an empty key.
  TokenVerifier none("");
  EXPECT_THROW(none.verify(sign_token(kSecret, member.dump())), TokenError);
  EXPECT_THROW(none.verify(hand_signed(kHeader, member_claims(), "")), TokenError);
  EXPECT_TRUE(none.from_header("").public_only());
}

TEST(TokenVerifier, NotBeforeIsHonoured) {
  auto nbf = [](std::chrono::seconds from_now) {
    return sign_jwt(
        kSecret,
        {{"tier", "member"}, {"exp", epoch_seconds(2h)}, {"nbf", epoch_seconds(from_now)}});
  };
  EXPECT_NE(refusal(nbf(24h)).find("not valid yet"), std::string::npos) << "meant for tomorrow";
  EXPECT_NE(refusal(nbf(5min)), "");
  EXPECT_EQ(refusal(nbf(-1h)), "");
  EXPECT_EQ(refusal(nbf(0s)), "");
  EXPECT_EQ(refusal(nbf(20s)), "") << "the issuer's clock may be a little ahead";
  auto iat_tomorrow = sign_jwt(
      kSecret, {{"tier", "member"}, {"exp", epoch_seconds(48h)}, {"iat", epoch_seconds(24h)}});
  EXPECT_NE(refusal(iat_tomorrow), "");
  EXPECT_NE(refusal(sign_jwt(kSecret, {{"exp", epoch_seconds(1h)}, {"nbf", "yesterday"}})), "");
}

TEST(TokenVerifier, AlgorithmIsExactlyHs256) {
  // libjwt reads "hs256" as HS256; the signature is right, the spelling is not.
  for (const std::string header :
       {R"({"alg":"hs256","typ":"JWT"})", R"({"alg":"Hs256"})", R"({"typ":"JWT"})",
        R"({"alg":["HS256"]})", R"({"alg":"HS256","typ":"jwt"})", R"({"alg":"HS256","typ":1})"})
    EXPECT_NE(refusal(hand_signed(header, member_claims())), "") << header;
}

TEST(TokenVerifier, RepeatedKeysAreRefused) {
  auto exp = std::to_string(epoch_seconds(1h));
  // Which of two equal keys counts differs between JSON readers (nlohmann keeps the last):
  // the issuer and we could read different claims from the same signed bytes.
  for (const std::string& claims : {R"({"tier":"public","exp":)" + exp + R"(,"tier":"editor"})",
                                    R"({"exp":)" + exp + R"(,"exp":)" + exp + "}",
                                    R"({"exp":)" + exp + R"(,"x":{"a":1,"a":2}})"})
    EXPECT_NE(refusal(hand_signed(kHeader, claims)).find("twice"), std::string::npos) << claims;
  EXPECT_NE(refusal(hand_signed(R"({"alg":"none","alg":"HS256"})", member_claims())).find("twice"),
            std::string::npos);
  // The same key in two objects is no repeat.
  EXPECT_EQ(refusal(hand_signed(kHeader, member_claims(R"(,"x":{"tier":1},"y":{"tier":2})"))), "");
}

TEST(TokenVerifier, HeaderAndClaimsMustBeObjects) {
  for (const auto& [header, claims] :
       std::vector<std::pair<std::string, std::string>>{{"[]", member_claims()},
                                                        {kHeader, "[1]"},
                                                        {kHeader, R"("tier")"},
                                                        {kHeader, "not json"},
                                                        {kHeader, member_claims() + " x"}})
    EXPECT_NE(refusal(hand_signed(header, claims)), "") << header << " " << claims;
}

}  // namespace
}  // namespace archive
