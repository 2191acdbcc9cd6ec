// Every rejection, with the exact message the operator reads.

#include "config_test_support.hpp"

namespace cqlshift::config::test {
namespace {

using validation = config_test;

constexpr const char* cli = " (from the command line)";

std::string expect(const std::string& body) {
  return "config: " + body;
}

// --- where the value came from

TEST_F(validation, a_bad_value_from_the_command_line_says_so) {
  EXPECT_EQ(
      override_error({{"proxy_listen_port", "abc"}}),
      expect("key 'proxy_listen_port': got 'abc', expected an integer from 0 to 65535") + cli);
}

TEST_F(validation, a_bad_value_from_a_file_names_the_file_and_line) {
  const auto file = write_file(minimal_yaml + "proxy_listen_port: abc\n");
  EXPECT_EQ(yaml_error(minimal_yaml + "proxy_listen_port: abc\n"),
            expect("key 'proxy_listen_port': got 'abc', expected an integer from 0 to 65535 (in " +
                   file.string() + ", line 3)"));
}

TEST_F(validation, a_bad_value_from_the_environment_names_the_variable) {
  try {
    load(std::nullopt, {{"ZDM_PROXY_LISTEN_PORT", "abc"}});
    FAIL();
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(),
                 "config: key 'proxy_listen_port': got 'abc', expected an integer from 0 to "
                 "65535 (from environment variable ZDM_PROXY_LISTEN_PORT)");
  }
}

// --- numbers

TEST_F(validation, ports_above_65535) {
  EXPECT_EQ(override_error({{"metrics_port", "65536"}}),
            expect("key 'metrics_port': got '65536', expected an integer from 0 to 65535") + cli);
}

TEST_F(validation, cluster_ports_cannot_be_zero) {
  EXPECT_EQ(override_error({{"origin_port", "0"}}),
            expect("key 'origin_port': got '0', expected an integer from 1 to 65535") + cli);
}

TEST_F(validation, negative_and_fractional_integers) {
  EXPECT_EQ(override_error({{"proxy_listen_port", "-1"}}),
            expect("key 'proxy_listen_port': got '-1', expected an integer from 0 to 65535") + cli);
  EXPECT_EQ(
      override_error({{"proxy_listen_port", "1.5"}}),
      expect("key 'proxy_listen_port': got '1.5', expected an integer from 0 to 65535") + cli);
  EXPECT_EQ(override_error({{"proxy_listen_port", ""}}),
            expect("key 'proxy_listen_port': got '', expected an integer from 0 to 65535") + cli);
}

TEST_F(validation, timeouts_must_be_positive) {
  for (const char* key :
       {"async_handshake_timeout_ms", "origin_connection_timeout_ms",
        "target_connection_timeout_ms", "proxy_request_timeout_ms", "heartbeat_interval_ms",
        "heartbeat_retry_interval_min_ms", "heartbeat_retry_interval_max_ms"}) {
    EXPECT_EQ(override_error({{key, "0"}}),
              expect(std::string("key '") + key +
                     "': got '0', expected an integer from 1 to 2147483647") +
                  cli);
  }
}

TEST_F(validation, integers_beyond_int) {
  EXPECT_EQ(override_error({{"proxy_request_timeout_ms", "2147483648"}}),
            expect("key 'proxy_request_timeout_ms': got '2147483648', expected an integer from "
                   "1 to 2147483647") +
                cli);
}

TEST_F(validation, stream_ids_from_1_to_32768) {
  EXPECT_EQ(
      override_error({{"proxy_max_stream_ids", "0"}}),
      expect("key 'proxy_max_stream_ids': got '0', expected an integer from 1 to 32768") + cli);
  EXPECT_EQ(
      override_error({{"proxy_max_stream_ids", "32769"}}),
      expect("key 'proxy_max_stream_ids': got '32769', expected an integer from 1 to 32768") + cli);
}

TEST_F(validation, num_tokens_from_1_to_256) {
  EXPECT_EQ(
      override_error({{"proxy_topology_num_tokens", "257"}}),
      expect("key 'proxy_topology_num_tokens': got '257', expected an integer from 1 to 256") +
          cli);
}

TEST_F(validation, client_connections_and_failure_threshold_at_least_1) {
  EXPECT_EQ(override_error({{"proxy_max_client_connections", "0"}}),
            expect("key 'proxy_max_client_connections': got '0', expected an integer from 1 to "
                   "2147483647") +
                cli);
  EXPECT_EQ(override_error({{"heartbeat_failure_threshold", "0"}}),
            expect("key 'heartbeat_failure_threshold': got '0', expected an integer from 1 to "
                   "2147483647") +
                cli);
}

TEST_F(validation, cqlshift_key_bounds) {
  EXPECT_EQ(override_error({{"threads", "-1"}}),
            expect("key 'threads': got '-1', expected an integer from 0 to 1024") + cli);
  EXPECT_EQ(override_error({{"max_frame_size_bytes", "268435457"}}),
            expect("key 'max_frame_size_bytes': got '268435457', expected an integer from 65536 "
                   "to 268435456") +
                cli);
  EXPECT_EQ(override_error({{"prepared_cache_max_entries", "0"}}),
            expect("key 'prepared_cache_max_entries': got '0', expected an integer from 1 to "
                   "2147483647") +
                cli);
  EXPECT_EQ(
      override_error({{"shutdown_grace_ms", "-5"}}),
      expect("key 'shutdown_grace_ms': got '-5', expected an integer from 0 to 2147483647") + cli);
}

TEST_F(validation, backoff_factor_at_least_1) {
  EXPECT_EQ(override_error({{"heartbeat_retry_backoff_factor", "0.5"}}),
            expect("key 'heartbeat_retry_backoff_factor': got '0.5', expected a number of at "
                   "least 1") +
                cli);
  EXPECT_EQ(override_error({{"heartbeat_retry_backoff_factor", "nan"}}),
            expect("key 'heartbeat_retry_backoff_factor': got 'nan', expected a number of at "
                   "least 1") +
                cli);
}

TEST_F(validation, latency_buckets_positive_and_increasing) {
  const std::string expected_text =
      "expected a comma-separated list of increasing numbers of milliseconds greater than 0";
  EXPECT_EQ(override_error({{"metrics_origin_latency_buckets_ms", "1, 10, 5"}}),
            expect("key 'metrics_origin_latency_buckets_ms': got '5', " + expected_text) + cli);
  EXPECT_EQ(override_error({{"metrics_target_latency_buckets_ms", "0"}}),
            expect("key 'metrics_target_latency_buckets_ms': got '0', " + expected_text) + cli);
  EXPECT_EQ(override_error({{"metrics_async_read_latency_buckets_ms", "1, x"}}),
            expect("key 'metrics_async_read_latency_buckets_ms': got 'x', " + expected_text) + cli);
  EXPECT_EQ(
      override_error({{"metrics_async_read_latency_buckets_ms", " , "}}),
      expect("key 'metrics_async_read_latency_buckets_ms': got ' , ', " + expected_text) + cli);
}

// --- enums and other kinds

TEST_F(validation, booleans) {
  EXPECT_EQ(override_error({{"replace_cql_functions", "maybe"}}),
            expect("key 'replace_cql_functions': got 'maybe', expected true or false") + cli);
}

TEST_F(validation, cluster_names) {
  EXPECT_EQ(
      override_error({{"primary_cluster", "BOTH"}}),
      expect("key 'primary_cluster': got 'BOTH', expected ORIGIN or TARGET (any case)") + cli);
  EXPECT_EQ(
      override_error({{"system_queries_mode", "nope"}}),
      expect("key 'system_queries_mode': got 'nope', expected ORIGIN or TARGET (any case)") + cli);
}

TEST_F(validation, read_modes) {
  EXPECT_EQ(override_error({{"read_mode", "DUAL"}}),
            expect("key 'read_mode': got 'DUAL', expected PRIMARY_ONLY or "
                   "DUAL_ASYNC_ON_SECONDARY (any case)") +
                cli);
}

TEST_F(validation, shadow_keys) {
  EXPECT_EQ(
      override_error({{"shadow_compare", "values"}}),
      expect("key 'shadow_compare': got 'values', expected rows, count or off (any case)") + cli);
  EXPECT_EQ(override_error({{"shadow_sample_rate", "1.5"}}),
            expect("key 'shadow_sample_rate': got '1.5', expected a number from 0 to 1") + cli);
  EXPECT_EQ(override_error({{"shadow_sample_rate", "-0.1"}}),
            expect("key 'shadow_sample_rate': got '-0.1', expected a number from 0 to 1") + cli);
  EXPECT_EQ(override_error({{"shadow_sample_rate", "half"}}),
            expect("key 'shadow_sample_rate': got 'half', expected a number from 0 to 1") + cli);
  EXPECT_EQ(override_error({{"shadow_queue_size", "0"}}),
            expect("key 'shadow_queue_size': got '0', expected an integer from 1 to 65536") + cli);
}

TEST_F(validation, log_levels) {
  EXPECT_EQ(override_error({{"log_level", "verbose"}}),
            expect("key 'log_level': got 'verbose', expected one of trace, debug, info, warn, "
                   "error, critical (any case; the reference's WARNING, FATAL and PANIC too)") +
                cli);
}

TEST_F(validation, protocol_versions) {
  const std::string accepted =
      "expected one of 2, 3, 4, 5, v2, v3, v4, v5, DseV1, DseV2, Dse_V1, Dse_V2 (any case)";
  EXPECT_EQ(override_error({{"control_conn_max_protocol_version", "1"}}),
            expect("key 'control_conn_max_protocol_version': got '1', " + accepted) + cli);
  EXPECT_EQ(override_error({{"control_conn_max_protocol_version", "Dsev123"}}),
            expect("key 'control_conn_max_protocol_version': got 'Dsev123', " + accepted) + cli);
  EXPECT_EQ(override_error({{"blocked_protocol_versions", "v2, sdasd"}}),
            expect("key 'blocked_protocol_versions': got 'sdasd', " + accepted) + cli);
  EXPECT_EQ(override_error({{"blocked_protocol_versions", "v1"}}),
            expect("key 'blocked_protocol_versions': got 'v1', " + accepted) + cli);
}

TEST_F(validation, topology_addresses_must_be_ip_addresses) {
  EXPECT_EQ(override_error({{"proxy_topology_addresses", "10.0.0.1, proxy2.example"}}),
            expect("key 'proxy_topology_addresses': got 'proxy2.example', expected a "
                   "comma-separated list of IP addresses") +
                cli);
}

TEST_F(validation, metrics_prefix_must_be_a_prometheus_name) {
  EXPECT_EQ(override_error({{"metrics_prefix", "1abc"}}),
            expect("key 'metrics_prefix': got '1abc', expected a Prometheus name prefix: "
                   "letters, digits, '_' and ':', not starting with a digit") +
                cli);
}

TEST_F(validation, target_consistency_level_must_stay_unset) {
  EXPECT_EQ(override_error({{"target_consistency_level", "LOCAL_ONE"}}),
            expect("key 'target_consistency_level': got 'LOCAL_ONE', expected no value: "
                   "cqlshift writes to Target at the client's consistency level") +
                cli);
}

TEST_F(validation, a_list_for_a_single_valued_key) {
  const auto file = write_file(minimal_yaml + "proxy_listen_port: [1, 2]\n");
  EXPECT_EQ(yaml_error(minimal_yaml + "proxy_listen_port: [1, 2]\n"),
            expect("key 'proxy_listen_port': got [1, 2], expected an integer from 0 to 65535 "
                   "(in " +
                   file.string() + ", line 3)"));
  EXPECT_EQ(yaml_error(minimal_yaml + "origin_username: [a]\n"),
            expect("key 'origin_username': got [a], expected a single value, not a list (in " +
                   file.string() + ", line 3)"));
}

// --- keys

TEST_F(validation, unknown_keys_suggest_the_closest) {
  EXPECT_EQ(override_error({{"proxy_listen_prot", "1"}}),
            expect("unknown key 'proxy_listen_prot', did you mean 'proxy_listen_port'?") + cli);
  EXPECT_EQ(
      override_error({{"orign_contact_point", "x"}}),
      expect("unknown key 'orign_contact_point', did you mean 'origin_contact_points'?") + cli);
}

TEST_F(validation, unknown_keys_far_from_any_key_get_no_suggestion) {
  EXPECT_EQ(override_error({{"colour", "blue"}}), expect("unknown key 'colour'") + cli);
}

TEST_F(validation, environment_names_in_a_file_suggest_the_yaml_key) {
  const auto file = write_file(minimal_yaml + "ZDM_PROXY_LISTEN_PORT: 1\n");
  EXPECT_EQ(yaml_error(minimal_yaml + "ZDM_PROXY_LISTEN_PORT: 1\n"),
            expect("unknown key 'ZDM_PROXY_LISTEN_PORT', did you mean 'proxy_listen_port'? (in " +
                   file.string() + ", line 3)"));
}

TEST_F(validation, unknown_environment_variables_with_our_prefixes) {
  try {
    load(std::nullopt, {{"CQLSHIFT_LOG_LEVL", "debug"}});
    FAIL();
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(),
                 "config: unknown key 'log_levl', did you mean 'log_level'? (from environment "
                 "variable CQLSHIFT_LOG_LEVL)");
  }
}

