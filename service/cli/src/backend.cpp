#include "backend.hpp"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include "archive/searcher.hpp"
#include "archive/xref.hpp"

namespace archive {
namespace {

class LocalBackend : public Backend {
 public:
  LocalBackend(const std::filesystem::path& index, Entitlement who)
      : searcher_(index), who_(std::move(who)) {}

  Json search(const SearchRequest& request) override {
    return to_json(searcher_.search(request, who_));
  }

  Json related(const RelatedRequest& request) override {
    return to_json(searcher_.related(request, who_));
  }

  // Whoever holds the index's files is an editor: the checks read the full tier.
  Json xref(XrefCheck check, const std::string& id, const std::string& drafts) override {
    const auto& generation = searcher_.generation();
    switch (check) {
      case XrefCheck::Broken:
        return to_json(broken_links(generation));
      case XrefCheck::Backlinks:
        return to_json(backlinks(generation, id));
      case XrefCheck::Orphans:
        return to_json(orphans(generation));
      case XrefCheck::Missing:
        return to_json(missing_links(generation, id));
      case XrefCheck::Check: {
        std::istringstream in(drafts);
        return to_json(check_drafts(generation, in));
      }
    }
    throw std::logic_error("unknown xref check");
  }

 private:
  Searcher searcher_;
  Entitlement who_;
};

// Percent-encodes an id for a path segment (ids are slugs, but nothing checked that yet),
// with cpp-httplib's own encoder, which the library exports.
std::string path_segment(const std::string& text) {
  return httplib::detail::encode_query_param(text);
}

httplib::Params search_params(const SearchRequest& r) {
  httplib::Params params{{"q", r.query},
                         {"limit", std::to_string(r.limit)},
                         {"offset", std::to_string(r.offset)},
                         // The service adds facets unless told not to; the CLI asks for them.
                         {"facets", r.facets ? "1" : "0"}};
  for (const auto& tag : r.tags) params.emplace("tag", tag);
  for (auto [name, value] :
       {std::pair{"kind", &r.kind}, {"author", &r.author}, {"from", &r.from}, {"to", &r.to}})
    if (!value->empty()) params.emplace(name, *value);
  if (r.sort == SortOrder::Newest) params.emplace("sort", "newest");
  if (r.partial) params.emplace("partial", "1");
  if (r.expand) params.emplace("expand", "1");  // the service's default is the search box's
  return params;
}

std::string read_token(const std::filesystem::path& file) {
  if (file.empty()) return {};
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CommandError("--token-file: cannot read " + file.string(), kExitUsage);
  std::stringstream text;
  text << in.rdbuf();
  auto token = text.str();
  auto last = token.find_last_not_of(" \t\r\n");
  token.erase(last == std::string::npos ? 0 : last + 1);
  token.erase(0, token.find_first_not_of(" \t\r\n"));
  if (token.empty()) throw CommandError("--token-file: " + file.string() + " is empty", kExitUsage);
  return token;
}

class RemoteBackend : public Backend {
 public:
  RemoteBackend(const std::string& url, const std::string& token)
      : url_(url), client_(scheme_host_port(url)), prefix_(path_prefix(url)) {
    if (!client_.is_valid()) throw CommandError("--url: cannot use " + url, kExitUsage);
    client_.set_connection_timeout(5);
    client_.set_read_timeout(120);  // a whole-archive check reads every article
    client_.set_write_timeout(30);
    if (!token.empty()) headers_.emplace("Authorization", "Bearer " + token);
  }

  Json search(const SearchRequest& request) override {
    return answer(client_.Get(prefix_ + "/v1/search", search_params(request), headers_));
  }

  Json related(const RelatedRequest& request) override {
    if (!request.id.empty())
      return answer(client_.Get(prefix_ + "/v1/articles/" + path_segment(request.id) + "/related",
                                {{"limit", std::to_string(request.limit)}}, headers_));
    Json body{{"text", request.text}, {"limit", request.limit}};
    return answer(client_.Post(prefix_ + "/v1/related", headers_, body.dump(), "application/json"));
  }

  Json xref(XrefCheck check, const std::string& id, const std::string& drafts) override {
    auto path = prefix_ + "/v1/xref/";
    switch (check) {
      case XrefCheck::Broken:
        return answer(client_.Get(path + "broken", headers_));
      case XrefCheck::Backlinks:
        return answer(client_.Get(path + "backlinks/" + path_segment(id), headers_));
      case XrefCheck::Orphans:
        return answer(client_.Get(path + "orphans", headers_));
      case XrefCheck::Missing:
        return answer(client_.Get(path + "missing",
                                  id.empty() ? httplib::Params{} : httplib::Params{{"id", id}},
                                  headers_));
      case XrefCheck::Check:
        return answer(client_.Post(path + "check", headers_, drafts, "application/x-ndjson"));
    }
    throw std::logic_error("unknown xref check");
  }

 private:
  // "http://host:8080/base/" -> "http://host:8080" and "/base".
  static std::string scheme_host_port(const std::string& url) {
    auto slash = url.find('/', url.find("://") + 3);
    return url.substr(0, slash);
  }
  static std::string path_prefix(const std::string& url) {
    auto slash = url.find('/', url.find("://") + 3);
    auto prefix = slash == std::string::npos ? std::string() : url.substr(slash);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return prefix;
  }

  // The body of a 200 answer; anything else becomes the error the service explained. A
  // request the service calls malformed (400) is a usage error, as it is locally.
  Json answer(const httplib::Result& result) const {
    if (!result)
      throw CommandError("cannot reach " + url_ + ": " + httplib::to_string(result.error()),
                         kExitProblems);
    auto body = Json::parse(result->body, nullptr, false);
    if (result->status == 200 && body.is_object()) return body;
    std::string message = "HTTP status " + std::to_string(result->status);
    if (body.is_object() && body.contains("error") && body["error"].is_object())
      message = body["error"].value("message", message);
    if (result->status == 401 || result->status == 403)
      message += " (pass --token-file with an editor's token)";
    throw CommandError(message, result->status == 400 ? kExitUsage : kExitProblems);
  }

  std::string url_;
  httplib::Client client_;
  std::string prefix_;
  httplib::Headers headers_;
};

}  // namespace

std::unique_ptr<Backend> open_backend(const Target& target, const Entitlement& who) {
  if (!target.url.empty())
    return std::make_unique<RemoteBackend>(target.url, read_token(target.token_file));
  return std::make_unique<LocalBackend>(target.index, who);
}

}  // namespace archive
