// The virtual system.local / system.peers (SPEC 7). The driver queries below are the ones
// the DataStax Python driver (cassandra/cluster.py, ControlConnection), gocql (conn.go,
// host_source.go) and the Node.js driver (lib/control-connection.js, lib/metadata) send while
// connecting and checking schema agreement.

#include "cqlshift/proxy/virtual_tables.hpp"

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/timeuuid.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cqlshift::proxy {
namespace {

using protocol::bytes;
using protocol::cql_value;
using protocol::data_type;
using protocol::protocol_version;
using protocol::type_id;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const protocol::uuid real_host_id = *protocol::parse_uuid("11111111-2222-3333-4444-555555555555");
const protocol::uuid schema_version = *protocol::parse_uuid("e84b6a60-24cf-30ca-9b58-452d92911703");

data_type text() {
  return data_type::of(type_id::varchar);
}

cql_value inet(std::vector<std::uint8_t> address) {
  return cql_value{protocol::inet{std::move(address), 0}};
}

protocol::column_spec col(std::string name, data_type t) {
  return {"system", "local", std::move(name), std::move(t)};
}

// A Cassandra 4.1 node's system.local row, as a control connection reads it (v4).
protocol::rows_result real_system_local() {
  const auto i32 = data_type::of(type_id::int_);
  const auto ip = data_type::of(type_id::inet);
  const auto id = data_type::of(type_id::uuid);
  const std::vector<std::pair<protocol::column_spec, cql_value>> cells = {
      {col("key", text()), cql_value{std::string("local")}},
      {col("bootstrapped", text()), cql_value{std::string("COMPLETED")}},
      {col("broadcast_address", ip), inet({10, 9, 9, 9})},
      {col("broadcast_port", i32), cql_value{std::int32_t{7000}}},
      {col("cluster_name", text()), cql_value{std::string("Real Cluster")}},
      {col("cql_version", text()), cql_value{std::string("3.4.6")}},
      {col("data_center", text()), cql_value{std::string("dc-east")}},
      {col("gossip_generation", i32), cql_value{std::int32_t{1704067200}}},
      {col("host_id", id), cql_value{real_host_id}},
      {col("listen_address", ip), inet({10, 9, 9, 9})},
      {col("listen_port", i32), cql_value{std::int32_t{7000}}},
      {col("native_protocol_version", text()), cql_value{std::string("5")}},
      {col("partitioner", text()), cql_value{std::string("RandomPartitioner")}},
      {col("rack", text()), cql_value{std::string("rack-real")}},
      {col("release_version", text()), cql_value{std::string("4.1.3")}},
      {col("rpc_address", ip), inet({10, 9, 9, 9})},
      {col("rpc_port", i32), cql_value{std::int32_t{9042}}},
      {col("schema_version", id), cql_value{schema_version}},
      {col("tokens", data_type::set_of(text())),
       cql_value{protocol::cql_list{cql_value{std::string("42")}}}},
      {col("truncated_at", data_type::map_of(id, data_type::of(type_id::blob))),
       cql_value{protocol::cql_map{{cql_value{real_host_id}, cql_value{bytes{1, 2}}}}}},
  };
  protocol::rows_result r;
  r.metadata.global_table_spec = true;
  r.metadata.column_count = static_cast<std::int32_t>(cells.size());
  r.rows.emplace_back();
  for (const auto& [spec, val] : cells) {
    r.metadata.columns.push_back(spec);
    auto encoded = protocol::encode_as_value(spec.type, val, protocol_version::v4);
    EXPECT_TRUE(encoded) << spec.name;
    r.rows.back().push_back(encoded->kind == protocol::value_kind::set
                                ? std::optional<bytes>(encoded->data)
                                : std::nullopt);
  }
  return r;
}

class VirtualTables : public ::testing::Test {
 protected:
  const proxy_topology topo_ =
      make_proxy_topology({"10.0.0.1", "10.0.0.2", "10.0.0.3"}, 1, 8, 14002);
  const local_row real_ = local_row_from(real_system_local());

  protocol::rows_result rows(std::string_view cql, protocol_version v = protocol_version::v4,
                             std::vector<std::optional<bytes>> values = {}) const {
    auto r = answer_select(cql, topo_, real_, v, values);
    if (auto* f = std::get_if<cql_failure>(&r)) {
      ADD_FAILURE() << cql << ": " << f->message;
      return {};
    }
    auto out = std::get<protocol::rows_result>(std::move(r));
    // Whatever is answered must also encode.
    bytes body;
    protocol::writer w(body);
    protocol::write_rows_result(out, v, w);
    EXPECT_TRUE(w.ok()) << cql;
    return out;
  }

  cql_failure failure(std::string_view cql, std::vector<std::optional<bytes>> values = {}) const {
    auto r = answer_select(cql, topo_, real_, protocol_version::v4, values);
    if (!std::holds_alternative<cql_failure>(r)) {
      ADD_FAILURE() << cql << " succeeded";
      return {};
    }
    return std::get<cql_failure>(r);
  }
};

std::vector<std::string> names(const protocol::rows_result& r) {
  std::vector<std::string> out;
  for (const auto& c : r.metadata.columns)
    out.push_back(c.name);
  return out;
}

// Row `k` decoded by column name, with the result's own types (as a driver does).
std::map<std::string, cql_value> decoded(const protocol::rows_result& r, std::size_t k,
                                         protocol_version v = protocol_version::v4) {
  std::map<std::string, cql_value> out;
  for (std::size_t c = 0; c < r.metadata.columns.size(); ++c) {
    const auto& cell = r.rows.at(k).at(c);
    if (!cell) {
      out[r.metadata.columns[c].name] = cql_value::null();
      continue;
    }
    auto val = protocol::decode_value(r.metadata.columns[c].type, *cell, v);
    EXPECT_TRUE(val) << r.metadata.columns[c].name;
    if (val) out[r.metadata.columns[c].name] = *val;
  }
  return out;
}

cql_value text_value(std::string s) {
  return cql_value{std::move(s)};
}

cql_value token_set(const std::vector<std::int64_t>& tokens) {
  std::vector<std::string> sorted;
  for (auto t : tokens)
    sorted.push_back(std::to_string(t));
  std::sort(sorted.begin(), sorted.end());
  protocol::cql_list out;
  for (auto& s : sorted)
    out.push_back(text_value(s));
  return cql_value{std::move(out)};
}

cql_value truncated_at() {
  return cql_value{protocol::cql_map{{cql_value{real_host_id}, cql_value{bytes{1, 2}}}}};
}

TEST_F(VirtualTables, SelectStarLocalKeepsRealColumnsWithProxyValues) {
  const auto r = rows("SELECT * FROM system.local WHERE key='local'");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.metadata.columns, real_.columns);  // same names, types and order
  EXPECT_TRUE(r.metadata.global_table_spec);
  const auto row = decoded(r, 0);
  const cql_value self_ip = inet({10, 0, 0, 2});
  EXPECT_EQ(row.at("key"), text_value("local"));
  EXPECT_EQ(row.at("broadcast_address"), self_ip);
  EXPECT_EQ(row.at("listen_address"), self_ip);
  EXPECT_EQ(row.at("rpc_address"), self_ip);
  EXPECT_EQ(row.at("host_id"), cql_value{protocol::name_based_uuid("10.0.0.2")});
  EXPECT_EQ(row.at("tokens"), token_set(topo_.instances[1].tokens));
  EXPECT_EQ(row.at("rack"), text_value("rack0"));
  EXPECT_EQ(row.at("partitioner"), text_value("org.apache.cassandra.dht.Murmur3Partitioner"));
  EXPECT_EQ(row.at("rpc_port"), cql_value{std::int32_t{14002}});
  EXPECT_EQ(row.at("broadcast_port"), cql_value{std::int32_t{14002}});
  EXPECT_EQ(row.at("listen_port"), cql_value{std::int32_t{14002}});
  // Copied from the real node.
  EXPECT_EQ(row.at("data_center"), text_value("dc-east"));
  EXPECT_EQ(row.at("release_version"), text_value("4.1.3"));
  EXPECT_EQ(row.at("cluster_name"), text_value("Real Cluster"));
  EXPECT_EQ(row.at("cql_version"), text_value("3.4.6"));
  EXPECT_EQ(row.at("native_protocol_version"), text_value("5"));
  EXPECT_EQ(row.at("schema_version"), cql_value{schema_version});
  EXPECT_EQ(row.at("bootstrapped"), text_value("COMPLETED"));
  EXPECT_EQ(row.at("gossip_generation"), cql_value{std::int32_t{1704067200}});
  EXPECT_EQ(row.at("truncated_at"), truncated_at());
}

TEST_F(VirtualTables, PeersAreTheOtherInstances) {
  const auto r = rows("SELECT * FROM system.peers");
  EXPECT_THAT(names(r), ElementsAre("peer", "data_center", "host_id", "preferred_ip", "rack",
                                    "release_version", "rpc_address", "schema_version", "tokens"));
  EXPECT_EQ(r.metadata.columns[0].type, data_type::of(type_id::inet));
  EXPECT_EQ(r.metadata.columns[2].type, data_type::of(type_id::uuid));
  EXPECT_EQ(r.metadata.columns[8].type, data_type::set_of(text()));
  EXPECT_EQ(r.metadata.columns[0].keyspace, "system");
  EXPECT_EQ(r.metadata.columns[0].table, "peers");
  ASSERT_EQ(r.rows.size(), 2u);
  const std::size_t instances[] = {0, 2};
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& instance = topo_.instances[instances[k]];
    const auto row = decoded(r, k);
    const cql_value ip = inet({10, 0, 0, static_cast<std::uint8_t>(instances[k] + 1)});
    EXPECT_EQ(row.at("peer"), ip);
    EXPECT_EQ(row.at("rpc_address"), ip);
    EXPECT_EQ(row.at("preferred_ip"), ip);
    EXPECT_EQ(row.at("host_id"), cql_value{instance.host_id});
    EXPECT_EQ(row.at("tokens"), token_set(instance.tokens));
    EXPECT_EQ(row.at("rack"), text_value("rack0"));
    EXPECT_EQ(row.at("data_center"), text_value("dc-east"));
    EXPECT_EQ(row.at("release_version"), text_value("4.1.3"));
    EXPECT_EQ(row.at("schema_version"), cql_value{schema_version});
  }
}

