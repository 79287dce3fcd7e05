#include "archive/token_verifier.hpp"

#include <jwt.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace archive {
namespace {

using JwtPtr = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

nlohmann::json claims_of(jwt_t* jwt) {
  std::unique_ptr<char, decltype(&free)> text(jwt_get_grants_json(jwt, nullptr), &free);
  if (!text) throw TokenError("token has no claims");
  auto claims = nlohmann::json::parse(text.get(), nullptr, false);
  if (!claims.is_object()) throw TokenError("token claims are not a JSON object");
  return claims;
}

Entitlement entitlement_of(const nlohmann::json& claims,
                           std::chrono::system_clock::time_point now) {
  auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number_integer())
    throw TokenError("token has no expiry (exp)");
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (exp->get<long long>() <= seconds) throw TokenError("token has expired");

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
    if (!unlocked->is_array() || unlocked->size() > 100)
      throw TokenError("token claim unlocked must be a list of at most 100 article ids");
    for (const auto& id : *unlocked) {
      if (!id.is_string()) throw TokenError("token claim unlocked must hold article ids");
      who.unlocked.insert(id.get<std::string>());
    }
  }
  return who;
}

}  // namespace

TokenVerifier::TokenVerifier(std::string secret) : secret_(std::move(secret)) {}

Entitlement TokenVerifier::verify(std::string_view token,
                                  std::chrono::system_clock::time_point now) const {
  if (secret_.empty()) throw TokenError("this service accepts no tokens");
  if (token.empty() || token.size() > kMaxTokenBytes) throw TokenError("token is malformed");
  std::string text(token);
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                      static_cast<int>(secret_.size()));
  JwtPtr jwt(raw, &jwt_free);
  if (rc != 0 || !jwt) throw TokenError("token is malformed or its signature does not match");
  // libjwt believes the token's own header about the algorithm; we do not.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) throw TokenError("token must be signed with HS256");
  return entitlement_of(claims_of(jwt.get()), now);
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
