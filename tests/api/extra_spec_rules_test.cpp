// Nova's 2.86 flavor extra spec validators, on Nova's own test vectors.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "api/extra_spec_rules.h"

using nimbus::api::extra_spec_refusal;

TEST_CASE("extra spec validators accept what Nova accepts") {
  for (auto& spec : std::vector<std::pair<std::string, std::string>>{
         {"hide_hypervisor_id", "true"},
         {"hw:hide_hypervisor_id", "true"},
         {"hw:numa_nodes", "1"},
         {"hw:numa_nodes", " 016"},
         {"hw:numa_cpus.0", "0-3,8-9,11,10"},
         {"hw:numa_mem.1", "1024"},
         {"hw:cpu_realtime_mask", "^0,2-3,1"},
         {"hw:cpu_dedicated_mask", "0-4,^2,6"},
         {"hw:mem_page_size", "large"},
         {"hw:mem_page_size", "2kbit"},
         {"hw:mem_page_size", "1GB"},
         {"hw:cpu_realtime", "1"},
         {"hw:boot_menu", "y"},
         {"hw:pmem", "a,b,"},
         {"pci_passthrough:alias", "a1:2, b 2:1"},
         {"quota:cpu_quota", "-1"},
         {"quota:disk_read_iops_sec", "1_000"},
         {"resources:VCPU", "4"},
         {"resources_foo:CUSTOM_BAR", "2"},
         {"trait:STORAGE_DISK_SSD", "forbidden"},
         {"trait_foo:HW_CPU_X86_AVX2", "required"},
         {"capabilities:cpu_info:arch", "x86_64"},
         {"capabilities:hypervisor_type", "s== QEMU"},
         {"aggregate_instance_extra_specs:ssd", "<in> true"},
         {"foo", "bar"},
         {"foo:bar", "baz"},
         {"hww:cpu_policy", "sharrred"}}) {
    CAPTURE(spec.first);
    CAPTURE(spec.second);
    CHECK_FALSE(extra_spec_refusal(spec.first, spec.second));
  }
}

TEST_CASE("extra spec validators refuse what Nova refuses, with its messages") {
  auto refused = [](const std::string& key, const std::string& value) {
    auto r = extra_spec_refusal(key, value);
    REQUIRE(r);
    return *r;
  };
  CHECK(refused("hw:numa_nodes", "foo")
        == "Validation failed; 'foo' is not a valid integer value.");
  CHECK(refused("hw:numa_nodes", "0")
        == "Validation failed; '0' is less than the min value of '1'.");
  CHECK(refused("hw:redirected_usb_ports", "16")
        == "Validation failed; '16' is greater than the max value of '15'.");
  CHECK(refused("hw:redirected_usb_ports", "123456789012345678901234567890")
        == "Validation failed; '123456789012345678901234567890' is greater than the max value of "
           "'15'.");
  CHECK(refused("hw:cpu_policy", "x")
        == "Validation failed; 'x' is not one of: dedicated, shared, mixed.");
  CHECK(refused("hw:boot_menu", "yah")
        == "Validation failed; 'yah' is not a valid boolean-like value.");
  CHECK(refused("hw:foo", "bar")
        == "Validation failed; extra spec 'hw:foo' does not appear to be a valid extra spec.");
  CHECK(refused("hw:mem_page_size", "largest")
        == "Validation failed; 'largest' is not of the format "
           "'(large|small|any|\\d+([kKMGT]i?)?(b|bit|B)?)'.");
  for (auto& spec :
       std::vector<std::pair<std::string, std::string>>{{"hw:serial_port_count", "five"},
                                                        {"hw:cpu_policyyyyyyy", "shared"},
                                                        {"hw:cpu_realtime_mask", "a"},
                                                        {"hw:cpu_realtime_mask", "^0,2-3,b"},
                                                        {"hw:mem_page_size", "2kbits"},
                                                        {"hw:cpu_realtime", "00"},
                                                        {"hw:numa_nodes", "1.0"},
                                                        {"hw:numa_nodes", "1__0"},
                                                        {"hw:tpm_version", "4.2"},
                                                        {"hw:pmem", ",a"},
                                                        {"pci_passthrough:alias", "a1"},
                                                        {"resources:VCPU", "N"},
                                                        {"resources:VVCPU", "1"},
                                                        {"trait:STORAGE_DISK_SSD", "forbiden"},
                                                        {"trait:bar", "required"},
                                                        {"trait:CUSTOM_foo", "required"},
                                                        {"capabilities:foo", "x"},
                                                        {"capabilities:cpu_info:", "x"},
                                                        {"os:resolution", "1024x768"},
                                                        {"vmware:other", "x"},
                                                        {"aggregate_instance_extra_specs:", "x"},
                                                        {"hw:", "x"}}) {
    CAPTURE(spec.first);
    CAPTURE(spec.second);
    CHECK(extra_spec_refusal(spec.first, spec.second));
  }
}