TEST_F(VirtualTables, PythonDriverQueries) {
  // ControlConnection._SELECT_LOCAL_NO_TOKENS
  auto r = rows(
      "SELECT host_id, cluster_name, data_center, rack, partitioner, release_version, "
      "schema_version FROM system.local WHERE key='local'");
  EXPECT_THAT(names(r), ElementsAre("host_id", "cluster_name", "data_center", "rack", "partitioner",
                                    "release_version", "schema_version"));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(decoded(r, 0).at("cluster_name"), text_value("Real Cluster"));

  // _SELECT_LOCAL_NO_TOKENS_RPC_ADDRESS
  r = rows("SELECT rpc_address FROM system.local WHERE key='local'");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(decoded(r, 0).at("rpc_address"), inet({10, 0, 0, 2}));

  // _SELECT_PEERS_NO_TOKENS_TEMPLATE with nt_col_name = rpc_address: a column twice.
  r = rows(
      "SELECT host_id, peer, data_center, rack, rpc_address, rpc_address, release_version, "
      "schema_version FROM system.peers");
  EXPECT_THAT(names(r), ElementsAre("host_id", "peer", "data_center", "rack", "rpc_address",
                                    "rpc_address", "release_version", "schema_version"));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0][4], r.rows[0][5]);

  // _SELECT_SCHEMA_PEERS_TEMPLATE and _SELECT_SCHEMA_LOCAL: schema agreement.
  r = rows("SELECT peer, host_id, rpc_address, schema_version FROM system.peers");
  ASSERT_EQ(r.rows.size(), 2u);
  const auto local = rows("SELECT schema_version FROM system.local WHERE key='local'");
  ASSERT_EQ(local.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][3], local.rows[0][0]);
  EXPECT_EQ(r.rows[1][3], local.rows[0][0]);

  // _SELECT_PEERS_V2 first, then the fallback on INVALID.
  const auto f = failure("SELECT * FROM system.peers_v2");
  EXPECT_EQ(f.code, 0x2200);
  EXPECT_EQ(f.message, "unconfigured table peers_v2");
  EXPECT_EQ(failure("SELECT host_id, peer, peer_port, native_address, native_port, "
                    "schema_version FROM system.peers_v2")
                .message,
            "unconfigured table peers_v2");
}

