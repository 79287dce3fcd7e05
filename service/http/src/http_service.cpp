#include "archive/http_service.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "archive/token_verifier.hpp"
#include "archive/web_assets.hpp"
#include "archive/xref.hpp"
#include "metrics.hpp"
#include "request_params.hpp"
#include "searcher_pool.hpp"

namespace archive {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

// An error the client caused or must know about, with its stable code.
struct HttpError {
  int status;
  std::string code;
  std::string message;
};

void send_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void send_json(httplib::Response& res, int status, const Json& body) {
  // Replace, not throw, on invalid UTF-8: a message may quote what the client sent.
  send_json(res, status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void send_error(httplib::Response& res, const HttpError& e) {
  send_json(res, e.status, {{"error", {{"code", e.code}, {"message", e.message}}}});
}

// Routes as the metrics and the access log name them: no ids, no query strings. A path
// no route's pattern fits is "other".
std::string route_of(const std::string& path) {
  if (path == "/" || path == "/app.js" || path == "/app.css") return "page";
  for (const char* fixed :
       {"/v1/search", "/v1/suggest", "/v1/related", "/healthz", "/readyz", "/metrics",
        "/v1/xref/broken", "/v1/xref/orphans", "/v1/xref/missing", "/v1/xref/check"})
    if (path == fixed) return fixed;
  // "<start><id><rest>" with the id one non-empty path segment, as the routes' patterns say.
  auto id_then = [&](std::string_view start, std::string_view rest) {
    std::string_view p = path;
    if (p.size() <= start.size() + rest.size() || !p.starts_with(start) || !p.ends_with(rest))
      return false;
    return p.substr(start.size(), p.size() - start.size() - rest.size()).find('/') == p.npos;
  };
  if (id_then("/v1/xref/backlinks/", "")) return "/v1/xref/backlinks/{id}";
  if (id_then("/v1/articles/", "")) return "/v1/articles/{id}";
  if (id_then("/v1/articles/", "/related")) return "/v1/articles/{id}/related";
  return "other";
}

// The methods a route answers (the Allow header of a 405); empty for an unknown path.
std::string methods_of(const std::string& route) {
  if (route == "other") return {};
  if (route == "/v1/related" || route == "/v1/xref/check") return "POST, OPTIONS";
  return "GET, HEAD, OPTIONS";
}

bool allows(const std::string& methods, const std::string& method) {
  return (", " + methods + ",").find(" " + method + ",") != std::string::npos;
}

// A request is served start to finish on one worker thread, so these per-request facts
// pass from the pre-routing handler and the route handler to the logger this way.
thread_local long result_count = -1;
thread_local Clock::time_point request_start;
thread_local bool request_started = false;  // false for requests refused before routing

}  // namespace

struct HttpService::Impl {
  ServeOptions options;
  TokenVerifier tokens;
  SearcherPool pool;
  Metrics metrics;
  httplib::Server server;
  std::set<std::string> cors_origins;
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> finished{false};  // run() has returned

  explicit Impl(ServeOptions o)
      : options(std::move(o)),
        tokens(options.token_secret),
        pool(options.index, options.limits, options.reload_interval_s),
        cors_origins(options.cors_origins.begin(), options.cors_origins.end()) {
    configure();
    routes();
  }

  void configure() {
    server.set_tcp_nodelay(true);  // without it each response waits ~40 ms (Nagle)
    auto threads = options.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_keep_alive_max_count(1000);
    server.set_keep_alive_timeout(5);
    server.set_read_timeout(10);
    server.set_write_timeout(10);
    server.set_payload_max_length(options.max_body_bytes);
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      result_count = -1;
      request_start = Clock::now();
      request_started = true;
      add_cors_headers(req, res);
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      // Errors cpp-httplib raises before the pre-routing handler runs (a 413 in some of its
      // versions) would otherwise go without the CORS headers.
      if (!res.has_header("Access-Control-Allow-Origin")) add_cors_headers(req, res);
      if (!res.body.empty()) return;
      auto methods = methods_of(route_of(req.path));
      if (res.status == 404 && !methods.empty() && !allows(methods, req.method)) {
        res.set_header("Allow", methods);
        send_error(
            res, {405, "method_not_allowed",
                  req.method + " is not served here; use " + methods.substr(0, methods.find(','))});
      } else if (res.status == 404) {
        send_error(res, {404, "not_found", "no such endpoint"});
      } else if (res.status == 413) {
        send_error(res, {413, "payload_too_large", "request body is too large"});
      } else {
        send_error(res, {res.status, "bad_request", "the request could not be read"});
      }
    });
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          send_error(res, {500, "internal", "internal error; see the service log"});
        });
    server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      log_request(req, res);
    });
  }

  void add_cors_headers(const httplib::Request& req, httplib::Response& res) const {
    auto origin = req.get_header_value("Origin");
    if (origin.empty() || !cors_origins.contains(origin)) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Vary", "Origin");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.set_header("Access-Control-Max-Age", "600");
  }

  // Every request, API or not, once answered: metrics and the access log. Route, status,
  // time and count only: never the token, the query or any text.
  void log_request(const httplib::Request& req, const httplib::Response& res) {
    double seconds =
        request_started ? std::chrono::duration<double>(Clock::now() - request_start).count() : 0;
    request_started = false;
    auto route = route_of(req.path);
    metrics.record(route, res.status, seconds);
    spdlog::info("{} {} {} {:.2f}ms results={}", req.method, route, res.status, seconds * 1000,
                 result_count);
  }

  // Runs an API handler with limits, entitlement and error mapping around it. Operational
  // endpoints (health, metrics) do not read the token: a probe must not fail on one.
  template <typename Handler>
  httplib::Server::Handler api(Handler handler, bool reads_token = true) {
    return [this, handler, reads_token](const httplib::Request& req, httplib::Response& res) {
      struct Slot {
        std::atomic<std::size_t>& n;
        ~Slot() { --n; }
      } slot{in_flight};
      try {
        if (++in_flight > options.max_in_flight)
          throw HttpError{429, "too_many_requests", "the service is busy; retry shortly"};
        Entitlement who;
        try {
          if (reads_token) who = tokens.from_header(req.get_header_value("Authorization"));
        } catch (const TokenError& e) {
          throw HttpError{401, "unauthorized", e.what()};
        }
        handler(req, res, who);
      } catch (const HttpError& e) {
        send_error(res, e);
      } catch (const ParameterError& e) {
        send_error(res, {400, "invalid_parameter", e.what()});
      } catch (const QueryError& e) {
        send_error(res, {400, "invalid_query", e.what()});
      } catch (const NotFoundError& e) {
        send_error(res, {404, "not_found", e.what()});
      } catch (const NoIndexError&) {
        send_error(res, {503, "index_unavailable", "no index has been published yet"});
      } catch (const Xapian::Error& e) {
        spdlog::error("index error on {}: {}", route_of(req.path), e.get_description());
        send_error(res, {500, "internal", "index error; see the service log"});
      }
    };
  }

  void routes();
  void xref_routes();
};

