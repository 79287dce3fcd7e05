#include "connection_server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "request_reader.hpp"

namespace archive {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

// How long a closing connection may keep sending what we will not read (a refused body)
// before it is cut: long enough for the client to read our answer first.
constexpr milliseconds kDrainTime{1000};
constexpr std::size_t kDrainBytes = 256 * 1024;

bool is_grammar_error(beast::error_code error) {
  static const auto& http_errors = make_error_code(http::error::bad_target).category();
  return error.category() == http_errors && error != http::error::end_of_stream &&
         error != http::error::partial_message;
}

}  // namespace

class Session;

class ConnectionHub : public std::enable_shared_from_this<ConnectionHub> {
 public:
  ConnectionHub(ConnectionSettings s, Responder r)
      : settings(std::move(s)),
        responder(std::move(r)),
        acceptor(asio::make_strand(io)),
        retry(acceptor.get_executor()) {}

  ConnectionSettings settings;
  Responder responder;
  asio::io_context io;
  // The acceptor and its retry timer share a strand: accepting and stop() never touch them
  // from two threads at once.
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // after a failed accept (out of descriptors), wait a little
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};

  void accept();
  void enter(Session* session, std::weak_ptr<Session> handle);
  void leave(Session* session);
  void close_waiting_sessions();

 private:
  void refuse_connection(tcp::socket& socket);

  std::mutex mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

// One connection: reads a request, has it answered, writes the answer, and again while
// the client keeps the connection alive. Every step runs on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ConnectionHub> server)
      : stream_(std::move(socket)),
        buffer_(server->settings.limits.max_header_bytes + 64 * 1024),
        server_(std::move(server)) {
    ++server_->open;
  }
  ~Session() {
    server_->leave(this);
    --server_->open;
  }

  // On the connection's strand, where every later step runs too.
  void start() {
    server_->enter(this, weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->next(); });
  }

  // On stop: a connection with no request under way is closed now; one whose request is
  // arriving or being answered finishes it first. Runs on the connection's strand.
  void post_close_if_waiting() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      if (self->waiting_) self->stream_.socket().cancel(ignored);
    });
  }

 private:
  const ConnectionSettings& settings() const { return server_->settings; }

  void next() {
    if (server_->stopping) return close();
    waiting_ = true;
    skip_empty_lines();
    if (buffer_.size() > 0) return read_header();  // pipelined: the next one is here
    stream_.expires_after(settings().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code error, std::size_t n) {
                              if (error) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  // A client may send an empty line before a request line (RFC 9112, 2.2): ignore it.
  void skip_empty_lines() {
    while (buffer_.size() > 0) {
      char c = *static_cast<const char*>(buffer_.data().data());
      if (c != '\r' && c != '\n') return;
      buffer_.consume(1);
    }
  }

  void read_header() {
    waiting_ = false;
    parser_.emplace();
    apply_limits(*parser_, settings().limits);
    // One deadline for the whole request, header and body: a client dribbling a byte at
    // a time cannot stretch it.
    stream_.expires_after(settings().request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              self->on_header(error);
                            });
  }

  void on_header(beast::error_code error) {
    if (error) return fail(error);
    if (auto refusal = refusal_of_header(*parser_, settings().limits)) return refuse(*refusal);
    if (parser_->is_done()) return serve();
    // HTTP/1.0 clients never wait for a 100 (RFC 9110, 10.1.1).
    if (parser_->get().version() >= 11 &&
        beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = shared_from_this()](beast::error_code e, std::size_t) {
                                 if (e) return self->close();
                                 self->read_body();
                               });
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       if (error) return self->fail(error);
                       self->serve();
                     });
  }

  // A request the grammar refuses gets an answer; a client that went away or ran out of
  // time gets none (the stream has closed the socket on a timeout).
  void fail(beast::error_code error) {
    if (is_grammar_error(error)) return refuse(refusal_of(error));
    close();
  }

  void serve() {
    HttpResponse out;
    const auto& message = parser_->get();
    Framing framing{message.version(), message.keep_alive(), message.method() == http::verb::head};
    try {
      auto request = adopt(*parser_);
      server_->responder.serve(request, out);
    } catch (const HttpError& e) {
      out = {};
      server_->responder.refuse(e, {}, out);
    }
    write(std::move(out), framing);
  }

  void refuse(const HttpError& refusal) {
    HttpRequest partial;
    try {
      partial = adopt(*parser_);
    } catch (const HttpError&) {
    }
    HttpResponse out;
    server_->responder.refuse(refusal, partial, out);
    write(std::move(out), {11, false, partial.method == "HEAD"});
  }

  // How an answer goes out: in the request's HTTP version (so that an HTTP/1.0 client that
  // asked to keep the connection is told it is kept), and without a body for HEAD.
  struct Framing {
    unsigned version;
    bool keep_alive;
    bool head;
  };

  void write(HttpResponse out, Framing framing) {
    bool keep_alive = framing.keep_alive && !server_->stopping &&
                      ++served_ < settings().max_requests_per_connection;
    response_ = {};
    response_.version(framing.version == 10 ? 10 : 11);
    response_.result(static_cast<unsigned>(out.status));
    if (!out.content_type.empty()) response_.set(http::field::content_type, out.content_type);
    for (auto& [name, value] : out.headers) response_.insert(name, value);
    // A HEAD answer says the length the GET would have, and sends no body; a 204 has neither.
    bool no_content = out.status == 204 || out.status == 304;
    if (!no_content) response_.content_length(out.body.size());
    if (!framing.head && !no_content) response_.body() = std::move(out.body);
    response_.keep_alive(keep_alive);
    stream_.expires_after(settings().write_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code e, std::size_t) {
                        if (e || !keep_alive) return self->close();
                        self->next();
                      });
  }

  // Half-close, then read and drop what the client still sends for a moment, so that it
  // reads our last answer before the connection is cut (closing with unread bytes would
  // reset it).
  void close() {
    waiting_ = false;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    drained_ = 0;
    stream_.expires_after(kDrainTime);
    drain();
  }

  void drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code error, std::size_t n) {
                              self->drained_ += n;
                              if (error || self->drained_ > kDrainBytes) {
                                beast::error_code ignored;
                                self->stream_.socket().close(ignored);
                                return;
                              }
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  http::response<http::string_body> response_;
  std::shared_ptr<ConnectionHub> server_;
  std::size_t served_ = 0;
  std::size_t drained_ = 0;
  bool waiting_ = false;  // between requests, no byte of the next one read yet
};

