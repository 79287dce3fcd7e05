// A real archive-serve for HTTP tests: an index built from JSONL in a TempDir, the server
// started on port 0 with its own token secret, requests over httplib, and a SIGTERM stop
// whose exit status is checked. Each test gets its own server, so tests run in parallel.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace archive::serve_testing {

using archive::testing::TempDir;

// --- The fixture archive ---------------------------------------------------------------------

inline constexpr std::size_t kSecrets = 5;

// Ids of the fixture archive (tests/fixtures/http/archive.jsonl.in) that the tests rely on.
namespace ids {
inline constexpr const char* kPublic = "hamstring-stretching";  // all public
inline constexpr const char* kTeased =
    "member-strength-plan";  // members, headings_public; secrets 1, 2
inline constexpr const char* kHiddenSection =
    "running-injuries";  // public, one members section; secret 3
inline constexpr const char* kUnlockable =
    "unlockable-guide";  // public, one members section; secret 4
inline constexpr const char* kMembersOnly =
    "members-only-qna";                                   // members, no public section; secret 5
inline constexpr const char* kUndated = "posture-myths";  // published null
}  // namespace ids
inline constexpr const char* kHiddenHeading = "Clinic notes";  // heading of secret 3, not teased
inline constexpr std::size_t kArticles = 10;

// The fixture archive with its members-only text (and nothing else) drawn at run time:
// secret n is a few sentences around canaries[n-1], a word found nowhere else.
struct HttpArchive {
  std::array<std::string, kSecrets> canaries;
  std::string jsonl;
};

// `variant` 0 and 1 differ only in members-only text: other canaries, other words, other
// lengths, and in variant 1 many repeats of words the public text also uses.
HttpArchive make_http_archive(int variant = 0);

// A fresh canary: a marker word and 16 random hex digits, never written to any file.
std::string new_canary();

// Replaces every occurrence of `from` in `text`.
std::string replace_all(std::string text, const std::string& from, const std::string& to);

// --- Requests --------------------------------------------------------------------------------

struct Reply {
  int status = 0;  // 0: no response at all (see `failure`)
  std::string body;
  httplib::Headers headers;
  std::string failure;  // httplib's error when status == 0

  // The body as JSON; a test failure (and null) when it is not JSON.
  nlohmann::json json() const;
  // error.code and error.message of an error body, "" when absent.
  std::string code() const;
  std::string message() const;
  bool has_header(const std::string& name) const;
  std::string header(const std::string& name) const;
};

// One keep-alive connection to a server. Targets are sent as given (no re-encoding), so a
// test can send raw percent-encoded bytes. A non-empty `token` is sent as
// "Authorization: Bearer <token>"; any other Authorization header goes in `headers`.
class Http {
 public:
  explicit Http(int port, int read_timeout_s = 20);
  Reply get(const std::string& target, const std::string& token = "",
            const httplib::Headers& headers = {});
  Reply post(const std::string& target, const std::string& body, const std::string& token = "",
             const std::string& content_type = "application/json",
             const httplib::Headers& headers = {});
  Reply options(const std::string& target, const httplib::Headers& headers = {});

 private:
  httplib::Client client_;
};

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);

// The JSON text with every "took_ms" member removed (the one thing that varies by run).
std::string without_took_ms(const std::string& body);

// --- Tokens ----------------------------------------------------------------------------------

std::string base64url(std::string_view bytes);
// A JWT signed with HS256, HS384 or HS512 by libjwt ("HS256" by default).
std::string sign_jwt(const std::string& secret, const nlohmann::json& claims,
                     const std::string& alg = "HS256");
// Seconds since the epoch, `from_now` ahead.
long long epoch_seconds(std::chrono::seconds from_now = std::chrono::seconds(0));

// --- The server ------------------------------------------------------------------------------

struct ServeConfig {
  std::size_t threads = 4;
  std::vector<std::string> cors_origins;
  double reload_interval_s = 0.1;
  std::size_t max_in_flight = 0;        // 0: the server's default
  bool publish = true;                  // false: start on an index directory with nothing in it
  bool with_secret = true;              // false: no --token-secret-file
  std::vector<std::string> extra_args;  // more archive-serve flags, e.g. {"--idle-timeout", "1"}
};

class ArchiveServer {
 public:
  // Indexes `jsonl` (unless config.publish is false) and starts archive-serve on port 0;
  // returns once /healthz answers 200. Throws with the server's log when it does not.
  explicit ArchiveServer(const std::string& jsonl, ServeConfig config = {});
  // Stops the server if still running; a test failure unless it exits 0 on SIGTERM.
  ~ArchiveServer();
  ArchiveServer(const ArchiveServer&) = delete;
  ArchiveServer& operator=(const ArchiveServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& index() const { return index_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  const std::string& secret() const { return secret_; }
  Http http(int read_timeout_s = 20) const { return Http(port_, read_timeout_s); }

  // Tokens signed with this server's secret, valid for an hour.
  std::string token(nlohmann::json claims) const;  // adds exp when absent
  std::string member_token() const { return token({{"tier", "member"}}); }
  std::string editor_token() const { return token({{"tier", "editor"}}); }
  std::string unlock_token(const std::vector<std::string>& ids) const {
    return token({{"tier", "public"}, {"unlocked", ids}});
  }

  // Runs archive-index on `jsonl` (an upsert, or a rebuild) and returns the generation
  // CURRENT then names.
  std::string publish(const std::string& jsonl, bool rebuild = false);

  // SIGTERM, then waits up to `timeout`; returns the exit status (128 + signal when
  // killed), or -1 when it had to be killed with SIGKILL after the timeout. A test that
  // calls stop() checks the status itself; otherwise the destructor does.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  bool running();
  // Everything the server wrote to stdout and stderr so far.
  std::string log() const;

 private:
  TempDir dir_;
  std::filesystem::path index_;
  std::string secret_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
  bool stopped_ = false;
  int publishes_ = 0;
};

// Polls `condition` until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = std::chrono::milliseconds(5));

}  // namespace archive::serve_testing
