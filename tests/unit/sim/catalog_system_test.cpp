#include "catalog_test_support.hpp"

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/sim/catalog.hpp"
#include "cqlshift/sim/topology.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>

namespace cqlshift::sim {
namespace {

using namespace test;
using protocol::cql_value;
using protocol::data_type;
using protocol::type_id;

using row = std::vector<cql_value>;

cql_value text(std::string s) {
  return cql_value{std::move(s)};
}
cql_value inet(std::vector<std::uint8_t> address) {
  return cql_value{protocol::inet{std::move(address), 0}};
}
cql_value integer(std::int32_t v) {
  return cql_value{v};
}

topology three_nodes() {
  return make_topology("test cluster", {"127.0.0.1", "127.0.0.2", "127.0.0.3"}, {9042, 9043, 9044},
                       4);
}

cql_value tokens_of(const node_info& n) {
  std::vector<std::string> tokens;
  for (auto t : n.tokens)
    tokens.push_back(std::to_string(t));
  std::sort(tokens.begin(), tokens.end());
  protocol::cql_list out;
  for (auto& t : tokens)
    out.push_back(text(t));
  return cql_value{std::move(out)};
}

// A user schema: ks with type address, table t (k int, c int DESC, s text static,
// a frozen<address>, l list<int>) and counter table n.
catalog user_schema() {
  catalog c = catalog_with_keyspace();
  create_type_stmt type;
  type.type = {"ks", "address"};
  type.fields = {{"street", ty("text")}, {"zip", ty("int")}};
  EXPECT_TRUE(c.apply(type, "").has_value());
  auto t = create_table("ks", "t",
                        {col("k", ty("int")), col("c", ty("int")), col("s", ty("text"), true),
                         col("a", frozen(udt("address"))), col("l", ty("list", {ty("int")}))},
                        {"k"}, {"c"});
  t.clustering_order = {{"c", true}};
  EXPECT_TRUE(c.apply(t, "").has_value());
  EXPECT_TRUE(
      c.apply(create_table("ks", "n", {col("k", ty("int")), col("v", ty("counter"))}, {"k"}), "")
          .has_value());
  return c;
}

struct rows_of {
  std::shared_ptr<const table_def> table;
  std::vector<row> rows;

