#include "archive/index_run.hpp"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "archive/article_reader.hpp"
#include "archive/document_builder.hpp"
#include "archive/generation_store.hpp"
#include "archive/layout.hpp"
#include "bounded_queue.hpp"

namespace archive {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What a tier writer is asked to do, in input order.
struct TierChange {
  std::shared_ptr<const Article> upsert;  // null: delete `id`
  std::string id;
  bool is_new = false;  // in neither the previous generation nor earlier in this run
};

// A change with its document built, ready to be written.
struct BuiltChange {
  TierChange change;
  Xapian::Document doc;
};

// Writes one tier as a two-stage pipeline: a builder thread tokenises articles into
// documents while a writer thread adds them to the database. With two tiers that is four
// threads, which keeps both cores busy even while one database commits a batch.
class TierWriter {
 public:
  TierWriter(const fs::path& path, Tier tier, bool fresh, std::size_t batch_size)
      : db_(path.string(), (fresh ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN) |
                               Xapian::DB_NO_SYNC),
        tier_(tier),
        batch_size_(batch_size),
        builder_([this] { build_all(); }),
        writer_([this] { write_all(); }) {}

  ~TierWriter() {
    try {
      finish();
    } catch (...) {
      // finish() was already called on every path that can report; nothing to add.
    }
  }

  void push(TierChange change) { changes_.push(std::move(change)); }

  // Waits for every queued change to be written and committed; rethrows a thread's error.
  void finish() {
    if (finished_) return;
    finished_ = true;
    changes_.close();
    builder_.join();
    writer_.join();
    for (auto& error : {build_error_, write_error_})
      if (error) std::rethrow_exception(error);
  }

  Xapian::doccount doc_count() const { return db_.get_doccount(); }

 private:
  // Enough room for one tier to run ahead while the other commits a batch.
  static constexpr std::size_t kQueueLimit = 1024;

  void build_all() {
    auto indexer = make_term_generator();
    try {
      while (auto change = changes_.pop()) {
        BuiltChange built{std::move(*change), {}};
        if (built.change.upsert) built.doc = build_document(*built.change.upsert, tier_, indexer);
        built_.push(std::move(built));
      }
    } catch (...) {
      build_error_ = std::current_exception();
      while (changes_.pop()) {
      }  // keep the reading thread from blocking on a full queue
    }
    built_.close();
  }

  void write_all() {
    try {
      std::size_t pending = 0;
      while (auto built = built_.pop()) {
        apply(*built);
        if (++pending >= batch_size_) {
          commit();
          pending = 0;
        }
      }
      commit();
    } catch (...) {
      write_error_ = std::current_exception();
      while (built_.pop()) {
      }
    }
  }

  void apply(const BuiltChange& built) {
    const auto& change = built.change;
    if (!change.is_new) forget_spelling(change.id);
    if (!change.upsert) {
      db_.delete_document(id_term(change.id));
      return;
    }
    collect_spelling(built.doc);
    if (change.is_new)
      db_.add_document(built.doc);  // no lookup of the id: it is in neither index nor batch
    else
      db_.replace_document(id_term(change.id), built.doc);
  }

  // Spelling data counts each word once per batch rather than once per occurrence:
  // add_spelling() per occurrence cost a tenth of indexing time.
  void collect_spelling(const Xapian::Document& doc) {
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it)
      if (is_plain_word(*it)) spelling_[*it] += it.get_wdf();
  }

  // The words of a document about to be replaced or deleted leave the spelling data with
  // it: otherwise text moved behind the paywall, or retracted, stays a suggestion here.
  void forget_spelling(const std::string& id) {
    auto term = id_term(id);
    auto post = db_.postlist_begin(term);
    if (post == db_.postlist_end(term)) return;
    auto old = db_.get_document(*post);
    for (auto it = old.termlist_begin(); it != old.termlist_end(); ++it)
      if (is_plain_word(*it)) spelling_[*it] -= static_cast<std::int64_t>(it.get_wdf());
  }

  void commit() {
    for (const auto& [word, count] : spelling_) {
      if (count > 0)
        db_.add_spelling(word, static_cast<Xapian::termcount>(count));
      else if (count < 0)
        db_.remove_spelling(word, static_cast<Xapian::termcount>(-count));
    }
    spelling_.clear();
    db_.commit();
  }

