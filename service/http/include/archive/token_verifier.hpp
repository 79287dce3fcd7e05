// Bearer tokens: HS256 JWTs with claims tier ("member" | "editor"), unlocked (article
// ids), exp (required) and optionally nbf and iat. libjwt checks the signature; what it
// leaves to its caller is here: the header says exactly alg "HS256" (and typ "JWT" if it
// has a typ), neither header nor claims give a key twice, the token has not expired and is
// valid already (nbf and iat with 30 seconds' leeway for the issuer's clock), and the claims
// have the right types.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "archive/entitlement.hpp"

namespace archive {

// Why a token was refused; the message never quotes the token.
class TokenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxTokenBytes = 4096;

class TokenVerifier {
 public:
  // An empty secret accepts no token at all.
  explicit TokenVerifier(std::string secret);

  // The entitlement a token grants; throws TokenError for anything not signed HS256 with
  // our secret, expired, not valid yet, or with a header or claims of the wrong shape.
  Entitlement verify(std::string_view token, std::chrono::system_clock::time_point now =
                                                 std::chrono::system_clock::now()) const;

  // The entitlement an Authorization header grants: none is anonymous; otherwise it must
  // be "Bearer <token>".
  Entitlement from_header(std::string_view header) const;

 private:
  std::string secret_;
};

// Signs claims with HS256: for tests and for tools that issue tokens.
std::string sign_token(const std::string& secret, const std::string& claims_json);

}  // namespace archive
