#include "executor_paging.hpp"

#include "executor.hpp"

namespace cqlshift::sim::exec {

namespace {

// The first byte of every state: a state from another server or version is rejected rather
// than misread.
constexpr std::uint8_t state_version = 0xC5;
// Clustering keys have at most as many components as a table can have columns; a bound keeps
// a forged count from allocating.
constexpr std::size_t max_components = 1024;

}  // namespace

protocol::bytes encode_paging_state(const paging_state& s) {
  protocol::bytes out;
  protocol::writer w(out);
  w.write_byte(state_version);
  w.write_bytes(protocol::byte_view(s.partition_key));
  w.write_byte(s.clustering ? 1 : 0);
  if (s.clustering) {
    w.write_short(static_cast<std::uint16_t>(s.clustering->size()));
    for (const auto& c : *s.clustering) w.write_bytes(protocol::byte_view(c));
  }
  w.write_long(s.remaining);
  w.write_long(s.remaining_in_partition);
  return out;
}

sim_result<paging_state> decode_paging_state(const protocol::bytes& b) {
  const auto bad = [] { return protocol_error("Invalid value for the paging state"); };
  protocol::reader r{protocol::byte_view(b)};
  if (r.read_byte() != state_version || !r.ok()) return bad();
  paging_state s;
  auto key = r.read_bytes();
  if (!r.ok() || !key) return bad();
  s.partition_key = std::move(*key);
  const std::uint8_t has_clustering = r.read_byte();
  if (!r.ok() || has_clustering > 1) return bad();
  if (has_clustering == 1) {
    const std::size_t n = r.read_short();
    if (!r.ok() || n > max_components) return bad();
    std::vector<protocol::bytes> parts;
    for (std::size_t i = 0; i < n; ++i) {
      auto part = r.read_bytes();
      if (!r.ok() || !part) return bad();
      parts.push_back(std::move(*part));
    }
    s.clustering = std::move(parts);
  }
  s.remaining = r.read_long();
  s.remaining_in_partition = r.read_long();
  if (r.finish() != protocol::errc::ok || s.remaining <= 0 || s.remaining_in_partition < 0) {
    return bad();
  }
  return s;
}

}  // namespace cqlshift::sim::exec
