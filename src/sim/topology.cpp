#include "cqlshift/sim/topology.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace cqlshift::sim {

namespace {

// A vnode count a real node would never exceed; keeps a bad argument from allocating without
// bound (Cassandra's own maximum for num_tokens is 1536).
constexpr int max_tokens_per_node = 1536;

}  // namespace

topology make_topology(std::string cluster_name, const std::vector<std::string>& addresses,
                       const std::vector<std::uint16_t>& ports, int tokens_per_node) {
  topology topo;
  topo.cluster_name = std::move(cluster_name);
  const int per_node = std::clamp(tokens_per_node, 1, max_tokens_per_node);
  const std::size_t n = addresses.size();
  if (n == 0) return topo;

  topo.nodes.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    node_info& node = topo.nodes[i];
    node.address = addresses[i];
    if (i < ports.size()) {
      node.port = ports[i];
    } else if (!ports.empty()) {
      node.port = ports.back();
    }
    node.host_id = protocol::name_based_uuid(topo.cluster_name + "/" + node.address + ":" +
                                             std::to_string(node.port));
    node.tokens.reserve(static_cast<std::size_t>(per_node));
  }

  // Token k of the ring goes to node k % n, so consecutive ranges belong to different nodes
  // (as vnodes do). The ring is the signed 64-bit range; Long.MIN_VALUE is the partitioner's
  // minimum and owned by no key, so the tokens start half a step above it.
  const std::uint64_t total = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(per_node);
  const std::uint64_t step = std::numeric_limits<std::uint64_t>::max() / total;
  const std::uint64_t start =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min()) + step / 2;
  for (std::uint64_t k = 0; k < total; ++k) {
    const std::uint64_t raw = start + k * step;  // wraps modulo 2^64 as intended
    topo.nodes[k % n].tokens.push_back(static_cast<std::int64_t>(raw));
  }
  for (auto& node : topo.nodes)
    std::sort(node.tokens.begin(), node.tokens.end());
  return topo;
}

}  // namespace cqlshift::sim
