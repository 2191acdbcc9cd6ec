// SELECT: restrictions, ordering, limits, DISTINCT, functions, aggregates, JSON, metadata.

#include "executor_test_support.hpp"

#include "cqlshift/protocol/token.hpp"

#include <algorithm>
#include <limits>

namespace cqlshift::sim::testing {
namespace {

class ExecutorSelect : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE t (k int, c int, v text, s text static, PRIMARY KEY (k, c))");
    for (int k = 1; k <= 3; ++k) {
      for (int c = 1; c <= 3; ++c) {
        ok("INSERT INTO t (k, c, v) VALUES (" + std::to_string(k) + ", " + std::to_string(c) +
           ", 'v" + std::to_string(k) + std::to_string(c) + "')");
      }
    }
  }

  static std::int64_t token_of(std::int32_t k) {
    auto b = protocol::encode_int(k);
    return protocol::murmur3_token(protocol::byte_view(b));
  }
};

TEST_F(ExecutorSelect, PartitionKeyEqualitySelectsOnePartitionInClusteringOrder) {
  EXPECT_EQ(query("SELECT c, v FROM t WHERE k = 2"), (strings{"1, 'v21'", "2, 'v22'", "3, 'v23'"}));
}

TEST_F(ExecutorSelect, FullScanReturnsPartitionsInTokenOrder) {
  std::vector<std::int32_t> keys{1, 2, 3};
  std::sort(keys.begin(), keys.end(),
            [](std::int32_t a, std::int32_t b) { return token_of(a) < token_of(b); });
  strings expected;
  for (auto k : keys) expected.push_back(std::to_string(k));
  EXPECT_EQ(query("SELECT DISTINCT k FROM t"), expected);
}

TEST_F(ExecutorSelect, InOnThePartitionKeyReturnsKeysInValueOrderWithoutDuplicates) {
  EXPECT_EQ(query("SELECT k FROM t WHERE k IN (3, 1, 3) AND c = 1"), (strings{"1", "3"}));
}

TEST_F(ExecutorSelect, ClusteringSliceSelectsTheRange) {
  EXPECT_EQ(query("SELECT c FROM t WHERE k = 1 AND c > 1 AND c <= 3"), (strings{"2", "3"}));
}

TEST_F(ExecutorSelect, ClusteringInSelectsThoseRows) {
  EXPECT_EQ(query("SELECT c FROM t WHERE k = 1 AND c IN (3, 1)"), (strings{"1", "3"}));
}

TEST_F(ExecutorSelect, MultiColumnSliceComparesTuples) {
  ok("CREATE TABLE m (k int, a int, b int, PRIMARY KEY (k, a, b))");
  for (int a = 1; a <= 2; ++a) {
    for (int b = 1; b <= 2; ++b) {
      ok("INSERT INTO m (k, a, b) VALUES (0, " + std::to_string(a) + ", " + std::to_string(b) + ")");
    }
  }
  EXPECT_EQ(query("SELECT a, b FROM m WHERE k = 0 AND (a, b) > (1, 1)"),
            (strings{"1, 2", "2, 1", "2, 2"}));
  EXPECT_EQ(query("SELECT a, b FROM m WHERE k = 0 AND (a, b) IN ((2, 2), (1, 1))"),
            (strings{"1, 1", "2, 2"}));
}

TEST_F(ExecutorSelect, DescendingClusteringOrderIsKept) {
  ok("CREATE TABLE d (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)");
  for (int c = 1; c <= 3; ++c) ok("INSERT INTO d (k, c) VALUES (0, " + std::to_string(c) + ")");
  EXPECT_EQ(query("SELECT c FROM d WHERE k = 0"), (strings{"3", "2", "1"}));
  EXPECT_EQ(query("SELECT c FROM d WHERE k = 0 AND c < 3"), (strings{"2", "1"}));
  EXPECT_EQ(query("SELECT c FROM d WHERE k = 0 ORDER BY c ASC"), (strings{"1", "2", "3"}));
}

