// What a shadow read counts as a mismatch (SPEC.md section 11), and how it is described.

#include "cqlshift/proxy/shadow_compare.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cqlshift::proxy {
namespace {

std::optional<protocol::bytes> cell(std::string_view text) {
  return protocol::bytes(text.begin(), text.end());
}

// Rows of (k, v) text cells; "~" is a null cell.
std::vector<result_row> page_of(
    std::initializer_list<std::pair<std::string_view, std::string_view>> r) {
  std::vector<result_row> out;
  for (const auto& [k, v] : r)
    out.push_back({cell(k), v == "~" ? std::nullopt : cell(v)});
  return out;
}

shadow_difference rows_mode(const std::vector<result_row>& p, const std::vector<result_row>& s,
                            bool ordered = false) {
  return compare_pages(p, 2, s, 2, compare_mode::rows, ordered);
}

const std::vector<std::string> kv_names = {"k", "v"};

TEST(ShadowCompare, IdenticalPagesMatch) {
  const auto p = page_of({{"1", "a"}, {"2", "b"}});
  const auto d = rows_mode(p, p);
  EXPECT_TRUE(d.equal);
  EXPECT_EQ(describe(d, kv_names, "TARGET"), "same rows");
  EXPECT_TRUE(rows_mode({}, {}).equal);
}

TEST(ShadowCompare, OrderMattersOnlyWhenTheQueryOrders) {
  const auto p = page_of({{"1", "a"}, {"2", "b"}});
  const auto s = page_of({{"2", "b"}, {"1", "a"}});
  EXPECT_TRUE(rows_mode(p, s, false).equal);
  const auto d = rows_mode(p, s, true);
  EXPECT_FALSE(d.equal);
  EXPECT_TRUE(d.order_differs);
  EXPECT_EQ(describe(d, kv_names, "TARGET"), "the same rows in another order on TARGET");
}

TEST(ShadowCompare, ChangedValueNamesTheColumn) {
  const auto d = rows_mode(page_of({{"1", "a"}, {"2", "b"}}), page_of({{"1", "a"}, {"2", "B"}}));
  EXPECT_FALSE(d.equal);
  EXPECT_EQ(d.changed, 1u);
  EXPECT_EQ(d.missing, 0u);
  EXPECT_EQ(d.extra, 0u);
  EXPECT_EQ(d.columns, (std::vector<std::size_t>{1}));
  EXPECT_EQ(d.sample_primary, 1u);
  EXPECT_EQ(d.sample_secondary, 1u);
  EXPECT_EQ(describe(d, kv_names, "TARGET"), "1 row differs in column v");
}

TEST(ShadowCompare, NullAgainstValueIsADifference) {
  const auto d = rows_mode(page_of({{"1", "~"}}), page_of({{"1", "a"}}));
  EXPECT_FALSE(d.equal);
  EXPECT_EQ(d.changed, 1u);
  EXPECT_EQ(describe(d, kv_names, "ORIGIN"), "1 row differs in column v");
}

TEST(ShadowCompare, MissingAndExtraRows) {
  const auto missing =
      rows_mode(page_of({{"1", "a"}, {"2", "b"}, {"3", "c"}}), page_of({{"1", "a"}}));
  EXPECT_FALSE(missing.equal);
  EXPECT_EQ(missing.missing, 2u);
  EXPECT_EQ(missing.changed, 0u);
  EXPECT_EQ(missing.sample_primary, 1u);
  EXPECT_EQ(describe(missing, kv_names, "TARGET"), "2 rows missing on TARGET");

  const auto extra = rows_mode(page_of({}), page_of({{"9", "z"}}));
  EXPECT_EQ(extra.extra, 1u);
  EXPECT_EQ(describe(extra, kv_names, "TARGET"), "1 row only on TARGET");
}

TEST(ShadowCompare, ChangedMissingAndExtraTogether) {
  const auto d = rows_mode(page_of({{"1", "a"}, {"2", "b"}, {"3", "c"}}),
                           page_of({{"1", "x"}, {"3", "c"}, {"7", "q"}}));
  // (1,a) pairs with (1,x): k in common; (2,b) has nothing in common with (7,q).
  EXPECT_EQ(d.changed, 1u);
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(d.extra, 1u);
  EXPECT_EQ(describe(d, kv_names, "TARGET"),
            "1 row differs in column v; 1 row missing on TARGET; 1 row only on TARGET");
}

TEST(ShadowCompare, DuplicateRowsCountAsAMultiset) {
  const auto d = rows_mode(page_of({{"1", "a"}, {"1", "a"}}), page_of({{"1", "a"}}));
  EXPECT_FALSE(d.equal);
  EXPECT_EQ(d.missing, 1u);
}

TEST(ShadowCompare, DifferentColumnCounts) {
  const std::vector<result_row> p = {{cell("1"), cell("a")}};
  const std::vector<result_row> s = {{cell("1")}};
  const auto d = compare_pages(p, 2, s, 1, compare_mode::rows, false);
  EXPECT_FALSE(d.equal);
  EXPECT_TRUE(d.columns_differ);
  EXPECT_EQ(describe(d, kv_names, "TARGET"), "1 column on TARGET instead of 2");
}

TEST(ShadowCompare, CountModeComparesRowCountsOnly) {
  const auto p = page_of({{"1", "a"}, {"2", "b"}});
  EXPECT_TRUE(
      compare_pages(p, 2, page_of({{"1", "x"}, {"5", "y"}}), 2, compare_mode::count, true).equal);
  const auto d = compare_pages(p, 2, page_of({{"1", "a"}}), 2, compare_mode::count, false);
  EXPECT_FALSE(d.equal);
  EXPECT_EQ(describe(d, kv_names, "TARGET"), "1 row on TARGET instead of 2");
}

TEST(ShadowCompare, UnnamedColumnsAreNumbered) {
  const auto d = rows_mode(page_of({{"1", "a"}}), page_of({{"1", "b"}}));
  EXPECT_EQ(describe(d, {}, "TARGET"), "1 row differs in column #1");
}

TEST(ShadowCompare, LargePagesStayBounded) {
  // Two 5,000-row pages with nothing in common: pairing is bounded, every row accounted for.
  std::vector<result_row> p;
  std::vector<result_row> s;
  for (int i = 0; i < 5000; ++i) {
    p.push_back({cell("p" + std::to_string(i)), cell("x")});
    s.push_back({cell("s" + std::to_string(i)), cell("y")});
  }
  const auto d = rows_mode(p, s);
  EXPECT_FALSE(d.equal);
  EXPECT_EQ(d.changed + d.missing, 5000u);
  EXPECT_EQ(d.changed + d.extra, 5000u);
}

}  // namespace
}  // namespace cqlshift::proxy
