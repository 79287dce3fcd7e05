// How much of one HTTP request archive-serve reads at most: deployers' knobs (ServeOptions).
#pragma once

#include <cstddef>

namespace archive {

// How much of a request the service reads at most, and for how long. Every limit is a
// deployer's knob (ServeOptions); the defaults suit a search box.
struct RequestLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers; beyond: 431
  std::size_t max_headers = 100;             // header fields; beyond: 431
  std::size_t max_body_bytes = 1u << 20;     // after chunked decoding too; beyond: 413
};

}  // namespace archive
