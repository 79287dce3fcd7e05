// The connections of archive-serve: accepts them, reads each request with deadlines and
// limits, hands whole requests to a Responder and writes the answers back. All socket I/O
// is asynchronous (Boost.Asio and Beast), so a connection that is slow, idle or silent
// holds a little memory and a timer, never a thread: the threads run only responders.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "http_exchange.hpp"

namespace archive {

struct ConnectionSettings {
  std::string host = "127.0.0.1";
  int port = 0;              // 0: any free port
  std::size_t threads = 16;  // threads running responders (and the I/O between them)
  RequestLimits limits;
  std::chrono::milliseconds idle_timeout{5000};      // a keep-alive connection's wait
  std::chrono::milliseconds request_timeout{10000};  // first byte to whole request
  std::chrono::milliseconds write_timeout{10000};    // a whole response
  std::size_t max_connections = 1024;                // beyond: 503, then closed
  std::size_t max_requests_per_connection = 1000;
};

struct Responder {
  // A request read in full and accepted by the connection layer.
  std::function<void(HttpRequest&, HttpResponse&)> serve;
  // A request refused while it was read; `request` holds what of its header was read.
  std::function<void(const HttpError&, const HttpRequest& request, HttpResponse&)> refuse;
};

class ConnectionHub;  // the acceptor and the open connections

class ConnectionServer {
 public:
  ConnectionServer(ConnectionSettings settings, Responder responder);
  ~ConnectionServer();
  ConnectionServer(const ConnectionServer&) = delete;
  ConnectionServer& operator=(const ConnectionServer&) = delete;

  // Listens (without SO_REUSEPORT: a port in use is an error); returns the port.
  int bind();
  // Serves on `threads` threads until stop() and until every open request is answered.
  void run();
  // From any thread, any time (before run() too): stops accepting, closes connections
  // between requests, lets requests already arriving or being served finish.
  void stop();

 private:
  std::shared_ptr<ConnectionHub> impl_;
};

}  // namespace archive