TEST_F(validation, a_key_and_its_reference_name_in_one_source) {
  const auto file = write_file("");
  EXPECT_EQ(
      yaml_error(minimal_yaml +
                 "prepared_cache_max_entries: 1\nproxy_max_prepared_statement_cache_size: 2\n"),
      expect("keys 'prepared_cache_max_entries' and "
             "'proxy_max_prepared_statement_cache_size' set the same thing; give only one "
             "(in " +
             file.string() + ", line 4)"));
}

// --- file shape

TEST_F(validation, nested_maps_are_rejected) {
  const auto file = write_file("");
  EXPECT_EQ(yaml_error("origin:\n  port: 9042\n"),
            expect("key 'origin': got a nested map, expected a single value (keys are flat, as "
                   "in the reference proxy: origin_port, not origin: port:) (in " +
                   file.string() + ", line 1)"));
}

TEST_F(validation, maps_inside_sequences_are_rejected) {
  const auto file = write_file("");
  EXPECT_EQ(yaml_error("origin_contact_points:\n  - host: a\n"),
            expect("key 'origin_contact_points': got a nested map, expected a single value (keys "
                   "are flat, as in the reference proxy: origin_port, not origin: port:) (in " +
                   file.string() + ", line 1)"));
}

TEST_F(validation, repeated_keys_are_rejected) {
  const auto file = write_file("");
  EXPECT_EQ(yaml_error(minimal_yaml + "log_level: info\nlog_level: debug\n"),
            expect("key 'log_level' is given twice (in " + file.string() + ", lines 3 and 4)"));
}

