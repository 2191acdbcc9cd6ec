// The proxy topology (SPEC 7). Expected tokens were computed by hand with exact integer
// arithmetic: floor(2^64 / (T*N)) * (t*N + i) - 2^63.

#include "cqlshift/proxy/topology.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

namespace cqlshift::proxy {
namespace {

constexpr std::int64_t min_token = std::numeric_limits<std::int64_t>::min();

TEST(ProxyTokens, OneInstanceEightTokens) {
  // step = 2^61
  EXPECT_EQ(proxy_tokens(0, 1, 8),
            (std::vector<std::int64_t>{min_token, -6917529027641081856, -4611686018427387904,
                                       -2305843009213693952, 0, 2305843009213693952,
                                       4611686018427387904, 6917529027641081856}));
}

TEST(ProxyTokens, ThreeInstancesEightTokens) {
  // step = floor(2^64 / 24) = 768614336404564650
  EXPECT_EQ(proxy_tokens(0, 3, 8),
            (std::vector<std::int64_t>{min_token, -6917529027641081858, -4611686018427387908,
                                       -2305843009213693958, -8, 2305843009213693942,
                                       4611686018427387892, 6917529027641081842}));
  EXPECT_EQ(
      proxy_tokens(1, 3, 8),
      (std::vector<std::int64_t>{-8454757700450211158, -6148914691236517208, -3843071682022823258,
                                 -1537228672809129308, 768614336404564642, 3074457345618258592,
                                 5380300354831952542, 7686143364045646492}));
  EXPECT_EQ(
      proxy_tokens(2, 3, 8),
      (std::vector<std::int64_t>{-7686143364045646508, -5380300354831952558, -3074457345618258608,
                                 -768614336404564658, 1537228672809129292, 3843071682022823242,
                                 6148914691236517192, 8454757700450211142}));
}

TEST(ProxyTokens, RingInterleavesEveryInstance) {
  const auto topo = make_proxy_topology({"10.0.0.1", "10.0.0.2", "10.0.0.3"}, 0, 8, 9042);
  std::vector<std::pair<std::int64_t, std::size_t>> ring;
  for (std::size_t i = 0; i < topo.instances.size(); ++i)
    for (std::int64_t t : topo.instances[i].tokens)
      ring.emplace_back(t, i);
  std::sort(ring.begin(), ring.end());
  ASSERT_EQ(ring.size(), 24u);
  for (std::size_t k = 0; k < ring.size(); ++k) {
    EXPECT_EQ(ring[k].second, k % 3) << "position " << k;
    if (k > 0) {
      EXPECT_LT(ring[k - 1].first, ring[k].first) << "position " << k;
    }
  }
}

TEST(ProxyTokens, ManyTokensStayAscendingAndInRange) {
  for (std::size_t n : {1u, 2u, 5u, 7u}) {
    for (int t : {1, 3, 256}) {
      for (std::size_t i = 0; i < n; ++i) {
        const auto tokens = proxy_tokens(i, n, t);
        ASSERT_EQ(tokens.size(), static_cast<std::size_t>(t));
        EXPECT_TRUE(std::is_sorted(tokens.begin(), tokens.end()));
        EXPECT_EQ(std::set<std::int64_t>(tokens.begin(), tokens.end()).size(), tokens.size());
      }
    }
  }
  EXPECT_EQ(proxy_tokens(0, 1, 1), std::vector<std::int64_t>{min_token});
}

TEST(ProxyTokens, NonPositiveCountsAreOne) {
  EXPECT_EQ(proxy_tokens(0, 1, 0), std::vector<std::int64_t>{min_token});
  EXPECT_EQ(proxy_tokens(0, 0, -3), std::vector<std::int64_t>{min_token});
}

TEST(ProxyTopology, HostIdIsStableDistinctNameBasedUuid) {
  const auto a = make_proxy_topology({"10.0.0.1", "10.0.0.2"}, 0, 4, 9042);
  const auto b = make_proxy_topology({"10.0.0.1", "10.0.0.2"}, 1, 4, 9042);
  ASSERT_EQ(a.instances.size(), 2u);
  EXPECT_EQ(a.instances[0].host_id, b.instances[0].host_id);
  EXPECT_EQ(a.instances[1].host_id, b.instances[1].host_id);
  EXPECT_NE(a.instances[0].host_id, a.instances[1].host_id);
  EXPECT_EQ(a.instances[0].host_id, protocol::name_based_uuid("10.0.0.1"));
  EXPECT_EQ(protocol::uuid_version(a.instances[0].host_id), 3);
  EXPECT_EQ(a.self, 0u);
  EXPECT_EQ(b.self, 1u);
  EXPECT_EQ(b.port, 9042);
  EXPECT_EQ(a.instances[1].address, "10.0.0.2");
  EXPECT_EQ(a.instances[1].tokens, proxy_tokens(1, 2, 4));
}

TEST(ProxyTopology, EmptyListIsOneLoopbackInstance) {
  const auto topo = make_proxy_topology({}, 0, 8, 14002);
  ASSERT_EQ(topo.instances.size(), 1u);
  EXPECT_EQ(topo.instances[0].address, "127.0.0.1");
  EXPECT_EQ(topo.instances[0].tokens, proxy_tokens(0, 1, 8));
  EXPECT_EQ(topo.self, 0u);
}

TEST(ProxyTopology, WildcardAddressesBecomeLoopback) {
  const auto topo = make_proxy_topology({"0.0.0.0", "::", "10.1.2.3"}, 0, 1, 9042);
  EXPECT_EQ(topo.instances[0].address, "127.0.0.1");
  EXPECT_EQ(topo.instances[1].address, "::1");
  EXPECT_EQ(topo.instances[2].address, "10.1.2.3");
}

TEST(ProxyTopology, IndexPastTheEndIsClamped) {
  EXPECT_EQ(make_proxy_topology({"10.0.0.1", "10.0.0.2"}, 9, 1, 9042).self, 1u);
}

}  // namespace
}  // namespace cqlshift::proxy
