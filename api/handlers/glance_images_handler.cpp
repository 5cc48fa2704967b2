// The Glance v2 subset's images (on the image port): version document,
// schemas, list, show, create, PATCH, delete, deactivate / reactivate, tags.
// Data is in glance_data_handler.cpp, members in glance_members_handler.cpp.
#include "api/glance_attributes.h"
#include "api/glance_faults.h"
#include "api/glance_list.h"
#include "api/glance_patch.h"
#include "api/handlers/handlers.h"
#include "api/request_target.h"
#include "api/validation.h"
#include "api/views/image_view.h"
#include "compute/image_catalog.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

api_response no_content() { return {204, "", {}}; }

// A JSON object body (Glance's wsgi: 400 for none, for malformed JSON).
std::optional<api_response> read_object(const api_request& req, json* out) {
  if (req.body.empty())
    return glance_error(400, "Body expected in request.");
  if (nesting_depth(req.body) > 64)
    return glance_error(400, "Malformed JSON in request body.");
  *out = json::parse(req.body, nullptr, false);
  if (out->is_discarded())
    return glance_error(400, "Malformed JSON in request body.");
  return std::nullopt;
}

std::optional<api_response> refuse_body(const api_request& req) {
  if (!req.body.empty())
    return glance_error(400, "A body is not expected with this request.");
  return std::nullopt;
}

api_response create(compute::image_catalog& catalog, const api_request& req) {
  json body;
  if (auto refusal = read_object(req, &body))
    return *refusal;
  if (!body.is_object())
    return glance_error(400, "Provided object does not match schema 'image': " + body.dump()
                               + " is not of type 'object'");
  storage::image i;
  i.visibility = "shared"; // Glance's default
  i.disk_format.clear();
  i.container_format.clear();
  for (auto& [key, value] : body.items())
    if (auto refusal =
          set_image_attribute(i, key, value, attribute_change::create, req.ctx.is_admin))
      return glance_error(*refusal);
  if (auto refusal = tag_limit_refusal(i, catalog.options().image_tag_quota))
    return glance_error(*refusal);
  auto made = catalog.create(req.ctx, std::move(i));
  if (!made.ok())
    return glance_error(*made.error);
  auto resp = json_response(201, glance_image(made.value));
  resp.headers["location"] = req.base_url + "/v2/images/" + made.value.id;
  return resp;
}

api_response patch(compute::image_catalog& catalog, const api_request& req, const std::string& id) {
  auto dialect = patch_dialect_of(req.header("content-type"));
  if (!dialect) {
    auto resp = glance_error(415,
                             "The request media type " + req.header("content-type")
                               + " is not supported by this server.\n",
                             "Image PATCH expects Content-Type one of: "
                             "application/openstack-images-v2.0-json-patch, "
                             "application/openstack-images-v2.1-json-patch");
    resp.headers["accept-patch"] = "application/openstack-images-v2.0-json-patch, "
                                   "application/openstack-images-v2.1-json-patch";
    return resp;
  }
  if (nesting_depth(req.body) > 64)
    return glance_error(400, "Malformed JSON in request body.");
  std::vector<patch_op> ops;
  if (auto refusal = parse_image_patch(req.body, *dialect, &ops))
    return glance_error(*refusal);
  auto tag_quota = catalog.options().image_tag_quota;
  auto changed = catalog.change(req.ctx, id, [&](storage::image& i) {
    if (auto refusal = apply_image_patch(i, ops, *dialect, req.ctx.is_admin))
      return refusal;
    return tag_limit_refusal(i, tag_quota);
  });
  if (!changed.ok())
    return glance_error(*changed.error);
  return json_response(200, glance_image(changed.value));
}

api_response erase(compute::image_catalog& catalog, const api_request& req, const std::string& id) {
  if (auto refusal = refuse_body(req))
    return *refusal;
  auto erased = catalog.erase(req.ctx, id);
  if (!erased.ok()) {
    if (erased.error->kind == compute::fault_kind::not_found)
      return glance_error(404, "Failed to find image " + id + " to delete");
    return glance_error(*erased.error);
  }
  return no_content();
}

api_response list(compute::image_catalog& catalog, const api_request& req) {
  if (req.trailing_slash) // "GET /v2/images/": an image of an empty id
    return glance_error(404, "The resource could not be found.");
  glance_page page;
  if (auto refusal = list_images(catalog.visible(req.ctx), req.query, req.ctx, &page))
    return glance_error(*refusal);
  json images = json::array();
  for (auto& i : page.images)
    images.push_back(glance_image(i));
  auto rest = query_string(req.query, {"marker"});
  json out = {{"images", images},
              {"first", "/v2/images" + (rest.empty() ? "" : "?" + rest)},
              {"schema", "/v2/schemas/images"}};
  if (page.more)
    out["next"] = "/v2/images?" + (rest.empty() ? "" : rest + "&")
                  + "marker=" + percent_encode(page.images.back().id);
  return json_response(200, out);
}

