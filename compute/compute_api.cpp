#include "compute/compute_api.h"

#include <algorithm>
#include <limits>
#include <random>
#include <sstream>
#include <type_traits>
#include <unordered_set>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/instance/instance_states.h"
#include "actors/instance/server_update.h"
#include "cells/cell_mapping.h"
#include "cells/scatter.h"
#include "compute/cell_gather.h"
#include "compute/context.h"
#include "compute/faults_of_actors.h"
#include "compute/flavor_projects.h"
#include "compute/gateway.h"
#include "compute/guarded.h"
#include "compute/image_catalog.h"
#include "compute/keypair_book.h"
#include "compute/quota_book.h"
#include "compute/server_group_book.h"
#include "compute/server_images.h"
#include "compute/server_list.h"
#include "compute/server_ports.h"
#include "compute/server_quotas.h"
#include "network/network_book.h"
#include "storage/clock.h"
#include "storage/errc.h"
#include "storage/ids.h"

namespace nimbus::compute {
// The facade works on the topology throughout.
using namespace nimbus::cells;

namespace {

std::string not_found(const std::string& uuid) {
  return "Instance " + uuid + " could not be found.";
}

std::string random_text(std::size_t n, const char* alphabet) {
  thread_local std::mt19937 gen{std::random_device{}()};
  std::string chars(alphabet);
  std::uniform_int_distribution<std::size_t> pick(0, chars.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += chars[pick(gen)];
  return out;
}

std::string cell_unavailable(const std::string& uuid) {
  return "The cell of instance " + uuid + " is not available.";
}

// One call to a conductor: the caller's callback, and whether the call has
// been answered (by the conductor, or by its deadline).
template <class Result>
struct pending_call final : gateway::deadline {
  explicit pending_call(reply<Result> t) : then(std::move(t)) {}
  void expired() override {
    then(outcome<Result>::failure(fault_kind::unavailable, "The cell did not answer in time."));
  }
  reply<Result> then;
};

// Asks a conductor from the gateway; `then` gets its answer, or the fault it
// failed with, or a timeout fault after the call limit: a conductor of another
// process through CAF's request timeout, one of this process through the
// gateway's deadlines (no timer per call). A Result of `done` stands for a
// reply of ok.
template <class Result, class... Ts>
void ask(context& ctx, const conductor_actor& conductor, reply<Result> then, Ts... xs) {
  auto* c = &ctx;
  ctx.gw->run([c, conductor, then = std::move(then), xs...](gateway::self_ptr self) mutable {
    auto call = std::make_shared<pending_call<Result>>(std::move(then));
    auto limit = c->gw->limit_for(self, caf::actor_cast<caf::actor_addr>(conductor), call);
    auto failed = [c, call](caf::error& err) {
      if (call->settle())
        call->then(outcome<Result>::failure(to_fault(err, c->sys)));
    };
    auto handle = self->request(conductor, limit, xs...);
    if constexpr (std::is_same_v<Result, done>) {
      handle.then(
        [call](caf::ok_atom) {
          if (call->settle())
            call->then({});
        },
        failed);
    } else {
      handle.then(
        [call](Result& r) {
          if (!call->settle())
            return;
          outcome<Result> out;
          out.value = std::move(r);
          call->then(std::move(out));
        },
        failed);
    }
  });
}

bool visible(const request_context& ctx, const std::string& project_id) {
  return ctx.is_admin || ctx.project_id == project_id;
}

action_request delete_request(const std::string& uuid, bool force) {
  action_request req;
  req.uuid = uuid;
  req.action = storage::server_action::delete_server;
  req.hard = force; // a forced delete does not soft-delete
  return req;
}

} // namespace

std::string generate_admin_password() {
  return random_text(12, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789");
}

compute_api::compute_api(std::shared_ptr<context> ctx) : ctx_(std::move(ctx)) {}

compute_api::~compute_api() = default;

void compute_api::create_servers(const request_context& ctx, const create_server_request& req,
                                 reply<std::vector<storage::instance_record>> caller) {
  auto then = guarded(std::move(caller));
  using result = outcome<std::vector<storage::instance_record>>;
  if (ctx.project_id.empty())
    return then(result::failure(fault_kind::forbidden,
                                "A project-scoped token is required to create servers."));
  auto flavor = ctx_->api->flavor(req.flavor_ref);
  if (!flavor || flavor->disabled || !flavor_visible(ctx, *flavor))
    return then(result::failure(fault_kind::bad_request,
                                "Flavor " + req.flavor_ref + " could not be found."));
  auto image = this->image(ctx, req.image_ref);
  if (!image)
    return then(result::failure(fault_kind::bad_request, "Can not find requested image"));
  if (auto refusal = boot_image_refusal(*image, *flavor); !refusal.empty())
    return then(result::failure(fault_kind::bad_request, refusal));
  // An AMI-style image's kernel and ramdisk are images the caller must be
  // able to use too (as Nova resolves them), never another project's.
  for (auto key : {"kernel_id", "ramdisk_id"})
    if (auto it = image->properties.find(key); it != image->properties.end()) {
      auto part = this->image(ctx, it->second);
      if (!part || part->status != "active")
        return then(
          result::failure(fault_kind::bad_request, "Image " + it->second + " could not be found."));
    }
  auto disk_type = disk_type_of(req, *flavor, ctx_->default_disk_type);
  if (!disk_type.ok())
    return then(result::failure(*disk_type.error));
  if (!req.key_name.empty() && !ctx_->keypairs->find(ctx.user_id, req.key_name))
    return then(result::failure(fault_kind::bad_request, "Invalid key_name provided."));
  if (auto refusal = instance::metadata_refusal(metadata_limit(ctx), req.metadata.size());
      !refusal.empty())
    return then(result::failure(fault_kind::forbidden, refusal));
  std::vector<std::string> in_zone; // an asked zone's hosts (an admin's forced host: that one)
  if (!req.availability_zone.empty() && req.force_host.empty()) {
    auto hosts = zone_hosts(req.availability_zone);
    if (!hosts.ok())
      return then(result::failure(*hosts.error));
    in_zone = std::move(hosts.value);
  }
  if (req.force_host.empty())
    restrict_by_aggregates(ctx, *flavor, in_zone);
  auto now = storage::now_us();
  auto reservation = "r-" + random_text(8, "abcdefghijklmnopqrstuvwxyz0123456789");
  std::vector<storage::build_request> builds;
  std::vector<storage::request_spec> specs;
  std::vector<storage::instance_record> created;
  for (std::int32_t i = 0; i < std::max(req.count, 1); ++i) {
    storage::instance_record r;
    r.uuid = storage::random_uuid();
    r.name = req.count > 1 ? req.name + "-" + std::to_string(i + 1) : req.name;
    r.project_id = ctx.project_id;
    r.user_id = ctx.user_id;
    r.request_id = ctx.request_id;
    r.flavor_copy = *flavor;
    r.image_ref = req.image_ref;
    r.vm_state = storage::vm_state::building;
    r.task_state = storage::task_state::scheduling;
    r.created_us = r.updated_us = now + i; // keeps a batch in creation order
    r.reservation_id = reservation;
    r.launch_index = i;
    r.key_name = req.key_name;
    r.description = req.description;
    r.metadata = req.metadata;
    r.access_ip_v4 = req.access_ip_v4;
    r.access_ip_v6 = req.access_ip_v6;
    r.user_data = req.user_data;
    r.hostname = req.hostname;
    r.tags = req.tags;
    r.pinned_availability_zone = req.availability_zone;
    r.scheduler_hints = req.scheduler_hints;
    r.image_properties = image->properties;
    r.disk_type = disk_type.value;
    r.admin_pass = req.admin_pass.empty() ? generate_admin_password() : req.admin_pass;
    storage::request_spec spec;
    spec.instance_uuid = r.uuid;
    spec.flavor_copy = *flavor;
    spec.image_ref = req.image_ref;
    spec.project_id = ctx.project_id;
    spec.user_id = ctx.user_id;
    spec.availability_zone = req.availability_zone;
    spec.force_host = req.force_host;
    spec.zone_hosts = in_zone;
    spec.same_host = req.same_host;
    spec.different_host = req.different_host;
    spec.disk_type = disk_type.value;
    for (auto key : {"hw_architecture", "architecture", "img_hv_type", "hypervisor_type",
                     "hw_vm_mode", "vm_mode", "img_hv_requested_version"})
      if (auto it = image->properties.find(key); it != image->properties.end())
        spec.image_properties.insert(*it);
    builds.push_back({r, ctx.request_id});
    specs.push_back(std::move(spec));
    created.push_back(std::move(r));
  }
  std::vector<std::string> uuids;
  uuids.reserve(created.size());
  for (auto& r : created)
    uuids.push_back(r.uuid);
  auto group = join_hinted_group(ctx, req, uuids);
  if (!group.ok())
    return then(result::failure(*group.error));
  if (group.value) // the cells' group filters see the members before each server
    for (std::size_t i = 0; i < specs.size(); ++i) {
      auto& spec = specs[i];
      spec.group_policy = group.value->policy;
      spec.group_max_per_host = std::max(group.value->max_server_per_host, 1);
      spec.group_members = group.value->members;
      spec.group_members.insert(spec.group_members.end(), uuids.begin(),
                                std::next(uuids.begin(), static_cast<std::ptrdiff_t>(i)));
    }
  // Ports, before the builds: their write is queued ahead of the builds'
  // in the same store (network_book's contract).
  auto& net = *ctx_->networks;
  auto ports = allocate_ports(net, ctx, req, builds, created);
  if (!ports.ok()) {
    if (group.value)
      ctx_->server_groups->leave(group.value->uuid, uuids);
    return then(result::failure(*ports.error));
  }
  // No HTTP thread waits for the fsync; and the committer thread only hands
  // the answer over, so the next commit does not wait for this response.
  auto* c = ctx_.get();
  std::string refusal;
  auto admitted = std::make_shared<std::size_t>(created.size());
  auto gate =
    boot_gate(*ctx_->quotas, ctx, *flavor, disk_type.value, req.min_count, admitted, &refusal);
  auto accepted = ctx_->api->accept_builds(
    std::move(builds), std::move(specs),
    [c, admitted, created = std::move(created), then](std::error_code ec) mutable {
      created.resize(*admitted); // the gate's count: as many as the quotas let
      if (ec)
        for (auto& r : created)
          c->networks->release_for_server(r.uuid);
      c->gw->run([c, ec, created = std::move(created),
                  then = std::move(then)](gateway::self_ptr self) mutable {
        if (ec)
          return then(
            result::failure(fault_kind::internal, "Cannot record the build: " + ec.message()));
        for (auto& r : created) // durable: from here on the servers exist
          self->send(c->super_conductor, schedule_atom_v, r.uuid);
        result out;
        out.value = std::move(created);
        then(std::move(out));
      });
    },
    gate);
  for (auto i = accepted; i < uuids.size(); ++i) // the quotas refused these: their ports go
    net.release_for_server(uuids[i]);
  if (group.value && accepted < uuids.size()) // the quotas refused these: out of the group again
    ctx_->server_groups->leave(
      group.value->uuid,
      {std::next(uuids.begin(), static_cast<std::ptrdiff_t>(accepted)), uuids.end()});
  if (accepted == 0)
    return then(result::failure(fault_kind::forbidden, refusal));
}

void compute_api::get_server(const request_context& ctx, const std::string& uuid,
                             reply<storage::instance_record> caller) {
  auto then = guarded(std::move(caller));
  using result = outcome<storage::instance_record>;
  auto mapping = ctx_->api->instance_mapping(uuid);
  if (!mapping || !visible(ctx, mapping->project_id))
    return then(result::failure(fault_kind::not_found, not_found(uuid)));
  if (mapping->cell_uuid.empty()) {
    if (auto br = ctx_->api->build_request(uuid)) {
      result out;
      out.value = br->instance;
      return then(std::move(out));
    }
    mapping = ctx_->api->instance_mapping(uuid); // placed meanwhile
    if (!mapping || mapping->cell_uuid.empty())
      return then(result::failure(fault_kind::not_found, not_found(uuid)));
  }
  // A cell that does not answer: 2.69 shows what the API cell knows.
  auto unavailable = [api = ctx_->api, m = *mapping, down = ctx.down_cell_records,
                      uuid](const fault& f) -> result {
    if (f.kind != fault_kind::unavailable)
      return result::failure(f);
    if (!down)
      return result::failure(fault_kind::unavailable, cell_unavailable(uuid));
    result out;
    out.value = down_record(*api, m);
    return out;
  };
  auto cell = ctx_->cells->get(mapping->cell_uuid);
  if (!cell || !cell->up())
    return then(unavailable({fault_kind::unavailable, ""}));
  ask<storage::instance_record>(
    *ctx_, cell->conductor,
    [this, then, unavailable](result r) {
      if (r.ok()) {
        settle_charge(r.value);
        std::vector<storage::instance_record> one{std::move(r.value)};
        show_zones(one);
        r.value = std::move(one.front());
      }
      then(r.ok() ? std::move(r) : unavailable(*r.error));
    },
    caf::get_atom_v, uuid);
}

void compute_api::list_servers(const request_context& ctx, const server_page_request& req,
                               reply<std::vector<storage::instance_record>> caller) {
  auto then = guarded<std::vector<storage::instance_record>>(
    [this, caller = std::move(caller)](outcome<std::vector<storage::instance_record>> page) {
      show_zones(page.value);
      caller(std::move(page));
    });
  using result = outcome<std::vector<storage::instance_record>>;
  list_query q;
  // Filters apply after the merge, so each cell must send every candidate.
  q.limit = req.filtered() ? std::numeric_limits<std::int32_t>::max() : req.limit;
  q.project_id = ctx.is_admin && req.all_tenants ? std::string{} : ctx.project_id;
  if (ctx.is_admin && !req.project.empty())
    q.project_id = req.project;
  if (q.project_id.empty() && !(ctx.is_admin && (req.all_tenants || !req.project.empty())))
    return then({}); // a token of no project owns no servers
  if (req.marker.empty())
    return list_page(*ctx_, ctx, req, q, then);
  get_server(ctx, req.marker,
             [c = ctx_.get(), ctx, req, q, then](outcome<storage::instance_record> marker) mutable {
               if (!marker.ok()) {
                 if (marker.error->kind == fault_kind::not_found)
                   return then(result::failure(fault_kind::bad_request,
                                               "marker [" + req.marker + "] not found"));
                 return then(result::failure(*marker.error));
               }
               // A sorted list finds its marker after the merge (finish_page).
               q.has_marker = req.sort.empty();
               q.marker_created_us = marker.value.created_us;
               q.marker_uuid = marker.value.uuid;
               list_page(*c, ctx, req, q, then);
             });
}

namespace {

// The conductor of the cell that holds `uuid`, or the fault the caller gets:
// 404 for a server ctx may not see, 409 (vm_state building, in `what`'s
// words) for one not in a cell yet, 503 for a cell that does not answer.
template <class T>
std::optional<conductor_actor> conductor_of(context& c, const request_context& ctx,
                                            const std::string& uuid, const std::string& what,
                                            const reply<T>& then) {
  auto mapping = c.api->instance_mapping(uuid);
  if (!mapping || !visible(ctx, mapping->project_id)) {
    then(outcome<T>::failure(fault_kind::not_found, not_found(uuid)));
    return std::nullopt;
  }
  if (mapping->cell_uuid.empty()) {
    then(outcome<T>::failure(
      fault_kind::conflict,
      invalid_state_message(what, uuid, "vm_state",
                            std::string(storage::nova_name(storage::vm_state::building)))));
    return std::nullopt;
  }
  auto cell = c.cells->get(mapping->cell_uuid);
  if (!cell || !cell->up()) {
    then(outcome<T>::failure(fault_kind::unavailable, cell_unavailable(uuid)));
    return std::nullopt;
  }
  return cell->conductor;
}

} // namespace

void compute_api::server_action(const request_context& ctx, action_request req,
                                reply<done> caller) {
  auto then = guarded(std::move(caller));
  auto conductor =
    conductor_of(*ctx_, ctx, req.uuid, std::string(storage::nova_name(req.action)), then);
  if (!conductor)
    return;
  req.request_id = ctx.request_id;
  req.user_id = ctx.user_id;
  req.project_id = ctx.project_id;
  req.is_admin = ctx.is_admin;
  if (req.action == storage::server_action::rebuild) // the one action that sets metadata
    req.fields.metadata_limit = metadata_limit(ctx);
  switch (req.action) {
  case storage::server_action::resize:
  case storage::server_action::confirm_resize:
  case storage::server_action::revert_resize:
  case storage::server_action::shelve:
  case storage::server_action::unshelve:
    return charged_action(ctx, req, std::move(then));
  default:
    return send_action(ctx, req, std::move(then));
  }
}

void compute_api::send_action(const request_context& ctx, const action_request& req,
                              reply<done> then) {
  auto conductor =
    conductor_of(*ctx_, ctx, req.uuid, std::string(storage::nova_name(req.action)), then);
  if (!conductor)
    return;
  if (req.action == storage::server_action::shelve)
    then = keep_shelved_image(ctx, req.uuid, std::move(then));
  else if (req.action == storage::server_action::unshelve)
    then = drop_shelved_images(req.uuid, std::move(then));
  ask<done>(*ctx_, *conductor, std::move(then), action_atom_v, req);
}

// A shelve keeps an image of the server (Nova's "<name>-shelved"), there
// before the 202.
reply<done> compute_api::keep_shelved_image(const request_context& ctx, const std::string& uuid,
                                            reply<done> then) {
  return [this, ctx, uuid, then = std::move(then)](outcome<done> accepted) {
    if (!accepted.ok())
      return then(std::move(accepted));
    get_server(ctx, uuid, [this, then](const outcome<storage::instance_record>& r) {
      if (!r.ok())
        return then({}); // shelved, but gone from sight meanwhile: nothing to keep
      auto base = ctx_->api->image(r.value.image_ref);
      auto image = shelved_image_of(r.value, base ? &*base : nullptr, storage::now_us());
      ctx_->api->put(image, [uuid = r.value.uuid, then](std::error_code ec) {
        if (ec)
          spdlog::error("instance {}: cannot keep its shelved image: {}", uuid, ec.message());
        then({});
      });
    });
  };
}

// An unshelved server's shelved image goes (as Nova deletes it).
reply<done> compute_api::drop_shelved_images(const std::string& uuid, reply<done> then) {
  return [this, uuid, then = std::move(then)](outcome<done> accepted) {
    if (accepted.ok())
      for (auto& i : ctx_->api->images())
        if (is_shelved_image_of(i, uuid))
          ctx_->api->erase_image(i.id, [id = i.id](std::error_code ec) {
            if (ec)
              spdlog::error("image {}: cannot delete the shelved image: {}", id, ec.message());
          });
    then(std::move(accepted));
  };
}

void compute_api::update_server(const request_context& ctx, server_update u,
                                reply<storage::instance_record> caller) {
  auto then = guarded(std::move(caller));
  u.is_admin = ctx.is_admin;
  u.metadata_limit = metadata_limit(ctx);
  auto mapping = ctx_->api->instance_mapping(u.uuid);
  if (mapping && visible(ctx, mapping->project_id) && mapping->cell_uuid.empty())
    return update_unplaced(ctx, u, then);
  auto conductor = conductor_of(*ctx_, ctx, u.uuid, "update", then);
  if (!conductor)
    return;
  ask<storage::instance_record>(*ctx_, *conductor, std::move(then), update_atom_v, u);
}

// A server still in the API cell changes on its build request (as Nova's
// does); one placed meanwhile is changed in its cell.
void compute_api::update_unplaced(const request_context& ctx, const server_update& u,
                                  const reply<storage::instance_record>& then) {
  using result = outcome<storage::instance_record>;
  using step = api_cell::update_step;
  auto refusal = std::make_shared<caf::error>();
  auto change = [u, refusal](storage::instance_record& r) {
    *refusal = instance::apply_update(u, r);
    return !*refusal;
  };
  ctx_->api->update_unplaced(
    u.uuid, change,
    [this, ctx, u, then, refusal](std::error_code ec, step s, const storage::instance_record& r) {
      if (ec == storage::errc::not_found)
        return then(result::failure(fault_kind::not_found, not_found(u.uuid)));
      if (ec)
        return then(result::failure(fault_kind::internal, ec.message()));
      if (s == step::refused)
        return then(result::failure(to_fault(*refusal, ctx_->sys)));
      if (s == step::in_cell)
        return update_server(ctx, u, then);
      result out;
      out.value = r;
      then(std::move(out));
    });
}

void compute_api::console_output(const request_context& ctx, const std::string& uuid,
                                 reply<std::string> caller) {
  auto then = guarded(std::move(caller));
  auto conductor = conductor_of(*ctx_, ctx, uuid, "get_console_output", then);
  if (!conductor)
    return;
  ask<std::string>(*ctx_, *conductor, std::move(then), console_atom_v, uuid);
}

void compute_api::delete_server(const request_context& ctx, const std::string& uuid,
                                reply<done> caller, bool force) {
  auto then = guarded(std::move(caller));
  auto mapping = ctx_->api->instance_mapping(uuid);
  if (!mapping || !visible(ctx, mapping->project_id))
    return then(outcome<done>::failure(fault_kind::not_found, not_found(uuid)));
  if (mapping->cell_uuid.empty()) {
    // Not in a cell yet: the API cell decides against the placement under
    // way, if any (see api_cell::delete_unplaced).
    using step = api_cell::delete_step;
    return ctx_->api->delete_unplaced(
      uuid, [this, ctx, uuid, then, force](std::error_code ec, step s) {
        if (ec == storage::errc::not_found)
          return then(outcome<done>::failure(fault_kind::not_found, not_found(uuid)));
        if (ec)
          return then(outcome<done>::failure(fault_kind::internal, ec.message()));
        if (s == step::in_cell) // placed meanwhile
          return server_action(ctx, delete_request(uuid, force), then);
        then({});
      });
  }
  server_action(ctx, delete_request(uuid, force), std::move(then));
}

std::optional<server_owner> compute_api::owner_of(const request_context& ctx,
                                                  const std::string& uuid) const {
  auto mapping = ctx_->api->instance_mapping(uuid);
  if (!mapping || !visible(ctx, mapping->project_id))
    return std::nullopt;
  return server_owner{mapping->project_id, mapping->user_id};
}

void compute_api::instance_actions(const request_context& ctx, const std::string& uuid,
                                   bool with_deleted,
                                   reply<std::vector<storage::instance_action>> caller) {
  auto then = guarded(std::move(caller));
  using result = outcome<std::vector<storage::instance_action>>;
  auto mapping = ctx_->api->instance_mapping(uuid);
  if (!mapping && with_deleted)
    return deleted_instance_actions(ctx, uuid, then);
  if (!mapping || !visible(ctx, mapping->project_id))
    return then(result::failure(fault_kind::not_found, not_found(uuid)));
  if (mapping->cell_uuid.empty())
    return then({});
  auto cell = ctx_->cells->get(mapping->cell_uuid);
  if (!cell || !cell->up())
    return then(result::failure(fault_kind::unavailable, cell_unavailable(uuid)));
  ask<std::vector<storage::instance_action>>(*ctx_, cell->conductor, std::move(then),
                                             actions_atom_v, uuid, with_deleted);
}

// A deleted server has no mapping any more: the cell that kept its actions
// answers (cell0's included), the others answer not found. Its owner is the
// project of its create action (Nova's create runs in the server's project).
void compute_api::deleted_instance_actions(
  const request_context& ctx, const std::string& uuid,
  const reply<std::vector<storage::instance_action>>& then) const {
  using actions = std::vector<storage::instance_action>;
  auto keep = [](std::vector<actions>& out, actions& part) { out.push_back(std::move(part)); };
  reply<std::vector<actions>> pick = [ctx, uuid, then](outcome<std::vector<actions>> found) {
    for (auto& list : found.value)
      for (auto& a : list)
        if (a.action == storage::server_action::create && visible(ctx, a.project_id)) {
          outcome<actions> out;
          out.value = std::move(list);
          return then(std::move(out));
        }
    then(outcome<actions>::failure(fault_kind::not_found, not_found(uuid)));
  };
  gather_from<actions>(*ctx_, up_conductors(*ctx_, true), std::move(pick), keep, actions_atom_v,
                       uuid, true);
}

std::vector<storage::flavor> compute_api::flavors() const { return ctx_->api->flavors(); }
std::optional<storage::flavor> compute_api::flavor(const std::string& id) const {
  return ctx_->api->flavor(id);
}
outcome<storage::flavor> compute_api::create_flavor(storage::flavor f) {
  using result = outcome<storage::flavor>;
  if (f.id.empty())
    f.id = storage::random_uuid();
  for (auto& known : ctx_->api->flavors()) {
    if (known.id == f.id)
      return result::failure(fault_kind::conflict, "Flavor with ID " + f.id + " already exists.");
    if (known.name == f.name)
      return result::failure(fault_kind::conflict,
                             "Flavor with name " + f.name + " already exists.");
  }
  f.created_us = storage::now_us();
  if (auto ec = ctx_->api->put(f))
    return result::failure(fault_kind::internal, "Cannot store the flavor: " + ec.message());
  result out;
  out.value = std::move(f);
  return out;
}

outcome<done> compute_api::save_flavor(const storage::flavor& f) {
  if (!ctx_->api->flavor(f.id))
    return outcome<done>::failure(fault_kind::not_found, "Flavor " + f.id + " could not be found.");
  if (auto ec = ctx_->api->put(f))
    return outcome<done>::failure(fault_kind::internal, "Cannot store the flavor: " + ec.message());
  return {};
}

outcome<done> compute_api::delete_flavor(const std::string& id) {
  if (!ctx_->api->flavor(id))
    return outcome<done>::failure(fault_kind::not_found, "Flavor " + id + " could not be found.");
  if (auto ec = ctx_->api->erase_flavor(id))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot delete the flavor: " + ec.message());
  if (auto ec = ctx_->flavor_access->forget(id))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot delete the flavor's access: " + ec.message());
  return {};
}

std::vector<storage::image> compute_api::images() const { return ctx_->api->images(); }

std::vector<storage::image> compute_api::images(const request_context& ctx) const {
  std::vector<storage::image> out;
  for (auto& i : ctx_->api->images())
    if (image_visible(i, ctx))
      out.push_back(i);
  return out;
}

std::optional<storage::image> compute_api::image(const request_context& ctx,
                                                 const std::string& id) const {
  auto i = ctx_->api->image(id);
  if (!i || !image_visible(*i, ctx))
    return std::nullopt;
  return i;
}

void compute_api::delete_image(const request_context& ctx, const std::string& id,
                               reply<done> caller) {
  auto then = guarded(std::move(caller));
  auto erased = ctx_->images->erase(ctx, id);
  if (!erased.ok() && erased.error->kind == fault_kind::not_found)
    erased.error->message = "Image not found."; // Nova's proxy says it its own way
  then(std::move(erased));
}

image_catalog& compute_api::images_catalog() const { return *ctx_->images; }
network::network_book& compute_api::networks() const { return *ctx_->networks; }

// createImage and createBackup: the image is recorded "saving" first, so a
// host that writes the disk out fast finds it; the server's action then
// holds its task while the host writes the disk out, and the API cell
// settles the image once told (image_exports.h: it may still be saving,
// hashing, for a moment after the task ended). A refused action takes the
// image back.
void compute_api::export_image(const request_context& ctx, action_request req,
                               const storage::image& image, reply<storage::image> caller) {
  auto then = guarded(std::move(caller));
  using result = outcome<storage::image>;
  ctx_->api->put(image, [this, ctx, req, image, then](std::error_code ec) mutable {
    if (ec)
      return then(result::failure(fault_kind::internal, ec.message()));
    req.image_ref = image.id;
    req.export_path = ctx_->images->staging_path();
    server_action(ctx, req, [this, image, then](outcome<done> accepted) {
      if (!accepted.ok()) {
        ctx_->api->erase_image(image.id, [id = image.id](std::error_code ec) {
          if (ec)
            spdlog::error("image {}: cannot delete the refused snapshot: {}", id, ec.message());
        });
        return then(result::failure(*accepted.error));
      }
      result out;
      out.value = image;
      then(std::move(out));
    });
  });
}

void compute_api::create_image(const request_context& ctx, const std::string& uuid,
                               const std::string& name,
                               const std::map<std::string, std::string>& metadata,
                               const std::string& point, reply<storage::image> caller) {
  auto then = guarded(std::move(caller));
  using result = outcome<storage::image>;
  if (!instance::metadata_refusal(metadata_limit(ctx), metadata.size()).empty())
    return then(result::failure(fault_kind::forbidden, "Image metadata limit exceeded"));
  get_server(ctx, uuid,
             [this, ctx, uuid, name, metadata, point, then](outcome<storage::instance_record> r) {
               if (!r.ok())
                 return then(result::failure(*r.error));
               auto base = ctx_->api->image(r.value.image_ref);
               auto snapshot =
                 snapshot_of(r.value, base ? &*base : nullptr, name, metadata, storage::now_us());
               snapshot.status = "saving";
               action_request req;
               req.uuid = uuid;
               req.action = storage::server_action::create_image;
               req.snapshot_id = point;
               export_image(ctx, req, snapshot, then);
             });
}

void compute_api::create_backup(const request_context& ctx, const std::string& uuid,
                                const std::string& name, const std::string& backup_type,
                                std::int64_t rotation,
                                const std::map<std::string, std::string>& metadata,
                                reply<std::optional<storage::image>> caller) {
  auto then = guarded(std::move(caller));
  using result = outcome<std::optional<storage::image>>;
  if (!instance::metadata_refusal(metadata_limit(ctx), metadata.size()).empty())
    return then(result::failure(fault_kind::forbidden, "Image metadata limit exceeded"));
  action_request req;
  req.uuid = uuid;
  req.action = storage::server_action::create_backup;
  // Nova rotates once the new backup is made; here once it is accepted (it
  // counts among the newest `rotation`).
  // The record and its data go, without blocking this (gateway) thread.
  auto rotate = [this, uuid, backup_type, rotation] {
    for (auto& old : backups_to_rotate(ctx_->api->images(), uuid, backup_type, rotation))
      ctx_->images->drop(old.id);
  };
  if (rotation == 0) // Nova's rotation 0: no new backup, the old ones go
    return server_action(ctx, req, [rotate, then](outcome<done> accepted) {
      if (!accepted.ok())
        return then(result::failure(*accepted.error));
      rotate();
      then(result{});
    });
  get_server(ctx, uuid,
             [this, ctx, req, name, backup_type, metadata, rotate,
              then](outcome<storage::instance_record> r) {
               if (!r.ok())
                 return then(result::failure(*r.error));
               auto base = ctx_->api->image(r.value.image_ref);
               auto backup = backup_of(r.value, base ? &*base : nullptr, name, backup_type,
                                       metadata, storage::now_us());
               backup.status = "saving";
               export_image(ctx, req, backup, [rotate, then](outcome<storage::image> made) {
                 if (!made.ok())
                   return then(result::failure(*made.error));
                 rotate();
                 result out;
                 out.value = made.value;
                 then(std::move(out));
               });
             });
}

keypair_book& compute_api::keypairs() const { return *ctx_->keypairs; }
flavor_projects& compute_api::flavor_access() const { return *ctx_->flavor_access; }
bool compute_api::flavor_visible(const request_context& ctx, const storage::flavor& f) const {
  return f.is_public || ctx.is_admin || ctx_->flavor_access->has(f.id, ctx.project_id);
}

std::optional<storage::image> compute_api::image(const std::string& id) const {
  return ctx_->api->image(id);
}

void compute_api::migrations(const request_context& ctx, const std::string& instance_uuid,
                             reply<std::vector<storage::migration>> caller) const {
  auto then = guarded(std::move(caller));
  using result = outcome<std::vector<storage::migration>>;
  if (instance_uuid.empty())
    return gather_all<storage::migration>(*ctx_, std::move(then), migrations_atom_v, std::string{});
  auto mapping = ctx_->api->instance_mapping(instance_uuid);
  if (!mapping || !visible(ctx, mapping->project_id))
    return then(result::failure(fault_kind::not_found, not_found(instance_uuid)));
  if (mapping->cell_uuid.empty())
    return then({});
  auto cell = ctx_->cells->get(mapping->cell_uuid);
  if (!cell || !cell->up())
    return then(result::failure(fault_kind::unavailable, cell_unavailable(instance_uuid)));
  ask<std::vector<storage::migration>>(*ctx_, cell->conductor, std::move(then), migrations_atom_v,
                                       instance_uuid);
}

} // namespace nimbus::compute
