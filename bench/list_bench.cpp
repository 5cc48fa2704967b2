// Benchmark: server lists at scale. Against a running Nimbus that already
// holds servers, times GET /v2.1/servers/detail?limit=L as admin over every
// project (all_tenants), with a project filter (a user's own view), and
// with a marker deep in the list. Prints one JSON line per variant.
//
//   list_bench --port 8774 [--requests 50] [--limit 1000] [--project admin]
#include <cstdio>
#include <string>

#include "bench/bench_util.h"
#include "bench/http_connection.h"

using namespace nimbus;

namespace {

struct figures {
  double p50 = 0, p99 = 0;
  std::size_t bytes = 0;
  int failures = 0;
};

figures run(bench::http_connection& conn, const std::string& path, int requests) {
  std::vector<double> ms;
  figures f;
  for (int i = 0; i < requests; ++i) {
    auto t = std::chrono::steady_clock::now();
    auto r = conn.request("GET", path);
    ms.push_back(bench::seconds_since(t) * 1e3);
    f.failures += r.status == 200 ? 0 : 1;
    f.bytes = r.body.size();
  }
  f.p50 = bench::percentile(ms, 50);
  f.p99 = bench::percentile(ms, 99);
  return f;
}

// The id of the server at position `depth` of the full list (paging to it).
std::string marker_at(bench::http_connection& conn, int depth, int limit) {
  std::string marker;
  for (int seen = 0; seen < depth; seen += limit) {
    auto r = conn.request("GET", "/v2.1/servers?all_tenants=1&limit=" + std::to_string(limit)
                                   + (marker.empty() ? "" : "&marker=" + marker));
    auto last = r.body.rfind("\"id\":\"");
    if (last == std::string::npos)
      break;
    marker = r.body.substr(last + 6, 36);
  }
  return marker;
}

} // namespace

int main(int argc, char** argv) {
  int port = 8774, requests = 50, limit = 1000;
  std::string project = "admin";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      port = std::stoi(v);
    else if (k == "--requests")
      requests = std::stoi(v);
    else if (k == "--limit")
      limit = std::stoi(v);
    else if (k == "--project")
      project = v;
  }
  bench::http_connection admin("127.0.0.1", port, "admin:admin");
  bench::http_connection user("127.0.0.1", port, "user:" + project);
  auto lim = "limit=" + std::to_string(limit);
  auto deep = marker_at(admin, 50 * limit / 2, limit);
  struct variant {
    const char* name;
    bench::http_connection* conn;
    std::string path;
  } variants[] = {
    {"all_tenants", &admin, "/v2.1/servers/detail?all_tenants=1&" + lim},
    {"project", &user, "/v2.1/servers/detail?" + lim},
    {"deep_marker", &admin, "/v2.1/servers/detail?all_tenants=1&" + lim + "&marker=" + deep},
  };
  for (auto& v : variants) {
    auto f = run(*v.conn, v.path, requests);
    std::printf("{\"bench\": \"list\", \"variant\": \"%s\", \"limit\": %d, \"requests\": %d, "
                "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"response_bytes\": %zu, \"failures\": %d, "
                "\"machine\": %s, \"commit\": \"%s\", \"args\": %s}\n",
                v.name, limit, requests, f.p50, f.p99, f.bytes, f.failures,
                bench::machine_json().c_str(), bench::commit().c_str(),
                bench::args_json(argc, argv).c_str());
    std::printf("list %s: limit %d: p50 %.1f ms, p99 %.1f ms (%zu bytes)\n", v.name, limit, f.p50,
                f.p99, f.bytes);
  }
  return 0;
}