TEST_F(VirtualTables, GocqlQueries) {
  EXPECT_EQ(rows("SELECT * FROM system.local WHERE key='local'").rows.size(), 1u);
  EXPECT_EQ(rows("SELECT * FROM system.local").rows.size(), 1u);  // ringDescriber.getHostInfo
  EXPECT_EQ(failure("SELECT * FROM system.peers_v2").code, 0x2200);
  EXPECT_EQ(rows("SELECT * FROM system.peers").rows.size(), 2u);
  EXPECT_EQ(rows("SELECT schema_version FROM system.local WHERE key='local'").rows.size(), 1u);
}

TEST_F(VirtualTables, NodeDriverQueries) {
  EXPECT_EQ(rows("SELECT * FROM system.peers").rows.size(), 2u);
  EXPECT_EQ(rows("SELECT * FROM system.local WHERE key='local'").rows.size(), 1u);
  const auto peers = rows("SELECT schema_version FROM system.peers");
  const auto local = rows("SELECT schema_version FROM system.local");
  ASSERT_EQ(peers.rows.size(), 2u);
  ASSERT_EQ(local.rows.size(), 1u);
  EXPECT_EQ(peers.rows[0][0], local.rows[0][0]);
}

TEST_F(VirtualTables, EveryVersionEncodes) {
  for (auto v : {protocol_version::v2, protocol_version::v3, protocol_version::v4,
                 protocol_version::v5, protocol_version::dse_v1, protocol_version::dse_v2}) {
    const auto r = rows("SELECT * FROM system.local", v);
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(decoded(r, 0, v).at("tokens"), token_set(topo_.instances[1].tokens));
    // Copied from a v4 control connection, re-encoded where the layout differs (v2).
    EXPECT_EQ(decoded(r, 0, v).at("truncated_at"), truncated_at());
    const auto peers = rows("SELECT tokens FROM system.peers", v);
    ASSERT_EQ(peers.rows.size(), 2u);
    EXPECT_EQ(decoded(peers, 1, v).at("tokens"), token_set(topo_.instances[2].tokens));
  }
}

