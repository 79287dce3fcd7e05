#include "server_fixture.hpp"

#include <gtest/gtest.h>
#include <jwt.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace archive::serve_testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using archive::testing::bin;
using archive::testing::read_file;
using archive::testing::run;
using archive::testing::source_path;
using archive::testing::spawn;
using archive::testing::write_file;

namespace {

// Members-only text around one canary. Variant 1 is longer and repeats words the public
// text uses too, so any statistic taken from the full tier would differ between variants.
std::string secret_text(const std::string& canary, int n, int variant) {
  if (variant == 0)
    return "Members learn the " + canary + " method in week " + std::to_string(n) + ": " + canary +
           " sets with stretching, sleep and recovery. Repeat the " + canary + " routine weekly.";
  std::string text = "In the members edition the " + canary + " drill comes first.";
  for (int i = 0; i < 3 + n; ++i)
    text += " Stretching hamstrings, running easy miles, sleep and recovery and strength;";
  return text + " Posture, walking and foam rolling notes: " + canary + ".";
}

int wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0 && errno != EINTR) return -2;
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(5ms);
  }
}

Reply to_reply(const httplib::Result& result) {
  Reply reply;
  if (!result) {
    reply.failure = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  reply.headers = result->headers;
  return reply;
}

httplib::Headers with_token(httplib::Headers headers, const std::string& token) {
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  return headers;
}

}  // namespace

// --- The fixture archive ---------------------------------------------------------------------

std::string new_canary() { return std::string("zq") + "canary" + testing::random_hex(16); }

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

HttpArchive make_http_archive(int variant) {
  HttpArchive archive;
  archive.jsonl = read_file(source_path("tests/fixtures/http/archive.jsonl.in"));
  if (archive.jsonl.empty()) throw std::runtime_error("fixture archive template is missing");
  for (std::size_t i = 0; i < kSecrets; ++i) {
    archive.canaries[i] = new_canary();
    auto placeholder = "@SECRET_" + std::to_string(i + 1) + "@";
    if (archive.jsonl.find(placeholder) == std::string::npos)
      throw std::runtime_error("fixture archive template lacks " + placeholder);
    archive.jsonl = replace_all(archive.jsonl, placeholder,
                                secret_text(archive.canaries[i], int(i) + 1, variant));
  }
  return archive;
}

// --- Requests --------------------------------------------------------------------------------

nlohmann::json Reply::json() const {
  auto value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    ADD_FAILURE() << "not JSON (status " << status << "): " << body.substr(0, 300);
    return nullptr;
  }
  return value;
}

std::string Reply::code() const {
  auto value = nlohmann::json::parse(body, nullptr, false);
  if (!value.is_object() || !value.contains("error") || !value["error"].is_object()) return "";
  return value["error"].value("code", "");
}

std::string Reply::message() const {
  auto value = nlohmann::json::parse(body, nullptr, false);
  if (!value.is_object() || !value.contains("error") || !value["error"].is_object()) return "";
  return value["error"].value("message", "");
}

bool Reply::has_header(const std::string& name) const {
  return headers.find(name) != headers.end();
}

std::string Reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

Http::Http(int port, int read_timeout_s) : client_("127.0.0.1", port) {
  client_.set_keep_alive(true);
  client_.set_url_encode(false);
  client_.set_connection_timeout(5);
  client_.set_read_timeout(read_timeout_s);
  client_.set_write_timeout(20);
}

Reply Http::get(const std::string& target, const std::string& token,
                const httplib::Headers& headers) {
  return to_reply(client_.Get(target.c_str(), with_token(headers, token)));
}

Reply Http::post(const std::string& target, const std::string& body, const std::string& token,
                 const std::string& content_type, const httplib::Headers& headers) {
  return to_reply(
      client_.Post(target.c_str(), with_token(headers, token), body, content_type.c_str()));
}

Reply Http::options(const std::string& target, const httplib::Headers& headers) {
  return to_reply(client_.Options(target.c_str(), headers));
}

std::string url_encode(std::string_view text) {
  return httplib::detail::encode_query_param(std::string(text));
}

std::string without_took_ms(const std::string& body) {
  static const std::regex kTook(R"(,?"took_ms":[-+0-9.eE]+)");
  return std::regex_replace(body, kTook, "");
}

