// The parser's syntax errors (worded and positioned as Cassandra 4.x's ANTLR parser words them),
// its depth limits, and hostile input.

#include "parser_test_support.hpp"

#include <cstdint>
#include <random>

namespace cqlshift::sim {
namespace {

using namespace parser_test;

TEST(ParserErrors, NoViableAlternativeWithSnippet) {
  EXPECT_EQ(syntax_error_of("SELEC * FROM t"),
            "line 1:0 no viable alternative at input 'SELEC' ([SELEC] *...)");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a = 1 AND b = = 2"),
            "line 1:36 no viable alternative at input '=' (...= 1 AND b = [=] 2)");
}

TEST(ParserErrors, MismatchedInputNamesTheExpectedToken) {
  EXPECT_EQ(syntax_error_of("SELECT * FORM t"),
            "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] t)");
  EXPECT_EQ(
      syntax_error_of("INSERT INTO t (a) VALUE (1)"),
      "line 1:18 mismatched input 'VALUE' expecting K_VALUES (INSERT INTO t (a) [VALUE] (...)");
  EXPECT_EQ(syntax_error_of("CREATE KEYSPACE my-project WITH replication = {}"),
            "line 1:18 mismatched input '-' expecting K_WITH (CREATE KEYSPACE my[-]project ...)");
}

TEST(ParserErrors, TrailingInputExpectsEof) {
  // Cassandra 4 reports this as a mismatch (3.x said "missing EOF at").
  EXPECT_EQ(syntax_error_of("SELECT * FROM t garbage"),
            "line 1:16 mismatched input 'garbage' expecting EOF");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t; SELECT * FROM u"),
            "line 1:17 mismatched input 'SELECT' expecting EOF (SELECT * FROM t; [SELECT] *...)");
  // Any number of trailing semicolons is fine.
  EXPECT_TRUE(parse("SELECT * FROM t;;").has_value());
}

TEST(ParserErrors, AtTheEndOfTheTextAnAntlrEofHasNoPosition) {
  EXPECT_EQ(syntax_error_of(""), "line 0:-1 no viable alternative at input '<EOF>'");
  EXPECT_EQ(syntax_error_of("SELECT * FROM"), "line 0:-1 no viable alternative at input '<EOF>'");
  EXPECT_EQ(syntax_error_of("SELECT *"), "line 0:-1 mismatched input '<EOF>' expecting K_FROM");
  EXPECT_EQ(syntax_error_of("INSERT INTO t (a) VALUES (1"),
            "line 0:-1 mismatched input '<EOF>' expecting ')'");
}

TEST(ParserErrors, LinesAndColumns) {
  // Cassandra's snippet joins the lines it shows without separators.
  EXPECT_EQ(syntax_error_of("SELECT *\nFROM t\nWHERE a = = 1"),
            "line 3:10 no viable alternative at input '=' (...FROM tWHERE a = [=] 1)");
  // Columns count characters, not bytes.
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a = 'é' b").substr(0, 10), "line 1:30 ");
}

TEST(ParserErrors, TokensShowTheirText) {
  EXPECT_EQ(syntax_error_of("INSERT INTO t (a) VALUES ('x' 'y')"),
            "line 1:30 mismatched input 'y' expecting ')'");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a = :select"),
            "line 1:26 no viable alternative at input ':'");
  EXPECT_EQ(syntax_error_of("CREATE TABLE t (\"\" int PRIMARY KEY)"),
            "line 1:16 no viable alternative at input '\"\"' (CREATE TABLE t ([\"\"] int...)");
}

TEST(ParserErrors, LexerErrors) {
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a = 'abc"),
            "line 1:30 mismatched character '<EOF>' expecting '''");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a = $$abc"),
            "line 1:30 mismatched character 'c' expecting '$'");
  EXPECT_EQ(syntax_error_of("SELECT \"abc FROM t"),
            "line 1:18 mismatched character '<EOF>' expecting '\"'");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t /* x"),
            "line 1:20 mismatched character '<EOF>' expecting '*'");
  EXPECT_EQ(syntax_error_of("SELECT @ FROM t"), "line 1:7 no viable alternative at character '@'");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t WHERE a ! 1"),
            "line 1:25 mismatched character ' ' expecting '='");
  EXPECT_EQ(syntax_error_of("SELECT * FROM t\n@"),
            "line 2:0 no viable alternative at character '@'");
}

TEST(ParserErrors, TheFirstErrorInTheTextWins) {
  // The parser fails before it reaches the unterminated string...
  EXPECT_EQ(syntax_error_of("SELEC * FROM t WHERE a = 'abc"),
            "line 1:0 no viable alternative at input 'SELEC' ([SELEC] *...)");
  // ...and a statement complete before a bad character still fails on it.
  EXPECT_EQ(syntax_error_of("SELECT * FROM t @"),
            "line 1:16 no viable alternative at character '@'");
}

TEST(ParserErrors, Comments) {
  const auto s = parse_as<select_stmt>("SELECT /* all */ * -- columns\nFROM t // the table");
  EXPECT_TRUE(s.star);
  EXPECT_EQ(syntax_error_of("SELECT /* c */ * FORM t"),
            "line 1:17 mismatched input 'FORM' expecting K_FROM (SELECT /* c */ * [FORM] t)");
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

