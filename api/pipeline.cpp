#include "api/pipeline.h"

#include <atomic>
#include <exception>
#include <memory>

#include <spdlog/spdlog.h>

namespace nimbus::api {

void guarded_dispatch(const router& routes, const api_request& req, const reply_fn& reply,
                      internal_error_fn internal_error) {
  auto replied =
    std::make_shared<std::atomic<bool>>(false); // the reply may come from another thread
  try {
    routes.dispatch(req, [replied, reply](api_response resp) {
      *replied = true;
      reply(std::move(resp));
    });
  } catch (const std::exception& e) {
    spdlog::error("{} {} {}: unexpected error: {}", req.request_id, req.method,
                  "/" + (req.path.empty() ? std::string{} : req.path[0]), e.what());
    if (!*replied)
      reply(internal_error());
  }
}

void log_request(const api_request& req, const api_response& resp,
                 std::chrono::steady_clock::time_point start) {
  auto ms =
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string path;
  for (auto& s : req.path)
    path += "/" + s;
  spdlog::info("{} {} {} {} {} {:.1f}ms", req.request_id,
               req.creds.user_id.empty() ? "-" : req.creds.user_id, req.method,
               path.empty() ? "/" : path, resp.status, ms);
}

} // namespace nimbus::api
