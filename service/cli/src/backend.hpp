// Where a command's answers come from: the search core on a local index, or a running
// archive-serve. Both answer with the JSON the HTTP API returns, so each command renders
// one shape whichever it talks to, and prints the same output.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "archive/entitlement.hpp"
#include "archive/search_cli.hpp"

namespace archive {

using Json = nlohmann::ordered_json;

// A failure to report on standard error, with the exit status it calls for.
class CommandError : public std::runtime_error {
 public:
  CommandError(const std::string& message, int status)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Json search(const SearchRequest& request) = 0;
  virtual Json related(const RelatedRequest& request) = 0;
  // `drafts`: the JSONL batch of a check; unused by the other checks.
  virtual Json xref(XrefCheck check, const std::string& id, const std::string& drafts) = 0;
};

// The backend `target` names. A local index answers as `who`; a service decides from the
// token in target.token_file (anonymous without one).
std::unique_ptr<Backend> open_backend(const Target& target, const Entitlement& who);

}  // namespace archive
