// The parser on DML: golden ASTs for every form of SELECT, INSERT, UPDATE, DELETE and BATCH.

#include "parser_test_support.hpp"

namespace cqlshift::sim {
namespace {

using namespace parser_test;

TEST(ParserSelect, StarFromTable) {
  const auto s = parse_as<select_stmt>("SELECT * FROM t");
  select_stmt expected;
  expected.table = qn("", "t");
  expected.star = true;
  EXPECT_EQ(s, expected);
}

TEST(ParserSelect, EveryClause) {
  const auto s = parse_as<select_stmt>(
      "SELECT a, b AS bee FROM ks.t WHERE a = 1 AND b > 'x' GROUP BY a, b ORDER BY b DESC, c "
      "ASC, d PER PARTITION LIMIT 2 LIMIT 10 ALLOW FILTERING;");
  select_stmt expected;
  expected.table = qn("ks", "t");
  expected.selections = {{column_selector("a"), ""}, {column_selector("b"), "bee"}};
  expected.where = {rel("a", relation_op::eq, integer("1")), rel("b", relation_op::gt, str("x"))};
  expected.group_by = {"a", "b"};
  expected.order_by = {{"b", true}, {"c", false}, {"d", false}};
  expected.per_partition_limit = integer("2");
  expected.limit = integer("10");
  expected.allow_filtering = true;
  EXPECT_EQ(s, expected);
}

TEST(ParserSelect, JsonAndDistinctAreKeywordsOnlyBeforeASelectClause) {
  EXPECT_TRUE(parse_as<select_stmt>("SELECT JSON * FROM t").json);
  EXPECT_TRUE(parse_as<select_stmt>("SELECT JSON a, b FROM t").json);
  const auto distinct = parse_as<select_stmt>("SELECT JSON DISTINCT k FROM t");
  EXPECT_TRUE(distinct.json);
  EXPECT_TRUE(distinct.distinct);
  const auto json_column = parse_as<select_stmt>("SELECT json FROM t");
  EXPECT_FALSE(json_column.json);
  ASSERT_EQ(json_column.selections.size(), 1u);
  EXPECT_EQ(json_column.selections[0].expr, column_selector("json"));
  const auto distinct_column = parse_as<select_stmt>("SELECT distinct, json FROM t");
  EXPECT_FALSE(distinct_column.distinct);
  EXPECT_EQ(distinct_column.selections.size(), 2u);
}

TEST(ParserSelect, FunctionSelectors) {
  const auto s = parse_as<select_stmt>(
      "SELECT count(*), COUNT(1), writetime(v), TTL(v), token(a, b), toTimestamp(now()), "
      "system.now(), \"MyFunc\"(a) FROM t");
  ASSERT_EQ(s.selections.size(), 8u);
  EXPECT_EQ(s.selections[0].expr.what, selector::kind::star);
  EXPECT_EQ(s.selections[0].expr.name, "count");

  selector count1;
  count1.what = selector::kind::function;
  count1.name = "count";
  selector one;
  one.what = selector::kind::term;
  one.literal = {integer("1")};
  count1.args = {one};
  EXPECT_EQ(s.selections[1].expr, count1);

  selector writetime;
  writetime.what = selector::kind::function;
  writetime.name = "writetime";
  writetime.args = {column_selector("v")};
  EXPECT_EQ(s.selections[2].expr, writetime);
  EXPECT_EQ(s.selections[3].expr.name, "ttl");

  selector token;
  token.what = selector::kind::function;
  token.name = "token";
  token.args = {column_selector("a"), column_selector("b")};
  EXPECT_EQ(s.selections[4].expr, token);

  selector now;
  now.what = selector::kind::function;
  now.name = "now";
  selector to_timestamp;
  to_timestamp.what = selector::kind::function;
  to_timestamp.name = "totimestamp";
  to_timestamp.args = {now};
  EXPECT_EQ(s.selections[5].expr, to_timestamp);
  EXPECT_EQ(s.selections[6].expr.name, "now");  // native functions live in system
  EXPECT_EQ(s.selections[7].expr.name, "MyFunc");
}

TEST(ParserSelect, CastFieldAndLiteralSelectors) {
  const auto s = parse_as<select_stmt>(
      "SELECT CAST(a AS text), addr.street.number, 'lit', ?, null, (int) ? FROM t");
  ASSERT_EQ(s.selections.size(), 6u);
  selector cast;
  cast.what = selector::kind::cast;
  cast.args = {column_selector("a")};
  cast.cast_type = {type("text")};
  EXPECT_EQ(s.selections[0].expr, cast);

  selector street;
  street.what = selector::kind::field;
  street.field = "street";
  street.args = {column_selector("addr")};
  selector number;
  number.what = selector::kind::field;
  number.field = "number";
  number.args = {street};
  EXPECT_EQ(s.selections[1].expr, number);

  EXPECT_EQ(s.selections[2].expr.what, selector::kind::term);
  EXPECT_EQ(s.selections[2].expr.literal, std::vector<term>{str("lit")});
  EXPECT_EQ(s.selections[3].expr.literal, std::vector<term>{marker(0)});
  EXPECT_EQ(s.selections[4].expr.literal, std::vector<term>{null_term()});
  term hinted = lit(term_kind::cast, "");
  hinted.cast_type = {type("int")};
  hinted.items = {marker(1)};
  EXPECT_EQ(s.selections[5].expr.literal, std::vector<term>{hinted});
}

TEST(ParserSelect, RelationForms) {
  const auto s = parse_as<select_stmt>(
      "SELECT * FROM t WHERE a < 1 AND a <= 2 AND a > 3 AND a >= 4 AND a != 5 AND b IN (1, 2) "
      "AND c IN ? AND d CONTAINS 'x' AND e CONTAINS KEY 'k' AND f LIKE 'p%' AND g IS NOT NULL "
      "AND token(a, b) > token(1, 2) AND (c1, c2) >= (1, 2) AND (c1, c2) IN ((1, 2), (3, 4)) "
      "AND m['k'] = 1 AND (h = 1)");
  ASSERT_EQ(s.where.size(), 16u);
  const relation_op ops[] = {relation_op::lt, relation_op::le, relation_op::gt, relation_op::ge,
                             relation_op::neq};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s.where[i], rel("a", ops[i], integer(std::to_string(i + 1))));
  }
  relation in_list = rel("b", relation_op::in, null_term());
  in_list.in_list = true;
  in_list.in_values = {integer("1"), integer("2")};
  EXPECT_EQ(s.where[5], in_list);
  EXPECT_EQ(s.where[6], rel("c", relation_op::in, marker(0)));
  EXPECT_EQ(s.where[7], rel("d", relation_op::contains, str("x")));
  EXPECT_EQ(s.where[8], rel("e", relation_op::contains_key, str("k")));
  EXPECT_EQ(s.where[9], rel("f", relation_op::like, str("p%")));
  EXPECT_EQ(s.where[10], rel("g", relation_op::is_not_null, null_term()));

