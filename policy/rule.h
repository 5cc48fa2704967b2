#pragma once
// Policy rules in oslo.policy's syntax, parsed once and checked per request
// (cf. Nova's policy.yaml). Free of CAF and of HTTP: the API asks
// rule_set::allows() by Nova's rule name before it acts.
//
// Syntax (oslo.policy's):
//   check   := "@"                      always
//            | "!"                      never
//            | "rule:" NAME             another rule of the set
//            | "role:" NAME             the caller holds the role (any case)
//            | KEY ":" VALUE            a credential equals VALUE, where VALUE
//                                       is a literal ("True", 'text', 42) or
//                                       "%(name)s", the target's field; an
//                                       empty credential matches nothing
//   expr    := expr "or" expr | expr "and" expr | "not" expr | "(" expr ")" | check
// "not" binds tighter than "and", "and" tighter than "or". An empty rule
// allows everything, as in oslo.policy.
//
// Contract: parse() refuses what it cannot read (with why); a rule naming
// an unknown rule, or nested deeper than max_depth, denies. Thread-safe once
// built: rule_set is read-only after add().
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::policy {

/// Who asks: what a token says of its holder.
struct credentials {
  std::string user_id;
  std::string project_id;        // empty: not project-scoped
  std::string domain_id;         // of a domain-scoped token
  std::string project_domain_id; // the domain of a project-scoped token's project
  std::vector<std::string> roles;
  bool is_admin_project = false;
  /// The value of a credential key in a generic check (user_id, project_id,
  /// domain_id, project_domain_id, is_admin_project as "True"/"False");
  /// nullopt for others.
  std::optional<std::string> value_of(std::string_view key) const;
};

/// What the request acts on (project_id, user_id of a server, ...).
using target = std::map<std::string, std::string, std::less<>>;

class rule_set;

/// One parsed rule.
class rule {
public:
  /// Nullopt (with *why) for text that is not a rule.
  static std::optional<rule> parse(std::string_view text, std::string* why);

  /// Whether `creds` may act on `t`; rule: checks look names up in `set`.
  bool allows(const credentials& creds, const target& t, const rule_set& set) const;

  struct node; // the parsed expression (rule.cpp)

  /// allows() with `depth` rule: references followed so far.
  bool allows_at(const credentials& creds, const target& t, const rule_set& set, int depth) const;

private:
  explicit rule(std::shared_ptr<const node> root) : root_(std::move(root)) {}
  std::shared_ptr<const node> root_;
};

/// Rules by name: Nova's defaults, then policy.yaml's overrides.
class rule_set {
public:
  /// Adds or replaces `name`; false (with *why) if `text` does not parse.
  bool set(const std::string& name, std::string_view text, std::string* why);
  bool has(std::string_view name) const;
  /// Whether the rule `name` allows it; an unknown name denies.
  bool allows(std::string_view name, const credentials& creds, const target& t) const;

  /// How deep rule: references may nest before a check denies.
  static constexpr int max_depth = 16;

  /// allows() with `depth` rule: references followed so far; deeper than
  /// max_depth denies (a loop of rules ends there).
  bool allows_at(std::string_view name, const credentials& creds, const target& t, int depth) const;

private:
  std::map<std::string, rule, std::less<>> rules_;
};

} // namespace nimbus::policy