TEST_F(validation, a_file_that_is_not_a_map) {
  const auto file = write_file("");
  EXPECT_EQ(
      yaml_error("- a\n- b\n"),
      expect("file " + file.string() + " must hold a map of 'key: value' lines at the top level"));
}

TEST_F(validation, a_file_that_is_not_yaml) {
  const auto file = write_file("");
  const std::string message = yaml_error("a: [1, 2\n");
  EXPECT_EQ(message.rfind(expect("cannot parse file " + file.string() + ", line "), 0), 0u)
      << message;
}

TEST_F(validation, a_missing_file) {
  const auto missing = dir_ / "missing.yaml";
  try {
    load(missing, {});
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()),
              expect("cannot read file " + missing.string() + ": No such file or directory"));
  }
}

// --- combinations

TEST_F(validation, origin_contact_points_are_required) {
  EXPECT_EQ(override_error({{"origin_contact_points", ""}}),
            expect("key 'origin_contact_points' is required: give at least one host name or "
                   "address (or 'origin_secure_connect_bundle_path')"));
}

TEST_F(validation, target_contact_points_are_required) {
  EXPECT_EQ(override_error({{"target_contact_points", " , "}}),
            expect("key 'target_contact_points' is required: give at least one host name or "
                   "address (or 'target_secure_connect_bundle_path')"));
}

