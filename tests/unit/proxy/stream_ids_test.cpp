#include "cqlshift/proxy/stream_ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace cqlshift::proxy {
namespace {

TEST(StreamIds, HandsOutEveryIdOnceThenNone) {
  stream_ids ids(64);
  std::set<std::int16_t> seen;
  for (int k = 0; k < 64; ++k) {
    auto id = ids.allocate();
    ASSERT_TRUE(id);
    EXPECT_GE(*id, 0);
    EXPECT_LT(*id, 64);
    EXPECT_TRUE(seen.insert(*id).second) << "id " << *id << " handed out twice";
  }
  EXPECT_FALSE(ids.allocate());
  EXPECT_EQ(ids.used(), 64);
}

TEST(StreamIds, AReleasedIdIsReusedAndDoubleReleaseIsHarmless) {
  stream_ids ids(2);
  const auto a = *ids.allocate();
  const auto b = *ids.allocate();
  ids.release(a);
  ids.release(a);  // a late duplicate response must not free the id twice
  EXPECT_EQ(ids.used(), 1);
  EXPECT_EQ(*ids.allocate(), a);
  EXPECT_FALSE(ids.allocate());
  EXPECT_TRUE(ids.in_use(b));
  ids.release(-1);
  ids.release(5000);
  EXPECT_EQ(ids.used(), 2);
}

TEST(StreamIds, CapacityIsClampedToTheProtocolRange) {
  EXPECT_EQ(stream_ids(0).capacity(), 1);
  EXPECT_EQ(stream_ids(100000).capacity(), 32768);
}

}  // namespace
}  // namespace cqlshift::proxy