TEST(ParserDepth, TermsNestUpTo64Levels) {
  // The value term and 63 lists around a literal: 64 levels.
  EXPECT_TRUE(parse("INSERT INTO t (v) VALUES (" + repeat("[", 63) + "1" + repeat("]", 63) + ")"));
  const std::string too_deep =
      "INSERT INTO t (v) VALUES (" + repeat("[", 64) + "1" + repeat("]", 64) + ")";
  const std::string message = syntax_error_of(too_deep);
  EXPECT_NE(message.find("nesting deeper than 64 levels at input '1'"), std::string::npos)
      << message;
  EXPECT_EQ(message.substr(0, 10), "line 1:90 ");
}

TEST(ParserDepth, TypesSelectorsAndRelationsAreBounded) {
  EXPECT_TRUE(parse("CREATE TABLE t (k int PRIMARY KEY, v " + repeat("frozen<list<", 31) + "int" +
                    repeat(">>", 31) + ")"));
  const std::string deep_type = "CREATE TABLE t (k int PRIMARY KEY, v " +
                                repeat("frozen<list<", 40) + "int" + repeat(">>", 40) + ")";
  EXPECT_NE(syntax_error_of(deep_type).find("nesting deeper than 64"), std::string::npos);
  const std::string deep_selector =
      "SELECT " + repeat("f(", 100) + "a" + repeat(")", 100) + " FROM t";
  EXPECT_NE(syntax_error_of(deep_selector).find("nesting deeper than 64"), std::string::npos);
  const std::string deep_relation =
      "SELECT * FROM t WHERE " + repeat("(", 100) + "a = 1" + repeat(")", 100);
  EXPECT_NE(syntax_error_of(deep_relation).find("nesting deeper than 64"), std::string::npos);
}

TEST(ParserDepth, HostileNestingNeverExhaustsTheStack) {
  // Deep enough to overflow an 8 MiB stack were recursion not bounded.
  const auto deep = parse("INSERT INTO t (v) VALUES (" + repeat("[", 100000));
  ASSERT_FALSE(deep.has_value());
  EXPECT_NE(deep.error().message.find("nesting deeper than 64"), std::string::npos);
  for (const char* open : {"{", "(", "(int)", "now(", "{a:", "{1:", "CAST("}) {
    const auto r = parse("INSERT INTO t (v) VALUES (" + repeat(open, 5000));
    ASSERT_FALSE(r.has_value()) << open;
    EXPECT_NE(r.error().message.find("nesting deeper than 64"), std::string::npos) << open;
  }
  EXPECT_FALSE(parse("SELECT * FROM t WHERE " + repeat("(", 5000)).has_value());
  EXPECT_FALSE(parse("SELECT JSON DISTINCT " + repeat("f(", 5000)).has_value());
  EXPECT_FALSE(parse("CREATE TYPE x (a " + repeat("tuple<", 5000)).has_value());
}

// Statements assembled from CQL's own vocabulary, and random bytes: whatever comes in, parse()
// answers with a statement or an error carrying a message, and never crashes (the sanitizer
// build checks the memory side).
TEST(ParserRobustness, GarbageNeverCrashes) {
  static const char* const words[] = {
      "SELECT", "INSERT", "UPDATE",   "DELETE",    "BEGIN",  "BATCH",  "APPLY", "FROM",
      "WHERE",  "AND",    "IN",       "(",         ")",      "[",      "]",     "{",
      "}",      ",",      ";",        ":",         ".",      "=",      "+",     "-",
      "<",      ">=",     "?",        ":m",        "'s'",    "1",      "-1",    "1.5",
      "NaN",    "-",      "Infinity", "null",      "true",   "0x0f",   "1h",    "a",
      "\"Q\"",  "t",      "ks",       "INTO",      "VALUES", "SET",    "IF",    "EXISTS",
      "NOT",    "USING",  "TTL",      "TIMESTAMP", "LIMIT",  "CREATE", "TABLE", "KEYSPACE",
      "TYPE",   "WITH",   "PRIMARY",  "KEY",       "frozen", "<",      ">",     "list",
      "map",    "int",    "CONTAINS", "token",     "count",  "*",      "JSON",  "DISTINCT",
      "AS",     "CAST",   "ORDER",    "BY",        "DESC",   "ALTER",  "ADD",   "DROP",
      "RENAME", "TO"};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(words) - 1);
  std::uniform_int_distribution<int> length(0, 30);
  for (int i = 0; i < 5000; ++i) {
    std::string cql;
    const int n = length(rng);
    for (int j = 0; j < n; ++j) {
      cql += words[pick(rng)];
      cql += ' ';
    }
    const auto r = parse(cql);
    if (!r) {
      EXPECT_FALSE(r.error().message.empty()) << cql;
      EXPECT_TRUE(r.error().code == protocol::error_code::syntax_error ||
                  r.error().code == protocol::error_code::invalid)
          << cql;
    }
  }
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 5000; ++i) {
    std::string cql = "SELECT ";
    const int n = length(rng);
    for (int j = 0; j < n; ++j)
      cql += static_cast<char>(byte(rng));
    const auto r = parse(cql);
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace cqlshift::sim
