// One contract, run against the fake driver and the real libvirt driver (on
// libvirt's in-process test driver with a node description of our own).
#include <doctest/doctest.h>

#include "hypervisor/fake_driver.h"
#include "hypervisor/fault_injecting_driver.h"
#include "hypervisor/libvirt_driver.h"
#include "tests/support/temp_dir.h"

using namespace nimbus::hypervisor;

namespace {

std::unique_ptr<driver> make_fake(const nimbus::test::temp_dir&) {
  return make_fake_driver({"fake-1", 8, 16384, 100});
}

std::unique_ptr<driver> make_libvirt(const nimbus::test::temp_dir& dir) {
  auto node = dir.sub("hosts/h1.xml");
  REQUIRE_FALSE(write_test_node_xml(node, 8, 16384));
  std::error_code ec;
  auto d = make_libvirt_driver({"test://" + node, "", "fake-1", 100}, &ec);
  REQUIRE_FALSE(ec);
  return d;
}

struct driver_factory {
  const char* name;
  std::unique_ptr<driver> (*make)(const nimbus::test::temp_dir&);
};
const driver_factory factories[] = {{"fake", make_fake}, {"libvirt", make_libvirt}};

domain_spec spec(const std::string& name) {
  return {name, "6e0f7d86-6c3e-4a8a-9d7b-6c1c2c1f0a0" + name.substr(name.size() - 1), 1, 512, 1};
}

power_state state_of(driver& d, const std::string& name) {
  power_state s = power_state::nostate;
  REQUIRE_FALSE(d.get_power_state(name, &s));
  return s;
}

} // namespace

TEST_CASE("driver contract: host resources") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto d = f.make(dir);
    host_resources r;
    REQUIRE_FALSE(d->get_host_resources(&r));
    CHECK(r.vcpus == 8);
    CHECK(r.memory_mb == 16384);
    CHECK(r.local_gb == 100);
    CHECK(r.hypervisor_hostname == "fake-1");
    CHECK_FALSE(r.hypervisor_type.empty());
    std::vector<domain_info> doms;
    REQUIRE_FALSE(d->list_domains(&doms));
    CHECK(doms.empty()); // a fresh host has no domains
  }
}

TEST_CASE("driver contract: a domain has the interfaces of its ports") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto d = f.make(dir);
    auto s = spec("instance-1");
    s.interfaces = {
      {"fa:16:3e:00:00:01", "nbr6e0f7d86-6c3", 101, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"},
      {"fa:16:3e:00:00:02", "nbr11111111-222", 0, "ffffffff-eeee-dddd-cccc-bbbbbbbbbbbb"}};
    REQUIRE_FALSE(d->spawn(s));
    std::vector<interface_spec> shown;
    REQUIRE_FALSE(d->list_interfaces("instance-1", &shown));
    REQUIRE(shown.size() == 2);
    CHECK(shown[0].mac_address == "fa:16:3e:00:00:01");
    CHECK(shown[0].bridge == "nbr6e0f7d86-6c3");
    CHECK(shown[1].mac_address == "fa:16:3e:00:00:02");
    CHECK(shown[1].bridge == "nbr11111111-222");
    // The host device is named after the port (the first 11 characters of its id).
    CHECK(s.interfaces[0].port_id.rfind(shown[0].port_id, 0) == 0);
    CHECK(shown[0].port_id.size() >= 11);
    CHECK(d->list_interfaces("instance-2", &shown) == errc::not_found);
    REQUIRE_FALSE(d->destroy("instance-1"));
    CHECK(d->list_interfaces("instance-1", &shown) == errc::not_found);
  }
}

