#pragma once
// Nova's extra spec operators (nova/scheduler/filters/extra_specs_ops): how
// a flavor's extra spec asks for a value of a host's (its aggregates'
// metadata, its capabilities). Plain functions, no CAF.
#include <string>

namespace nimbus::scheduler {

/// Whether a host's `value` satisfies the requirement `req` ("= 4" at
/// least 4, "== 4", "!= 4", ">= 4", "<= 4", "s== x" and the other string
/// comparisons, "<in> x" contains x, "<all-in> x y" contains each,
/// "<or> a <or> b" one of them; anything else: equal text).
bool extra_spec_matches(const std::string& value, const std::string& req);

} // namespace nimbus::scheduler
