#pragma once
// The cluster drivers see through the proxy (SPEC 7): the proxy instances of
// proxy_topology_addresses, each owning an equal, interleaved share of the Murmur3 ring, so a
// token-aware driver spreads its requests over every instance.

#include "cqlshift/protocol/primitives.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cqlshift::proxy {

struct proxy_instance {
  std::string address;  // an IP literal, as drivers connect to it
  protocol::uuid host_id;
  std::vector<std::int64_t> tokens;  // ascending
};

struct proxy_topology {
  std::vector<proxy_instance> instances;  // never empty
  std::size_t self = 0;                   // this process's instance, < instances.size()
  std::uint16_t port = 0;                 // the client listen port, the same on every instance
};

// The tokens of instance `index` of `count` with `num_tokens` each (SPEC 7):
// floor(2^64 / (T*N)) * (t*N + index) - 2^63 for t in 0..T-1, computed exactly. Instances
// interleave on the ring, so a lost instance leaves no large gap. Preconditions (config
// validation): index < count, num_tokens >= 1, count * num_tokens small enough for memory; a
// count or num_tokens below 1 is taken as 1 rather than dividing by zero.
std::vector<std::int64_t> proxy_tokens(std::size_t index, std::size_t count, int num_tokens);

// The topology of `addresses`, this process being instance `index`.
// - host_id is the version 3 UUID of the address text, so every instance computes the same
//   ids for its peers without talking to them, and a restart keeps them.
// - An empty list means a single instance; since this function does not know the listen
//   address, the caller should pass {listen_address} itself. Given nothing, 127.0.0.1 is used.
// - A wildcard address (0.0.0.0, ::) is not one a driver can connect to; it becomes the
//   loopback of its family (127.0.0.1, ::1), on the assumption that a proxy listening
//   everywhere without a topology serves local clients.
// - An index past the end is clamped to the last instance (config validation rejects it;
//   this keeps the function total).
proxy_topology make_proxy_topology(const std::vector<std::string>& addresses, std::size_t index,
                                   int num_tokens, std::uint16_t port);

}  // namespace cqlshift::proxy
