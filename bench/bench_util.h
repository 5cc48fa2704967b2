#pragma once
// Shared by the benchmarks: percentiles, the machine and commit a figure was
// measured on, and the one-JSON-object-per-line output.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace nimbus::bench {

/// The p-th percentile (0..100) of `v` (sorted in place).
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto idx = static_cast<std::size_t>(std::lround(p / 100.0 * static_cast<double>(v.size() - 1)));
  return v[std::min(idx, v.size() - 1)];
}

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0)
      return line.substr(line.find(':') + 2);
  return "unknown";
}

/// `"machine": {...}` for the JSON line: cores, CPU model, memory.
inline std::string machine_json() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  char buf[512];
  std::snprintf(buf, sizeof buf, "{\"cores\": %u, \"cpu\": \"%s\", \"memory_gb\": %.1f}",
                std::thread::hardware_concurrency(), cpu_model().c_str(),
                static_cast<double>(pages) * static_cast<double>(page) / (1 << 30));
  return buf;
}

/// The commit being measured: NIMBUS_COMMIT, else "unknown".
inline std::string commit() {
  auto* c = std::getenv("NIMBUS_COMMIT");
  return c ? c : "unknown";
}

/// The command line as a JSON array; the value of --token is shown as
/// "***": figures are published, tokens are secrets.
inline std::string args_json(int argc, char** argv) {
  std::string out = "[";
  for (int i = 1; i < argc; ++i) {
    bool secret = i > 1 && std::string(argv[i - 1]) == "--token";
    out += std::string(i > 1 ? ", " : "") + "\"" + (secret ? "***" : argv[i]) + "\"";
  }
  return out + "]";
}

/// CPU seconds this process has used (user + system).
inline double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
         + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace nimbus::bench
