// /v2.1/os-services (admin only): the compute services of every cell and
// the API cell's control services; an operator's changes (disable with a
// reason, enable, force down: by id from 2.53, by host and binary before)
// and deletes.
#include "api/faults.h"
#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "api/views/host_views.h"
#include "storage/clock.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// A body that must be a JSON object, into *body; the 400 refusing it, or nullopt.
std::optional<api_response> read_object(const api_request& req, std::optional<ordered_json>* body) {
  *body = parse_body(req.body);
  if (!*body)
    return malformed_body();
  if (!(*body)->is_object())
    return bad_request(
      invalid_input("body", **body, python_repr(**body) + " is not of type 'object'"));
  return std::nullopt;
}

// disabled_reason: a string of 1-255 characters.
std::optional<api_response> check_reason(const ordered_json& why) {
  if (!why.is_string() || why.get<std::string>().empty() || why.get<std::string>().size() > 255)
    return bad_request(invalid_input("disabled_reason", why,
                                     python_repr(why) + " is not a string of 1-255 characters"));
  return std::nullopt;
}

// PUT /os-services/{id}'s body (2.53): status, disabled_reason, forced_down.
std::optional<api_response> read_service_change(const api_request& req, service_change* c) {
  std::optional<ordered_json> body;
  if (auto refusal = read_object(req, &body))
    return refusal;
  for (auto& [key, value] : body->items())
    if (key != "status" && key != "disabled_reason" && key != "forced_down")
      return bad_request(invalid_input("body", *body, unexpected_property(key)));
  if (body->contains("status")) {
    auto& s = (*body)["status"];
    if (s != "enabled" && s != "disabled")
      return bad_request(
        invalid_input("status", s, python_repr(s) + " is not one of ['enabled', 'disabled']"));
    c->set_status = true;
    c->disabled = s == "disabled";
  }
  if (body->contains("disabled_reason")) {
    auto& why = (*body)["disabled_reason"];
    if (auto refusal = check_reason(why))
      return refusal;
    if (!c->disabled)
      return bad_request("Specifying 'disabled_reason' with status 'enabled' is invalid.");
    c->disabled_reason = why.get<std::string>();
  }
  if (body->contains("forced_down")) {
    auto& down = (*body)["forced_down"];
    if (!down.is_boolean())
      return bad_request(
        invalid_input("forced_down", down, python_repr(down) + " is not of type 'boolean'"));
    c->set_forced_down = true;
    c->forced_down = down.get<bool>();
  }
  if (!c->set_status && !c->set_forced_down)
    return bad_request("At least one of status or forced_down must be specified.");
  return std::nullopt;
}

// Before 2.53, PUT /os-services/{action} with {host, binary, ...}: enable,
// disable, disable-log-reason and (2.11) force-down.
struct legacy_change {
  std::string host, binary;
  service_change change;
  bool force_down = false; // the force-down action (answers forced_down, not status)
};

// Nova's answer to a legacy change: {host, binary, status | forced_down}.
nlohmann::json legacy_answer(const legacy_change& c) {
  nlohmann::json out = {{"host", c.host}, {"binary", c.binary}};
  if (c.force_down) {
    out["forced_down"] = c.change.forced_down;
    return out;
  }
  out["status"] = c.change.disabled ? "disabled" : "enabled";
  if (!c.change.disabled_reason.empty())
    out["disabled_reason"] = c.change.disabled_reason;
  return out;
}

std::optional<api_response> read_legacy_change(const api_request& req, const std::string& action,
                                               legacy_change* out) {
  bool force_down = action == "force-down" && req.version.at_least(2, 11);
  if (action != "enable" && action != "disable" && action != "disable-log-reason" && !force_down)
    return not_found("Unknown action");
  std::optional<ordered_json> body;
  if (auto refusal = read_object(req, &body))
    return refusal;
  for (auto& [key, value] : body->items())
    if (key != "host" && key != "binary"
        && !(key == "disabled_reason" && action == "disable-log-reason")
        && !(key == "forced_down" && force_down))
      return bad_request(invalid_input("body", *body, unexpected_property(key)));
  std::vector<std::string> required{"host", "binary"};
  if (force_down)
    required.emplace_back("forced_down");
  for (auto& key : required)
    if (!body->contains(key))
      return bad_request(invalid_input(key, *body, "'" + key + "' is a required property"));
  for (auto key : {"host", "binary"}) {
    auto& v = (*body)[key];
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 255)
      return bad_request(
        invalid_input(key, v, python_repr(v) + " is not a string of 1-255 characters"));
  }
  out->host = (*body)["host"].get<std::string>();
  out->binary = (*body)["binary"].get<std::string>();
  if (force_down) {
    auto& down = (*body)["forced_down"];
    if (!down.is_boolean())
      return bad_request(
        invalid_input("forced_down", down, python_repr(down) + " is not of type 'boolean'"));
    out->change.set_forced_down = true;
    out->change.forced_down = down.get<bool>();
    out->force_down = true;
    return std::nullopt;
  }
  out->change.set_status = true;
  out->change.disabled = action != "enable";
  if (action == "disable-log-reason") {
    if (!body->contains("disabled_reason"))
      return bad_request("Missing disabled reason field");
    auto& why = (*body)["disabled_reason"];
    if (auto refusal = check_reason(why))
      return refusal;
    out->change.disabled_reason = why.get<std::string>();
  }
  return std::nullopt;
}

