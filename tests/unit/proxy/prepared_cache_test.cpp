// The prepared-statement map's bound (SPEC.md section 5): least recently used entries go
// first, a lookup counts as a use, replacing an entry does not grow the map.

#include "cqlshift/proxy/prepared_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cqlshift::proxy {
namespace {

protocol::bytes id(int n) {
  const std::string s = "id" + std::to_string(n);
  return protocol::bytes(s.begin(), s.end());
}

std::shared_ptr<const prepared_entry> entry(const std::string& query) {
  auto e = std::make_shared<prepared_entry>();
  e->query = query;
  return e;
}

TEST(PreparedCache, FindsWhatWasPut) {
  prepared_cache cache(10);
  cache.put(id(1), entry("q1"));
  cache.put(id(2), entry("q2"));
  ASSERT_NE(cache.find(id(1)), nullptr);
  EXPECT_EQ(cache.find(id(1))->query, "q1");
  EXPECT_EQ(cache.find(id(2))->query, "q2");
  EXPECT_EQ(cache.find(id(3)), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(PreparedCache, EvictsTheLeastRecentlyUsed) {
  prepared_cache cache(3);
  cache.put(id(1), entry("q1"));
  cache.put(id(2), entry("q2"));
  cache.put(id(3), entry("q3"));
  ASSERT_NE(cache.find(id(1)), nullptr);  // 1 is now the most recently used; 2 the least
  cache.put(id(4), entry("q4"));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.find(id(2)), nullptr);
  EXPECT_NE(cache.find(id(1)), nullptr);
  EXPECT_NE(cache.find(id(3)), nullptr);
  EXPECT_NE(cache.find(id(4)), nullptr);
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST(PreparedCache, ReplacingAnEntryKeepsTheSizeAndRefreshesIt) {
  prepared_cache cache(2);
  cache.put(id(1), entry("old"));
  cache.put(id(2), entry("q2"));
  cache.put(id(1), entry("new"));  // 2 is now the least recently used
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.find(id(1))->query, "new");
  cache.put(id(3), entry("q3"));
  EXPECT_EQ(cache.find(id(2)), nullptr);
  EXPECT_EQ(cache.find(id(1))->query, "new");
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST(PreparedCache, AnEntryHandedOutOutlivesItsEviction) {
  prepared_cache cache(1);
  cache.put(id(1), entry("q1"));
  auto held = cache.find(id(1));
  cache.put(id(2), entry("q2"));
  EXPECT_EQ(cache.find(id(1)), nullptr);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->query, "q1");
}

TEST(PreparedCache, ZeroMeansOne) {
  prepared_cache cache(0);
  EXPECT_EQ(cache.max_entries(), 1u);
  cache.put(id(1), entry("q1"));
  EXPECT_NE(cache.find(id(1)), nullptr);
}

}  // namespace
}  // namespace cqlshift::proxy
