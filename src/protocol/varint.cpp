// varint helpers: CQL varints are two's complement big-endian integers of any length.

#include "cqlshift/protocol/cql_value.hpp"

#include <algorithm>

namespace cqlshift::protocol {

namespace {

bool is_negative(byte_view v) noexcept {
  return !v.empty() && (v[0] & 0x80) != 0;
}

// Leading bytes that only repeat the sign: 0x00 before a byte < 0x80, 0xFF before one >= 0x80.
std::size_t redundant_sign_bytes(byte_view v) noexcept {
  std::size_t n = 0;
  while (n + 1 < v.size() &&
         ((v[n] == 0x00 && (v[n + 1] & 0x80) == 0) || (v[n] == 0xFF && (v[n + 1] & 0x80) != 0))) {
    ++n;
  }
  return n;
}

// Two's complement negation in place, over the whole width.
void negate(bytes& v) noexcept {
  bool carry = true;
  for (auto it = v.rbegin(); it != v.rend(); ++it) {
    const unsigned sum = static_cast<std::uint8_t>(~*it) + (carry ? 1u : 0u);
    *it = static_cast<std::uint8_t>(sum);
    carry = sum > 0xFF;
  }
}

// Divides the big-endian magnitude by `divisor` in place and returns the remainder.
std::uint32_t divide(bytes& magnitude, std::uint32_t divisor) noexcept {
  std::uint64_t rem = 0;
  for (auto& b : magnitude) {
    const std::uint64_t cur = (rem << 8) | b;
    b = static_cast<std::uint8_t>(cur / divisor);
    rem = cur % divisor;
  }
  return static_cast<std::uint32_t>(rem);
}

}  // namespace

bytes minimal_varint(byte_view v) {
  const std::size_t start = redundant_sign_bytes(v);
  return bytes(v.begin() + static_cast<std::ptrdiff_t>(start), v.end());
}

bytes varint_from_int64(std::int64_t v) {
  bytes out(8);
  auto u = static_cast<std::uint64_t>(v);
  for (int k = 7; k >= 0; --k, u >>= 8)
    out[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(u);
  return minimal_varint(out);
}

std::optional<std::int64_t> varint_to_int64(byte_view v) noexcept {
  if (v.empty()) return std::nullopt;
  const std::size_t start = redundant_sign_bytes(v);
  if (v.size() - start > 8) return std::nullopt;
  std::uint64_t u = is_negative(v) ? ~std::uint64_t{0} : 0;
  for (std::size_t k = start; k < v.size(); ++k)
    u = (u << 8) | v[k];
  return static_cast<std::int64_t>(u);
}

std::string varint_to_string(byte_view v) {
  if (v.empty()) return "0";
  const bool negative = is_negative(v);
  bytes magnitude(v.begin(), v.end());
  if (negative) negate(magnitude);  // -2^(8n-1) negates to itself, read unsigned: still right
  std::string digits;
  // Peel off nine decimal digits per division to keep the quadratic loop short.
  constexpr std::uint32_t chunk = 1'000'000'000;
  while (std::any_of(magnitude.begin(), magnitude.end(), [](std::uint8_t b) { return b != 0; })) {
    std::uint32_t rem = divide(magnitude, chunk);
    for (int k = 0; k < 9; ++k, rem /= 10)
      digits += static_cast<char>('0' + rem % 10);
  }
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  if (digits.empty()) digits.push_back('0');  // not `= "0"`: g++ 12 -O3 warns (-Wrestrict)
  if (negative) digits += '-';
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::optional<bytes> varint_from_string(std::string_view s) {
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  // Little-endian magnitude while accumulating; one byte of headroom for the sign bit.
  bytes magnitude{0};
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned carry = static_cast<unsigned>(c - '0');
    for (auto& b : magnitude) {
      const unsigned cur = b * 10u + carry;
      b = static_cast<std::uint8_t>(cur);
      carry = cur >> 8;
    }
    if (carry != 0) magnitude.push_back(static_cast<std::uint8_t>(carry));
  }
  magnitude.push_back(0);
  std::reverse(magnitude.begin(), magnitude.end());
  if (negative) negate(magnitude);
  return minimal_varint(magnitude);
}

}  // namespace cqlshift::protocol