  Xapian::WritableDatabase db_;
  Tier tier_;
  std::size_t batch_size_;
  std::unordered_map<std::string, std::int64_t> spelling_;  // frequency changes this batch
  BoundedQueue<TierChange> changes_{kQueueLimit};
  BoundedQueue<BuiltChange> built_{kQueueLimit};
  std::exception_ptr build_error_, write_error_;
  bool finished_ = false;
  std::thread builder_, writer_;  // last: they start once everything above is built
};

std::uint64_t total_bytes(const std::vector<std::string>& files) {
  std::uint64_t total = 0;
  for (const auto& f : files) {
    if (f == "-") return 0;
    std::error_code ec;
    total += fs::file_size(f, ec);
  }
  return total;
}

// Tracks which ids the new generation holds, to tell new from updated and to warn about
// an id given twice in one run (the later article wins).
class IdLedger {
 public:
  explicit IdLedger(const fs::path& existing_full_tier) {
    if (fs::exists(existing_full_tier)) existing_ = Xapian::Database(existing_full_tier.string());
  }
  bool existed(const std::string& id) const {
    return existing_ && existing_->term_exists(id_term(id));
  }
  std::optional<SourcePosition> seen_at(const std::string& id) const {
    auto it = seen_.find(id);
    return it == seen_.end() ? std::nullopt : std::optional(it->second);
  }
  void see(const std::string& id, const SourcePosition& where) { seen_[id] = where; }

 private:
  std::optional<Xapian::Database> existing_;
  std::map<std::string, SourcePosition> seen_;
};

// Runs two jobs at once, one per core; the first failure is rethrown.
template <typename A, typename B>
void run_both(A a, B b) {
  std::exception_ptr a_error, b_error;
  std::thread first([&] {
    try {
      a();
    } catch (...) {
      a_error = std::current_exception();
    }
  });
  try {
    b();
  } catch (...) {
    b_error = std::current_exception();
  }
  first.join();
  for (auto& error : {a_error, b_error})
    if (error) std::rethrow_exception(error);
}

// Both tiers of the generation being written, in input order: a new id is appended to
// each tier, so a document's docid is its article's place in the run in both. The public
// tier's document order, and with it tie order, listings and which matches a facet sample
// counts, then depends on public content only. (Writing articles without member text once,
// to a part shared by both tiers, was faster, but compaction can only concatenate parts,
// which put those articles first: an order set by member content.)
class TierWriters {
 public:
  TierWriters(const fs::path& work, bool fresh, std::size_t batch_size) {
    public_.emplace(work / layout::kPublicTier, Tier::Public, fresh, batch_size);
    full_.emplace(work / layout::kFullTier, Tier::Full, fresh, batch_size);
  }

  void send(TierChange change) {
    public_->push(change);
    full_->push(std::move(change));
  }

  // Writes out and closes both tiers; returns the document counts of the public and the
  // full tier.
  std::pair<Xapian::doccount, Xapian::doccount> finish() {
    public_->finish();
    full_->finish();
    std::pair counts{public_->doc_count(), full_->doc_count()};
    public_.reset();
    full_.reset();
    return counts;
  }

 private:
  std::optional<TierWriter> public_, full_;
};

// Rewrites a database as fresh, compact files, keeping its docids. Xapian reuses freed
// B-tree blocks without clearing them, so text that left a tier (replaced, moved behind
// the paywall, deleted) stays in its files until they are rewritten.
void compact_in_place(const fs::path& db) {
  auto fresh = db.string() + ".compact";
  Xapian::Database(db.string()).compact(fresh, Xapian::DBCOMPACT_NO_RENUMBER);
  fs::remove_all(db);
  fs::rename(fresh, db);
}

// True when `file` lies inside the directory `dir`.
bool is_inside(const fs::path& file, const fs::path& dir) {
  auto d = fs::weakly_canonical(dir);
  if (d.filename().empty()) d = d.parent_path();
  auto f = fs::weakly_canonical(file);
  return std::mismatch(d.begin(), d.end(), f.begin(), f.end()).first == d.end();
}

void write_manifest(const fs::path& work, const IndexReport& report, Xapian::doccount public_docs,
                    Xapian::doccount full_docs) {
  nlohmann::json manifest = {{"format", layout::kFormat},
                             {"documents", {{"public", public_docs}, {"full", full_docs}}},
                             {"run",
                              {{"indexed", report.indexed},
                               {"updated", report.updated},
                               {"deleted", report.deleted},
                               {"skipped", report.skipped}}}};
  std::ofstream(work / layout::kManifestFile) << manifest.dump(2) << '\n';
}

}  // namespace

