#include "hits.hpp"

#include "archive/layout.hpp"
#include "archive/searcher.hpp"
#include "archive/snippet_source.hpp"

namespace archive {

namespace {

// Reads the stored hit (layout::slot::kHit: a JSON object of strings, string lists and
// nulls) straight into a SearchHit, its summary and its section headings. Parsing it into an
// nlohmann document first cost 3 µs a hit, more than reading it from the index.
class HitReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  HitReader(SearchHit& hit, std::string& summary, std::vector<std::string>& headings)
      : hit_(hit), summary_(summary), headings_(headings) {}

  bool key(string_t& name) override {
    key_ = std::move(name);
    return true;
  }
  bool string(string_t& value) override {
    if (list_ == &hit_.tags || list_ == &headings_)
      list_->push_back(std::move(value));
    else if (key_ == "published")
      hit_.published = std::move(value);
    else if (auto* field = field_named(key_))
      *field = std::move(value);
    return true;
  }
  bool start_array(std::size_t) override {
    list_ = key_ == "tags" ? &hit_.tags : key_ == "headings" ? &headings_ : nullptr;
    return true;
  }
  bool end_array() override {
    list_ = nullptr;
    return true;
  }
  bool start_object(std::size_t) override { return ++depth_ == 1; }  // one flat object
  bool end_object() override { return --depth_ == 0; }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  std::string* field_named(const std::string& name) {
    if (name == "id") return &hit_.id;
    if (name == "url") return &hit_.url;
    if (name == "title") return &hit_.title;
    if (name == "kind") return &hit_.kind;
    if (name == "access") return &hit_.access;
    if (name == "summary") return &summary_;
    return nullptr;
  }

  SearchHit& hit_;
  std::string& summary_;
  std::vector<std::string>& headings_;
  std::string key_;
  std::vector<std::string>* list_ = nullptr;  // the list being read, if any
  int depth_ = 0;
};

std::vector<std::string> list_value(const std::string& joined) {
  std::vector<std::string> items;
  if (joined.empty()) return items;
  for (std::size_t start = 0;;) {
    auto end = joined.find(layout::kListSeparator, start);
    items.push_back(joined.substr(start, end == joined.npos ? joined.npos : end - start));
    if (end == joined.npos) return items;
    start = end + 1;
  }
}

}  // namespace

SearchHit make_hit(const Xapian::Document& doc, const SnippetSource* snippets) {
  SearchHit hit;
  std::string summary;
  std::vector<std::string> headings;  // of the sections in slot::kText, in its order
  HitReader reader(hit, summary, headings);
  if (!nlohmann::json::sax_parse(doc.get_value(layout::slot::kHit), &reader))
    throw std::runtime_error("document " + std::to_string(doc.get_docid()) +
                             ": its stored hit is not the JSON object the indexer writes; "
                             "rebuild the index with archive-index --rebuild");
  hit.authors = list_value(doc.get_value(layout::slot::kAuthors));
  if (snippets) {
    auto cut = snippets->cut(summary, doc.get_value(layout::slot::kText));
    hit.snippet = std::move(cut.html);
    if (cut.section && *cut.section < headings.size()) hit.section = headings[*cut.section];
  }
  return hit;
}

Xapian::Enquire make_enquire(const SearchScope& scope, const Xapian::Query& query) {
  Xapian::Enquire enquire(scope.db);
  enquire.set_query(scope.restrict(query));
  enquire.set_weighting_scheme(ranking_weight());
  return enquire;
}

std::optional<Xapian::docid> find_article(const SearchScope& scope, const std::string& id) {
  auto mset =
      make_enquire(scope, Xapian::Query(std::string(layout::prefix::kId) + id)).get_mset(0, 1);
  if (mset.empty()) return std::nullopt;
  return *mset.begin();
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace archive
