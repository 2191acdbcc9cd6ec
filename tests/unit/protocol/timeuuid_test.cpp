// Version 1 UUID generation and inspection, MD5 and version 3 UUIDs, UUID text form. Expected
// values were computed with Python's uuid and hashlib modules.

#include "cqlshift/protocol/timeuuid.hpp"

#include "cqlshift/protocol/md5.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace cqlshift::protocol {
namespace {

using test::hex;
using namespace std::chrono_literals;

uuid parsed(std::string_view s) {
  auto u = parse_uuid(s);
  EXPECT_TRUE(u) << s;
  return u.value_or(uuid{});
}

std::uint16_t clock_seq_of(const uuid& u) {
  return static_cast<std::uint16_t>(((u[8] & 0x3F) << 8) | u[9]);
}

TEST(TimeuuidGenerator, ExactLayoutForAKnownInstant) {
  timeuuid_generator gen(0x1234, 0x0a0b0c0d0e0f);
  const uuid u = gen.next_at(std::chrono::system_clock::time_point{1ms});
  EXPECT_EQ(to_string(u), "13816710-1dd2-11b2-9234-0a0b0c0d0e0f");
  EXPECT_EQ(timeuuid_unix_millis(u), 1);
}

TEST(TimeuuidGenerator, MonotonicOver100kCalls) {
  timeuuid_generator gen;
  uuid first = gen.next();
  std::int64_t last = timeuuid_ticks(first);
  for (int k = 0; k < 100'000; ++k) {
    const uuid u = gen.next();
    ASSERT_EQ(uuid_version(u), 1);
    ASSERT_EQ(u[8] & 0xC0, 0x80);  // RFC 4122 variant
    ASSERT_GT(timeuuid_ticks(u), last);
    // Same node and clock sequence throughout: a larger timestamp means a distinct UUID.
    ASSERT_TRUE(std::equal(u.begin() + 8, u.end(), first.begin() + 8));
    last = timeuuid_ticks(u);
  }
  // A random node id has the multicast bit set so it cannot clash with a real MAC address.
  EXPECT_EQ(first[10] & 0x01, 0x01);
}

TEST(TimeuuidGenerator, SameTickAndBackwardClockStillIncrease) {
  timeuuid_generator gen(1, 2);
  const auto now = std::chrono::system_clock::time_point{1'700'000'000s};
  const uuid a = gen.next_at(now);
  const uuid b = gen.next_at(now);
  const uuid c = gen.next_at(now - 10s);
  const uuid d = gen.next_at(now + 1s);
  EXPECT_EQ(timeuuid_ticks(b), timeuuid_ticks(a) + 1);
  EXPECT_EQ(timeuuid_ticks(c), timeuuid_ticks(b) + 1);
  EXPECT_EQ(timeuuid_ticks(d), timeuuid_ticks(a) + 10'000'000);
  EXPECT_EQ(timeuuid_unix_millis(a), 1'700'000'000'000);
}

TEST(TimeuuidGenerator, TwoGeneratorsHaveDifferentNodes) {
  timeuuid_generator a;
  timeuuid_generator b;
  const auto now = std::chrono::system_clock::now();
  // 62 random bits (48 node + 14 clock sequence) colliding is not a realistic failure.
  EXPECT_NE(a.next_at(now), b.next_at(now));
}

TEST(TimeuuidFields, FromUnixMicros) {
  const uuid u = timeuuid_from_unix_micros(1'700'000'000'123'456, 0x3FFF, 0xFFFFFFFFFFFF);
  EXPECT_EQ(to_string(u), "04c29680-833b-11ee-bfff-ffffffffffff");
  EXPECT_EQ(timeuuid_unix_millis(u), 1'700'000'000'123);
  EXPECT_EQ(clock_seq_of(u), 0x3FFF);
  // Only 14 clock sequence bits and 48 node bits are kept.
  const uuid masked = timeuuid_from_unix_micros(0, 0xFFFF, 0xFF'FFFF'FFFF'FFFF);
  EXPECT_EQ(to_string(masked).substr(19), "bfff-ffffffffffff");
}

TEST(TimeuuidFields, KnownUuid) {
  const uuid u = parsed("a4a70900-24e1-11df-8924-001ff3591711");
  EXPECT_EQ(uuid_version(u), 1);
  EXPECT_EQ(timeuuid_ticks(u), 134867065393056000);
  EXPECT_EQ(timeuuid_unix_millis(u), 1267413739305);
  EXPECT_EQ(clock_seq_of(u), 2340);
}

TEST(TimeuuidFields, MillisRoundDownBeforeTheEpoch) {
  EXPECT_EQ(timeuuid_unix_millis(timeuuid_from_unix_micros(-1, 0, 0)), -1);
  EXPECT_EQ(timeuuid_unix_millis(timeuuid_from_unix_micros(-1000, 0, 0)), -1);
  EXPECT_EQ(timeuuid_unix_millis(timeuuid_from_unix_micros(-1001, 0, 0)), -2);
  EXPECT_EQ(timeuuid_unix_millis(timeuuid_from_unix_micros(999, 0, 0)), 0);
}

TEST(TimeuuidFields, Versions) {
  EXPECT_EQ(uuid_version(parsed("550e8400-e29b-41d4-a716-446655440000")), 4);
  EXPECT_EQ(uuid_version(parsed("f528764d-624d-3129-b32c-21fbca0cb8d6")), 3);
  EXPECT_EQ(uuid_version(uuid{}), 0);
}

TEST(TimeuuidText, ToStringAndParse) {
  const uuid u = parsed("550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(bytes(u.begin(), u.end()), hex("550e8400e29b41d4a716446655440000"));
  EXPECT_EQ(to_string(u), "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(parse_uuid("550E8400-E29B-41D4-A716-446655440000"), u);
  EXPECT_EQ(to_string(uuid{}), "00000000-0000-0000-0000-000000000000");
}

TEST(TimeuuidText, ParseRejectsOtherForms) {
  for (const char* bad :
       {"", "550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-44665544000",
        "550e8400-e29b-41d4-a716-4466554400000", "550e8400-e29b-41d4a-716-446655440000",
        "550e8400-e29b-41d4-a716-44665544000g", "{550e8400-e29b-41d4-a716-446655440000}",
        "550e8400 e29b 41d4 a716 446655440000"}) {
    EXPECT_EQ(parse_uuid(bad), std::nullopt) << bad;
  }
}

std::string md5_hex(std::string_view s) {
  return test::to_hex(md5({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}));
}

TEST(TimeuuidMd5, Rfc1321Vectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(md5_hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(md5_hex("1234567890123456789012345678901234567890123456789012345678901234567890"
                    "1234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
  EXPECT_EQ(md5_hex("The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(TimeuuidMd5, PaddingBoundaries) {
  // Inputs of byte k = k mod 251 around the 56- and 64-byte padding edges.
  const std::vector<std::pair<std::size_t, const char*>> expected = {
      {55, "6912ee65fff2d9f9ce2508cddf8bcda0"},  {56, "51fdd1acda72405dfdfa03fcb85896d7"},
      {57, "5320ef4c17ef34a0cf2db763338d25eb"},  {63, "48a6295221902e8e0938f773a7185e72"},
      {64, "b2d3f56bc197fd985d5965079b5e7148"},  {65, "8bd7053801c768420faf816fadba971c"},
      {119, "1c772251899a7ff007400b888d6b2042"}, {120, "b7ba1efc6022e9ed272f00b8831e26e6"},
      {128, "37eff01866ba3f538421b30b7cbefcac"},
  };
  for (const auto& [n, digest] : expected) {
    bytes data(n);
    for (std::size_t k = 0; k < n; ++k)
      data[k] = static_cast<std::uint8_t>(k % 251);
    EXPECT_EQ(test::to_hex(md5(data)), digest) << n;
  }
}

TEST(TimeuuidNameBased, MatchesJavaNameUuidFromBytes) {
  // java.util.UUID.nameUUIDFromBytes("127.0.0.1".getBytes())
  const uuid u = name_based_uuid("127.0.0.1");
  EXPECT_EQ(to_string(u), "f528764d-624d-3129-b32c-21fbca0cb8d6");
  EXPECT_EQ(uuid_version(u), 3);
  EXPECT_EQ(u[8] & 0xC0, 0x80);
  // md5("") = d41d8cd98f00b204e9800998ecf8427e with version and variant bits forced.
  EXPECT_EQ(to_string(name_based_uuid("")), "d41d8cd9-8f00-3204-a980-0998ecf8427e");
}

}  // namespace
}  // namespace cqlshift::protocol
