// /v2.1/os-keypairs (Nova's keypairs controller): a user's key pairs,
// imported or generated; type (2.2), another user's for admins (2.10),
// paging (2.35), names with '@' and '.' and no generation (2.92).
#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "compute/keypair_book.h"
#include "compute/keypair_crypto.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

bool typed(const microversion& v) { return v.at_least(2, 2); }

// Whose key pairs: ?user_id= (2.10, GET and DELETE) or the caller's.
std::string target_user(const api_request& req) {
  if (req.version.at_least(2, 10) && req.has_param("user_id"))
    return req.param("user_id");
  return req.ctx.user_id;
}

std::optional<api_response> refused(const api_request& req, const std::string& action,
                                    const std::string& user_id) {
  auto rule = "os_compute_api:os-keypairs:" + action;
  if (!allowed(req, rule, {{"user_id", user_id}}))
    return forbidden_by_policy(rule);
  return std::nullopt;
}

json keypair_brief(const storage::keypair& k, const microversion& v) {
  json out = {{"name", k.name}, {"public_key", k.public_key}, {"fingerprint", k.fingerprint}};
  if (typed(v))
    out["type"] = k.type;
  return out;
}

json keypair_detail(const storage::keypair& k, const microversion& v) {
  auto out = keypair_brief(k, v);
  out["user_id"] = k.user_id;
  out["id"] = k.id;
  out["created_at"] = iso_micros(k.created_us);
  out["updated_at"] = nullptr;
  out["deleted_at"] = nullptr;
  out["deleted"] = false;
  return out;
}

// The key pair name rule of the microversion (its schema's pattern).
std::optional<api_response> check_keypair_name(const ordered_json& name, const microversion& v) {
  if (auto bad = check_name(name))
    return bad;
  bool extended = v.at_least(2, 92);
  if (!letters_digits_and(name.get<std::string>(), extended ? "_-@. " : "_- "))
    return bad_request(invalid_input(
      "name", name,
      python_repr(name) + " does not match "
        + (extended ? "'^[_\\\\-\\\\@\\\\. a-zA-Z0-9]+$'" : "'^[_\\\\- a-zA-Z0-9]+$'")));
  return std::nullopt;
}

// The create body: {"keypair": {name, public_key, type (2.2), user_id (2.10)}}.
std::optional<api_response> read_create(const api_request& req, storage::keypair* k,
                                        bool* generate) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  auto& v = req.version;
  // At the top of the body Nova's message is jsonschema's alone.
  if (!body->is_object())
    return bad_request(python_repr(*body) + " is not of type 'object'");
  if (!body->contains("keypair"))
    return bad_request("'keypair' is a required property");
  for (auto& [key, value] : body->items())
    if (key != "keypair")
      return bad_request(unexpected_property(key));
  auto& kp = (*body)["keypair"];
  if (!kp.is_object())
    return bad_request(invalid_input("keypair", kp, python_repr(kp) + " is not of type 'object'"));
  for (auto& [key, value] : kp.items()) {
    bool known = key == "name" || key == "public_key" || (key == "type" && typed(v))
                 || (key == "user_id" && v.at_least(2, 10));
    if (!known)
      return bad_request(invalid_input("keypair", kp, unexpected_property(key)));
  }
  if (!kp.contains("name"))
    return bad_request(invalid_input("keypair", kp, "'name' is a required property"));
  if (v.at_least(2, 92) && !kp.contains("public_key"))
    return bad_request(invalid_input("keypair", kp, "'public_key' is a required property"));
  if (auto bad = check_keypair_name(kp["name"], v))
    return bad;
  k->name = kp["name"].get<std::string>();
  if (kp.contains("public_key")) {
    if (!kp["public_key"].is_string())
      return bad_request(invalid_input("public_key", kp["public_key"],
                                       python_repr(kp["public_key"]) + " is not of type 'string'"));
    k->public_key = kp["public_key"].get<std::string>();
  }
  *generate = !kp.contains("public_key");
  if (kp.contains("type")) {
    auto& t = kp["type"];
    if (t != "ssh" && t != "x509")
      return bad_request(
        invalid_input("type", t, python_repr(t) + " is not one of ['ssh', 'x509']"));
    k->type = t.get<std::string>();
  }
  k->user_id = req.ctx.user_id;
  if (kp.contains("user_id")) {
    if (!kp["user_id"].is_string())
      return bad_request(invalid_input("user_id", kp["user_id"],
                                       python_repr(kp["user_id"]) + " is not of type 'string'"));
    k->user_id = kp["user_id"].get<std::string>();
  }
  return std::nullopt;
}

