#include "archive/http_service.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "archive/token_verifier.hpp"
#include "archive/web_assets.hpp"
#include "archive/xref.hpp"
#include "connection_server.hpp"
#include "metrics.hpp"
#include "request_params.hpp"
#include "route_table.hpp"
#include "searcher_pool.hpp"

namespace archive {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

void send_json(HttpResponse& res, int status, std::string body) {
  res.status = status;
  res.content_type = "application/json";
  res.body = std::move(body);
}

void send_json(HttpResponse& res, int status, const Json& body) {
  // Replace, not throw, on invalid UTF-8: a message may quote what the client sent.
  send_json(res, status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void send_error(HttpResponse& res, const HttpError& e) {
  send_json(res, e.status, {{"error", {{"code", e.code}, {"message", e.message}}}});
}

// Whether a shared cache (a CDN, a proxy) may keep an answer. One computed with a token
// never: it may hold member text, and a cache keyed on the URL would hand it to the next
// visitor. An anonymous answer depends on the URL and the index alone.
std::string cache_policy(const HttpRequest& req, const HttpResponse& res, bool cacheable) {
  if (req.authorization) return "private, no-store";
  if (cacheable && res.status == 200) return "public, max-age=10";
  return "no-store";
}

// A route's handler is a search, a listing or a page asset; the first two read the token.
struct RouteKind {
  bool reads_token = true;
  bool cacheable = true;  // anonymous 200 answers may be kept by a shared cache
};
constexpr RouteKind kApi{};
constexpr RouteKind kOperational{false, false};  // health, readiness, metrics: never cached

// A request is served start to finish on one thread, so the route handler passes its
// result count to the access log this way.
thread_local long result_count = -1;

}  // namespace

struct HttpService::Impl {
  using ApiHandler = std::function<void(const HttpRequest&, HttpResponse&, const Entitlement&)>;

  ServeOptions options;
  TokenVerifier tokens;
  SearcherPool pool;
  Metrics metrics;
  RouteTable routes;
  std::set<std::string> cors_origins;
  std::atomic<std::size_t> in_flight{0};
  ConnectionServer connections;

  explicit Impl(ServeOptions o)
      : options(std::move(o)),
        tokens(options.token_secret),
        pool(options.index, options.limits, options.reload_interval_s),
        cors_origins(options.cors_origins.begin(), options.cors_origins.end()),
        connections(connection_settings(options),
                    {[this](HttpRequest& req, HttpResponse& res) { serve(req, res); },
                     [this](const HttpError& e, const HttpRequest& req, HttpResponse& res) {
                       refuse(e, req, res);
                     }}) {
    add_routes();
  }

  static ConnectionSettings connection_settings(const ServeOptions& o) {
    ConnectionSettings s;
    s.host = o.host;
    s.port = o.port;
    s.threads = o.threads;
    s.limits = o.request_limits;
    s.idle_timeout = std::chrono::milliseconds(static_cast<long>(o.idle_timeout_s * 1000));
    s.request_timeout = std::chrono::milliseconds(static_cast<long>(o.request_timeout_s * 1000));
    s.write_timeout = std::chrono::milliseconds(static_cast<long>(o.write_timeout_s * 1000));
    s.max_connections = o.max_connections;
    return s;
  }

  // Every request read in full: routed, answered, logged.
  void serve(HttpRequest& req, HttpResponse& res) {
    auto start = Clock::now();
    result_count = -1;
    auto match = routes.match(req.method, req.path);
    if (req.method == "OPTIONS") {
      res.status = 204;  // a CORS preflight; the headers below say what is allowed
    } else if (match.handler) {
      req.path_ids = std::move(match.ids);
      try {
        (*match.handler)(req, res);
      } catch (const std::exception& e) {  // a bug of ours, never the client's input
        spdlog::error("unexpected error on {}: {}", match.route, e.what());
        res = {};
        send_error(res, {500, "internal", "internal error; see the service log"});
      }
    } else if (!match.allow.empty()) {
      res.set_header("Allow", match.allow);
      send_error(res, {405, "method_not_allowed",
                       req.method + " is not served here; use " +
                           match.allow.substr(0, match.allow.find(','))});
    } else {
      send_error(res, {404, "not_found", "no such endpoint"});
    }
    finish(req, res, match.route, std::chrono::duration<double>(Clock::now() - start).count());
  }

  // A request the connection layer refused while reading it.
  void refuse(const HttpError& error, const HttpRequest& req, HttpResponse& res) {
    result_count = -1;
    send_error(res, error);
    finish(req, res, routes.match(req.method, req.path).route, 0);
  }

  // What every answer gets: CORS, cache policy, metrics and the access log (route, status,
  // time and count only: never the token, the query or any text).
  void finish(const HttpRequest& req, HttpResponse& res, const std::string& route, double seconds) {
    add_cors_headers(req, res);
    if (!res.has_header("Cache-Control"))
      res.set_header("Cache-Control", cache_policy(req, res, false));
    metrics.record(route, res.status, seconds);
    spdlog::info("{} {} {} {:.2f}ms results={}", req.method, route, res.status, seconds * 1000,
                 result_count);
  }

  void add_cors_headers(const HttpRequest& req, HttpResponse& res) const {
    bool allowed = !req.origin.empty() && cors_origins.contains(req.origin);
    res.set_header("Vary", allowed ? "Origin, Authorization" : "Authorization");
    if (!allowed) return;
    res.set_header("Access-Control-Allow-Origin", req.origin);
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.set_header("Access-Control-Max-Age", "600");
  }

  Entitlement entitlement_of(const HttpRequest& req) const {
    if (!req.authorization) return Entitlement::anonymous();
    if (req.authorization->empty())
      throw TokenError("the Authorization header is empty; send \"Bearer <token>\" or none");
    return tokens.from_header(*req.authorization);
  }

  // Registers an API handler with limits, entitlement and error mapping around it.
  // Operational endpoints (health, metrics) do not read the token: a probe must not fail
  // on one.
  void add(std::string method, std::string pattern, ApiHandler handler, RouteKind kind = kApi) {
    routes.add(std::move(method), std::move(pattern),
               [this, handler = std::move(handler), kind](HttpRequest& req, HttpResponse& res) {
                 run_api(handler, kind, req, res);
               });
  }

  void run_api(const ApiHandler& handler, RouteKind kind, const HttpRequest& req,
               HttpResponse& res) {
    auto busy = ++in_flight;  // counted before the slot that gives it back
    struct Slot {
      std::atomic<std::size_t>& n;
      ~Slot() { --n; }
    } slot{in_flight};
    pool.take_generation_used();  // one a request that failed unexpectedly left behind
    try {
      if (busy > options.max_in_flight)
        throw HttpError{429, "too_many_requests", "the service is busy; retry shortly"};
      Entitlement who;
      try {
        if (kind.reads_token) who = entitlement_of(req);
      } catch (const TokenError& e) {
        throw HttpError{401, "unauthorized", e.what()};
      }
      handler(req, res, who);
      res.set_header("Cache-Control", cache_policy(req, res, kind.cacheable));
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
      spdlog::error("index error on {}: {}", req.path.substr(0, 64), e.get_description());
      send_error(res, {500, "internal", "index error; see the service log"});
    }
    // Replicas on the same generation answer alike; this says which one answered.
    if (auto generation = pool.take_generation_used())
      res.set_header("X-Index-Generation", *generation);
  }

  static void require_editor(const HttpRequest& req, const Entitlement& who, const char* why);
  void add_routes();
  void add_xref_routes();
  void add_page_routes();
};

void HttpService::Impl::add_routes() {
  add_xref_routes();
  add_page_routes();
  add(
      "GET", "/healthz",
      [](const HttpRequest&, HttpResponse& res, const Entitlement&) {
        send_json(res, 200, {{"status", "ok"}});
      },
      kOperational);
  add(
      "GET", "/readyz",
      [this](const HttpRequest&, HttpResponse& res, const Entitlement&) {
        // A load balancer sends traffic only where this says 200: never to a replica
        // holding an empty, half-copied or misnamed generation.
        std::string problem;
        try {
          problem = pool.local().generation().readiness_problem(pool.generation());
        } catch (const Xapian::Error& e) {
          problem = "the current generation cannot be opened: " + e.get_msg();
        }
        if (!problem.empty()) throw HttpError{503, "index_unavailable", problem};
        send_json(res, 200, {{"status", "ready"}, {"generation", pool.generation()}});
      },
      kOperational);
  add(
      "GET", "/metrics",
      [this](const HttpRequest&, HttpResponse& res, const Entitlement&) {
        IndexFacts facts;
        try {
          const auto& g = pool.local().generation();
          facts = {g.name(), g.public_tier().get_doccount(), g.full_tier().get_doccount()};
        } catch (const NoIndexError&) {
        }
        facts.searchers = pool.searchers();
        facts.shared_tables = pool.shared_tables();
        res.content_type = "text/plain; version=0.0.4";
        res.body = metrics.render(facts);
      },
      kOperational);
  add("GET", "/v1/search",
      [this](const HttpRequest& req, HttpResponse& res, const Entitlement& who) {
        auto request = search_request_from(RequestParams(req.params));
        auto response = pool.local().search(request, who);
        result_count = static_cast<long>(response.results.size());
        send_json(res, 200, json_text(response));
      });
  add("GET", "/v1/suggest",
      [this](const HttpRequest& req, HttpResponse& res, const Entitlement& who) {
        RequestParams params(req.params);
        params.allow({"q", "limit"});
        auto response =
            pool.local().suggest(params.text("q", true), params.number("limit", 5, 1, 20), who);
        result_count = static_cast<long>(response.titles.size());
        send_json(res, 200, to_json(response));
      });
  add("GET", "/v1/articles/{id}/related",
      [this](const HttpRequest& req, HttpResponse& res, const Entitlement& who) {
        RequestParams params(req.params);
        params.allow({"limit"});
        RelatedRequest request{req.path_ids[0], "", params.number("limit", 10, 1, 100)};
        auto response = pool.local().related(request, who);
        result_count = static_cast<long>(response.results.size());
        send_json(res, 200, to_json(response));
      });
  add("GET", "/v1/articles/{id}",
      [this](const HttpRequest& req, HttpResponse& res, const Entitlement& who) {
        RequestParams(req.params).allow({});
        auto article = pool.local().article(req.path_ids[0], who);
        if (!article) throw HttpError{404, "not_found", "no such article"};
        send_json(res, 200, to_json(*article));
      });
  add("POST", "/v1/related",
      [this](const HttpRequest& req, HttpResponse& res, const Entitlement& who) {
        require_editor(req, who, "related articles for a draft need an editor token");
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
      });
}

// The search page, compiled in. Never cached by a shared cache for long: a new release
// must reach readers.
void HttpService::Impl::add_page_routes() {
  for (const auto& asset : web_assets()) {
    routes.add("GET", std::string(asset.path), [&asset](HttpRequest&, HttpResponse& res) {
      res.set_header("Content-Security-Policy", "default-src 'self'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Cache-Control", "public, max-age=60");
      res.content_type = std::string(asset.content_type);
      res.body = std::string(asset.body);
    });
  }
}

namespace {

void send_report(HttpResponse& res, const Json& report, std::size_t problems) {
  result_count = static_cast<long>(problems);
  send_json(res, 200, report);
}

}  // namespace

// Drafts and cross-reference reports quote every article's full text: editors only. No
// token at all is 401 (sign in); a token of another tier is 403.
void HttpService::Impl::require_editor(const HttpRequest& req, const Entitlement& who,
                                       const char* why) {
  if (who.is_editor()) return;
  if (!req.authorization) throw HttpError{401, "unauthorized", why};
  throw HttpError{403, "forbidden", why};
}

// The cross-reference checks of archive-search xref (which calls these with --url).
// Backlinks are for everyone: ids, titles and links are public fields, so every tier
// gives the same answer.
void HttpService::Impl::add_xref_routes() {
  using Req = const HttpRequest&;
  using Res = HttpResponse&;
  constexpr const char* kXref = "cross-reference checks need an editor token";
  add("GET", "/v1/xref/broken", [this](Req req, Res res, const Entitlement& who) {
    require_editor(req, who, kXref);
    RequestParams(req.params).allow({});
    auto report = broken_links(pool.local().generation());
    send_report(res, to_json(report), report.broken.size());
  });
  add("GET", "/v1/xref/orphans", [this](Req req, Res res, const Entitlement& who) {
    require_editor(req, who, kXref);
    RequestParams(req.params).allow({});
    auto report = orphans(pool.local().generation());
    send_report(res, to_json(report), report.orphans.size());
  });
  add("GET", "/v1/xref/backlinks/{id}", [this](Req req, Res res, const Entitlement& who) {
    RequestParams(req.params).allow({});
    auto report = backlinks(pool.local().generation(), req.path_ids[0], who);
    send_report(res, to_json(report), report.backlinks.size());
  });
  add("GET", "/v1/xref/missing", [this](Req req, Res res, const Entitlement& who) {
    require_editor(req, who, kXref);
    RequestParams params(req.params);
    params.allow({"id"});
    auto report = missing_links(pool.local().generation(), params.text("id"));
    send_report(res, to_json(report), report.missing.size());
  });
  add("POST", "/v1/xref/check", [this](Req req, Res res, const Entitlement& who) {
    require_editor(req, who, kXref);
    // The drafts are read from memory and checked; nothing is written.
    std::istringstream drafts(req.body);
    auto report = check_drafts(pool.local().generation(), drafts);
    send_report(res, to_json(report),
                report.invalid.size() + report.broken.size() + report.orphaned.size());
  });
}

HttpService::HttpService(ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpService::~HttpService() = default;

int HttpService::bind() { return impl_->connections.bind(); }

void HttpService::run() { impl_->connections.run(); }

void HttpService::stop() { impl_->connections.stop(); }

}  // namespace archive
