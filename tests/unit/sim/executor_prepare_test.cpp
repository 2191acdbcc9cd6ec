// prepare(): bind variable metadata, pk_indices, result metadata, errors at prepare time;
// and the statement kinds that are not DML (USE, DDL, unsupported).

#include "executor_test_support.hpp"

namespace cqlshift::sim::testing {
namespace {

class ExecutorPrepare : public executor_test {
 protected:
  void SetUp() override {
    executor_test::SetUp();
    ok("CREATE TABLE t (k int, c int, v text, l list<int>, m map<text, int>, "
       "PRIMARY KEY (k, c))");
    ok("CREATE TABLE composite (a int, b text, v int, PRIMARY KEY ((a, b)))");
  }

  prepared_statement prepared(std::string_view cql) {
    auto p = db.prepare(cql, session);
    EXPECT_TRUE(p.has_value()) << cql << " -> " << (p.has_value() ? "" : p.error().message);
    return p.has_value() ? *p : prepared_statement{};
  }

  static strings variable_names(const prepared_statement& p) {
    strings out;
    for (const auto& c : p.variables.columns) out.push_back(c.name);
    return out;
  }
};

TEST_F(ExecutorPrepare, InsertVariablesAreTheColumns) {
  auto p = prepared("INSERT INTO t (k, c, v) VALUES (?, ?, ?) USING TTL ? AND TIMESTAMP ?");
  EXPECT_EQ(variable_names(p), (strings{"k", "c", "v", "[ttl]", "[timestamp]"}));
  EXPECT_EQ(p.variables.columns[2].type.id, protocol::type_id::varchar);
  EXPECT_EQ(p.variables.columns[3].type.id, protocol::type_id::int_);
  EXPECT_EQ(p.variables.columns[4].type.id, protocol::type_id::bigint);
  EXPECT_EQ(p.variables.columns[0].keyspace, "ks");
  EXPECT_EQ(p.variables.columns[0].table, "t");
  EXPECT_TRUE(p.variables.global_table_spec);
  EXPECT_EQ(p.variables.pk_indices, std::vector<std::uint16_t>{0});
  EXPECT_TRUE(p.result_metadata.columns.empty());
}

TEST_F(ExecutorPrepare, SelectVariablesAndResultMetadata) {
  auto p = prepared("SELECT v, c FROM t WHERE k = ? AND c IN ? LIMIT ?");
  EXPECT_EQ(variable_names(p), (strings{"k", "in(c)", "[limit]"}));
  EXPECT_EQ(p.variables.columns[1].type, protocol::data_type::list_of(
                                             protocol::data_type::of(protocol::type_id::int_)));
  EXPECT_EQ(p.variables.pk_indices, std::vector<std::uint16_t>{0});
  ASSERT_EQ(p.result_metadata.columns.size(), 2U);
  EXPECT_EQ(p.result_metadata.columns[0].name, "v");
  EXPECT_EQ(p.result_metadata.column_count, 2);
  EXPECT_TRUE(p.result_metadata.global_table_spec);
}

TEST_F(ExecutorPrepare, PerPartitionLimitAndTokenVariables) {
  auto p = prepared("SELECT * FROM t WHERE token(k) > ? PER PARTITION LIMIT ?");
  EXPECT_EQ(variable_names(p), (strings{"partition key token", "[per_partition_limit]"}));
  EXPECT_EQ(p.variables.columns[0].type.id, protocol::type_id::bigint);
  EXPECT_TRUE(p.variables.pk_indices.empty());
}

TEST_F(ExecutorPrepare, CollectionElementVariables) {
  auto p = prepared("UPDATE t SET m[?] = ?, l[?] = ? WHERE k = ? AND c = ?");
  EXPECT_EQ(variable_names(p), (strings{"key(m)", "value(m)", "idx(l)", "value(l)", "k", "c"}));
  EXPECT_EQ(p.variables.columns[0].type.id, protocol::type_id::varchar);
  EXPECT_EQ(p.variables.columns[1].type.id, protocol::type_id::int_);
  EXPECT_EQ(p.variables.pk_indices, std::vector<std::uint16_t>{4});
}

TEST_F(ExecutorPrepare, CompositePartitionKeyIndices) {
  auto p = prepared("SELECT * FROM composite WHERE b = ? AND a = ?");
  EXPECT_EQ(p.variables.pk_indices, (std::vector<std::uint16_t>{1, 0}));
}

TEST_F(ExecutorPrepare, NamedMarkersUseTheirNames) {
  auto p = prepared("SELECT * FROM t WHERE k = :key AND c = :clust");
  EXPECT_EQ(variable_names(p), (strings{"key", "clust"}));
}

TEST_F(ExecutorPrepare, CastMarkersTakeTheHintedType) {
  ok("CREATE TABLE events (k int PRIMARY KEY, id timeuuid, u uuid, ts timestamp)");
  auto p = prepared("UPDATE events SET id = (timeuuid)?, u = (timeuuid):named, "
                    "ts = toTimestamp((timeuuid)?) WHERE k = (int)?");
  EXPECT_EQ(variable_names(p), (strings{"(timeuuid)?", "named", "(timeuuid)?", "(int)?"}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(p.variables.columns[i].type.id, protocol::type_id::timeuuid) << i;
  }
  EXPECT_EQ(p.variables.columns[3].type.id, protocol::type_id::int_);
  EXPECT_TRUE(p.variables.pk_indices.empty()) << "a cast is not the key column itself";
}

TEST_F(ExecutorPrepare, InsertJsonVariable) {
  auto p = prepared("INSERT INTO t JSON ?");
  EXPECT_EQ(variable_names(p), strings{"[json]"});
  EXPECT_EQ(p.variables.columns[0].type.id, protocol::type_id::varchar);
}

TEST_F(ExecutorPrepare, UnknownTableFailsAtPrepare) {
  auto p = db.prepare("SELECT * FROM nope WHERE k = ?", session);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, protocol::error_code::invalid);
  EXPECT_EQ(p.error().message, "table nope does not exist");
}

TEST_F(ExecutorPrepare, UnknownColumnFailsAtPrepare) {
  auto p = db.prepare("INSERT INTO t (k, c, nope) VALUES (?, ?, ?)", session);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().message, "Undefined column name nope in table ks.t");
}

TEST_F(ExecutorPrepare, PreparedStatementExecutesWithBoundValues) {
  auto insert = prepared("INSERT INTO t (k, c, v) VALUES (?, ?, ?)");
  ASSERT_TRUE(db.execute(*insert.parsed, with_values({int_value(1), int_value(2), text_value("x")}),
                         session, insert.keyspace)
                  .has_value());
  auto select = prepared("SELECT v FROM t WHERE k = ? AND c = ?");
  auto r = db.execute(*select.parsed, with_values({int_value(1), int_value(2)}), session,
                      select.keyspace);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(render(std::get<protocol::rows_result>(*r)), strings{"'x'"});
}

TEST_F(ExecutorPrepare, NamedValuesAreMatchedByName) {
  request_options o;
  o.values = {text_value("x"), int_value(2), int_value(1)};
  o.value_names = {"v", "c", "k"};
  ok("INSERT INTO t (k, c, v) VALUES (?, ?, ?)", o);
  EXPECT_EQ(query("SELECT k, c, v FROM t"), strings{"1, 2, 'x'"});
}

TEST_F(ExecutorPrepare, WrongNumberOfValuesIsRejected) {
  EXPECT_EQ(message("INSERT INTO t (k, c, v) VALUES (?, ?, ?)", with_values({int_value(1)})),
            "there were 3 markers(?) in CQL but 1 bound variables");
}

TEST_F(ExecutorPrepare, UseSetsTheKeyspace) {
  auto r = ok("USE ks");
  ASSERT_TRUE(std::holds_alternative<protocol::set_keyspace_result>(r));
  EXPECT_EQ(std::get<protocol::set_keyspace_result>(r).keyspace, "ks");
  EXPECT_EQ(message("USE nope"), "Keyspace 'nope' does not exist");
}

TEST_F(ExecutorPrepare, DdlAnswersWithASchemaChange) {
  auto r = ok("CREATE TABLE fresh (k int PRIMARY KEY)");
  ASSERT_TRUE(std::holds_alternative<protocol::schema_change_result>(r));
  const auto& change = std::get<protocol::schema_change_result>(r).change;
  EXPECT_EQ(change.change, protocol::schema_change_type::created);
  EXPECT_EQ(change.target, protocol::schema_change_target::table);
  EXPECT_EQ(change.keyspace, "ks");
  EXPECT_EQ(change.name, "fresh");
  EXPECT_TRUE(std::holds_alternative<protocol::void_result>(
      ok("CREATE TABLE IF NOT EXISTS fresh (k int PRIMARY KEY)")));
}

TEST_F(ExecutorPrepare, MissingKeyPartsAreReportedAsCassandraDoes) {
  EXPECT_EQ(message("INSERT INTO t (c, v) VALUES (1, 'a')"), "Some partition key parts are missing: k");
  EXPECT_EQ(message("INSERT INTO t (k, v) VALUES (1, 'a')"), "Some clustering keys are missing: c");
  EXPECT_EQ(message("UPDATE t SET v = 'a' WHERE c = 1"), "Some partition key parts are missing: k");
  EXPECT_EQ(message("UPDATE t SET v = 'a' WHERE k = 1"), "Some clustering keys are missing: c");
}

TEST_F(ExecutorPrepare, NullKeyIsRejected) {
  EXPECT_EQ(message("INSERT INTO t (k, c, v) VALUES (null, 1, 'a')"),
            "Invalid null value in condition for column k");
}

TEST_F(ExecutorPrepare, WritesToSystemKeyspacesAreUnauthorized) {
  auto e = error("INSERT INTO system.local (key) VALUES ('x')");
  EXPECT_EQ(e.code, protocol::error_code::unauthorized);
}

TEST_F(ExecutorPrepare, UnsupportedStatementNamesWhatIsMissing) {
  auto e = error("CREATE INDEX ON t (v)");
  EXPECT_EQ(e.code, protocol::error_code::invalid);
  EXPECT_EQ(e.message.rfind("cqlsim does not support ", 0), 0U) << e.message;
}

TEST_F(ExecutorPrepare, ResetDropsUserKeyspacesAndData) {
  ok("INSERT INTO t (k, c, v) VALUES (1, 1, 'a')");
  db.reset();
  EXPECT_EQ(message("SELECT * FROM t"), "keyspace ks does not exist");
  SetUp();
  EXPECT_TRUE(query("SELECT * FROM t").empty());
}

}  // namespace
}  // namespace cqlshift::sim::testing
