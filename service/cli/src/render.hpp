// The people's form of each answer, rendered from the JSON the HTTP API returns (which is
// what both backends give), so a local run and a remote one print the same.
#pragma once

#include <string>

#include "archive/search_cli.hpp"
#include "backend.hpp"

namespace archive {

// The machines' form: the JSON itself, on one line.
void print_json(const Json& answer, const Output& o);

void print_search(const Json& response, const Output& o);

// `source` says what the articles are related to: an id, or the draft's file.
void print_related(const Json& response, const std::string& source, const Output& o);

// `input` names the drafts' file in a check's report of invalid lines.
void print_xref(XrefCheck check, const Json& report, const std::string& input, const Output& o);

// True when an xref report holds what the check looks for (exit status 1). With `strict`,
// a check's missing links count too.
bool has_problems(XrefCheck check, const Json& report, bool strict);

}  // namespace archive
