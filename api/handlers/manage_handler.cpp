// POST /nimbus-manage/cell_v2/{command}: nimbus-manage's channel to a running
// API (rule nimbus:manage:cell_v2, admins by default). Body {"options": {"cell_uuid": "...",
// "disable": ""}}; answer {"rc": 0, "stdout": "...", "stderr": "..."}.
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"

namespace nimbus::api {

void add_manage_routes(router& r, compute::compute_api& compute) {
  r.add("POST", "/nimbus-manage/cell_v2/{}", access::own("nimbus:manage:cell_v2"),
        [&](const api_request& req, const params& p) {
          auto body = parse_body(req.body.empty() ? "{}" : req.body);
          if (!body || !body->is_object())
            return malformed_body();
          std::map<std::string, std::string> opts;
          if (body->contains("options")) {
            auto& o = (*body)["options"];
            if (!o.is_object())
              return bad_request("'options' must be an object");
            for (auto& [k, v] : o.items())
              opts[k] = v.is_string() ? v.get<std::string>() : v.dump();
          }
          auto result = compute.manage(p[0], opts);
          return json_response(200,
                               {{"rc", result.rc}, {"stdout", result.out}, {"stderr", result.err}});
        });
}

} // namespace nimbus::api
