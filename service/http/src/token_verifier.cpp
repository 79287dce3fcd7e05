#include "archive/token_verifier.hpp"

#include <jwt.h>

#include <array>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "archive/search_scope.hpp"

namespace archive {
namespace {

using JwtPtr = std::unique_ptr<jwt_t, decltype(&jwt_free)>;
using nlohmann::json;

// The issuer's clock may run a little ahead of ours, so a token is accepted this long
// before its nbf or iat. Expiry gets no leeway: a token is refused from its exp on, which
// can only shorten its life.
constexpr long long kClockSkewSeconds = 30;
// 9999-12-31T23:59:59Z: time claims beyond it are not dates but garbage.
constexpr long long kLatestSeconds = 253402300799;

struct Segments {
  std::string_view header, claims, signature;
};

// header.claims.signature, each segment non-empty.
Segments segments_of(std::string_view token) {
  auto first = token.find('.');
  auto second = first == token.npos ? token.npos : token.find('.', first + 1);
  if (second == token.npos || token.find('.', second + 1) != token.npos)
    throw TokenError("token is malformed: it must be three segments joined by dots");
  Segments s{token.substr(0, first), token.substr(first + 1, second - first - 1),
             token.substr(second + 1)};
  if (s.header.empty() || s.claims.empty() || s.signature.empty())
    throw TokenError("token is malformed: a segment is empty");
  return s;
}

// Base64url without padding (RFC 7515); nullopt for any other byte or length.
std::optional<std::string> base64url_decoded(std::string_view text) {
  static const auto kValues = [] {
    std::array<int, 256> values;
    values.fill(-1);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (std::size_t i = 0; i < kAlphabet.size(); ++i)
      values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
    return values;
  }();
  if (text.size() % 4 == 1) return std::nullopt;
  std::string bytes;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    int value = kValues[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return bytes;
}

// A segment's JSON object, read strictly: a key given twice at any depth is refused, since
// nlohmann would keep the last and another reader (the issuer's, say) may keep the first.
json object_of(std::string_view segment, const std::string& what) {
  auto text = base64url_decoded(segment);
  if (!text) throw TokenError("token " + what + " is not base64url");
  std::vector<std::set<std::string>> keys;  // of each object being read, innermost last
  auto refuse_repeats = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start)
      keys.emplace_back();
    else if (event == json::parse_event_t::object_end)
      keys.pop_back();
    else if (event == json::parse_event_t::key &&
             !keys.back().insert(parsed.get<std::string>()).second)
      throw TokenError("token " + what + " gives a key twice");
    return true;
  };
  auto value = json::parse(*text, refuse_repeats, false);
  if (!value.is_object()) throw TokenError("token " + what + " is not a JSON object");
  return value;
}

// libjwt reads the algorithm from the token and compares its name case-insensitively; we
// take exactly what RFC 7518 spells, so no other spelling or algorithm gets near the key.
void check_header(const json& header) {
  auto alg = header.find("alg");
  if (alg == header.end() || *alg != "HS256") throw TokenError("token must be signed with HS256");
  auto typ = header.find("typ");
  if (typ != header.end() && *typ != "JWT") throw TokenError("token typ must be JWT");
}

// A time claim (seconds since 1970); nullopt when absent.
std::optional<long long> seconds_claim(const json& claims, const std::string& name) {
  auto claim = claims.find(name);
  if (claim == claims.end()) return std::nullopt;
  if (!claim->is_number_unsigned() || claim->get<std::uint64_t>() > kLatestSeconds)
    throw TokenError("token claim " + name + " must be a whole number of seconds since 1970");
  return claim->get<long long>();
}

void check_times(const json& claims, std::chrono::system_clock::time_point now) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto exp = seconds_claim(claims, "exp");
  if (!exp) throw TokenError("token has no expiry (exp)");
  if (*exp <= seconds) throw TokenError("token has expired");
  for (const char* name : {"nbf", "iat"}) {
    auto from = seconds_claim(claims, name);
    if (from && *from > seconds + kClockSkewSeconds)
      throw TokenError(std::string("token is not valid yet (") + name + ")");
  }
}

Entitlement entitlement_of(const json& claims) {
  Entitlement who;
  auto tier = claims.find("tier");
  if (tier != claims.end()) {
    if (!tier->is_string()) throw TokenError("token claim tier must be a string");
    try {
      who.tier = parse_caller_tier(tier->get<std::string>());
    } catch (const std::invalid_argument&) {
      throw TokenError("token claim tier must be public, member or editor");
    }
  }
  auto unlocked = claims.find("unlocked");
  if (unlocked != claims.end()) {
    // The search core's cap: a token it would refuse on every request is refused here.
    if (!unlocked->is_array() || unlocked->size() > kMaxUnlockedPages)
      throw TokenError("token claim unlocked must be a list of at most " +
                       std::to_string(kMaxUnlockedPages) + " article ids");
    for (const auto& id : *unlocked) {
      if (!id.is_string()) throw TokenError("token claim unlocked must hold article ids");
      who.unlocked.insert(id.get<std::string>());
    }
  }
  return who;
}

}  // namespace

TokenVerifier::TokenVerifier(std::string secret) : secret_(std::move(secret)) {}

// The header is checked before libjwt, which trusts it, checks the signature; the claims
// are then read from the signed bytes themselves, not from libjwt's re-encoding of them.
Entitlement TokenVerifier::verify(std::string_view token,
                                  std::chrono::system_clock::time_point now) const {
  if (secret_.empty()) throw TokenError("this service accepts no tokens");
  if (token.empty() || token.size() > kMaxTokenBytes) throw TokenError("token is malformed");
  auto segments = segments_of(token);
  check_header(object_of(segments.header, "header"));
  std::string text(token);
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                      static_cast<int>(secret_.size()));
  JwtPtr jwt(raw, &jwt_free);
  if (rc != 0 || !jwt) throw TokenError("token is malformed or its signature does not match");
  auto claims = object_of(segments.claims, "claims");
  check_times(claims, now);
  return entitlement_of(claims);
}

Entitlement TokenVerifier::from_header(std::string_view header) const {
  if (header.empty()) return Entitlement::anonymous();
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || header.substr(0, kScheme.size()) != kScheme)
    throw TokenError("Authorization must be \"Bearer <token>\"");
  return verify(header.substr(kScheme.size()));
}

std::string sign_token(const std::string& secret, const std::string& claims_json) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  JwtPtr jwt(raw, &jwt_free);
  if (jwt_add_grants_json(jwt.get(), claims_json.c_str()) != 0)
    throw std::invalid_argument("claims must be a JSON object");
  jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
              static_cast<int>(secret.size()));
  std::unique_ptr<char, decltype(&free)> token(jwt_encode_str(jwt.get()), &free);
  if (!token) throw std::runtime_error("jwt_encode_str failed");
  return token.get();
}

}  // namespace archive
