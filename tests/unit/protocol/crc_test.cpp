#include "cqlshift/protocol/crc.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace cqlshift::protocol {
namespace {

using test::hex;

// Expected values computed with the Python driver's compute_crc24/compute_crc32
// (cassandra/segment.py), which follow Cassandra's org.apache.cassandra.net.Crc.
TEST(Crc24, KnownVectors) {
  EXPECT_EQ(crc24(hex("01 02 03")), 0xe91accu);
  EXPECT_EQ(crc24(hex("01 02 03 04 05")), 0x319669u);
  EXPECT_EQ(crc24(hex("01 02 03 04 05 06 07 08")), 0x18fe9au);
  EXPECT_EQ(crc24(hex("00")), 0x00e78du);
}

TEST(Crc24, OfAnUncompressedSegmentHeader) {
  // 9-byte self-contained payload: 9 | 1 << 17, little-endian; its CRC is a4 c8 c1 on the wire.
  EXPECT_EQ(crc24(hex("09 00 02")), 0xc1c8a4u);
}

TEST(Crc24, FitsIn24Bits) {
  for (unsigned b = 0; b < 256; ++b) {
    const bytes data = {static_cast<std::uint8_t>(b), 0xff, static_cast<std::uint8_t>(~b)};
    EXPECT_EQ(crc24(data) & ~0xffffffu, 0u) << b;
  }
}

TEST(Crc24, ReadsAtMostEightBytes) {
  EXPECT_EQ(crc24(hex("01 02 03 04 05 06 07 08 09 0a")), crc24(hex("01 02 03 04 05 06 07 08")));
}

TEST(Crc24, ByteOrderMatters) {
  EXPECT_NE(crc24(hex("01 02 03")), crc24(hex("03 02 01")));
}

TEST(Crc32Segment, KnownVectors) {
  EXPECT_EQ(crc32_segment({}), 0x44777ed3u);  // zlib crc32 of FA 2D 55 CA
  const std::string check = "123456789";
  const bytes check_bytes(check.begin(), check.end());
  EXPECT_EQ(crc32_segment(check_bytes), 0xe2a261a7u);
  EXPECT_EQ(crc32_segment(hex("05 00 00 01 05 00 00 00 00")), 0x867455b5u);
}

TEST(Crc32Segment, LongerInput) {
  bytes data(1000);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<std::uint8_t>((i * 7) % 256);
  EXPECT_EQ(crc32_segment(data), 0x767aadd6u);
}

TEST(Crc32Segment, DetectsEveryBitFlip) {
  bytes data = hex("05 00 00 01 05 00 00 00 00");
  const std::uint32_t good = crc32_segment(data);
  for (std::size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_NE(crc32_segment(data), good) << bit;
    data[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  }
}

}  // namespace
}  // namespace cqlshift::protocol
