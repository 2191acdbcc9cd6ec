// Write semantics: timestamps and last-write-wins, TTLs, tombstones, row liveness.

#include "executor_test_support.hpp"

namespace cqlshift::sim::testing {
namespace {

class ExecutorWrite : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE kv (k int PRIMARY KEY, v text, w int)");
    ok("CREATE TABLE rows (k int, c int, v text, s int static, PRIMARY KEY (k, c))");
  }
};

TEST_F(ExecutorWrite, InsertedRowReadsBack) {
  ok("INSERT INTO kv (k, v, w) VALUES (1, 'a', 10)");
  EXPECT_EQ(query("SELECT * FROM kv"), strings{"1, 'a', 10"});
}

TEST_F(ExecutorWrite, OlderWriteLosesToNewerOne) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'new') USING TIMESTAMP 200");
  ok("INSERT INTO kv (k, v) VALUES (1, 'old') USING TIMESTAMP 100");
  EXPECT_EQ(query("SELECT v, writetime(v) FROM kv WHERE k = 1"), strings{"'new', 200"});
}

TEST_F(ExecutorWrite, TimestampTieGoesToTheGreaterValue) {
  ok("UPDATE kv USING TIMESTAMP 100 SET v = 'b' WHERE k = 1");
  ok("UPDATE kv USING TIMESTAMP 100 SET v = 'a' WHERE k = 1");
  ok("UPDATE kv USING TIMESTAMP 100 SET w = 1 WHERE k = 2");
  ok("UPDATE kv USING TIMESTAMP 100 SET w = 7 WHERE k = 2");
  EXPECT_EQ(query("SELECT k, v, w FROM kv"), (strings{"1, 'b', null", "2, null, 7"}));
}

TEST_F(ExecutorWrite, TimestampTieGoesToTheTombstone) {
  ok("UPDATE kv USING TIMESTAMP 100 SET v = 'a' WHERE k = 1");
  ok("DELETE v FROM kv USING TIMESTAMP 100 WHERE k = 1");
  EXPECT_TRUE(query("SELECT * FROM kv").empty());
}

TEST_F(ExecutorWrite, DeleteShadowsOlderWritesButNotNewerOnes) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a') USING TIMESTAMP 100");
  ok("DELETE FROM kv USING TIMESTAMP 150 WHERE k = 1");
  ok("INSERT INTO kv (k, v) VALUES (1, 'late-but-old') USING TIMESTAMP 120");
  EXPECT_TRUE(query("SELECT * FROM kv WHERE k = 1").empty());
  ok("INSERT INTO kv (k, v) VALUES (1, 'newer') USING TIMESTAMP 160");
  EXPECT_EQ(query("SELECT k, v FROM kv WHERE k = 1"), strings{"1, 'newer'"});
}

TEST_F(ExecutorWrite, ServerTimestampsIncreaseWithinOneMicrosecond) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'first')");
  ok("INSERT INTO kv (k, v) VALUES (1, 'second')");  // same fake clock reading
  EXPECT_EQ(query("SELECT v, writetime(v) FROM kv"),
            strings{"'second', " + std::to_string(now_us + 1)});
}

TEST_F(ExecutorWrite, DefaultTimestampOfTheRequestIsUsed) {
  request_options o;
  o.default_timestamp = 42;
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')", o);
  EXPECT_EQ(query("SELECT writetime(v) FROM kv"), strings{"42"});
}

TEST_F(ExecutorWrite, UsingTimestampOverridesTheDefaultTimestamp) {
  request_options o;
  o.default_timestamp = 42;
  ok("INSERT INTO kv (k, v) VALUES (1, 'a') USING TIMESTAMP 7", o);
  EXPECT_EQ(query("SELECT writetime(v) FROM kv"), strings{"7"});
}

TEST_F(ExecutorWrite, CellWithTtlExpires) {
  ok("UPDATE kv USING TTL 10 SET v = 'a' WHERE k = 1");
  advance_seconds(9);
  EXPECT_EQ(query("SELECT v, ttl(v) FROM kv"), strings{"'a', 1"});
  advance_seconds(1);
  EXPECT_TRUE(query("SELECT * FROM kv").empty());
}

TEST_F(ExecutorWrite, InsertWithTtlExpiresTheWholeRow) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a') USING TTL 5");
  ok("UPDATE kv SET w = 3 WHERE k = 1");  // a non-expiring cell keeps the row alive
  advance_seconds(5);
  EXPECT_EQ(query("SELECT * FROM kv"), strings{"1, null, 3"});
  ok("INSERT INTO kv (k, v) VALUES (2, 'b') USING TTL 5");
  advance_seconds(5);
  EXPECT_EQ(query("SELECT k FROM kv"), strings{"1"});
}

TEST_F(ExecutorWrite, TableDefaultTimeToLiveApplies) {
  ok("CREATE TABLE ephemeral (k int PRIMARY KEY, v int) WITH default_time_to_live = 100");
  ok("INSERT INTO ephemeral (k, v) VALUES (1, 1)");
  EXPECT_EQ(query("SELECT ttl(v) FROM ephemeral"), strings{"100"});
  ok("INSERT INTO ephemeral (k, v) VALUES (2, 2) USING TTL 0");  // TTL 0: never expires
  advance_seconds(100);
  EXPECT_EQ(query("SELECT k, ttl(v) FROM ephemeral"), strings{"2, null"});
}

TEST_F(ExecutorWrite, TtlIsNullForCellsWithoutOne) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  EXPECT_EQ(query("SELECT ttl(v) FROM kv"), strings{"null"});
}