TEST_CASE("driver contract: the lifecycle of a domain") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto d = f.make(dir);
    REQUIRE_FALSE(d->spawn(spec("instance-1")));
    CHECK(state_of(*d, "instance-1") == power_state::running);
    CHECK(d->spawn(spec("instance-1")) == errc::already_exists);

    REQUIRE_FALSE(d->reboot("instance-1", false));
    REQUIRE_FALSE(d->reboot("instance-1", true));
    CHECK(state_of(*d, "instance-1") == power_state::running);

    REQUIRE_FALSE(d->power_off("instance-1"));
    CHECK(state_of(*d, "instance-1") == power_state::shutdown);
    CHECK_FALSE(d->power_off("instance-1")); // already off: fine
    CHECK(d->reboot("instance-1", false) == errc::invalid_state);

    REQUIRE_FALSE(d->power_on("instance-1"));
    CHECK(state_of(*d, "instance-1") == power_state::running);

    std::vector<domain_info> doms;
    REQUIRE_FALSE(d->list_domains(&doms));
    REQUIRE(doms.size() == 1);
    CHECK(doms[0].name == "instance-1");
    CHECK(doms[0].state == power_state::running);

    REQUIRE_FALSE(d->destroy("instance-1"));
    power_state s;
    CHECK(d->get_power_state("instance-1", &s) == errc::not_found);
    CHECK(d->destroy("instance-1") == errc::not_found);
    REQUIRE_FALSE(d->list_domains(&doms));
    CHECK(doms.empty());
  }
}

TEST_CASE("driver contract: pause, suspend, rescue, NMI, passwords and the console") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto d = f.make(dir);
    REQUIRE_FALSE(d->spawn(spec("instance-5")));
    std::string console;
    REQUIRE_FALSE(d->get_console_output("instance-5", &console));
    CHECK(console.find("instance-5 login:") != std::string::npos);
    CHECK(console.back() == '\n');

    CHECK(d->unpause("instance-5") == errc::invalid_state); // not paused
    REQUIRE_FALSE(d->pause("instance-5"));
    CHECK(state_of(*d, "instance-5") == power_state::paused);
    CHECK(d->pause("instance-5") == errc::invalid_state);
    CHECK(d->suspend("instance-5") == errc::invalid_state);
    REQUIRE_FALSE(d->unpause("instance-5"));
    CHECK(state_of(*d, "instance-5") == power_state::running);

    REQUIRE_FALSE(d->suspend("instance-5"));
    CHECK(state_of(*d, "instance-5") == power_state::shutdown);
    CHECK(d->pause("instance-5") == errc::invalid_state);
    REQUIRE_FALSE(d->resume("instance-5"));
    CHECK(state_of(*d, "instance-5") == power_state::running);
    CHECK_FALSE(d->resume("instance-5")); // running already: fine

    REQUIRE_FALSE(d->rescue("instance-5"));
    CHECK(state_of(*d, "instance-5") == power_state::running);
    REQUIRE_FALSE(d->unrescue("instance-5"));
    CHECK(state_of(*d, "instance-5") == power_state::running);
    std::string after;
    REQUIRE_FALSE(d->get_console_output("instance-5", &after));
    CHECK(after.size() > console.size()); // the restarts printed more

    auto nmi = d->inject_nmi("instance-5");
    CHECK((!nmi || nmi == errc::unsupported));
    auto pass = d->set_admin_password("instance-5", "root", "s3cret");
    CHECK((!pass || pass == errc::unsupported));

    REQUIRE_FALSE(d->power_off("instance-5"));
    CHECK(d->pause("instance-5") == errc::invalid_state);
    CHECK(d->inject_nmi("instance-5") == errc::invalid_state);
    REQUIRE_FALSE(d->get_console_output("instance-5", &console)); // kept while defined

    REQUIRE_FALSE(d->power_on("instance-5"));
    REQUIRE_FALSE(d->suspend("instance-5"));
    REQUIRE_FALSE(d->destroy("instance-5")); // its saved memory goes with it
    CHECK(d->get_console_output("instance-5", &console) == errc::not_found);
    REQUIRE_FALSE(d->spawn(spec("instance-5")));
    CHECK(state_of(*d, "instance-5") == power_state::running);
  }
}

TEST_CASE("driver contract: calls on unknown domains answer not_found") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto d = f.make(dir);
    CHECK(d->power_off("nope") == errc::not_found);
    CHECK(d->power_on("nope") == errc::not_found);
    CHECK(d->reboot("nope", true) == errc::not_found);
    CHECK(d->pause("nope") == errc::not_found);
    CHECK(d->suspend("nope") == errc::not_found);
    CHECK(d->resume("nope") == errc::not_found);
    CHECK(d->rescue("nope") == errc::not_found);
    std::string out;
    CHECK(d->get_console_output("nope", &out) == errc::not_found);
  }
}

