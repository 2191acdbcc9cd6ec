#pragma once
// What a control connection learned about its cluster, published for every worker thread as
// an immutable snapshot (swapped whole on refresh, read without locks by sessions).

#include "endpoint_text.hpp"

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

// Where a connection to one node goes, and, with TLS, whom it expects to reach there.
struct node_address {
  boost::asio::ip::tcp::endpoint endpoint;
  // The node's name for TLS: the contact point's host name, or the address as text; behind a
  // secure connect bundle's SNI proxy (where every node shares `endpoint`), its host id.
  std::string name;
  bool sni_routed = false;  // `name` is a host id the SNI proxy routes on

  // For logs and the `node` metric label: "address:port", or "address:port/host-id".
  std::string label() const {
    return sni_routed ? endpoint_text(endpoint) + "/" + name : endpoint_text(endpoint);
  }
};

struct cluster_view {
  cluster which = cluster::origin;
  // Nodes of the local data center, where request connections go.
  std::vector<node_address> nodes;
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
  std::optional<node_address> next_node() {
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
