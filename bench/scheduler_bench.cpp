// Benchmark: placement decisions per second of one cell's scheduler, and the
// latency of each decision (filter, weigh or draw, claim), on a cell of N
// identical hosts, until the cell is full or D decisions were made: the
// filter driver with its default filters and weighers, then with every
// hint, then each seed driver ([scheduler] driver). Prints one JSON line
// and a summary per case.
//
//   scheduler_bench [hosts=2000] [decisions=100000]
#include <cstdlib>
#include <iostream>

#include "actors/scheduler/placement_engine.h"
#include "bench/bench_util.h"

using namespace nimbus;

namespace {

// `decisions` boots on `hosts` fresh hosts, each with `hints`; prints the
// figures as a JSON line and a summary named `what`.
void run(int argc, char** argv, const char* what, int hosts, int decisions,
         const scheduler::placement_hints& hints,
         scheduler::driver_kind driver = scheduler::driver_kind::filter) {
  scheduler::scheduler_options opts;
  opts.driver = driver;
  scheduler::placement_engine engine(opts);
  for (int i = 0; i < hosts; ++i)
    engine.update_host("host" + std::to_string(i), 64, 262144, 4000, 1);
  scheduler::resources tiny{1, 512, 1};
  std::vector<double> latency_us;
  latency_us.reserve(static_cast<std::size_t>(decisions));
  int placed = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < decisions; ++i) {
    auto t = std::chrono::steady_clock::now();
    auto c = engine.select("u" + std::to_string(i), tiny, {}, 2, hints);
    latency_us.push_back(bench::seconds_since(t) * 1e6);
    if (!c)
      break;
    ++placed;
  }
  double elapsed = bench::seconds_since(start);
  double rate = placed / elapsed;
  double p50 = bench::percentile(latency_us, 50), p99 = bench::percentile(latency_us, 99);
  std::printf("{\"bench\": \"scheduler\", \"case\": \"%s\", \"hosts\": %d, \"decisions\": %d, "
              "\"decisions_per_s\": %.0f, \"latency_p50_us\": %.1f, \"latency_p99_us\": %.1f, "
              "\"machine\": %s, \"commit\": \"%s\", \"args\": %s}\n",
              what, hosts, placed, rate, p50, p99, bench::machine_json().c_str(),
              bench::commit().c_str(), bench::args_json(argc, argv).c_str());
  std::printf("scheduler (%s): %d decisions on %d hosts: %.0f decisions/s, p50 %.1f us, p99 "
              "%.1f us\n",
              what, placed, hosts, rate, p50, p99);
}

} // namespace

int main(int argc, char** argv) {
  int hosts = argc > 1 ? std::atoi(argv[1]) : 2000;
  int decisions = argc > 2 ? std::atoi(argv[2]) : 100000;
  run(argc, argv, "filter", hosts, decisions, {});
  // Every boot asks for a zone of half the hosts and is in an anti-affinity
  // group (max 50 per host) of 200 members that were placed first.
  scheduler::placement_hints hints;
  for (int i = 0; i < hosts; i += 2)
    hints.only.push_back("host" + std::to_string(i));
  std::sort(hints.only.begin(), hints.only.end());
  hints.group =
    scheduler::group_placement{scheduler::group_placement::policy::anti_affinity, 50, {}};
  for (int i = 0; i < 200; ++i)
    hints.group.members.push_back("u" + std::to_string(i));
  hints.different_host_from = {"u0"};
  run(argc, argv, "filter+zone+group+different_host", hosts, decisions, hints);
  run(argc, argv, "random", hosts, decisions, {}, scheduler::driver_kind::random);
  scheduler::placement_hints zone;
  zone.only = hints.only;
  run(argc, argv, "availability-zone", hosts, decisions, zone,
      scheduler::driver_kind::availability_zone);
  run(argc, argv, "simple", hosts, decisions, {}, scheduler::driver_kind::simple);
  return 0;
}
