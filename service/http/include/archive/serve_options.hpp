// archive-serve's configuration: flags, each also settable by an ARCHIVE_* variable,
// checked once at start.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/request_limits.hpp"
#include "archive/searcher.hpp"

namespace archive {

struct ServeOptions {
  std::filesystem::path index;
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path token_secret_file;
  std::size_t threads = 16;
  std::vector<std::string> cors_origins;
  std::size_t max_in_flight = 256;     // requests being answered; beyond: 429
  std::size_t max_connections = 1024;  // open connections; beyond: 503 and closed
  double idle_timeout_s = 5;           // a keep-alive connection waiting for a request
  double request_timeout_s = 10;       // a request's first byte to its last
  double write_timeout_s = 10;         // an answer's first byte to its last
  RequestLimits request_limits;        // header bytes and fields, body bytes
  double reload_interval_s = 0.25;     // how often CURRENT is checked
  SearchLimits limits;

  // Filled by check(): the listen address split, and the secret read from its file.
  std::string host;
  int port = 0;
  std::string token_secret;
};

void define_serve_command(CLI::App& app, ServeOptions& options);

// Validates and completes the options; throws std::invalid_argument with a message for
// the operator (no secret is ever quoted).
void check(ServeOptions& options);

}  // namespace archive
