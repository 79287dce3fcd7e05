// A plain TCP client for tests that must send what no HTTP library would: dribbled bytes,
// malformed framing, pipelined requests, hostile headers.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace archive::serve_testing {

class RawClient {
 public:
  explicit RawClient(int port);  // connects to 127.0.0.1:port; a test failure if it cannot
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends all of `bytes`; false when the server has closed or reset the connection.
  bool send(std::string_view bytes);
  // Reads until the server closes the connection or `timeout` passes.
  std::string read_all(std::chrono::milliseconds timeout);
  // Reads one whole response (header and Content-Length body), "" on timeout or close.
  std::string read_response(std::chrono::milliseconds timeout);
  // Whether the server has closed the connection, waiting up to `timeout` for it.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string pending_;  // bytes read past the last whole response
};

// The status code of a response's first line, 0 when there is none.
int status_of(std::string_view response);

}  // namespace archive::serve_testing
