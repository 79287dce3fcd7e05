#include "archive/serve_options.hpp"

#include <fstream>
#include <sstream>

namespace archive {

void define_serve_command(CLI::App& app, ServeOptions& o) {
  app.description("Serve entitled search over HTTP (JSON API under /v1).");
  app.add_option("--index", o.index, "Index directory written by archive-index")
      ->envname("ARCHIVE_INDEX")
      ->required();
  app.add_option("--listen", o.listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->envname("ARCHIVE_LISTEN");
  app.add_option("--token-secret-file", o.token_secret_file,
                 "File holding the HS256 secret for bearer tokens (no file: no tokens)")
      ->envname("ARCHIVE_TOKEN_SECRET_FILE");
  app.add_option("--threads", o.threads, "Threads answering requests (slow clients hold none)")
      ->envname("ARCHIVE_THREADS")
      ->check(CLI::Range(1, 1024));
  app.add_option("--cors-origin", o.cors_origins,
                 "Origin allowed to call the API from a browser (repeatable)")
      ->envname("ARCHIVE_CORS_ORIGINS")
      ->delimiter(',');
  app.add_option("--max-in-flight", o.max_in_flight, "Requests served at once before 429")
      ->envname("ARCHIVE_MAX_IN_FLIGHT")
      ->check(CLI::Range(1, 100000));
  app.add_option("--max-connections", o.max_connections,
                 "Open connections before new ones get 503 and are closed")
      ->envname("ARCHIVE_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--idle-timeout", o.idle_timeout_s,
                 "Seconds a keep-alive connection may wait for its next request")
      ->envname("ARCHIVE_IDLE_TIMEOUT")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--request-timeout", o.request_timeout_s,
                 "Seconds from a request's first byte to its last (header and body)")
      ->envname("ARCHIVE_REQUEST_TIMEOUT")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--write-timeout", o.write_timeout_s,
                 "Seconds an answer may take to reach the client")
      ->envname("ARCHIVE_WRITE_TIMEOUT")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--max-header-bytes", o.request_limits.max_header_bytes,
                 "Bytes of request line and headers before 431")
      ->envname("ARCHIVE_MAX_HEADER_BYTES")
      ->check(CLI::Range(1024, 1 << 20));
  app.add_option("--max-headers", o.request_limits.max_headers, "Header fields before 431")
      ->envname("ARCHIVE_MAX_HEADERS")
      ->check(CLI::Range(8, 10000));
  app.add_option("--max-body-bytes", o.request_limits.max_body_bytes,
                 "Bytes of a request body (after chunked decoding) before 413")
      ->envname("ARCHIVE_MAX_BODY_BYTES")
      ->check(CLI::Range(1024, 64 << 20));
  app.add_option("--reload-interval", o.reload_interval_s,
                 "Seconds between checks for a newly published index")
      ->envname("ARCHIVE_RELOAD_INTERVAL")
      ->check(CLI::Range(0.01, 60.0));
}

void check(ServeOptions& o) {
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  o.host = o.listen.substr(0, colon);
  if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']')
    o.host = o.host.substr(1, o.host.size() - 2);
  try {
    std::size_t used = 0;
    o.port = std::stoi(o.listen.substr(colon + 1), &used);
    if (used != o.listen.size() - colon - 1 || o.port < 0 || o.port > 65535) throw 0;
  } catch (...) {
    throw std::invalid_argument("--listen: port must be a number from 0 to 65535");
  }
  if (!o.token_secret_file.empty()) {
    std::ifstream in(o.token_secret_file, std::ios::binary);
    if (!in)
      throw std::invalid_argument("--token-secret-file: cannot read " +
                                  o.token_secret_file.string());
    std::stringstream text;
    text << in.rdbuf();
    o.token_secret = text.str();
    while (!o.token_secret.empty() &&
           std::isspace(static_cast<unsigned char>(o.token_secret.back())))
      o.token_secret.pop_back();
    if (o.token_secret.size() < 32)
      throw std::invalid_argument("--token-secret-file: the secret must be at least 32 bytes");
  }
}

}  // namespace archive
