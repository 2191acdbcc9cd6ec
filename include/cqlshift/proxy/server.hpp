#pragma once
// The proxy process: control connections to both clusters, the client listener, worker
// threads (one io_context each; a session lives on one thread for its whole life), and the
// graceful shutdown of SPEC 13.

#include "cqlshift/config/settings.hpp"

#include <functional>
#include <string>

namespace cqlshift::proxy {

// Runs until SIGINT/SIGTERM; returns the process exit code. `on_listening` is called once
// with "ADDRESS:PORT" when the proxy accepts clients (both control connections up).
int run_proxy(const config::settings& settings,
              const std::function<void(const std::string&)>& on_listening);

}  // namespace cqlshift::proxy
