#include "cqlshift/protocol/timeuuid.hpp"

#include "cqlshift/protocol/md5.hpp"

#include <random>

namespace cqlshift::protocol {

namespace {

// 100 ns ticks from the Gregorian reform (1582-10-15), the version 1 epoch, to the Unix epoch.
constexpr std::int64_t gregorian_to_unix_ticks = 0x01B21DD213814000;
constexpr std::int64_t ticks_per_milli = 10'000;
constexpr std::uint64_t node_mask = 0xFFFF'FFFF'FFFF;
constexpr std::uint64_t multicast_bit = std::uint64_t{1} << 40;  // LSB of the first octet

uuid make_v1(std::int64_t ticks, std::uint16_t clock_seq, std::uint64_t node) noexcept {
  const auto t = static_cast<std::uint64_t>(ticks);
  uuid u{};
  const std::uint32_t time_low = static_cast<std::uint32_t>(t);
  const std::uint16_t time_mid = static_cast<std::uint16_t>(t >> 32);
  const std::uint16_t time_hi = static_cast<std::uint16_t>(((t >> 48) & 0x0FFF) | 0x1000);
  for (int k = 0; k < 4; ++k)
    u[k] = static_cast<std::uint8_t>(time_low >> (24 - 8 * k));
  u[4] = static_cast<std::uint8_t>(time_mid >> 8);
  u[5] = static_cast<std::uint8_t>(time_mid);
  u[6] = static_cast<std::uint8_t>(time_hi >> 8);
  u[7] = static_cast<std::uint8_t>(time_hi);
  u[8] = static_cast<std::uint8_t>(0x80 | ((clock_seq >> 8) & 0x3F));  // RFC 4122 variant 10
  u[9] = static_cast<std::uint8_t>(clock_seq);
  for (int k = 0; k < 6; ++k)
    u[10 + k] = static_cast<std::uint8_t>(node >> (40 - 8 * k));
  return u;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

timeuuid_generator::timeuuid_generator() {
  std::random_device rd;
  const std::uint64_t node = (std::uint64_t{rd()} << 32) | rd();
  clock_seq_ = static_cast<std::uint16_t>(rd() & 0x3FFF);
  node_ = (node & node_mask) | multicast_bit;
}

timeuuid_generator::timeuuid_generator(std::uint16_t clock_seq, std::uint64_t node48) noexcept
    : clock_seq_(clock_seq), node_(node48 & node_mask) {}

uuid timeuuid_generator::next_at(std::chrono::system_clock::time_point now) noexcept {
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::int64_t ticks = nanos / 100 + gregorian_to_unix_ticks;
  if (ticks <= last_ticks_) ticks = last_ticks_ + 1;
  last_ticks_ = ticks;
  return make_v1(ticks, clock_seq_, node_);
}

uuid timeuuid_from_unix_micros(std::int64_t micros, std::uint16_t clock_seq,
                               std::uint64_t node48) noexcept {
  return make_v1(micros * 10 + gregorian_to_unix_ticks, clock_seq, node48 & node_mask);
}

std::int64_t timeuuid_ticks(const uuid& u) noexcept {
  std::uint64_t t = std::uint64_t{u[6]} & 0x0F;
  t = (t << 8) | u[7];
  t = (t << 8) | u[4];
  t = (t << 8) | u[5];
  for (int k = 0; k < 4; ++k)
    t = (t << 8) | u[k];
  return static_cast<std::int64_t>(t);
}

std::int64_t timeuuid_unix_millis(const uuid& u) noexcept {
  // Ticks are never negative and the epoch offset is whole milliseconds, so this rounds down.
  return timeuuid_ticks(u) / ticks_per_milli - gregorian_to_unix_ticks / ticks_per_milli;
}

int uuid_version(const uuid& u) noexcept {
  return u[6] >> 4;
}

std::string to_string(const uuid& u) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t k = 0; k < u.size(); ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) s += '-';
    s += hex[u[k] >> 4];
    s += hex[u[k] & 0x0F];
  }
  return s;
}

std::optional<uuid> parse_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return std::nullopt;
  uuid u{};
  std::size_t pos = 0;
  for (std::size_t k = 0; k < u.size(); ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) {
      if (s[pos++] != '-') return std::nullopt;
    }
    const int hi = hex_value(s[pos++]);
    const int lo = hex_value(s[pos++]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u[k] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return u;
}

uuid name_based_uuid(std::string_view name) noexcept {
  uuid u = md5({reinterpret_cast<const std::uint8_t*>(name.data()), name.size()});
  u[6] = static_cast<std::uint8_t>((u[6] & 0x0F) | 0x30);  // version 3
  u[8] = static_cast<std::uint8_t>((u[8] & 0x3F) | 0x80);  // RFC 4122 variant 10
  return u;
}

}  // namespace cqlshift::protocol