TEST_F(VirtualTables, CountStar) {
  auto r = rows("SELECT count(*) FROM system.peers");
  EXPECT_THAT(names(r), ElementsAre("count"));
  EXPECT_EQ(r.metadata.columns[0].type, data_type::of(type_id::bigint));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], protocol::encode_bigint(2));

  r = rows("SELECT COUNT(1) AS n FROM system.local WHERE key = 'local'");
  EXPECT_THAT(names(r), ElementsAre("n"));
  EXPECT_EQ(r.rows.at(0)[0], protocol::encode_bigint(1));

  r = rows("select count(*) from system.peers where peer = '10.0.0.2'");  // self: not a peer
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], protocol::encode_bigint(0));

  // A column beside count(*) shows the first row's value, as Cassandra does.
  r = rows("SELECT count(*), peer FROM system.peers");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(decoded(r, 0).at("peer"), inet({10, 0, 0, 1}));
}

TEST_F(VirtualTables, Aliases) {
  const auto r =
      rows("SELECT rpc_address AS addr, \"host_id\" AS \"Id\", DATA_CENTER FROM system.local");
  EXPECT_THAT(names(r), ElementsAre("addr", "Id", "data_center"));
  EXPECT_EQ(r.metadata.columns[0].type, data_type::of(type_id::inet));
  EXPECT_EQ(decoded(r, 0).at("addr"), inet({10, 0, 0, 2}));
  EXPECT_EQ(decoded(r, 0).at("data_center"), text_value("dc-east"));
}

