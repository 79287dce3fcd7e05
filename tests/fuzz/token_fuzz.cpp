// Any bytes as a bearer token (verify, at a fixed time), as an Authorization header
// (from_header), or as the claims of a token we sign: each is refused with a TokenError or
// accepted, and nothing else happens. The first byte picks the way in, so the claims
// checks, which sit behind the signature, are reached too.
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "archive/token_verifier.hpp"

namespace {

const std::string kSecret = "fuzz-secret-0123456789abcdef0123456789abcdef";
// 2026-01-01T00:00:00Z: the seeds' times are read against it.
const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1767225600)};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const archive::TokenVerifier verifier(kSecret);
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0:
        verifier.verify(text, kNow);
        break;
      case 1:
        verifier.from_header(text);
        break;
      default:
        std::string token;
        try {
          token = archive::sign_token(kSecret, text);
        } catch (const std::invalid_argument&) {
          return 0;  // libjwt does not read these bytes as a JSON object
        }
        verifier.verify(token, kNow);
    }
  } catch (const archive::TokenError&) {
  }
  return 0;
}
