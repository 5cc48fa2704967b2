#pragma once
// The one type-ID block of everything that crosses an actor boundary, and
// every atom. Register it with cfg.add_message_types<caf::id_block::nimbus>().
// Atom texts are at most 10 characters.
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "actors/protocol/messages.h"

CAF_BEGIN_TYPE_ID_BLOCK(nimbus, caf::first_custom_type_id)
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::flavor))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::cell_mapping))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::instance_fault))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::instance_record))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::storage::instance_record>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::build_request))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::request_spec))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::instance_action))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::storage::instance_action>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::migration))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::storage::migration>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::service_record))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::compute_node))
CAF_ADD_TYPE_ID(nimbus, (nimbus::hypervisor::domain_spec))
CAF_ADD_TYPE_ID(nimbus, (nimbus::placement))
CAF_ADD_TYPE_ID(nimbus, (nimbus::list_query))
CAF_ADD_TYPE_ID(nimbus, (nimbus::list_key))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::list_key>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::action_request))
CAF_ADD_TYPE_ID(nimbus, (nimbus::host_report))
CAF_ADD_TYPE_ID(nimbus, (nimbus::service_change))
CAF_ADD_TYPE_ID(nimbus, (nimbus::host_usage))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::host_usage>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::service_view))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::service_view>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::hypervisor_view))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::hypervisor_view>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::domain_target))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::domain_target>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::cell_summary))
CAF_ADD_TYPE_ID(nimbus, (std::vector<std::string>))
CAF_ADD_TYPE_ID(nimbus, (nimbus::hypervisor::power_state))
CAF_ADD_TYPE_ID(nimbus, (nimbus::hypervisor::domain_op))
CAF_ADD_TYPE_ID(nimbus, (nimbus::server_update))
CAF_ADD_TYPE_ID(nimbus, (nimbus::storage::disk_tier))
CAF_ADD_TYPE_ID(nimbus, (nimbus::hypervisor::chain_op))
CAF_ADD_TYPE_ID(nimbus, (std::vector<nimbus::hypervisor::chain_point>))

CAF_ADD_ATOM(nimbus, nimbus, boot_atom, "boot")
CAF_ADD_ATOM(nimbus, nimbus, build_atom, "build")
CAF_ADD_ATOM(nimbus, nimbus, bury_atom, "bury")
CAF_ADD_ATOM(nimbus, nimbus, action_atom, "action")
CAF_ADD_ATOM(nimbus, nimbus, actions_atom, "actions")
CAF_ADD_ATOM(nimbus, nimbus, list_atom, "list")
CAF_ADD_ATOM(nimbus, nimbus, keys_atom, "keys")
CAF_ADD_ATOM(nimbus, nimbus, save_atom, "save")
CAF_ADD_ATOM(nimbus, nimbus, forget_atom, "forget")
CAF_ADD_ATOM(nimbus, nimbus, report_atom, "report")
CAF_ADD_ATOM(nimbus, nimbus, select_atom, "select")
CAF_ADD_ATOM(nimbus, nimbus, claim_atom, "claim")
CAF_ADD_ATOM(nimbus, nimbus, release_atom, "release")
CAF_ADD_ATOM(nimbus, nimbus, built_atom, "built")
CAF_ADD_ATOM(nimbus, nimbus, usage_atom, "usage")
CAF_ADD_ATOM(nimbus, nimbus, services_atom, "services")
CAF_ADD_ATOM(nimbus, nimbus, hypers_atom, "hypers")
CAF_ADD_ATOM(nimbus, nimbus, spawn_dom_atom, "spawn_dom")
CAF_ADD_ATOM(nimbus, nimbus, domain_op_atom, "domain_op")
CAF_ADD_ATOM(nimbus, nimbus, password_atom, "password")
CAF_ADD_ATOM(nimbus, nimbus, console_atom, "console")
CAF_ADD_ATOM(nimbus, nimbus, update_atom, "update")
CAF_ADD_ATOM(nimbus, nimbus, unshelve_atom, "unshelve")
CAF_ADD_ATOM(nimbus, nimbus, destroy_atom, "destroy")
CAF_ADD_ATOM(nimbus, nimbus, reconcile_atom, "reconcile")
CAF_ADD_ATOM(nimbus, nimbus, heartbeat_atom, "heartbeat")
CAF_ADD_ATOM(nimbus, nimbus, committed_atom, "committed")
CAF_ADD_ATOM(nimbus, nimbus, summary_atom, "summary")
CAF_ADD_ATOM(nimbus, nimbus, deleted_atom, "deleted")
CAF_ADD_ATOM(nimbus, nimbus, subscribe_atom, "subscribe")
CAF_ADD_ATOM(nimbus, nimbus, schedule_atom, "schedule")
CAF_ADD_ATOM(nimbus, nimbus, redrive_atom, "redrive")
CAF_ADD_ATOM(nimbus, nimbus, run_atom, "run")
CAF_ADD_ATOM(nimbus, nimbus, migrate_atom, "migrate")
CAF_ADD_ATOM(nimbus, nimbus, power_sync_atom, "power_sync")
CAF_ADD_ATOM(nimbus, nimbus, snapshot_atom, "snapshot")
CAF_ADD_ATOM(nimbus, nimbus, move_atom, "move")
CAF_ADD_ATOM(nimbus, nimbus, revert_atom, "revert")
CAF_ADD_ATOM(nimbus, nimbus, migrations_atom, "migrations")
CAF_ADD_ATOM(nimbus, nimbus, service_atom, "service")
CAF_ADD_ATOM(nimbus, nimbus, image_saved_atom, "img_saved")

// Actor handles that cross process boundaries in messages. Declared here, in
// the block, because they name the atoms above.
namespace nimbus {
/// Who hears what a cell reports: its capacity summaries and the instances
/// it deleted (the API cell's super conductor). The cell keeps a deleted
/// instance in its index until the first listener answered (or a short wait
/// ended; see conductor_actor.cpp forget()). image_saved: a createImage's
/// (createBackup's) disk export ended: (image id, the file written, "" or
/// why it failed); an empty file name with no error: the host has no disk
/// to write (the image has no data).
using cell_listener =
  caf::typed_actor<caf::reacts_to<summary_atom, cell_summary>,
                   caf::replies_to<deleted_atom, std::string>::with<caf::ok_atom>,
                   caf::reacts_to<image_saved_atom, std::string, std::string, std::string>>;
} // namespace nimbus
CAF_ADD_TYPE_ID(nimbus, (nimbus::cell_listener))

CAF_END_TYPE_ID_BLOCK(nimbus)