// --- Tokens ----------------------------------------------------------------------------------

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 |
                 (unsigned char)bytes[i + 2];
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned n = (unsigned char)bytes[i] << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    unsigned n = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::string sign_jwt(const std::string& secret, const nlohmann::json& claims,
                     const std::string& alg) {
  jwt_alg_t algorithm = alg == "HS512"   ? JWT_ALG_HS512
                        : alg == "HS384" ? JWT_ALG_HS384
                        : alg == "HS256" ? JWT_ALG_HS256
                                         : throw std::invalid_argument("alg " + alg);
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  if (jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0)
    throw std::runtime_error("jwt_add_grants_json failed");
  if (jwt_set_alg(jwt.get(), algorithm, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0)
    throw std::runtime_error("jwt_set_alg failed");
  std::unique_ptr<char, decltype(&free)> token(jwt_encode_str(jwt.get()), &free);
  if (!token) throw std::runtime_error("jwt_encode_str failed");
  return token.get();
}

long long epoch_seconds(std::chrono::seconds from_now) {
  auto now = std::chrono::system_clock::now() + from_now;
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

// --- The server ------------------------------------------------------------------------------

ArchiveServer::ArchiveServer(const std::string& jsonl, ServeConfig config)
    : index_(dir_ / "index"), secret_(testing::random_hex(48)) {
  fs::create_directories(index_);
  if (config.publish) publish(jsonl, true);
  write_file(dir_ / "secret", secret_ + "\n");

  std::vector<std::string> argv = {bin("archive-serve"),
                                   "--index",
                                   index_.string(),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--threads",
                                   std::to_string(config.threads),
                                   "--reload-interval",
                                   std::to_string(config.reload_interval_s)};
  if (config.with_secret) {
    argv.push_back("--token-secret-file");
    argv.push_back((dir_ / "secret").string());
  }
  for (const auto& origin : config.cors_origins) {
    argv.push_back("--cors-origin");
    argv.push_back(origin);
  }
  if (config.max_in_flight > 0) {
    argv.push_back("--max-in-flight");
    argv.push_back(std::to_string(config.max_in_flight));
  }
  argv.insert(argv.end(), config.extra_args.begin(), config.extra_args.end());
  pid_ = spawn(argv, dir_ / "serve.out", dir_ / "serve.err");

  static const std::regex kListening(R"(listening on \S+:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (port_ == 0) {
    std::smatch m;
    auto out = read_file(dir_ / "serve.out");
    if (std::regex_search(out, m, kListening)) {
      port_ = std::stoi(m[1]);
      break;
    }
    int status = wait_for_exit(pid_, 0ms);
    if (status >= 0 || std::chrono::steady_clock::now() > deadline) {
      if (status < 0) stop(1s);
      pid_ = -1;
      throw std::runtime_error("archive-serve did not start (status " + std::to_string(status) +
                               "): " + log());
    }
    std::this_thread::sleep_for(5ms);
  }
  auto health = http(2);
  if (!eventually([&] { return health.get("/healthz").status == 200; }, 10s)) {
    stop(1s);
    pid_ = -1;
    throw std::runtime_error("archive-serve never answered /healthz: " + log());
  }
}

ArchiveServer::~ArchiveServer() {
  if (pid_ <= 0 || stopped_) return;  // never started, or the test stopped it and checked
  int status = stop();
  if (status != 0)
    ADD_FAILURE() << "archive-serve exited with status " << status << " on SIGTERM, not 0; log:\n"
                  << log().substr(0, 4000);
}

std::string ArchiveServer::token(nlohmann::json claims) const {
  if (!claims.contains("exp")) claims["exp"] = epoch_seconds(std::chrono::hours(1));
  return sign_jwt(secret_, claims);
}

std::string ArchiveServer::publish(const std::string& jsonl, bool rebuild) {
  auto file = dir_ / ("publish-" + std::to_string(++publishes_) + ".jsonl");
  write_file(file, jsonl);
  std::vector<std::string> argv = {bin("archive-index"), "--index", index_.string()};
  if (rebuild) argv.push_back("--rebuild");
  argv.push_back(file.string());
  auto result = run(argv);
  if (result.status != 0)
    throw std::runtime_error("archive-index failed (" + std::to_string(result.status) +
                             "): " + result.err);
  auto current = read_file(index_ / "CURRENT");
  while (!current.empty() && std::isspace(static_cast<unsigned char>(current.back())))
    current.pop_back();
  return current;
}

int ArchiveServer::stop(std::chrono::milliseconds timeout) {
  stopped_ = true;
  if (pid_ <= 0) return exit_status_;
  if (exit_status_ >= 0) return exit_status_;
  ::kill(pid_, SIGTERM);
  int status = wait_for_exit(pid_, timeout);
  if (status == -1) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, 10s);
    exit_status_ = 128 + SIGKILL;
    return -1;
  }
  exit_status_ = status;
  return status;
}

bool ArchiveServer::running() {
  if (pid_ <= 0 || exit_status_ >= 0) return false;
  int status = wait_for_exit(pid_, 0ms);
  if (status >= 0) {
    exit_status_ = status;
    return false;
  }
  return true;
}

std::string ArchiveServer::log() const {
  return read_file(dir_ / "serve.out") + read_file(dir_ / "serve.err");
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace archive::serve_testing