  const cql_value& at(const row& r, std::string_view column) const {
    return r.at(*table->index_of(column));
  }
  // The rows whose `column` equals `value`.
  std::vector<row> where(std::string_view column, const cql_value& value) const {
    std::vector<row> out;
    for (const auto& r : rows) {
      if (at(r, column) == value) out.push_back(r);
    }
    return out;
  }
};

rows_of read(const catalog& c, const std::string& ks, const std::string& table,
             const topology& topo = three_nodes(), std::size_t self = 0) {
  rows_of out;
  out.table = c.find_table(ks, table);
  EXPECT_NE(out.table, nullptr) << ks << "." << table;
  if (out.table) out.rows = c.system_rows(*out.table, topo, self);
  return out;
}

TEST(CatalogSystemTables, SystemKeyspacesExistWithVirtualTables) {
  const catalog c;
  for (const char* name : {"system", "system_schema", "system_auth", "system_distributed",
                           "system_traces", "system_virtual_schema"}) {
    const keyspace_def* ks = c.find_keyspace(name);
    ASSERT_NE(ks, nullptr) << name;
    EXPECT_TRUE(ks->is_system) << name;
    for (const auto& [table_name, t] : ks->tables) {
      EXPECT_TRUE(t->is_virtual) << name << "." << table_name;
      EXPECT_FALSE(t->partition_key.empty()) << name << "." << table_name;
    }
  }
  for (const char* table : {"keyspaces", "tables", "columns", "types", "functions", "aggregates",
                            "indexes", "views", "triggers", "dropped_columns"}) {
    EXPECT_NE(c.find_table("system_schema", table), nullptr) << table;
  }
  for (const char* table : {"local", "peers", "peers_v2"}) {
    EXPECT_NE(c.find_table("system", table), nullptr) << table;
  }
  EXPECT_NE(c.find_table("system_auth", "roles"), nullptr);
}

TEST(CatalogSystemTables, LocalTableDefinition) {
  const catalog c;
  auto t = c.find_table("system", "local");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->columns[0].name, "key");
  EXPECT_EQ(t->columns[0].kind, column_kind::partition_key);
  const column_def* tokens = t->find("tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->type, data_type::set_of(data_type::of(type_id::varchar)));
  EXPECT_EQ(tokens->cql_type, "set<text>");
  EXPECT_TRUE(tokens->multi_cell);
  EXPECT_EQ(t->find("rpc_address")->type, data_type::of(type_id::inet));
  EXPECT_EQ(t->find("schema_version")->type, data_type::of(type_id::uuid));
  EXPECT_EQ(t->find("truncated_at")->type,
            data_type::map_of(data_type::of(type_id::uuid), data_type::of(type_id::blob)));
  auto peers_v2 = c.find_table("system", "peers_v2");
  EXPECT_EQ(peers_v2->columns[0].name, "peer");
  EXPECT_EQ(peers_v2->columns[1].name, "peer_port");
  EXPECT_EQ(peers_v2->columns[1].kind, column_kind::clustering);
}

TEST(CatalogSystemTables, LocalRowDescribesTheNodeItself) {
  const catalog c;
  const topology topo = three_nodes();
  auto r = read(c, "system", "local", topo, 1);
  ASSERT_EQ(r.rows.size(), 1u);
  const row& local = r.rows[0];
  EXPECT_EQ(r.at(local, "key"), text("local"));
  EXPECT_EQ(r.at(local, "bootstrapped"), text("COMPLETED"));
  EXPECT_EQ(r.at(local, "broadcast_address"), inet({127, 0, 0, 2}));
  EXPECT_EQ(r.at(local, "listen_address"), inet({127, 0, 0, 2}));
  EXPECT_EQ(r.at(local, "rpc_address"), inet({127, 0, 0, 2}));
  EXPECT_EQ(r.at(local, "rpc_port"), integer(9043));
  EXPECT_EQ(r.at(local, "cluster_name"), text("test cluster"));
  EXPECT_EQ(r.at(local, "cql_version"), text("3.4.6"));
  EXPECT_EQ(r.at(local, "data_center"), text("datacenter1"));
  EXPECT_EQ(r.at(local, "rack"), text("rack1"));
  EXPECT_EQ(r.at(local, "host_id"), cql_value{topo.nodes[1].host_id});
  EXPECT_EQ(r.at(local, "partitioner"), text("org.apache.cassandra.dht.Murmur3Partitioner"));
  EXPECT_EQ(r.at(local, "release_version"), text("4.1.5"));
  EXPECT_EQ(r.at(local, "native_protocol_version"), text("5"));
  EXPECT_EQ(r.at(local, "schema_version"), cql_value{c.schema_version()});
  EXPECT_EQ(r.at(local, "tokens"), tokens_of(topo.nodes[1]));
  EXPECT_TRUE(r.at(local, "truncated_at").is_null());
}

TEST(CatalogSystemTables, PeersListTheOtherNodes) {
  const catalog c;
  const topology topo = three_nodes();
  auto r = read(c, "system", "peers", topo, 1);
  ASSERT_EQ(r.rows.size(), 2u);
  for (std::size_t node : {0u, 2u}) {
    const auto address = std::vector<std::uint8_t>{127, 0, 0, static_cast<std::uint8_t>(node + 1)};
    auto found = r.where("peer", inet(address));
    ASSERT_EQ(found.size(), 1u) << node;
    const row& peer = found[0];
    EXPECT_EQ(r.at(peer, "rpc_address"), inet(address));
    EXPECT_EQ(r.at(peer, "host_id"), cql_value{topo.nodes[node].host_id});
    EXPECT_EQ(r.at(peer, "data_center"), text("datacenter1"));
    EXPECT_EQ(r.at(peer, "rack"), text("rack1"));
    EXPECT_EQ(r.at(peer, "release_version"), text("4.1.5"));
    EXPECT_EQ(r.at(peer, "schema_version"), cql_value{c.schema_version()});
    EXPECT_EQ(r.at(peer, "tokens"), tokens_of(topo.nodes[node]));
    EXPECT_TRUE(r.at(peer, "preferred_ip").is_null());
  }
}

TEST(CatalogSystemTables, PeersV2CarryNativeAddressAndPort) {
  const catalog c;
  const topology topo = three_nodes();
  auto r = read(c, "system", "peers_v2", topo, 0);
  ASSERT_EQ(r.rows.size(), 2u);
  auto found = r.where("native_port", integer(9044));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(r.at(found[0], "native_address"), inet({127, 0, 0, 3}));
  EXPECT_EQ(r.at(found[0], "peer"), inet({127, 0, 0, 3}));
  EXPECT_EQ(r.at(found[0], "host_id"), cql_value{topo.nodes[2].host_id});
  EXPECT_FALSE(r.at(found[0], "peer_port").is_null());
  EXPECT_TRUE(r.where("host_id", cql_value{topo.nodes[0].host_id}).empty());
}

TEST(CatalogSystemTables, LocalNodeOutsideTheTopologyHasNoRow) {
  const catalog c;
  EXPECT_TRUE(read(c, "system", "local", three_nodes(), 7).rows.empty());
}

TEST(CatalogSystemTables, SchemaKeyspacesListsEveryNonVirtualKeyspace) {
  const catalog c = catalog_with_keyspace();
  auto r = read(c, "system_schema", "keyspaces");
  std::set<std::string> names;
  for (const auto& row : r.rows)
    names.insert(std::get<std::string>(r.at(row, "keyspace_name").v));
  EXPECT_EQ(names, (std::set<std::string>{"ks", "system", "system_auth", "system_distributed",
                                          "system_schema", "system_traces"}));
  auto ks = r.where("keyspace_name", text("ks"));
  ASSERT_EQ(ks.size(), 1u);
  EXPECT_EQ(r.at(ks[0], "durable_writes"), cql_value{true});
  EXPECT_EQ(r.at(ks[0], "replication"),
            (cql_value{protocol::cql_map{
                {text("class"), text("org.apache.cassandra.locator.SimpleStrategy")},
                {text("replication_factor"), text("1")}}}));
  auto system = r.where("keyspace_name", text("system"));
  ASSERT_EQ(system.size(), 1u);
  EXPECT_EQ(r.at(system[0], "replication"),
            (cql_value{protocol::cql_map{
                {text("class"), text("org.apache.cassandra.locator.LocalStrategy")}}}));
}

TEST(CatalogSystemTables, SchemaTablesRows) {
  const catalog c = user_schema();
  auto r = read(c, "system_schema", "tables");
  auto t = r.where("table_name", text("t"));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(r.at(t[0], "keyspace_name"), text("ks"));
  EXPECT_EQ(r.at(t[0], "id"), cql_value{c.find_table("ks", "t")->id});
  EXPECT_EQ(r.at(t[0], "flags"), (cql_value{protocol::cql_list{text("compound")}}));
  EXPECT_EQ(r.at(t[0], "gc_grace_seconds"), integer(864000));
  EXPECT_EQ(r.at(t[0], "speculative_retry"), text("99p"));
  EXPECT_EQ(r.at(t[0], "compaction"), c.find_table("ks", "t")->options.at("compaction"));
  auto n = r.where("table_name", text("n"));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(r.at(n[0], "flags"),
            (cql_value{protocol::cql_list{text("compound"), text("counter")}}));
  EXPECT_EQ(r.where("table_name", text("local")).size(), 1u);
  EXPECT_TRUE(r.where("keyspace_name", text("system_virtual_schema")).empty());
}

TEST(CatalogSystemTables, SchemaColumnsRows) {
  const catalog c = user_schema();
  auto r = read(c, "system_schema", "columns");
  std::vector<row> t;
  for (const auto& row : r.where("table_name", text("t"))) {
    if (r.at(row, "keyspace_name") == text("ks")) t.push_back(row);
  }
  ASSERT_EQ(t.size(), 5u);
  auto column = [&](const std::string& name) {
    for (const auto& row : t) {
      if (r.at(row, "column_name") == text(name)) return row;
    }
    ADD_FAILURE() << name;
    return row{};
  };
  struct expected {
    std::string name, kind, order, type;
    std::int32_t position;
  };
  for (const auto& e : std::vector<expected>{{"k", "partition_key", "none", "int", 0},
                                             {"c", "clustering", "desc", "int", 0},
                                             {"s", "static", "none", "text", -1},
                                             {"a", "regular", "none", "frozen<address>", -1},
                                             {"l", "regular", "none", "list<int>", -1}}) {
    const row col = column(e.name);
    ASSERT_FALSE(col.empty());
    EXPECT_EQ(r.at(col, "kind"), text(e.kind)) << e.name;
    EXPECT_EQ(r.at(col, "clustering_order"), text(e.order)) << e.name;
    EXPECT_EQ(r.at(col, "type"), text(e.type)) << e.name;
    EXPECT_EQ(r.at(col, "position"), integer(e.position)) << e.name;
    EXPECT_EQ(r.at(col, "column_name_bytes"),
              (cql_value{protocol::bytes(e.name.begin(), e.name.end())}))
        << e.name;
  }
  EXPECT_FALSE(r.where("table_name", text("peers_v2")).empty());
}

TEST(CatalogSystemTables, SchemaTypesRows) {
  const catalog c = user_schema();
  auto r = read(c, "system_schema", "types");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.at(r.rows[0], "keyspace_name"), text("ks"));
  EXPECT_EQ(r.at(r.rows[0], "type_name"), text("address"));
  EXPECT_EQ(r.at(r.rows[0], "field_names"),
            (cql_value{protocol::cql_list{text("street"), text("zip")}}));
  EXPECT_EQ(r.at(r.rows[0], "field_types"),
            (cql_value{protocol::cql_list{text("text"), text("int")}}));
}

TEST(CatalogSystemTables, UnusedSchemaTablesAreEmpty) {
  const catalog c = user_schema();
  for (const char* table :
       {"functions", "aggregates", "indexes", "views", "triggers", "dropped_columns"}) {
    EXPECT_TRUE(read(c, "system_schema", table).rows.empty()) << table;
  }
  EXPECT_TRUE(read(c, "system_auth", "roles").rows.empty());
}

TEST(CatalogSystemTables, VirtualSchemaDescribesVirtualKeyspaces) {
  const catalog c;
  auto ks = read(c, "system_virtual_schema", "keyspaces");
  EXPECT_EQ(ks.where("keyspace_name", text("system_virtual_schema")).size(), 1u);
  EXPECT_TRUE(ks.where("keyspace_name", text("system")).empty());
  auto tables = read(c, "system_virtual_schema", "tables");
  EXPECT_EQ(tables.where("table_name", text("columns")).size(), 1u);
  auto columns = read(c, "system_virtual_schema", "columns");
  EXPECT_FALSE(columns.rows.empty());
  EXPECT_TRUE(columns.where("keyspace_name", text("system")).empty());
}

// Every value of every system table encodes with its column's type, so the server can send it.
TEST(CatalogSystemTables, EveryRowEncodesWithItsColumnTypes) {
  const catalog c = user_schema();
  for (const auto& [ks_name, ks] : c.keyspaces()) {
    for (const auto& [name, table] : ks.tables) {
      if (!table->is_virtual) continue;
      for (const auto& r : c.system_rows(*table, three_nodes(), 0)) {
        ASSERT_EQ(r.size(), table->columns.size()) << ks_name << "." << name;
        for (std::size_t i = 0; i < r.size(); ++i) {
          if (r[i].is_null()) continue;
          EXPECT_TRUE(
              protocol::encode_value(table->columns[i].type, r[i], protocol::protocol_version::v4)
                  .has_value())
              << ks_name << "." << name << "." << table->columns[i].name;
        }
      }
    }
  }
}

TEST(CatalogTopology, HostIdsAreStable) {
  const topology a = three_nodes();
  const topology b = three_nodes();
  ASSERT_EQ(a.nodes.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.nodes[i].host_id, b.nodes[i].host_id);
  }
  EXPECT_EQ(a.nodes[0].host_id, protocol::name_based_uuid("test cluster/127.0.0.1:9042"));
  EXPECT_NE(a.nodes[0].host_id, a.nodes[1].host_id);
  const topology other = make_topology("other", {"127.0.0.1"}, {9042});
  EXPECT_NE(other.nodes[0].host_id, a.nodes[0].host_id);
}

