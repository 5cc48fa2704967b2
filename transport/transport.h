#pragma once
// How processes reach each other: CAF's middleman, over TCP or over TLS
// (libcaf_openssl) with certificates. Endpoints are written caf://host:port.
#include <cstdint>
#include <optional>
#include <string>

#include <caf/fwd.hpp>
#include <caf/io/middleman_actor.hpp>

#include "transport/tls_options.h"

namespace nimbus::transport {

struct endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string url() const { return "caf://" + host + ":" + std::to_string(port); }
};

/// "caf://10.0.0.5:4242" -> {10.0.0.5, 4242}; nullopt for anything else
/// (local:///, none:///, ...).
std::optional<endpoint> parse_endpoint(const std::string& transport_url);

/// Loads the middleman (and the openssl module when TLS is on) into `cfg`.
void configure_transport(caf::actor_system_config& cfg, const tls_options& tls);

/// The middleman actor that opens connections: TLS-aware when TLS is on.
caf::io::middleman_actor connector(caf::actor_system& sys, bool tls);

/// Publishes `whom` at `at`; returns the bound port or an error text.
std::optional<std::uint16_t> publish(caf::actor_system& sys, const caf::actor& whom,
                                     const endpoint& at, bool tls, std::string* error);

} // namespace nimbus::transport
