#pragma once
// A cell's front door. Owns the cell's store (the only writer), knows its
// hosts, spawns and finds its instance actors, and answers for the cell.
// cell0 runs the same conductor with no hosts.
//
// ~~~
// interface conductor_actor {
//   // Schedules in this cell and starts the build; replies with the host.
//   // errc::no_valid_host if the cell cannot place it.
//   (build_atom, build_request, request_spec) -> (string host)
//   // Records an instance that could not be placed, in ERROR with `fault`.
//   (bury_atom, build_request, instance_fault) -> (ok)
//   (get_atom, string uuid) -> (instance_record)           // errc::not_found
//   (list_atom, list_query) -> (vector<instance_record>)   // one sorted page
//   // The same page as sort keys only, and then the records of chosen ones:
//   // a list over many cells merges keys and copies only the servers shown.
//   (keys_atom, list_query) -> (vector<list_key>)
//   (list_atom, vector<string> uuids) -> (vector<instance_record>)
//   // See instance_actor. An unshelve of a shelved_offloaded server is
//   // scheduled here first (on the asked host, or the scheduler's pick).
//   (action_atom, action_request) -> (ok)
//   // resize, migrate, live migration and evacuate claim the destination
//   // and make the migration here first (400 for a bad or unknown host, no
//   // valid host, the same flavor; 404 for an evacuation's unknown host);
//   // confirmResize and revertResize need the server's finished move (400
//   // "Instance has not been resized." otherwise).
//   // The cell's migrations (instance uuid empty: all), by server.
//   (migrations_atom, string instance_uuid) -> (vector<migration>)
//   (update_atom, server_update) -> (instance_record)      // see instance_actor
//   // The server's console log from its host; errc::conflict while it has
//   // no domain (Nova's "not ready").
//   (console_atom, string uuid) -> (string)
//   (actions_atom, string uuid, bool with_deleted) -> (vector<instance_action>)
//     a deleted server's too, while they are kept, when with_deleted (2.21)
//   (services_atom) -> (vector<service_view>)
//   // Disables, enables or forces down one of its compute services (by
//   // uuid); errc::not_found for a service it does not have.
//   (service_atom, string uuid, service_change) -> (service_view)
//   (hypers_atom) -> (vector<hypervisor_view>)
//   (report_atom, host_report) -> void                     // host heartbeats
//   (save_atom, instance_record, vector<instance_action>, vector<migration>) -> (ok) // keeper
//   (forget_atom, string uuid) -> (ok)                               // instance_keeper
//   (image_saved_atom, string image, string path, string error) -> void // to the listeners
//   // The API cell listens here (cell_listener, actors/protocol/type_ids.h)
//   // for capacity summaries and deleted instances. It names the cell's uuid
//   // as its cell mapping has it: a cell in its own process need not know it.
//   (subscribe_atom, cell_listener, string cell_uuid) -> void
// }
// ~~~
// Its own ticks and store completions are internal (conductor_actor.cpp).
#include <caf/typed_actor.hpp>

#include "actors/protocol/instance_actor.h"
#include "actors/protocol/type_ids.h"

namespace nimbus {

using conductor_actor = caf::typed_actor<
  caf::replies_to<build_atom, storage::build_request, storage::request_spec>::with<std::string>,
  caf::replies_to<bury_atom, storage::build_request, storage::instance_fault>::with<caf::ok_atom>,
  caf::replies_to<caf::get_atom, std::string>::with<storage::instance_record>,
  caf::replies_to<list_atom, list_query>::with<std::vector<storage::instance_record>>,
  caf::replies_to<keys_atom, list_query>::with<std::vector<list_key>>,
  caf::replies_to<list_atom, std::vector<std::string>>::with<std::vector<storage::instance_record>>,
  caf::replies_to<action_atom, action_request>::with<caf::ok_atom>,
  caf::replies_to<update_atom, server_update>::with<storage::instance_record>,
  caf::replies_to<console_atom, std::string>::with<std::string>,
  caf::replies_to<actions_atom, std::string, bool>::with<std::vector<storage::instance_action>>,
  caf::replies_to<services_atom>::with<std::vector<service_view>>,
  caf::replies_to<service_atom, std::string, service_change>::with<service_view>,
  caf::replies_to<hypers_atom>::with<std::vector<hypervisor_view>>,
  caf::reacts_to<report_atom, host_report>,
  caf::replies_to<save_atom, storage::instance_record, std::vector<storage::instance_action>,
                  std::vector<storage::migration>>::with<caf::ok_atom>,
  caf::replies_to<migrations_atom, std::string>::with<std::vector<storage::migration>>,
  caf::replies_to<forget_atom, std::string>::with<caf::ok_atom>,
  caf::reacts_to<image_saved_atom, std::string, std::string, std::string>,
  caf::reacts_to<subscribe_atom, cell_listener, std::string>>;

} // namespace nimbus