TEST_F(validation, bundle_excludes_contact_points) {
  EXPECT_EQ(override_error({{"origin_secure_connect_bundle_path", "/scb.zip"}}),
            expect("keys 'origin_contact_points' and 'origin_secure_connect_bundle_path' "
                   "exclude each other: the bundle names the contact points; give only one"));
}

TEST_F(validation, bundle_excludes_local_datacenter) {
  EXPECT_EQ(override_error({{"target_secure_connect_bundle_path", "/scb.zip"},
                            {"target_contact_points", ""},
                            {"target_local_datacenter", "dc1"}}),
            expect("keys 'target_local_datacenter' and 'target_secure_connect_bundle_path' "
                   "exclude each other: the bundle names the datacenter; give only one"));
}

TEST_F(validation, bundle_excludes_tls_paths) {
  EXPECT_EQ(override_error({{"target_secure_connect_bundle_path", "/scb.zip"},
                            {"target_contact_points", ""},
                            {"target_tls_server_ca_path", "/ca.pem"}}),
            expect("keys 'target_tls_server_ca_path' and 'target_secure_connect_bundle_path' "
                   "exclude each other: the bundle holds the TLS material; give only one"));
}

TEST_F(validation, client_cert_without_key) {
  EXPECT_EQ(override_error({{"origin_tls_server_ca_path", "/ca.pem"},
                            {"origin_tls_client_cert_path", "/cert.pem"}}),
            expect("key 'origin_tls_client_cert_path' needs 'origin_tls_client_key_path' too: a "
                   "client certificate is useless without its key"));
}

