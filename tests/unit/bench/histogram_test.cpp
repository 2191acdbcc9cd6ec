// The load generator's latency histogram: what a user reads off the percentiles must be the
// recorded values to within the stated precision, whatever their magnitude.

#include "histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using cqlshift::bench::latency_histogram;

TEST(Histogram, SmallValuesAreExact) {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v)
    h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.max(), 100u);
}

TEST(Histogram, PercentilesOfRandomValuesAreWithinOnePercentOfTheExactOnes) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(12.0, 1.5);  // around 160 us, long tail
  std::vector<std::uint64_t> values;
  latency_histogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::uint64_t>(latency(rng)) + 1;
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const auto exact = values[static_cast<std::size_t>(p / 100.0 * values.size()) - 1];
    const auto reported = h.percentile(p);
    EXPECT_GE(reported, exact) << "p" << p;
    EXPECT_LE(static_cast<double>(reported), static_cast<double>(exact) * 1.01) << "p" << p;
  }
  EXPECT_EQ(h.percentile(100), values.back());
  EXPECT_EQ(h.max(), values.back());
}

TEST(Histogram, BucketsCoverEveryValueInOrder) {
  std::size_t previous = 0;
  for (std::uint64_t v :
       {std::uint64_t{0}, std::uint64_t{255}, std::uint64_t{256}, std::uint64_t{257},
        std::uint64_t{1} << 20, (std::uint64_t{1} << 40) + 3, ~std::uint64_t{0}}) {
    const std::size_t i = latency_histogram::index_of(v);
    ASSERT_LT(i, latency_histogram::bucket_count) << v;
    EXPECT_GE(i, previous) << v;
    EXPECT_GE(latency_histogram::upper_bound_of(i), v) << v;
    previous = i;
  }
}

TEST(Histogram, HistogramsOfSeveralConnectionsAddUp) {
  latency_histogram a;
  latency_histogram b;
  for (std::uint64_t v = 1; v <= 50; ++v)
    a.record(v);
  for (std::uint64_t v = 51; v <= 100; ++v)
    b.record(v);
  a.add(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.percentile(50), 50u);
  EXPECT_EQ(a.max(), 100u);
}

TEST(Histogram, EmptyReportsZero) {
  latency_histogram h;
  EXPECT_EQ(h.percentile(99), 0u);
  EXPECT_EQ(h.max(), 0u);
}

}  // namespace
