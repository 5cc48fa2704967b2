#include "transport/transport.h"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

namespace nimbus::transport {

std::optional<endpoint> parse_endpoint(const std::string& url) {
  const std::string scheme = "caf://";
  if (url.rfind(scheme, 0) != 0)
    return std::nullopt;
  auto rest = url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return std::nullopt;
  try {
    auto port = std::stoi(rest.substr(colon + 1));
    if (port < 0 || port > 65535)
      return std::nullopt;
    return endpoint{rest.substr(0, colon), static_cast<std::uint16_t>(port)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void keep_openssl_error_queue_fix(); // openssl_error_queue.cpp

void configure_transport(caf::actor_system_config& cfg, const tls_options& tls) {
  keep_openssl_error_queue_fix();
  cfg.load<caf::io::middleman>();
  // Peers that lose their connection are noticed through down messages.
  cfg.set("middleman.enable-automatic-connections", false);
  if (!tls.enabled)
    return;
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = tls.certificate;
  cfg.openssl_key = tls.key;
  cfg.openssl_cafile = tls.cafile;
  cfg.openssl_passphrase = tls.passphrase;
}

caf::io::middleman_actor connector(caf::actor_system& sys, bool tls) {
  return tls ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
}

std::optional<std::uint16_t> publish(caf::actor_system& sys, const caf::actor& whom,
                                     const endpoint& at, bool tls, std::string* error) {
  auto host = at.host.empty() ? nullptr : at.host.c_str();
  auto port = tls ? caf::openssl::publish(whom, at.port, host, true)
                  : sys.middleman().publish(whom, at.port, host, true);
  if (!port) {
    *error = sys.render(port.error());
    return std::nullopt;
  }
  return *port;
}

} // namespace nimbus::transport