TEST(CatalogTopology, NodesKeepAddressesAndPorts) {
  const topology t = three_nodes();
  EXPECT_EQ(t.cluster_name, "test cluster");
  EXPECT_EQ(t.nodes[2].address, "127.0.0.3");
  EXPECT_EQ(t.nodes[2].port, 9044);
  EXPECT_EQ(t.nodes[2].datacenter, "datacenter1");
  EXPECT_EQ(t.nodes[2].rack, "rack1");
  const topology defaults = make_topology("c", {"10.0.0.1", "10.0.0.2"}, {});
  EXPECT_EQ(defaults.nodes[1].port, 9042);
}

TEST(CatalogTopology, TokensAreEvenlySpreadAndInterleaved) {
  const topology t = make_topology("c", {"a", "b", "c"}, {9042, 9042, 9042}, 16);
  std::vector<std::pair<std::int64_t, std::size_t>> ring;
  for (std::size_t n = 0; n < t.nodes.size(); ++n) {
    ASSERT_EQ(t.nodes[n].tokens.size(), 16u);
    EXPECT_TRUE(std::is_sorted(t.nodes[n].tokens.begin(), t.nodes[n].tokens.end()));
    for (auto token : t.nodes[n].tokens)
      ring.emplace_back(token, n);
  }
  std::sort(ring.begin(), ring.end());
  ASSERT_EQ(ring.size(), 48u);
  // No token is Long.MIN_VALUE, which owns nothing.
  EXPECT_GT(ring.front().first, std::numeric_limits<std::int64_t>::min());
  const auto step = static_cast<unsigned __int128>(ring[1].first - ring[0].first);
  // 2^64 / 48 nodes' tokens.
  EXPECT_EQ(step, (static_cast<unsigned __int128>(1) << 64) / 48);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    EXPECT_EQ(ring[i].second, i % 3) << i;  // consecutive ranges belong to different nodes
    if (i > 0) {
      EXPECT_EQ(static_cast<unsigned __int128>(ring[i].first - ring[i - 1].first), step);
    }
  }
}

TEST(CatalogTopology, TokenCountIsBounded) {
  EXPECT_EQ(make_topology("c", {"a"}, {9042}, 0).nodes[0].tokens.size(), 1u);
  EXPECT_EQ(make_topology("c", {"a"}, {9042}, 1 << 30).nodes[0].tokens.size(), 1536u);
  EXPECT_TRUE(make_topology("c", {}, {}).nodes.empty());
}

}  // namespace
}  // namespace cqlshift::sim
