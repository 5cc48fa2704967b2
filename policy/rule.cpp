#include "policy/rule.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <variant>

namespace nimbus::policy {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool quoted(std::string_view s) {
  return s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front();
}

} // namespace

// A check, or an operator over sub-expressions.
struct rule::node {
  struct always {};
  struct never {};
  struct rule_ref {
    std::string name;
  };
  struct role {
    std::string name; // lower case
  };
  // left:right. A quoted left is a literal, else a credential key; a right
  // of the form %(name)s is the target's field, else a literal.
  struct generic {
    std::string left;
    bool left_literal = false;
    std::string right;
    bool right_from_target = false;
  };
  struct all_of {
    std::vector<std::shared_ptr<const node>> parts;
  };
  struct any_of {
    std::vector<std::shared_ptr<const node>> parts;
  };
  struct negation {
    std::shared_ptr<const node> part;
  };
  std::variant<always, never, rule_ref, role, generic, all_of, any_of, negation> what;
};

namespace {

using node = rule::node;
using node_ptr = std::shared_ptr<const node>;

// oslo.policy's tokens: words split on whitespace, with parentheses at a
// word's ends as tokens of their own (a check's %(name)s keeps its own).
std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> words, out;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty())
        words.push_back(std::exchange(word, {}));
    } else {
      word += c;
    }
  }
  if (!word.empty())
    words.push_back(word);
  for (auto& w : words) {
    std::size_t b = 0, e = w.size();
    while (b < e && w[b] == '(')
      ++b;
    std::size_t closing = 0;
    // Trailing ')' are operators unless they close a %( of the check.
    while (e > b && w[e - 1] == ')') {
      auto open = w.rfind("%(", e - 1);
      if (open != std::string::npos && open >= b && w.find(')', open) == e - 1)
        break;
      --e;
      ++closing;
    }
    out.insert(out.end(), b, "(");
    if (e > b)
      out.push_back(w.substr(b, e - b));
    out.insert(out.end(), closing, ")");
  }
  return out;
}

class parser {
public:
  explicit parser(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  node_ptr parse(std::string* why) {
    if (tokens_.empty())
      return std::make_shared<node>(node{node::always{}});
    auto root = parse_or(why);
    if (root && pos_ != tokens_.size()) {
      *why = "unexpected '" + tokens_[pos_] + "'";
      return nullptr;
    }
    return root;
  }

private:
  bool at(std::string_view word) const { return pos_ < tokens_.size() && tokens_[pos_] == word; }

  // operands (`keyword` operand)*: one node of kind Group if there are two
  // or more, the operand itself if there is one.
  template <class Group>
  node_ptr parse_chain(const char* keyword, node_ptr (parser::*operand)(std::string*),
                       std::string* why) {
    auto first = (this->*operand)(why);
    if (!first || !at(keyword))
      return first;
    Group group{{first}};
    while (at(keyword)) {
      ++pos_;
      auto next = (this->*operand)(why);
      if (!next)
        return nullptr;
      group.parts.push_back(next);
    }
    return std::make_shared<node>(node{std::move(group)});
  }

  node_ptr parse_or(std::string* why) {
    return parse_chain<node::any_of>("or", &parser::parse_and, why);
  }

  node_ptr parse_and(std::string* why) {
    return parse_chain<node::all_of>("and", &parser::parse_not, why);
  }

  node_ptr parse_not(std::string* why) {
    if (!at("not"))
      return parse_primary(why);
    ++pos_;
    auto part = parse_not(why);
    if (!part)
      return nullptr;
    return std::make_shared<node>(node{node::negation{part}});
  }

  node_ptr parse_primary(std::string* why) {
    if (pos_ >= tokens_.size()) {
      *why = "the rule ends where a check was expected";
      return nullptr;
    }
    if (at("(")) {
      ++pos_;
      auto inner = parse_or(why);
      if (!inner)
        return nullptr;
      if (!at(")")) {
        *why = "a '(' is not closed";
        return nullptr;
      }
      ++pos_;
      return inner;
    }
    auto& word = tokens_[pos_];
    if (word == ")" || word == "and" || word == "or") {
      *why = "unexpected '" + word + "'";
      return nullptr;
    }
    ++pos_;
    return check(word, why);
  }

  static node_ptr check(const std::string& word, std::string* why) {
    if (word == "@")
      return std::make_shared<node>(node{node::always{}});
    if (word == "!")
      return std::make_shared<node>(node{node::never{}});
    auto colon = word.find(':');
    if (colon == std::string::npos || colon == 0) {
      *why = "'" + word + "' is not a check (kind:value)";
      return nullptr;
    }
    auto kind = word.substr(0, colon), value = word.substr(colon + 1);
    if (kind == "rule")
      return std::make_shared<node>(node{node::rule_ref{value}});
    if (kind == "role")
      return std::make_shared<node>(node{node::role{lower(value)}});
    node::generic g;
    g.left_literal = quoted(kind);
    g.left = g.left_literal ? kind.substr(1, kind.size() - 2) : kind;
    if (value.size() > 3 && value.rfind("%(", 0) == 0
        && value.compare(value.size() - 2, 2, ")s") == 0) {
      g.right_from_target = true;
      g.right = value.substr(2, value.size() - 4);
    } else {
      g.right = quoted(value) ? value.substr(1, value.size() - 2) : value;
    }
    return std::make_shared<node>(node{std::move(g)});
  }

  std::vector<std::string> tokens_;
  std::size_t pos_ = 0;
};

} // namespace

