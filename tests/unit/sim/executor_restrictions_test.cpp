// WHERE clause rules (StatementRestrictions) for reads and writes, with Cassandra's messages,
// and the less common restriction shapes.

#include "executor_test_support.hpp"

namespace cqlshift::sim::testing {
namespace {

class ExecutorRestrictions : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE t (k int, a int, b int, v text, s int static, l list<int>, "
       "PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (a ASC, b DESC)");
    for (int a = 1; a <= 2; ++a) {
      for (int b = 1; b <= 2; ++b) {
        ok("INSERT INTO t (k, a, b, v) VALUES (0, " + std::to_string(a) + ", " + std::to_string(b) +
           ", 'x')");
      }
    }
  }
};

TEST_F(ExecutorRestrictions, MixedClusteringOrderIsStorageOrder) {
  EXPECT_EQ(query("SELECT a, b FROM t WHERE k = 0"), (strings{"1, 2", "1, 1", "2, 2", "2, 1"}));
}

TEST_F(ExecutorRestrictions, TupleSliceUsesNaturalOrderWhateverTheClusteringOrder) {
  EXPECT_EQ(query("SELECT a, b FROM t WHERE k = 0 AND (a, b) > (1, 1)"),
            (strings{"1, 2", "2, 2", "2, 1"}));
}

TEST_F(ExecutorRestrictions, SliceOnADescendingColumn) {
  EXPECT_EQ(query("SELECT a, b FROM t WHERE k = 0 AND a = 2 AND b >= 2"), strings{"2, 2"});
}

TEST_F(ExecutorRestrictions, ClusteringInWithReversedOrder) {
  EXPECT_EQ(query("SELECT a, b FROM t WHERE k = 0 AND a IN (2, 1) AND b = 1 ORDER BY a DESC"),
            (strings{"2, 1", "1, 1"}));
}

TEST_F(ExecutorRestrictions, ClusteringRestrictionHidesStaticOnlyPartitions) {
  ok("INSERT INTO t (k, s) VALUES (9, 1)");
  EXPECT_EQ(query("SELECT k, s FROM t WHERE k = 9"), strings{"9, 1"});
  EXPECT_TRUE(query("SELECT k, v FROM t WHERE k = 9 AND a = 1").empty());
}

TEST_F(ExecutorRestrictions, PrecedingSliceBlocksLaterClusteringColumns) {
  EXPECT_EQ(message("SELECT * FROM t WHERE k = 0 AND a > 1 AND b = 1"),
            "Clustering column \"b\" cannot be restricted (preceding column \"a\" is restricted "
            "by a non-EQ relation)");
}

TEST_F(ExecutorRestrictions, EqualityConflictsWithAnyOtherRelation) {
  EXPECT_EQ(message("SELECT * FROM t WHERE k = 0 AND a = 1 AND a > 0"),
            "a cannot be restricted by more than one relation if it includes an Equal");
}

TEST_F(ExecutorRestrictions, TwoStartBoundsConflict) {
  EXPECT_EQ(message("SELECT * FROM t WHERE k = 0 AND a > 0 AND a >= 1"),
            "More than one restriction was found for the start bound on a");
}

TEST_F(ExecutorRestrictions, ClusteringRestrictionWithoutPartitionKeyNeedsFiltering) {
  EXPECT_EQ(message("SELECT * FROM t WHERE a = 1"),
            "Cannot execute this query as it might involve data filtering and thus may have "
            "unpredictable performance. If you want to execute this query despite the "
            "performance unpredictability, use ALLOW FILTERING");
  EXPECT_EQ(query("SELECT a, b FROM t WHERE a = 1 ALLOW FILTERING"), (strings{"1, 2", "1, 1"}));
}

TEST_F(ExecutorRestrictions, ClusteringGapWithAllowFilteringFilters) {
  EXPECT_EQ(query("SELECT a, b FROM t WHERE k = 0 AND b = 1 ALLOW FILTERING"),
            (strings{"1, 1", "2, 1"}));
}

TEST_F(ExecutorRestrictions, NonFrozenCollectionCannotBeComparedWhole) {
  EXPECT_EQ(message("SELECT * FROM t WHERE l = [1] ALLOW FILTERING"),
            "Collection column 'l' (list<int>) cannot be restricted by a '=' relation");
}

TEST_F(ExecutorRestrictions, SelectingOnlyStaticsForbidsClusteringRestrictions) {
  EXPECT_EQ(message("SELECT s FROM t WHERE k = 0 AND a = 1"),
            "Cannot restrict clustering columns when selecting only static columns");
}

TEST_F(ExecutorRestrictions, PartialPartitionKeyNeedsFiltering) {
  ok("CREATE TABLE c (x int, y int, v int, PRIMARY KEY ((x, y)))");
  ok("INSERT INTO c (x, y, v) VALUES (1, 2, 3)");
  EXPECT_EQ(error("SELECT * FROM c WHERE x = 1").code, protocol::error_code::invalid);
  EXPECT_EQ(query("SELECT v FROM c WHERE x = 1 ALLOW FILTERING"), strings{"3"});
}

