// Cross-reference checks over one index generation. Links are XLINK terms, so broken
// links, backlinks and orphans come from postings without reading any text; only the
// missing-link search (mentions.cpp) reads the articles' text.
#include "archive/xref.hpp"

#include <algorithm>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "archive/article_reader.hpp"
#include "archive/document_builder.hpp"
#include "archive/layout.hpp"
#include "archive/searcher.hpp"

namespace archive {
namespace {

using Json = nlohmann::ordered_json;

std::string link_term(const std::string& id) { return std::string(layout::prefix::kLink) + id; }

struct Named {
  std::string id, title;
};

Named named(const Xapian::Database& db, Xapian::docid did) {
  auto data = nlohmann::json::parse(db.get_document(did).get_data());
  return {data.value("id", ""), data.value("title", "")};
}

XrefArticle from_document(const Xapian::Document& doc) {
  auto data = nlohmann::json::parse(doc.get_data());
  using Strings = std::vector<std::string>;
  XrefArticle article{data.value("id", ""),
                      data.value("title", ""),
                      data.value("key_phrases", Strings{}),
                      data.value("links", Strings{}),
                      {}};
  if (auto summary = data.value("summary", ""); !summary.empty()) article.texts.push_back(summary);
  auto texts = doc.get_value(layout::slot::kText);
  for (auto text : layout::split_texts(texts))
    if (!text.empty()) article.texts.emplace_back(text);
  return article;
}

// True when some document other than `self` links to `id`.
bool linked_by_another(const Xapian::Database& db, const std::string& id, Xapian::docid self) {
  auto term = link_term(id);
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p)
    if (*p != self) return true;
  return false;
}

// Ids that some other article of `articles` links to.
std::set<std::string> linked_ids(const std::vector<XrefArticle>& articles) {
  std::set<std::string> linked;
  for (const auto& a : articles)
    for (const auto& to : a.links)
      if (to != a.id) linked.insert(to);
  return linked;
}

// The archive as it would be once the drafts are published: a draft replaces the indexed
// article with its id (a later draft an earlier one), or is added.
std::vector<XrefArticle> published_with(std::vector<XrefArticle> indexed,
                                        const std::vector<XrefArticle>& drafts) {
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < indexed.size(); ++i) position[indexed[i].id] = i;
  for (const auto& draft : drafts) {
    auto [it, added] = position.try_emplace(draft.id, indexed.size());
    if (added)
      indexed.push_back(draft);
    else
      indexed[it->second] = draft;
  }
  return indexed;
}

std::vector<BrokenLink> broken_in(const std::vector<XrefArticle>& published,
                                  const std::set<std::string>& drafts) {
  std::set<std::string> ids;
  for (const auto& a : published) ids.insert(a.id);
  std::vector<BrokenLink> broken;
  for (const auto& a : published) {
    if (!drafts.contains(a.id)) continue;
    std::set<std::string> to(a.links.begin(), a.links.end());
    for (const auto& id : to)
      if (!ids.contains(id)) broken.push_back({a.id, a.title, id});
  }
  return broken;
}

template <typename T>
Json list(const std::vector<T>& items) {
  auto out = Json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

Json string_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

XrefArticle xref_article(const Article& article) {
  XrefArticle x{article.id, article.title, article.key_phrases, article.links, {}};
  if (!article.summary.empty()) x.texts.push_back(article.summary);
  for (const auto& section : article.sections)
    if (!section.text.empty()) x.texts.push_back(section.text);
  return x;
}

std::vector<XrefArticle> load_xref_articles(const Xapian::Database& tier) {
  std::vector<XrefArticle> articles;
  for (auto p = tier.postlist_begin(""); p != tier.postlist_end(""); ++p)
    articles.push_back(from_document(tier.get_document(*p)));
  return articles;
}

BrokenReport broken_links(const IndexGeneration& generation) {
  const auto& db = generation.full_tier();
  BrokenReport report{db.get_doccount(), {}};
  const std::string prefix(layout::prefix::kLink);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    auto to = (*t).substr(prefix.size());
    if (db.term_exists(id_term(to))) continue;
    for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
      auto from = named(db, *p);
      report.broken.push_back({from.id, from.title, to});
    }
  }
  std::sort(report.broken.begin(), report.broken.end(), [](const auto& a, const auto& b) {
    return std::tie(a.from, a.to) < std::tie(b.from, b.to);
  });
  return report;
}

OrphanReport orphans(const IndexGeneration& generation) {
  const auto& db = generation.full_tier();
  OrphanReport report{db.get_doccount(), {}};
  // Id terms, in id order; only an orphan's document is read, for its title.
  const std::string prefix(layout::prefix::kId);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    auto id = (*t).substr(prefix.size());
    auto self = *db.postlist_begin(*t);
    if (!linked_by_another(db, id, self)) report.orphans.push_back({id, named(db, self).title});
  }
  return report;
}

