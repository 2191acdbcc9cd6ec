// The parser on terms, types, bind markers and names.

#include "parser_test_support.hpp"

namespace cqlshift::sim {
namespace {

using namespace parser_test;

// The single value of `INSERT INTO t (v) VALUES (<text>)`.
term value_of(const std::string& text) {
  const auto s = parse_as<insert_stmt>("INSERT INTO t (v) VALUES (" + text + ")");
  return s.values.empty() ? term{} : s.values[0];
}

type_expr type_of(const std::string& text) {
  const auto s = parse_as<create_table_stmt>("CREATE TABLE t (k int PRIMARY KEY, v " + text + ")");
  return s.columns.size() < 2 ? type_expr{} : s.columns[1].type;
}

TEST(ParserTerms, Constants) {
  EXPECT_EQ(value_of("'it''s'"), str("it's"));
  EXPECT_EQ(value_of("$$a 'quoted' $ text$$"), str("a 'quoted' $ text"));
  EXPECT_EQ(value_of("-42"), integer("-42"));
  EXPECT_EQ(value_of("1.5e3"), lit(term_kind::floating, "1.5e3"));
  EXPECT_EQ(value_of("NaN"), lit(term_kind::floating, "NaN"));
  EXPECT_EQ(value_of("-NaN"), lit(term_kind::floating, "-NaN"));
  EXPECT_EQ(value_of("infinity"), lit(term_kind::floating, "Infinity"));
  EXPECT_EQ(value_of("-Infinity"), lit(term_kind::floating, "-Infinity"));
  EXPECT_EQ(value_of("TRUE"), lit(term_kind::boolean, "true"));
  EXPECT_EQ(value_of("false"), lit(term_kind::boolean, "false"));
  EXPECT_EQ(value_of("123e4567-e89b-12d3-a456-426614174000"),
            lit(term_kind::uuid, "123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_EQ(value_of("0xCAFE"), lit(term_kind::blob, "0xCAFE"));
  EXPECT_EQ(value_of("1h30m"), lit(term_kind::duration, "1h30m"));
  EXPECT_EQ(value_of("P1DT2H"), lit(term_kind::duration, "P1DT2H"));
  EXPECT_EQ(value_of("null"), null_term());
}

TEST(ParserTerms, MinusWrittenApartNegatesNumbers) {
  EXPECT_EQ(value_of("- 5"), integer("-5"));
  EXPECT_EQ(value_of("- 2.5"), lit(term_kind::floating, "-2.5"));
  EXPECT_EQ(value_of("- 1d"), lit(term_kind::duration, "-1d"));
  EXPECT_EQ(value_of("- -5"), integer("5"));
  EXPECT_EQ(value_of("- NaN"), lit(term_kind::floating, "-NaN"));
}

TEST(ParserTerms, MinusBeforeAMarkerOrParenthesesIsRejected) {
  EXPECT_EQ(syntax_error_of("INSERT INTO t (v) VALUES (-?)"),
            "line 1:27 no viable alternative at input '?'");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a = -(1)"),
            "line 1:27 no viable alternative at input '(' (... t WHERE a = -[(]1))");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a = -:m"),
            "line 1:27 no viable alternative at input ':'");
}

TEST(ParserTerms, Collections) {
  EXPECT_EQ(value_of("[1, 2]"), composite(term_kind::list, {integer("1"), integer("2")}));
  EXPECT_EQ(value_of("[]"), composite(term_kind::list, {}));
  EXPECT_EQ(value_of("{1, 2}"), composite(term_kind::set, {integer("1"), integer("2")}));
  EXPECT_EQ(value_of("{'a': 1, 'b': 2}"),
            composite(term_kind::map, {str("a"), integer("1"), str("b"), integer("2")}));
  EXPECT_EQ(value_of("{}"), composite(term_kind::map, {}));
  EXPECT_EQ(value_of("{[1]: {2}}"),
            composite(term_kind::map, {composite(term_kind::list, {integer("1")}),
                                       composite(term_kind::set, {integer("2")})}));
}

TEST(ParserTerms, UserTypeLiterals) {
  term expected = composite(term_kind::udt, {str("Main"), integer("1"), null_term()});
  expected.field_names = {"street", "Zip", "type"};
  EXPECT_EQ(value_of("{street: 'Main', \"Zip\": 1, type: null}"), expected);
  term repeated = composite(term_kind::udt, {integer("2")});
  repeated.field_names = {"a"};
  EXPECT_EQ(value_of("{a: 1, a: 2}"), repeated);
  // A quoted name before ':' is a field; a string is a map key.
  EXPECT_EQ(value_of("{'street': 'Main'}").kind, term_kind::map);
}

TEST(ParserTerms, TuplesFunctionsAndCasts) {
  EXPECT_EQ(value_of("(1, 'a')"), composite(term_kind::tuple, {integer("1"), str("a")}));
  EXPECT_EQ(value_of("(1)"), composite(term_kind::tuple, {integer("1")}));
  EXPECT_EQ(value_of("now()"), composite(term_kind::function, {}, "now"));
  EXPECT_EQ(
      value_of("toTimestamp(now())"),
      composite(term_kind::function, {composite(term_kind::function, {}, "now")}, "totimestamp"));
  EXPECT_EQ(value_of("system.uuid()"), composite(term_kind::function, {}, "uuid"));
  EXPECT_EQ(value_of("ks.f()"), composite(term_kind::function, {}, "ks.f"));
  EXPECT_EQ(value_of("\"MyFn\"(1, ?)"),
            composite(term_kind::function, {integer("1"), marker(0)}, "MyFn"));

  term cast = composite(term_kind::cast, {str("5")});
  cast.cast_type = {type("int")};
  EXPECT_EQ(value_of("(int) '5'"), cast);
  term nested = composite(term_kind::cast, {composite(term_kind::list, {integer("1")})});
  nested.cast_type = {frozen(type("list", {type("int")}))};
  EXPECT_EQ(value_of("(frozen<list<int>>) [1]"), nested);
  term cast_fn = composite(term_kind::function, {integer("1")}, "cast");
  cast_fn.cast_type = {type("text")};
  EXPECT_EQ(value_of("CAST(1 AS text)"), cast_fn);
  // (a) followed by no term is a tuple whose item must then be a term.
  EXPECT_EQ(syntax_error_of("INSERT INTO t (v) VALUES ((a))"),
            "line 1:27 no viable alternative at input 'a' (...t (v) VALUES (([a])))");
}

TEST(ParserTypes, EveryNativeType) {
  for (const char* name :
       {"ascii",  "bigint",    "blob",     "boolean", "counter", "date",     "decimal",
        "double", "duration",  "float",    "inet",    "int",     "smallint", "text",
        "time",   "timestamp", "timeuuid", "tinyint", "uuid",    "varchar",  "varint"}) {
    EXPECT_EQ(type_of(name), type(name)) << name;
  }
  EXPECT_EQ(type_of("TEXT"), type("text"));
}

TEST(ParserTypes, CollectionsTuplesFrozenAndUserTypes) {
  EXPECT_EQ(type_of("list<int>"), type("list", {type("int")}));
  EXPECT_EQ(type_of("set<frozen<list<text>>>"),
            type("set", {frozen(type("list", {type("text")}))}));
  EXPECT_EQ(type_of("map<text, frozen<map<int, blob>>>"),
            type("map", {type("text"), frozen(type("map", {type("int"), type("blob")}))}));
  EXPECT_EQ(type_of("tuple<int, text, tuple<uuid>>"),
            type("tuple", {type("int"), type("text"), type("tuple", {type("uuid")})}));
  EXPECT_EQ(type_of("frozen<address>"), frozen(type("address")));
  type_expr qualified = type("address");
  qualified.keyspace = "ks";
  EXPECT_EQ(type_of("ks.Address"), qualified);
  type_expr custom = type("org.apache.cassandra.db.marshal.BytesType");
  custom.custom = true;
  EXPECT_EQ(type_of("'org.apache.cassandra.db.marshal.BytesType'"), custom);
  // map and list are unreserved: without '<' they name a user type.
  EXPECT_EQ(type_of("list"), type("list"));
}

TEST(ParserTypes, Malformed) {
  EXPECT_EQ(syntax_error_of("CREATE TABLE t (k int PRIMARY KEY, v frozen<int>)"),
            "frozen<> is only allowed on collections, tuples, and user-defined types (got int)");
  EXPECT_EQ(syntax_error_of("CREATE TABLE t (k int PRIMARY KEY, v map<int>)"),
            "line 1:44 mismatched input '>' expecting ','");
  EXPECT_EQ(syntax_error_of("CREATE TABLE t (k int PRIMARY KEY, v list<int, int>)"),
            "line 1:45 mismatched input ',' expecting '>' (...PRIMARY KEY, v list<int[,] int...)");
  EXPECT_EQ(syntax_error_of("CREATE TABLE t (k int PRIMARY KEY, v set)"),
            "line 1:37 no viable alternative at input 'set'");
}

TEST(ParserMarkers, NumberedInSourceOrderEverywhere) {
  const auto p = parsed(
      "SELECT a, ? FROM t WHERE k = ? AND c IN (?, :x) AND d IN ? AND token(k) > ? "
      "PER PARTITION LIMIT ? LIMIT :lim");
  EXPECT_EQ(p.marker_names, (std::vector<std::string>{"", "", "", "x", "", "", "", "lim"}));
  const auto& s = std::get<select_stmt>(p.stmt);
  EXPECT_EQ(s.selections[1].expr.literal[0], marker(0));
  EXPECT_EQ(s.where[0].value, marker(1));
  EXPECT_EQ(s.where[1].in_values, (std::vector<term>{marker(2), marker(3, "x")}));
  EXPECT_EQ(s.where[2].value, marker(4));
  EXPECT_EQ(s.where[3].value, marker(5));
  EXPECT_EQ(s.per_partition_limit, marker(6));
  EXPECT_EQ(s.limit, marker(7, "lim"));
}

TEST(ParserMarkers, UsingClauseMarkersComeWhereTheyAreWritten) {
  const auto insert = parsed("INSERT INTO t (k, v) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?");
  EXPECT_EQ(std::get<insert_stmt>(insert.stmt).using_.timestamp, marker(3));
  const auto update = parsed("UPDATE t USING TIMESTAMP ? SET v = ? WHERE k = ? IF v = ?");
  const auto& u = std::get<update_stmt>(update.stmt);
  EXPECT_EQ(u.using_.timestamp, marker(0));
  EXPECT_EQ(u.assignments[0].value, marker(1));
  EXPECT_EQ(u.conditions[0].value, marker(3));
  EXPECT_EQ(update.marker_count(), 4u);
}

TEST(ParserMarkers, NamedForms) {
  const auto p =
      parsed("SELECT * FROM t WHERE a = :Name AND b = :\"Name\" AND c = : spaced AND d = ?");
  EXPECT_EQ(p.marker_names, (std::vector<std::string>{"name", "Name", "spaced", ""}));
  const auto& s = std::get<select_stmt>(p.stmt);
  EXPECT_EQ(s.where[2].value, marker(2, "spaced"));
  // In a map literal ':' separates key and value, also without spaces.
  EXPECT_EQ(value_of("{'k':now()}"),
            composite(term_kind::map, {str("k"), composite(term_kind::function, {}, "now")}));
  EXPECT_EQ(value_of("{:k : :v}"), composite(term_kind::map, {marker(0, "k"), marker(1, "v")}));
}

TEST(ParserNames, CaseFoldingAndQuoting) {
  const auto s = parse_as<select_stmt>(
      "SELECT MyCol, \"MyCol\", \"with \"\"quotes\"\"\" FROM \"MyKs\".MyTable WHERE \"\" = 1");
  EXPECT_EQ(s.table, qn("MyKs", "mytable"));
  EXPECT_EQ(s.selections[0].expr.name, "mycol");
  EXPECT_EQ(s.selections[1].expr.name, "MyCol");
  EXPECT_EQ(s.selections[2].expr.name, "with \"quotes\"");
  EXPECT_EQ(s.where[0].columns[0], "");  // the legacy empty name, in column references only
}

TEST(ParserNames, UnreservedKeywordsAreNames) {
  const auto s = parse_as<create_table_stmt>(
      "CREATE TABLE keys (key int PRIMARY KEY, type text, ttl int, writetime int, count int, "
      "value int, values int, timestamp int, json int, static int, filtering int, distinct int, "
      "cast int, date int, list int, map int, frozen int, default int, unset int, replace int, "
      "keyspaces int, exists int, contains int, as int, per int, partition int, group int)");
  EXPECT_EQ(s.table, qn("", "keys"));
  ASSERT_EQ(s.columns.size(), 27u);
  EXPECT_EQ(s.columns[1].name, "type");
  const auto select = parse_as<select_stmt>("SELECT ttl, writetime, count, type FROM t");
  EXPECT_EQ(select.selections[0].expr, column_selector("ttl"));
  EXPECT_EQ(select.selections[2].expr, column_selector("count"));
}

TEST(ParserNames, ReservedWordsAreNot) {
  for (const char* word :
       {"select",      "from",         "where",        "and",    "insert",    "update",   "with",
        "limit",       "using",        "use",          "set",    "begin",     "unlogged", "batch",
        "apply",       "truncate",     "delete",       "in",     "create",    "keyspace", "schema",
        "table",       "columnfamily", "materialized", "view",   "index",     "on",       "to",
        "drop",        "primary",      "into",         "alter",  "rename",    "add",      "order",
        "by",          "asc",          "desc",         "allow",  "if",        "is",       "not",
        "grant",       "of",           "revoke",       "modify", "authorize", "describe", "execute",
        "norecursive", "token",        "null",         "nan",    "infinity",  "or",       "entries",
        "full"}) {
    const std::string cql = std::string("CREATE TABLE t (") + word + " int PRIMARY KEY)";
    EXPECT_EQ(syntax_error_of(cql), std::string("line 1:16 no viable alternative at input '") +
                                        word + "' (CREATE TABLE t ([" + word + "] int...)")
        << word;
  }
  EXPECT_EQ(
      parse_as<create_table_stmt>("CREATE TABLE t (\"select\" int PRIMARY KEY)").columns[0].name,
      "select");
  // true and false are literals, not names.
  EXPECT_EQ(syntax_error_of("CREATE TABLE t (true int PRIMARY KEY)"),
            "line 1:16 no viable alternative at input 'true' (CREATE TABLE t ([true] int...)");
}

TEST(ParserNames, BindMarkersCannotNameTables) {
  EXPECT_EQ(syntax_error_of("SELECT * FROM ?"), "Bind variables cannot be used for table names");
  EXPECT_EQ(syntax_error_of("SELECT * FROM ?.t"),
            "Bind variables cannot be used for keyspace names");
  EXPECT_EQ(syntax_error_of("USE ?"), "Bind variables cannot be used for keyspace names");
}

}  // namespace
}  // namespace cqlshift::sim