  relation token;
  token.target = relation_target::token;
  token.columns = {"a", "b"};
  token.op = relation_op::gt;
  token.value = composite(term_kind::function, {integer("1"), integer("2")}, "token");
  EXPECT_EQ(s.where[11], token);

  relation tuple;
  tuple.target = relation_target::tuple;
  tuple.columns = {"c1", "c2"};
  tuple.op = relation_op::ge;
  tuple.value = composite(term_kind::tuple, {integer("1"), integer("2")});
  EXPECT_EQ(s.where[12], tuple);

  relation tuple_in;
  tuple_in.target = relation_target::tuple;
  tuple_in.columns = {"c1", "c2"};
  tuple_in.op = relation_op::in;
  tuple_in.in_list = true;
  tuple_in.in_values = {composite(term_kind::tuple, {integer("1"), integer("2")}),
                        composite(term_kind::tuple, {integer("3"), integer("4")})};
  EXPECT_EQ(s.where[13], tuple_in);

  relation element = rel("m", relation_op::eq, integer("1"));
  element.target = relation_target::map_element;
  element.key = str("k");
  EXPECT_EQ(s.where[14], element);
  EXPECT_EQ(s.where[15], rel("h", relation_op::eq, integer("1")));
}

TEST(ParserSelect, MultiColumnInWithMarkers) {
  const auto s = parse_as<select_stmt>(
      "SELECT * FROM t WHERE (a, b) IN (?, ?) AND (c) IN ? AND (d, e) = ? AND (f) IN ()");
  ASSERT_EQ(s.where.size(), 4u);
  EXPECT_TRUE(s.where[0].in_list);
  EXPECT_EQ(s.where[0].in_values, (std::vector<term>{marker(0), marker(1)}));
  EXPECT_FALSE(s.where[1].in_list);
  EXPECT_EQ(s.where[1].value, marker(2));
  EXPECT_EQ(s.where[2].op, relation_op::eq);
  EXPECT_EQ(s.where[2].value, marker(3));
  EXPECT_TRUE(s.where[3].in_list);
  EXPECT_TRUE(s.where[3].in_values.empty());
}

