#pragma once
// One compute host: owns one hypervisor driver and runs the lifecycle
// operations on its domains. Lives on its own thread (driver calls block).
//
// ~~~
// interface host_actor {
//   // Defines and starts the domain; replies with its power state.
//   (spawn_dom_atom, domain_spec) -> (power_state)
//   (power_off_atom, string name) -> (power_state)
//   (power_on_atom, string name) -> (power_state)
//   (reboot_atom, string name, bool hard) -> (power_state)
//   // Removes the domain; a domain that is already gone is not an error.
//   (destroy_atom, string name) -> (ok)
//   // After a restart: re-creates missing domains in their recorded state.
//   (reconcile_atom, vector<domain_target>) -> (ok)
//   // Report to another cell conductor from now on (a compute process that
//   // reconnected to its cell); reports at once.
//   (subscribe_atom, host_report_sink) -> void
// }
// ~~~
// It reports every report_interval on its own (an internal tick).
// Errors: errc::not_found for unknown domains, errc::internal with the
// driver's message otherwise.
#include <caf/typed_actor.hpp>

#include "actors/protocol/type_ids.h"

namespace nimbus {

/// Where a host sends its heartbeats (its cell conductor).
using host_report_sink = caf::typed_actor<caf::reacts_to<report_atom, host_report>>;

using host_actor = caf::typed_actor<
  caf::replies_to<spawn_dom_atom, hypervisor::domain_spec>::with<hypervisor::power_state>,
  caf::replies_to<power_off_atom, std::string>::with<hypervisor::power_state>,
  caf::replies_to<power_on_atom, std::string>::with<hypervisor::power_state>,
  caf::replies_to<reboot_atom, std::string, bool>::with<hypervisor::power_state>,
  caf::replies_to<destroy_atom, std::string>::with<caf::ok_atom>,
  caf::replies_to<reconcile_atom, std::vector<domain_target>>::with<caf::ok_atom>,
  caf::reacts_to<subscribe_atom, host_report_sink>>;

} // namespace nimbus
