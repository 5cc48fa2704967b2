#pragma once
// One compute host: owns one hypervisor driver and runs the lifecycle
// operations on its domains. Lives on its own thread (driver calls block).
//
// ~~~
// interface host_actor {
//   // Defines and starts the domain; replies with its power state.
//   (spawn_dom_atom, domain_spec) -> (power_state)
//   // Power off, on, reboot, pause, suspend, rescue, NMI, ... (domain_op).
//   (domain_op_atom, domain_op, string name) -> (power_state)
//   (password_atom, string name, string user, string password) -> (ok)
//   // The domain's console log, whole (the caller cuts it).
//   (console_atom, string name) -> (string)
//   // Removes the domain; a domain that is already gone is not an error.
//   (destroy_atom, string name) -> (ok)
//   // The domain's snapshot chain (chain_op): `point` names the point made,
//   // reverted to, removed or exported ("" for export: the disk as it is
//   // now), `path` where an export goes. Replies with the chain after it.
//   (snapshot_atom, chain_op, string name, string point, string path)
//     -> (vector<chain_point>)
//   // After a restart: re-creates missing domains in their recorded state.
//   (reconcile_atom, vector<domain_target>) -> (ok)
//   // Report to another cell conductor from now on (a compute process that
//   // reconnected to its cell); reports at once.
//   (subscribe_atom, host_report_sink) -> void
// }
// ~~~
// It reports every report_interval on its own (an internal tick), and every
// sync_power_state_interval a report with every domain's power state.
// Errors: errc::not_found for unknown domains, errc::conflict for a domain
// whose state does not allow the call, errc::unsupported where the
// hypervisor cannot do it, errc::internal with the driver's message otherwise.
#include <caf/typed_actor.hpp>

#include "actors/protocol/type_ids.h"

namespace nimbus {

/// Where a host sends its heartbeats (its cell conductor).
using host_report_sink = caf::typed_actor<caf::reacts_to<report_atom, host_report>>;

using host_actor = caf::typed_actor<
  caf::replies_to<spawn_dom_atom, hypervisor::domain_spec>::with<hypervisor::power_state>,
  caf::replies_to<domain_op_atom, hypervisor::domain_op,
                  std::string>::with<hypervisor::power_state>,
  caf::replies_to<password_atom, std::string, std::string, std::string>::with<caf::ok_atom>,
  caf::replies_to<console_atom, std::string>::with<std::string>,
  caf::replies_to<destroy_atom, std::string>::with<caf::ok_atom>,
  caf::replies_to<snapshot_atom, hypervisor::chain_op, std::string, std::string,
                  std::string>::with<std::vector<hypervisor::chain_point>>,
  caf::replies_to<reconcile_atom, std::vector<domain_target>>::with<caf::ok_atom>,
  caf::reacts_to<subscribe_atom, host_report_sink>>;

} // namespace nimbus
