// describe() and is_live_key(): the settings as an operator reads them back.

#include "cqlshift/config/settings.hpp"

#include <array>
#include <charconv>

namespace cqlshift::config {
namespace {

std::string number(double d) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  return ec == std::errc() ? std::string(buf.data(), end) : std::to_string(d);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string joined(const std::vector<double>& items) {
  std::vector<std::string> text;
  for (double d : items)
    text.push_back(number(d));
  return joined(text);
}

std::string version_name(std::uint8_t v) {
  if (v == 0x41) return "DseV1";
  if (v == 0x42) return "DseV2";
  return "v" + std::to_string(v);
}

std::string versions(const std::vector<std::uint8_t>& vs) {
  std::vector<std::string> text;
  for (std::uint8_t v : vs)
    text.push_back(version_name(v));
  return joined(text);
}

std::string flag(bool b) {
  return b ? "true" : "false";
}

std::string secret(const std::string& s) {
  return s.empty() ? "" : "***";
}

void add_cluster(std::vector<std::pair<std::string, std::string>>& out, const std::string& prefix,
                 const cluster_settings& c) {
  out.emplace_back(prefix + "_contact_points", joined(c.contact_points));
  out.emplace_back(prefix + "_port", std::to_string(c.port));
  out.emplace_back(prefix + "_username", c.username);
  out.emplace_back(prefix + "_password", secret(c.password));
  out.emplace_back(prefix + "_local_datacenter", c.local_datacenter);
  out.emplace_back(prefix + "_connection_timeout_ms", std::to_string(c.connection_timeout_ms));
  out.emplace_back(prefix + "_tls_server_ca_path", c.tls_server_ca_path);
  out.emplace_back(prefix + "_tls_client_cert_path", c.tls_client_cert_path);
  out.emplace_back(prefix + "_tls_client_key_path", c.tls_client_key_path);
  out.emplace_back(prefix + "_tls_verify_hostname", flag(c.tls_verify_hostname));
  out.emplace_back(prefix + "_secure_connect_bundle_path", c.secure_connect_bundle_path);
}

}  // namespace

bool is_live_key(std::string_view key) noexcept {
  static constexpr std::array<std::string_view, 9> live = {"primary_cluster",
                                                           "read_mode",
                                                           "shadow_compare",
                                                           "shadow_sample_rate",
                                                           "log_level",
                                                           "proxy_request_timeout_ms",
                                                           "async_handshake_timeout_ms",
                                                           "log_format",
                                                           "replace_cql_functions"};
  for (std::string_view k : live)
    if (k == key) return true;
  return false;
}

std::vector<std::pair<std::string, std::string>> describe(const settings& s) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("primary_cluster", std::string(to_string(s.primary_cluster)));
  out.emplace_back("read_mode", std::string(to_string(s.read_mode_)));
  out.emplace_back("replace_cql_functions", flag(s.replace_cql_functions));
  out.emplace_back("async_handshake_timeout_ms", std::to_string(s.async_handshake_timeout_ms));
  out.emplace_back("shadow_compare", std::string(to_string(s.shadow_compare_)));
  out.emplace_back("shadow_sample_rate", number(s.shadow_sample_rate));
  out.emplace_back("shadow_queue_size", std::to_string(s.shadow_queue_size));
  out.emplace_back("log_level", s.log_level);
  out.emplace_back("log_format", std::string(to_string(s.log_format_)));
  out.emplace_back("config_watch", flag(s.config_watch));
  out.emplace_back("control_conn_max_protocol_version",
                   version_name(s.control_conn_max_protocol_version));
  out.emplace_back("blocked_protocol_versions", versions(s.blocked_protocol_versions));
  out.emplace_back("proxy_topology_index", std::to_string(s.proxy_topology_index));
  out.emplace_back("proxy_topology_addresses", joined(s.proxy_topology_addresses));
  out.emplace_back("proxy_topology_num_tokens", std::to_string(s.proxy_topology_num_tokens));
  add_cluster(out, "origin", s.origin);
  add_cluster(out, "target", s.target);
  out.emplace_back("proxy_listen_address", s.proxy_listen_address);
  out.emplace_back("proxy_listen_port", std::to_string(s.proxy_listen_port));
  out.emplace_back("proxy_request_timeout_ms", std::to_string(s.proxy_request_timeout_ms));
  out.emplace_back("proxy_max_client_connections", std::to_string(s.proxy_max_client_connections));
  out.emplace_back("proxy_max_stream_ids", std::to_string(s.proxy_max_stream_ids));
  out.emplace_back("proxy_tls_ca_path", s.proxy_tls_ca_path);
  out.emplace_back("proxy_tls_cert_path", s.proxy_tls_cert_path);
  out.emplace_back("proxy_tls_key_path", s.proxy_tls_key_path);
  out.emplace_back("proxy_tls_require_client_auth", flag(s.proxy_tls_require_client_auth));
  out.emplace_back("metrics_enabled", flag(s.metrics_enabled));
  out.emplace_back("metrics_address", s.metrics_address);
  out.emplace_back("metrics_port", std::to_string(s.metrics_port));
  out.emplace_back("metrics_prefix", s.metrics_prefix);
  out.emplace_back("metrics_origin_latency_buckets_ms",
                   joined(s.metrics_origin_latency_buckets_ms));
  out.emplace_back("metrics_target_latency_buckets_ms",
                   joined(s.metrics_target_latency_buckets_ms));
  out.emplace_back("metrics_async_read_latency_buckets_ms",
                   joined(s.metrics_async_read_latency_buckets_ms));
  out.emplace_back("heartbeat_interval_ms", std::to_string(s.heartbeat_interval_ms));
  out.emplace_back("heartbeat_retry_interval_min_ms",
                   std::to_string(s.heartbeat_retry_interval_min_ms));
  out.emplace_back("heartbeat_retry_interval_max_ms",
                   std::to_string(s.heartbeat_retry_interval_max_ms));
  out.emplace_back("heartbeat_retry_backoff_factor", number(s.heartbeat_retry_backoff_factor));
  out.emplace_back("heartbeat_failure_threshold", std::to_string(s.heartbeat_failure_threshold));
  out.emplace_back("system_queries_mode", std::string(to_string(s.system_queries_mode)));
  out.emplace_back("forward_client_credentials_to_origin",
                   flag(s.forward_client_credentials_to_origin));
  out.emplace_back("threads", std::to_string(s.threads));
  out.emplace_back("max_frame_size_bytes", std::to_string(s.max_frame_size_bytes));
  out.emplace_back("prepared_cache_max_entries", std::to_string(s.prepared_cache_max_entries));
  out.emplace_back("shutdown_grace_ms", std::to_string(s.shutdown_grace_ms));
  return out;
}

}  // namespace cqlshift::config