namespace {

std::vector<std::string> point_ids(driver& d, const std::string& name) {
  std::vector<chain_point> chain;
  REQUIRE_FALSE(d.list_points(name, &chain));
  std::vector<std::string> ids;
  ids.reserve(chain.size());
  for (auto& p : chain)
    ids.push_back(p.id);
  return ids;
}

} // namespace

TEST_CASE("driver contract: the snapshot chain") {
  using ids = std::vector<std::string>;
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto d = f.make(dir);
    REQUIRE_FALSE(d->spawn(spec("instance-1")));
    CHECK(point_ids(*d, "instance-1").empty());
    REQUIRE_FALSE(d->create_point("instance-1", "p1"));
    REQUIRE_FALSE(d->create_point("instance-1", "p2"));
    REQUIRE_FALSE(d->create_point("instance-1", "p3"));
    CHECK(d->create_point("instance-1", "p2") == errc::already_exists);
    CHECK(point_ids(*d, "instance-1") == ids{"p1", "p2", "p3"});

    REQUIRE_FALSE(d->power_off("instance-1"));
    REQUIRE_FALSE(d->remove_point("instance-1", "p2")); // merged into p3
    CHECK(point_ids(*d, "instance-1") == ids{"p1", "p3"});
    CHECK(d->remove_point("instance-1", "p2") == errc::not_found);

    REQUIRE_FALSE(d->power_on("instance-1"));
    REQUIRE_FALSE(d->revert_to_point("instance-1", "p1")); // the later points go
    CHECK(point_ids(*d, "instance-1") == ids{"p1"});
    CHECK(state_of(*d, "instance-1") == power_state::running); // keeps its power state
    CHECK(d->revert_to_point("instance-1", "p3") == errc::not_found);
    // No disk to write out here; a point that is not there is still not found.
    CHECK(d->export_disk("instance-1", "p9", dir.sub("out.qcow2")) == errc::not_found);

    std::vector<chain_point> chain;
    CHECK(d->list_points("nope", &chain) == errc::not_found);
    CHECK(d->create_point("nope", "p1") == errc::not_found);
    REQUIRE_FALSE(d->destroy("instance-1")); // its chain goes with it
    REQUIRE_FALSE(d->spawn(spec("instance-1")));
    CHECK(point_ids(*d, "instance-1").empty());
  }
}

TEST_CASE("fault injection around the real libvirt driver") {
  nimbus::test::temp_dir dir;
  fault_injecting_driver d(make_libvirt(dir));
  d.faults().fail_next(operation::spawn);
  CHECK(d.spawn(spec("instance-2")) == errc::injected_failure);
  power_state s;
  CHECK(d.get_power_state("instance-2", &s) == errc::not_found); // nothing half-made
  CHECK_FALSE(d.spawn(spec("instance-2")));                      // the next call goes through
  CHECK_FALSE(d.get_power_state("instance-2", &s));
}

TEST_CASE("the fake driver's injected failures and external state changes") {
  auto d = make_fake_driver();
  d->faults().fail_next(operation::power_off, errc::operation_failed, 2);
  REQUIRE_FALSE(d->spawn(spec("instance-3")));
  CHECK(d->power_off("instance-3") == errc::operation_failed);
  CHECK(d->power_off("instance-3") == errc::operation_failed);
  CHECK_FALSE(d->power_off("instance-3"));
  REQUIRE_FALSE(d->test_set_power_state("instance-3", power_state::crashed));
  power_state s;
  REQUIRE_FALSE(d->get_power_state("instance-3", &s));
  CHECK(s == power_state::crashed);
}

TEST_CASE("each libvirt test-node connection keeps its own domains") {
  nimbus::test::temp_dir dir;
  auto a = make_libvirt(dir);
  auto b = make_libvirt(dir);
  REQUIRE_FALSE(a->spawn(spec("instance-4")));
  std::vector<domain_info> doms;
  REQUIRE_FALSE(b->list_domains(&doms));
  CHECK(doms.empty());
}
