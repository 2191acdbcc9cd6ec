// The statement reader as the router relies on it (SPEC.md section 3): every kind, the target
// table as Cassandra names it, LWT detection, and above all that no write is ever read as a
// SELECT, whatever comments, case, quoting or literals surround it.

#include "cqlshift/cql/statement.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::cql {
namespace {

using k = statement_kind;

struct row {
  std::string_view cql;
  statement_kind kind;
  std::string_view keyspace = "";
  std::string_view table = "";
  bool conditional = false;
  bool select_json = false;
};

void expect_rows(const std::vector<row>& rows) {
  for (const row& r : rows) {
    SCOPED_TRACE(r.cql);
    const statement_info info = read_statement(r.cql);
    EXPECT_TRUE(info.lexed);
    EXPECT_EQ(to_string(info.kind), to_string(r.kind));
    EXPECT_EQ(info.target.keyspace, r.keyspace);
    EXPECT_EQ(info.target.table, r.table);
    EXPECT_EQ(info.conditional, r.conditional);
    EXPECT_EQ(info.select_json, r.select_json);
    EXPECT_EQ(info.use_keyspace, "");
  }
}

TEST(StatementKind, ToStringNamesEveryKind) {
  EXPECT_EQ(to_string(k::select), "select");
  EXPECT_EQ(to_string(k::insert), "insert");
  EXPECT_EQ(to_string(k::update), "update");
  EXPECT_EQ(to_string(k::delete_), "delete");
  EXPECT_EQ(to_string(k::batch), "batch");
  EXPECT_EQ(to_string(k::use), "use");
  EXPECT_EQ(to_string(k::create), "create");
  EXPECT_EQ(to_string(k::alter), "alter");
  EXPECT_EQ(to_string(k::drop), "drop");
  EXPECT_EQ(to_string(k::truncate), "truncate");
  EXPECT_EQ(to_string(k::dcl), "dcl");
  EXPECT_EQ(to_string(k::other), "other");
}

TEST(ReadStatement, Selects) {
  expect_rows({
      {"SELECT * FROM ks.t", k::select, "ks", "t"},
      {"SELECT * FROM t", k::select, "", "t"},
      {"select a, b from KS.Tbl where a = 1", k::select, "ks", "tbl"},
      {"SeLeCt * FrOm \"MyKs\".\"My\"\"Table\"", k::select, "MyKs", "My\"Table"},
      {"SELECT * FROM \"system\".local", k::select, "system", "local"},
      {"SELECT * FROM system.\"LOCAL\"", k::select, "system", "LOCAL"},
      {"SELECT * FROM ks . t", k::select, "ks", "t"},
      {"SELECT DISTINCT k FROM ks.t", k::select, "ks", "t"},
      {"SELECT count(*), max(v) AS m FROM t", k::select, "", "t"},
      {"SELECT CAST(v AS text), writetime(v), ttl(v), token(k) FROM t WHERE token(k) > ?",
       k::select, "", "t"},
      {"SELECT toJson(m), m['from'], l[0], u.field, s[1..3] FROM ks.t", k::select, "ks", "t"},
      {"SELECT (int) ?, now(), uuid() FROM system.local", k::select, "system", "local"},
      {"SELECT * FROM t WHERE k IN (1, 2) AND c > 'IF' ORDER BY c DESC LIMIT 10 ALLOW "
       "FILTERING",
       k::select, "", "t"},
      {"SELECT * FROM t WHERE k = :key AND c = :\"Col\" PER PARTITION LIMIT 1", k::select, "", "t"},
      {"SELECT peer, rpc_address FROM system.peers_v2;", k::select, "system", "peers_v2"},
      {"SELECT * FROM t;;;", k::select, "", "t"},
      {"SELECT k, v FROM t GROUP BY k", k::select, "", "t"},
  });
}

TEST(ReadStatement, SelectWithSaiAndVectorSyntax) {
  expect_rows({
      {"SELECT * FROM ks.docs WHERE body : 'word'", k::select, "ks", "docs"},
      {"SELECT * FROM ks.docs WHERE body:'word' AND n > 3", k::select, "ks", "docs"},
      {"SELECT id FROM ks.v ORDER BY emb ANN OF [0.1, 0.2, 0.3] LIMIT 5", k::select, "ks", "v"},
      {"SELECT id, similarity_cosine(emb, [1.0, 2.0]) FROM ks.v ORDER BY emb ANN OF ? LIMIT 3",
       k::select, "ks", "v"},
  });
}

// Shadow reads compare rows in order only when the query asks for an order.
TEST(ReadStatement, OrderBy) {
  EXPECT_TRUE(read_statement("SELECT * FROM ks.t WHERE k = 1 ORDER BY c DESC").ordered);
  EXPECT_TRUE(read_statement("select * from t where k = ? order   by c limit 5;").ordered);
  EXPECT_FALSE(read_statement("SELECT * FROM ks.t WHERE k = 1").ordered);
  EXPECT_FALSE(read_statement("SELECT \"order\", by FROM ks.t").ordered);
  EXPECT_FALSE(read_statement("SELECT * FROM ks.t WHERE v = 'ORDER BY'").ordered);
  EXPECT_FALSE(read_statement("SELECT * FROM ks.t -- ORDER BY c").ordered);
  EXPECT_FALSE(read_statement("DELETE FROM ks.t WHERE k = 1").ordered);
}

TEST(ReadStatement, SelectJson) {
  expect_rows({
      {"SELECT JSON * FROM ks.t", k::select, "ks", "t", false, true},
      {"select json a, b from t", k::select, "", "t", false, true},
      {"SELECT JSON DISTINCT k FROM t", k::select, "", "t", false, true},
      {"SELECT JSON json FROM t", k::select, "", "t", false, true},
      {"SELECT JSON as FROM t", k::select, "", "t", false, true},
      // json is also a column name: these select it.
      {"SELECT json FROM t", k::select, "", "t"},
      {"SELECT json, a FROM t", k::select, "", "t"},
      {"SELECT json AS j FROM t", k::select, "", "t"},
      {"SELECT json.field FROM t", k::select, "", "t"},
      {"SELECT \"JSON\" FROM t", k::select, "", "t"},
  });
}

TEST(ReadStatement, WhitespaceCommentsAndTerminators) {
  expect_rows({
      {"  \n\t SELECT * FROM t \r\n", k::select, "", "t"},
      {"-- read the users\nSELECT * FROM ks.users", k::select, "ks", "users"},
      {"// read\r\nSELECT * FROM ks.users", k::select, "ks", "users"},
      {"/* a\nmultiline */SELECT/**/*/**/FROM/* x */ks/**/./**/users/* trailing */", k::select,
       "ks", "users"},
      {"SELECT * FROM ks.users -- comment at the very end", k::select, "ks", "users"},
      {"SELECT * FROM ks.users; -- done", k::select, "ks", "users"},
      {"SELECT * -- FROM other.table\nFROM ks.users", k::select, "ks", "users"},
      {"SELECT a /* FROM wrong.one */ FROM ks.users", k::select, "ks", "users"},
  });
}

TEST(ReadStatement, Inserts) {
  expect_rows({
      {"INSERT INTO ks.t (k, v) VALUES (1, 'a')", k::insert, "ks", "t"},
      {"insert into T (k) values (?) USING TTL 10", k::insert, "", "t"},
      {"INSERT INTO \"Ks\".\"T\" (k) VALUES (1) IF NOT EXISTS", k::insert, "Ks", "T", true},
      {"INSERT INTO t JSON '{\"k\": 1, \"if\": 2}'", k::insert, "", "t"},
      {"INSERT INTO t JSON ? DEFAULT UNSET IF NOT EXISTS", k::insert, "", "t", true},
      {"INSERT INTO t (k, m) VALUES (1, {'IF': 'x'});", k::insert, "", "t"},
  });
}

TEST(ReadStatement, Updates) {
  expect_rows({
      {"UPDATE ks.t SET v = 1 WHERE k = 2", k::update, "ks", "t"},
      {"update t using ttl 5 and timestamp 7 set v = v + 1 where k = ?", k::update, "", "t"},
      {"UPDATE t SET m = m + {'a': 1}, l[0] = 'x' WHERE k = 1 IF EXISTS", k::update, "", "t", true},
      {"UPDATE t SET v = 2 WHERE k = 1 if v = 1", k::update, "", "t", true},
      {"UPDATE t SET v = 'IF' WHERE k = 1", k::update, "", "t"},
  });
}

TEST(ReadStatement, Deletes) {
  expect_rows({
      {"DELETE FROM ks.t WHERE k = 1", k::delete_, "ks", "t"},
      {"DELETE v, m['from'], l[1], u.f FROM t USING TIMESTAMP 9 WHERE k = 1", k::delete_, "", "t"},
      {"DELETE FROM t WHERE k = 1 IF EXISTS", k::delete_, "", "t", true},
      {"delete from t where k = 1 if v > 3 and w = 'a'", k::delete_, "", "t", true},
  });
}

TEST(ReadStatement, Batches) {
  expect_rows({
      {"BEGIN BATCH INSERT INTO t (k) VALUES (1); UPDATE t SET v = 1 WHERE k = 2; APPLY BATCH",
       k::batch},
      {"begin unlogged batch using timestamp 5 insert into t (k) values (1) apply batch;",
       k::batch},
      {"BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1; APPLY BATCH;", k::batch},
      {"BEGIN BATCH INSERT INTO t (k) VALUES (1) IF NOT EXISTS; APPLY BATCH", k::batch, "", "",
       true},
      {"BEGIN BATCH UPDATE t SET v = 1 WHERE k = 1 IF v = 0 APPLY BATCH", k::batch, "", "", true},
      {"BEGIN BATCH INSERT INTO t (k, v) VALUES (1, 'IF'); APPLY BATCH", k::batch},
  });
}

TEST(ReadStatement, UseKeepsTheKeyspaceAsStored) {
  const struct {
    std::string_view cql;
    std::string_view keyspace;
  } rows[] = {
      {"USE ks", "ks"},
      {"use MyKs;", "myks"},
      {"USE \"MyKs\"", "MyKs"},
      {"/* c */ USE \"a\"\"b\" -- c", "a\"b"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.cql);
    const statement_info info = read_statement(r.cql);
    EXPECT_EQ(info.kind, k::use);
    EXPECT_EQ(info.use_keyspace, r.keyspace);
    EXPECT_EQ(info.target, qualified_name{});
  }
}

TEST(ReadStatement, TruncateAndSchemaChanges) {
  expect_rows({
      {"TRUNCATE ks.t", k::truncate, "ks", "t"},
      {"TRUNCATE TABLE t", k::truncate, "", "t"},
      {"truncate columnfamily \"Ks\".t;", k::truncate, "Ks", "t"},
      {"CREATE KEYSPACE IF NOT EXISTS Ks WITH replication = {'class': 'SimpleStrategy', "
       "'replication_factor': 1}",
       k::create, "ks", ""},
      {"CREATE SCHEMA ks2 WITH replication = {}", k::create, "ks2", ""},
      {"CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY, v text) WITH comment = 'IF'", k::create,
       "ks", "t"},
      {"CREATE COLUMNFAMILY t (k int PRIMARY KEY)", k::create, "", "t"},
      {"CREATE MATERIALIZED VIEW ks.mv AS SELECT * FROM ks.t WHERE k IS NOT NULL PRIMARY KEY "
       "(k)",
       k::create, "ks", "mv"},
      {"CREATE INDEX ON ks.t (v)", k::create, "ks", "t"},
      {"CREATE INDEX IF NOT EXISTS idx ON t (v)", k::create, "", "t"},
      {"CREATE CUSTOM INDEX \"Idx\" ON ks.t (v) USING 'StorageAttachedIndex'", k::create, "ks",
       "t"},
      {"CREATE TYPE ks.addr (street text)", k::create},
      {"CREATE OR REPLACE FUNCTION ks.f (a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java "
       "AS $$ return a; $$",
       k::create},
      {"CREATE TRIGGER tr ON ks.t USING 'x'", k::create},
      {"ALTER TABLE ks.t ADD w int", k::alter, "ks", "t"},
      {"ALTER KEYSPACE ks WITH durable_writes = false", k::alter, "ks", ""},
      {"ALTER MATERIALIZED VIEW ks.mv WITH comment = 'x'", k::alter, "ks", "mv"},
      {"ALTER TYPE ks.addr ADD zip int", k::alter},
      {"DROP TABLE IF EXISTS ks.t", k::drop, "ks", "t"},
      {"DROP KEYSPACE ks", k::drop, "ks", ""},
      {"DROP MATERIALIZED VIEW IF EXISTS mv", k::drop, "", "mv"},
      {"DROP INDEX ks.idx", k::drop},
      {"DROP FUNCTION ks.f", k::drop},
  });
}

TEST(ReadStatement, RoleAndPermissionStatementsAreDcl) {
  expect_rows({
      {"CREATE ROLE IF NOT EXISTS r WITH PASSWORD = 'p' AND LOGIN = true", k::dcl},
      {"CREATE USER u WITH PASSWORD 'p' SUPERUSER", k::dcl},
      {"ALTER ROLE r WITH PASSWORD = 'q'", k::dcl},
      {"ALTER USER u WITH PASSWORD 'q'", k::dcl},
      {"DROP ROLE IF EXISTS r", k::dcl},
      {"DROP USER u", k::dcl},
      {"GRANT SELECT ON ks.t TO r", k::dcl},
      {"REVOKE MODIFY ON ALL KEYSPACES FROM r", k::dcl},
      {"LIST ROLES", k::dcl},
      {"LIST ALL PERMISSIONS OF r", k::dcl},
      {"ADD IDENTITY 'spiffe://x' TO ROLE 'r'", k::dcl},
      {"DROP IDENTITY 'spiffe://x'", k::dcl},
  });
}

TEST(ReadStatement, UnrecognisedIsOther) {
  expect_rows({
      {"", k::other},
      {"   -- only a comment", k::other},
      {";", k::other},
      {"; SELECT * FROM t", k::other},
      {"EXPLAIN SELECT * FROM t", k::other},
      {"FROM t SELECT *", k::other},
      {"t", k::other},
      {"ADD something", k::other},
  });
}

// SELECT goes to one cluster, so it must be certain. Each of these is not a read, or not
// only one, or not a statement we can vouch for.
TEST(ReadStatement, NeverReadsAWriteAsASelect) {
  const std::string_view writes[] = {
      "INSERT INTO t (k, v) VALUES (1, 'SELECT * FROM t')",
      "INSERT INTO t (k, v) VALUES (1, $$SELECT * FROM t$$)",
      "/* SELECT * FROM t */ UPDATE t SET v = 1 WHERE k = 1",
      "-- SELECT * FROM t\nUPDATE t SET v = 1 WHERE k = 1",
      "// SELECT * FROM t\rDELETE FROM t WHERE k = 1",
      "UPDATE t SET v = 'x' WHERE k = 1 -- ; SELECT * FROM t",
      "SELECT * FROM t; INSERT INTO t (k) VALUES (1)",
      "SELECT * FROM t; DELETE FROM t WHERE k = 1;",
      "SELECT * FROM t;; UPDATE t SET v = 1 WHERE k = 1",
      "BEGIN BATCH INSERT INTO t (k) VALUES (1); APPLY BATCH; SELECT * FROM t",
      "UPDATE \"SELECT\" SET v = 1 WHERE k = 1",
      "INSERT INTO select_log (q) VALUES ('select')",
      "INSERT INTO t JSON '{\"q\": \"SELECT * FROM system.local\"}'",
      "DELETE FROM t WHERE k = (SELECT)",
      "TRUNCATE selects",
      "\"SELECT\" * FROM t",
      "'SELECT' * FROM t",
      "SELECT * FROM t WHERE v = 'unterminated",
      "SELECT * FROM t /* unterminated comment",
      "SELECT * FROM \"unterminated",
      "SELECT * FROM t WHERE v = \x01",
      "\xEF\xBB\xBFSELECT * FROM t",  // a byte order mark Cassandra's lexer rejects too
      "SELECT",
      "SELECT *",
      "SELECT * FROM",
      "SELECT * FROM ;",
      "SELECT * FROM 42",
      "SELECT * FROM (t)",
      "SELECT count(*) FROM (SELECT * FROM t)",
      "SELECT (a FROM t",
  };
  for (std::string_view cql : writes) {
    SCOPED_TRACE(cql);
    EXPECT_NE(read_statement(cql).kind, k::select);
  }
}

TEST(ReadStatement, TextThatDoesNotLexIsOtherAndSaysSo) {
  for (std::string_view cql :
       {"SELECT * FROM t WHERE v = 'x", "SELECT * FROM t /* x", "SELECT * FROM t WHERE v = $$x",
        "SELECT _x FROM t", "INSERT INTO t (k) VALUES (1) !"}) {
    SCOPED_TRACE(cql);
    const statement_info info = read_statement(cql);
    EXPECT_FALSE(info.lexed);
    EXPECT_EQ(info.kind, k::other);
    EXPECT_EQ(info.target, qualified_name{});
    EXPECT_FALSE(info.conditional);
  }
}

TEST(ReadStatement, ConditionalOnlyForWrites) {
  // IF NOT EXISTS in DDL is not a lightweight transaction.
  EXPECT_FALSE(read_statement("CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY)").conditional);
  EXPECT_FALSE(read_statement("CREATE TYPE IF NOT EXISTS ks.a (s text)").conditional);
  EXPECT_FALSE(read_statement("DROP KEYSPACE IF EXISTS ks").conditional);
  EXPECT_FALSE(read_statement("CREATE ROLE IF NOT EXISTS r").conditional);
}

// Bounded work: inputs with many tokens are read in linear time (a quadratic reader would take
// minutes here) and a huge literal costs one token.
TEST(ReadStatement, LargeInputsStayCheap) {
  std::string many_semicolons = "SELECT * FROM t";
  many_semicolons.append(200'000, ';');
  EXPECT_EQ(read_statement(many_semicolons).kind, k::select);

  std::string deep = "SELECT * FROM t WHERE k IN ";
  deep.append(20'000, '(');
  deep.append(20'000, ')');
  EXPECT_EQ(read_statement(deep).kind, k::select);

  std::string select_list = "SELECT ";
  for (int i = 0; i < 20'000; ++i)
    select_list += "a, ";
  select_list += "b FROM ks.t";
  EXPECT_EQ(read_statement(select_list).target, (qualified_name{"ks", "t"}));

  std::string big_insert = "INSERT INTO t (k, v) VALUES (1, '";
  big_insert.append(10'000'000, 'x');
  big_insert += "') IF NOT EXISTS";
  const statement_info info = read_statement(big_insert);
  EXPECT_EQ(info.kind, k::insert);
  EXPECT_TRUE(info.conditional);

  std::string unclosed = "SELECT ";
  unclosed.append(100'000, '(');
  unclosed += " FROM t";
  EXPECT_EQ(read_statement(unclosed).kind, k::other);
}

}  // namespace
}  // namespace cqlshift::cql
