// Benchmark: boot storm. C clients boot N servers through the REST API of a
// running Nimbus, poll each until ACTIVE or ERROR, then delete them all and
// poll until they are gone. Prints one JSON line and a summary: boots/s
// (first POST to last ACTIVE), POST latency, time to ACTIVE, deletes/s,
// the server's CPU seconds and peak RSS (with --server-pid), the client's
// own CPU, and where the instances landed.
//
//   boot_storm --port 8774 --servers 1000 --clients 64 [--flavor 1]
//              [--server-pid PID] [--host 127.0.0.1] [--poll-ms 20] [--keep 1]
//              [--token T (X-Auth-Token; default admin:admin, for noauth2)]
//              [--networks auto|none (sent at microversion 2.37; default: no key)]
#include <atomic>
#include <barrier>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "bench/bench_util.h"
#include "bench/http_connection.h"

using namespace nimbus;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  std::string host = "127.0.0.1";
  int port = 8774;
  int servers = 1000;
  int clients = 64;
  std::string flavor = "1";
  int server_pid = 0;
  int poll_ms = 20; // pause between two polling rounds of one client
  std::string token = "admin:admin";
  bool keep = false;    // leave the servers in place (to measure lists at scale)
  std::string networks; // the create's `networks` keyword; empty: none sent
};

struct server_state {
  std::string id;
  clock_type::time_point posted, active;
  double post_ms = 0;
  std::string status;
  std::string host;
};

// Reads "key": "value" from a flat JSON text; enough for the fields polled.
std::string json_field(const std::string& body, const std::string& key) {
  auto k = "\"" + key + "\":";
  auto pos = body.find(k);
  if (pos == std::string::npos)
    return {};
  pos += k.size();
  while (pos < body.size() && body[pos] == ' ')
    ++pos;
  if (pos >= body.size() || body[pos] != '"')
    return {};
  auto end = body.find('"', pos + 1);
  return body.substr(pos + 1, end - pos - 1);
}