TEST(ParserSelect, SystemLocalKeyColumn) {
  // Every driver's first query: `key` is an unreserved keyword.
  const auto s = parse_as<select_stmt>("select * from system.local where key='local'");
  EXPECT_EQ(s.table, qn("system", "local"));
  EXPECT_EQ(s.where, std::vector<relation>{rel("key", relation_op::eq, str("local"))});
}

TEST(ParserInsert, ColumnsAndValues) {
  const auto s = parse_as<insert_stmt>(
      "INSERT INTO ks.t (k, \"Value\", type) VALUES (1, 'x', ?) IF NOT EXISTS USING TTL 86400 "
      "AND TIMESTAMP 123");
  insert_stmt expected;
  expected.table = qn("ks", "t");
  expected.columns = {"k", "Value", "type"};
  expected.values = {integer("1"), str("x"), marker(0)};
  expected.if_not_exists = true;
  expected.using_.ttl = integer("86400");
  expected.using_.timestamp = integer("123");
  EXPECT_EQ(s, expected);
}

TEST(ParserInsert, Json) {
  const auto s = parse_as<insert_stmt>("INSERT INTO t JSON '{\"k\": 1}' DEFAULT UNSET");
  EXPECT_EQ(s.json, str("{\"k\": 1}"));
  EXPECT_TRUE(s.json_default_unset);
  EXPECT_TRUE(s.columns.empty());
  const auto null_default = parse_as<insert_stmt>("INSERT INTO t JSON ? DEFAULT NULL USING TTL ?");
  EXPECT_EQ(null_default.json, marker(0));
  EXPECT_FALSE(null_default.json_default_unset);
  EXPECT_EQ(null_default.using_.ttl, marker(1));
  EXPECT_EQ(parse_as<insert_stmt>("INSERT INTO t JSON :doc").json, marker(0, "doc"));
}

TEST(ParserUpdate, EveryAssignmentForm) {
  const auto s = parse_as<update_stmt>(
      "UPDATE t USING TIMESTAMP 5 SET a = 1, b = b + 2, l = [0] + l, c = c - 3, d += {1}, "
      "e -= {'x'}, m['k'] = 'v', u.street = 'Main', f = f -1, g = g 7 WHERE k = 0");
  using op = assignment::op;
  ASSERT_EQ(s.assignments.size(), 10u);
  const auto check = [&](std::size_t i, op kind, const std::string& column, const term& value) {
    EXPECT_EQ(s.assignments[i].kind, kind) << i;
    EXPECT_EQ(s.assignments[i].column, column) << i;
    EXPECT_EQ(s.assignments[i].value, value) << i;
  };
  check(0, op::set, "a", integer("1"));
  check(1, op::add, "b", integer("2"));
  check(2, op::prepend, "l", composite(term_kind::list, {integer("0")}));
  check(3, op::subtract, "c", integer("3"));
  check(4, op::add, "d", composite(term_kind::set, {integer("1")}));
  check(5, op::subtract, "e", composite(term_kind::set, {str("x")}));
  check(6, op::set_element, "m", str("v"));
  EXPECT_EQ(s.assignments[6].key, str("k"));
  check(7, op::set_field, "u", str("Main"));
  EXPECT_EQ(s.assignments[7].field, "street");
  // The lexer reads `f -1` as f and the integer -1; Cassandra still means subtraction.
  check(8, op::subtract, "f", integer("1"));
  check(9, op::add, "g", integer("7"));
  EXPECT_EQ(s.using_.timestamp, integer("5"));
  EXPECT_EQ(s.where, std::vector<relation>{rel("k", relation_op::eq, integer("0"))});
}

TEST(ParserUpdate, CounterIncrementAndDecrement) {
  const auto inc = parse_as<update_stmt>("UPDATE c SET n = n + 1 WHERE k = 1");
  EXPECT_EQ(inc.assignments[0].kind, assignment::op::add);
  const auto dec = parse_as<update_stmt>("UPDATE c SET n = n - 1 WHERE k = 1");
  EXPECT_EQ(dec.assignments[0].kind, assignment::op::subtract);
  EXPECT_EQ(dec.assignments[0].value, integer("1"));
  const auto negative = parse_as<update_stmt>("UPDATE c SET n = n + -1 WHERE k = 1");
  EXPECT_EQ(negative.assignments[0].kind, assignment::op::add);
  EXPECT_EQ(negative.assignments[0].value, integer("-1"));
}

