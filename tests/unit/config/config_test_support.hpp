#pragma once
// Shared by the config tests: a private temporary directory for YAML files, removed after each
// test, and the smallest input that loads (both clusters need contact points).

#include "cqlshift/config/load.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace cqlshift::config::test {

class config_test : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("cqlshift-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to a file in the test's directory and returns its path.
  std::filesystem::path write_file(const std::string& text,
                                   const std::string& name = "cqlshift.yaml") const {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  // Loads `yaml` (prefixed by the contact points every valid config needs).
  settings load_yaml(const std::string& yaml) const {
    return load(write_file(minimal_yaml + yaml), {});
  }

  // The message load() throws for `yaml`, or "" when it loads.
  std::string yaml_error(const std::string& yaml) const {
    try {
      load(write_file(yaml), {});
    } catch (const config_error& e) {
      return e.what();
    }
    return "";
  }

  // The message load() throws for these overrides on top of the minimal input, or "".
  static std::string override_error(std::map<std::string, std::string> overrides) {
    overrides.try_emplace("origin_contact_points", "10.0.0.1");
    overrides.try_emplace("target_contact_points", "10.0.0.2");
    try {
      load(std::nullopt, {}, overrides);
    } catch (const config_error& e) {
      return e.what();
    }
    return "";
  }

  static settings load_overrides(std::map<std::string, std::string> overrides) {
    overrides.try_emplace("origin_contact_points", "10.0.0.1");
    overrides.try_emplace("target_contact_points", "10.0.0.2");
    return load(std::nullopt, {}, overrides);
  }

  static inline const std::string minimal_yaml =
      "origin_contact_points: 10.0.0.1\ntarget_contact_points: 10.0.0.2\n";

  std::filesystem::path dir_;
};

}  // namespace cqlshift::config::test
