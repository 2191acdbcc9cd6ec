#pragma once
// State shared by every session of the process: the settings, what the control connections
// learned, the proxy topology, the prepared-statement map, counters and the shutdown flag.
// Read-mostly; written by control connections (snapshots swapped atomically) and, for the
// prepared map, under its mutex.

#include "cluster_view.hpp"

#include "cqlshift/config/settings.hpp"
#include "cqlshift/cql/statement.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/proxy/topology.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace cqlshift::proxy {

// A statement prepared on both clusters, keyed by the id the client sees (Origin's).
struct prepared_entry {
  protocol::bytes target_id;
  std::optional<protocol::bytes> target_result_metadata_id;
  cql::statement_info statement;
  std::string query;
  bool virtual_table = false;  // answered by the proxy (system.local / system.peers)
};

class prepared_map {
 public:
  void put(const protocol::bytes& client_id, prepared_entry e);
  std::optional<prepared_entry> find(const protocol::bytes& client_id) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, prepared_entry> entries_;
};

struct proxy_context {
  explicit proxy_context(config::settings s) : settings(std::move(s)) {}

  const config::settings settings;
  proxy_topology topology;
  std::array<cluster_directory, 2> clusters;
  prepared_map prepared;

  std::atomic<bool> shutting_down{false};
  std::atomic<int> client_connections{0};
  std::atomic<std::int64_t> inflight_requests{0};

  cluster_directory& directory(cluster c) noexcept { return clusters[static_cast<int>(c)]; }
  cluster primary() const noexcept;
  cluster system_queries() const noexcept;
};

}  // namespace cqlshift::proxy