TEST(ParserUpdate, Conditions) {
  const auto s = parse_as<update_stmt>(
      "UPDATE t SET v = 1 WHERE k = 1 IF v = 0 AND m['a'] != 'b' AND u.f IN (1, 2) AND w IN ? "
      "AND x > 3");
  ASSERT_EQ(s.conditions.size(), 5u);
  condition c0;
  c0.column = "v";
  c0.value = integer("0");
  EXPECT_EQ(s.conditions[0], c0);
  EXPECT_EQ(s.conditions[1].element, str("a"));
  EXPECT_EQ(s.conditions[1].op, relation_op::neq);
  EXPECT_EQ(s.conditions[2].field, "f");
  EXPECT_TRUE(s.conditions[2].in_list);
  EXPECT_EQ(s.conditions[2].in_values, (std::vector<term>{integer("1"), integer("2")}));
  EXPECT_EQ(s.conditions[3].op, relation_op::in);
  EXPECT_EQ(s.conditions[3].value, marker(0));
  EXPECT_EQ(s.conditions[4].op, relation_op::gt);
  EXPECT_FALSE(s.if_exists);
}

TEST(ParserUpdate, IfExistsAndAColumnNamedExists) {
  EXPECT_TRUE(parse_as<update_stmt>("UPDATE t SET v = 1 WHERE k = 1 IF EXISTS").if_exists);
  const auto column = parse_as<update_stmt>("UPDATE t SET v = 1 WHERE k = 1 IF exists = 2");
  EXPECT_FALSE(column.if_exists);
  ASSERT_EQ(column.conditions.size(), 1u);
  EXPECT_EQ(column.conditions[0].column, "exists");
}

TEST(ParserUpdate, OnlySelfReferencingArithmetic) {
  EXPECT_EQ(syntax_error_of("UPDATE t SET a = b + 1 WHERE k = 1"),
            "Only expressions of the form X = X +<value> are supported.");
  EXPECT_EQ(syntax_error_of("UPDATE t SET a = b - 1 WHERE k = 1"),
            "Only expressions of the form X = X -<value> are supported.");
  EXPECT_EQ(syntax_error_of("UPDATE t SET a = b -1 WHERE k = 1"),
            "Only expressions of the form X = X - <value> are supported.");
  EXPECT_EQ(syntax_error_of("UPDATE t SET a = [1] + b WHERE k = 1"),
            "Only expressions of the form X = <value> + X are supported.");
}

TEST(ParserUpdate, IncompatibleSettingsOfOneColumn) {
  EXPECT_EQ(syntax_error_of("UPDATE t SET a = 1, a = 2 WHERE k = 1"),
            "Multiple incompatible setting of column a");
  EXPECT_EQ(syntax_error_of("UPDATE t SET a = a + 1, a = 2 WHERE k = 1"),
            "Multiple incompatible setting of column a");
  EXPECT_EQ(syntax_error_of("UPDATE t SET u.f = 1, u.f = 2 WHERE k = 1"),
            "Multiple incompatible setting of column u");
  EXPECT_EQ(
      parse_as<update_stmt>("UPDATE t SET m['a'] = 1, m['b'] = 2 WHERE k = 1").assignments.size(),
      2u);
  EXPECT_EQ(parse_as<update_stmt>("UPDATE t SET u.f = 1, u.g = 2 WHERE k = 1").assignments.size(),
            2u);
}

TEST(ParserDelete, WholeRowAndSelections) {
  const auto whole =
      parse_as<delete_stmt>("DELETE FROM ks.t USING TIMESTAMP 9 WHERE k = 1 IF EXISTS");
  delete_stmt expected;
  expected.table = qn("ks", "t");
  expected.using_.timestamp = integer("9");
  expected.where = {rel("k", relation_op::eq, integer("1"))};
  expected.if_exists = true;
  EXPECT_EQ(whole, expected);

  const auto some = parse_as<delete_stmt>("DELETE a, m['k'], u.f FROM t WHERE k = 1 IF a = 2");
  ASSERT_EQ(some.columns.size(), 3u);
  EXPECT_EQ(some.columns[0], (deletion{"a", std::nullopt, ""}));
  EXPECT_EQ(some.columns[1], (deletion{"m", str("k"), ""}));
  EXPECT_EQ(some.columns[2], (deletion{"u", std::nullopt, "f"}));
  EXPECT_EQ(some.conditions.size(), 1u);
}

