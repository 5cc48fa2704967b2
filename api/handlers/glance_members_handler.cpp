// The Glance v2 subset's image members: the owner of a shared image adds
// and removes projects; a member accepts or rejects (and so lists) it.
#include "api/glance_faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "api/views/image_view.h"
#include "compute/image_catalog.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

std::optional<json> object_body(const api_request& req) {
  if (req.body.empty() || nesting_depth(req.body) > 64)
    return std::nullopt;
  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded())
    return std::nullopt;
  return body;
}

api_response add(compute::image_catalog& catalog, const api_request& req, const std::string& id) {
  auto body = object_body(req);
  if (!body)
    return glance_error(400, req.body.empty() ? "Body expected in request."
                                              : "Malformed JSON in request body.");
  if (!body->is_object())
    return glance_error(400, R"(Expected a member in the form: {"member": "image_id"})");
  auto it = body->find("member");
  if (it == body->end())
    return glance_error(400, "Member to be added not specified");
  if (!it->is_string())
    return glance_error(400, R"(Expected a member in the form: {"member": "image_id"})");
  auto member = it->get<std::string>();
  if (member.empty())
    return glance_error(400, "Member can't be empty");
  auto added = catalog.add_member(req.ctx, id, member);
  if (!added.ok())
    return glance_error(*added.error);
  return json_response(200, glance_member(id, added.value));
}

api_response answer(compute::image_catalog& catalog, const api_request& req, const std::string& id,
                    const std::string& member) {
  auto body = object_body(req);
  if (!body)
    return glance_error(400, req.body.empty() ? "Body expected in request."
                                              : "Malformed JSON in request body.");
  auto it = body->is_object() ? body->find("status") : body->end();
  if (!body->is_object() || it == body->end())
    return glance_error(400, "Status not specified");
  auto status = it->is_string() ? it->get<std::string>() : std::string();
  if (status != "pending" && status != "accepted" && status != "rejected")
    return glance_error(
      400, R"(Incorrect request: Status must be "pending", "accepted" or "rejected".)");
  auto changed = catalog.set_member_status(req.ctx, id, member, status);
  if (!changed.ok())
    return glance_error(*changed.error);
  return json_response(200, glance_member(id, changed.value));
}

} // namespace

void add_glance_member_routes(router& r, compute::image_catalog& catalog) {
  r.add("POST", "/v2/images/{}/members", access::open(),
        [&catalog](const api_request& req, const params& p) { return add(catalog, req, p[0]); });
  r.add("GET", "/v2/images/{}/members", access::open(),
        [&catalog](const api_request& req, const params& p) {
          auto all = catalog.members(req.ctx, p[0]);
          if (!all.ok())
            return glance_error(*all.error);
          json members = json::array();
          for (auto& m : all.value)
            members.push_back(glance_member(p[0], m));
          return json_response(200, {{"members", members}, {"schema", "/v2/schemas/members"}});
        });
  r.add("GET", "/v2/images/{}/members/{}", access::open(),
        [&catalog](const api_request& req, const params& p) {
          auto m = catalog.member(req.ctx, p[0], p[1]);
          if (!m.ok())
            return glance_error(*m.error);
          return json_response(200, glance_member(p[0], m.value));
        });
  r.add("PUT", "/v2/images/{}/members/{}", access::open(),
        [&catalog](const api_request& req, const params& p) {
          return answer(catalog, req, p[0], p[1]);
        });
  r.add("DELETE", "/v2/images/{}/members/{}", access::open(),
        [&catalog](const api_request& req, const params& p) {
          auto done = catalog.remove_member(req.ctx, p[0], p[1]);
          if (!done.ok())
            return glance_error(*done.error);
          return api_response{204, "", {}};
        });
}

} // namespace nimbus::api
