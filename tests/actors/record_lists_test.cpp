// Every record's one field list (storage/record_fields.h) carries every field
// both ways: to the store as JSON and between processes as CAF's binary
// format. Each record is filled, field by field, through its own inspect()
// with values that differ from the defaults, then sent both ways and
// compared with what came back.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deep_to_string.hpp>

#include "actors/protocol/messages.h"
#include "tests/support/threaded_config.h"

using namespace nimbus;

namespace {

// An inspector that writes a fresh, non-default value into every field.
struct filler {
  using result_type = void;
  int next = 1;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (fill(xs), ...);
  }
  void fill(const caf::meta::type_name_t&) {}
  void fill(std::string& s) { s = "v" + std::to_string(next++); }
  void fill(bool& b) { b = !b; }
  void fill(double& d) { d = next++ + 0.25; }
  template <class T>
  std::enable_if_t<std::is_integral_v<T>> fill(T& n) {
    n = static_cast<T>(next++);
  }
  template <class T>
  std::enable_if_t<std::is_enum_v<T>> fill(T& e) {
    e = static_cast<T>(1); // the second value of each enum: never its default
  }
  void fill(std::map<std::string, std::string>& m) {
    m["k" + std::to_string(next)] = "v" + std::to_string(next);
    ++next;
  }
  template <class T>
  void fill(std::vector<T>& xs) {
    xs.resize(2);
    for (auto& x : xs)
      fill(x);
  }
  template <class T>
  auto fill(T& record) -> decltype(inspect(std::declval<filler&>(), record)) {
    inspect(*this, record);
  }
};

template <class Record>
Record filled() {
  Record r;
  filler f;
  inspect(f, r);
  return r;
}

template <class Record>
void survives_caf(caf::actor_system& sys, const Record& original) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = original;
  REQUIRE_FALSE(sink(copy));
  Record back;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(back));
  CHECK(caf::deep_to_string(back) == caf::deep_to_string(original));
}

template <class Record>
void survives_json(const Record& original) {
  Record back;
  REQUIRE_FALSE(storage::decode(storage::encode(original), &back));
  CHECK(caf::deep_to_string(back) == caf::deep_to_string(original));
}

} // namespace

TEST_CASE("records: every field survives the store codec and CAF's binary format") {
  test::threaded_config cfg;
  caf::actor_system sys{cfg};
  auto both = [&](const auto& r) {
    CAPTURE(caf::deep_to_string(r));
    survives_json(r);
    survives_caf(sys, r);
  };
  both(filled<storage::flavor>());
  both(filled<storage::image>());
  both(filled<storage::cell_mapping>());
  both(filled<storage::host_mapping>());
  both(filled<storage::instance_mapping>());
  both(filled<storage::instance_record>());
  both(filled<storage::build_request>());
  both(filled<storage::request_spec>());
  both(filled<storage::instance_action>());
  both(filled<storage::migration>());
  both(filled<storage::service_record>());
  both(filled<storage::compute_node>());
  // Carried inside the others only: the wire format alone.
  survives_caf(sys, filled<storage::instance_fault>());
  survives_caf(sys, filled<storage::action_event>());
  survives_caf(sys, filled<storage::image_member>());
  survives_caf(sys, filled<storage::tier_pool>());
  auto r = filled<storage::instance_record>();
  CHECK_FALSE(r.fault.message.empty()); // nested records were filled too
  CHECK(r.flavor_copy.vcpus != 0);
}