// The compute services a path's id names: its uuid from 2.53, its integer
// id before (which two cells may both use).
std::vector<std::string> service_uuids(const std::vector<service_view>& all, const std::string& id,
                                       bool by_uuid) {
  std::vector<std::string> out;
  for (auto& s : all)
    if (by_uuid ? s.service.uuid == id : std::to_string(s.service.id) == id)
      out.push_back(s.service.uuid);
  return out;
}

} // namespace

void add_service_routes(router& r, compute::compute_api& compute) {
  r.add_async(
    "PUT", "/v2.1/os-services/{}", access::own("os_compute_api:os-services:update"),
    [&](const api_request& req, const params& p, reply_fn reply) {
      if (!req.version.at_least(2, 53)) { // by host and binary
        legacy_change legacy;
        if (auto refusal = read_legacy_change(req, p[0], &legacy))
          return reply(*refusal);
        return compute.services([&compute, legacy, reply = std::move(reply)](auto all) {
          std::string uuid;
          for (auto& s : all.value)
            if (s.service.host == legacy.host && s.service.binary == legacy.binary)
              uuid = s.service.uuid;
          if (uuid.empty())
            return reply(not_found("Could not find binary " + legacy.binary + " on host "
                                   + legacy.host + "."));
          compute.update_service(uuid, legacy.change, [legacy, reply](auto result) {
            if (!result.ok())
              return reply(fault_response(*result.error));
            reply(json_response(200, {{"service", legacy_answer(legacy)}}));
          });
        });
      }
      service_change change;
      if (auto refusal = read_service_change(req, &change))
        return reply(*refusal);
      compute.update_service(p[0], change, [&req, reply = std::move(reply)](auto result) {
        if (!result.ok())
          return reply(fault_response(*result.error));
        reply(json_response(200, {{"service", compute_service(result.value, view_of(req))}}));
      });
    });
  r.add_async(
    "DELETE", "/v2.1/os-services/{}", access::own("os_compute_api:os-services:delete"),
    [&compute](const api_request& req, const params& p, reply_fn reply) {
      bool by_uuid = req.version.at_least(2, 53);
      for (auto& c : compute.control_services()) // the API cell's own: they go with it
        if (by_uuid && name_uuid(c.binary + "@" + c.host) == p[0])
          return reply(fault_response(
            409, "Service " + p[0] + " is a control service of this API and cannot be deleted."));
      compute.services(
        [&compute, ctx = req.ctx, id = p[0], by_uuid, reply = std::move(reply)](auto all) {
          auto uuids = service_uuids(all.value, id, by_uuid);
          if (uuids.empty())
            return reply(not_found("Service " + id + " could not be found."));
          if (uuids.size() > 1)
            return reply(bad_request("Service id " + id + " refers to multiple services."));
          compute.delete_service(ctx, uuids.front(), [reply](auto result) {
            if (!result.ok())
              return reply(fault_response(*result.error));
            reply(api_response{204, "", {}});
          });
        });
    });
  r.add_async(
    "GET", "/v2.1/os-services", access::own("os_compute_api:os-services:list"),
    [&](const api_request& req, const params&, reply_fn reply) {
      auto binary = req.param("binary"), host = req.param("host");
      auto keep = [binary, host](const std::string& b, const std::string& h) {
        return (binary.empty() || b == binary) && (host.empty() || h == host);
      };
      // What the API cell knows itself, before the cells answer.
      json out = json::array();
      auto v = view_of(req);
      std::int32_t id = 1;
      auto now = storage::now_us();
      for (auto& c : compute.control_services())
        if (keep(c.binary, c.host))
          out.push_back(control_service_json(c, 1000 + id++, now, v));
      auto unknown = compute.unknown_services(req.ctx); // 2.69: services of down cells
      compute.services([v, keep, out, unknown, reply = std::move(reply)](auto services) mutable {
        for (auto& s : services.value)
          if (keep(s.service.binary, s.service.host))
            out.push_back(compute_service(s, v));
        for (auto& s : unknown)
          if (keep(s.binary, s.host))
            out.push_back({{"binary", s.binary}, {"host", s.host}, {"status", "UNKNOWN"}});
        reply(json_response(200, {{"services", out}}));
      });
    });
}

} // namespace nimbus::api