TEST_F(ExecutorRestrictions, TokenMustCoverThePartitionKeyInOrder) {
  ok("CREATE TABLE c (x int, y int, v int, PRIMARY KEY ((x, y)))");
  EXPECT_EQ(message("SELECT * FROM c WHERE token(x) > 0"),
            "The token() function must be applied to all partition key components or none of "
            "them");
  EXPECT_EQ(message("SELECT * FROM c WHERE token(y, x) > 0"),
            "The token function arguments must be in the partition key order: x, y");
}

TEST_F(ExecutorRestrictions, UpdateRules) {
  EXPECT_EQ(message("UPDATE t SET v = 'y' WHERE k = 0 AND a = 1 AND b > 1"),
            "Slice restrictions are not supported on the clustering columns in UPDATE statements");
  EXPECT_EQ(message("UPDATE t SET v = 'y' WHERE k = 0 AND a = 1 AND b = 1 AND v = 'x'"),
            "Non PRIMARY KEY columns found in where clause: v ");
  EXPECT_EQ(message("UPDATE t SET v = 'y' WHERE token(k) = 1 AND a = 1 AND b = 1"),
            "The token function cannot be used in WHERE clauses for UPDATE statements");
  EXPECT_EQ(message("UPDATE t SET s = 1 WHERE k = 0 AND a = 1"),
            "Invalid restrictions on clustering columns since the UPDATE statement modifies "
            "only static columns");
  EXPECT_EQ(message("UPDATE t SET k = 1 WHERE k = 0 AND a = 1 AND b = 1"),
            "PRIMARY KEY part k found in SET part");
}

TEST_F(ExecutorRestrictions, DeleteRules) {
  EXPECT_EQ(message("DELETE v FROM t WHERE k = 0 AND a = 1"),
            "Range deletions are not supported for specific columns");
  EXPECT_EQ(message("DELETE a FROM t WHERE k = 0"),
            "Invalid identifier a for deletion (should not be a PRIMARY KEY part)");
  EXPECT_EQ(message("DELETE FROM t WHERE k = 0 AND b = 1"),
            "PRIMARY KEY column \"b\" cannot be restricted as preceding column \"a\" is not "
            "restricted");
}

TEST_F(ExecutorRestrictions, DeleteOfAClusteringPrefix) {
  ok("DELETE FROM t WHERE k = 0 AND a = 1");
  EXPECT_EQ(query("SELECT a, b FROM t WHERE k = 0"), (strings{"2, 2", "2, 1"}));
}

TEST_F(ExecutorRestrictions, DeleteWithTupleSlice) {
  ok("DELETE FROM t WHERE k = 0 AND (a, b) >= (1, 2) AND (a, b) < (2, 2)");
  EXPECT_EQ(query("SELECT a, b FROM t WHERE k = 0"), (strings{"1, 1", "2, 2"}));
}

TEST_F(ExecutorRestrictions, WritesWithInOnKeys) {
  ok("UPDATE t SET v = 'in' WHERE k IN (5, 6) AND a = 1 AND b IN (1, 2)");
  EXPECT_EQ(query("SELECT count(*) FROM t WHERE k IN (5, 6)"), strings{"4"});
}

TEST_F(ExecutorRestrictions, UnsetKeyValueIsRejected) {
  EXPECT_EQ(message("SELECT * FROM t WHERE k = ?", with_values({protocol::value::unset_value()})),
            "Invalid unset value for column k");
}

TEST_F(ExecutorRestrictions, EmptyInReturnsNothing) {
  EXPECT_TRUE(query("SELECT * FROM t WHERE k = 0 AND a IN ()").empty());
}

TEST_F(ExecutorRestrictions, AggregatesOverNoRows) {
  EXPECT_EQ(query("SELECT count(*), min(a), max(a), sum(a), avg(a) FROM t WHERE k = 42"),
            strings{"0, null, null, 0, 0"});
}

TEST_F(ExecutorRestrictions, ProtocolV2CollectionsUseShortSizes) {
  ok("UPDATE t SET l = [7] WHERE k = 0 AND a = 1 AND b = 1");
  request_options o;
  o.version = protocol::protocol_version::v2;
  auto r = rows("SELECT l FROM t WHERE k = 0 AND a = 1 AND b = 1", o);
  ASSERT_EQ(r.rows.size(), 1U);
  ASSERT_TRUE(r.rows[0][0].has_value());
  // [short] 1, [short] 4, int 7
  EXPECT_EQ(*r.rows[0][0], (protocol::bytes{0, 1, 0, 4, 0, 0, 0, 7}));
}

}  // namespace
}  // namespace cqlshift::sim::testing
