// The reference servers of bench/http: the least a search service over the same index does,
// and the least any cpp-httplib service does.
//
//   bench-minimal-server PUBLIC_TIER_DB PORT THREADS [--data-only]
//                                                      GET /search?q=  and  GET /fixed
//   bench-minimal-server - PORT THREADS                GET /fixed only (no database)
//
// /search parses q (English stemmer, STEM_SOME), runs it with Xapian's defaults (BM25) and
// returns the top 10 stored articles as a JSON array: no snippets, no facets, no feedback.
// A stored article is the document's data (JSON: metadata and outline) with its section
// texts (value slot 6, see schema/index-layout.md) added as "text": what a plain Xapian
// service that keeps articles in the document data returns, and what the issue measured.
// With --data-only, just the document data (metadata, no text).
// /fixed returns the same 1 KB JSON body every time. Listens on 127.0.0.1 only; SIGTERM or
// SIGINT exits.
#include <httplib.h>
#include <xapian.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

static std::string db_path;
static bool data_only = false;
constexpr Xapian::valueno kTextSlot = 6;

// Appends `text` as a JSON string (the section separator \x1e and other controls escaped).
static void append_json_string(std::string& out, const std::string& text) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

// The stored article: the data object with "text" added before its closing brace.
static void append_article(std::string& out, const Xapian::Document& doc) {
  auto data = doc.get_data();
  if (data_only || data.size() < 2 || data.back() != '}') {
    out += data;
    return;
  }
  data.pop_back();
  out += data;
  out += ",\"text\":";
  append_json_string(out, doc.get_value(kTextSlot));
  out += '}';
}

static Xapian::Database& database() {  // one per worker thread: Xapian objects are not shared
  thread_local Xapian::Database db(db_path);
  return db;
}

int main(int argc, char** argv) {
  data_only = argc == 5 && std::string(argv[4]) == "--data-only";
  if (argc != 4 && !data_only) {
    std::cerr << "usage: bench-minimal-server PUBLIC_TIER_DB|- PORT THREADS [--data-only]\n";
    return 2;
  }
  db_path = argv[1];
  int port = std::atoi(argv[2]);
  std::size_t threads = std::strtoul(argv[3], nullptr, 10);

  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);  // as archive-serve; cpp-httplib's default is 5
  server.set_keep_alive_timeout(5);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  std::string fixed = R"({"status":"ok","note":")";
  fixed += std::string(1024 - fixed.size() - 2, 'x') + "\"}";  // exactly 1024 bytes
  server.Get("/fixed", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(fixed, "application/json");
  });

  if (db_path != "-") {
    database();  // fail now, not on the first request, if the path is wrong
    server.Get("/search", [](const httplib::Request& req, httplib::Response& res) {
      auto& db = database();
      Xapian::QueryParser parser;
      parser.set_stemmer(Xapian::Stem("english"));
      parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
      parser.set_database(db);
      Xapian::Enquire enquire(db);
      try {
        enquire.set_query(parser.parse_query(req.get_param_value("q")));
      } catch (const Xapian::QueryParserError& e) {
        res.status = 400;
        res.set_content("{\"error\":\"bad query\"}", "application/json");
        return;
      }
      std::string body = "[";
      auto mset = enquire.get_mset(0, 10);
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        if (body.size() > 1) body += ',';
        append_article(body, it.get_document());
      }
      res.set_content(body + "]", "application/json");
    });
  }

  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  std::signal(SIGINT, [](int) { std::_Exit(0); });
  if (!server.listen("127.0.0.1", port)) {
    std::cerr << "bench-minimal-server: cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  return 0;
}
