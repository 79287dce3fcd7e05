#include "metrics.hpp"

#include <sstream>

#include "archive/layout.hpp"

namespace archive {

void Metrics::record(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  auto& counts = buckets_[route];
  std::size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++counts[i];
  seconds_sum_[route] += seconds;
}

std::string Metrics::render(const IndexFacts& index) const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP archive_requests_total HTTP requests by route and status.\n"
         "# TYPE archive_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out << "archive_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} "
        << count << "\n";
  out << "# HELP archive_request_duration_seconds Time to answer a request.\n"
         "# TYPE archive_request_duration_seconds histogram\n";
  for (const auto& [route, counts] : buckets_) {
    std::size_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += counts[i];
      out << "archive_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << kBuckets[i] << "\"} " << cumulative << "\n";
    }
    cumulative += counts[kBuckets.size()];
    out << "archive_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << cumulative << "\n"
        << "archive_request_duration_seconds_sum{route=\"" << route << "\"} "
        << seconds_sum_.at(route) << "\n"
        << "archive_request_duration_seconds_count{route=\"" << route << "\"} " << cumulative
        << "\n";
  }
  auto number =
      index.generation.empty()
          ? std::string("0")
          : std::to_string(std::stoul(index.generation.substr(layout::kGenerationPrefix.size())));
  out << "# HELP archive_index_generation Number of the index generation being served.\n"
         "# TYPE archive_index_generation gauge\n"
      << "archive_index_generation " << number << "\n"
      << "# HELP archive_index_documents Documents in each tier of the served generation.\n"
         "# TYPE archive_index_documents gauge\n"
      << "archive_index_documents{tier=\"public\"} " << index.public_documents << "\n"
      << "archive_index_documents{tier=\"full\"} " << index.full_documents << "\n"
      << "# HELP archive_searchers Worker threads holding Xapian handles of their own.\n"
         "# TYPE archive_searchers gauge\n"
      << "archive_searchers " << index.searchers << "\n"
      << "# HELP archive_generation_tables Facet tables in memory, one per generation and tier "
         "in use, shared by every worker thread.\n"
         "# TYPE archive_generation_tables gauge\n"
      << "archive_generation_tables " << index.shared_tables << "\n";
  return out.str();
}

}  // namespace archive