int IndexReport::exit_status() const {
  if (!published) return 1;
  return skipped > 0 ? 2 : 0;
}

std::string IndexReport::summary() const {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << "indexed " << indexed << ", updated " << updated << ", deleted " << deleted
      << ", skipped " << skipped << " in " << seconds << " s ("
      << static_cast<long>((indexed + updated) / std::max(seconds, 1e-3)) << " articles/s)";
  if (published)
    out << "; published " << generation;
  else
    out << "; nothing published, the previous index still serves";
  return out.str();
}

Importer importer_for(const IndexOptions& options, WarningSink on_warning) {
  auto mapping = options.mapping.empty() ? ImportMapping() : load_mapping(options.mapping);
  return Importer(options.format, std::move(mapping), std::move(on_warning));
}

IndexReport run_index(const IndexOptions& options, const ProgressSink& progress) {
  auto start = Clock::now();
  IndexReport report;
  auto importer = importer_for(
      options, [&](const std::string& warning) { report.warnings.push_back(warning); });
  auto files = importer.expand(options.inputs);
  // An index kept inside the archive directory is not input: its manifest.json would be
  // read as an (invalid) article and fail every run after the first.
  std::erase_if(files,
                [&](const std::string& f) { return f != "-" && is_inside(f, options.index); });
  GenerationStore store(options.index);
  auto current = store.current();
  bool fresh = options.rebuild || !current;
  if (!fresh) check_generation_format(options.index, *current);
  auto work = store.begin(!fresh);
  try {
    IdLedger ledger(fresh ? fs::path() : tier_path(options.index, *current, layout::kFullTier));
    std::optional<TierWriters> tiers;
    tiers.emplace(work, fresh, options.batch_size);

    IndexProgress state{0, 0, total_bytes(files), 0};
    std::uint64_t bytes_before = 0;
    for (const auto& file : files) {
      importer.read(
          file,
          [&](Article&& article, const SourcePosition& where) {
            if (auto earlier = ledger.seen_at(article.id))
              report.warnings.push_back(where.file + ":" + std::to_string(where.line) + ": id: \"" +
                                        article.id + "\" also at " + earlier->file + ":" +
                                        std::to_string(earlier->line) + "; the later article wins");
            bool is_update = ledger.existed(article.id) || ledger.seen_at(article.id);
            ledger.see(article.id, where);
            ++(is_update ? report.updated : report.indexed);
            if (report.problems.empty() || options.keep_going) {
              auto id = article.id;
              tiers->send({std::make_shared<const Article>(std::move(article)), id, !is_update});
            }
            if (progress) {
              ++state.articles;
              state.bytes_read = bytes_before + where.offset;
              state.seconds = seconds_since(start);
              progress(state);
            }
          },
          [&](const InputProblem& problem) {
            ++report.skipped;
            for (auto& line : problem.describe()) report.problems.push_back(std::move(line));
          });
      if (file != "-") bytes_before += fs::file_size(file);
    }
    for (const auto& id : options.deletes) {
      if (!ledger.existed(id) && !ledger.seen_at(id)) {
        report.warnings.push_back("--delete " + id + ": no such article in the index");
        continue;
      }
      tiers->send({nullptr, id});
      ++report.deleted;
    }
    auto publish_nothing = [&] {
      tiers.reset();
      store.discard(work);
      report.seconds = seconds_since(start);
      return report;
    };
    if (!report.problems.empty() && !options.keep_going) return publish_nothing();
    if (options.rebuild && !options.allow_empty && report.indexed + report.updated == 0) {
      report.refused =
          "--rebuild with no valid article would publish an empty index; pass --allow-empty "
          "if that is what you want";
      return publish_nothing();
    }
    auto [public_docs, full_docs] = tiers->finish();
    tiers.reset();
    auto public_tier = work / layout::kPublicTier, full_tier = work / layout::kFullTier;
    if (fresh && options.compact)
      run_both([&] { compact_in_place(public_tier); }, [&] { compact_in_place(full_tier); });
    else if (!fresh)
      compact_in_place(public_tier);  // the copied files may hold text that left the tier
    write_manifest(work, report, public_docs, full_docs);
    report.generation = store.publish(work);
    report.published = true;
  } catch (...) {
    store.discard(work);
    throw;
  }
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace archive
