// Configurations written for the reference proxy (DataStax ZDM Proxy) load unchanged: its flat
// YAML keys and spellings, its ZDM_ environment variables, and its tuning keys, which cqlshift
// accepts and reports as ignored.

#include "config_test_support.hpp"

#include <fstream>
#include <iterator>

namespace cqlshift::config::test {
namespace {

using reference_config = config_test;

// config/cqlshift.yaml, found from this file's path (tests/unit/config/).
std::filesystem::path shipped_config() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
         "config" / "cqlshift.yaml";
}

// Shaped like the reference's documented examples: flat keys, upper-case enum values, quoted
// and unquoted scalars, comma-separated lists with spaces.
constexpr const char* reference_yaml = R"(# ZDM Proxy configuration
primary_cluster: ORIGIN
read_mode: PRIMARY_ONLY
replace_cql_functions: false
async_handshake_timeout_ms: 4000
log_level: INFO
control_conn_max_protocol_version: DseV2
blocked_protocol_versions: "v5"

proxy_topology_index: 0
proxy_topology_addresses: 172.18.10.1,172.18.10.2,172.18.10.3
proxy_topology_num_tokens: 8

origin_contact_points: 172.18.10.4, 172.18.10.5
origin_port: 9042
origin_username: cassandra
origin_password: "cassandra"
origin_local_datacenter: dc1
origin_connection_timeout_ms: 30000

target_secure_connect_bundle_path: /home/ubuntu/secure-connect-target.zip
target_username: client_id
target_password: client_secret

proxy_listen_address: 0.0.0.0
proxy_listen_port: 9042
proxy_request_timeout_ms: 10000
proxy_max_client_connections: 1000
proxy_max_stream_ids: 2048

metrics_enabled: true
metrics_address: 0.0.0.0
metrics_port: 14001
metrics_prefix: zdm
metrics_origin_latency_buckets_ms: 1, 4, 7, 10, 25, 40, 60, 80, 100, 150, 250, 500, 1000, 2500, 5000, 10000, 15000

heartbeat_interval_ms: 30000
heartbeat_retry_interval_min_ms: 250
heartbeat_retry_interval_max_ms: 30000
heartbeat_retry_backoff_factor: 2
heartbeat_failure_threshold: 1

system_queries_mode: ORIGIN
forward_client_credentials_to_origin: false
origin_enable_host_assignment: true
target_enable_host_assignment: true
request_write_queue_size_frames: 128
read_max_workers: -1
)";

TEST_F(reference_config, a_reference_yaml_file_loads_unchanged) {
  const settings s = load(write_file(reference_yaml), {});
  EXPECT_EQ(s.primary_cluster, cluster_name::origin);
  EXPECT_EQ(s.read_mode_, read_mode::primary_only);
  EXPECT_EQ(s.control_conn_max_protocol_version, 0x42);
  EXPECT_EQ(s.blocked_protocol_versions, (std::vector<std::uint8_t>{5}));
  EXPECT_EQ(s.proxy_topology_addresses.size(), 3u);
  EXPECT_EQ(s.origin.contact_points, (std::vector<std::string>{"172.18.10.4", "172.18.10.5"}));
  EXPECT_EQ(s.origin.password, "cassandra");
  EXPECT_EQ(s.target.secure_connect_bundle_path, "/home/ubuntu/secure-connect-target.zip");
  EXPECT_EQ(s.proxy_listen_port, 9042);
  EXPECT_EQ(s.metrics_prefix, "zdm");
  EXPECT_EQ(s.metrics_origin_latency_buckets_ms.size(), 17u);
  EXPECT_EQ(s.heartbeat_retry_backoff_factor, 2.0);
}

TEST_F(reference_config, reference_tuning_keys_are_reported_as_ignored) {
  const settings s = load(write_file(reference_yaml), {});
  EXPECT_EQ(s.ignored_keys,
            (std::vector<std::string>{"origin_enable_host_assignment", "read_max_workers",
                                      "request_write_queue_size_frames",
                                      "target_enable_host_assignment"}));
}

TEST_F(reference_config, reference_environment_variables_load_unchanged) {
  const settings s = load(std::nullopt, {{"ZDM_ORIGIN_CONTACT_POINTS", "10.0.0.1"},
                                         {"ZDM_ORIGIN_USERNAME", "cassandra"},
                                         {"ZDM_ORIGIN_PASSWORD", "cassandra"},
                                         {"ZDM_ORIGIN_PORT", "9042"},
                                         {"ZDM_TARGET_CONTACT_POINTS", "10.0.0.2"},
                                         {"ZDM_TARGET_USERNAME", "cassandra"},
                                         {"ZDM_TARGET_PASSWORD", "cassandra"},
                                         {"ZDM_TARGET_PORT", "9042"},
                                         {"ZDM_PROXY_LISTEN_PORT", "14002"},
                                         {"ZDM_PROXY_LISTEN_ADDRESS", "127.0.0.1"},
                                         {"ZDM_PRIMARY_CLUSTER", "ORIGIN"},
                                         {"ZDM_READ_MODE", "PRIMARY_ONLY"},
                                         {"ZDM_LOG_LEVEL", "INFO"},
                                         {"ZDM_CONTROL_CONN_MAX_PROTOCOL_VERSION", "4"},
                                         {"ZDM_BLOCKED_PROTOCOL_VERSIONS", ""},
                                         {"ZDM_TARGET_CONSISTENCY_LEVEL", ""},
                                         {"ZDM_EVENT_QUEUE_SIZE_FRAMES", "12"}});
  EXPECT_EQ(s.origin.contact_points, (std::vector<std::string>{"10.0.0.1"}));
  EXPECT_EQ(s.proxy_listen_address, "127.0.0.1");
  EXPECT_EQ(s.control_conn_max_protocol_version, 4);
  EXPECT_TRUE(s.blocked_protocol_versions.empty());
  EXPECT_EQ(s.ignored_keys, (std::vector<std::string>{"event_queue_size_frames"}));
}

TEST_F(reference_config, the_shipped_example_file_loads) {
  const settings s =
      load(shipped_config(), {},
           {{"origin_contact_points", "10.0.0.1"}, {"target_contact_points", "10.0.0.2"}});
  EXPECT_EQ(s.proxy_listen_port, 14002);
}

TEST_F(reference_config, the_shipped_example_file_documents_every_key) {
  std::ifstream in(shipped_config());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  for (const auto& key : key_names()) {
    // Set to its default, or shown commented out where setting it would conflict.
    EXPECT_TRUE(text.find("\n" + key + ":") != std::string::npos ||
                text.find("\n# " + key + ":") != std::string::npos)
        << key;
  }
}

}  // namespace
}  // namespace cqlshift::config::test
