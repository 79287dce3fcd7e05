// archive-serve's HTTP front end: routes, entitlement from bearer tokens, JSON errors,
// CORS, limits, metrics and the access log, over the search core. No search logic here.
#pragma once

#include <memory>

#include "archive/serve_options.hpp"

namespace archive {

class HttpService {
 public:
  // `options` must have passed check().
  explicit HttpService(ServeOptions options);
  ~HttpService();
  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  // Binds the listening socket; returns the port (useful with port 0). Throws on failure.
  int bind();
  // Serves until stop(); in-flight requests finish first.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace archive