void ConnectionHub::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code error,
                                                                           tcp::socket socket) {
    if (error == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (error) {  // out of descriptors, most likely: let connections close first
      spdlog::warn("accepting a connection failed: {}", error.message());
      self->retry.expires_after(milliseconds(50));
      self->retry.async_wait([self](beast::error_code) { self->accept(); });
      return;
    }
    self->accept();  // first: whatever becomes of this connection, accepting goes on
    if (self->open >= self->settings.max_connections) return self->refuse_connection(socket);
    try {
      std::make_shared<Session>(std::move(socket), self)->start();
    } catch (const std::exception& e) {  // out of memory: this connection only
      spdlog::error("cannot serve a connection: {}", e.what());
    }
  });
}

// Over the connection limit: a short 503 without waiting on the client, then close.
void ConnectionHub::refuse_connection(tcp::socket& socket) {
  static const std::string kBusy = [] {
    std::string body =
        R"({"error":{"code":"too_many_connections","message":"too many connections; retry"}})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kBusy.data(), kBusy.size()), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void ConnectionHub::enter(Session* session, std::weak_ptr<Session> handle) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(session, std::move(handle));
}

void ConnectionHub::leave(Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

void ConnectionHub::close_waiting_sessions() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [raw, handle] : sessions_)
      if (auto session = handle.lock()) live.push_back(std::move(session));
  }
  // Each on its own strand, where its socket is used.
  for (auto& session : live) session->post_close_if_waiting();
}

ConnectionServer::ConnectionServer(ConnectionSettings settings, Responder responder)
    : impl_(std::make_shared<ConnectionHub>(std::move(settings), std::move(responder))) {}

ConnectionServer::~ConnectionServer() = default;

int ConnectionServer::bind() {
  auto& s = impl_->settings;
  try {
    tcp::resolver resolver(impl_->io);
    auto endpoint = resolver.resolve(s.host, std::to_string(s.port))->endpoint();
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol());
    // SO_REUSEADDR (a restart need not wait for TIME_WAIT) but never SO_REUSEPORT: a second
    // server on a port in use must fail, not share the port.
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    return acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + s.host + ":" + std::to_string(s.port) + ": " +
                             e.code().message());
  }
}

void ConnectionServer::run() {
  auto& impl = *impl_;
  // Raw pointers in the posted work: the hub outlives run(), and a shared_ptr left in the
  // queue of the io_context the hub owns would keep both alive for ever.
  asio::post(impl.acceptor.get_executor(), [hub = &impl] {
    if (!hub->stopping) hub->accept();
  });
  auto work = [&impl] {
    for (;;) {
      try {
        impl.io.run();
        return;
      } catch (const std::exception& e) {  // responders catch their own; this is a last guard
        spdlog::error("connection handler failed: {}", e.what());
      } catch (...) {
        spdlog::error("connection handler failed");
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl.settings.threads; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

void ConnectionServer::stop() {
  impl_->stopping = true;
  asio::post(impl_->acceptor.get_executor(), [hub = impl_.get()] {
    beast::error_code ignored;
    hub->acceptor.close(ignored);
    hub->retry.cancel();
    hub->close_waiting_sessions();
  });
}

}  // namespace archive
