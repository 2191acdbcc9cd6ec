// The parser on USE, TRUNCATE and schema statements, and on the statements cqlsim only names.

#include "parser_test_support.hpp"

namespace cqlshift::sim {
namespace {

using namespace parser_test;

term string_map(std::vector<std::pair<std::string, std::string>> entries) {
  term m = lit(term_kind::map, "");
  for (auto& [k, v] : entries) {
    m.items.push_back(str(k));
    m.items.push_back(str(v));
  }
  return m;
}

TEST(ParserDdl, Use) {
  EXPECT_EQ(parse_as<use_stmt>("USE ks").keyspace, "ks");
  EXPECT_EQ(parse_as<use_stmt>("use \"MyKs\";").keyspace, "MyKs");
  EXPECT_EQ(parse_as<use_stmt>("USE MyKs").keyspace, "myks");
}

TEST(ParserDdl, CreateKeyspace) {
  const auto s = parse_as<create_keyspace_stmt>(
      "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', "
      "'replication_factor': '1'} AND durable_writes = false");
  create_keyspace_stmt expected;
  expected.keyspace = "ks";
  expected.if_not_exists = true;
  term replication = string_map({{"class", "SimpleStrategy"}});
  replication.items.push_back(str("replication_factor"));
  replication.items.push_back(str("1"));
  expected.properties = {{"replication", replication},
                         {"durable_writes", lit(term_kind::boolean, "false")}};
  EXPECT_EQ(s, expected);
  // SCHEMA is a spelling of KEYSPACE; numbers are property values too.
  const auto schema = parse_as<create_keyspace_stmt>(
      "CREATE SCHEMA s WITH REPLICATION = {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
  EXPECT_EQ(schema.properties[0].name, "replication");
  EXPECT_EQ(schema.properties[0].value.items[3], integer("3"));
}

TEST(ParserDdl, AlterAndDropKeyspace) {
  const auto alter = parse_as<alter_keyspace_stmt>("ALTER KEYSPACE ks WITH durable_writes = true");
  EXPECT_EQ(alter.keyspace, "ks");
  EXPECT_EQ(alter.properties[0].value, lit(term_kind::boolean, "true"));
  const auto drop = parse_as<drop_keyspace_stmt>("DROP KEYSPACE IF EXISTS ks");
  EXPECT_EQ(drop, (drop_keyspace_stmt{"ks", true}));
  EXPECT_EQ(parse_as<drop_keyspace_stmt>("DROP SCHEMA ks"), (drop_keyspace_stmt{"ks", false}));
}

TEST(ParserDdl, PropertyMapsHoldOnlyConstants) {
  EXPECT_EQ(syntax_error_of("CREATE KEYSPACE ks WITH replication = {'class': ?}"),
            "Invalid property value: ? for property: 'class' (bind variables are not supported "
            "in DDL queries)");
  EXPECT_EQ(syntax_error_of("CREATE KEYSPACE ks WITH replication = {now(): 'x'}"),
            "Invalid property name: now()");
  EXPECT_EQ(syntax_error_of("CREATE KEYSPACE ks WITH replication = {'a': '1', 'a': '2'}"),
            "Multiple definition for property a");
  EXPECT_EQ(syntax_error_of("CREATE KEYSPACE ks WITH durable_writes = true AND "
                            "durable_writes = false"),
            "Multiple definition for property durable_writes");
}

TEST(ParserDdl, CreateTableWithCompoundKeyAndOptions) {
  const auto s = parse_as<create_table_stmt>(
      "CREATE TABLE IF NOT EXISTS ks.events (tenant text, day date, ts timeuuid, seq int, "
      "payload blob, owner text STATIC, PRIMARY KEY ((tenant, day), ts, seq)) WITH CLUSTERING "
      "ORDER BY (ts DESC, seq ASC) AND comment = 'c' AND gc_grace_seconds = 0 AND "
      "compaction = {'class': 'LeveledCompactionStrategy'}");
  create_table_stmt expected;
  expected.table = qn("ks", "events");
  expected.if_not_exists = true;
  expected.columns = {
      {"tenant", type("text"), false, false},  {"day", type("date"), false, false},
      {"ts", type("timeuuid"), false, false},  {"seq", type("int"), false, false},
      {"payload", type("blob"), false, false}, {"owner", type("text"), true, false}};
  expected.partition_key = {"tenant", "day"};
  expected.clustering = {"ts", "seq"};
  expected.clustering_order = {{"ts", true}, {"seq", false}};
  expected.properties = {{"comment", str("c")},
                         {"gc_grace_seconds", integer("0")},
                         {"compaction", string_map({{"class", "LeveledCompactionStrategy"}})}};
  EXPECT_EQ(s, expected);
}

TEST(ParserDdl, CreateTableSingleKeyForms) {
  const auto inline_key = parse_as<create_table_stmt>("CREATE TABLE t (k int PRIMARY KEY, v text)");
  EXPECT_TRUE(inline_key.columns[0].primary_key);
  EXPECT_EQ(inline_key.partition_key, std::vector<std::string>{"k"});
  EXPECT_TRUE(inline_key.clustering.empty());
  const auto simple = parse_as<create_table_stmt>(
      "CREATE COLUMNFAMILY t (k int, c int, v int, PRIMARY KEY (k, c),) WITH COMPACT STORAGE");
  EXPECT_EQ(simple.partition_key, std::vector<std::string>{"k"});
  EXPECT_EQ(simple.clustering, std::vector<std::string>{"c"});
  EXPECT_TRUE(simple.compact_storage);
}

TEST(ParserDdl, CreateTableRejectsWhatCassandraRejectsWhileParsing) {
  const cql_error twice = failure("CREATE TABLE ks.t (k int PRIMARY KEY, v int, PRIMARY KEY (v))");
  EXPECT_EQ(twice.code, protocol::error_code::invalid);
  EXPECT_EQ(twice.message,
            "Multiple PRIMARY KEY specified for table 'ks.t' (exactly one required)");
  const cql_error duplicate = failure("CREATE TABLE t (k int PRIMARY KEY, k text)");
  EXPECT_EQ(duplicate.code, protocol::error_code::invalid);
  EXPECT_EQ(duplicate.message, "Duplicate column 'k' declaration for table 't'");
  EXPECT_EQ(failure("CREATE TABLE t (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY "
                    "(c ASC, c DESC)")
                .message,
            "Duplicate column 'c' in CLUSTERING ORDER BY clause for table 't'");
}

TEST(ParserDdl, AlterTableActions) {
  using action = alter_table_stmt::action;
  const auto add = parse_as<alter_table_stmt>("ALTER TABLE ks.t ADD v list<int>");
  EXPECT_EQ(add.what, action::add);
  EXPECT_EQ(add.table, qn("ks", "t"));
  EXPECT_EQ(add.added,
            (std::vector<column_definition>{{"v", type("list", {type("int")}), false, false}}));
  const auto add_many = parse_as<alter_table_stmt>("ALTER TABLE t ADD (a int, b text static)");
  ASSERT_EQ(add_many.added.size(), 2u);
  EXPECT_TRUE(add_many.added[1].is_static);
  const auto drop = parse_as<alter_table_stmt>("ALTER TABLE t DROP v");
  EXPECT_EQ(drop.what, action::drop);
  EXPECT_EQ(drop.dropped, std::vector<std::string>{"v"});
  EXPECT_EQ(parse_as<alter_table_stmt>("ALTER TABLE t DROP (a, b)").dropped,
            (std::vector<std::string>{"a", "b"}));
  const auto rename = parse_as<alter_table_stmt>("ALTER TABLE t RENAME a TO b AND c TO d");
  EXPECT_EQ(rename.what, action::rename);
  EXPECT_EQ(rename.renamed,
            (std::vector<std::pair<std::string, std::string>>{{"a", "b"}, {"c", "d"}}));
  const auto retype = parse_as<alter_table_stmt>("ALTER TABLE t ALTER v TYPE blob");
  EXPECT_EQ(retype.what, action::alter_type);
  EXPECT_EQ(retype.retyped, (std::vector<column_definition>{{"v", type("blob"), false, false}}));
  const auto with = parse_as<alter_table_stmt>("ALTER TABLE IF EXISTS t WITH comment = 'x'");
  EXPECT_EQ(with.what, action::with);
  EXPECT_TRUE(with.if_exists);
  EXPECT_EQ(with.properties, (std::vector<property>{{"comment", str("x")}}));
}

TEST(ParserDdl, DropTableTruncateAndTypes) {
  EXPECT_EQ(parse_as<drop_table_stmt>("DROP TABLE IF EXISTS ks.t"),
            (drop_table_stmt{qn("ks", "t"), true}));
  EXPECT_EQ(parse_as<truncate_stmt>("TRUNCATE t").table, qn("", "t"));
  EXPECT_EQ(parse_as<truncate_stmt>("TRUNCATE COLUMNFAMILY ks.t").table, qn("ks", "t"));
  const auto type_stmt = parse_as<create_type_stmt>(
      "CREATE TYPE IF NOT EXISTS ks.address (street text, \"Zip\" int, tags frozen<set<text>>,)");
  create_type_stmt expected;
  expected.type = qn("ks", "address");
  expected.if_not_exists = true;
  expected.fields = {{"street", type("text")},
                     {"Zip", type("int")},
                     {"tags", frozen(type("set", {type("text")}))}};
  EXPECT_EQ(type_stmt, expected);
  EXPECT_EQ(parse_as<drop_type_stmt>("DROP TYPE IF EXISTS address"),
            (drop_type_stmt{qn("", "address"), true}));
}

TEST(ParserDdl, ReservedUserTypeNames) {
  EXPECT_EQ(syntax_error_of("CREATE TYPE byte (a int)"), "Invalid (reserved) user type name byte");
  // Native type names are keywords, not user type names.
  EXPECT_EQ(syntax_error_of("CREATE TYPE int (a int)"),
            "line 1:12 no viable alternative at input 'int' (CREATE TYPE [int] (...)");
}

TEST(ParserUnsupported, RecognisedStatements) {
  const std::pair<const char*, const char*> cases[] = {
      {"CREATE INDEX ON t (v)", "CREATE INDEX"},
      {"CREATE CUSTOM INDEX i ON t (v) USING 'org.apache.cassandra.index.sasi.SASIIndex'",
       "CREATE INDEX"},
      {"DROP INDEX ks.i", "DROP INDEX"},
      {"CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE k IS NOT NULL PRIMARY KEY (k)",
       "CREATE MATERIALIZED VIEW"},
      {"ALTER MATERIALIZED VIEW v WITH comment = 'x'", "ALTER MATERIALIZED VIEW"},
      {"DROP MATERIALIZED VIEW v", "DROP MATERIALIZED VIEW"},
      {"CREATE OR REPLACE FUNCTION f (a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS "
       "'return a;'",
       "CREATE FUNCTION"},
      {"CREATE FUNCTION f () RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS $$x$$",
       "CREATE FUNCTION"},
      {"DROP FUNCTION f", "DROP FUNCTION"},
      {"CREATE AGGREGATE a (int) SFUNC f STYPE int", "CREATE AGGREGATE"},
      {"DROP AGGREGATE a", "DROP AGGREGATE"},
      {"CREATE TRIGGER tr ON t USING 'x'", "CREATE TRIGGER"},
      {"DROP TRIGGER tr ON t", "DROP TRIGGER"},
      {"ALTER TYPE address ADD zip int", "ALTER TYPE"},
      {"CREATE ROLE r WITH PASSWORD = 'p' AND LOGIN = true", "CREATE ROLE"},
      {"ALTER ROLE r WITH SUPERUSER = false", "ALTER ROLE"},
      {"DROP ROLE r", "DROP ROLE"},
      {"CREATE USER u WITH PASSWORD 'p' NOSUPERUSER", "CREATE USER"},
      {"ALTER USER u WITH PASSWORD 'q'", "ALTER USER"},
      {"DROP USER u", "DROP USER"},
      {"GRANT SELECT ON KEYSPACE ks TO r", "GRANT"},
      {"REVOKE ALL PERMISSIONS ON ALL KEYSPACES FROM r", "REVOKE"},
      {"LIST ROLES", "LIST ROLES"},
      {"LIST USERS", "LIST USERS"},
      {"LIST ALL PERMISSIONS OF r", "LIST PERMISSIONS"},
      {"LIST SELECT ON ks.t", "LIST PERMISSIONS"},
      {"DESCRIBE KEYSPACES", "DESCRIBE"},
  };
  for (const auto& [cql, what] : cases) {
    EXPECT_EQ(parse_as<unsupported_stmt>(cql).what, what) << cql;
  }
}

TEST(ParserUnsupported, StillNeedsAKnownSecondWord) {
  EXPECT_EQ(syntax_error_of("CREATE THING x"),
            "line 1:7 no viable alternative at input 'THING' (CREATE [THING] x)");
  // The snippet would end at ANTLR's EOF token, which has no position: Cassandra omits it.
  EXPECT_EQ(syntax_error_of("LIST THINGS"), "line 1:5 no viable alternative at input 'THINGS'");
}

}  // namespace
}  // namespace cqlshift::sim