BacklinkReport backlinks(const IndexGeneration& generation, const std::string& id,
                         const Entitlement& who) {
  // Ids, titles and links are public fields: every tier gives the same answer.
  const auto& db = who.sees_all_text() ? generation.full_tier() : generation.public_tier();
  BacklinkReport report{id, std::nullopt, {}};
  auto self = db.postlist_begin(id_term(id));
  Xapian::docid self_id = self == db.postlist_end(id_term(id)) ? 0 : *self;
  if (self_id) report.title = named(db, self_id).title;
  auto term = link_term(id);
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
    if (*p == self_id) continue;
    auto from = named(db, *p);
    report.backlinks.push_back({from.id, from.title});
  }
  std::sort(report.backlinks.begin(), report.backlinks.end(),
            [](const auto& a, const auto& b) { return a.from < b.from; });
  return report;
}

MissingReport missing_links(const IndexGeneration& generation, const std::string& id) {
  auto corpus = load_xref_articles(generation.full_tier());
  if (!id.empty() &&
      std::none_of(corpus.begin(), corpus.end(), [&](const auto& a) { return a.id == id; }))
    throw NotFoundError("no article with id \"" + id.substr(0, 128) + "\"");
  PairFilter wanted;
  if (!id.empty())
    wanted = [&id](const auto& from, const auto& to) { return from.id == id || to.id == id; };
  return {corpus.size(), id, find_missing_links(corpus, wanted)};
}

CheckReport check_drafts(const IndexGeneration& generation, std::istream& jsonl) {
  CheckReport report;
  std::vector<XrefArticle> drafts;
  read_jsonl(
      jsonl, "<drafts>",
      [&](Article&& article, const SourcePosition&) { drafts.push_back(xref_article(article)); },
      [&](const InputProblem& problem) {
        for (const auto& e : problem.errors)
          report.invalid.push_back({problem.where.line, e.field, e.message});
      });
  report.drafts = drafts.size();
  std::set<std::string> draft_ids;
  for (const auto& d : drafts) draft_ids.insert(d.id);

  auto indexed = load_xref_articles(generation.full_tier());
  auto published = published_with(indexed, drafts);
  report.broken = broken_in(published, draft_ids);
  auto linked_before = linked_ids(indexed);
  auto linked_after = linked_ids(published);
  for (const auto& a : published)
    if (linked_before.contains(a.id) && !linked_after.contains(a.id))
      report.orphaned.push_back({a.id, a.title});
  report.missing = find_missing_links(published, [&](const auto& from, const auto& to) {
    return draft_ids.contains(from.id) || draft_ids.contains(to.id);
  });
  return report;
}

Json to_json(const BrokenLink& link) {
  return {{"from", link.from}, {"from_title", link.from_title}, {"to", link.to}};
}

Json to_json(const Backlink& link) { return {{"from", link.from}, {"title", link.title}}; }

Json to_json(const Orphan& orphan) { return {{"id", orphan.id}, {"title", orphan.title}}; }

Json to_json(const MissingLink& link) {
  return {{"from", link.from},
          {"from_title", link.from_title},
          {"to", link.to},
          {"to_title", link.to_title},
          {"phrase", link.phrase},
          {"match", to_string(link.kind)},
          {"sentence", link.sentence},
          {"occurrences", link.occurrences},
          {"confidence", link.confidence}};
}

Json to_json(const DraftProblem& problem) {
  return {{"line", problem.line}, {"field", problem.field}, {"message", problem.message}};
}

Json to_json(const BrokenReport& report) {
  return {{"articles", report.articles}, {"broken", list(report.broken)}};
}

Json to_json(const OrphanReport& report) {
  return {{"articles", report.articles}, {"orphans", list(report.orphans)}};
}

Json to_json(const BacklinkReport& report) {
  return {{"id", report.id},
          {"title", report.title ? Json(*report.title) : Json(nullptr)},
          {"backlinks", list(report.backlinks)}};
}

Json to_json(const MissingReport& report) {
  return {{"articles", report.articles},
          {"id", string_or_null(report.id)},
          {"missing", list(report.missing)}};
}

Json to_json(const CheckReport& report) {
  return {{"drafts", report.drafts},           {"clean", report.clean()},
          {"invalid", list(report.invalid)},   {"broken", list(report.broken)},
          {"orphaned", list(report.orphaned)}, {"missing", list(report.missing)}};
}

}  // namespace archive
