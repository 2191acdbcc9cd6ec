// The routing policy as the table of SPEC.md section 3, under every combination of
// primary_cluster and system_queries_mode, from statement text through the reader, as the
// session uses it.

#include "cqlshift/proxy/routing.hpp"

#include "cqlshift/cql/statement.hpp"
#include "cqlshift/protocol/frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace cqlshift::proxy {
namespace {

// What a row of the table says, independent of the settings.
enum class expect : std::uint8_t { primary, system_cluster, both, local, peers, peers_v2 };

struct row {
  std::string_view cql;
  std::string_view session_keyspace;
  expect want;
};

// Every row of SPEC 3 that has statement text (QUERY, PREPARE, EXECUTE of what was prepared).
constexpr row rows[] = {
    // Answered by the proxy.
    {"SELECT * FROM system.local", "", expect::local},
    {"SELECT * FROM system.local WHERE key = 'local'", "ks", expect::local},
    {"select cluster_name, release_version from SYSTEM.LOCAL", "", expect::local},
    {"SELECT * FROM \"system\".\"local\"", "", expect::local},
    {"SELECT * FROM local", "system", expect::local},
    {"SELECT peer, rpc_address FROM system.peers", "", expect::peers},
    {"SELECT * FROM peers", "system", expect::peers},
    {"SELECT * FROM system.peers_v2", "", expect::peers_v2},
    {"/* driver */ SELECT * FROM peers_v2;", "system", expect::peers_v2},
    // Other reads of system keyspaces: the system_queries cluster.
    {"SELECT * FROM system.size_estimates", "", expect::system_cluster},
    {"SELECT * FROM size_estimates", "system", expect::system_cluster},
    {"SELECT * FROM system_schema.keyspaces", "", expect::system_cluster},
    {"SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks'", "ks", expect::system_cluster},
    {"SELECT * FROM system_auth.roles", "", expect::system_cluster},
    {"SELECT * FROM system_traces.sessions", "", expect::system_cluster},
    {"SELECT * FROM system_distributed.repair_history", "", expect::system_cluster},
    {"SELECT * FROM system_views.clients", "", expect::system_cluster},
    {"SELECT * FROM system_virtual_schema.tables", "", expect::system_cluster},
    {"SELECT * FROM dse_insights.tokens", "", expect::system_cluster},
    {"SELECT * FROM columns", "system_schema", expect::system_cluster},
    {"SELECT * FROM ks.local", "system", expect::primary},
    // Any other read: the primary.
    {"SELECT * FROM ks.t", "", expect::primary},
    {"SELECT * FROM t", "ks", expect::primary},
    {"SELECT * FROM t", "", expect::primary},
    {"SELECT JSON * FROM ks.t", "", expect::primary},
    {"SELECT DISTINCT k FROM ks.t", "", expect::primary},
    {"SELECT * FROM ks.docs WHERE body : 'x' ORDER BY v ANN OF [1.0] LIMIT 2", "", expect::primary},
    {"SELECT * FROM ks.local", "", expect::primary},
    {"SELECT * FROM system_x.local", "", expect::system_cluster},
    // Names are compared as Cassandra stores them: these are user keyspaces.
    {"SELECT * FROM \"System\".local", "", expect::primary},
    {"SELECT * FROM \"SYSTEM_SCHEMA\".tables", "", expect::primary},
    {"SELECT * FROM systems.t", "", expect::primary},
    {"SELECT * FROM local", "System", expect::primary},
    // The statement's keyspace wins over the session's.
    {"SELECT * FROM ks.t", "system", expect::primary},
    {"SELECT * FROM system.local", "ks", expect::local},
    // Writes, schema, roles, USE and anything unrecognised: both.
    {"INSERT INTO ks.t (k) VALUES (1)", "", expect::both},
    {"INSERT INTO system.local (key) VALUES ('x')", "", expect::both},
    {"UPDATE t SET v = 1 WHERE k = 1 IF v = 0", "ks", expect::both},
    {"DELETE FROM ks.t WHERE k = 1", "", expect::both},
    {"BEGIN BATCH INSERT INTO t (k) VALUES (1); APPLY BATCH", "ks", expect::both},
    {"CREATE TABLE ks.t (k int PRIMARY KEY)", "", expect::both},
    {"ALTER TABLE system_schema.tables ADD x int", "", expect::both},
    {"DROP KEYSPACE ks", "", expect::both},
    {"TRUNCATE system.local", "", expect::both},
    {"GRANT SELECT ON ks.t TO r", "", expect::both},
    {"CREATE ROLE r", "", expect::both},
    {"LIST ROLES", "", expect::both},
    {"USE ks", "", expect::both},
    {"USE system", "", expect::both},
    {"-- SELECT * FROM t\nINSERT INTO t (k, v) VALUES (1, 'SELECT')", "ks", expect::both},
    {"SELECT * FROM t; INSERT INTO t (k) VALUES (1)", "ks", expect::both},
    {"SELECT * FROM t WHERE v = 'unterminated", "ks", expect::both},
    {"EXPLAIN SELECT * FROM t", "ks", expect::both},
    {"", "ks", expect::both},
};

destination to_destination(cluster c) {
  return c == cluster::origin ? destination::origin : destination::target;
}

decision expected(expect e, const routing_settings& r) {
  switch (e) {
    case expect::primary:
      return {to_destination(r.primary), true, virtual_table::none, r.shadow_reads};
    case expect::system_cluster:
      return {to_destination(r.system_queries), true, virtual_table::none};
    case expect::both:
      return {destination::both, false, virtual_table::none};
    case expect::local:
      return {destination::proxy, true, virtual_table::local};
    case expect::peers:
      return {destination::proxy, true, virtual_table::peers};
    case expect::peers_v2:
      return {destination::proxy, true, virtual_table::peers_v2};
  }
  return {};
}

std::string describe(const decision& d) {
  static constexpr std::string_view to[] = {"origin", "target", "both", "proxy"};
  static constexpr std::string_view table[] = {"none", "local", "peers", "peers_v2"};
  return std::string(to[static_cast<int>(d.to)]) + (d.is_read ? " read" : " write") + " table " +
         std::string(table[static_cast<int>(d.table)]) + (d.shadow ? " + shadow" : "");
}

TEST(RouteStatement, Spec3TableUnderEverySetting) {
  for (const cluster primary : {cluster::origin, cluster::target}) {
    for (const cluster system_queries : {cluster::origin, cluster::target}) {
      for (const bool shadow_reads : {false, true}) {
        const routing_settings settings{primary, system_queries, shadow_reads};
        for (const row& r : rows) {
          SCOPED_TRACE(std::string("primary ") + std::string(to_string(primary)) +
                       ", system_queries " + std::string(to_string(system_queries)) +
                       (shadow_reads ? ", shadow reads" : "") + ", session keyspace '" +
                       std::string(r.session_keyspace) + "': " + std::string(r.cql));
          const decision got =
              route_statement(cql::read_statement(r.cql), r.session_keyspace, settings);
          EXPECT_EQ(describe(got), describe(expected(r.want, settings)));
        }
      }
    }
  }
}

// Shadow reads go with user-data reads only: never with system keyspaces, virtual tables,
// or anything sent to both clusters.
TEST(RouteStatement, ShadowOnlyForUserReads) {
  const routing_settings dual{cluster::target, cluster::origin, true};
  EXPECT_EQ(route_statement(cql::read_statement("SELECT * FROM ks.t WHERE k = 1"), "", dual),
            (decision{destination::target, true, virtual_table::none, true}));
  EXPECT_FALSE(
      route_statement(cql::read_statement("SELECT * FROM system_schema.tables"), "", dual).shadow);
  EXPECT_FALSE(route_statement(cql::read_statement("SELECT * FROM system.local"), "", dual).shadow);
  EXPECT_FALSE(
      route_statement(cql::read_statement("INSERT INTO ks.t (k) VALUES (1)"), "", dual).shadow);
  EXPECT_FALSE(route_statement(cql::read_statement("SELECT * FROM t"), "system_auth", dual).shadow);
}

TEST(RouteStatement, DefaultsSendReadsToOrigin) {
  const routing_settings defaults;
  EXPECT_EQ(route_statement(cql::read_statement("SELECT * FROM ks.t"), "", defaults),
            (decision{destination::origin, true, virtual_table::none}));
  EXPECT_EQ(
      route_statement(cql::read_statement("SELECT * FROM system_schema.tables"), "", defaults),
      (decision{destination::origin, true, virtual_table::none}));
}

// The router trusts statement_info alone (EXECUTE routes by what was kept at PREPARE).
TEST(RouteStatement, UsesTheStatementInfoAsGiven) {
  const routing_settings target_primary{cluster::target, cluster::origin};
  cql::statement_info select;
  select.kind = cql::statement_kind::select;
  select.target = {"", "events"};
  EXPECT_EQ(route_statement(select, "app", target_primary).to, destination::target);
  EXPECT_EQ(route_statement(select, "system_traces", target_primary).to, destination::origin);

  cql::statement_info insert = select;
  insert.kind = cql::statement_kind::insert;
  EXPECT_EQ(route_statement(insert, "app", target_primary),
            (decision{destination::both, false, virtual_table::none}));

  const cql::statement_info unlexed;  // kind other
  EXPECT_EQ(route_statement(unlexed, "system", target_primary).to, destination::both);
}

TEST(RouteMessage, MessagesWithoutTextGoToBoth) {
  const decision both{destination::both, false, virtual_table::none};
  EXPECT_EQ(route_message(protocol::opcode::startup), both);
  EXPECT_EQ(route_message(protocol::opcode::options), both);
  EXPECT_EQ(route_message(protocol::opcode::register_), both);
  EXPECT_EQ(route_message(protocol::opcode::batch), both);
  // Not meant for route_message, but the fallback must not lose a write.
  EXPECT_EQ(route_message(protocol::opcode::query), both);
  EXPECT_EQ(route_message(protocol::opcode::execute), both);
}

TEST(Cluster, NamesAndOther) {
  EXPECT_EQ(to_string(cluster::origin), "ORIGIN");
  EXPECT_EQ(to_string(cluster::target), "TARGET");
  EXPECT_EQ(other(cluster::origin), cluster::target);
  EXPECT_EQ(other(cluster::target), cluster::origin);
}

}  // namespace
}  // namespace cqlshift::proxy
