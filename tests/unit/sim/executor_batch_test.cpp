// BATCH: type rules, one timestamp, conditional batches, the BATCH message.

#include "executor_test_support.hpp"

namespace cqlshift::sim::testing {
namespace {

class ExecutorBatch : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))");
    ok("CREATE TABLE counts (k int PRIMARY KEY, n counter)");
  }

  batch_entry entry(std::string_view cql, std::vector<protocol::value> values = {}) {
    auto parsed = parse(cql);
    EXPECT_TRUE(parsed.has_value()) << cql;
    batch_entry e;
    e.parsed = std::make_shared<const parsed_statement>(parsed.has_value() ? *parsed
                                                                           : parsed_statement{});
    e.keyspace = "ks";
    e.values = std::move(values);
    return e;
  }
};

TEST_F(ExecutorBatch, AllStatementsShareOneTimestamp) {
  ok("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a'); "
     "INSERT INTO t (k, c, v) VALUES (2, 1, 'b'); APPLY BATCH");
  auto r = query("SELECT writetime(v) FROM t");
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[0], r[1]);
}

TEST_F(ExecutorBatch, BatchTimestampAppliesToEveryStatement) {
  ok("BEGIN BATCH USING TIMESTAMP 77 INSERT INTO t (k, c, v) VALUES (1, 1, 'a'); "
     "UPDATE t SET v = 'b' WHERE k = 1 AND c = 2; APPLY BATCH");
  EXPECT_EQ(query("SELECT writetime(v) FROM t"), (strings{"77", "77"}));
}

TEST_F(ExecutorBatch, TimestampOnBothBatchAndStatementIsRejected) {
  EXPECT_EQ(message("BEGIN BATCH USING TIMESTAMP 77 INSERT INTO t (k, c, v) VALUES (1, 1, 'a') "
                    "USING TIMESTAMP 5; APPLY BATCH"),
            "Timestamp must be set either on BATCH or individual statements");
}

TEST_F(ExecutorBatch, StatementTimestampWinsInsideTheBatch) {
  ok("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a') USING TIMESTAMP 5; "
     "INSERT INTO t (k, c, v) VALUES (1, 2, 'b'); APPLY BATCH");
  EXPECT_EQ(query("SELECT writetime(v) FROM t WHERE k = 1 AND c = 1"), strings{"5"});
}

TEST_F(ExecutorBatch, CounterStatementNotAllowedInLoggedBatch) {
  EXPECT_EQ(message("BEGIN BATCH UPDATE counts SET n = n + 1 WHERE k = 1; APPLY BATCH"),
            "Cannot include a counter statement in a logged batch");
}

TEST_F(ExecutorBatch, NonCounterStatementNotAllowedInCounterBatch) {
  EXPECT_EQ(message("BEGIN COUNTER BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a'); APPLY BATCH"),
            "Cannot include non-counter statement in a counter batch");
}

TEST_F(ExecutorBatch, CounterBatchIncrements) {
  ok("BEGIN COUNTER BATCH UPDATE counts SET n = n + 1 WHERE k = 1; "
     "UPDATE counts SET n = n + 2 WHERE k = 1; APPLY BATCH");
  EXPECT_EQ(query("SELECT n FROM counts"), strings{"3"});
}

TEST_F(ExecutorBatch, FailingStatementAppliesNothing) {
  EXPECT_FALSE(run("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a'); "
                   "INSERT INTO t (k, v) VALUES (2, 'b'); APPLY BATCH")
                   .has_value());
  EXPECT_TRUE(query("SELECT * FROM t").empty());
}

TEST_F(ExecutorBatch, ConditionalBatchAppliesAllOrNothing) {
  ok("INSERT INTO t (k, c, v) VALUES (1, 1, 'a')");
  auto failed = rows(
      "BEGIN BATCH UPDATE t SET v = 'x' WHERE k = 1 AND c = 1 IF v = 'zzz'; "
      "INSERT INTO t (k, c, v) VALUES (1, 2, 'new'); APPLY BATCH");
  EXPECT_EQ(names(failed), (strings{"[applied]", "k", "c", "v"}));
  EXPECT_EQ(render(failed), strings{"false, 1, 1, 'a'"});
  EXPECT_EQ(query("SELECT c, v FROM t"), strings{"1, 'a'"});

  auto applied = rows(
      "BEGIN BATCH UPDATE t SET v = 'x' WHERE k = 1 AND c = 1 IF v = 'a'; "
      "INSERT INTO t (k, c, v) VALUES (1, 2, 'new'); APPLY BATCH");
  EXPECT_EQ(render(applied), strings{"true"});
  EXPECT_EQ(query("SELECT c, v FROM t"), (strings{"1, 'x'", "2, 'new'"}));
}

TEST_F(ExecutorBatch, ConditionalBatchMustStayInOnePartition) {
  EXPECT_EQ(message("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a') IF NOT EXISTS; "
                    "INSERT INTO t (k, c, v) VALUES (2, 1, 'b'); APPLY BATCH"),
            "Batch with conditions cannot span multiple partitions");
}

TEST_F(ExecutorBatch, BatchMessageWithPreparedAndQueryEntries) {
  std::vector<batch_entry> entries;
  entries.push_back(entry("INSERT INTO t (k, c, v) VALUES (?, ?, ?)",
                          {int_value(1), int_value(1), text_value("a")}));
  entries.push_back(entry("INSERT INTO t (k, c, v) VALUES (1, 2, 'b')"));
  auto r = db.execute_batch(protocol::batch_type::unlogged, entries, {}, session);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(std::holds_alternative<protocol::void_result>(*r));
  EXPECT_EQ(query("SELECT c, v FROM t"), (strings{"1, 'a'", "2, 'b'"}));
}

TEST_F(ExecutorBatch, BatchMessageRejectsSelect) {
  std::vector<batch_entry> entries;
  entries.push_back(entry("SELECT * FROM t"));
  auto r = db.execute_batch(protocol::batch_type::logged, entries, {}, session);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.");
}

TEST_F(ExecutorBatch, BatchMessageChecksValueCounts) {
  std::vector<batch_entry> entries;
  entries.push_back(entry("INSERT INTO t (k, c, v) VALUES (?, ?, ?)", {int_value(1)}));
  auto r = db.execute_batch(protocol::batch_type::logged, entries, {}, session);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "There were 3 markers(?) in CQL but 1 bound variables");
}

TEST_F(ExecutorBatch, DefaultTimestampOfTheBatchRequest) {
  std::vector<batch_entry> entries;
  entries.push_back(entry("INSERT INTO t (k, c, v) VALUES (1, 1, 'a')"));
  request_options o;
  o.default_timestamp = 1234;
  ASSERT_TRUE(db.execute_batch(protocol::batch_type::logged, entries, o, session).has_value());
  EXPECT_EQ(query("SELECT writetime(v) FROM t"), strings{"1234"});
}

}  // namespace
}  // namespace cqlshift::sim::testing