double server_cpu_seconds(int pid) {
  if (pid <= 0)
    return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close_paren = text.rfind(')');
  std::istringstream rest(text.substr(close_paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15)
      ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long server_peak_rss_kb(int pid) {
  if (pid <= 0)
    return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::atol(line.c_str() + 6);
  return 0;
}

bool parse(int argc, char** argv, options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host")
      o->host = v;
    else if (k == "--port")
      o->port = std::stoi(v);
    else if (k == "--servers")
      o->servers = std::stoi(v);
    else if (k == "--clients")
      o->clients = std::stoi(v);
    else if (k == "--flavor")
      o->flavor = v;
    else if (k == "--server-pid")
      o->server_pid = std::stoi(v);
    else if (k == "--token")
      o->token = v;
    else if (k == "--poll-ms")
      o->poll_ms = std::stoi(v);
    else if (k == "--networks")
      o->networks = v;
    else if (k == "--keep")
      o->keep = v == "1" || v == "true";
    else
      return false;
  }
  return argc % 2 == 1;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, &o)) {
    std::fprintf(
      stderr, "usage: boot_storm --port P --servers N --clients C [--flavor F] [--server-pid PID]\n"
              "                  [--token T]\n");
    return 2;
  }
  std::vector<server_state> servers(static_cast<std::size_t>(o.servers));
  std::atomic<int> failures{0};
  std::atomic<long> polls{0};
  std::barrier sync(o.clients);
  clock_type::time_point first_post = clock_type::time_point::max(), delete_start, delete_end;
  std::mutex mu;
  double cpu0 = server_cpu_seconds(o.server_pid), client_cpu0 = bench::own_cpu_seconds();
  std::vector<std::thread> threads;
  threads.reserve(o.clients);
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      bench::http_connection conn(o.host, o.port, o.token);
      std::vector<std::size_t> mine;
      for (auto i = static_cast<std::size_t>(c); i < servers.size();
           i += static_cast<std::size_t>(o.clients))
        mine.push_back(i);
      // Open the connection before the clock starts: TCP and the server's
      // accept are not part of POST latency (as with any keep-alive client).
      if (conn.request("GET", "/v2.1/").status != 200)
        ++failures;
      sync.arrive_and_wait();
      std::string microversion =
        o.networks.empty() ? std::string{} : "OpenStack-API-Version: compute 2.37\r\n";
      for (auto i : mine) {
        auto& s = servers[i];
        std::string body =
          "{\"server\": {\"name\": \"storm-" + std::to_string(i)
          + "\", \"imageRef\": \"155d900f-4e14-4e4c-a73d-069cbf4541e6\", \"flavorRef\": \""
          + o.flavor + "\""
          + (o.networks.empty() ? std::string{} : ", \"networks\": \"" + o.networks + "\"") + "}}";
        s.posted = clock_type::now();
        {
          std::lock_guard<std::mutex> lock(mu);
          first_post = std::min(first_post, s.posted);
        }
        auto r = conn.request("POST", "/v2.1/servers", body, microversion);
        s.post_ms = bench::seconds_since(s.posted) * 1e3;
        if (r.status != 202) {
          ++failures;
          continue;
        }
        auto id_pos = r.body.find("\"id\":\"");
        s.id = r.body.substr(id_pos + 6, 36);
      }
      // Poll every pending server of this client until it rests.
      std::vector<std::size_t> pending;
      for (auto i : mine)
        if (!servers[i].id.empty())
          pending.push_back(i);
      while (!pending.empty()) {
        std::vector<std::size_t> still;
        for (auto i : pending) {
          auto& s = servers[i];
          auto r = conn.request("GET", "/v2.1/servers/" + s.id);
          ++polls;
          auto status = json_field(r.body, "status");
          if (status == "ACTIVE" || status == "ERROR") {
            s.active = clock_type::now();
            s.status = status;
            s.host = json_field(r.body, "OS-EXT-SRV-ATTR:host");
          } else {
            still.push_back(i);
          }
        }
        pending.swap(still);
        if (!pending.empty())
          std::this_thread::sleep_for(
            std::chrono::milliseconds(o.poll_ms)); // polling pace, as clients do
      }
      sync.arrive_and_wait();
      if (o.keep)
        return;
      if (c == 0)
        delete_start = clock_type::now();
      sync.arrive_and_wait();
      for (auto i : mine)
        if (!servers[i].id.empty()
            && conn.request("DELETE", "/v2.1/servers/" + servers[i].id).status != 204)
          ++failures;
      for (auto i : mine) {
        if (servers[i].id.empty())
          continue;
        while (++polls, conn.request("GET", "/v2.1/servers/" + servers[i].id).status != 404)
          std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
      }
      sync.arrive_and_wait();
      if (c == 0)
        delete_end = clock_type::now();
    });
  }
  for (auto& t : threads)
    t.join();
  double server_cpu = server_cpu_seconds(o.server_pid) - cpu0;
  double client_cpu = bench::own_cpu_seconds() - client_cpu0;
  clock_type::time_point last_active = first_post;
  std::vector<double> post_ms, to_active_ms;
  std::map<std::string, int> per_host;
  int active = 0, errors = 0;
  for (auto& s : servers) {
    if (s.id.empty())
      continue;
    post_ms.push_back(s.post_ms);
    to_active_ms.push_back(std::chrono::duration<double, std::milli>(s.active - s.posted).count());
    last_active = std::max(last_active, s.active);
    (s.status == "ACTIVE" ? active : errors)++;
    per_host[s.host]++;
  }
  double boot_s = std::chrono::duration<double>(last_active - first_post).count();
  double delete_s = o.keep ? 0.0 : std::chrono::duration<double>(delete_end - delete_start).count();
  int booted = active + errors;
  double mean =
    per_host.empty() ? 0 : static_cast<double>(active) / static_cast<double>(per_host.size());
  int lo = per_host.empty() ? 0 : INT32_MAX, hi = 0;
  for (auto& [h, n] : per_host)
    lo = std::min(lo, n), hi = std::max(hi, n);
  double spread = mean > 0 ? std::max(hi - mean, mean - lo) / mean * 100 : 0;
  std::printf(
    "{\"bench\": \"boot_storm\", \"servers\": %d, \"clients\": %d, \"active\": %d, \"error\": %d, "
    "\"failures\": %d, \"boots_per_s\": %.1f, \"post_p50_ms\": %.2f, \"post_p99_ms\": %.2f, "
    "\"to_active_p50_ms\": %.2f, \"to_active_p99_ms\": %.2f, \"deletes_per_s\": %.1f, "
    "\"server_cpu_s\": %.2f, \"server_cpu_ms_per_lifecycle\": %.3f, \"server_peak_rss_mb\": %.1f, "
    "\"client_cpu_s\": %.2f, \"polls_per_server\": %.1f, \"hosts_used\": %zu, \"per_host_min\": "
    "%d, \"per_host_max\": %d, "
    "\"spread_pct\": %.1f, \"machine\": %s, \"commit\": \"%s\", \"args\": %s}\n",
    o.servers, o.clients, active, errors, failures.load(), booted / boot_s,
    bench::percentile(post_ms, 50), bench::percentile(post_ms, 99),
    bench::percentile(to_active_ms, 50), bench::percentile(to_active_ms, 99),
    delete_s > 0 ? booted / delete_s : 0.0, server_cpu, booted ? server_cpu * 1e3 / booted : 0.0,
    static_cast<double>(server_peak_rss_kb(o.server_pid)) / 1024.0, client_cpu,
    booted ? static_cast<double>(polls.load()) / booted : 0.0, per_host.size(), lo, hi, spread,
    bench::machine_json().c_str(), bench::commit().c_str(), bench::args_json(argc, argv).c_str());
  std::printf(
    "boot storm: %d servers by %d clients: %.0f boots/s, POST p50 %.1f ms p99 %.1f ms, "
    "to ACTIVE p50 %.1f ms p99 %.1f ms, %.0f deletes/s; server %.2f CPU-s (%.3f ms per "
    "lifecycle), peak RSS %.0f MB; client %.2f CPU-s; %.1f polls/server; %zu hosts, %d..%d per "
    "host (±%.1f%%)\n",
    o.servers, o.clients, booted / boot_s, bench::percentile(post_ms, 50),
    bench::percentile(post_ms, 99), bench::percentile(to_active_ms, 50),
    bench::percentile(to_active_ms, 99), delete_s > 0 ? booted / delete_s : 0.0, server_cpu,
    booted ? server_cpu * 1e3 / booted : 0.0,
    static_cast<double>(server_peak_rss_kb(o.server_pid)) / 1024.0, client_cpu,
    booted ? static_cast<double>(polls.load()) / booted : 0.0, per_host.size(), lo, hi, spread);
  return failures.load() == 0 ? 0 : 1;
}
