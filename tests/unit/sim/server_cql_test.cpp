// QUERY, PREPARE, EXECUTE and BATCH end to end through the server: what a driver sends, what
// it gets back (results, prepared ids as Cassandra computes them, UNPREPARED, paging,
// metadata skipping and v5 metadata ids).

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/md5.hpp"
#include "server_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cqlshift::sim::test {
namespace {

using protocol::opcode;

protocol::bytes md5_of(const std::string& s) {
  const auto d = protocol::md5(protocol::bytes(s.begin(), s.end()));
  return protocol::bytes(d.begin(), d.end());
}

protocol::value int_value(std::int32_t v) {
  return protocol::value::of(protocol::encode_int(v));
}
protocol::value text_value(const std::string& s) {
  return protocol::value::of(protocol::encode_text(s));
}

std::int32_t as_int(const std::optional<protocol::bytes>& cell) {
  auto v = protocol::decode_value(protocol::data_type::of(protocol::type_id::int_), *cell,
                                  protocol_version::v4);
  return std::get<std::int32_t>(v.value().v);
}
std::string as_text(const std::optional<protocol::bytes>& cell) {
  return std::string(cell->begin(), cell->end());
}

class ServerCql : public ::testing::Test {
 protected:
  void SetUp() override {
    c.connect(protocol_version::v4);
    ok(c.query(protocol_version::v4,
               "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
               "'replication_factor': 1}"));
    ok(c.query(protocol_version::v4,
               "CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c))"));
  }

  static void ok(const received& r) {
    if (const auto* e = std::get_if<protocol::error_response>(&r.message)) {
      FAIL() << protocol::to_string(e->code) << ": " << e->message;
    }
  }

  protocol::prepared_result prepare(client& with, protocol_version v, const std::string& cql) {
    protocol::prepare p;
    p.query_string = cql;
    return with.request(v, p).as<protocol::prepared_result>();
  }

  received execute(client& with, protocol_version v, const protocol::prepared_result& p,
                   std::vector<protocol::value> values, bool skip_metadata = false) {
    protocol::execute e;
    e.id = p.id;
    e.result_metadata_id = p.result_metadata_id;
    e.params.values = std::move(values);
    e.params.skip_metadata = skip_metadata;
    return with.request(v, e);
  }

