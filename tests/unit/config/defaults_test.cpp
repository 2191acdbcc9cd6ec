// Defaults are the reference proxy's (zdm-proxy proxy/pkg/config/config.go) except where
// SPEC.md says otherwise (metrics_prefix) and for cqlshift's own keys.

#include "config_test_support.hpp"

#include <algorithm>

namespace cqlshift::config::test {
namespace {

using defaults = config_test;

TEST_F(defaults, global_keys_match_the_reference) {
  const settings s = load_overrides({});
  EXPECT_EQ(s.primary_cluster, cluster_name::origin);
  EXPECT_EQ(s.read_mode_, read_mode::primary_only);
  EXPECT_EQ(s.shadow_compare_, shadow_compare::rows);
  EXPECT_EQ(s.shadow_sample_rate, 1.0);
  EXPECT_EQ(s.shadow_queue_size, 512);
  EXPECT_FALSE(s.replace_cql_functions);
  EXPECT_EQ(s.async_handshake_timeout_ms, 4000);
  EXPECT_EQ(s.log_level, "info");
  EXPECT_EQ(s.log_format_, log_format::text);
  EXPECT_FALSE(s.config_watch);
  EXPECT_EQ(s.control_conn_max_protocol_version, 0x42);
  EXPECT_TRUE(s.blocked_protocol_versions.empty());
  EXPECT_EQ(s.system_queries_mode, cluster_name::origin);
  EXPECT_FALSE(s.forward_client_credentials_to_origin);
}

TEST_F(defaults, topology_is_this_instance_alone_with_8_tokens) {
  const settings s = load_overrides({});
  EXPECT_EQ(s.proxy_topology_index, 0);
  EXPECT_TRUE(s.proxy_topology_addresses.empty());
  EXPECT_EQ(s.proxy_topology_num_tokens, 8);
}

TEST_F(defaults, clusters_use_port_9042_and_30_second_connect_timeout) {
  const settings s = load_overrides({});
  for (const cluster_settings* c : {&s.origin, &s.target}) {
    EXPECT_EQ(c->port, 9042);
    EXPECT_EQ(c->connection_timeout_ms, 30000);
    EXPECT_TRUE(c->username.empty());
    EXPECT_TRUE(c->password.empty());
    EXPECT_TRUE(c->local_datacenter.empty());
    EXPECT_TRUE(c->tls_server_ca_path.empty());
    EXPECT_TRUE(c->tls_client_cert_path.empty());
    EXPECT_TRUE(c->tls_client_key_path.empty());
    EXPECT_TRUE(c->tls_verify_hostname);
    EXPECT_TRUE(c->secure_connect_bundle_path.empty());
  }
}

TEST_F(defaults, proxy_listens_on_localhost_14002) {
  const settings s = load_overrides({});
  EXPECT_EQ(s.proxy_listen_address, "localhost");
  EXPECT_EQ(s.proxy_listen_port, 14002);
  EXPECT_EQ(s.proxy_request_timeout_ms, 10000);
  EXPECT_EQ(s.proxy_max_client_connections, 1000);
  EXPECT_EQ(s.proxy_max_stream_ids, 2048);
  EXPECT_TRUE(s.proxy_tls_ca_path.empty());
  EXPECT_TRUE(s.proxy_tls_cert_path.empty());
  EXPECT_TRUE(s.proxy_tls_key_path.empty());
  EXPECT_FALSE(s.proxy_tls_require_client_auth);
}

TEST_F(defaults, metrics_on_localhost_14001_with_reference_buckets) {
  const settings s = load_overrides({});
  EXPECT_TRUE(s.metrics_enabled);
  EXPECT_EQ(s.metrics_address, "localhost");
  EXPECT_EQ(s.metrics_port, 14001);
  EXPECT_EQ(s.metrics_prefix, "cqlshift");
  const std::vector<double> reference{1,   4,   7,   10,   25,   40,   60,    80,   100,
                                      150, 250, 500, 1000, 2500, 5000, 10000, 15000};
  EXPECT_EQ(s.metrics_origin_latency_buckets_ms, reference);
  EXPECT_EQ(s.metrics_target_latency_buckets_ms, reference);
  EXPECT_EQ(s.metrics_async_read_latency_buckets_ms, reference);
}

TEST_F(defaults, heartbeats_every_30_seconds_retrying_from_250_ms_doubling_to_30_seconds) {
  const settings s = load_overrides({});
  EXPECT_EQ(s.heartbeat_interval_ms, 30000);
  EXPECT_EQ(s.heartbeat_retry_interval_min_ms, 250);
  EXPECT_EQ(s.heartbeat_retry_interval_max_ms, 30000);
  EXPECT_EQ(s.heartbeat_retry_backoff_factor, 2.0);
  EXPECT_EQ(s.heartbeat_failure_threshold, 1);
}

TEST_F(defaults, cqlshift_keys) {
  const settings s = load_overrides({});
  EXPECT_EQ(s.threads, 0);
  EXPECT_EQ(s.max_frame_size_bytes, 268435456u);
  EXPECT_EQ(s.prepared_cache_max_entries, 5000);
  EXPECT_EQ(s.shutdown_grace_ms, 10000);
  EXPECT_TRUE(s.ignored_keys.empty());
}

TEST_F(defaults, an_empty_file_changes_nothing) {
  const settings s =
      load(write_file(""), {}, {{"origin_contact_points", "a"}, {"target_contact_points", "b"}});
  EXPECT_EQ(s.proxy_listen_port, 14002);
}

TEST_F(defaults, key_names_cover_spec_section_14) {
  const auto names = key_names();
  for (const char* key : {"primary_cluster",
                          "read_mode",
                          "replace_cql_functions",
                          "async_handshake_timeout_ms",
                          "log_level",
                          "control_conn_max_protocol_version",
                          "blocked_protocol_versions",
                          "proxy_topology_index",
                          "proxy_topology_addresses",
                          "proxy_topology_num_tokens",
                          "origin_contact_points",
                          "origin_port",
                          "origin_username",
                          "origin_password",
                          "origin_local_datacenter",
                          "origin_connection_timeout_ms",
                          "origin_tls_server_ca_path",
                          "origin_tls_client_cert_path",
                          "origin_tls_client_key_path",
                          "origin_tls_verify_hostname",
                          "origin_secure_connect_bundle_path",
                          "target_contact_points",
                          "target_port",
                          "target_username",
                          "target_password",
                          "target_local_datacenter",
                          "target_connection_timeout_ms",
                          "target_tls_server_ca_path",
                          "target_tls_client_cert_path",
                          "target_tls_client_key_path",
                          "target_tls_verify_hostname",
                          "target_secure_connect_bundle_path",
                          "proxy_listen_address",
                          "proxy_listen_port",
                          "proxy_request_timeout_ms",
                          "proxy_max_client_connections",
                          "proxy_max_stream_ids",
                          "proxy_tls_ca_path",
                          "proxy_tls_cert_path",
                          "proxy_tls_key_path",
                          "proxy_tls_require_client_auth",
                          "metrics_enabled",
                          "metrics_address",
                          "metrics_port",
                          "metrics_prefix",
                          "metrics_origin_latency_buckets_ms",
                          "metrics_target_latency_buckets_ms",
                          "metrics_async_read_latency_buckets_ms",
                          "heartbeat_interval_ms",
                          "heartbeat_retry_interval_min_ms",
                          "heartbeat_retry_interval_max_ms",
                          "heartbeat_retry_backoff_factor",
                          "heartbeat_failure_threshold",
                          "system_queries_mode",
                          "forward_client_credentials_to_origin",
                          "threads",
                          "max_frame_size_bytes",
                          "prepared_cache_max_entries",
                          "shutdown_grace_ms"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), key), names.end()) << key;
  }
}

TEST_F(defaults, enums_print_with_the_reference_spelling) {
  EXPECT_EQ(to_string(cluster_name::origin), "ORIGIN");
  EXPECT_EQ(to_string(cluster_name::target), "TARGET");
  EXPECT_EQ(to_string(read_mode::primary_only), "PRIMARY_ONLY");
  EXPECT_EQ(to_string(read_mode::dual_async_on_secondary), "DUAL_ASYNC_ON_SECONDARY");
}

}  // namespace
}  // namespace cqlshift::config::test
