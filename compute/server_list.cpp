#include "compute/server_list.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "cells/scatter.h"
#include "compute/context.h"
#include "compute/gateway.h"
#include "compute/list_merge.h"
#include "compute/name_filter.h"

namespace nimbus::compute {
// The facade works on the topology throughout.
using namespace nimbus::cells;

using result = outcome<std::vector<storage::instance_record>>;

// What the API cell alone knows of a server whose cell does not answer.
storage::instance_record down_record(const api_cell& api, const storage::instance_mapping& m) {
  storage::instance_record r;
  r.uuid = m.instance_uuid;
  r.project_id = m.project_id;
  r.user_id = m.user_id;
  r.created_us = r.updated_us = m.created_us;
  r.vm_state = storage::vm_state::unknown; // the cell is silent: all the API cell knows
  if (auto spec = api.request_spec(m.instance_uuid)) {
    r.flavor_copy = spec->flavor_copy;
    r.image_ref = spec->image_ref;
  }
  return r;
}

namespace {

bool has(const std::vector<std::string>& tags, const std::string& t) {
  return std::find(tags.begin(), tags.end(), t) != tags.end();
}

// Nova's ?ip= / ?ip6=: a fixed address of the server's family matches.
bool has_address(const storage::instance_record& r, const std::optional<name_filter>& ip,
                 const std::optional<name_filter>& ip6) {
  for (auto& vif : r.vifs)
    for (auto& a : vif.ips) {
      bool v6 = a.find(':') != std::string::npos;
      if ((v6 ? ip6 : ip) && (v6 ? ip6 : ip)->matches(a))
        return true;
    }
  return false;
}

} // namespace

bool server_page_request::admits(const storage::instance_record& r,
                                 const std::string& status_of_r) const {
  auto changed = std::max(r.updated_us, r.created_us);
  if ((!status.empty() && status_of_r != status) || (!flavor.empty() && r.flavor_copy.id != flavor)
      || (!image.empty() && r.image_ref != image) || changed < changed_since_us
      || (!reservation_id.empty() && r.reservation_id != reservation_id)
      || (changed_before_us != 0 && changed > changed_before_us)
      || (!host.empty() && r.host != host) || (locked >= 0 && r.locked != (locked == 1)))
    return false;
  auto having = [&](const std::string& t) { return has(r.tags, t); };
  if (!std::all_of(tags.begin(), tags.end(), having))
    return false;
  if (!tags_any.empty() && std::none_of(tags_any.begin(), tags_any.end(), having))
    return false;
  if (!not_tags.empty() && std::all_of(not_tags.begin(), not_tags.end(), having))
    return false;
  if (std::any_of(not_tags_any.begin(), not_tags_any.end(), having))
    return false;
  return true;
}

namespace {

// Cells that are down or did not answer.
using silent_cells = std::unordered_set<std::string>;

// The records of the cells that answered, sorted and cut to the page, then
// what the API cell knows: down-cell records (2.69), build requests; then
// the filters.
void finish_page(context& ctx, const request_context& rc, const server_page_request& req,
                 const list_query& q, std::vector<storage::instance_record> merged,
                 const silent_cells& silent,
                 const reply<std::vector<storage::instance_record>>& then) {
  bool filtered = req.filtered();
  std::unordered_set<std::string> seen;
  list_key marker_key{q.marker_created_us, q.marker_uuid};
  auto after_marker = [&](const storage::instance_record& r) {
    return !q.has_marker || list_order(marker_key, r);
  };
  // Only the first `limit` can be listed: keep those before adding the rest.
  auto limit = static_cast<std::size_t>(std::max(req.limit, 0));
  auto keep_first = [&](std::size_t n) {
    if (merged.size() > n) {
      std::partial_sort(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(n),
                        merged.end(),
                        list_order<storage::instance_record, storage::instance_record>);
      merged.resize(n);
    }
  };
  if (!filtered)
    keep_first(limit);
  for (auto& r : merged)
    seen.insert(r.uuid);
  // 2.69: a silent cell's servers appear as UNKNOWN records; before, they are left out.
  if (rc.down_cell_records && !silent.empty()) {
    for (auto& m : ctx.api->instance_mappings()) {
      if (!silent.count(m.cell_uuid) || seen.count(m.instance_uuid)
          || (!q.project_id.empty() && m.project_id != q.project_id))
        continue;
      auto r = down_record(*ctx.api, m);
      if (after_marker(r) && seen.insert(r.uuid).second)
        merged.push_back(std::move(r));
    }
  }
  // Servers not yet in a cell are listed from their build requests.
  for (auto& br : ctx.api->build_requests()) {
    auto& r = br.instance;
    // A flagged one was deleted (204) while placed: its cell finishes the
    // delete, and a restart reloads it until then; it is not listed again.
    if (br.delete_requested || seen.count(r.uuid)
        || (!q.project_id.empty() && r.project_id != q.project_id))
      continue;
    if (after_marker(r))
      merged.push_back(r);
  }
  // A sorted page starts after its marker in that order (found before the
  // filters, which may leave the marker itself out).
  std::optional<storage::instance_record> marker_record;
  if (!req.sort.empty() && !req.marker.empty()) {
    auto it =
      std::find_if(merged.begin(), merged.end(), [&](auto& r) { return r.uuid == req.marker; });
    if (it != merged.end())
      marker_record = *it;
  }
  if (filtered) {
    std::string why; // list_page checked the patterns: they compile here
    auto name = req.name.empty() ? std::nullopt : name_filter::compile(req.name, &why);
    auto ip = req.ip.empty() ? std::nullopt : name_filter::compile(req.ip, &why, "ip", true);
    auto ip6 = req.ip6.empty() ? std::nullopt : name_filter::compile(req.ip6, &why, "ip6", true);
    if (!why.empty())
      return then(result::failure(fault_kind::bad_request, why));
    merged.erase(std::remove_if(merged.begin(), merged.end(),
                                [&](const storage::instance_record& r) {
                                  return (name && !name->matches(r.name))
                                         || ((ip || ip6) && !has_address(r, ip, ip6))
                                         || !req.admits(r, server_status(r));
                                }),
                 merged.end());
  }
  if (!req.sort.empty()) {
    auto before = [&](const storage::instance_record& a, const storage::instance_record& b) {
      return sorted_before(req.sort, a, b);
    };
    std::sort(merged.begin(), merged.end(), before);
    if (marker_record)
      merged.erase(merged.begin(),
                   std::upper_bound(merged.begin(), merged.end(), *marker_record, before));
    if (merged.size() > limit)
      merged.resize(limit);
  } else {
    keep_first(limit);
    std::sort(merged.begin(), merged.end(),
              list_order<storage::instance_record, storage::instance_record>);
  }
  result out;
  out.value = std::move(merged);
  then(std::move(out));
}

// A page over many cells: merge every cell's sort keys, then fetch only the
// records of the servers that make the page.
void two_phase_page(
  gateway::self_ptr self, context& ctx, const std::vector<conductor_actor>& targets,
  const std::vector<std::string>& cells, const list_query& q,
  const std::function<void(std::vector<storage::instance_record>, silent_cells)>& then) {
  auto keys_then = [self, &ctx, targets, cells, q, then](gathered<std::vector<list_key>> keys) {
    auto plan = plan_page(std::move(keys), q.limit);
    silent_cells silent;
    for (auto i : plan.silent)
      silent.insert(cells[i]);
    auto& wanted = plan.wanted;
    std::vector<conductor_actor> asked;
    std::vector<std::vector<std::string>> payloads;
    std::vector<std::string> asked_cells;
    for (std::size_t i = 0; i < targets.size(); ++i)
      if (!wanted[i].empty()) {
        asked.push_back(targets[i]);
        payloads.push_back(std::move(wanted[i]));
        asked_cells.push_back(cells[i]);
      }
    scatter_each<std::vector<storage::instance_record>>(
      self, asked, ctx.limits.list, list_atom_v, payloads,
      [asked_cells, silent, then](gathered<std::vector<storage::instance_record>> records) mutable {
        std::vector<storage::instance_record> out;
        for (std::size_t i = 0; i < records.size(); ++i) {
          if (!records[i]) {
            silent.insert(asked_cells[i]);
            continue;
          }
          out.insert(out.end(), std::make_move_iterator(records[i]->begin()),
                     std::make_move_iterator(records[i]->end()));
        }
        then(std::move(out), std::move(silent));
      });
  };
  scatter<std::vector<list_key>>(self, targets, ctx.limits.list, std::move(keys_then), keys_atom_v,
                                 q);
}

// Every cell sends its whole page (one cell, or filters that apply after the merge).
void one_phase_page(
  gateway::self_ptr self, context& ctx, const std::vector<conductor_actor>& targets,
  const std::vector<std::string>& cells, const list_query& q,
  const std::function<void(std::vector<storage::instance_record>, silent_cells)>& then) {
  scatter<std::vector<storage::instance_record>>(
    self, targets, ctx.limits.list,
    [cells, then](gathered<std::vector<storage::instance_record>> pages) {
      silent_cells silent;
      std::vector<storage::instance_record> merged;
      for (std::size_t i = 0; i < pages.size(); ++i) {
        if (!pages[i]) {
          spdlog::warn("list: cell {} did not answer", cells[i]);
          silent.insert(cells[i]);
          continue;
        }
        // Cells hold disjoint instances: no dedupe needed among their pages.
        merged.insert(merged.end(), std::make_move_iterator(pages[i]->begin()),
                      std::make_move_iterator(pages[i]->end()));
      }
      then(std::move(merged), std::move(silent));
    },
    list_atom_v, q);
}

} // namespace

void list_page(context& ctx, const request_context& rc, const server_page_request& req,
               const list_query& q, const reply<std::vector<storage::instance_record>>& then) {
  std::string why; // the patterns, before asking any cell
  if ((!req.name.empty() && !name_filter::compile(req.name, &why))
      || (!req.ip.empty() && !name_filter::compile(req.ip, &why, "ip", true))
      || (!req.ip6.empty() && !name_filter::compile(req.ip6, &why, "ip6", true)))
    return then(result::failure(fault_kind::bad_request, why));
  std::vector<conductor_actor> targets;
  std::vector<std::string> target_cells;
  silent_cells down;
  for (auto& c : ctx.cells->all()) {
    if (!c.up()) {
      down.insert(c.mapping.uuid);
      continue;
    }
    targets.push_back(c.conductor);
    target_cells.push_back(c.mapping.uuid);
  }
  bool filtered = req.filtered();
  auto* c = &ctx;
  auto done = [c, rc, req, q, down, then](std::vector<storage::instance_record> merged,
                                          silent_cells silent) {
    silent.insert(down.begin(), down.end());
    finish_page(*c, rc, req, q, std::move(merged), silent, then);
  };
  if (targets.empty())
    return done({}, {});
  ctx.gw->run([c, targets, target_cells, q, filtered, done](gateway::self_ptr self) {
    if (targets.size() > 1 && !filtered)
      two_phase_page(self, *c, targets, target_cells, q, done);
    else
      one_phase_page(self, *c, targets, target_cells, q, done);
  });
}

} // namespace nimbus::compute
