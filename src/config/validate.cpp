#include "validate.hpp"

#include "raw_value.hpp"

#include <string>

namespace cqlshift::config::detail {
namespace {

std::string quoted(std::string_view prefix, std::string_view field) {
  return "'" + std::string(prefix) + "_" + std::string(field) + "'";
}

void validate_cluster(const cluster_settings& c, std::string_view prefix) {
  const std::string bundle = quoted(prefix, "secure_connect_bundle_path");
  const std::string points = quoted(prefix, "contact_points");
  if (!c.secure_connect_bundle_path.empty()) {
    if (!c.contact_points.empty()) {
      fail("keys " + points + " and " + bundle +
           " exclude each other: the bundle names the contact points; give only one");
    }
    if (!c.local_datacenter.empty()) {
      fail("keys " + quoted(prefix, "local_datacenter") + " and " + bundle +
           " exclude each other: the bundle names the datacenter; give only one");
    }
    const std::pair<std::string_view, const std::string*> tls_paths[] = {
        {"tls_server_ca_path", &c.tls_server_ca_path},
        {"tls_client_cert_path", &c.tls_client_cert_path},
        {"tls_client_key_path", &c.tls_client_key_path}};
    for (const auto& [field, value] : tls_paths) {
      if (!value->empty()) {
        fail("keys " + quoted(prefix, field) + " and " + bundle +
             " exclude each other: the bundle holds the TLS material; give only one");
      }
    }
    return;
  }
  if (c.contact_points.empty()) {
    fail("key " + points + " is required: give at least one host name or address (or " + bundle +
         ")");
  }
  const std::string cert = quoted(prefix, "tls_client_cert_path");
  const std::string key = quoted(prefix, "tls_client_key_path");
  if (!c.tls_client_cert_path.empty() && c.tls_client_key_path.empty()) {
    fail("key " + cert + " needs " + key + " too: a client certificate is useless without its key");
  }
  if (c.tls_client_cert_path.empty() && !c.tls_client_key_path.empty()) {
    fail("key " + key + " needs " + cert + " too: a client key is useless without its certificate");
  }
  if (!c.tls_client_cert_path.empty() && c.tls_server_ca_path.empty()) {
    fail("keys " + cert + " and " + key + " need " + quoted(prefix, "tls_server_ca_path") +
         " too: mutual TLS also verifies the server");
  }
}

void validate_proxy_tls(const settings& s) {
  const std::pair<std::string_view, const std::string*> paths[] = {
      {"proxy_tls_ca_path", &s.proxy_tls_ca_path},
      {"proxy_tls_cert_path", &s.proxy_tls_cert_path},
      {"proxy_tls_key_path", &s.proxy_tls_key_path}};
  const std::pair<std::string_view, const std::string*>* given = nullptr;
  for (const auto& p : paths) {
    if (!p.second->empty()) given = &p;
  }
  if (given == nullptr) {
    if (s.proxy_tls_require_client_auth) {
      fail(
          "key 'proxy_tls_require_client_auth' is true but proxy TLS is off: set "
          "'proxy_tls_ca_path', 'proxy_tls_cert_path' and 'proxy_tls_key_path'");
    }
    return;
  }
  for (const auto& p : paths) {
    if (p.second->empty()) {
      fail("key '" + std::string(given->first) + "' needs '" + std::string(p.first) +
           "' too: proxy TLS uses the CA, certificate and key paths together");
    }
  }
}

void validate_topology(const settings& s) {
  const auto count = s.proxy_topology_addresses.size();
  const auto index = static_cast<std::size_t>(s.proxy_topology_index);
  if (count == 0 && index != 0) {
    fail("key 'proxy_topology_index': got '" + std::to_string(index) +
         "', expected 0 (proxy_topology_addresses is empty: this instance is the only one)");
  }
  if (count != 0 && index >= count) {
    fail("key 'proxy_topology_index': got '" + std::to_string(index) +
         "', expected an integer from 0 to " + std::to_string(count - 1) +
         " (this instance's position in proxy_topology_addresses)");
  }
}

}  // namespace

void validate(const settings& s) {
  validate_cluster(s.origin, "origin");
  validate_cluster(s.target, "target");
  validate_proxy_tls(s);
  validate_topology(s);
  if (s.heartbeat_retry_interval_min_ms > s.heartbeat_retry_interval_max_ms) {
    fail("key 'heartbeat_retry_interval_min_ms' (" +
         std::to_string(s.heartbeat_retry_interval_min_ms) + ") must not exceed " +
         "'heartbeat_retry_interval_max_ms' (" + std::to_string(s.heartbeat_retry_interval_max_ms) +
         ")");
  }
  if (s.metrics_enabled && s.proxy_listen_port != 0 && s.proxy_listen_port == s.metrics_port &&
      s.proxy_listen_address == s.metrics_address) {
    fail("keys 'proxy_listen_port' and 'metrics_port' are both " +
         std::to_string(s.proxy_listen_port) + " on " + s.proxy_listen_address +
         ": the CQL listener and the HTTP endpoints need different ports");
  }
}

}  // namespace cqlshift::config::detail
