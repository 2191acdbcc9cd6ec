// Paging: page boundaries, resume by key after concurrent writes, LIMIT across pages.

#include "executor_test_support.hpp"

#include <algorithm>

namespace cqlshift::sim::testing {
namespace {

class ExecutorPaging : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))");
    ok("CREATE TABLE single (k int PRIMARY KEY, v int)");
  }

  void fill(int partitions, int rows_per_partition) {
    for (int k = 0; k < partitions; ++k) {
      for (int c = 0; c < rows_per_partition; ++c) {
        ok("INSERT INTO t (k, c, v) VALUES (" + std::to_string(k) + ", " + std::to_string(c) +
           ", " + std::to_string(k * 100 + c) + ")");
      }
    }
  }

  struct page {
    strings rows;
    std::optional<protocol::bytes> state;
  };

  page fetch(std::string_view cql, std::int32_t page_size,
             const std::optional<protocol::bytes>& state) {
    request_options o;
    o.page_size = page_size;
    o.paging_state = state;
    auto r = rows(cql, o);
    return page{render(r), r.metadata.paging_state};
  }

  // Every page of a query, concatenated; `sizes` receives each page's row count.
  strings all_pages(std::string_view cql, std::int32_t page_size, std::vector<std::size_t>* sizes) {
    strings out;
    std::optional<protocol::bytes> state;
    for (int guard = 0; guard < 1000; ++guard) {
      auto p = fetch(cql, page_size, state);
      if (sizes != nullptr) sizes->push_back(p.rows.size());
      out.insert(out.end(), p.rows.begin(), p.rows.end());
      if (!p.state) break;
      state = p.state;
    }
    return out;
  }
};

TEST_F(ExecutorPaging, PageSizeOneReturnsEveryRowOnce) {
  fill(3, 3);
  const auto unpaged = query("SELECT k, c FROM t");
  std::vector<std::size_t> sizes;
  const auto paged = all_pages("SELECT k, c FROM t", 1, &sizes);
  EXPECT_EQ(paged, unpaged);
  EXPECT_EQ(unpaged.size(), 9U);
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) EXPECT_EQ(sizes[i], 1U);
}

TEST_F(ExecutorPaging, ExactMultipleEndsWithAnEmptyPage) {
  fill(1, 4);
  std::vector<std::size_t> sizes;
  const auto paged = all_pages("SELECT c FROM t WHERE k = 0", 2, &sizes);
  EXPECT_EQ(paged, (strings{"0", "1", "2", "3"}));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 0}));
}

TEST_F(ExecutorPaging, PagesCrossPartitions) {
  fill(4, 2);
  const auto unpaged = query("SELECT k, c FROM t");
  EXPECT_EQ(all_pages("SELECT k, c FROM t", 3, nullptr), unpaged);
}

TEST_F(ExecutorPaging, PagesOfATableWithoutClustering) {
  for (int k = 0; k < 5; ++k) {
    ok("INSERT INTO single (k, v) VALUES (" + std::to_string(k) + ", 1)");
  }
  const auto unpaged = query("SELECT k FROM single");
  EXPECT_EQ(all_pages("SELECT k FROM single", 2, nullptr), unpaged);
}

TEST_F(ExecutorPaging, InQueryPagesAcrossItsKeys) {
  fill(4, 2);
  EXPECT_EQ(all_pages("SELECT k, c FROM t WHERE k IN (3, 0, 2)", 1, nullptr),
            (strings{"0, 0", "0, 1", "2, 0", "2, 1", "3, 0", "3, 1"}));
}

TEST_F(ExecutorPaging, LimitSpansPagesAndStopsThePaging) {
  fill(2, 5);
  std::vector<std::size_t> sizes;
  const auto paged = all_pages("SELECT k, c FROM t LIMIT 5", 2, &sizes);
  EXPECT_EQ(paged.size(), 5U);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(paged, query("SELECT k, c FROM t LIMIT 5"));
}

TEST_F(ExecutorPaging, LimitNotAbovePageSizeIsNotPaged) {
  fill(1, 5);
  request_options o;
  o.page_size = 3;
  auto r = rows("SELECT c FROM t LIMIT 3", o);
  EXPECT_EQ(r.rows.size(), 3U);
  EXPECT_FALSE(r.metadata.paging_state.has_value());
}

TEST_F(ExecutorPaging, PerPartitionLimitHoldsAcrossPages) {
  fill(3, 4);
  const auto unpaged = query("SELECT k, c FROM t PER PARTITION LIMIT 3");
  EXPECT_EQ(unpaged.size(), 9U);
  EXPECT_EQ(all_pages("SELECT k, c FROM t PER PARTITION LIMIT 3", 2, nullptr), unpaged);
}

TEST_F(ExecutorPaging, ReversedQueryPages) {
  fill(1, 5);
  EXPECT_EQ(all_pages("SELECT c FROM t WHERE k = 0 ORDER BY c DESC", 2, nullptr),
            (strings{"4", "3", "2", "1", "0"}));
}

TEST_F(ExecutorPaging, ResumesByKeyAfterAConcurrentInsert) {
  fill(1, 4);  // c = 0..3
  auto first = fetch("SELECT c FROM t WHERE k = 0", 2, std::nullopt);
  EXPECT_EQ(first.rows, (strings{"0", "1"}));
  ok("INSERT INTO t (k, c, v) VALUES (0, -1, 0)");  // before the page boundary: not seen
  ok("INSERT INTO t (k, c, v) VALUES (0, 5, 0)");   // after it: seen
  strings rest;
  std::optional<protocol::bytes> state = first.state;
  while (state) {
    auto p = fetch("SELECT c FROM t WHERE k = 0", 2, state);
    rest.insert(rest.end(), p.rows.begin(), p.rows.end());
    state = p.state;
  }
  EXPECT_EQ(rest, (strings{"2", "3", "5"}));
}

TEST_F(ExecutorPaging, ResumesByKeyAfterTheLastRowIsDeleted) {
  fill(1, 4);
  auto first = fetch("SELECT c FROM t WHERE k = 0", 2, std::nullopt);
  ok("DELETE FROM t WHERE k = 0 AND c = 1");  // the row the state points at
  auto second = fetch("SELECT c FROM t WHERE k = 0", 2, first.state);
  EXPECT_EQ(second.rows, (strings{"2", "3"}));
}

TEST_F(ExecutorPaging, MalformedPagingStateIsAProtocolError) {
  fill(1, 3);
  request_options o;
  o.page_size = 1;
  o.paging_state = protocol::bytes{1, 2, 3};
  auto e = error("SELECT c FROM t WHERE k = 0", o);
  EXPECT_EQ(e.code, protocol::error_code::protocol_error);
  EXPECT_EQ(e.message, "Invalid value for the paging state");
}

TEST_F(ExecutorPaging, DistinctPages) {
  fill(5, 2);
  const auto unpaged = query("SELECT DISTINCT k FROM t");
  EXPECT_EQ(unpaged.size(), 5U);
  EXPECT_EQ(all_pages("SELECT DISTINCT k FROM t", 2, nullptr), unpaged);
}

TEST_F(ExecutorPaging, SystemTablePages) {
  const auto unpaged = query("SELECT keyspace_name, table_name FROM system_schema.tables");
  ASSERT_GT(unpaged.size(), 3U);
  EXPECT_EQ(all_pages("SELECT keyspace_name, table_name FROM system_schema.tables", 2, nullptr),
            unpaged);
}

}  // namespace
}  // namespace cqlshift::sim::testing