std::optional<std::string> credentials::value_of(std::string_view key) const {
  if (key == "user_id")
    return user_id;
  if (key == "project_id")
    return project_id;
  if (key == "domain_id")
    return domain_id;
  if (key == "project_domain_id")
    return project_domain_id;
  if (key == "is_admin_project")
    return std::string(is_admin_project ? "True" : "False");
  return std::nullopt;
}

std::optional<rule> rule::parse(std::string_view text, std::string* why) {
  auto root = parser(tokenize(text)).parse(why);
  if (!root)
    return std::nullopt;
  return rule(std::move(root));
}

namespace {

bool eval(const node& n, const credentials& creds, const target& t, const rule_set& set, int depth);

bool eval_parts(const std::vector<node_ptr>& parts, bool need_all, const credentials& creds,
                const target& t, const rule_set& set, int depth) {
  for (auto& p : parts)
    if (eval(*p, creds, t, set, depth) != need_all)
      return !need_all;
  return need_all;
}

bool eval(const node& n, const credentials& creds, const target& t, const rule_set& set,
          int depth) {
  return std::visit(
    [&](const auto& w) -> bool {
      using T = std::decay_t<decltype(w)>;
      if constexpr (std::is_same_v<T, node::always>) {
        return true;
      } else if constexpr (std::is_same_v<T, node::never>) {
        return false;
      } else if constexpr (std::is_same_v<T, node::rule_ref>) {
        return set.allows_at(w.name, creds, t, depth + 1);
      } else if constexpr (std::is_same_v<T, node::role>) {
        return std::any_of(creds.roles.begin(), creds.roles.end(),
                           [&](const std::string& r) { return lower(r) == w.name; });
      } else if constexpr (std::is_same_v<T, node::generic>) {
        std::optional<std::string> right = w.right;
        if (w.right_from_target) {
          auto it = t.find(w.right);
          if (it == t.end())
            return false;
          right = it->second;
        }
        auto left = w.left_literal ? std::optional<std::string>(w.left) : creds.value_of(w.left);
        // A credential the token lacks (a project id of a domain-scoped
        // token) matches nothing, not even an empty target field.
        return left && !left->empty() && *left == *right;
      } else if constexpr (std::is_same_v<T, node::all_of>) {
        return eval_parts(w.parts, true, creds, t, set, depth);
      } else if constexpr (std::is_same_v<T, node::any_of>) {
        return eval_parts(w.parts, false, creds, t, set, depth);
      } else {
        return !eval(*w.part, creds, t, set, depth);
      }
    },
    n.what);
}

} // namespace

bool rule::allows(const credentials& creds, const target& t, const rule_set& set) const {
  return allows_at(creds, t, set, 0);
}

bool rule::allows_at(const credentials& creds, const target& t, const rule_set& set,
                     int depth) const {
  return eval(*root_, creds, t, set, depth);
}

bool rule_set::set(const std::string& name, std::string_view text, std::string* why) {
  auto r = rule::parse(text, why);
  if (!r)
    return false;
  rules_.insert_or_assign(name, std::move(*r));
  return true;
}

bool rule_set::has(std::string_view name) const { return rules_.find(name) != rules_.end(); }

bool rule_set::allows(std::string_view name, const credentials& creds, const target& t) const {
  return allows_at(name, creds, t, 0);
}

bool rule_set::allows_at(std::string_view name, const credentials& creds, const target& t,
                         int depth) const {
  if (depth > max_depth)
    return false; // a loop of rule: references, or one too deep to trust
  auto it = rules_.find(name);
  return it != rules_.end() && it->second.allows_at(creds, t, *this, depth);
}

} // namespace nimbus::policy
