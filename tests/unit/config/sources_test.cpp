// Every key from every source, and the order in which sources win.

#include "config_test_support.hpp"

#include <algorithm>
#include <set>

namespace cqlshift::config::test {
namespace {

using sources = config_test;

// A non-default value for every key that can be set together with the others (the secure
// connect bundle excludes contact points and TLS paths: see bundle_paths_load below).
const std::map<std::string, std::string> every_key{
    {"primary_cluster", "TARGET"},
    {"read_mode", "DUAL_ASYNC_ON_SECONDARY"},
    {"replace_cql_functions", "true"},
    {"async_handshake_timeout_ms", "4001"},
    {"shadow_compare", "count"},
    {"shadow_sample_rate", "0.25"},
    {"shadow_queue_size", "64"},
    {"log_level", "debug"},
    {"log_format", "json"},
    {"config_watch", "true"},
    {"control_conn_max_protocol_version", "4"},
    {"blocked_protocol_versions", "v2,DseV1"},
    {"proxy_topology_index", "1"},
    {"proxy_topology_addresses", "10.1.0.1, 10.1.0.2"},
    {"proxy_topology_num_tokens", "16"},
    {"origin_contact_points", "o1.example, o2.example"},
    {"origin_port", "19042"},
    {"origin_username", "ou"},
    {"origin_password", "op"},
    {"origin_local_datacenter", "odc"},
    {"origin_connection_timeout_ms", "1001"},
    {"origin_tls_server_ca_path", "/o/ca.pem"},
    {"origin_tls_client_cert_path", "/o/cert.pem"},
    {"origin_tls_client_key_path", "/o/key.pem"},
    {"origin_tls_verify_hostname", "false"},
    {"target_contact_points", "t1.example"},
    {"target_port", "29042"},
    {"target_username", "tu"},
    {"target_password", "tp"},
    {"target_local_datacenter", "tdc"},
    {"target_connection_timeout_ms", "1002"},
    {"target_tls_server_ca_path", "/t/ca.pem"},
    {"target_tls_client_cert_path", "/t/cert.pem"},
    {"target_tls_client_key_path", "/t/key.pem"},
    {"target_tls_verify_hostname", "no"},
    {"target_consistency_level", ""},
    {"proxy_listen_address", "0.0.0.0"},
    {"proxy_listen_port", "14003"},
    {"proxy_request_timeout_ms", "1003"},
    {"proxy_max_client_connections", "7"},
    {"proxy_max_stream_ids", "128"},
    {"proxy_tls_ca_path", "/p/ca.pem"},
    {"proxy_tls_cert_path", "/p/cert.pem"},
    {"proxy_tls_key_path", "/p/key.pem"},
    {"proxy_tls_require_client_auth", "true"},
    {"metrics_enabled", "false"},
    {"metrics_address", "127.0.0.2"},
    {"metrics_port", "14004"},
    {"metrics_prefix", "zdm"},
    {"metrics_origin_latency_buckets_ms", "1, 2"},
    {"metrics_target_latency_buckets_ms", "3,4"},
    {"metrics_async_read_latency_buckets_ms", "0.5, 5"},
    {"heartbeat_interval_ms", "1004"},
    {"heartbeat_retry_interval_min_ms", "10"},
    {"heartbeat_retry_interval_max_ms", "1005"},
    {"heartbeat_retry_backoff_factor", "1.5"},
    {"heartbeat_failure_threshold", "3"},
    {"system_queries_mode", "TARGET"},
    {"forward_client_credentials_to_origin", "true"},
    {"threads", "2"},
    {"max_frame_size_bytes", "1048576"},
    {"prepared_cache_max_entries", "77"},
    {"shutdown_grace_ms", "1006"},
};

void expect_every_key(const settings& s) {
  EXPECT_EQ(s.primary_cluster, cluster_name::target);
  EXPECT_EQ(s.read_mode_, read_mode::dual_async_on_secondary);
  EXPECT_TRUE(s.replace_cql_functions);
  EXPECT_EQ(s.async_handshake_timeout_ms, 4001);
  EXPECT_EQ(s.shadow_compare_, shadow_compare::count);
  EXPECT_EQ(s.shadow_sample_rate, 0.25);
  EXPECT_EQ(s.shadow_queue_size, 64);
  EXPECT_EQ(s.log_level, "debug");
  EXPECT_EQ(s.log_format_, log_format::json);
  EXPECT_TRUE(s.config_watch);
  EXPECT_EQ(s.control_conn_max_protocol_version, 4);
  EXPECT_EQ(s.blocked_protocol_versions, (std::vector<std::uint8_t>{0x02, 0x41}));
  EXPECT_EQ(s.proxy_topology_index, 1);
  EXPECT_EQ(s.proxy_topology_addresses, (std::vector<std::string>{"10.1.0.1", "10.1.0.2"}));
  EXPECT_EQ(s.proxy_topology_num_tokens, 16);
  EXPECT_EQ(s.origin.contact_points, (std::vector<std::string>{"o1.example", "o2.example"}));
  EXPECT_EQ(s.origin.port, 19042);
  EXPECT_EQ(s.origin.username, "ou");
  EXPECT_EQ(s.origin.password, "op");
  EXPECT_EQ(s.origin.local_datacenter, "odc");
  EXPECT_EQ(s.origin.connection_timeout_ms, 1001);
  EXPECT_EQ(s.origin.tls_server_ca_path, "/o/ca.pem");
  EXPECT_EQ(s.origin.tls_client_cert_path, "/o/cert.pem");
  EXPECT_EQ(s.origin.tls_client_key_path, "/o/key.pem");
  EXPECT_FALSE(s.origin.tls_verify_hostname);
  EXPECT_FALSE(s.target.tls_verify_hostname);
  EXPECT_EQ(s.target.contact_points, (std::vector<std::string>{"t1.example"}));
  EXPECT_EQ(s.target.port, 29042);
  EXPECT_EQ(s.target.username, "tu");
  EXPECT_EQ(s.target.password, "tp");
  EXPECT_EQ(s.target.local_datacenter, "tdc");
  EXPECT_EQ(s.target.connection_timeout_ms, 1002);
  EXPECT_EQ(s.target.tls_server_ca_path, "/t/ca.pem");
  EXPECT_EQ(s.target.tls_client_cert_path, "/t/cert.pem");
  EXPECT_EQ(s.target.tls_client_key_path, "/t/key.pem");
  EXPECT_EQ(s.proxy_listen_address, "0.0.0.0");
  EXPECT_EQ(s.proxy_listen_port, 14003);
  EXPECT_EQ(s.proxy_request_timeout_ms, 1003);
  EXPECT_EQ(s.proxy_max_client_connections, 7);
  EXPECT_EQ(s.proxy_max_stream_ids, 128);
  EXPECT_EQ(s.proxy_tls_ca_path, "/p/ca.pem");
  EXPECT_EQ(s.proxy_tls_cert_path, "/p/cert.pem");
  EXPECT_EQ(s.proxy_tls_key_path, "/p/key.pem");
  EXPECT_TRUE(s.proxy_tls_require_client_auth);
  EXPECT_FALSE(s.metrics_enabled);
  EXPECT_EQ(s.metrics_address, "127.0.0.2");
  EXPECT_EQ(s.metrics_port, 14004);
  EXPECT_EQ(s.metrics_prefix, "zdm");
  EXPECT_EQ(s.metrics_origin_latency_buckets_ms, (std::vector<double>{1, 2}));
  EXPECT_EQ(s.metrics_target_latency_buckets_ms, (std::vector<double>{3, 4}));
  EXPECT_EQ(s.metrics_async_read_latency_buckets_ms, (std::vector<double>{0.5, 5}));
  EXPECT_EQ(s.heartbeat_interval_ms, 1004);
  EXPECT_EQ(s.heartbeat_retry_interval_min_ms, 10);
  EXPECT_EQ(s.heartbeat_retry_interval_max_ms, 1005);
  EXPECT_EQ(s.heartbeat_retry_backoff_factor, 1.5);
  EXPECT_EQ(s.heartbeat_failure_threshold, 3);
  EXPECT_EQ(s.system_queries_mode, cluster_name::target);
  EXPECT_TRUE(s.forward_client_credentials_to_origin);
  EXPECT_EQ(s.threads, 2);
  EXPECT_EQ(s.max_frame_size_bytes, 1048576u);
  EXPECT_EQ(s.prepared_cache_max_entries, 77);
  EXPECT_EQ(s.shutdown_grace_ms, 1006);
}

std::map<std::string, std::string> as_environment(const std::string& prefix) {
  std::map<std::string, std::string> env;
  for (const auto& [key, value] : every_key) {
    std::string name = prefix + key;
    std::transform(name.begin(), name.end(), name.begin(), ::toupper);
    env.emplace(name, value);
  }
  return env;
}

TEST_F(sources, the_test_table_covers_every_key) {
  std::set<std::string> untested;
  for (const auto& key : key_names()) {
    if (!every_key.contains(key)) untested.insert(key);
  }
  // Covered by their own tests: the bundle paths exclude contact points, the alias its key.
  EXPECT_EQ(untested, (std::set<std::string>{"origin_secure_connect_bundle_path",
                                             "target_secure_connect_bundle_path",
                                             "proxy_max_prepared_statement_cache_size"}));
}

TEST_F(sources, every_key_loads_from_yaml) {
  std::string yaml;
  for (const auto& [key, value] : every_key)
    yaml += key + ": '" + value + "'\n";
  expect_every_key(load(write_file(yaml), {}));
}

TEST_F(sources, every_key_loads_from_zdm_environment_variables) {
  expect_every_key(load(std::nullopt, as_environment("ZDM_")));
}

TEST_F(sources, every_key_loads_from_cqlshift_environment_variables) {
  expect_every_key(load(std::nullopt, as_environment("CQLSHIFT_")));
}

TEST_F(sources, every_key_loads_from_overrides) {
  expect_every_key(load(std::nullopt, {}, every_key));
}

TEST_F(sources, bundle_paths_load_in_place_of_contact_points) {
  const settings s = load(std::nullopt, {},
                          {{"origin_secure_connect_bundle_path", "/o/scb.zip"},
                           {"target_secure_connect_bundle_path", "/t/scb.zip"}});
  EXPECT_EQ(s.origin.secure_connect_bundle_path, "/o/scb.zip");
  EXPECT_EQ(s.target.secure_connect_bundle_path, "/t/scb.zip");
  EXPECT_TRUE(s.origin.contact_points.empty());
}

TEST_F(sources, reference_prepared_cache_key_sets_prepared_cache_max_entries) {
  EXPECT_EQ(load_overrides({{"proxy_max_prepared_statement_cache_size", "10000"}})
                .prepared_cache_max_entries,
            10000);
}

TEST_F(sources, later_source_wins_between_prepared_cache_key_and_its_reference_name) {
  const settings s = load(write_file(minimal_yaml + "prepared_cache_max_entries: 10\n"),
                          {{"ZDM_PROXY_MAX_PREPARED_STATEMENT_CACHE_SIZE", "20"}});
  EXPECT_EQ(s.prepared_cache_max_entries, 20);
}

TEST_F(sources, yaml_sequences_are_accepted_for_lists) {
  const settings s = load_yaml(
      "proxy_topology_addresses: [10.1.0.1, 10.1.0.2]\n"
      "blocked_protocol_versions:\n  - v3\n  - 4\n"
      "metrics_origin_latency_buckets_ms: [5, 50]\n");
  EXPECT_EQ(s.proxy_topology_addresses, (std::vector<std::string>{"10.1.0.1", "10.1.0.2"}));
  EXPECT_EQ(s.blocked_protocol_versions, (std::vector<std::uint8_t>{3, 4}));
  EXPECT_EQ(s.metrics_origin_latency_buckets_ms, (std::vector<double>{5, 50}));
}

TEST_F(sources, yaml_null_keeps_the_default) {
  EXPECT_EQ(load_yaml("proxy_listen_port:\nmetrics_port: ~\n").proxy_listen_port, 14002);
}

TEST_F(sources, yaml_comments_and_quoting_are_plain_yaml) {
  const settings s = load_yaml("# comment\nlog_level: \"WARN\"  # trailing\norigin_port: 9043\n");
  EXPECT_EQ(s.log_level, "warn");
  EXPECT_EQ(s.origin.port, 9043);
}

TEST_F(sources, zdm_environment_overrides_the_file) {
  const auto file = write_file(minimal_yaml + "proxy_listen_port: 1\n");
  EXPECT_EQ(load(file, {{"ZDM_PROXY_LISTEN_PORT", "2"}}).proxy_listen_port, 2);
}

TEST_F(sources, cqlshift_environment_overrides_zdm_environment) {
  const auto file = write_file(minimal_yaml + "proxy_listen_port: 1\n");
  EXPECT_EQ(load(file, {{"CQLSHIFT_PROXY_LISTEN_PORT", "3"}, {"ZDM_PROXY_LISTEN_PORT", "2"}})
                .proxy_listen_port,
            3);
}

TEST_F(sources, overrides_win_over_everything) {
  const auto file = write_file(minimal_yaml + "proxy_listen_port: 1\n");
  EXPECT_EQ(load(file, {{"CQLSHIFT_PROXY_LISTEN_PORT", "3"}, {"ZDM_PROXY_LISTEN_PORT", "2"}},
                 {{"proxy_listen_port", "4"}})
                .proxy_listen_port,
            4);
}

TEST_F(sources, a_bad_value_replaced_by_a_later_source_is_not_an_error) {
  const auto file = write_file(minimal_yaml + "proxy_listen_port: abc\n");
  EXPECT_EQ(load(file, {}, {{"proxy_listen_port", "5"}}).proxy_listen_port, 5);
}

TEST_F(sources, variables_without_the_prefixes_are_ignored) {
  EXPECT_EQ(load(std::nullopt, {{"PROXY_LISTEN_PORT", "abc"}, {"HOME", "/root"}},
                 {{"origin_contact_points", "a"}, {"target_contact_points", "b"}})
                .proxy_listen_port,
            14002);
}

TEST_F(sources, environment_of_keeps_only_cqlshift_and_zdm_variables) {
  std::string a = "CQLSHIFT_LOG_LEVEL=debug";
  std::string b = "ZDM_PRIMARY_CLUSTER=TARGET";
  std::string c = "PATH=/usr/bin";
  std::string d = "ZDM_EMPTY=";
  std::string e = "ZDM_READ_MODE=a=b";
  char* envp[] = {a.data(), b.data(), c.data(), d.data(), e.data(), nullptr};
  EXPECT_EQ(environment_of(envp),
            (std::map<std::string, std::string>{{"CQLSHIFT_LOG_LEVEL", "debug"},
                                                {"ZDM_EMPTY", ""},
                                                {"ZDM_PRIMARY_CLUSTER", "TARGET"},
                                                {"ZDM_READ_MODE", "a=b"}}));
}

TEST_F(sources, environment_of_a_null_environment_is_empty) {
  EXPECT_TRUE(environment_of(nullptr).empty());
}

}  // namespace
}  // namespace cqlshift::config::test
