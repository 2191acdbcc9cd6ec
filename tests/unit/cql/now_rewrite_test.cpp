// now() replacement (SPEC.md section 6) as the proxy relies on it: which calls are found,
// where the markers that replace them sit among the statement's own markers, and that nothing
// else in the text changes.

#include "cqlshift/cql/now_rewrite.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::cql {
namespace {

std::vector<std::string> literals_for(const now_calls& found) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < found.calls.size(); ++i)
    out.push_back("U" + std::to_string(i));
  return out;
}

// The text with call i replaced by "U<i>".
std::string with_literals(std::string_view cql) {
  auto found = find_now_calls(cql);
  EXPECT_TRUE(found.has_value()) << cql;
  if (!found) return {};
  return replace_now_calls(cql, *found, literals_for(*found));
}

std::vector<std::size_t> bind_indexes(std::string_view cql) {
  auto found = find_now_calls(cql);
  EXPECT_TRUE(found.has_value()) << cql;
  std::vector<std::size_t> out;
  if (found)
    for (const auto& c : found->calls)
      out.push_back(c.bind_index);
  return out;
}

TEST(NowRewrite, ReplacesEachCallOfTheBuiltIn) {
  EXPECT_EQ(with_literals("INSERT INTO t (k, v) VALUES (now(), 1)"),
            "INSERT INTO t (k, v) VALUES (U0, 1)");
  EXPECT_EQ(with_literals("INSERT INTO t (k, a, b) VALUES (1, now(), NOW ( ))"),
            "INSERT INTO t (k, a, b) VALUES (1, U0, U1)");
  EXPECT_EQ(with_literals("UPDATE ks.t SET ts = system.now() WHERE k = 1"),
            "UPDATE ks.t SET ts = U0 WHERE k = 1");
  EXPECT_EQ(with_literals("UPDATE ks.t SET ts = \"system\" . \"now\"() WHERE k = 1"),
            "UPDATE ks.t SET ts = U0 WHERE k = 1");
  EXPECT_EQ(with_literals("INSERT INTO t (k, d) VALUES (1, toTimestamp(now()))"),
            "INSERT INTO t (k, d) VALUES (1, toTimestamp(U0))");
  EXPECT_EQ(with_literals("DELETE FROM t WHERE k = now() IF EXISTS"),
            "DELETE FROM t WHERE k = U0 IF EXISTS");
  EXPECT_EQ(with_literals("INSERT INTO t (k, m) VALUES (1, {'a': now(), 'b':now()})"),
            "INSERT INTO t (k, m) VALUES (1, {'a': U0, 'b': U1})");
}

TEST(NowRewrite, LeavesAloneWhatIsNotACallOfTheBuiltIn) {
  for (std::string_view cql : {
           "INSERT INTO t (k, v) VALUES (1, 'now()')",        // a string literal
           "INSERT INTO t (k, v) VALUES (1, $$now()$$)",      // a dollar string
           "INSERT INTO t (k, v) VALUES (1, 2) -- now()",     // a line comment
           "INSERT INTO t (k, v) VALUES (1, /* now() */ 2)",  // a block comment
           "INSERT INTO t (k, \"now()\") VALUES (1, 2)",      // a quoted column name
           "INSERT INTO t (k, now) VALUES (1, 2)",            // a column named now
           "UPDATE t SET now = 1 WHERE k = 2",
           "INSERT INTO t (k, v) VALUES (1, myks.now())",  // another keyspace's UDF
           "INSERT INTO t (k, v) VALUES (1, now(1))",      // not zero-argument
           "INSERT INTO t (k, v) VALUES (1, \"NOW\"())",   // quoted: a different name
           "INSERT INTO t (k, v) VALUES (1, nowish())",
       }) {
    SCOPED_TRACE(cql);
    auto found = find_now_calls(cql);
    ASSERT_TRUE(found.has_value());
    EXPECT_TRUE(found->calls.empty());
  }
}

TEST(NowRewrite, ReplacementsDoNotGlueToTheirNeighbours) {
  // Invalid CQL either way, but a literal must not merge with what surrounds it into a new
  // token (a duration, a float, a qualified name that hides or invents a call).
  EXPECT_EQ(with_literals("UPDATE t SET a = 0now()s0000now() WHERE k = now().\"now\"()"),
            "UPDATE t SET a = 0 U0 s0000now() WHERE k = U1 .\"now\"()");
}

TEST(NowRewrite, TextThatDoesNotLexIsNotRewritten) {
  EXPECT_FALSE(find_now_calls("INSERT INTO t (k) VALUES (now()) 'unterminated").has_value());
}

TEST(NowRewrite, BindIndexesCountTheMarkersBeforeEachCall) {
  EXPECT_EQ(bind_indexes("INSERT INTO t (a, b, c) VALUES (?, now(), ?)"),
            (std::vector<std::size_t>{1}));
  EXPECT_EQ(bind_indexes("INSERT INTO t (a, b, c, d) VALUES (now(), ?, now(), ?) USING TTL ?"),
            (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(bind_indexes("UPDATE t USING TTL ? SET v = ?, ts = now() WHERE k = ? AND c = ?"),
            (std::vector<std::size_t>{2}));
  // A '?' in a string or comment is no marker.
  EXPECT_EQ(bind_indexes("INSERT INTO t (a, b, c) VALUES ('?', /* ? */ ?, now())"),
            (std::vector<std::size_t>{1}));
  // Markers inside collection literals and function calls count.
  EXPECT_EQ(bind_indexes("UPDATE t SET l = l + [?, ?], m = {?: now()} WHERE k = ?"),
            (std::vector<std::size_t>{3}));
}

TEST(NowRewrite, NamedMarkers) {
  auto found = find_now_calls("INSERT INTO t (k, a, b) VALUES (:k, now(), :\"B\")");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->named_markers);
  ASSERT_EQ(found->calls.size(), 1u);
  EXPECT_EQ(found->calls[0].bind_index, 1u);
  EXPECT_EQ(replace_now_with_markers("INSERT INTO t (k, a, b) VALUES (:k, now(), :\"B\")", *found),
            "INSERT INTO t (k, a, b) VALUES (:k, (timeuuid):cqlshift_now_0, :\"B\")");
  // ': name' with a gap is a marker as well; a map key's ':' is not.
  EXPECT_EQ(bind_indexes("UPDATE t SET m = {'a': now()}, v = : v WHERE k = now()"),
            (std::vector<std::size_t>{0, 2}));
}

TEST(NowRewrite, PositionalMarkersStayPositional) {
  const std::string_view cql = "INSERT INTO t (k, a, b) VALUES (?, now(), system.now())";
  auto found = find_now_calls(cql);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->named_markers);
  EXPECT_EQ(replace_now_with_markers(cql, *found),
            "INSERT INTO t (k, a, b) VALUES (?, (timeuuid)?, (timeuuid)?)");
  EXPECT_EQ(found->calls[0].bind_index, 1u);
  EXPECT_EQ(found->calls[1].bind_index, 2u);
}

TEST(NowRewrite, BatchText) {
  EXPECT_EQ(with_literals("BEGIN BATCH INSERT INTO t (k, v) VALUES (1, now()); "
                          "UPDATE t SET v = now() WHERE k = 2; APPLY BATCH"),
            "BEGIN BATCH INSERT INTO t (k, v) VALUES (1, U0); "
            "UPDATE t SET v = U1 WHERE k = 2; APPLY BATCH");
}

}  // namespace
}  // namespace cqlshift::cql
