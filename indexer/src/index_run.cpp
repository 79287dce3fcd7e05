#include "archive/index_run.hpp"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
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

  // True when a replaced public document belonged to an article with member text: its old
  // text may lie in freed blocks that only rewriting the files removes.
  bool freed_member_text() const { return freed_member_text_; }

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
    if (change.is_new) {  // no lookup of the id: it is in neither index nor batch
      collect_spelling(built.doc);
      db_.add_document(built.doc);
      return;
    }
    auto term = id_term(change.id);
    auto post = db_.postlist_begin(term);
    std::optional<Xapian::Document> old;
    if (post != db_.postlist_end(term)) old = db_.get_document(*post);
    if (!change.upsert) {
      if (!old) return;
      forget_spelling(*old);
      db_.delete_document(term);
      return;
    }
    if (old && same_content(*old, built.doc)) return;  // an unchanged tier is not written
    // Text that leaves this public document may stay behind in freed blocks of the tier's
    // files; when the article has member text, that text may now be member text.
    if (old && tier_ == Tier::Public && change.upsert->has_member_text()) freed_member_text_ = true;
    if (old) forget_spelling(*old);
    collect_spelling(built.doc);
    db_.replace_document(term, built.doc);
  }

  // A document's terms follow from its data and its texts (layout.hpp).
  static bool same_content(const Xapian::Document& a, const Xapian::Document& b) {
    return a.get_data() == b.get_data() &&
           a.get_value(layout::slot::kText) == b.get_value(layout::slot::kText);
  }

  // Spelling data counts each word once per batch rather than once per occurrence:
  // add_spelling() per occurrence cost a tenth of indexing time.
  void collect_spelling(const Xapian::Document& doc) {
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it)
      if (is_plain_word(*it)) spelling_[*it] += it.get_wdf();
  }

  // The words of a document about to be replaced or deleted leave the spelling data with
  // it: otherwise text moved behind the paywall, or retracted, stays a suggestion here.
  void forget_spelling(const Xapian::Document& old) {
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
  bool freed_member_text_ = false;
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

  struct Result {
    Xapian::doccount public_docs = 0, full_docs = 0;
    bool freed_member_text = false;  // see TierWriter::freed_member_text()
  };

  // Writes out and closes both tiers.
  Result finish() {
    public_->finish();
    full_->finish();
    Result result{public_->doc_count(), full_->doc_count(), public_->freed_member_text()};
    public_.reset();
    full_.reset();
    return result;
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

// What an update applied to the generation it started from (manifest.json's "base"):
// copies of its input files, relative to the generation directory, then its deletes. The
// next update replays it on that base, the other generation of the pair.
struct ChangeLog {
  std::optional<std::string> base;
  std::vector<std::string> inputs;
  std::vector<std::string> deletes;
};

ChangeLog read_change_log(const fs::path& generation) {
  std::ifstream in(generation / layout::kManifestFile);
  auto manifest = nlohmann::json::parse(in, nullptr, false);
  ChangeLog log;
  if (!manifest.is_object() || !manifest["changes"].is_object()) return log;
  log.inputs = manifest["changes"].value("inputs", std::vector<std::string>{});
  log.deletes = manifest["changes"].value("deletes", std::vector<std::string>{});
  return log;
}

void write_manifest(const fs::path& work, const IndexReport& report, const ChangeLog& log,
                    Xapian::doccount public_docs, Xapian::doccount full_docs) {
  nlohmann::json manifest = {{"format", layout::kFormat},
                             {"documents", {{"public", public_docs}, {"full", full_docs}}},
                             {"run",
                              {{"indexed", report.indexed},
                               {"updated", report.updated},
                               {"deleted", report.deleted},
                               {"skipped", report.skipped}}}};
  if (log.base) {
    manifest["base"] = *log.base;
    manifest["changes"] = {{"inputs", log.inputs}, {"deletes", log.deletes}};
  }
  std::ofstream(work / layout::kManifestFile) << manifest.dump(2) << '\n';
}

// Writes an update's inputs into its working generation, as its change log: they are read
// twice (checked before anything is written, then written) and replayed by the next update.
// JSONL is copied as it is; HTML and Markdown pages are imported here, once, and their
// articles written as JSONL (their problems go to `on_problem`), so that a replay needs
// neither the pages nor the mapping. Returns the copies' paths relative to `work`.
std::vector<std::string> stage_inputs(const std::vector<std::string>& files, const fs::path& work,
                                      const Importer& importer, const ProblemSink& on_problem) {
  fs::create_directories(work / layout::kChangesDir);
  std::vector<std::string> staged;
  for (std::size_t i = 0; i < files.size(); ++i) {
    bool json = files[i] != "-" && fs::path(files[i]).extension() == ".json";
    auto name = (fs::path(layout::kChangesDir) / (std::to_string(i) + (json ? ".json" : ".jsonl")));
    std::ofstream out;
    if (importer.format_for(files[i]) != InputFormat::Jsonl) {
      out.open(work / name, std::ios::binary);
      importer.read(
          files[i],
          [&](Article&& article, const SourcePosition&) { out << to_json(article).dump() << '\n'; },
          on_problem);
    } else if (files[i] == "-") {
      out.open(work / name, std::ios::binary);
      if (std::cin.peek() != std::char_traits<char>::eof()) out << std::cin.rdbuf();
    } else {
      fs::copy_file(files[i], work / name);
    }
    if (out.is_open() && !out.flush())
      throw InputError(files[i] + ": cannot write its copy into " + (work / name).string());
    staged.push_back(name.string());
  }
  return staged;
}

// Reads a staged copy of an input, reporting positions in the input the caller named.
void read_staged(const fs::path& copy, const std::string& original, const ArticleSink& on_article,
                 const ProblemSink& on_problem) {
  read_articles(
      copy.string(),
      [&](Article&& article, const SourcePosition& where) {
        on_article(std::move(article), {original, where.line, where.offset});
      },
      [&](const InputProblem& problem) {
        auto named = problem;
        named.where.file = original;
        on_problem(named);
      });
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
  if (replayed > 0) out << "; replayed the previous update's " << replayed << " change(s)";
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

namespace {

void record_problem(IndexReport& report, const InputProblem& problem) {
  ++report.skipped;
  for (auto& line : problem.describe()) report.problems.push_back(std::move(line));
}

// Replays the change log of `generation` on tiers holding its base: the articles (the
// invalid ones skipped, as the logged run skipped them), then the deletes. Returns how many
// changes it replayed.
std::size_t replay_change_log(const fs::path& generation, TierWriters& tiers) {
  auto log = read_change_log(generation);
  std::size_t replayed = 0;
  for (const auto& input : log.inputs)
    read_articles((generation / input).string(),
                  [&](Article&& article, const SourcePosition&) {
                    auto id = article.id;
                    tiers.send({std::make_shared<const Article>(std::move(article)), id, false});
                    ++replayed;
                  },
                  [](const InputProblem&) {});
  for (const auto& id : log.deletes) tiers.send({nullptr, id, false});
  return replayed + log.deletes.size();
}

// One run. `required_base`: the generation the index must be on (an update published
// elsewhere, replayed here).
IndexReport run(const IndexOptions& options, const std::optional<std::string>& required_base,
                const ProgressSink& progress) {
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
  if (required_base && current != required_base)
    throw IndexDirectoryError(options.index.string() + " is on " + current.value_or("nothing") +
                              ", but the changes apply to " + *required_base +
                              "; copy the whole generation instead");
  bool fresh = options.rebuild || !current;
  if (!fresh) check_generation_format(options.index, *current);
  auto work = store.begin();
  try {
    // An update keeps its inputs as its change log and checks them all before it writes:
    // what it writes into may be the other generation of the pair, which it must not spoil.
    ChangeLog log;
    std::vector<std::string> sources = files;
    if (!fresh) {
      log.base = current;
      auto on_problem = [&](const InputProblem& problem) { record_problem(report, problem); };
      log.inputs = stage_inputs(files, work, importer, on_problem);
      for (std::size_t i = 0; i < files.size(); ++i) {
        sources[i] = (work / log.inputs[i]).string();
        read_staged(
            sources[i], files[i], [](Article&&, const SourcePosition&) {}, on_problem);
      }
      if (!report.problems.empty() && !options.keep_going) {
        store.discard(work);
        report.seconds = seconds_since(start);
        return report;
      }
    }
    IdLedger ledger(fresh ? fs::path() : tier_path(options.index, *current, layout::kFullTier));
    bool adopted = !fresh && !options.copy_current && store.adopt_previous(work);
    if (!fresh && !adopted) store.copy_current(work);
    std::optional<TierWriters> tiers;
    tiers.emplace(work, fresh, options.batch_size);
    if (adopted) report.replayed = replay_change_log(options.index / *current, *tiers);

    IndexProgress state{0, 0, total_bytes(files), 0};
    std::uint64_t bytes_before = 0;
    auto on_article = [&](Article&& article, const SourcePosition& where) {
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
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (fresh)
        importer.read(files[i], on_article,
                      [&](const InputProblem& problem) { record_problem(report, problem); });
      else  // problems were counted when the copy was checked
        read_staged(sources[i], files[i], on_article, [](const InputProblem&) {});
      if (files[i] != "-") bytes_before += fs::file_size(sources[i]);
    }
    for (const auto& id : options.deletes) {
      if (!ledger.existed(id) && !ledger.seen_at(id)) {
        report.warnings.push_back("--delete " + id + ": no such article in the index");
        continue;
      }
      tiers->send({nullptr, id});
      log.deletes.push_back(id);
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
    auto written = tiers->finish();
    tiers.reset();
    auto public_tier = work / layout::kPublicTier, full_tier = work / layout::kFullTier;
    if (fresh && options.compact)
      run_both([&] { compact_in_place(public_tier); }, [&] { compact_in_place(full_tier); });
    else if (!fresh && written.freed_member_text)
      compact_in_place(public_tier);
    write_manifest(work, report, log, written.public_docs, written.full_docs);
    report.generation = store.publish(work);
    report.published = true;
  } catch (...) {
    store.discard(work);
    throw;
  }
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace

IndexReport run_index(const IndexOptions& options, const ProgressSink& progress) {
  if (options.apply_changes.empty()) return run(options, std::nullopt, progress);
  // A generation published elsewhere by an update: its change log, replayed here as the
  // same update (invalid articles skipped, as they were there).
  auto dir = options.apply_changes.lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  auto base = generation_base(dir.parent_path(), dir.filename().string());
  if (!base)
    throw IndexDirectoryError(dir.string() +
                              ": no \"base\" in its manifest.json, so not made by an update; "
                              "copy the whole generation instead");
  auto log = read_change_log(dir);
  IndexOptions update = options;
  update.format = InputFormat::Jsonl;  // a change log holds JSONL only (see stage_inputs)
  update.mapping.clear();
  update.inputs.clear();
  for (const auto& input : log.inputs) update.inputs.push_back((dir / input).string());
  update.deletes = log.deletes;
  update.keep_going = true;
  return run(update, base, progress);
}

}  // namespace archive
