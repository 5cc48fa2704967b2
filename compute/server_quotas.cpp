// compute_api's quota calls and the charges of server actions (resize,
// confirm, revert, shelve, unshelve); see server_quotas.h.
#include "compute/server_quotas.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "compute/context.h"
#include "compute/keypair_book.h"
#include "compute/quota_book.h"

namespace nimbus::compute {

namespace {

// The resources a user's own rows make Nova check the user's usage too.
const std::vector<std::string>& counted() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out{"instances", "cores", "ram"};
    for (auto t : storage::all_disk_tiers)
      out.push_back(disk_quota_name(t));
    return out;
  }();
  return names;
}

// A scope's limits; `limit` reads one resource's.
template <class Limit>
counted_limits limits_by(const Limit& limit) {
  counted_limits out{limit("instances"), limit("cores"), limit("ram"), {}};
  for (auto t : storage::all_disk_tiers)
    out.disk_gb[static_cast<std::size_t>(t)] = limit(disk_quota_name(t));
  return out;
}

void log_failure(const std::string& uuid, std::error_code ec) {
  if (ec)
    spdlog::error("instance {}: cannot record its quota charge: {}", uuid, ec.message());
}

// The check of a growth (resize, unshelve) against the project's limits and
// the user's, leaving Nova's wording in *refusal when it does not fit.
cells::api_cell::charge_check growth_check(const quota_book& q, const std::string& project_id,
                                           const std::string& user_id, std::string* refusal) {
  return
    [project = project_limits(q, project_id), user = user_limits(q, project_id, user_id),
     refusal](const cells::usage& p_used, const cells::usage& u_used, const cells::usage& delta) {
      *refusal = refuse_growth(project, p_used, delta);
      if (refusal->empty() && user)
        *refusal = refuse_growth(*user, u_used, delta);
      return refusal->empty();
    };
}

} // namespace

counted_limits project_limits(const quota_book& q, const std::string& project_id) {
  return limits_by([&](const std::string& r) { return q.project_limit(project_id, r); });
}

std::optional<counted_limits> user_limits(const quota_book& q, const std::string& project_id,
                                          const std::string& user_id) {
  if (!q.has_user_rows(project_id, user_id, counted()))
    return std::nullopt;
  return limits_by([&](const std::string& r) { return q.user_limit(project_id, user_id, r); });
}

cells::api_cell::admission boot_gate(const quota_book& q, const request_context& ctx,
                                     const storage::flavor& f, storage::disk_tier tier,
                                     std::int64_t min_count,
                                     const std::shared_ptr<std::size_t>& admitted,
                                     std::string* refusal) {
  return [project = project_limits(q, ctx.project_id),
          user = user_limits(q, ctx.project_id, ctx.user_id),
          each = cells::server_charge{f.vcpus, f.memory_mb, f.root_gb, tier}, min_count, admitted,
          refusal](const cells::usage& p_used, const cells::usage& u_used) {
    auto max_count = static_cast<std::int64_t>(*admitted);
    auto a = admit_boot(project, p_used, each, std::min(min_count, max_count), max_count);
    if (a.allowed > 0 && user)
      a = admit_boot(*user, u_used, each, std::min(min_count, a.allowed), a.allowed);
    *refusal = a.refusal;
    *admitted = static_cast<std::size_t>(a.allowed);
    return *admitted;
  };
}

cells::server_charge charge_of(const storage::instance_record& r) {
  using storage::vm_state;
  if (r.vm_state == vm_state::shelved || r.vm_state == vm_state::shelved_offloaded)
    return {0, 0, 0, r.disk_type};
  cells::server_charge c{r.flavor_copy.vcpus, r.flavor_copy.memory_mb, r.flavor_copy.root_gb,
                         r.disk_type};
  if (r.vm_state == vm_state::resized && !r.old_flavor.id.empty())
    return {std::max(c.vcpus, r.old_flavor.vcpus), std::max(c.memory_mb, r.old_flavor.memory_mb),
            std::max(c.disk_gb, r.old_flavor.root_gb), r.disk_type};
  return c;
}

quota_book& compute_api::quotas() const { return *ctx_->quotas; }

cells::usage compute_api::project_usage(const std::string& project_id) const {
  return ctx_->api->project_usage(project_id);
}

cells::usage compute_api::user_usage(const std::string& project_id,
                                     const std::string& user_id) const {
  return ctx_->api->user_usage(project_id, user_id);
}

namespace {

// The tighter of a project's and one of its users' limits of `resource`
// (Nova's limit_check holds a value to both).
std::int64_t tighter_limit(const quota_book& q, const std::string& project_id,
                           const std::string& user_id, const std::string& resource) {
  auto project = q.project_limit(project_id, resource);
  auto user = q.user_limit(project_id, user_id, resource);
  if (project < 0)
    return user;
  return user < 0 ? project : std::min(project, user);
}

} // namespace

