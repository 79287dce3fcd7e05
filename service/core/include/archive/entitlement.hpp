// Who is asking, and so which text they may see.
#pragma once

#include <set>
#include <string>

namespace archive {

enum class CallerTier { Public, Member, Editor };

// Anonymous callers see public text; members and editors see everything; a one-page
// unlock adds that page's member text to an otherwise public caller.
struct Entitlement {
  CallerTier tier = CallerTier::Public;
  std::set<std::string> unlocked;  // article ids

  static Entitlement anonymous() { return {}; }
  bool sees_all_text() const { return tier != CallerTier::Public; }
  bool is_editor() const { return tier == CallerTier::Editor; }
  // True when the caller's answers may depend on nothing but the public tier.
  bool public_only() const { return !sees_all_text() && unlocked.empty(); }
};

// "public" | "member" | "editor"; throws std::invalid_argument for anything else.
CallerTier parse_caller_tier(const std::string& name);

}  // namespace archive
