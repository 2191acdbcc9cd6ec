#pragma once
// The settings model: one plain struct per load, immutable once built (a live reload builds a
// new one). Keys and defaults are the reference proxy's (DataStax ZDM Proxy) so that its users
// can switch without touching their configuration; config/cqlshift.yaml documents each one.
// A default-constructed `settings` holds every default but no contact points, so it is only
// valid after load() has filled and validated it.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cqlshift::config {

enum class cluster_name : std::uint8_t { origin, target };
enum class read_mode : std::uint8_t { primary_only, dual_async_on_secondary };
enum class log_format : std::uint8_t { text, json };
// What a shadow read (read_mode DUAL_ASYNC_ON_SECONDARY) compares: nothing, the row counts,
// or the rows themselves.
enum class shadow_compare : std::uint8_t { off, count, rows };

// The reference's spellings (ORIGIN, PRIMARY_ONLY, ...), as accepted in configs and shown in
// /status.
std::string_view to_string(cluster_name c) noexcept;
std::string_view to_string(read_mode m) noexcept;
std::string_view to_string(log_format f) noexcept;      // "text", "json"
std::string_view to_string(shadow_compare c) noexcept;  // "off", "count", "rows"

// The reference proxy's latency buckets, in milliseconds. A function, not a variable, so that a
// settings object built during static initialisation never copies an unconstructed vector.
inline std::vector<double> default_latency_buckets_ms() {
  return {1, 4, 7, 10, 25, 40, 60, 80, 100, 150, 250, 500, 1000, 2500, 5000, 10000, 15000};
}

struct cluster_settings {
  std::vector<std::string> contact_points;  // comma-separated in YAML and environment
  std::uint16_t port = 9042;
  std::string username;
  std::string password;          // never logged, never in an error message
  std::string local_datacenter;  // empty: the DC of the contact point the control conn reached
  int connection_timeout_ms = 30000;
  std::string tls_server_ca_path;
  std::string tls_client_cert_path;
  std::string tls_client_key_path;
  // The server's certificate must name the host (or IP address) connected to; beyond the
  // reference proxy, which does not check it.
  bool tls_verify_hostname = true;
  std::string secure_connect_bundle_path;  // Astra: replaces contact points and TLS paths
};

struct settings {
  // Global
  cluster_name primary_cluster = cluster_name::origin;
  read_mode read_mode_ = read_mode::primary_only;
  bool replace_cql_functions = false;
  int async_handshake_timeout_ms = 4000;
  // Shadow reads (SPEC 11): what is compared, the fraction of shadow reads compared, and how
  // many shadow reads one client connection may have waiting or in flight (more are dropped).
  shadow_compare shadow_compare_ = shadow_compare::rows;
  double shadow_sample_rate = 1.0;
  int shadow_queue_size = 512;
  std::string log_level = "info";             // normalised: trace debug info warn error critical
  log_format log_format_ = log_format::text;  // text lines, or one JSON object per line
  bool config_watch = false;                  // reload when the config file changes, as on SIGHUP
  std::uint8_t control_conn_max_protocol_version = 0x42;  // DSE_V2, the version byte
  std::vector<std::uint8_t> blocked_protocol_versions;    // version bytes, no duplicates

  // Proxy topology (the virtual system.local / system.peers)
  int proxy_topology_index = 0;
  std::vector<std::string> proxy_topology_addresses;  // empty: this instance alone
  int proxy_topology_num_tokens = 8;

  cluster_settings origin;
  cluster_settings target;

  // Proxy (the client-facing side)
  std::string proxy_listen_address = "localhost";
  std::uint16_t proxy_listen_port = 14002;  // 0: the OS chooses
  int proxy_request_timeout_ms = 10000;
  int proxy_max_client_connections = 1000;
  int proxy_max_stream_ids = 2048;
  std::string proxy_tls_ca_path;
  std::string proxy_tls_cert_path;
  std::string proxy_tls_key_path;
  bool proxy_tls_require_client_auth = false;

  // Metrics and HTTP endpoints
  bool metrics_enabled = true;
  std::string metrics_address = "localhost";
  std::uint16_t metrics_port = 14001;       // 0: the OS chooses
  std::string metrics_prefix = "cqlshift";  // SPEC 15; "zdm" reproduces the reference's series
  std::vector<double> metrics_origin_latency_buckets_ms = default_latency_buckets_ms();
  std::vector<double> metrics_target_latency_buckets_ms = default_latency_buckets_ms();
  std::vector<double> metrics_async_read_latency_buckets_ms = default_latency_buckets_ms();

  // Heartbeats and control connection reconnects
  int heartbeat_interval_ms = 30000;
  int heartbeat_retry_interval_min_ms = 250;
  int heartbeat_retry_interval_max_ms = 30000;
  double heartbeat_retry_backoff_factor = 2.0;
  int heartbeat_failure_threshold = 1;

  // Reference settings it marks as unsupported, kept for compatibility
  cluster_name system_queries_mode = cluster_name::origin;
  bool forward_client_credentials_to_origin = false;

  // cqlshift's own keys
  int threads = 0;                                 // 0: one per core
  std::uint32_t max_frame_size_bytes = 268435456;  // 256 MiB, the protocol's limit
  int prepared_cache_max_entries = 5000;
  int shutdown_grace_ms = 10000;

  // Reference keys that were given but that cqlshift accepts without acting on them (its
  // performance-tuning knobs, which do not apply to this implementation). The daemon logs them
  // once as a warning so that nobody believes they took effect.
  std::vector<std::string> ignored_keys;
};

// The keys a reload applies to the running proxy (SPEC 12); any other changed key needs a
// restart.
bool is_live_key(std::string_view key) noexcept;

// Every key with its value as text, in the spellings a config accepts (ORIGIN, v4, "a, b"),
// in documentation order; passwords as "***" when set (never their text). For /status and
// for reporting what a reload changed.
std::vector<std::pair<std::string, std::string>> describe(const settings& s);

}  // namespace cqlshift::config