TEST_F(VirtualTables, UnknownColumn) {
  auto f = failure("SELECT host_id, nope FROM system.local");
  EXPECT_EQ(f.code, 0x2200);
  EXPECT_EQ(f.message, "Undefined column name nope");
  EXPECT_EQ(failure("SELECT * FROM system.peers WHERE nope = 'x'").message,
            "Undefined column name nope");
  // peers has no cluster_name, local does.
  EXPECT_EQ(failure("SELECT cluster_name FROM system.peers").message,
            "Undefined column name cluster_name");
  // Quoted names keep their case.
  EXPECT_EQ(failure("SELECT \"Key\" FROM system.local").message, "Undefined column name Key");
}

TEST_F(VirtualTables, WhereWithLiterals) {
  EXPECT_EQ(rows("SELECT * FROM system.local WHERE key = 'other'").rows.size(), 0u);
  auto r = rows("SELECT peer FROM system.peers WHERE peer = '10.0.0.3'");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(decoded(r, 0).at("peer"), inet({10, 0, 0, 3}));
  r = rows("SELECT peer FROM system.peers WHERE host_id = " +
           protocol::to_string(topo_.instances[0].host_id) +
           " AND rack = 'rack0' ALLOW FILTERING;");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(decoded(r, 0).at("peer"), inet({10, 0, 0, 1}));
  EXPECT_EQ(rows("SELECT key FROM system.local WHERE rpc_port = 14002").rows.size(), 1u);

  const auto f = failure("SELECT * FROM system.local WHERE host_id = 'abc'");
  EXPECT_EQ(f.code, 0x2200);
  EXPECT_THAT(f.message, HasSubstr("host_id"));
}

TEST_F(VirtualTables, BoundMarkers) {
  const bytes local(std::string_view("local").begin(), std::string_view("local").end());
  auto r = rows("SELECT * FROM system.local WHERE key = ?", protocol_version::v4, {local});
  EXPECT_EQ(r.rows.size(), 1u);
  r = rows("SELECT peer FROM system.peers WHERE peer = :p", protocol_version::v4,
           {bytes{10, 0, 0, 1}});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(decoded(r, 0).at("peer"), inet({10, 0, 0, 1}));
  r = rows("SELECT peer FROM system.peers LIMIT ?", protocol_version::v4,
           {protocol::encode_int(1)});
  EXPECT_EQ(r.rows.size(), 1u);

  EXPECT_EQ(failure("SELECT * FROM system.local WHERE key = ?").message,
            "Invalid amount of bind variables: expected 1, got 0");
  EXPECT_EQ(failure("SELECT * FROM system.local WHERE key = ?", {std::nullopt}).message,
            "Invalid null value in condition for column key");
  EXPECT_EQ(failure("SELECT * FROM system.peers LIMIT ?", {protocol::encode_int(0)}).message,
            "LIMIT must be strictly positive");
}

TEST_F(VirtualTables, Limit) {
  EXPECT_EQ(rows("SELECT * FROM system.peers LIMIT 1").rows.size(), 1u);
  EXPECT_EQ(rows("SELECT * FROM system.peers LIMIT 5").rows.size(), 2u);
  EXPECT_EQ(failure("SELECT * FROM system.peers LIMIT 0").message,
            "LIMIT must be strictly positive");
}

TEST_F(VirtualTables, SyntaxAndUnsupported) {
  auto f = failure("SELEC * FROM system.local");
  EXPECT_EQ(f.code, 0x2000);
  EXPECT_EQ(f.message, "line 1:0 no viable alternative at input 'SELEC'");
  EXPECT_EQ(failure("SELECT * FROM system.local WHERE key = 'local").code, 0x2000);
  EXPECT_EQ(failure("SELECT * FROM system.local WHERE").code, 0x2000);
  EXPECT_EQ(failure("SELECT * FROM system.local extra").code, 0x2000);
  EXPECT_EQ(failure("SELECT DISTINCT key FROM system.local").code, 0x2200);
  EXPECT_EQ(failure("SELECT writetime(rack) FROM system.local").code, 0x2200);
  EXPECT_EQ(failure("SELECT * FROM system.peers WHERE peer IN ('10.0.0.1')").code, 0x2200);
  EXPECT_EQ(failure("SELECT * FROM system.peers ORDER BY peer").code, 0x2200);
  EXPECT_EQ(failure("SELECT * FROM system.local_v9").message, "unconfigured table local_v9");
}

