#include "cqlshift/protocol/compression.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace cqlshift::protocol {
namespace {

using test::concat;
using test::error_of;
using test::hex;
using test::pseudo_random;
using test::text;

constexpr std::uint32_t max_frame = 256u * 1024 * 1024;

TEST(CompressionParse, NamesAreCaseInsensitive) {
  EXPECT_EQ(parse_compression("lz4"), compression_algorithm::lz4);
  EXPECT_EQ(parse_compression("LZ4"), compression_algorithm::lz4);
  EXPECT_EQ(parse_compression("snappy"), compression_algorithm::snappy);
  EXPECT_EQ(parse_compression("SnApPy"), compression_algorithm::snappy);
}

TEST(CompressionParse, OtherNamesAreRejected) {
  for (std::string_view s : {"", "none", "zstd", "deflate", "lz4 ", " lz4", "lz", "snappyy"}) {
    EXPECT_EQ(parse_compression(s), std::nullopt) << s;
  }
}

TEST(CompressionParse, NamesRoundTrip) {
  for (auto a : {compression_algorithm::lz4, compression_algorithm::snappy}) {
    EXPECT_EQ(parse_compression(to_string(a)), a);
  }
  EXPECT_EQ(to_string(compression_algorithm::none), "none");
}

// Inputs under 13 bytes are never matched by LZ4 or Snappy, so these layouts are fixed by
// the formats: LZ4 token 0x50 = 5 literals; Snappy varint length 5, literal tag (5-1) << 2.
TEST(CompressionGolden, Lz4ShortBody) {
  const bytes wire = hex("00000005 | 50 68656c6c6f");
  auto c = compress_body(compression_algorithm::lz4, text("hello"));
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, wire);
  auto d = decompress_body(compression_algorithm::lz4, wire, max_frame);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, text("hello"));
}

TEST(CompressionGolden, Lz4WithAMatch) {
  // Token 1f: 1 literal 'a', then a match at offset 1 of length 4 + 15 + 0 = 19; token 50:
  // the closing 5 literals "hello".
  const bytes wire = hex("00000019 | 1f 61 0100 00 | 50 68656c6c6f");
  auto d = decompress_body(compression_algorithm::lz4, wire, max_frame);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, concat({bytes(20, 'a'), text("hello")}));
}

TEST(CompressionGolden, SnappyShortBody) {
  const bytes wire = hex("05 | 10 68656c6c6f");
  auto c = compress_body(compression_algorithm::snappy, text("hello"));
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, wire);
  auto d = decompress_body(compression_algorithm::snappy, wire, max_frame);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, text("hello"));
}

TEST(CompressionGolden, EmptyBody) {
  auto lz4 = compress_body(compression_algorithm::lz4, {});
  ASSERT_TRUE(lz4);
  EXPECT_EQ(*lz4, hex("00000000 | 00"));
  auto snappy = compress_body(compression_algorithm::snappy, {});
  ASSERT_TRUE(snappy);
  EXPECT_EQ(*snappy, hex("00"));
  for (auto a : {compression_algorithm::lz4, compression_algorithm::snappy}) {
    auto d = decompress_body(a, a == compression_algorithm::lz4 ? *lz4 : *snappy, max_frame);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->empty());
  }
}

TEST(CompressionRoundTrip, EveryAlgorithm) {
  std::vector<bytes> bodies = {{},
                               hex("00"),
                               text("hello"),
                               bytes(1000, 'a'),
                               pseudo_random(100000, 1),
                               pseudo_random(1 << 20, 2)};
  bytes mixed = pseudo_random(300000, 3);
  std::fill(mixed.begin(), mixed.begin() + 150000, 0x42);
  bodies.push_back(mixed);
  for (auto a :
       {compression_algorithm::none, compression_algorithm::lz4, compression_algorithm::snappy}) {
    for (const auto& body : bodies) {
      auto c = compress_body(a, body);
      ASSERT_TRUE(c) << to_string(a) << " " << body.size();
      auto d = decompress_body(a, *c, max_frame);
      ASSERT_TRUE(d) << to_string(a) << " " << body.size();
      EXPECT_TRUE(*d == body) << to_string(a) << " " << body.size();
    }
  }
}

