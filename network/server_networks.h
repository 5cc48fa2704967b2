#pragma once
// What a server create asks of the network service (`networks` of Nova's
// create body), in the compute facade's request and the network book's call.
#include <string>

namespace nimbus::network {

enum class server_networks {
  omitted,   // no `networks` key (before 2.37): the project's one network, if any
  automatic, // "auto": that network, or one made for the project
  none,      // "none": no port
  listed,    // a list of network uuids, ports and fixed IPs
};

struct requested_network {
  std::string network_id; // a new port on this network, or
  std::string port_id;    // this port of the caller's
  std::string fixed_ip;   // with network_id: the port gets this address
};

} // namespace nimbus::network
