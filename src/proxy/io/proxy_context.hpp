#pragma once
// State shared by every session of the process: the settings, what the control connections
// learned, the proxy topology, the prepared-statement map, counters and the shutdown flag.
// Read-mostly; written by control connections (snapshots swapped atomically) and, for the
// prepared map, under its mutex.

#include "cluster_view.hpp"

#include "cqlshift/config/settings.hpp"
#include "cqlshift/cql/statement.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/proxy/prepared_cache.hpp"
#include "cqlshift/proxy/topology.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace cqlshift::proxy {

struct proxy_context {
  explicit proxy_context(config::settings s)
      : settings(std::move(s)),
        prepared(static_cast<std::size_t>(settings.prepared_cache_max_entries)) {}

  const config::settings settings;
  proxy_topology topology;
  std::array<cluster_directory, 2> clusters;
  prepared_cache prepared;

  std::atomic<bool> shutting_down{false};
  std::atomic<int> client_connections{0};
  std::atomic<std::int64_t> inflight_requests{0};

  cluster_directory& directory(cluster c) noexcept { return clusters[static_cast<int>(c)]; }
  cluster primary() const noexcept;
  cluster system_queries() const noexcept;
};

}  // namespace cqlshift::proxy
