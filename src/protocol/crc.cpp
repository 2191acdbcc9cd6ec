#include "cqlshift/protocol/crc.hpp"

#include <array>
#include <cstddef>

namespace cqlshift::protocol {
namespace {

constexpr std::uint32_t crc24_init = 0x875060;
constexpr std::uint32_t crc24_poly = 0x1974F0B;
// Cassandra's crc24 takes the header as a 64-bit register.
constexpr std::size_t crc24_max_bytes = 8;

// The reflected polynomial of zlib's CRC32.
constexpr std::uint32_t crc32_poly = 0xEDB88320;

constexpr std::array<std::uint32_t, 256> make_crc32_table() noexcept {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? crc32_poly ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr auto crc32_table = make_crc32_table();

// Continues a finished zlib CRC32 value `crc` over `data` (zlib's crc32(crc, data, n)).
constexpr std::uint32_t crc32_update(std::uint32_t crc, byte_view data) noexcept {
  crc = ~crc;
  for (std::uint8_t b : data)
    crc = crc32_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

constexpr std::array<std::uint8_t, 4> crc32_seed_bytes = {0xFA, 0x2D, 0x55, 0xCA};
constexpr std::uint32_t crc32_seed = crc32_update(0, crc32_seed_bytes);

}  // namespace

std::uint32_t crc24(byte_view data) noexcept {
  std::uint32_t crc = crc24_init;
  const std::size_t n = data.size() < crc24_max_bytes ? data.size() : crc24_max_bytes;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= static_cast<std::uint32_t>(data[i]) << 16;
    for (int bit = 0; bit < 8; ++bit) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= crc24_poly;
    }
  }
  return crc;
}

std::uint32_t crc32_segment(byte_view data) noexcept {
  return crc32_update(crc32_seed, data);
}

}  // namespace cqlshift::protocol
