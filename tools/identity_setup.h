#pragma once
// The identity service of an api or all-in-one process, composed: its
// records in the API cell's store, its token keys under the data directory
// (made at the first start), the bootstrap, sign-in, and the HTTP listener
// on [identity] port.
#include <memory>
#include <string>

#include "identity/token_authority.h"
#include "policy/rule.h"
#include "storage/store.h"
#include "tools/config.h"

namespace nimbus::tools {

class identity_stack {
public:
  /// Null with *error set when something cannot start.
  static std::unique_ptr<identity_stack> start(const service_config& cfg,
                                               std::shared_ptr<storage::store> api_store,
                                               const policy::rule_set& rules, std::string* error);
  ~identity_stack();

  const identity::token_authority& tokens() const;
  const identity::directory& directory() const;
  /// http://<listen>:<port>/v3
  std::string auth_url() const;
  /// The admin's clouds.yaml (absolute), written at the first start
  /// (mode 0600); empty if it is gone.
  std::string clouds_yaml() const;

  struct parts; // identity_setup.cpp

private:
  explicit identity_stack(std::unique_ptr<parts> p);
  std::unique_ptr<parts> parts_;
};

} // namespace nimbus::tools