TEST(ParserDelete, TtlIsNotAllowed) {
  EXPECT_EQ(
      syntax_error_of("DELETE FROM t USING TTL 5 WHERE k = 1"),
      "line 1:20 mismatched input 'TTL' expecting K_TIMESTAMP (DELETE FROM t USING [TTL] 5...)");
}

TEST(ParserBatch, KindsChildrenAndMarkers) {
  const auto p = parsed(
      "BEGIN UNLOGGED BATCH USING TIMESTAMP ? "
      "INSERT INTO t (k, v) VALUES (?, ?); "
      "UPDATE t SET v = :v WHERE k = ? "
      "DELETE FROM t WHERE k = ?; "
      "APPLY BATCH;");
  const auto* b = std::get_if<batch_stmt>(&p.stmt);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->type, protocol::batch_type::unlogged);
  EXPECT_EQ(b->using_.timestamp, marker(0));
  ASSERT_EQ(b->statements.size(), 3u);
  const auto& insert = std::get<insert_stmt>(b->statements[0]);
  EXPECT_EQ(insert.values, (std::vector<term>{marker(1), marker(2)}));
  const auto& update = std::get<update_stmt>(b->statements[1]);
  EXPECT_EQ(update.assignments[0].value, marker(3, "v"));
  EXPECT_EQ(update.where[0].value, marker(4));
  EXPECT_EQ(std::get<delete_stmt>(b->statements[2]).where[0].value, marker(5));
  EXPECT_EQ(p.marker_names, (std::vector<std::string>{"", "", "", "v", "", ""}));
}

TEST(ParserBatch, LoggedCounterAndEmpty) {
  EXPECT_EQ(parse_as<batch_stmt>("BEGIN BATCH APPLY BATCH").type, protocol::batch_type::logged);
  const auto counter =
      parse_as<batch_stmt>("BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1 APPLY BATCH");
  EXPECT_EQ(counter.type, protocol::batch_type::counter);
  EXPECT_EQ(counter.statements.size(), 1u);
}

TEST(ParserBatch, OnlyModificationsInside) {
  EXPECT_EQ(syntax_error_of("BEGIN BATCH SELECT * FROM t APPLY BATCH"),
            "line 1:12 mismatched input 'SELECT' expecting K_APPLY (BEGIN BATCH [SELECT] *...)");
}

TEST(ParserTarget, TableOfEachStatement) {
  EXPECT_EQ(target_of(parsed("SELECT * FROM ks.t").stmt), qn("ks", "t"));
  EXPECT_EQ(target_of(parsed("INSERT INTO t (k) VALUES (1)").stmt), qn("", "t"));
  EXPECT_EQ(target_of(parsed("UPDATE t SET v = 1 WHERE k = 1").stmt), qn("", "t"));
  EXPECT_EQ(target_of(parsed("DELETE FROM t WHERE k = 1").stmt), qn("", "t"));
  EXPECT_EQ(target_of(parsed("TRUNCATE TABLE ks.t").stmt), qn("ks", "t"));
  EXPECT_EQ(target_of(parsed("CREATE TABLE t (k int PRIMARY KEY)").stmt), qn("", "t"));
  EXPECT_EQ(target_of(parsed("ALTER TABLE t ADD v int").stmt), qn("", "t"));
  EXPECT_EQ(target_of(parsed("DROP TABLE t").stmt), qn("", "t"));
  EXPECT_EQ(target_of(parsed("CREATE TYPE ks.addr (s text)").stmt), qn("ks", "addr"));
  EXPECT_EQ(target_of(parsed("DROP TYPE addr").stmt), qn("", "addr"));
  EXPECT_EQ(target_of(parsed("USE ks").stmt), std::nullopt);
  EXPECT_EQ(target_of(parsed("DROP KEYSPACE ks").stmt), std::nullopt);
  EXPECT_EQ(target_of(parsed("BEGIN BATCH APPLY BATCH").stmt), std::nullopt);
  EXPECT_EQ(target_of(parsed("CREATE INDEX ON t (v)").stmt), std::nullopt);
}

}  // namespace
}  // namespace cqlshift::sim
