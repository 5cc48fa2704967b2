#include <algorithm>

#include "api/authenticator.h"

namespace nimbus::api {
namespace {

class noauth2 final : public authenticator {
public:
  std::optional<policy::credentials> authenticate(std::string_view token) const override {
    // Ids are printable ASCII (as Keystone's are): anything else is no token.
    bool printable =
      std::all_of(token.begin(), token.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
    if (token.empty() || !printable)
      return std::nullopt;
    policy::credentials creds;
    auto colon = token.find(':');
    creds.user_id = std::string(token.substr(0, colon));
    creds.project_id =
      colon == std::string_view::npos ? creds.user_id : std::string(token.substr(colon + 1));
    if (creds.user_id.empty() || creds.project_id.empty())
      return std::nullopt;
    if (creds.user_id == "admin")
      creds.roles = {"admin", "member", "reader"};
    else
      creds.roles = {"member", "reader"};
    return creds;
  }

  bool knows_project(const std::string&) const override { return true; }
};

} // namespace

std::unique_ptr<authenticator> make_noauth2_authenticator() { return std::make_unique<noauth2>(); }

} // namespace nimbus::api