TEST(CompressionRoundTrip, CompressibleBodiesShrink) {
  const bytes body(100000, 'a');
  for (auto a : {compression_algorithm::lz4, compression_algorithm::snappy}) {
    auto c = compress_body(a, body);
    ASSERT_TRUE(c);
    EXPECT_LT(c->size(), 6000u) << to_string(a);
  }
}

TEST(CompressionRoundTrip, NoneIsACopy) {
  const bytes body = text("as is");
  EXPECT_EQ(*compress_body(compression_algorithm::none, body), body);
  EXPECT_EQ(*decompress_body(compression_algorithm::none, body, max_frame), body);
}

TEST(CompressionRoundTrip, DeclaredSizeEqualToTheLimitIsAccepted) {
  const bytes body(5000, 'b');
  for (auto a : {compression_algorithm::lz4, compression_algorithm::snappy}) {
    auto c = compress_body(a, body);
    ASSERT_TRUE(c);
    EXPECT_TRUE(decompress_body(a, *c, 5000)) << to_string(a);
    EXPECT_EQ(error_of(decompress_body(a, *c, 4999)), errc::decompressed_too_large) << to_string(a);
  }
}

TEST(CompressionMalformed, Lz4LengthPrefixCutShort) {
  for (const char* wire : {"", "00", "000000"}) {
    EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex(wire), max_frame)),
              errc::decompression_failed)
        << wire;
  }
}

TEST(CompressionMalformed, Lz4GarbageBlock) {
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex("00000010 | ffffffffffff"),
                                     max_frame)),
            errc::decompression_failed);
}

TEST(CompressionMalformed, Lz4DeclaredSizeDiffersFromTheBlock) {
  // "hello" is 5 bytes; claiming 4 or 6 is corrupt either way.
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex("00000006 | 50 68656c6c6f"),
                                     max_frame)),
            errc::decompression_failed);
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex("00000004 | 50 68656c6c6f"),
                                     max_frame)),
            errc::decompression_failed);
}

TEST(CompressionMalformed, TruncatedCompressedData) {
  const bytes body = pseudo_random(5000, 4);
  for (auto a : {compression_algorithm::lz4, compression_algorithm::snappy}) {
    auto c = compress_body(a, body);
    ASSERT_TRUE(c);
    for (std::size_t cut : {std::size_t{1}, std::size_t{2}, std::size_t{100}, c->size() / 2}) {
      const byte_view shorter = byte_view(*c).first(c->size() - cut);
      EXPECT_EQ(error_of(decompress_body(a, shorter, max_frame)), errc::decompression_failed)
          << to_string(a) << " cut " << cut;
    }
  }
}

TEST(CompressionMalformed, SnappyGarbage) {
  for (const char* wire : {"", "ff", "ffffffffffff", "05 | 10 6865", "05 | ff 68656c6c6f"}) {
    EXPECT_EQ(error_of(decompress_body(compression_algorithm::snappy, hex(wire), max_frame)),
              errc::decompression_failed)
        << wire;
  }
}

// A lying size must be refused before anything is allocated: these would need 2 to 4 GiB.
TEST(CompressionMalformed, Lz4LyingLengthPrefix) {
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex("80000000 | 50 68656c6c6f"),
                                     max_frame)),
            errc::decompressed_too_large);
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex("ffffffff | 50 68656c6c6f"),
                                     max_frame)),
            errc::decompressed_too_large);
  // Within the caller's limit but far beyond what 6 bytes of LZ4 can expand to.
  const auto unlimited = std::numeric_limits<std::uint32_t>::max();
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex("fffffff0 | 50 68656c6c6f"),
                                     unlimited)),
            errc::decompression_failed);
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::lz4, hex("0ff00000 | 50 68656c6c6f"),
                                     max_frame)),
            errc::decompression_failed);
}

TEST(CompressionMalformed, SnappyLyingLength) {
  // Varint 0x80000000 (2 GiB) and 0xfffffff0, then the literal "hello".
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::snappy,
                                     hex("8080808008 | 10 68656c6c6f"), max_frame)),
            errc::decompressed_too_large);
  const auto unlimited = std::numeric_limits<std::uint32_t>::max();
  EXPECT_EQ(error_of(decompress_body(compression_algorithm::snappy,
                                     hex("f0ffffff0f | 10 68656c6c6f"), unlimited)),
            errc::decompression_failed);
}

}  // namespace
}  // namespace cqlshift::protocol
