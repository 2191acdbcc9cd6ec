#pragma once
// The HTTP endpoints of SPEC.md section 16 over the proxy's state: /metrics, /health/liveness,
// /health/readiness (the reference's JSON and status codes) and /status. The handler runs on
// the main io_context, where the control connections live, so it reads their state directly.

#include "control_connection.hpp"
#include "proxy_context.hpp"

#include "cqlshift/observability/http_server.hpp"

#include <memory>

namespace cqlshift::proxy {

struct endpoint_sources {
  std::shared_ptr<proxy_context> ctx;
  std::shared_ptr<const control_connection> origin;
  std::shared_ptr<const control_connection> target;
  const bool* serving = nullptr;  // both control connections came up and clients are accepted
  std::string listen_address;     // "ADDRESS:PORT" once serving
};

observability::http_handler make_endpoints(std::shared_ptr<endpoint_sources> sources);

}  // namespace cqlshift::proxy