TEST_F(VirtualTables, WithoutARealRowTheCassandraColumnsRemain) {
  const local_row none = local_row_from(protocol::rows_result{});
  auto r = answer_select("SELECT * FROM system.local", topo_, none, protocol_version::v4);
  ASSERT_TRUE(std::holds_alternative<protocol::rows_result>(r));
  const auto& result = std::get<protocol::rows_result>(r);
  EXPECT_EQ(result.metadata.columns.size(), 20u);
  const auto row = decoded(result, 0);
  EXPECT_EQ(row.at("rpc_address"), inet({10, 0, 0, 2}));
  EXPECT_TRUE(row.at("data_center").is_null());
}

TEST_F(VirtualTables, PrepareMatchesAnswer) {
  for (auto v : {protocol_version::v3, protocol_version::v4, protocol_version::v5}) {
    const std::string cql = "SELECT peer, host_id AS id, count(*) FROM system.peers WHERE peer = ?";
    const auto p = prepare_select(cql, topo_, real_, v);
    ASSERT_TRUE(std::holds_alternative<protocol::prepared_result>(p));
    const auto& prepared = std::get<protocol::prepared_result>(p);
    ASSERT_EQ(prepared.variables.columns.size(), 1u);
    EXPECT_EQ(prepared.variables.columns[0].name, "peer");
    EXPECT_EQ(prepared.variables.columns[0].type, data_type::of(type_id::inet));
    EXPECT_EQ(prepared.variables.columns[0].table, "peers");
    if (v == protocol_version::v3) {
      EXPECT_TRUE(prepared.variables.pk_indices.empty());
    } else {
      EXPECT_THAT(prepared.variables.pk_indices, ElementsAre(0));
    }
    EXPECT_EQ(prepared.result_metadata_id.has_value(), v == protocol_version::v5);
    EXPECT_EQ(prepared.id.size(), 16u);

    const auto answered = rows(cql, v, {bytes{10, 0, 0, 3}});
    EXPECT_EQ(prepared.result_metadata.columns, answered.metadata.columns);
    EXPECT_THAT(names(answered), ElementsAre("peer", "id", "count"));

    bytes body;
    protocol::writer w(body);
    protocol::write_prepared_result(prepared, v, w);
    EXPECT_TRUE(w.ok());
  }
}

TEST_F(VirtualTables, PrepareLimitMarkerAndErrors) {
  const auto p = prepare_select("SELECT * FROM system.local WHERE key = ? LIMIT ?", topo_, real_,
                                protocol_version::v4);
  ASSERT_TRUE(std::holds_alternative<protocol::prepared_result>(p));
  const auto& prepared = std::get<protocol::prepared_result>(p);
  ASSERT_EQ(prepared.variables.columns.size(), 2u);
  EXPECT_EQ(prepared.variables.columns[0].name, "key");
  EXPECT_EQ(prepared.variables.columns[0].type, text());
  EXPECT_EQ(prepared.variables.columns[1].name, "[limit]");
  EXPECT_EQ(prepared.variables.columns[1].type, data_type::of(type_id::int_));
  EXPECT_EQ(prepared.result_metadata.columns, real_.columns);
  EXPECT_THAT(prepared.variables.pk_indices, ElementsAre(0));  // key is the partition key

  const auto f =
      prepare_select("SELECT * FROM system.peers_v2", topo_, real_, protocol_version::v4);
  ASSERT_TRUE(std::holds_alternative<cql_failure>(f));
  EXPECT_EQ(std::get<cql_failure>(f).message, "unconfigured table peers_v2");
}

TEST(LocalRowFrom, TakesTheFirstRow) {
  const auto real = real_system_local();
  const local_row row = local_row_from(real);
  EXPECT_EQ(row.columns, real.metadata.columns);
  EXPECT_EQ(row.values, real.rows[0]);

  protocol::rows_result no_rows = real;
  no_rows.rows.clear();
  const local_row empty = local_row_from(no_rows);
  EXPECT_EQ(empty.values.size(), empty.columns.size());
  EXPECT_FALSE(empty.values[0].has_value());
}

}  // namespace
}  // namespace cqlshift::proxy
