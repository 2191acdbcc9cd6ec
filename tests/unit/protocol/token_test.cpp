// Murmur3Partitioner tokens. Expected tokens were computed with the DataStax Python driver's
// cassandra.murmur3 (3.25), which implements Cassandra's variant (signed tail bytes).

#include "cqlshift/protocol/token.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace cqlshift::protocol {
namespace {

using test::hex;

struct vector_case {
  const char* key_hex;
  std::int64_t token;
};

TEST(TokenMurmur3, KnownTokens) {
  for (const auto& [key, token] : std::vector<vector_case>{
           {"00000001", -4069959284402364209},  // int 1
           {"00000000", -3485513579396041028},  // int 0
           {"00000002", -3248873570005575792},
           {"7fffffff", -765994672030311617},
           {"0000000000000001", 6292367497774912474},  // bigint 1
           {"616c696365", 5699955792253506986},        // text 'alice'
           {"68656c6c6f", -3758069500696749310},       // text 'hello'
           {"deadbeef", 8688864458149848315},
           {"000102030405060708090a0b0c0d0e0f", 4920504430128807728},  // one full block
           {"000102030405060708090a0b0c0d0e0f10", 6662781046685680142},
       }) {
    EXPECT_EQ(murmur3_token(hex(key)), token) << key;
  }
}

TEST(TokenMurmur3, TailBytesAbove0x7FAreSignExtended) {
  for (const auto& [key, token] : std::vector<vector_case>{
           {"ff", -4442228696663692417},
           {"80", -5284281814142962636},
           {"7f", 5072634478945617755},
           {"0080", -5553052187789492088},
           {"ffffffff", 7297452126230313552},  // int -1
           {"00000000000000ff", 5929276160770231814},
           {"808080808080808080", -8549929301482172571},  // both tail lanes
           {"fffefdfcfbfaf9f8f7f6f5f4f3f2f1", -5987817694781604974},
           // Block bytes >= 0x80 are read unsigned; only the tail is sign-extended.
           {"ffffffffffffffffffffffffffffffff", -2824192546314762522},
           {"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e", -9222542793393665168},
           {"f0e1d2c3b4a5968778695a4b3c2d1e0f8899aabbccddeeff", 9174653415060769642},
       }) {
    EXPECT_EQ(murmur3_token(hex(key)), token) << key;
  }
}

TEST(TokenMurmur3, EmptyKeyIsTheMinimumToken) {
  EXPECT_EQ(murmur3_token(bytes{}), std::numeric_limits<std::int64_t>::min());
}

TEST(TokenComposite, SerializesEachComponentWithLengthAndEndByte) {
  const std::vector<bytes> components = {hex("616c696365"), hex("00000001")};
  auto key = composite_partition_key(components);
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, hex("0005 616c696365 00 | 0004 00000001 00"));
  EXPECT_EQ(murmur3_token(*key), -7599051116010515608);

  auto empty_component = composite_partition_key(std::vector<bytes>{bytes{}, hex("01")});
  ASSERT_TRUE(empty_component);
  EXPECT_EQ(*empty_component, hex("0000 00 | 0001 01 00"));
}

TEST(TokenComposite, ComponentAboveShortLengthIsRejected) {
  const std::vector<bytes> components = {bytes(65536, 1), hex("01")};
  auto key = composite_partition_key(components);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error(), errc::value_too_large);
  const std::vector<bytes> max = {bytes(65535, 1), hex("01")};
  EXPECT_TRUE(composite_partition_key(max));
}

TEST(TokenRoutingKey, SingleComponentIsUsedAsIs) {
  const std::vector<bytes> one = {hex("00000001")};
  auto key = routing_key(one);
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, hex("00000001"));
  EXPECT_EQ(murmur3_token(*key), -4069959284402364209);

  const std::vector<bytes> two = {hex("616c696365"), hex("00000001")};
  key = routing_key(two);
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, hex("0005 616c696365 00 0004 00000001 00"));
}

}  // namespace
}  // namespace cqlshift::protocol