TEST_F(ExecutorSelect, OrderByDescReversesTheRows) {
  EXPECT_EQ(query("SELECT c FROM t WHERE k = 1 ORDER BY c DESC"), (strings{"3", "2", "1"}));
}

TEST_F(ExecutorSelect, OrderByWithInSortsAcrossPartitionsWhenNotPaging) {
  EXPECT_EQ(query("SELECT k, c FROM t WHERE k IN (1, 2) AND c IN (1, 2) ORDER BY c DESC"),
            (strings{"1, 2", "2, 2", "1, 1", "2, 1"}));
}

TEST_F(ExecutorSelect, OrderByWithInCannotBePaged) {
  request_options o;
  o.page_size = 100;
  EXPECT_EQ(message("SELECT * FROM t WHERE k IN (1, 2) ORDER BY c DESC", o),
            "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you "
            "must either remove the ORDER BY or the IN and sort client side, or disable paging "
            "for this query");
}

TEST_F(ExecutorSelect, OrderByNeedsAPartitionKeyRestriction) {
  EXPECT_EQ(message("SELECT * FROM t ORDER BY c DESC"),
            "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
}

TEST_F(ExecutorSelect, OrderByOnARegularColumnIsRejected) {
  EXPECT_EQ(message("SELECT * FROM t WHERE k = 1 ORDER BY v"),
            "Order by is currently only supported on the clustered columns of the PRIMARY KEY, "
            "got v");
}

TEST_F(ExecutorSelect, LimitCountsRows) {
  EXPECT_EQ(query("SELECT k, c FROM t WHERE k = 1 LIMIT 2"), (strings{"1, 1", "1, 2"}));
}

TEST_F(ExecutorSelect, LimitMustBePositive) {
  EXPECT_EQ(message("SELECT * FROM t LIMIT 0"), "LIMIT must be strictly positive");
}

TEST_F(ExecutorSelect, PerPartitionLimitCountsRowsPerPartition) {
  auto r = query("SELECT k, c FROM t PER PARTITION LIMIT 1");
  std::sort(r.begin(), r.end());
  EXPECT_EQ(r, (strings{"1, 1", "2, 1", "3, 1"}));
}

TEST_F(ExecutorSelect, DistinctReturnsOneRowPerPartitionWithStatics) {
  ok("UPDATE t SET s = 'static' WHERE k = 2");
  auto r = query("SELECT DISTINCT k, s FROM t");
  std::sort(r.begin(), r.end());
  EXPECT_EQ(r, (strings{"1, null", "2, 'static'", "3, null"}));
}

TEST_F(ExecutorSelect, DistinctRejectsRegularColumns) {
  EXPECT_EQ(message("SELECT DISTINCT k, v FROM t"),
            "SELECT DISTINCT queries must only request partition key columns and/or static "
            "columns (not v)");
}

TEST_F(ExecutorSelect, CountStarCountsRowsAndIsNamedCount) {
  auto r = rows("SELECT count(*) FROM t");
  EXPECT_EQ(names(r), strings{"count"});
  EXPECT_EQ(r.metadata.columns[0].type.id, protocol::type_id::bigint);
  EXPECT_EQ(render(r), strings{"9"});
  EXPECT_EQ(query("SELECT count(*) FROM t WHERE k = 42"), strings{"0"});
}

TEST_F(ExecutorSelect, CountIgnoresThePageSize) {
  request_options o;
  o.page_size = 2;
  auto r = rows("SELECT count(*) FROM t", o);
  EXPECT_EQ(render(r), strings{"9"});
  EXPECT_FALSE(r.metadata.paging_state.has_value());
}

TEST_F(ExecutorSelect, CountOfAColumnSkipsNulls) {
  ok("UPDATE t SET v = null WHERE k = 1 AND c = 1");
  auto r = rows("SELECT count(v) FROM t WHERE k = 1");
  EXPECT_EQ(names(r), strings{"system.count(v)"});
  EXPECT_EQ(render(r), strings{"2"});
}

TEST_F(ExecutorSelect, MinMaxSumAvg) {
  EXPECT_EQ(query("SELECT min(c), max(c), sum(c), avg(c) FROM t WHERE k = 1"),
            strings{"1, 3, 6, 2"});
}

TEST_F(ExecutorSelect, WritetimeOfACollectionIsRejected) {
  ok("CREATE TABLE coll (k int PRIMARY KEY, l list<int>)");
  EXPECT_EQ(message("SELECT writetime(l) FROM coll"),
            "Cannot use selection function writeTime on non-frozen collection l");
}

TEST_F(ExecutorSelect, WritetimeOfAKeyColumnIsRejected) {
  EXPECT_EQ(message("SELECT writetime(c) FROM t"),
            "Cannot use selection function writeTime on PRIMARY KEY part c");
}

TEST_F(ExecutorSelect, TokenFunctionReturnsTheMurmur3Token) {
  auto r = rows("SELECT token(k) FROM t WHERE k = 1 LIMIT 1");
  EXPECT_EQ(names(r), strings{"system.token(k)"});
  EXPECT_EQ(render(r), strings{std::to_string(token_of(1))});
}

TEST_F(ExecutorSelect, TokenRangesCoverTheRingExactlyOnce) {
  for (int k = 4; k <= 40; ++k) ok("INSERT INTO t (k, c, v) VALUES (" + std::to_string(k) + ", 1, 'x')");
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const std::vector<std::int64_t> splits{min, -4611686018427387904LL, 0, 4611686018427387904LL};
  strings seen;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    std::string where = "token(k) > " + std::to_string(splits[i]);
    if (i + 1 < splits.size()) where += " AND token(k) <= " + std::to_string(splits[i + 1]);
    for (auto& row : query("SELECT k FROM t WHERE " + where + " AND c = 1 ALLOW FILTERING")) {
      seen.push_back(row);
    }
  }
  std::sort(seen.begin(), seen.end());
  strings all;
  for (int k = 1; k <= 40; ++k) all.push_back(std::to_string(k));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(seen, all);
}

