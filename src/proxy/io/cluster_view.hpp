#pragma once
// What a control connection learned about its cluster, published for every worker thread as
// an immutable snapshot (swapped whole on refresh, read without locks by sessions).

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/results.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/proxy/routing.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cqlshift::proxy {

struct cluster_view {
  cluster which = cluster::origin;
  // Nodes of the local data center, where request connections go.
  std::vector<boost::asio::ip::tcp::endpoint> nodes;
  std::string datacenter;
  // The highest version the cluster accepted on the control connection.
  protocol::protocol_version version = protocol::protocol_version::v4;
  // The SUPPORTED options it answered to OPTIONS.
  protocol::string_multimap supported;
  // Its system.local row (for the virtual system tables).
  protocol::rows_result system_local;
  // Whether it asked for authentication.
  bool requires_auth = false;
};

// One per cluster: the latest view (null until the first control connection succeeds) and
// a round-robin counter that spreads request connections over the nodes.
class cluster_directory {
 public:
  std::shared_ptr<const cluster_view> view() const noexcept { return view_.load(); }
  void publish(std::shared_ptr<const cluster_view> v) noexcept { view_.store(std::move(v)); }
  // The node for the next request connection; nullopt before discovery.
  std::optional<boost::asio::ip::tcp::endpoint> next_node() noexcept {
    auto v = view();
    if (!v || v->nodes.empty()) return std::nullopt;
    const auto k = next_.fetch_add(1, std::memory_order_relaxed);
    return v->nodes[k % v->nodes.size()];
  }

 private:
  std::atomic<std::shared_ptr<const cluster_view>> view_;
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace cqlshift::proxy
