// Collections (cell per element), counters, user types and tuples.

#include "executor_test_support.hpp"

namespace cqlshift::sim::testing {
namespace {

class ExecutorCollections : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE c (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>, "
       "fl frozen<list<int>>)");
    ok("INSERT INTO c (k, l, s, m) VALUES (1, [1, 2], {'a', 'b'}, {'x': 1, 'y': 2})");
  }
};

TEST_F(ExecutorCollections, ListAppendAndPrepend) {
  ok("UPDATE c SET l = l + [3, 4] WHERE k = 1");
  ok("UPDATE c SET l = [-1, 0] + l WHERE k = 1");
  EXPECT_EQ(query("SELECT l FROM c"), strings{"[-1, 0, 1, 2, 3, 4]"});
}

TEST_F(ExecutorCollections, ListSetByIndex) {
  ok("UPDATE c SET l[1] = 20 WHERE k = 1");
  EXPECT_EQ(query("SELECT l FROM c"), strings{"[1, 20]"});
}

TEST_F(ExecutorCollections, ListIndexOutOfBoundsIsRejected) {
  EXPECT_EQ(message("UPDATE c SET l[5] = 20 WHERE k = 1"),
            "List index 5 out of bound, list has size 2");
}

TEST_F(ExecutorCollections, ListDeleteByIndex) {
  ok("DELETE l[0] FROM c WHERE k = 1");
  EXPECT_EQ(query("SELECT l FROM c"), strings{"[2]"});
}

TEST_F(ExecutorCollections, ListRemoveByValue) {
  ok("UPDATE c SET l = l + [1] WHERE k = 1");
  ok("UPDATE c SET l = l - [1] WHERE k = 1");
  EXPECT_EQ(query("SELECT l FROM c"), strings{"[2]"});
}

TEST_F(ExecutorCollections, SetAddAndRemove) {
  ok("UPDATE c SET s = s + {'c', 'a'} WHERE k = 1");
  ok("UPDATE c SET s = s - {'b'} WHERE k = 1");
  EXPECT_EQ(query("SELECT s FROM c"), strings{"{'a', 'c'}"});
}

TEST_F(ExecutorCollections, MapPutRemoveAndDeleteKey) {
  ok("UPDATE c SET m['z'] = 26 WHERE k = 1");
  ok("UPDATE c SET m = m + {'w': 23} WHERE k = 1");
  ok("UPDATE c SET m = m - {'x'} WHERE k = 1");
  ok("DELETE m['y'] FROM c WHERE k = 1");
  EXPECT_EQ(query("SELECT m FROM c"), strings{"{'w': 23, 'z': 26}"});
}

TEST_F(ExecutorCollections, OverwriteReplacesTheWholeCollection) {
  ok("UPDATE c SET s = {'z'} WHERE k = 1");
  EXPECT_EQ(query("SELECT s FROM c"), strings{"{'z'}"});
}

TEST_F(ExecutorCollections, OverwriteTombstoneIsOneMicrosecondOlder) {
  // The overwrite at T deletes at T - 1, so an element added at T survives it.
  ok("UPDATE c USING TIMESTAMP 1000 SET s = {'z'} WHERE k = 2");
  ok("UPDATE c USING TIMESTAMP 1000 SET s = s + {'y'} WHERE k = 2");
  ok("UPDATE c USING TIMESTAMP 999 SET s = s + {'old'} WHERE k = 2");
  EXPECT_EQ(query("SELECT s FROM c WHERE k = 2"), strings{"{'y', 'z'}"});
}

TEST_F(ExecutorCollections, ElementsKeepTheirOwnTimestamps) {
  ok("UPDATE c USING TIMESTAMP 10 SET m['a'] = 1 WHERE k = 3");
  ok("UPDATE c USING TIMESTAMP 20 SET m['b'] = 2 WHERE k = 3");
  ok("DELETE m FROM c USING TIMESTAMP 15 WHERE k = 3");
  EXPECT_EQ(query("SELECT m FROM c WHERE k = 3"), strings{"{'b': 2}"});
}

TEST_F(ExecutorCollections, ElementTtlExpiresOnlyThatElement) {
  ok("UPDATE c USING TTL 10 SET s = s + {'temp'} WHERE k = 1");
  advance_seconds(10);
  EXPECT_EQ(query("SELECT s FROM c"), strings{"{'a', 'b'}"});
}

TEST_F(ExecutorCollections, EmptyCollectionReadsAsNull) {
  ok("UPDATE c SET s = s - {'a', 'b'} WHERE k = 1");
  EXPECT_EQ(query("SELECT s FROM c"), strings{"null"});
}

TEST_F(ExecutorCollections, FrozenCollectionIsOneValue) {
  ok("UPDATE c SET fl = [3, 1] WHERE k = 1");
  EXPECT_EQ(query("SELECT fl, writetime(fl) FROM c"),
            strings{"[3, 1], " + std::to_string(now_us + 1)});
  EXPECT_EQ(message("UPDATE c SET fl = fl + [2] WHERE k = 1"),
            "Invalid operation (fl = fl + [2]) for frozen collection column fl");
}

