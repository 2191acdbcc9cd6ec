#include "cqlshift/proxy/topology.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <algorithm>
#include <string_view>

namespace cqlshift::proxy {

namespace {

// 2^64 itself does not fit 64 bits, and step * (t*N + i) reaches up to 2^64 - step before
// the shift, so the arithmetic is done in 128 bits.
using u128 = unsigned __int128;

std::string connectable(std::string_view address) {
  if (address.empty() || address == "0.0.0.0") return "127.0.0.1";
  if (address == "::" || address == "[::]") return "::1";
  return std::string(address);
}

}  // namespace

std::vector<std::int64_t> proxy_tokens(std::size_t index, std::size_t count, int num_tokens) {
  const u128 n = std::max<std::size_t>(count, 1);
  const u128 t_count = static_cast<unsigned>(std::max(num_tokens, 1));
  const u128 step = (u128{1} << 64) / (t_count * n);
  std::vector<std::int64_t> tokens;
  tokens.reserve(static_cast<std::size_t>(t_count));
  for (u128 t = 0; t < t_count; ++t) {
    // step * (t*N + i) < 2^64, so it fits 64 bits; subtracting 2^63 is flipping the top bit
    // and reading the result as signed (two's complement, defined since C++20).
    const auto unsigned_position = static_cast<std::uint64_t>(step * (t * n + index));
    tokens.push_back(static_cast<std::int64_t>(unsigned_position ^ (std::uint64_t{1} << 63)));
  }
  return tokens;
}

proxy_topology make_proxy_topology(const std::vector<std::string>& addresses, std::size_t index,
                                   int num_tokens, std::uint16_t port) {
  std::vector<std::string> names;
  names.reserve(std::max<std::size_t>(addresses.size(), 1));
  for (const auto& a : addresses)
    names.push_back(connectable(a));
  if (names.empty()) names.push_back(connectable({}));

  proxy_topology topo;
  topo.port = port;
  topo.self = std::min(index, names.size() - 1);
  topo.instances.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    proxy_instance instance;
    instance.host_id = protocol::name_based_uuid(names[i]);
    instance.tokens = proxy_tokens(i, names.size(), num_tokens);
    instance.address = std::move(names[i]);
    topo.instances.push_back(std::move(instance));
  }
  return topo;
}

}  // namespace cqlshift::proxy