TEST_F(ExecutorWrite, NowInSecondsOfTheRequestDecidesExpiry) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a') USING TTL 10");
  request_options later;
  later.now_in_seconds = static_cast<std::int32_t>(now_us / 1'000'000 + 10);
  EXPECT_TRUE(query("SELECT * FROM kv", later).empty());
  EXPECT_EQ(query("SELECT k FROM kv"), strings{"1"});
}

TEST_F(ExecutorWrite, NegativeTtlIsRejected) {
  EXPECT_EQ(message("INSERT INTO kv (k, v) VALUES (1, 'a') USING TTL -1"),
            "A TTL must be greater or equal to 0, but was -1");
}

TEST_F(ExecutorWrite, RowInsertedKeepsExistingAfterItsCellsAreDeleted) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  ok("DELETE v FROM kv WHERE k = 1");
  EXPECT_EQ(query("SELECT * FROM kv"), strings{"1, null, null"});
}

TEST_F(ExecutorWrite, RowOnlyUpdatedDisappearsWithItsCells) {
  ok("UPDATE kv SET v = 'a' WHERE k = 1");
  ok("DELETE v FROM kv WHERE k = 1");
  EXPECT_TRUE(query("SELECT * FROM kv").empty());
}

TEST_F(ExecutorWrite, RowDeletionRemovesTheRowOnly) {
  ok("INSERT INTO rows (k, c, v, s) VALUES (1, 1, 'a', 9)");
  ok("INSERT INTO rows (k, c, v) VALUES (1, 2, 'b')");
  ok("DELETE FROM rows WHERE k = 1 AND c = 1");
  EXPECT_EQ(query("SELECT * FROM rows"), strings{"1, 2, 9, 'b'"});
}

TEST_F(ExecutorWrite, PartitionDeletionRemovesRowsAndStatics) {
  ok("INSERT INTO rows (k, c, v, s) VALUES (1, 1, 'a', 9)");
  ok("INSERT INTO rows (k, c, v) VALUES (2, 1, 'b')");
  ok("DELETE FROM rows WHERE k = 1");
  EXPECT_EQ(query("SELECT k, c FROM rows"), strings{"2, 1"});
}

TEST_F(ExecutorWrite, RangeDeletionRemovesTheRowsInRange) {
  for (int c = 1; c <= 5; ++c) {
    ok("INSERT INTO rows (k, c, v) VALUES (1, " + std::to_string(c) + ", 'x')");
  }
  ok("DELETE FROM rows WHERE k = 1 AND c > 1 AND c <= 3");
  EXPECT_EQ(query("SELECT c FROM rows WHERE k = 1"), (strings{"1", "4", "5"}));
}

TEST_F(ExecutorWrite, RangeDeletionShadowsOnlyOlderWrites) {
  ok("DELETE FROM rows USING TIMESTAMP 100 WHERE k = 1 AND c >= 2");
  ok("INSERT INTO rows (k, c, v) VALUES (1, 2, 'old') USING TIMESTAMP 90");
  ok("INSERT INTO rows (k, c, v) VALUES (1, 3, 'new') USING TIMESTAMP 110");
  EXPECT_EQ(query("SELECT c, v FROM rows WHERE k = 1"), strings{"3, 'new'"});
}

TEST_F(ExecutorWrite, StaticOnlyPartitionYieldsOneRowWithNullClustering) {
  ok("INSERT INTO rows (k, s) VALUES (1, 5)");
  EXPECT_EQ(query("SELECT * FROM rows"), strings{"1, null, 5, null"});
}

TEST_F(ExecutorWrite, StaticColumnAppearsOnEveryRow) {
  ok("INSERT INTO rows (k, c, v) VALUES (1, 1, 'a')");
  ok("INSERT INTO rows (k, c, v) VALUES (1, 2, 'b')");
  ok("UPDATE rows SET s = 7 WHERE k = 1");
  EXPECT_EQ(query("SELECT c, s FROM rows WHERE k = 1"), (strings{"1, 7", "2, 7"}));
}

TEST_F(ExecutorWrite, NullValueWritesATombstone) {
  ok("INSERT INTO kv (k, v, w) VALUES (1, 'a', 1)");
  ok("INSERT INTO kv (k, v) VALUES (1, null)");
  EXPECT_EQ(query("SELECT * FROM kv"), strings{"1, null, 1"});
}

TEST_F(ExecutorWrite, UnsetValueLeavesTheColumnAlone) {
  ok("INSERT INTO kv (k, v, w) VALUES (1, 'a', 1)");
  ok("INSERT INTO kv (k, v, w) VALUES (?, ?, ?)",
     with_values({int_value(1), protocol::value::unset_value(), int_value(2)}));
  EXPECT_EQ(query("SELECT * FROM kv"), strings{"1, 'a', 2"});
}

TEST_F(ExecutorWrite, TruncateRemovesEverything) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  ok("TRUNCATE kv");
  EXPECT_TRUE(query("SELECT * FROM kv").empty());
}

TEST_F(ExecutorWrite, DroppedColumnDataDoesNotComeBack) {
  ok("INSERT INTO kv (k, v, w) VALUES (1, 'a', 1)");
  ok("ALTER TABLE kv DROP w");
  ok("ALTER TABLE kv ADD w int");
  EXPECT_EQ(query("SELECT * FROM kv"), strings{"1, 'a', null"});
}

TEST_F(ExecutorWrite, DroppedTableDataDoesNotComeBack) {
  ok("INSERT INTO kv (k, v) VALUES (1, 'a')");
  ok("DROP TABLE kv");
  ok("CREATE TABLE kv (k int PRIMARY KEY, v text, w int)");
  EXPECT_TRUE(query("SELECT * FROM kv").empty());
}

}  // namespace
}  // namespace cqlshift::sim::testing