  server_harness server{server_options{}, loopback(2)};
  client c{server.endpoint()};
};

TEST_F(ServerCql, DdlAnswersSchemaChange) {
  const received r = c.query(protocol_version::v4, "CREATE TABLE ks.u (k int PRIMARY KEY)");
  const auto& change = r.as<protocol::schema_change_result>().change;
  EXPECT_EQ(change.change, protocol::schema_change_type::created);
  EXPECT_EQ(change.target, protocol::schema_change_target::table);
  EXPECT_EQ(change.keyspace, "ks");
  EXPECT_EQ(change.name, "u");
}

TEST_F(ServerCql, QueryWritesAndReads) {
  EXPECT_EQ(
      c.query(protocol_version::v4, "INSERT INTO ks.t (k, c, v) VALUES (1, 2, 'a')").header.op,
      opcode::result);
  const auto& rows = c.query(protocol_version::v4, "SELECT c, v FROM ks.t WHERE k = 1")
                         .as<protocol::rows_result>();
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(as_int(rows.rows[0][0]), 2);
  EXPECT_EQ(as_text(rows.rows[0][1]), "a");
  ASSERT_EQ(rows.metadata.columns.size(), 2u);
  EXPECT_EQ(rows.metadata.columns[1].name, "v");
}

TEST_F(ServerCql, QueryWithBoundValues) {
  protocol::query q;
  q.query_string = "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)";
  q.params.values = std::vector<protocol::value>{int_value(5), int_value(6), text_value("x")};
  ok(c.request(protocol_version::v4, q));
  const auto& rows =
      c.query(protocol_version::v4, "SELECT v FROM ks.t WHERE k = 5").as<protocol::rows_result>();
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(as_text(rows.rows[0][0]), "x");
}

TEST_F(ServerCql, SyntaxErrorIsAnError) {
  const received r = c.query(protocol_version::v4, "SELEKT * FROM ks.t");
  EXPECT_EQ(r.error().code, protocol::error_code::syntax_error);
}

TEST_F(ServerCql, UseChangesOnlyThisConnectionsKeyspace) {
  const received r = c.query(protocol_version::v4, "USE ks");
  EXPECT_EQ(r.as<protocol::set_keyspace_result>().keyspace, "ks");
  ok(c.query(protocol_version::v4, "SELECT * FROM t WHERE k = 1"));
  client other(server.endpoint());
  other.connect(protocol_version::v4);
  EXPECT_EQ(other.query(protocol_version::v4, "SELECT * FROM t WHERE k = 1").error().code,
            protocol::error_code::invalid);
}

TEST_F(ServerCql, V5QueryKeyspaceFlag) {
  client v5(server.endpoint());
  v5.connect(protocol_version::v5);
  protocol::query q;
  q.query_string = "SELECT * FROM t WHERE k = 1";
  q.params.keyspace = "ks";
  EXPECT_NO_THROW(v5.request(protocol_version::v5, q).as<protocol::rows_result>());
}

TEST_F(ServerCql, PreparedIdIsMd5OfKeyspaceAndQuery) {
  const std::string text = "SELECT v FROM ks.t WHERE k = ?";
  EXPECT_EQ(prepare(c, protocol_version::v4, text).id, md5_of(text));
  ok(c.query(protocol_version::v4, "USE ks"));
  EXPECT_EQ(prepare(c, protocol_version::v4, text).id, md5_of("ks" + text));
}

TEST(ServerCqlSalt, PreparedIdSaltComesFirst) {
  server_options o;
  o.prepared_id_salt = "origin";
  server_harness server(o);
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  protocol::prepare p;
  p.query_string = "SELECT cluster_name FROM system.local";
  const auto& prepared = c.request(protocol_version::v4, p).as<protocol::prepared_result>();
  EXPECT_EQ(prepared.id, md5_of("origin" + p.query_string));
}

TEST_F(ServerCql, PrepareThenExecute) {
  const auto insert =
      prepare(c, protocol_version::v4, "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)");
  EXPECT_EQ(insert.variables.columns.size(), 3u);
  EXPECT_THAT(insert.variables.pk_indices, ::testing::ElementsAre(0));
  ok(execute(c, protocol_version::v4, insert, {int_value(1), int_value(1), text_value("one")}));
  const auto select = prepare(c, protocol_version::v4, "SELECT v FROM ks.t WHERE k = ?");
  ASSERT_EQ(select.result_metadata.columns.size(), 1u);
  const auto& rows =
      execute(c, protocol_version::v4, select, {int_value(1)}).as<protocol::rows_result>();
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(as_text(rows.rows[0][0]), "one");
}

TEST_F(ServerCql, V3PreparedResultHasNoPartitionKeyIndices) {
  client v3(server.endpoint());
  v3.connect(protocol_version::v3);
  const auto insert =
      prepare(v3, protocol_version::v3, "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)");
  EXPECT_EQ(insert.variables.columns.size(), 3u);
  EXPECT_TRUE(insert.variables.pk_indices.empty());
  ok(execute(v3, protocol_version::v3, insert, {int_value(2), int_value(2), text_value("v3")}));
}

TEST_F(ServerCql, PreparedStatementsAreSharedByEveryNodeAndConnection) {
  const auto select = prepare(c, protocol_version::v4, "SELECT v FROM ks.t WHERE k = ?");
  client node1(server.endpoint(1));
  node1.connect(protocol_version::v4);
  EXPECT_EQ(execute(node1, protocol_version::v4, select, {int_value(1)}).header.op, opcode::result);
}

TEST_F(ServerCql, UnknownIdIsUnprepared) {
  protocol::prepared_result fake;
  fake.id = md5_of("never prepared");
  const received r = execute(c, protocol_version::v4, fake, {});
  const auto& e = r.error();
  EXPECT_EQ(e.code, protocol::error_code::unprepared);
  EXPECT_EQ(std::get<protocol::unprepared_details>(e.details).id, fake.id);
  EXPECT_THAT(e.message, ::testing::StartsWith("Prepared query with ID "));
}

TEST_F(ServerCql, AlteredTableMakesItsPreparedStatementsUnprepared) {
  const auto select = prepare(c, protocol_version::v4, "SELECT * FROM ks.t WHERE k = ?");
  ok(c.query(protocol_version::v4, "ALTER TABLE ks.t ADD w int"));
  EXPECT_EQ(execute(c, protocol_version::v4, select, {int_value(1)}).error().code,
            protocol::error_code::unprepared);
  const auto again = prepare(c, protocol_version::v4, "SELECT * FROM ks.t WHERE k = ?");
  EXPECT_EQ(again.result_metadata.columns.size(), 4u);
  EXPECT_EQ(execute(c, protocol_version::v4, again, {int_value(1)}).header.op, opcode::result);
}

TEST_F(ServerCql, UnrelatedSchemaChangeKeepsPreparedStatements) {
  const auto select = prepare(c, protocol_version::v4, "SELECT v FROM ks.t WHERE k = ?");
  ok(c.query(protocol_version::v4, "CREATE TABLE ks.other (k int PRIMARY KEY)"));
  EXPECT_EQ(execute(c, protocol_version::v4, select, {int_value(1)}).header.op, opcode::result);
}

TEST_F(ServerCql, SkipMetadataInV4) {
  ok(c.query(protocol_version::v4, "INSERT INTO ks.t (k, c, v) VALUES (1, 1, 'a')"));
  const auto select = prepare(c, protocol_version::v4, "SELECT v FROM ks.t WHERE k = ?");
  const auto& rows =
      execute(c, protocol_version::v4, select, {int_value(1)}, true).as<protocol::rows_result>();
  EXPECT_TRUE(rows.metadata.no_metadata);
  EXPECT_TRUE(rows.metadata.columns.empty());
  EXPECT_EQ(rows.metadata.column_count, 1);
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(as_text(rows.rows[0][0]), "a");
}

TEST_F(ServerCql, V5ResultMetadataId) {
  client v5(server.endpoint());
  v5.connect(protocol_version::v5, protocol::compression_algorithm::lz4);
  const auto select = prepare(v5, protocol_version::v5, "SELECT v FROM ks.t WHERE k = ?");
  ASSERT_TRUE(select.result_metadata_id);
  EXPECT_EQ(select.result_metadata_id->size(), 16u);

  // The client's metadata is current: skip_metadata is honoured.
  const auto& same =
      execute(v5, protocol_version::v5, select, {int_value(1)}, true).as<protocol::rows_result>();
  EXPECT_TRUE(same.metadata.no_metadata);
  EXPECT_FALSE(same.metadata.new_metadata_id);

  // A stale id: full metadata and the current id (metadata_changed).
  auto stale = select;
  stale.result_metadata_id = md5_of("stale");
  const auto& changed =
      execute(v5, protocol_version::v5, stale, {int_value(1)}, true).as<protocol::rows_result>();
  EXPECT_FALSE(changed.metadata.no_metadata);
  EXPECT_EQ(changed.metadata.new_metadata_id, select.result_metadata_id);
  EXPECT_EQ(changed.metadata.columns.size(), 1u);
}

TEST_F(ServerCql, PagingRoundTrip) {
  for (int i = 0; i < 10; ++i) {
    ok(c.query(protocol_version::v4,
               "INSERT INTO ks.t (k, c, v) VALUES (7, " + std::to_string(i) + ", 'x')"));
  }
  std::vector<std::int32_t> seen;
  std::optional<protocol::bytes> state;
  int pages = 0;
  do {
    protocol::query q;
    q.query_string = "SELECT c FROM ks.t WHERE k = 7";
    q.params.page_size = 3;
    q.params.paging_state = state;
    const auto& rows = c.request(protocol_version::v4, q).as<protocol::rows_result>();
    for (const auto& row : rows.rows)
      seen.push_back(as_int(row[0]));
    state = rows.metadata.paging_state;
    ASSERT_LT(++pages, 10);
  } while (state);
  EXPECT_EQ(pages, 4);
  EXPECT_THAT(seen, ::testing::ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
}

TEST_F(ServerCql, BatchOfTextsAndPreparedIds) {
  const auto insert =
      prepare(c, protocol_version::v4, "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)");
  protocol::batch b;
  protocol::batch_child text;
  text.query_string = "INSERT INTO ks.t (k, c, v) VALUES (3, 1, 'text')";
  protocol::batch_child bound;
  bound.is_prepared = true;
  bound.id = insert.id;
  bound.values = {int_value(3), int_value(2), text_value("bound")};
  b.children = {text, bound};
  EXPECT_EQ(c.request(protocol_version::v4, b).header.op, opcode::result);
  const auto& rows =
      c.query(protocol_version::v4, "SELECT v FROM ks.t WHERE k = 3").as<protocol::rows_result>();
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(as_text(rows.rows[0][0]), "text");
  EXPECT_EQ(as_text(rows.rows[1][0]), "bound");

  protocol::batch_child unknown;
  unknown.is_prepared = true;
  unknown.id = md5_of("nope");
  b.children = {text, unknown};
  const received r = c.request(protocol_version::v4, b);
  EXPECT_EQ(r.error().code, protocol::error_code::unprepared);
  EXPECT_EQ(std::get<protocol::unprepared_details>(r.error().details).id, unknown.id);
}

// A 300 KB value crosses several v5 segments both ways.
TEST_F(ServerCql, LargeValuesTravelOverSeveralV5Segments) {
  for (bool lz4 : {false, true}) {
    client v5(server.endpoint());
    v5.connect(protocol_version::v5,
               lz4 ? protocol::compression_algorithm::lz4 : protocol::compression_algorithm::none);
    std::string big(300000, 'x');
    for (std::size_t i = 0; i < big.size(); ++i)
      big[i] = static_cast<char>('a' + i % 26);
    protocol::query q;
    q.query_string = "INSERT INTO ks.t (k, c, v) VALUES (9, ?, ?)";
    q.params.values = std::vector<protocol::value>{int_value(lz4 ? 1 : 0), text_value(big)};
    ok(v5.request(protocol_version::v5, q));
    const auto& rows = v5.query(protocol_version::v5, "SELECT v FROM ks.t WHERE k = 9 AND c = " +
                                                          std::to_string(lz4 ? 1 : 0))
                           .as<protocol::rows_result>();
    ASSERT_EQ(rows.rows.size(), 1u);
    EXPECT_EQ(as_text(rows.rows[0][0]), big);
  }
}

TEST_F(ServerCql, CustomPayloadIsEchoedOnResults) {
  protocol::envelope env;
  env.custom_payload = protocol::bytes_map{{"trace", {9}}};
  protocol::query q;
  q.query_string = "SELECT * FROM ks.t WHERE k = 1";
  const received r = c.request(protocol_version::v4, q, protocol::header_flag::custom_payload, env);
  EXPECT_EQ(r.header.op, opcode::result);
  ASSERT_TRUE(r.env.custom_payload);
  EXPECT_EQ(*r.env.custom_payload, *env.custom_payload);
}

TEST_F(ServerCql, SystemLocalDescribesTheNodeConnectedTo) {
  client node1(server.endpoint(1));
  node1.connect(protocol_version::v4);
  const auto& rows =
      node1.query(protocol_version::v4, "SELECT cluster_name, rpc_port FROM system.local")
          .as<protocol::rows_result>();
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(as_text(rows.rows[0][0]), "cqlsim");
  EXPECT_EQ(as_int(rows.rows[0][1]), server.endpoint(1).port());
}

}  // namespace
}  // namespace cqlshift::sim::test

