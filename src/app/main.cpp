// cqlshift: a zero-downtime migration proxy for Cassandra-compatible clusters.

#include "cqlshift/config/load.hpp"
#include "cqlshift/proxy/server.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <optional>
#include <string>

extern char** environ;

int main(int argc, char** argv) {
  CLI::App app{
      "cqlshift " CQLSHIFT_VERSION
      " - a CQL proxy that dual-writes to an Origin and a Target cluster and serves reads "
      "from the primary one, so an application moves between clusters with zero downtime."};
  app.set_version_flag("--version", std::string("cqlshift ") + CQLSHIFT_VERSION,
                       "Print the version and exit");
  std::string config_path;
  app.add_option("--config", config_path,
                 "YAML config file (every key: config/cqlshift.yaml). Environment variables "
                 "CQLSHIFT_<KEY> and ZDM_<KEY> override it.")
      ->check(CLI::ExistingFile);
  std::string listen_address;
  std::optional<int> listen_port;
  app.add_option("--proxy-listen-address", listen_address, "Overrides proxy_listen_address");
  app.add_option("--proxy-listen-port", listen_port,
                 "Overrides proxy_listen_port (0: a free port the OS chooses)");
  app.footer(
      "Once it accepts clients (both control connections up) it prints 'listening "
      "ADDRESS:PORT' on stdout. SIGINT/SIGTERM: stop accepting, let in-flight requests finish "
      "(shutdown_grace_ms), exit 0.\n"
      "Protocol versions: v3, v4, v5, DSE_V1, DSE_V2.");
  CLI11_PARSE(app, argc, argv);

  std::map<std::string, std::string> overrides;
  if (!listen_address.empty()) overrides["proxy_listen_address"] = listen_address;
  if (listen_port) overrides["proxy_listen_port"] = std::to_string(*listen_port);

  cqlshift::config::settings settings;
  try {
    std::optional<std::filesystem::path> file;
    if (!config_path.empty()) file = config_path;
    settings = cqlshift::config::load(file, cqlshift::config::environment_of(environ), overrides);
  } catch (const cqlshift::config::config_error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  // Logs go to stderr; stdout carries only the "listening" line scripts wait for.
  spdlog::set_default_logger(spdlog::stderr_color_mt("cqlshift"));
  spdlog::set_level(spdlog::level::from_str(settings.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  // Settings whose feature this build does not have yet. Where running without the feature
  // would be unsafe (plaintext instead of TLS, different now() values on the two clusters),
  // the proxy refuses to start; otherwise it says what is ignored.
  const auto& o = settings.origin;
  const auto& t = settings.target;
  for (const auto& [key, value] :
       {std::pair{"proxy_tls_cert_path", settings.proxy_tls_cert_path},
        {"proxy_tls_key_path", settings.proxy_tls_key_path},
        {"proxy_tls_ca_path", settings.proxy_tls_ca_path},
        {"origin_tls_server_ca_path", o.tls_server_ca_path},
        {"origin_tls_client_cert_path", o.tls_client_cert_path},
        {"origin_secure_connect_bundle_path", o.secure_connect_bundle_path},
        {"target_tls_server_ca_path", t.tls_server_ca_path},
        {"target_tls_client_cert_path", t.tls_client_cert_path},
        {"target_secure_connect_bundle_path", t.secure_connect_bundle_path}}) {
    if (!value.empty()) {
      spdlog::critical(
          "config: {} is set, but this build of cqlshift has no TLS yet; refusing "
          "to start rather than connect without it",
          key);
      return 2;
    }
  }
  if (settings.read_mode_ != cqlshift::config::read_mode::primary_only)
    spdlog::warn(
        "config: read_mode {} is not implemented in this build; reads go to the "
        "primary only",
        cqlshift::config::to_string(settings.read_mode_));
  if (settings.metrics_enabled)
    spdlog::warn(
        "config: metrics_enabled: the metrics and health endpoints are not in this "
        "build yet; nothing listens on metrics_port");
  for (const std::string& key : settings.ignored_keys)
    spdlog::warn("config: {} is accepted for compatibility but has no effect in cqlshift", key);
  return cqlshift::proxy::run_proxy(settings, [](const std::string& endpoint) {
    std::cout << "listening " << endpoint << std::endl;
  });
}
