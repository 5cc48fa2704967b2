#pragma once
// Hypervisors and services as the compute API shows them, per microversion.
#include <nlohmann/json.hpp>

#include "actors/protocol/message_types.h"
#include "api/views/server_view.h"
#include "compute/compute_api.h"

namespace nimbus::api {

nlohmann::json hypervisor_brief(const hypervisor_view& h, const view_context& v);
nlohmann::json hypervisor_detail(const hypervisor_view& h, const view_context& v);
/// The id a hypervisor goes by: its integer id below 2.53, its uuid from 2.53.
nlohmann::json hypervisor_id(const hypervisor_view& h, const view_context& v);

nlohmann::json compute_service(const service_view& s, const view_context& v);
nlohmann::json control_service_json(const compute::control_service& s, std::int32_t id,
                                    std::int64_t now_us, const view_context& v);

} // namespace nimbus::api
