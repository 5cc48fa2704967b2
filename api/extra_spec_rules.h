#pragma once
// Nova's flavor extra spec validators (microversion 2.86): keys of the
// namespaces Nova knows (hw:, hw_rng:, hw_video:, os:, pci_passthrough:,
// quota:, resources*:, trait*:, capabilities:, accel:, vmware:,
// aggregate_instance_extra_specs:) must be ones it registers, with values
// of their type; keys without a namespace, or of another one, pass.
//
// Nimbus checks a trait name's form (standard names are upper-case words
// of [A-Z0-9_]; CUSTOM_ ones too), not its membership in os-traits.
#include <optional>
#include <string>

namespace nimbus::api {

/// Nova's 400 message ("Validation failed; ...") refusing `key` = `value`,
/// or nullopt when the spec is valid.
std::optional<std::string> extra_spec_refusal(const std::string& key, const std::string& value);

} // namespace nimbus::api