std::int64_t compute_api::keypair_limit(const request_context& ctx,
                                        const std::string& user_id) const {
  return tighter_limit(*ctx_->quotas, ctx.project_id, user_id, "key_pairs");
}

std::int64_t compute_api::metadata_limit(const request_context& ctx) const {
  return tighter_limit(*ctx_->quotas, ctx.project_id, ctx.user_id, "metadata_items");
}

void compute_api::settle_charge(const storage::instance_record& r) const {
  if (r.task_state != storage::task_state::none)
    return; // a task may be changing it: the charge is the action's to set
  auto charge = charge_of(r);
  auto m = ctx_->api->instance_mapping(r.uuid);
  if (!m || cells::charge_in(*m) == charge)
    return;
  ctx_->api->recharge(r.uuid, charge, {},
                      [uuid = r.uuid](std::error_code ec) { log_failure(uuid, ec); });
}

void compute_api::charged_action(const request_context& ctx, const action_request& req,
                                 reply<done> then) {
  using storage::server_action;
  auto api = ctx_->api;
  auto mapping = api->instance_mapping(req.uuid);
  if (!mapping)
    return send_action(ctx, req, std::move(then));
  auto uuid = req.uuid;
  auto recharge = [api, uuid](const cells::server_charge& charge) {
    api->recharge(uuid, charge, {}, [uuid](std::error_code ec) { log_failure(uuid, ec); });
  };
  // An action its cell refused gives the charge it took back.
  auto undo_if_refused = [recharge,
                          was = cells::charge_in(*mapping)](reply<done> then) -> reply<done> {
    return [recharge, was, then = std::move(then)](outcome<done> r) {
      if (!r.ok())
        recharge(was);
      then(std::move(r));
    };
  };
  // Takes a larger charge if the quotas allow it, else answers why not.
  // Runs later too (unshelve): it holds copies, never this call's locals.
  auto take = [api, uuid, quotas = ctx_->quotas, project = mapping->project_id,
               user = mapping->user_id](const cells::server_charge& charge) {
    std::string refusal;
    auto step = api->recharge(uuid, charge, growth_check(*quotas, project, user, &refusal),
                              [uuid](std::error_code ec) { log_failure(uuid, ec); });
    if (step == cells::api_cell::charge_step::refused)
      return refusal;
    return std::string{};
  };
  switch (req.action) {
  case server_action::resize: {
    auto refusal = take({std::max(mapping->vcpus, req.flavor.vcpus),
                         std::max(mapping->memory_mb, req.flavor.memory_mb),
                         std::max(mapping->disk_gb, req.flavor.root_gb), mapping->disk_type});
    if (!refusal.empty())
      return then(outcome<done>::failure(fault_kind::forbidden, refusal));
    return send_action(ctx, req, undo_if_refused(std::move(then)));
  }
  case server_action::unshelve:
    // The flavor is the record's: read it, then check and take its charge.
    return get_server(
      ctx, uuid,
      [this, ctx, req, take, undo_if_refused, then](outcome<storage::instance_record> r) mutable {
        if (!r.ok())
          return then(outcome<done>::failure(*r.error));
        if (r.value.vm_state == storage::vm_state::shelved
            || r.value.vm_state == storage::vm_state::shelved_offloaded) {
          auto& f = r.value.flavor_copy;
          auto refusal = take({f.vcpus, f.memory_mb, f.root_gb, r.value.disk_type});
          if (!refusal.empty())
            return then(outcome<done>::failure(fault_kind::forbidden, refusal));
        }
        send_action(ctx, req, undo_if_refused(std::move(then)));
      });
  case server_action::shelve:
    return send_action(ctx, req, [recharge, tier = mapping->disk_type, then](outcome<done> r) {
      if (r.ok())
        recharge({0, 0, 0, tier});
      then(std::move(r));
    });
  default: // confirm, revert: the record says which flavor stays
    return send_action(ctx, req, [this, ctx, req, recharge, then](outcome<done> r) {
      bool ok = r.ok();
      then(std::move(r));
      if (!ok)
        return;
      get_server(ctx, req.uuid, [req, recharge](const outcome<storage::instance_record>& s) {
        if (!s.ok())
          return;
        auto& rec = s.value;
        bool keep_old = req.action == server_action::revert_resize && !rec.old_flavor.id.empty();
        auto& f = keep_old ? rec.old_flavor : rec.flavor_copy;
        recharge({f.vcpus, f.memory_mb, f.root_gb, rec.disk_type});
      });
    });
  }
}

} // namespace nimbus::compute