TEST_F(validation, client_key_without_cert) {
  EXPECT_EQ(override_error({{"target_tls_server_ca_path", "/ca.pem"},
                            {"target_tls_client_key_path", "/key.pem"}}),
            expect("key 'target_tls_client_key_path' needs 'target_tls_client_cert_path' too: a "
                   "client key is useless without its certificate"));
}

TEST_F(validation, mutual_tls_without_server_ca) {
  EXPECT_EQ(override_error({{"origin_tls_client_cert_path", "/cert.pem"},
                            {"origin_tls_client_key_path", "/key.pem"}}),
            expect("keys 'origin_tls_client_cert_path' and 'origin_tls_client_key_path' need "
                   "'origin_tls_server_ca_path' too: mutual TLS also verifies the server"));
}

TEST_F(validation, one_way_cluster_tls_needs_only_the_ca) {
  EXPECT_EQ(override_error({{"origin_tls_server_ca_path", "/ca.pem"}}), "");
}

TEST_F(validation, proxy_tls_needs_all_three_paths) {
  EXPECT_EQ(
      override_error({{"proxy_tls_cert_path", "/cert.pem"}, {"proxy_tls_key_path", "/key.pem"}}),
      expect("key 'proxy_tls_key_path' needs 'proxy_tls_ca_path' too: proxy TLS uses the "
             "CA, certificate and key paths together"));
}

TEST_F(validation, client_auth_without_proxy_tls) {
  EXPECT_EQ(override_error({{"proxy_tls_require_client_auth", "true"}}),
            expect("key 'proxy_tls_require_client_auth' is true but proxy TLS is off: set "
                   "'proxy_tls_ca_path', 'proxy_tls_cert_path' and 'proxy_tls_key_path'"));
}

TEST_F(validation, topology_index_beyond_the_addresses) {
  EXPECT_EQ(override_error(
                {{"proxy_topology_addresses", "10.0.0.1,10.0.0.2"}, {"proxy_topology_index", "2"}}),
            expect("key 'proxy_topology_index': got '2', expected an integer from 0 to 1 (this "
                   "instance's position in proxy_topology_addresses)"));
}

TEST_F(validation, topology_index_without_addresses) {
  EXPECT_EQ(override_error({{"proxy_topology_index", "1"}}),
            expect("key 'proxy_topology_index': got '1', expected 0 (proxy_topology_addresses "
                   "is empty: this instance is the only one)"));
}

TEST_F(validation, negative_topology_index) {
  EXPECT_EQ(override_error({{"proxy_topology_index", "-1"}}),
            expect("key 'proxy_topology_index': got '-1', expected an integer from 0 to "
                   "2147483647") +
                cli);
}

TEST_F(validation, retry_interval_min_above_max) {
  EXPECT_EQ(override_error({{"heartbeat_retry_interval_min_ms", "5000"},
                            {"heartbeat_retry_interval_max_ms", "1000"}}),
            expect("key 'heartbeat_retry_interval_min_ms' (5000) must not exceed "
                   "'heartbeat_retry_interval_max_ms' (1000)"));
}

TEST_F(validation, listener_and_metrics_on_one_port) {
  EXPECT_EQ(override_error({{"metrics_port", "14002"}}),
            expect("keys 'proxy_listen_port' and 'metrics_port' are both 14002 on localhost: the "
                   "CQL listener and the HTTP endpoints need different ports"));
  EXPECT_EQ(override_error({{"metrics_port", "14002"}, {"metrics_enabled", "false"}}), "");
}

}  // namespace
}  // namespace cqlshift::config::test
