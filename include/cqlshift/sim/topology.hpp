#pragma once
// The nodes of one cqlsim cluster, as system.local and system.peers describe them. All nodes
// of a process share one data set; they differ in address, host id and tokens.

#include "cqlshift/protocol/primitives.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cqlshift::sim {

struct node_info {
  std::string address;  // "127.0.0.1"
  std::uint16_t port = 9042;
  std::string datacenter = "datacenter1";
  std::string rack = "rack1";
  protocol::uuid host_id{};
  std::vector<std::int64_t> tokens;  // Murmur3 tokens this node owns (sorted)
};

struct topology {
  std::string cluster_name = "cqlsim";
  std::string release_version = "4.1.5";
  std::vector<node_info> nodes;
};

// `count` nodes with evenly spread tokens (`tokens_per_node` each) and host ids derived from
// the cluster name and address, so a restarted cqlsim keeps its identity.
topology make_topology(std::string cluster_name, const std::vector<std::string>& addresses,
                       const std::vector<std::uint16_t>& ports, int tokens_per_node = 16);

}  // namespace cqlshift::sim
