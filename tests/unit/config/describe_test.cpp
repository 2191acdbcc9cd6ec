// describe(): every key read back in a spelling the config accepts, secrets hidden; and which
// keys a reload applies live (SPEC 12).

#include "cqlshift/config/load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace cqlshift::config {
namespace {

std::map<std::string, std::string> required() {
  return {{"origin_contact_points", "10.0.0.1"}, {"target_contact_points", "10.0.1.1"}};
}

std::map<std::string, std::string> described(const settings& s) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : describe(s))
    out.emplace(k, v);
  return out;
}

TEST(describe, lists_every_key_once) {
  const settings s = load(std::nullopt, {}, required());
  std::set<std::string> listed;
  for (const auto& [key, value] : describe(s)) {
    EXPECT_TRUE(listed.insert(key).second) << key << " listed twice";
  }
  std::set<std::string> names;
  for (const auto& k : key_names())
    names.insert(k);
  // Aliases and keys that only accept "unset" have no value of their own.
  names.erase("proxy_max_prepared_statement_cache_size");
  names.erase("target_consistency_level");
  EXPECT_EQ(listed, names);
}

TEST(describe, values_load_back_to_the_same_settings) {
  auto overrides = required();
  overrides["primary_cluster"] = "target";
  overrides["blocked_protocol_versions"] = "v2, DseV1";
  overrides["heartbeat_retry_backoff_factor"] = "1.5";
  overrides["metrics_origin_latency_buckets_ms"] = "0.5, 2, 100";
  overrides["proxy_topology_addresses"] = "10.2.0.1, 10.2.0.2";
  overrides["log_format"] = "JSON";
  const settings first = load(std::nullopt, {}, overrides);
  std::map<std::string, std::string> again;
  for (const auto& [k, v] : describe(first))
    if (!v.empty() && k.find("password") == std::string::npos) again[k] = v;
  const settings second = load(std::nullopt, {}, again);
  EXPECT_EQ(described(first), described(second));
  EXPECT_EQ(described(first)["primary_cluster"], "TARGET");
  EXPECT_EQ(described(first)["blocked_protocol_versions"], "v2, DseV1");
  EXPECT_EQ(described(first)["metrics_origin_latency_buckets_ms"], "0.5, 2, 100");
  EXPECT_EQ(described(first)["log_format"], "json");
}

TEST(describe, passwords_are_never_shown) {
  auto overrides = required();
  overrides["origin_username"] = "cassandra";
  overrides["origin_password"] = "s3cret";
  const auto d = described(load(std::nullopt, {}, overrides));
  EXPECT_EQ(d.at("origin_password"), "***");
  EXPECT_EQ(d.at("target_password"), "");
  EXPECT_EQ(d.at("origin_username"), "cassandra");
  for (const auto& [k, v] : d)
    EXPECT_EQ(v.find("s3cret"), std::string::npos) << k;
}

TEST(describe, live_keys) {
  for (const char* key : {"primary_cluster", "read_mode", "log_level", "log_format",
                          "proxy_request_timeout_ms", "async_handshake_timeout_ms",
                          "replace_cql_functions", "shadow_compare", "shadow_sample_rate"}) {
    EXPECT_TRUE(is_live_key(key)) << key;
  }
  for (const char* key : {"proxy_listen_port", "origin_contact_points", "threads", "metrics_port",
                          "proxy_tls_cert_path", "config_watch", "shadow_queue_size"}) {
    EXPECT_FALSE(is_live_key(key)) << key;
  }
}

TEST(describe, log_format_is_text_or_json) {
  auto overrides = required();
  overrides["log_format"] = "xml";
  try {
    load(std::nullopt, {}, overrides);
    FAIL() << "accepted log_format xml";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "config: key 'log_format': got 'xml', expected text or json (any case) (from the "
              "command line)");
  }
}

}  // namespace
}  // namespace cqlshift::config
