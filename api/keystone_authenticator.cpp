#include "api/keystone_authenticator.h"

namespace nimbus::api {
namespace {

class keystone final : public authenticator {
public:
  keystone(const identity::token_authority& tokens, const identity::directory& dir)
      : tokens_(tokens), dir_(dir) {}

  std::optional<policy::credentials> authenticate(std::string_view token) const override {
    if (token.empty())
      return std::nullopt;
    auto p = tokens_.validate(token);
    if (!p)
      return std::nullopt;
    policy::credentials creds;
    creds.user_id = std::move(p->user_id);
    creds.project_id = std::move(p->project_id);
    creds.domain_id = std::move(p->domain_id);
    creds.roles = std::move(p->roles); // implied roles were added when it was issued
    return creds;
  }

  bool knows_project(const std::string& project_id) const override {
    return dir_.project(project_id).has_value();
  }

private:
  const identity::token_authority& tokens_;
  const identity::directory& dir_;
};

} // namespace

std::unique_ptr<authenticator> make_keystone_authenticator(const identity::token_authority& tokens,
                                                           const identity::directory& dir) {
  return std::make_unique<keystone>(tokens, dir);
}

} // namespace nimbus::api