TEST_F(ExecutorSelect, EmptyTokenRangeReturnsNothing) {
  EXPECT_TRUE(query("SELECT * FROM t WHERE token(k) > 5 AND token(k) < 5").empty());
}

TEST_F(ExecutorSelect, FilteringOnARegularColumnNeedsAllowFiltering) {
  EXPECT_EQ(message("SELECT * FROM t WHERE v = 'v11'"),
            "Cannot execute this query as it might involve data filtering and thus may have "
            "unpredictable performance. If you want to execute this query despite the "
            "performance unpredictability, use ALLOW FILTERING");
  EXPECT_EQ(query("SELECT k, c FROM t WHERE v = 'v22' ALLOW FILTERING"), strings{"2, 2"});
}

TEST_F(ExecutorSelect, ContainsFiltersCollections) {
  ok("CREATE TABLE tags (k int PRIMARY KEY, tags set<text>, attrs map<text, int>)");
  ok("INSERT INTO tags (k, tags, attrs) VALUES (1, {'a', 'b'}, {'x': 1})");
  ok("INSERT INTO tags (k, tags, attrs) VALUES (2, {'c'}, {'y': 2})");
  EXPECT_EQ(query("SELECT k FROM tags WHERE tags CONTAINS 'b' ALLOW FILTERING"), strings{"1"});
  EXPECT_EQ(query("SELECT k FROM tags WHERE attrs CONTAINS KEY 'y' ALLOW FILTERING"), strings{"2"});
}