TEST_F(ExecutorCollections, AppendToNonCollectionIsRejected) {
  ok("CREATE TABLE plain (k int PRIMARY KEY, v int)");
  EXPECT_EQ(message("UPDATE plain SET v = v + 1 WHERE k = 1"),
            "Invalid operation (v = v + 1) for non counter column v");
}

TEST_F(ExecutorCollections, CountersAccumulate) {
  ok("CREATE TABLE counts (k int PRIMARY KEY, n counter)");
  ok("UPDATE counts SET n = n + 5 WHERE k = 1");
  ok("UPDATE counts SET n = n + 3 WHERE k = 1");
  ok("UPDATE counts SET n = n - 1 WHERE k = 1");
  EXPECT_EQ(query("SELECT n FROM counts"), strings{"7"});
}

TEST_F(ExecutorCollections, CounterRulesAreCassandras) {
  ok("CREATE TABLE counts (k int PRIMARY KEY, n counter)");
  EXPECT_EQ(message("INSERT INTO counts (k, n) VALUES (1, 1)"),
            "INSERT statements are not allowed on counter tables, use UPDATE instead");
  EXPECT_EQ(message("UPDATE counts SET n = 1 WHERE k = 1"),
            "Cannot set the value of counter column n (counters can only be "
            "incremented/decremented, not set)");
  EXPECT_EQ(message("UPDATE counts USING TIMESTAMP 5 SET n = n + 1 WHERE k = 1"),
            "Cannot provide custom timestamp for counter updates");
}

TEST_F(ExecutorCollections, CounterAfterRowDeletionStartsAgain) {
  ok("CREATE TABLE counts (k int PRIMARY KEY, n counter)");
  ok("UPDATE counts SET n = n + 5 WHERE k = 1");
  ok("DELETE FROM counts WHERE k = 1");
  EXPECT_TRUE(query("SELECT n FROM counts").empty());
  ok("UPDATE counts SET n = n + 2 WHERE k = 1");
  EXPECT_EQ(query("SELECT n FROM counts"), strings{"2"});
}

TEST_F(ExecutorCollections, UserTypeValuesAndFieldUpdates) {
  ok("CREATE TYPE address (street text, zip int)");
  ok("CREATE TABLE people (k int PRIMARY KEY, home address, work frozen<address>)");
  ok("INSERT INTO people (k, home, work) VALUES (1, {street: 'Main', zip: 1}, "
     "{street: 'Office', zip: 2})");
  ok("UPDATE people SET home.zip = 99 WHERE k = 1");
  EXPECT_EQ(query("SELECT home, work.street FROM people"),
            strings{"{street: 'Main', zip: 99}, 'Office'"});
  EXPECT_EQ(message("UPDATE people SET work.zip = 3 WHERE k = 1"),
            "Invalid operation (work.zip = 3) for frozen UDT column work");
}

TEST_F(ExecutorCollections, TuplesRoundTrip) {
  ok("CREATE TABLE tup (k int PRIMARY KEY, t tuple<int, text>)");
  ok("INSERT INTO tup (k, t) VALUES (1, (1, 'one'))");
  EXPECT_EQ(query("SELECT t FROM tup"), strings{"(1, 'one')"});
}

TEST_F(ExecutorCollections, InsertJsonAndSelectJson) {
  ok("CREATE TABLE j (k int PRIMARY KEY, v text, l list<int>)");
  ok("INSERT INTO j JSON '{\"k\": 1, \"v\": \"a\", \"l\": [1, 2]}'");
  EXPECT_EQ(query("SELECT k, v, l FROM j"), strings{"1, 'a', [1, 2]"});
  EXPECT_EQ(query("SELECT JSON * FROM j"), strings{"'{\"k\": 1, \"l\": [1, 2], \"v\": \"a\"}'"});
}

TEST_F(ExecutorCollections, InsertJsonDefaultNullAndUnset) {
  ok("CREATE TABLE j (k int PRIMARY KEY, v text, w int)");
  ok("INSERT INTO j (k, v, w) VALUES (1, 'a', 1)");
  ok("INSERT INTO j JSON '{\"k\": 1, \"w\": 2}' DEFAULT UNSET");
  EXPECT_EQ(query("SELECT v, w FROM j"), strings{"'a', 2"});
  ok("INSERT INTO j JSON '{\"k\": 1, \"w\": 3}'");
  EXPECT_EQ(query("SELECT v, w FROM j"), strings{"null, 3"});
}

TEST_F(ExecutorCollections, InsertJsonUnknownColumnIsRejected) {
  ok("CREATE TABLE j (k int PRIMARY KEY, v text)");
  EXPECT_EQ(message("INSERT INTO j JSON '{\"k\": 1, \"nope\": 2}'"),
            "JSON values map contains unrecognized column: nope");
}

}  // namespace
}  // namespace cqlshift::sim::testing
