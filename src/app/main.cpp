// cqlshift: a zero-downtime migration proxy for Cassandra-compatible clusters.

#include "cqlshift/config/load.hpp"
#include "cqlshift/net/tls.hpp"
#include "cqlshift/observability/logging.hpp"
#include "cqlshift/proxy/server.hpp"

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
  std::string check_path;
  app.add_option("--check-config", check_path,
                 "Validate this config file (with the environment and the other flags) and the "
                 "TLS certificates, keys and bundles it names, and exit: 0 and 'config OK' when "
                 "it would start, 2 and the problem otherwise")
      ->check(CLI::ExistingFile);
  std::string listen_address;
  std::optional<int> listen_port;
  app.add_option("--proxy-listen-address", listen_address, "Overrides proxy_listen_address");
  app.add_option("--proxy-listen-port", listen_port,
                 "Overrides proxy_listen_port (0: a free port the OS chooses)");
  app.footer(
      "Once it accepts clients (both control connections up) it prints 'listening "
      "ADDRESS:PORT' on stdout. SIGINT/SIGTERM: stop accepting, let in-flight requests finish "
      "(shutdown_grace_ms), exit 0. SIGHUP reloads the config: primary_cluster, read_mode, "
      "shadow_compare, shadow_sample_rate, log_level, log_format, proxy_request_timeout_ms, "
      "async_handshake_timeout_ms and replace_cql_functions apply at once; other changes wait "
      "for a restart.\n"
      "With metrics_enabled it prints 'http ADDRESS:PORT' when /metrics, /health/liveness, "
      "/health/readiness and /status listen.\n"
      "Protocol versions: v3, v4, v5, DSE_V1, DSE_V2. TLS (clients, Origin, Target, secure "
      "connect bundles): docs/configuration.md.");
  CLI11_PARSE(app, argc, argv);

  std::map<std::string, std::string> overrides;
  if (!listen_address.empty()) overrides["proxy_listen_address"] = listen_address;
  if (listen_port) overrides["proxy_listen_port"] = std::to_string(*listen_port);

  if (!check_path.empty()) {
    if (!config_path.empty() && config_path != check_path) {
      std::cerr << "give the file to check with --check-config only, not --config as well\n";
      return 2;
    }
    config_path = check_path;
  }
  std::optional<std::filesystem::path> file;
  if (!config_path.empty()) file = config_path;
  // The same sources on every reload (SIGHUP): the file as it is then, the environment and
  // the command line the process started with.
  const auto environment = cqlshift::config::environment_of(environ);
  const auto load = [file, environment, overrides] {
    return cqlshift::config::load(file, environment, overrides);
  };
  cqlshift::config::settings settings;
  try {
    settings = load();
  } catch (const cqlshift::config::config_error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  if (!check_path.empty()) {
    try {
      cqlshift::proxy::check_tls_material(settings);
    } catch (const cqlshift::net::tls_error& e) {
      std::cerr << "config: " << e.what() << "\n";
      return 2;
    }
    std::cout << "config OK: " << check_path << "\n";
    return 0;
  }
  // Logs go to stderr; stdout carries only the lines scripts wait for.
  cqlshift::observability::configure_logging(settings.log_level, settings.log_format_);
  for (const std::string& key : settings.ignored_keys)
    spdlog::warn("config: {} is accepted for compatibility but has no effect in cqlshift", key);
  cqlshift::proxy::run_options options;
  options.on_listening = [](const std::string& endpoint) {
    std::cout << "listening " << endpoint << std::endl;
  };
  options.on_http = [](const std::string& endpoint) {
    std::cout << "http " << endpoint << std::endl;
  };
  options.reload = load;
  options.config_file = file;
  return cqlshift::proxy::run_proxy(settings, options);
}
