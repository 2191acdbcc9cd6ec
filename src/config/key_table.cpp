#include "key_table.hpp"

#include "parse_value.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace cqlshift::config::detail {
namespace {

constexpr long long int_max = std::numeric_limits<int>::max();
constexpr long long port_max = 65535;

// Bounds that are not a type's limits, with their reason.
constexpr long long max_stream_ids = 32768;      // v3+ stream ids are non-negative int16
constexpr long long max_num_tokens = 256;        // the reference's limit for the virtual ring
constexpr long long max_threads = 1024;          // beyond any machine we run on: a typo
constexpr long long min_frame_size = 65536;      // below this, drivers' schema reads fail
constexpr long long max_frame_size = 268435456;  // 256 MiB: the native protocol's limit

using setter = std::function<void(settings&, const raw_value&)>;

key_spec make(std::string_view name, setter apply, bool secret = false) {
  return key_spec{name, secret, std::move(apply)};
}

template <class T>
setter integer(T settings::*field, long long min, long long max) {
  return [=](settings& s, const raw_value& v) {
    s.*field = static_cast<T>(parse_integer(v, min, max));
  };
}

template <class T>
setter cluster_integer(cluster_settings settings::*cluster, T cluster_settings::*field,
                       long long min, long long max) {
  return [=](settings& s, const raw_value& v) {
    (s.*cluster).*field = static_cast<T>(parse_integer(v, min, max));
  };
}

setter text(std::string settings::*field) {
  return [=](settings& s, const raw_value& v) { s.*field = parse_string(v); };
}

setter cluster_text(cluster_settings settings::*cluster, std::string cluster_settings::*field) {
  return [=](settings& s, const raw_value& v) { (s.*cluster).*field = parse_string(v); };
}

setter boolean(bool settings::*field) {
  return [=](settings& s, const raw_value& v) { s.*field = parse_bool(v); };
}

setter buckets(std::vector<double> settings::*field) {
  return [=](settings& s, const raw_value& v) { s.*field = parse_buckets(v); };
}

// The keys of one cluster, named <prefix>_<field> as the reference does.
void add_cluster_keys(std::vector<key_spec>& out, cluster_settings settings::*c, bool origin) {
  // The names must outlive the table, which is static: string literals, not built strings.
  struct names {
    std::string_view contact_points, port, username, password, local_datacenter,
        connection_timeout_ms, tls_server_ca_path, tls_client_cert_path, tls_client_key_path,
        tls_verify_hostname, secure_connect_bundle_path;
  };
  static constexpr names origin_names{"origin_contact_points",
                                      "origin_port",
                                      "origin_username",
                                      "origin_password",
                                      "origin_local_datacenter",
                                      "origin_connection_timeout_ms",
                                      "origin_tls_server_ca_path",
                                      "origin_tls_client_cert_path",
                                      "origin_tls_client_key_path",
                                      "origin_tls_verify_hostname",
                                      "origin_secure_connect_bundle_path"};
  static constexpr names target_names{"target_contact_points",
                                      "target_port",
                                      "target_username",
                                      "target_password",
                                      "target_local_datacenter",
                                      "target_connection_timeout_ms",
                                      "target_tls_server_ca_path",
                                      "target_tls_client_cert_path",
                                      "target_tls_client_key_path",
                                      "target_tls_verify_hostname",
                                      "target_secure_connect_bundle_path"};
  const names& n = origin ? origin_names : target_names;

  out.push_back(make(n.contact_points, [c](settings& s, const raw_value& v) {
    (s.*c).contact_points = parse_list(v);
  }));
  out.push_back(make(n.port, cluster_integer(c, &cluster_settings::port, 1, port_max)));
  out.push_back(make(n.username, cluster_text(c, &cluster_settings::username)));
  out.push_back(make(n.password, cluster_text(c, &cluster_settings::password), true));
  out.push_back(make(n.local_datacenter, cluster_text(c, &cluster_settings::local_datacenter)));
  out.push_back(make(n.connection_timeout_ms,
                     cluster_integer(c, &cluster_settings::connection_timeout_ms, 1, int_max)));
  out.push_back(make(n.tls_server_ca_path, cluster_text(c, &cluster_settings::tls_server_ca_path)));
  out.push_back(
      make(n.tls_client_cert_path, cluster_text(c, &cluster_settings::tls_client_cert_path)));
  out.push_back(
      make(n.tls_client_key_path, cluster_text(c, &cluster_settings::tls_client_key_path)));
  out.push_back(make(n.tls_verify_hostname, [c](settings& s, const raw_value& v) {
    (s.*c).tls_verify_hostname = parse_bool(v);
  }));
  out.push_back(make(n.secure_connect_bundle_path,
                     cluster_text(c, &cluster_settings::secure_connect_bundle_path)));
}

std::vector<key_spec> build() {
  std::vector<key_spec> k;
  // Global
  k.push_back(make("primary_cluster", [](settings& s, const raw_value& v) {
    s.primary_cluster = parse_cluster_name(v);
  }));
  k.push_back(make("read_mode",
                   [](settings& s, const raw_value& v) { s.read_mode_ = parse_read_mode(v); }));
  k.push_back(make("replace_cql_functions", boolean(&settings::replace_cql_functions)));
  k.push_back(make("async_handshake_timeout_ms",
                   integer(&settings::async_handshake_timeout_ms, 1, int_max)));
  k.push_back(make("shadow_compare", [](settings& s, const raw_value& v) {
    s.shadow_compare_ = parse_shadow_compare(v);
  }));
  k.push_back(make("shadow_sample_rate", [](settings& s, const raw_value& v) {
    s.shadow_sample_rate = parse_number_in(v, 0.0, 1.0);
  }));
  k.push_back(make("shadow_queue_size", integer(&settings::shadow_queue_size, 1, 65536)));
  k.push_back(
      make("log_level", [](settings& s, const raw_value& v) { s.log_level = parse_log_level(v); }));
  k.push_back(make("log_format",
                   [](settings& s, const raw_value& v) { s.log_format_ = parse_log_format(v); }));
  k.push_back(make("config_watch", boolean(&settings::config_watch)));
  k.push_back(make("control_conn_max_protocol_version", [](settings& s, const raw_value& v) {
    s.control_conn_max_protocol_version = parse_protocol_version(v);
  }));
  k.push_back(make("blocked_protocol_versions", [](settings& s, const raw_value& v) {
    s.blocked_protocol_versions = parse_protocol_versions(v);
  }));
  // Proxy topology
  k.push_back(make("proxy_topology_index", integer(&settings::proxy_topology_index, 0, int_max)));
  k.push_back(make("proxy_topology_addresses", [](settings& s, const raw_value& v) {
    s.proxy_topology_addresses = parse_addresses(v);
  }));
  k.push_back(make("proxy_topology_num_tokens",
                   integer(&settings::proxy_topology_num_tokens, 1, max_num_tokens)));
  // Clusters
  add_cluster_keys(k, &settings::origin, true);
  add_cluster_keys(k, &settings::target, false);
  // The reference's newer per-write consistency override for Target. cqlshift forwards the
  // client's consistency level unchanged, so only "unset" can be honoured.
  k.push_back(make("target_consistency_level", [](settings&, const raw_value& v) {
    if (!parse_list(v).empty()) {
      reject(v, "no value: cqlshift writes to Target at the client's consistency level");
    }
  }));
  // Proxy
  k.push_back(make("proxy_listen_address", text(&settings::proxy_listen_address)));
  k.push_back(make("proxy_listen_port", integer(&settings::proxy_listen_port, 0, port_max)));
  k.push_back(
      make("proxy_request_timeout_ms", integer(&settings::proxy_request_timeout_ms, 1, int_max)));
  k.push_back(make("proxy_max_client_connections",
                   integer(&settings::proxy_max_client_connections, 1, int_max)));
  k.push_back(
      make("proxy_max_stream_ids", integer(&settings::proxy_max_stream_ids, 1, max_stream_ids)));
  k.push_back(make("proxy_tls_ca_path", text(&settings::proxy_tls_ca_path)));
  k.push_back(make("proxy_tls_cert_path", text(&settings::proxy_tls_cert_path)));
  k.push_back(make("proxy_tls_key_path", text(&settings::proxy_tls_key_path)));
  k.push_back(
      make("proxy_tls_require_client_auth", boolean(&settings::proxy_tls_require_client_auth)));
  // Metrics
  k.push_back(make("metrics_enabled", boolean(&settings::metrics_enabled)));
  k.push_back(make("metrics_address", text(&settings::metrics_address)));
  k.push_back(make("metrics_port", integer(&settings::metrics_port, 0, port_max)));
  k.push_back(make("metrics_prefix", [](settings& s, const raw_value& v) {
    s.metrics_prefix = parse_metrics_prefix(v);
  }));
  k.push_back(make("metrics_origin_latency_buckets_ms",
                   buckets(&settings::metrics_origin_latency_buckets_ms)));
  k.push_back(make("metrics_target_latency_buckets_ms",
                   buckets(&settings::metrics_target_latency_buckets_ms)));
  k.push_back(make("metrics_async_read_latency_buckets_ms",
                   buckets(&settings::metrics_async_read_latency_buckets_ms)));
  // Heartbeats
  k.push_back(make("heartbeat_interval_ms", integer(&settings::heartbeat_interval_ms, 1, int_max)));
  k.push_back(make("heartbeat_retry_interval_min_ms",
                   integer(&settings::heartbeat_retry_interval_min_ms, 1, int_max)));
  k.push_back(make("heartbeat_retry_interval_max_ms",
                   integer(&settings::heartbeat_retry_interval_max_ms, 1, int_max)));
  k.push_back(make("heartbeat_retry_backoff_factor", [](settings& s, const raw_value& v) {
    s.heartbeat_retry_backoff_factor = parse_number(v, 1.0);
  }));
  k.push_back(make("heartbeat_failure_threshold",
                   integer(&settings::heartbeat_failure_threshold, 1, int_max)));
  // Unsupported in the reference, kept for compatibility
  k.push_back(make("system_queries_mode", [](settings& s, const raw_value& v) {
    s.system_queries_mode = parse_cluster_name(v);
  }));
  k.push_back(make("forward_client_credentials_to_origin",
                   boolean(&settings::forward_client_credentials_to_origin)));
  // cqlshift's own
  k.push_back(make("threads", integer(&settings::threads, 0, max_threads)));
  k.push_back(make("max_frame_size_bytes",
                   integer(&settings::max_frame_size_bytes, min_frame_size, max_frame_size)));
  k.push_back(make("prepared_cache_max_entries",
                   integer(&settings::prepared_cache_max_entries, 1, int_max)));
  // The reference's (2.5+) name for the same bound; load() rejects giving both.
  k.push_back(make("proxy_max_prepared_statement_cache_size",
                   integer(&settings::prepared_cache_max_entries, 1, int_max)));
  k.push_back(make("shutdown_grace_ms", integer(&settings::shutdown_grace_ms, 0, int_max)));
  return k;
}

constexpr std::array<std::string_view, 17> ignored_reference_keys{
    "origin_enable_host_assignment",
    "target_enable_host_assignment",
    "origin_prefer_ip_from_system_local",
    "target_prefer_ip_from_system_local",
    "request_write_queue_size_frames",
    "request_write_buffer_size_bytes",
    "request_read_buffer_size_bytes",
    "response_write_queue_size_frames",
    "response_write_buffer_size_bytes",
    "response_read_buffer_size_bytes",
    "request_response_max_workers",
    "write_max_workers",
    "read_max_workers",
    "listener_max_workers",
    "event_queue_size_frames",
    "async_connector_write_queue_size_frames",
    "async_connector_write_buffer_size_bytes",
};

}  // namespace

const std::vector<key_spec>& keys() {
  static const std::vector<key_spec> table = build();
  return table;
}

const key_spec* find_key(std::string_view name) {
  const auto& table = keys();
  const auto it = std::find_if(table.begin(), table.end(),
                               [name](const key_spec& k) { return k.name == name; });
  return it == table.end() ? nullptr : &*it;
}

bool is_ignored_reference_key(std::string_view name) {
  return std::find(ignored_reference_keys.begin(), ignored_reference_keys.end(), name) !=
         ignored_reference_keys.end();
}

}  // namespace cqlshift::config::detail
