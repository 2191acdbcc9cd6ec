#pragma once
// The proxy process: control connections to both clusters, the client listener, worker
// threads (one io_context each; a session lives on one thread for its whole life), the HTTP
// endpoints, live reload (SIGHUP, or the config file changing) and the graceful shutdown of
// SPEC 13.

#include "cqlshift/config/settings.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace cqlshift::proxy {

struct run_options {
  // Called once with "ADDRESS:PORT" when the proxy accepts clients (both control connections
  // up).
  std::function<void(const std::string&)> on_listening;
  // Called once with "ADDRESS:PORT" when the HTTP endpoints listen (at start-up, before the
  // clusters are reached, so readiness can say STARTUP).
  std::function<void(const std::string&)> on_http;
  // Loads the configuration again from the same sources (file, environment, command line);
  // throws config::config_error. Empty: reloads are refused.
  std::function<config::settings()> reload;
  // The file a reload reads; watched for changes when config_watch is on.
  std::optional<std::filesystem::path> config_file;
};

// Reads every TLS certificate, key and secure connect bundle the settings name, as start-up
// does; throws net::tls_error (its message names the key, the file and the reason).
void check_tls_material(const config::settings& settings);

// Runs until SIGINT/SIGTERM; returns the process exit code (2 when TLS material is unusable).
int run_proxy(const config::settings& settings, const run_options& options);

}  // namespace cqlshift::proxy
