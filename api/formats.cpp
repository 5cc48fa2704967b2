#include "api/formats.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <unordered_map>

#include <openssl/evp.h>

namespace nimbus::api {
namespace {

std::string format_time(std::int64_t us, const char* pattern) {
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}

std::string digest_hex(const EVP_MD* md, const std::string& input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), out, &len, md, nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", out[i]);
    hex += byte;
  }
  return hex;
}

} // namespace

std::string iso_seconds(std::int64_t us) { return format_time(us, "%Y-%m-%dT%H:%M:%SZ"); }

std::string iso_micros(std::int64_t us) {
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(us % 1'000'000));
  return format_time(us, "%Y-%m-%dT%H:%M:%S") + frac;
}

nlohmann::json iso_micros_or_null(std::int64_t us) {
  return us == 0 ? nlohmann::json(nullptr) : nlohmann::json(iso_micros(us));
}

nlohmann::json self_links(const std::string& base, const std::string& kind, const std::string& id) {
  return nlohmann::json::array({{{"rel", "self"}, {"href", base + "/v2.1/" + kind + "/" + id}},
                                {{"rel", "bookmark"}, {"href", base + "/" + kind + "/" + id}}});
}

std::string host_id(const std::string& project_id, const std::string& host) {
  if (host.empty())
    return {};
  // Every server view carries one; a digest costs more than the rest of the
  // view (OpenSSL 3 fetches the algorithm each time). Few (project, host)
  // pairs recur, so each thread remembers the ones it has seen.
  thread_local std::unordered_map<std::string, std::string> seen;
  auto key = project_id + host;
  if (auto it = seen.find(key); it != seen.end())
    return it->second;
  if (seen.size() >= 4096)
    seen.clear();
  auto id = digest_hex(EVP_sha224(), key);
  seen.emplace(std::move(key), id);
  return id;
}

std::string name_uuid(const std::string& name) {
  auto h = digest_hex(EVP_md5(), name);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-"
         + h.substr(20, 12);
}

std::optional<std::int64_t> parse_iso_time(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail() || text.size() < 19 || text[10] != 'T')
    return std::nullopt;
  std::int64_t micros = 0, scale = 1000000;
  for (bool dot = in.peek() == '.' && in.get(); dot && std::isdigit(in.peek());)
    if (scale > 1)
      micros += (in.get() - '0') * (scale /= 10);
    else
      in.get();
  std::string rest;
  std::getline(in, rest);
  if (!(rest.empty() || rest == "Z" || rest == "+00:00"))
    return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000000 + micros;
}

} // namespace nimbus::api
