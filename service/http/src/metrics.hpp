// Prometheus text-format metrics: requests by route and status, a latency histogram,
// the index generation and document counts, and what holds memory per generation and
// per worker thread.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace archive {

struct IndexFacts {
  std::string generation;
  std::size_t public_documents = 0;
  std::size_t full_documents = 0;
  std::size_t searchers = 0;      // worker threads holding Xapian handles
  std::size_t shared_tables = 0;  // per-generation tables alive, shared by those threads
};

class Metrics {
 public:
  void record(const std::string& route, int status, double seconds);
  std::string render(const IndexFacts& index) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::size_t> requests_;
  std::map<std::string, std::array<std::size_t, kBuckets.size() + 1>> buckets_;
  std::map<std::string, double> seconds_sum_;
};

}  // namespace archive
