#include "api/views/action_view.h"

#include "api/formats.h"

namespace nimbus::api {

using nlohmann::json;

json action_brief(const storage::instance_action& a, const view_context& v) {
  json out = {{"action", storage::nova_name(a.action)},
              {"instance_uuid", a.instance_uuid},
              {"request_id", a.request_id},
              {"user_id", a.user_id},
              {"project_id", a.project_id},
              {"start_time", iso_micros(a.start_us)},
              {"message", string_or_null(a.message)}};
  if (v.version.at_least(2, 58))
    out["updated_at"] = iso_micros_or_null(a.updated_us);
  return out;
}

json action_detail(const storage::instance_action& a, const std::string& project_id,
                   const view_context& v) {
  auto out = action_brief(a, v);
  json events = json::array();
  for (auto& e : a.events) {
    json ev = {{"event", e.event},
               {"start_time", iso_micros(e.start_us)},
               {"finish_time", iso_micros_or_null(e.finish_us)},
               {"result", string_or_null(e.result)}};
    if (v.action_events)
      ev["traceback"] = string_or_null(e.traceback);
    if (v.version.at_least(2, 62)) {
      ev["hostId"] = host_id(project_id, e.host);
      if (v.action_events)
        ev["host"] = e.host;
    }
    events.push_back(ev);
  }
  out["events"] = events;
  return out;
}

} // namespace nimbus::api
