#pragma once
// State shared by every session of the process: the settings, what the control connections
// learned, the proxy topology, the prepared-statement map, metrics, counters and the shutdown
// flag. Read-mostly; written by control connections (snapshots swapped atomically), by a
// reload (the live settings, atomics), and, for the prepared map, under its mutex.

#include "cluster_tls.hpp"
#include "cluster_view.hpp"

#include "cqlshift/config/settings.hpp"
#include "cqlshift/cql/statement.hpp"
#include "cqlshift/observability/metrics.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/proxy/prepared_cache.hpp"
#include "cqlshift/proxy/topology.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace cqlshift::proxy {

// The settings a reload changes while the proxy runs (SPEC 12); every request reads them, so
// they are plain atomics (relaxed: each value stands alone).
struct live_settings {
  explicit live_settings(const config::settings& s);
  void apply(const config::settings& s) noexcept;

  std::atomic<cluster> primary;
  std::atomic<config::read_mode> read_mode;
  std::atomic<bool> replace_cql_functions;
  std::atomic<int> request_timeout_ms;
  std::atomic<int> async_handshake_timeout_ms;
  std::atomic<config::shadow_compare> shadow_compare;
  std::atomic<double> shadow_sample_rate;
};

struct proxy_context {
  proxy_context(config::settings s, std::size_t worker_threads);

  // As loaded at start-up; what a reload changed is in `live` and in active().
  const config::settings settings;
  live_settings live;
  proxy_topology topology;
  std::array<cluster_directory, 2> clusters;
  // Loaded before any connection is made, read-only afterwards.
  tls_setup tls;
  prepared_cache prepared;
  observability::metrics metrics;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  std::atomic<bool> shutting_down{false};
  std::atomic<int> client_connections{0};
  std::atomic<std::int64_t> inflight_requests{0};

  cluster_directory& directory(cluster c) noexcept { return clusters[static_cast<int>(c)]; }
  const cluster_tls& tls_of(cluster c) const noexcept { return tls.clusters[static_cast<int>(c)]; }
  cluster primary() const noexcept { return live.primary.load(std::memory_order_relaxed); }
  cluster system_queries() const noexcept;

  // The settings in effect: start-up's, with the live keys of the last good reload.
  std::shared_ptr<const config::settings> active() const;
  void set_active(std::shared_ptr<const config::settings> s);

 private:
  mutable std::mutex active_mutex_;
  std::shared_ptr<const config::settings> active_;
};

}  // namespace cqlshift::proxy