void HttpService::Impl::routes() {
  xref_routes();
  server.Get("/healthz",
             api(
                 [](const httplib::Request&, httplib::Response& res, const Entitlement&) {
                   send_json(res, 200, {{"status", "ok"}});
                 },
                 false));
  server.Get("/readyz",
             api(
                 [this](const httplib::Request&, httplib::Response& res, const Entitlement&) {
                   auto& searcher = pool.local();
                   send_json(res, 200,
                             {{"status", "ready"}, {"generation", searcher.generation().name()}});
                 },
                 false));
  server.Get(
      "/metrics",
      api(
          [this](const httplib::Request&, httplib::Response& res, const Entitlement&) {
            IndexFacts facts;
            try {
              const auto& g = pool.local().generation();
              facts = {g.name(), g.public_tier().get_doccount(), g.full_tier().get_doccount()};
            } catch (const NoIndexError&) {
            }
            res.set_content(metrics.render(facts), "text/plain; version=0.0.4");
          },
          false));
  server.Get("/v1/search", api([this](const httplib::Request& req, httplib::Response& res,
                                      const Entitlement& who) {
               auto request = search_request_from(RequestParams(req.params));
               auto response = pool.local().search(request, who);
               result_count = static_cast<long>(response.results.size());
               send_json(res, 200, json_text(response));
             }));
  server.Get(
      "/v1/suggest",
      api([this](const httplib::Request& req, httplib::Response& res, const Entitlement& who) {
        RequestParams params(req.params);
        params.allow({"q", "limit"});
        auto response =
            pool.local().suggest(params.text("q", true), params.number("limit", 5, 1, 20), who);
        result_count = static_cast<long>(response.titles.size());
        send_json(res, 200, to_json(response));
      }));
  server.Get(
      R"(/v1/articles/([^/]+)/related)",
      api([this](const httplib::Request& req, httplib::Response& res, const Entitlement& who) {
        RequestParams params(req.params);
        params.allow({"limit"});
        RelatedRequest request{req.matches[1].str(), "", params.number("limit", 10, 1, 100)};
        auto response = pool.local().related(request, who);
        result_count = static_cast<long>(response.results.size());
        send_json(res, 200, to_json(response));
      }));
  server.Get(R"(/v1/articles/([^/]+))", api([this](const httplib::Request& req,
                                                   httplib::Response& res, const Entitlement& who) {
               RequestParams(req.params).allow({});
               auto article = pool.local().article(req.matches[1].str(), who);
               if (!article) throw HttpError{404, "not_found", "no such article"};
               send_json(res, 200, to_json(*article));
             }));
  server.Post(
      "/v1/related",
      api([this](const httplib::Request& req, httplib::Response& res, const Entitlement& who) {
        if (!who.is_editor())
          throw HttpError{403, "forbidden", "related articles for a draft need an editor token"};
        auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (!body.is_object() || !body["text"].is_string())
          throw HttpError{400, "invalid_body",
                          "body must be JSON {\"text\": \"...\", \"limit\": N}"};
        RelatedRequest request{"", body["text"].get<std::string>(), 10};
        if (body.contains("limit")) {
          if (!body["limit"].is_number_unsigned())
            throw HttpError{400, "invalid_body", "limit must be a positive whole number"};
          request.limit = body["limit"].get<std::size_t>();
        }
        auto response = pool.local().related(request, who);
        result_count = static_cast<long>(response.results.size());
        send_json(res, 200, to_json(response));
      }));
  server.Options(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  for (const auto& asset : web_assets()) {
    server.Get(std::string(asset.path), [&asset](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy", "default-src 'self'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(asset.body.data(), asset.body.size(),
                      std::string(asset.content_type).c_str());
    });
  }
}

namespace {

// Cross-reference reports quote every article's full text: editors only. No token at all
// is 401 (sign in); a token of another tier is 403.
void require_editor(const httplib::Request& req, const Entitlement& who) {
  if (who.is_editor()) return;
  if (req.get_header_value("Authorization").empty())
    throw HttpError{401, "unauthorized", "cross-reference checks need an editor token"};
  throw HttpError{403, "forbidden", "cross-reference checks need an editor token"};
}

void send_report(httplib::Response& res, const Json& report, std::size_t problems) {
  result_count = static_cast<long>(problems);
  send_json(res, 200, report);
}

}  // namespace

// The cross-reference checks of archive-search xref (which calls these with --url).
// Backlinks are for everyone: ids, titles and links are public fields, so every tier
// gives the same answer.
void HttpService::Impl::xref_routes() {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  server.Get("/v1/xref/broken", api([this](Req req, Res res, const Entitlement& who) {
               require_editor(req, who);
               RequestParams(req.params).allow({});
               auto report = broken_links(pool.local().generation());
               send_report(res, to_json(report), report.broken.size());
             }));
  server.Get("/v1/xref/orphans", api([this](Req req, Res res, const Entitlement& who) {
               require_editor(req, who);
               RequestParams(req.params).allow({});
               auto report = orphans(pool.local().generation());
               send_report(res, to_json(report), report.orphans.size());
             }));
  server.Get(R"(/v1/xref/backlinks/([^/]+))", api([this](Req req, Res res, const Entitlement& who) {
               RequestParams(req.params).allow({});
               auto report = backlinks(pool.local().generation(), req.matches[1].str(), who);
               send_report(res, to_json(report), report.backlinks.size());
             }));
  server.Get("/v1/xref/missing", api([this](Req req, Res res, const Entitlement& who) {
               require_editor(req, who);
               RequestParams params(req.params);
               params.allow({"id"});
               auto report = missing_links(pool.local().generation(), params.text("id"));
               send_report(res, to_json(report), report.missing.size());
             }));
  server.Post("/v1/xref/check", api([this](Req req, Res res, const Entitlement& who) {
                require_editor(req, who);
                // The drafts are read from memory and checked; nothing is written.
                std::istringstream drafts(req.body);
                auto report = check_drafts(pool.local().generation(), drafts);
                send_report(res, to_json(report),
                            report.invalid.size() + report.broken.size() + report.orphaned.size());
              }));
}

HttpService::HttpService(ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpService::~HttpService() = default;

int HttpService::bind() {
  auto& o = impl_->options;
  int port = o.port == 0 ? impl_->server.bind_to_any_port(o.host)
                         : (impl_->server.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0) throw std::runtime_error("cannot listen on " + o.listen);
  return port;
}

void HttpService::run() {
  impl_->server.listen_after_bind();
  impl_->finished = true;
}

void HttpService::stop() {
  // httplib ignores stop() until its accept loop is running, and a signal can come sooner.
  while (!impl_->server.is_running() && !impl_->finished)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->server.stop();
}

}  // namespace archive