api_response tag(compute::image_catalog& catalog, const api_request& req, const std::string& id,
                 const std::string& tag, bool add) {
  if (auto refusal = refuse_body(req))
    return *refusal;
  if (tag.size() > 255)
    return glance_error(400,
                        "Provided object does not match schema 'image': '" + tag + "' is too long");
  auto quota = catalog.options().image_tag_quota;
  auto changed =
    catalog.change(req.ctx, id, [&](storage::image& i) -> std::optional<compute::fault> {
      auto it = std::find(i.tags.begin(), i.tags.end(), tag);
      if (!add) {
        if (it == i.tags.end())
          return compute::fault{compute::fault_kind::not_found, "The resource could not be found."};
        i.tags.erase(it);
        return std::nullopt;
      }
      if (it != i.tags.end())
        return std::nullopt;
      if (quota >= 0 && static_cast<std::int64_t>(i.tags.size()) >= quota)
        return compute::fault{compute::fault_kind::too_large,
                              "Image tag limit exceeded for image " + id
                                + ": The limit has been exceeded on the number of allowed image "
                                  "tags. Attempted: "
                                + std::to_string(i.tags.size() + 1)
                                + ", Maximum: " + std::to_string(quota) + ":"};
      i.tags.push_back(tag);
      return std::nullopt;
    });
  if (!changed.ok()) {
    auto f = *changed.error;
    if (f.kind == compute::fault_kind::not_found && f.message.rfind("No image", 0) == 0)
      f.message = "Image " + id + " not found.";
    else if (f.kind == compute::fault_kind::forbidden)
      f.message = std::string("Not allowed to ") + (add ? "update" : "delete") + " tags for image "
                  + id + ".";
    return glance_error(f);
  }
  return no_content();
}

// Tempest and the clients read only a schema's name; Glance's own are
// JSON schemas of the image, member and metadefs documents.
api_response schema(const std::string& name) {
  return json_response(200, {{"name", name},
                             {"properties", json::object()},
                             {"additionalProperties", {{"type", "string"}}}});
}

} // namespace

void add_glance_image_routes(router& r, compute::image_catalog& catalog) {
  r.add("GET", "/", access::open(), [](const api_request& req, const params&) {
    auto version = [&req](const char* id, const char* status) {
      return json{{"id", id},
                  {"status", status},
                  {"links", json::array({{{"rel", "self"}, {"href", req.base_url + "/v2/"}}})}};
    };
    return json_response(
      300,
      {{"versions", json::array({version("v2.16", "CURRENT"), version("v2.0", "SUPPORTED")})}});
  });
  for (auto name : {"image", "images", "member", "members"})
    r.add("GET", std::string("/v2/schemas/") + name, access::open(),
          [name](const api_request&, const params&) { return schema(name); });
  for (auto [path, name] : {std::pair{"namespace", "namespace"},
                            {"namespaces", "namespaces"},
                            {"resource_type", "resource_type_association"},
                            {"resource_types", "resource_type_associations"},
                            {"object", "object"},
                            {"objects", "objects"},
                            {"property", "property"},
                            {"properties", "properties"},
                            {"tag", "tag"},
                            {"tags", "tags"}})
    r.add("GET", std::string("/v2/schemas/metadefs/") + path, access::open(),
          [name = std::string(name)](const api_request&, const params&) { return schema(name); });
  r.add("GET", "/v2/images", access::open(),
        [&catalog](const api_request& req, const params&) { return list(catalog, req); });
  r.add("POST", "/v2/images", access::open(),
        [&catalog](const api_request& req, const params&) { return create(catalog, req); });
  r.add("GET", "/v2/images/{}", access::open(),
        [&catalog](const api_request& req, const params& p) {
          if (auto refusal = refuse_body(req))
            return *refusal;
          auto i = catalog.find(req.ctx, p[0]);
          if (!i)
            return glance_error(404, compute::image_not_found(p[0]));
          return json_response(200, glance_image(*i));
        });
  r.add("PATCH", "/v2/images/{}", access::open(),
        [&catalog](const api_request& req, const params& p) { return patch(catalog, req, p[0]); });
  r.add("DELETE", "/v2/images/{}", access::open(),
        [&catalog](const api_request& req, const params& p) { return erase(catalog, req, p[0]); });
  for (auto [action, deactivate] : {std::pair{"deactivate", true}, {"reactivate", false}})
    r.add("POST", std::string("/v2/images/{}/actions/") + action, access::open(),
          [&catalog, deactivate = deactivate](const api_request& req, const params& p) {
            if (auto refusal = refuse_body(req))
              return *refusal;
            auto done = catalog.set_deactivated(req.ctx, p[0], deactivate);
            return done.ok() ? no_content() : glance_error(*done.error);
          });
  for (auto [method, add] : {std::pair{"PUT", true}, {"DELETE", false}})
    r.add(method, "/v2/images/{}/tags/{}", access::open(),
          [&catalog, add = add](const api_request& req, const params& p) {
            return tag(catalog, req, p[0], p[1], add);
          });
}

} // namespace nimbus::api