TEST_F(ExecutorSelect, ClusteringGapIsRejected) {
  ok("CREATE TABLE g (k int, a int, b int, PRIMARY KEY (k, a, b))");
  EXPECT_EQ(message("SELECT * FROM g WHERE k = 1 AND b = 1"),
            "PRIMARY KEY column \"b\" cannot be restricted as preceding column \"a\" is not "
            "restricted");
}

TEST_F(ExecutorSelect, UnknownColumnIsRejected) {
  EXPECT_EQ(message("SELECT nope FROM t"), "Undefined column name nope in table ks.t");
}

TEST_F(ExecutorSelect, UnknownTableAndKeyspaceAreRejected) {
  EXPECT_EQ(message("SELECT * FROM nope"), "table nope does not exist");
  EXPECT_EQ(message("SELECT * FROM nowhere.t"), "keyspace nowhere does not exist");
}

TEST_F(ExecutorSelect, NoKeyspaceIsRejected) {
  session.keyspace.clear();
  EXPECT_EQ(message("SELECT * FROM t"),
            "No keyspace has been specified. USE a keyspace, or explicitly specify "
            "keyspace.tablename");
}

TEST_F(ExecutorSelect, AliasesNameTheResultColumns) {
  auto r = rows("SELECT k AS key, v AS value FROM t WHERE k = 1 AND c = 1");
  EXPECT_EQ(names(r), (strings{"key", "value"}));
  EXPECT_EQ(r.metadata.columns[0].keyspace, "ks");
  EXPECT_EQ(r.metadata.columns[0].table, "t");
  EXPECT_TRUE(r.metadata.global_table_spec);
}

TEST_F(ExecutorSelect, SelectStarHasEveryColumnInCassandraOrder) {
  auto r = rows("SELECT * FROM t WHERE k = 1 AND c = 1");
  EXPECT_EQ(names(r), (strings{"k", "c", "s", "v"}));
}

TEST_F(ExecutorSelect, SelectJsonWritesOneJsonColumn) {
  auto r = rows("SELECT JSON k, c, v FROM t WHERE k = 1 AND c = 2");
  EXPECT_EQ(names(r), strings{"[json]"});
  EXPECT_EQ(render(r), strings{"'{\"k\": 1, \"c\": 2, \"v\": \"v12\"}'"});
}

TEST_F(ExecutorSelect, ToJsonFunction) {
  auto r = rows("SELECT toJson(v) FROM t WHERE k = 1 AND c = 1");
  EXPECT_EQ(names(r), strings{"system.tojson(v)"});
  EXPECT_EQ(render(r), strings{"'\"v11\"'"});
}

TEST_F(ExecutorSelect, SkipMetadataSendsNoColumnSpecs) {
  request_options o;
  o.skip_metadata = true;
  auto r = rows("SELECT k, v FROM t WHERE k = 1 AND c = 1", o);
  EXPECT_TRUE(r.metadata.no_metadata);
  EXPECT_TRUE(r.metadata.columns.empty());
  EXPECT_EQ(r.metadata.column_count, 2);
}

TEST_F(ExecutorSelect, SystemLocalDescribesTheNode) {
  auto r = rows("SELECT cluster_name, release_version FROM system.local");
  EXPECT_EQ(render(r), strings{"'test', '4.1.5'"});
}

TEST_F(ExecutorSelect, SystemSchemaColumnsFilteredByKeyspaceAndTable) {
  auto r = query(
      "SELECT column_name, kind FROM system_schema.columns WHERE keyspace_name = 'ks' AND "
      "table_name = 't'");
  std::sort(r.begin(), r.end());
  EXPECT_EQ(r, (strings{"'c', 'clustering'", "'k', 'partition_key'", "'s', 'static'",
                        "'v', 'regular'"}));
}

TEST_F(ExecutorSelect, SystemPeersIsEmptyForOneNode) {
  EXPECT_TRUE(query("SELECT * FROM system.peers").empty());
}

}  // namespace
}  // namespace cqlshift::sim::testing