// Fills the fingerprint of an imported key, or makes the key; the private
// half of a made one goes to *private_key.
std::optional<api_response> key_material(storage::keypair* k, bool generate,
                                         std::string* private_key) {
  if (generate) {
    auto made = k->type == "x509" ? compute::generate_x509_keypair(k->user_id)
                                  : compute::generate_ssh_keypair();
    k->public_key = made.public_key;
    *private_key = made.private_key;
  }
  auto fingerprint = k->type == "x509" ? compute::x509_fingerprint(k->public_key)
                                       : compute::ssh_fingerprint(k->public_key);
  if (!fingerprint)
    return bad_request(k->type == "x509"
                         ? "Keypair data is invalid: failed to generate X509 "
                           "fingerprint. Error message: not a PEM certificate"
                         : "Keypair data is invalid: failed to generate fingerprint");
  k->fingerprint = *fingerprint;
  return std::nullopt;
}

api_response create(compute::compute_api& compute, const api_request& req) {
  storage::keypair k;
  bool generate = false;
  if (auto bad = read_create(req, &k, &generate))
    return *bad;
  if (auto refusal = refused(req, "create", k.user_id))
    return *refusal;
  std::string private_key;
  if (auto bad = key_material(&k, generate, &private_key))
    return *bad;
  auto added = compute.keypairs().add(k, compute.keypair_limit(req.ctx, k.user_id));
  if (!added.ok())
    return fault_response(*added.error);
  auto out = keypair_brief(added.value, req.version);
  out["user_id"] = added.value.user_id;
  if (generate)
    out["private_key"] = private_key;
  return json_response(typed(req.version) ? 201 : 200, {{"keypair", out}});
}

// 2.75 refuses unknown query parameters; the list reads limit and marker
// from 2.35.
std::optional<api_response> check_query(const api_request& req, bool list) {
  if (!req.version.at_least(2, 75))
    return std::nullopt;
  std::set<std::string> known{"user_id"};
  if (list)
    known.insert({"limit", "marker"});
  return refuse_unknown_query(req, known);
}

api_response list(compute::compute_api& compute, const api_request& req) {
  if (auto bad = check_query(req, true))
    return *bad;
  auto user = target_user(req);
  if (auto refusal = refused(req, "index", user))
    return *refusal;
  auto all = compute.keypairs().of_user(user); // by name, as Nova pages them
  std::int32_t limit = 1000;
  auto start = all.begin();
  bool paged = req.version.at_least(2, 35);
  if (paged) {
    if (auto bad = read_limit(req, &limit))
      return *bad;
    if (req.has_param("marker")) {
      auto marker = req.param("marker");
      start = std::find_if(all.begin(), all.end(), [&](auto& k) { return k.name == marker; });
      if (start == all.end())
        return bad_request("Marker " + marker + " could not be found.");
      ++start;
    }
  }
  json items = json::array();
  for (auto it = start; it != all.end() && (!paged || items.size() < std::size_t(limit)); ++it)
    items.push_back({{"keypair", keypair_brief(*it, req.version)}});
  json body = {{"keypairs", items}};
  if (paged && limit > 0 && items.size() == std::size_t(limit)) {
    auto href = req.base_url + "/v2.1/os-keypairs?limit=" + std::to_string(limit)
                + "&marker=" + items.back()["keypair"]["name"].get<std::string>();
    if (req.has_param("user_id"))
      href += "&user_id=" + user;
    body["keypairs_links"] = json::array({{{"rel", "next"}, {"href", href}}});
  }
  return json_response(200, body);
}

// Show and delete: the query checked, then `act` on the target user's key
// pair if the policy lets the caller.
template <class Act>
api_response on_one(const api_request& req, const std::string& action, Act act) {
  if (auto bad = check_query(req, false))
    return *bad;
  auto user = target_user(req);
  if (auto refusal = refused(req, action, user))
    return *refusal;
  return act(user);
}

} // namespace

void add_keypair_routes(router& r, compute::compute_api& compute) {
  const std::vector<std::string> rules{
    "os_compute_api:os-keypairs:index", "os_compute_api:os-keypairs:create",
    "os_compute_api:os-keypairs:show", "os_compute_api:os-keypairs:delete"};
  r.add("GET", "/v2.1/os-keypairs", access::owner({rules[0]}),
        [&](const api_request& req, const params&) { return list(compute, req); });
  r.add("POST", "/v2.1/os-keypairs", access::owner({rules[1]}),
        [&](const api_request& req, const params&) { return create(compute, req); });
  r.add("GET", "/v2.1/os-keypairs/{}", access::owner({rules[2]}),
        [&](const api_request& req, const params& p) {
          return on_one(req, "show", [&](const std::string& user) {
            auto k = compute.keypairs().find(user, p[0]);
            if (!k)
              return not_found(compute::keypair_not_found(p[0], user));
            return json_response(200, {{"keypair", keypair_detail(*k, req.version)}});
          });
        });
  r.add("DELETE", "/v2.1/os-keypairs/{}", access::owner({rules[3]}),
        [&](const api_request& req, const params& p) {
          return on_one(req, "delete", [&](const std::string& user) {
            auto gone = compute.keypairs().erase(user, p[0]);
            if (!gone.ok())
              return fault_response(*gone.error);
            return api_response{typed(req.version) ? 204 : 202, "", {}};
          });
        });
}

} // namespace nimbus::api
