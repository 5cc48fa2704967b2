#include <doctest/doctest.h>

#include <fstream>

#include "tests/support/temp_dir.h"
#include "tools/config.h"
#include "tools/ini.h"

using namespace nimbus::tools;

TEST_CASE("INI sections, comments and the DEFAULT section") {
  ini_file ini;
  std::string error;
  REQUIRE(parse_ini("top = 1\n# comment\n[api]\nport = 9000 \n; more\n", &ini, &error));
  CHECK(ini["DEFAULT"]["top"] == "1");
  CHECK(ini["api"]["port"] == "9000");
  CHECK_FALSE(parse_ini("[api\n", &ini, &error));
  CHECK_FALSE(parse_ini("[api]\njust words\n", &ini, &error));
  CHECK(error.find("line 2") == 0);
}

TEST_CASE("the shipped etc/nimbus.conf loads and matches the built-in defaults") {
  service_config from_file, defaults;
  std::string error;
  REQUIRE(load_config(NIMBUS_SOURCE_DIR "/etc/nimbus.conf", &from_file, &error));
  REQUIRE(load_config("", &defaults, &error));
  CHECK(from_file.warnings.empty());
  CHECK(from_file.api.port == defaults.api.port);
  CHECK(from_file.deployment.cells == defaults.deployment.cells);
  CHECK(from_file.deployment.hosts_per_cell == defaults.deployment.hosts_per_cell);
  CHECK(from_file.deployment.scheduler.enabled_filters
        == defaults.deployment.scheduler.enabled_filters);
  CHECK(from_file.deployment.scheduler.ratios.cpu == defaults.deployment.scheduler.ratios.cpu);
  CHECK(from_file.deployment.report_interval == defaults.deployment.report_interval);
  CHECK(from_file.deployment.sync_power_state_interval
        == defaults.deployment.sync_power_state_interval);
  CHECK(defaults.deployment.sync_power_state_interval == std::chrono::minutes(10));
  CHECK(from_file.deployment.image_cache_manager_interval
        == defaults.deployment.image_cache_manager_interval);
  CHECK(from_file.deployment.remove_unused_base_images);
  CHECK(from_file.deployment.remove_unused_minimum_age == std::chrono::hours(24));
  CHECK(from_file.deployment.quotas == defaults.deployment.quotas);
  CHECK(defaults.deployment.quotas.at("instances") == 10);
  CHECK(defaults.deployment.quotas.at("injected_file_path_bytes") == 255);
  CHECK(from_file.deployment.images.image_size_cap == defaults.deployment.images.image_size_cap);
  CHECK(from_file.deployment.images.user_storage_quota
        == defaults.deployment.images.user_storage_quota);
  CHECK(from_file.deployment.images.image_member_quota
        == defaults.deployment.images.image_member_quota);
  CHECK(from_file.deployment.images.image_tag_quota == defaults.deployment.images.image_tag_quota);
}

TEST_CASE("bad values and unknown keys are reported") {
  nimbus::test::temp_dir dir;
  auto path = dir.sub("n.conf");
  std::ofstream(path) << "[api]\nport = eighty\n";
  service_config cfg;
  std::string error;
  CHECK_FALSE(load_config(path, &cfg, &error));
  CHECK(error == "[api] port = eighty is not an integer");
  std::ofstream(path) << "[api]\nport = 8000\nbogus = 1\n[all_in_one]\ndriver = xen\n";
  CHECK_FALSE(load_config(path, &cfg, &error));
  std::ofstream(path) << "[api]\nport = 8000\nbogus = 1\n";
  service_config ok;
  REQUIRE(load_config(path, &ok, &error));
  CHECK(ok.api.port == 8000);
  REQUIRE(ok.warnings.size() == 1);
  CHECK(ok.warnings[0] == "unknown option [api] bogus is ignored");
}
