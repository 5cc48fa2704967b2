#pragma once
// Compute API microversions: parsing the request headers and the range we serve.
#include <optional>
#include <string>

namespace nimbus::api {

struct microversion {
  int major = 2;
  int minor = 1;

  bool at_least(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
  std::string text() const { return std::to_string(major) + "." + std::to_string(minor); }
};

inline constexpr microversion min_version{2, 1};
inline constexpr microversion max_version{2, 100};

/// What the client asked for: `OpenStack-API-Version: compute X.Y` wins over
/// `X-OpenStack-Nova-API-Version: X.Y`; no header means 2.1; "latest" means
/// max_version. `raw` gets the text as sent (echoed even when refused).
/// nullopt if the text is not a version; in_range() tells if we serve it.
std::optional<microversion> requested_version(const std::string& openstack_api_version,
                                              const std::string& legacy_header, std::string* raw);
bool in_range(const microversion& v);

} // namespace nimbus::api
