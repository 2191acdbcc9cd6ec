#include "cqlshift/protocol/md5.hpp"

#include <bit>
#include <cstring>

namespace cqlshift::protocol {

namespace {

// floor(|sin(i + 1)| * 2^32), RFC 1321 section 3.4.
constexpr std::uint32_t sine_table[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

// Left-rotation amounts per step: four per round, repeated.
constexpr int shifts[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

struct state {
  std::uint32_t a = 0x67452301;
  std::uint32_t b = 0xefcdab89;
  std::uint32_t c = 0x98badcfe;
  std::uint32_t d = 0x10325476;

  void process(const std::uint8_t* block) noexcept {
    std::uint32_t m[16];
    for (int k = 0; k < 16; ++k) {
      const std::uint8_t* p = block + 4 * k;
      m[k] = std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
             (std::uint32_t{p[3]} << 24);
    }
    std::uint32_t aa = a, bb = b, cc = c, dd = d;
    for (int i = 0; i < 64; ++i) {
      const int round = i / 16;
      std::uint32_t f;
      int g;
      switch (round) {
        case 0:
          f = (bb & cc) | (~bb & dd), g = i;
          break;
        case 1:
          f = (dd & bb) | (~dd & cc), g = (5 * i + 1) % 16;
          break;
        case 2:
          f = bb ^ cc ^ dd, g = (3 * i + 5) % 16;
          break;
        default:
          f = cc ^ (bb | ~dd), g = (7 * i) % 16;
          break;
      }
      f += aa + sine_table[i] + m[g];
      aa = dd;
      dd = cc;
      cc = bb;
      bb += std::rotl(f, shifts[round][i % 4]);
    }
    a += aa;
    b += bb;
    c += cc;
    d += dd;
  }
};

}  // namespace

md5_digest md5(byte_view data) noexcept {
  state s;
  const std::size_t full = data.size() / 64 * 64;
  for (std::size_t k = 0; k < full; k += 64)
    s.process(data.data() + k);

  // The tail, the 0x80 marker, zero padding to 56 mod 64 and the bit length, little-endian.
  std::uint8_t last[128] = {};
  const std::size_t tail = data.size() - full;
  if (tail != 0) std::memcpy(last, data.data() + full, tail);
  last[tail] = 0x80;
  const std::size_t padded = tail < 56 ? 64 : 128;
  const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  for (int k = 0; k < 8; ++k)
    last[padded - 8 + k] = static_cast<std::uint8_t>(bits >> (8 * k));
  for (std::size_t k = 0; k < padded; k += 64)
    s.process(last + k);

  md5_digest out{};
  const std::uint32_t words[4] = {s.a, s.b, s.c, s.d};
  for (int w = 0; w < 4; ++w) {
    for (int k = 0; k < 4; ++k)
      out[4 * w + k] = static_cast<std::uint8_t>(words[w] >> (8 * k));
  }
  return out;
}

}  // namespace cqlshift::protocol
