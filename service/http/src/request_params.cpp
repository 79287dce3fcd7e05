#include "request_params.hpp"

#include <algorithm>

#include "archive/article.hpp"
#include "archive/query_builder.hpp"
#include "archive/text.hpp"

namespace archive {
namespace {

// ` "name"` for a message: at most 40 bytes, cut on a character boundary, and nothing
// at all when the client's bytes are not UTF-8.
std::string quoted_prefix(const std::string& name) {
  std::size_t end = std::min<std::size_t>(name.size(), 40);
  while (end > 0 && end < name.size() && is_continuation_byte(name[end])) --end;
  auto cut = name.substr(0, end);
  return is_valid_utf8(cut) ? " \"" + cut + "\"" : std::string();
}

// C0 controls, DEL and C1 controls (U+0080-U+009F, which UTF-8 writes C2 80 to C2 9F).
bool has_control_character(std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    auto next = i + 1 < value.size() ? static_cast<unsigned char>(value[i + 1]) : 0;
    if (c < 0x20 || c == 0x7F || (c == 0xC2 && next >= 0x80 && next <= 0x9F)) return true;
  }
  return false;
}

// Every value read is checked. The query (q) is the exception to the length and UTF-8
// rules: QueryBuilder checks those with its own limit and error code (invalid_query),
// which clients already rely on.
const std::string& checked(const std::string& name, const std::string& value) {
  if (has_control_character(value))
    throw ParameterError(name + ": must not hold control characters");
  if (name == "q") return value;
  if (value.size() > kMaxValueBytes)
    throw ParameterError(name + ": must be at most " + std::to_string(kMaxValueBytes) + " bytes");
  if (!is_valid_utf8(value)) throw ParameterError(name + ": must be valid UTF-8");
  return value;
}

}  // namespace

void RequestParams::allow(std::initializer_list<std::string_view> names) const {
  for (const auto& [name, value] : params_)
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw ParameterError("unknown parameter" + quoted_prefix(name));
}

std::string RequestParams::text(const std::string& name, bool required) const {
  auto [first, last] = params_.equal_range(name);
  if (first == last) {
    if (required) throw ParameterError(name + ": is required");
    return {};
  }
  if (std::next(first) != last) throw ParameterError(name + ": give it once");
  return checked(name, first->second);
}

std::vector<std::string> RequestParams::all(const std::string& name) const {
  std::vector<std::string> values;
  auto [first, last] = params_.equal_range(name);
  for (auto it = first; it != last; ++it) values.push_back(checked(name, it->second));
  return values;
}

std::size_t RequestParams::number(const std::string& name, std::size_t fallback, std::size_t min,
                                  std::size_t max) const {
  auto value = text(name);
  if (value.empty()) return fallback;
  bool digits = value.size() <= 9 && std::all_of(value.begin(), value.end(), ::isdigit);
  auto n = digits ? std::stoul(value) : 0;
  if (!digits || n < min || n > max)
    throw ParameterError(name + ": must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max));
  return n;
}

bool RequestParams::flag(const std::string& name) const {
  auto value = text(name);
  if (value.empty() || value == "0" || value == "false") return false;
  if (value == "1" || value == "true") return true;
  throw ParameterError(name + ": must be 1 or 0");
}

SearchRequest search_request_from(const RequestParams& params) {
  params.allow({"q", "limit", "offset", "tag", "kind", "author", "from", "to", "sort", "partial",
                "facets", "expand"});
  SearchRequest request;
  request.query = params.text("q");
  request.limit = params.number("limit", 10, 1, 100);
  request.offset = params.number("offset", 0, 0, 10000);
  request.tags = params.all("tag");
  // Tags are slugs (the article schema's rule): anything else could never match, and a
  // filter that silently matches nothing reads as "no such articles".
  for (const auto& tag : request.tags)
    if (!is_valid_slug(tag))
      throw ParameterError("tag: must be a slug (lower-case letters, digits and '-')");
  request.kind = params.text("kind");
  request.author = params.text("author");
  request.from = params.text("from");
  request.to = params.text("to");
  auto sort = params.text("sort");
  if (sort == "newest")
    request.sort = SortOrder::Newest;
  else if (!sort.empty() && sort != "relevance")
    throw ParameterError("sort: must be relevance or newest");
  request.partial = params.flag("partial");
  // The search box favours speed: expansion only when asked for (expand=1).
  request.expand = params.flag("expand");
  // The search box always shows facets; a caller that does not want them says facets=0.
  request.facets = params.text("facets").empty() || params.flag("facets");
  return request;
}

}  // namespace archive
