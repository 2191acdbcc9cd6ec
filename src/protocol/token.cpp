#include "cqlshift/protocol/token.hpp"

#include <bit>
#include <limits>

namespace cqlshift::protocol {

namespace {

constexpr std::uint64_t c1 = 0x87c37b91114253d5;
constexpr std::uint64_t c2 = 0x4cf5ad432745937f;

std::uint64_t fmix(std::uint64_t k) noexcept {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccd;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53;
  k ^= k >> 33;
  return k;
}

std::uint64_t load_le64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int k = 7; k >= 0; --k)
    v = (v << 8) | p[k];
  return v;
}

// Cassandra widens each tail byte from a signed Java byte, so 0x80..0xFF carry ones into every
// higher bit of the lane they are xored into.
std::uint64_t sign_extended(std::uint8_t b) noexcept {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int8_t>(b)));
}

// h1 of Cassandra's MurmurHash.hash3_x64_128 with seed 0 (all arithmetic modulo 2^64).
std::uint64_t cassandra_murmur3_h1(byte_view key) noexcept {
  const std::size_t n = key.size();
  const std::size_t blocks = n / 16;
  std::uint64_t h1 = 0;
  std::uint64_t h2 = 0;
  for (std::size_t i = 0; i < blocks; ++i) {
    std::uint64_t k1 = load_le64(key.data() + 16 * i);
    std::uint64_t k2 = load_le64(key.data() + 16 * i + 8);
    k1 *= c1;
    k1 = std::rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
    h1 = std::rotl(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= c2;
    k2 = std::rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
    h2 = std::rotl(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  const std::uint8_t* tail = key.data() + 16 * blocks;
  const std::size_t rest = n % 16;
  std::uint64_t k1 = 0;
  std::uint64_t k2 = 0;
  for (std::size_t i = rest; i > 8; --i)
    k2 ^= sign_extended(tail[i - 1]) << (8 * (i - 9));
  if (rest > 8) {
    k2 *= c2;
    k2 = std::rotl(k2, 33);
    k2 *= c1;
    h2 ^= k2;
  }
  for (std::size_t i = rest < 8 ? rest : 8; i > 0; --i) {
    k1 ^= sign_extended(tail[i - 1]) << (8 * (i - 1));
  }
  if (rest > 0) {
    k1 *= c1;
    k1 = std::rotl(k1, 31);
    k1 *= c2;
    h1 ^= k1;
  }

  h1 ^= n;
  h2 ^= n;
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  return h1;
}

}  // namespace

std::int64_t murmur3_token(byte_view partition_key) noexcept {
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (partition_key.empty()) return min;
  const auto h1 = static_cast<std::int64_t>(cassandra_murmur3_h1(partition_key));
  return h1 == min ? max : h1;
}

result<bytes> composite_partition_key(std::span<const bytes> components) {
  bytes out;
  writer w(out);
  for (const auto& c : components) {
    w.write_short_bytes(c);
    w.write_byte(0x00);
  }
  if (!w.ok()) return w.error();
  return out;
}

result<bytes> routing_key(std::span<const bytes> components) {
  if (components.size() == 1) return components.front();
  return composite_partition_key(components);
}

}  // namespace cqlshift::protocol
