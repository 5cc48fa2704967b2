#include "tools/identity_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "api/http_server.h"
#include "api/identity_service.h"
#include "identity/bootstrap.h"
#include "identity/directory.h"
#include "identity/key_repository.h"
#include "identity/password_hash.h"
#include "identity/sign_in.h"
#include "storage/clock.h"

namespace nimbus::tools {

struct identity_stack::parts {
  std::unique_ptr<identity::directory> dir;
  std::unique_ptr<identity::token_authority> tokens;
  std::unique_ptr<identity::sign_in> login;
  std::unique_ptr<api::identity_service> service;
  std::unique_ptr<api::http_server> http;
  std::string auth_url;
  std::string clouds_yaml;
};

namespace {

std::string endpoint(const service_config& cfg, int port, const std::string& path) {
  return "http://" + cfg.api.listen + ":" + std::to_string(port) + path;
}

// A clouds.yaml entry the openstack CLI reads as is (OS_CLOUD=nimbus).
bool write_clouds_yaml(const std::string& path, const service_config& cfg,
                       const std::string& auth_url, const std::string& password) {
  // Made 0600 from the start (no window in which another user could open
  // it); an existing file is replaced.
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
  if (fd < 0)
    return false;
  ::close(fd);
  std::ofstream out(path, std::ios::trunc);
  if (!out)
    return false;
  out << "clouds:\n"
      << "  nimbus:\n"
      << "    auth:\n"
      << "      auth_url: " << auth_url << "\n"
      << "      username: " << cfg.identity.admin_user << "\n"
      << "      password: " << password << "\n"
      << "      project_name: " << cfg.identity.admin_project << "\n"
      << "      user_domain_name: Default\n"
      << "      project_domain_name: Default\n"
      << "    region_name: " << cfg.identity.region << "\n"
      << "    identity_api_version: 3\n";
  return static_cast<bool>(out);
}

} // namespace

identity_stack::identity_stack(std::unique_ptr<parts> p) : parts_(std::move(p)) {}

identity_stack::~identity_stack() {
  if (parts_ && parts_->http)
    parts_->http->close();
}

const identity::token_authority& identity_stack::tokens() const { return *parts_->tokens; }
const identity::directory& identity_stack::directory() const { return *parts_->dir; }
std::string identity_stack::auth_url() const { return parts_->auth_url; }
std::string identity_stack::clouds_yaml() const { return parts_->clouds_yaml; }

std::unique_ptr<identity_stack> identity_stack::start(const service_config& cfg,
                                                      std::shared_ptr<storage::store> api_store,
                                                      const policy::rule_set& rules,
                                                      std::string* error) {
  auto p = std::make_unique<parts>();
  auto& id = cfg.identity;
  auto home = (std::filesystem::path(cfg.deployment.data_dir) / "identity").string();
  auto key_dir = home + "/token_keys";
  if (!identity::key_repository::create(key_dir, error))
    return nullptr;
  p->dir = std::make_unique<identity::directory>(std::move(api_store));
  p->tokens = identity::token_authority::open(key_dir, *p->dir, id.token_expiration, error);
  if (!p->tokens)
    return nullptr;
  // Revocations of tokens that have all expired by now revoke nothing.
  p->dir->forget_revocations_before(
    storage::now_us()
    - std::chrono::duration_cast<std::chrono::microseconds>(id.token_expiration).count());
  p->login = std::make_unique<identity::sign_in>(
    *p->dir, *p->tokens,
    identity::lockout_options{id.lockout_failure_attempts, id.lockout_duration,
                              id.max_concurrent_password_checks});
  identity::bootstrap_options boot{id.admin_user, id.admin_project, id.admin_password};
  auto booted = identity::bootstrap(*p->dir, *p->login, boot, error);
  if (!booted)
    return nullptr;
  identity::burn_verify_time(); // makes the dummy hash now, not in a login
  p->auth_url = endpoint(cfg, id.port, "/v3");
  auto clouds = std::filesystem::absolute(home + "/clouds.yaml").string();
  if (booted->created_admin) {
    auto password =
      booted->generated_password.empty() ? id.admin_password : booted->generated_password;
    if (!write_clouds_yaml(clouds, cfg, p->auth_url, password)) {
      *error = "cannot write " + clouds;
      return nullptr;
    }
    if (!booted->generated_password.empty())
      std::printf("Identity bootstrapped: user %s, project %s, password %s (shown once; kept "
                  "in %s)\n",
                  id.admin_user.c_str(), id.admin_project.c_str(),
                  booted->generated_password.c_str(), clouds.c_str());
  }
  std::error_code ec;
  if (std::filesystem::exists(clouds, ec))
    p->clouds_yaml = clouds;
  api::identity_backend backend{*p->dir,
                                *p->tokens,
                                *p->login,
                                id.region,
                                {{"identity", "keystone", p->auth_url},
                                 {"compute", "nova", endpoint(cfg, cfg.api.port, "/v2.1")},
                                 {"image", "glance", endpoint(cfg, cfg.api.image_port, "")},
                                 {"network", "neutron", endpoint(cfg, cfg.api.network_port, "")}}};
  p->service = std::make_unique<api::identity_service>(std::move(backend), rules);
  auto limits = cfg.api.http;
  limits.threads = id.workers;
  auto* service = p->service.get();
  p->http = std::make_unique<api::http_server>(cfg.api.listen, id.port, limits,
                                               [service](api::api_request r, api::reply_fn reply) {
                                                 service->handle(std::move(r), std::move(reply));
                                               });
  if (!p->http->open(error))
    return nullptr;
  return std::unique_ptr<identity_stack>(new identity_stack(std::move(p)));
}

} // namespace nimbus::tools