namespace cqlshift::sim::test {
namespace {

server_options with_dse_versions() {
  server_options o;
  o.versions.push_back(protocol_version::dse_v1);
  o.versions.push_back(protocol_version::dse_v2);
  return o;
}

TEST(ServerDse, QueriesWorkAndContinuousPagingIsRefused) {
  server_harness server{with_dse_versions(), loopback(1)};
  for (protocol_version v : {protocol_version::dse_v1, protocol_version::dse_v2}) {
    SCOPED_TRACE(protocol::to_string(v));
    client c{server.endpoint()};
    c.connect(v);
    auto rows = c.query(v, "SELECT release_version FROM system.local").as<protocol::rows_result>();
    EXPECT_EQ(rows.rows.size(), 1U);

    protocol::query q;
    q.query_string = "SELECT release_version FROM system.local";
    q.params.continuous_paging = protocol::continuous_paging_options{};
    if (v == protocol_version::dse_v2) q.params.continuous_paging->next_pages = 1;
    auto e = c.request(v, q).as<protocol::error_response>();
    EXPECT_EQ(e.code, protocol::error_code::invalid);
    EXPECT_EQ(e.message, "cqlsim does not support DSE continuous paging or page sizes in bytes");
  }
}

}  // namespace
}  // namespace cqlshift::sim::test
