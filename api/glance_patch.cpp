#include "api/glance_patch.h"

#include "api/glance_attributes.h"

namespace nimbus::api {
namespace {

using compute::fault;
using compute::fault_kind;
using nlohmann::json;

fault bad(std::string message) { return {fault_kind::bad_request, std::move(message)}; }

const char* name_of(patch_op::kind k) {
  switch (k) {
  case patch_op::kind::add:
    return "add";
  case patch_op::kind::remove:
    return "remove";
  case patch_op::kind::replace:
    break;
  }
  return "replace";
}

std::optional<patch_op::kind> kind_of(const std::string& s) {
  if (s == "add")
    return patch_op::kind::add;
  if (s == "replace")
    return patch_op::kind::replace;
  if (s == "remove")
    return patch_op::kind::remove;
  return std::nullopt;
}

// A JSON pointer of one segment ("/name"), decoded (~1 is '/', ~0 is '~').
std::optional<fault> pointer_key(const std::string& path, std::string* key) {
  auto refuse = [&path](const std::string& why) { return bad("Pointer `" + path + "` " + why); };
  if (path.empty() || path[0] != '/')
    return refuse("does not start with \"/\".");
  if (path.find("//") != std::string::npos)
    return refuse("contains adjacent \"/\".");
  if (path.size() > 1 && path.back() == '/')
    return refuse("end with \"/\".");
  if (path.find('/', 1) != std::string::npos)
    return bad("Invalid JSON pointer for this resource: '" + path + "'");
  std::string out;
  for (std::size_t k = 1; k < path.size(); ++k) {
    if (path[k] != '~') {
      out.push_back(path[k]);
      continue;
    }
    if (k + 1 < path.size() && (path[k + 1] == '0' || path[k + 1] == '1')) {
      out.push_back(path[k + 1] == '0' ? '~' : '/');
      ++k;
      continue;
    }
    return refuse("contains \"~\" not part of a recognized escape sequence.");
  }
  *key = out;
  return std::nullopt;
}

std::optional<fault> parse_one(const json& change, patch_dialect dialect, patch_op* op) {
  if (!change.is_object())
    return bad("Operations must be JSON objects.");
  std::string path;
  if (dialect == patch_dialect::v2_1) {
    auto it = change.find("op");
    if (it == change.end() || !it->is_string())
      return bad("Unable to find `op` in JSON Schema change. It must be one of the following: "
                 "add, remove, replace.");
    auto kind = kind_of(it->get<std::string>());
    if (!kind)
      return bad("Invalid operation: `" + it->get<std::string>()
                 + "`. It must be one of the following: add, remove, replace.");
    op->op = *kind;
    auto p = change.find("path");
    if (p == change.end() || !p->is_string())
      return bad("Unable to find 'path' in JSON Schema change");
    path = p->get<std::string>();
  } else {
    int found = 0;
    for (auto name : {"add", "remove", "replace"})
      if (auto it = change.find(name); it != change.end()) {
        ++found;
        op->op = *kind_of(name);
        if (!it->is_string())
          return bad("Invalid JSON pointer for this resource: '" + it->dump() + "'");
        path = it->get<std::string>();
      }
    if (found == 0)
      return bad("Operation objects must contain exactly one member named \"add\", \"remove\", "
                 "or \"replace\".");
    if (found > 1)
      return bad("Operation objects must contain only one member named \"add\", \"remove\", or "
                 "\"replace\".");
  }
  if (op->op != patch_op::kind::remove) {
    auto v = change.find("value");
    if (v == change.end())
      return bad(std::string("Operation \"") + name_of(op->op)
                 + "\" requires a member named \"value\".");
    op->value = *v;
  }
  return pointer_key(path, &op->key);
}

} // namespace

std::optional<patch_dialect> patch_dialect_of(const std::string& content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ')
    type.pop_back();
  if (type == "application/openstack-images-v2.1-json-patch")
    return patch_dialect::v2_1;
  if (type == "application/openstack-images-v2.0-json-patch")
    return patch_dialect::v2_0;
  return std::nullopt;
}

std::optional<fault> parse_image_patch(const std::string& body, patch_dialect dialect,
                                       std::vector<patch_op>* out) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return bad("Malformed JSON in request body.");
  if (!doc.is_array())
    return bad("Request body must be a JSON array of operation objects.");
  for (auto& change : doc) {
    patch_op op;
    if (auto refusal = parse_one(change, dialect, &op))
      return refusal;
    out->push_back(std::move(op));
  }
  return std::nullopt;
}

std::optional<fault> apply_image_patch(storage::image& i, const std::vector<patch_op>& ops,
                                       patch_dialect dialect, bool is_admin) {
  for (auto& op : ops) {
    bool extra = !is_base_attribute(op.key);
    bool present = i.properties.count(op.key) > 0;
    if (op.op == patch_op::kind::remove) {
      if (auto refusal = remove_image_attribute(i, op.key))
        return refusal;
      continue;
    }
    if (auto refusal = key_refusal(op.key, attribute_change::patch))
      return refusal; // read-only or reserved, whatever the value
    if (extra && op.op == patch_op::kind::replace && !present)
      return fault{fault_kind::conflict, "Property " + op.key + " does not exist."};
    if (extra && op.op == patch_op::kind::add && present && dialect == patch_dialect::v2_0)
      return fault{fault_kind::conflict, "Property " + op.key + " already present."};
    if (auto refused = set_image_attribute(i, op.key, op.value, attribute_change::patch, is_admin))
      return refused;
  }
  return std::nullopt;
}

} // namespace nimbus::api
