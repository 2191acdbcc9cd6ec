// Lightweight transactions: [applied], current values, result metadata.

#include "executor_test_support.hpp"

namespace cqlshift::sim::testing {
namespace {

class ExecutorLwt : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE t (k int, c int, v text, w int, s int static, PRIMARY KEY (k, c))");
    ok("CREATE TABLE kv (k int PRIMARY KEY, v text, l list<int>, m map<text, int>)");
  }
};

TEST_F(ExecutorLwt, InsertIfNotExistsAppliesOnce) {
  auto first = rows("INSERT INTO kv (k, v) VALUES (1, 'a') IF NOT EXISTS");
  EXPECT_EQ(names(first), strings{"[applied]"});
  EXPECT_EQ(first.metadata.columns[0].keyspace, "ks");
  EXPECT_EQ(first.metadata.columns[0].table, "kv");
  EXPECT_EQ(render(first), strings{"true"});

  auto second = rows("INSERT INTO kv (k, v) VALUES (1, 'b') IF NOT EXISTS");
  EXPECT_EQ(names(second), (strings{"[applied]", "k", "l", "m", "v"}));
  EXPECT_EQ(render(second), strings{"false, 1, null, null, 'a'"});
  EXPECT_EQ(query("SELECT v FROM kv"), strings{"'a'"});
}

TEST_F(ExecutorLwt, UpdateIfExistsOnAMissingRowReturnsOnlyApplied) {
  auto r = rows("UPDATE kv SET v = 'x' WHERE k = 1 IF EXISTS");
  EXPECT_EQ(names(r), strings{"[applied]"});
  EXPECT_EQ(render(r), strings{"false"});
  EXPECT_TRUE(query("SELECT * FROM kv").empty());
}

TEST_F(ExecutorLwt, UpdateIfExistsApplies) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  EXPECT_EQ(query("UPDATE kv SET v = 'x' WHERE k = 1 IF EXISTS"), strings{"true"});
  EXPECT_EQ(query("SELECT v FROM kv"), strings{"'x'"});
}

TEST_F(ExecutorLwt, ConditionHoldsAndApplies) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  EXPECT_EQ(query("UPDATE kv SET v = 'b' WHERE k = 1 IF v = 'a'"), strings{"true"});
  EXPECT_EQ(query("SELECT v FROM kv"), strings{"'b'"});
}

TEST_F(ExecutorLwt, FailedConditionReturnsTheConditionColumns) {
  ok("INSERT INTO t (k, c, v, w) VALUES (1, 1, 'a', 5)");
  auto r = rows("UPDATE t SET v = 'b' WHERE k = 1 AND c = 1 IF w > 10 AND v = 'a'");
  EXPECT_EQ(names(r), (strings{"[applied]", "w", "v"}));
  EXPECT_EQ(render(r), strings{"false, 5, 'a'"});
  EXPECT_EQ(query("SELECT v FROM t"), strings{"'a'"});
}

TEST_F(ExecutorLwt, ConditionOperators) {
  ok("INSERT INTO t (k, c, v, w) VALUES (1, 1, 'a', 5)");
  EXPECT_EQ(query("UPDATE t SET w = 6 WHERE k = 1 AND c = 1 IF w IN (4, 5)"), strings{"true"});
  EXPECT_EQ(query("UPDATE t SET w = 7 WHERE k = 1 AND c = 1 IF w != 6"), (strings{"false, 6"}));
  EXPECT_EQ(query("UPDATE t SET w = 7 WHERE k = 1 AND c = 1 IF w >= 6 AND w < 7"),
            strings{"true"});
  EXPECT_EQ(query("UPDATE t SET w = 8 WHERE k = 1 AND c = 1 IF v = null"), (strings{"false, 'a'"}));
}

TEST_F(ExecutorLwt, ConditionOnMissingValueIsNull) {
  ok("INSERT INTO kv (k) VALUES (1)");
  EXPECT_EQ(query("UPDATE kv SET v = 'x' WHERE k = 1 IF v = null"), strings{"true"});
}

TEST_F(ExecutorLwt, ComparisonWithNullIsAnError) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  EXPECT_EQ(message("UPDATE kv SET v = 'x' WHERE k = 1 IF v > null"),
            "Invalid comparison with null for operator \">\"");
}

TEST_F(ExecutorLwt, ElementConditions) {
  ok("INSERT INTO kv (k, l, m) VALUES (1, [10, 20], {'a': 1})");
  EXPECT_EQ(query("UPDATE kv SET v = 'x' WHERE k = 1 IF l[1] = 20 AND m['a'] = 1"),
            strings{"true"});
  EXPECT_EQ(query("UPDATE kv SET v = 'y' WHERE k = 1 IF m['b'] = 1"), (strings{"false, {'a': 1}"}));
}

TEST_F(ExecutorLwt, DeleteIfExists) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  EXPECT_EQ(query("DELETE FROM kv WHERE k = 1 IF EXISTS"), strings{"true"});
  EXPECT_TRUE(query("SELECT * FROM kv").empty());
  EXPECT_EQ(query("DELETE FROM kv WHERE k = 1 IF EXISTS"), strings{"false"});
}

TEST_F(ExecutorLwt, StaticConditionWithoutClustering) {
  ok("INSERT INTO t (k, c, s) VALUES (1, 1, 3)");
  EXPECT_EQ(query("UPDATE t SET s = 4 WHERE k = 1 IF s = 3"), strings{"true"});
  EXPECT_EQ(query("UPDATE t SET s = 5 WHERE k = 1 IF s = 3"), (strings{"false, 4"}));
}

TEST_F(ExecutorLwt, LwtRules) {
  EXPECT_EQ(message("UPDATE kv USING TIMESTAMP 5 SET v = 'x' WHERE k = 1 IF v = 'a'"),
            "Cannot provide custom timestamp for conditional updates");
  EXPECT_EQ(message("UPDATE kv SET v = 'x' WHERE k IN (1, 2) IF v = 'a'"),
            "IN on the partition key is not supported with conditional updates");
  EXPECT_EQ(message("UPDATE kv SET v = 'x' WHERE k = 1 IF k = 1"),
            "PRIMARY KEY column 'k' cannot have IF conditions");
}

TEST_F(ExecutorLwt, SerialConsistencyIsAccepted) {
  request_options o;
  o.serial_consistency = protocol::consistency::local_serial;
  EXPECT_EQ(query("INSERT INTO kv (k, v) VALUES (1, 'a') IF NOT EXISTS", o), strings{"true"});
}

}  // namespace
}  // namespace cqlshift::sim::testing
