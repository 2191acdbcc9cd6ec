#pragma once
// The schema of one cqlsim cluster: keyspaces, tables, user types; DDL; and the rows of the
// system tables drivers read at connect time (system.local, system.peers, system.peers_v2,
// system_schema.*, system_virtual_schema.*), generated from the schema and the topology.
//
// Not thread-safe: cqlsim runs every node of a process on one thread.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/schema_change.hpp"
#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/error.hpp"
#include "cqlshift/sim/schema.hpp"
#include "cqlshift/sim/topology.hpp"

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::sim {

// What a DDL statement did. `change` is nullopt when nothing changed (IF NOT EXISTS on an
// existing object, IF EXISTS on a missing one): the client then gets RESULT Void.
struct ddl_outcome {
  std::optional<protocol::schema_change> change;
  // Tables whose data must go: dropped tables, every table of a dropped keyspace. The
  // executor drops their storage (keyed by table id).
  std::vector<protocol::uuid> dropped_tables;
  // Columns dropped from a table (their cells must disappear from its rows).
  std::vector<std::string> dropped_columns;
};

// A resolved column type: the protocol type, the system_schema spelling, and whether the
// value is stored cell per element (see column_def::multi_cell).
struct resolved_type {
  protocol::data_type type;
  std::string cql_type;
  bool multi_cell = false;
};

class catalog {
 public:
  // With the system keyspaces (system, system_schema, system_auth, system_distributed,
  // system_traces, system_virtual_schema) and their tables defined.
  catalog();

  const keyspace_def* find_keyspace(std::string_view name) const noexcept;
  std::shared_ptr<const table_def> find_table(std::string_view keyspace,
                                              std::string_view name) const noexcept;
  std::shared_ptr<const user_type_def> find_type(std::string_view keyspace,
                                                 std::string_view name) const noexcept;
  const std::map<std::string, keyspace_def>& keyspaces() const noexcept { return keyspaces_; }

  // Runs CREATE/ALTER/DROP KEYSPACE, CREATE/ALTER/DROP TABLE, CREATE/DROP TYPE with
  // Cassandra's errors: AlreadyExists (with its details) for an existing keyspace/table/type
  // without IF NOT EXISTS, InvalidRequest for a missing one without IF EXISTS, for a
  // keyspace-less name with no session keyspace, for schema errors (unknown type, no
  // primary key, counter mixed with non-counter columns, a collection in the primary key that
  // is not frozen, altering a primary key column, dropping a type still in use, DDL on a
  // system keyspace: Unauthorized as Cassandra), ConfigurationException for bad replication.
  // `session_keyspace` may be empty.
  sim_result<ddl_outcome> apply(const statement& ddl, std::string_view session_keyspace);

  // Resolves a written type in `keyspace` (for UDTs). InvalidRequest for an unknown type,
  // a UDT of another keyspace, a non-frozen collection nested in a collection, and the like.
  sim_result<resolved_type> resolve(const type_expr& t, std::string_view keyspace) const;

  // The schema version uuid system.local/peers report; a new one after every change.
  const protocol::uuid& schema_version() const noexcept { return schema_version_; }

  // The rows of a virtual (system) table, each row parallel to table.columns, as seen from
  // node `self` of `topo` (system.local shows self, system.peers the others). Rows may come
  // in any order; the executor orders them by key like any table.
  std::vector<std::vector<protocol::cql_value>> system_rows(const table_def& table,
                                                            const topology& topo,
                                                            std::size_t self) const;

  // Drops every non-system keyspace (admin reset).
  void reset();

  // The datacenters of the cluster (from its topology): NetworkTopologyStrategy's
  // 'replication_factor' option expands to each of them, as Cassandra does. Default:
  // {"datacenter1"}.
  void set_datacenters(std::vector<std::string> names);

 private:
  sim_result<ddl_outcome> create_keyspace(const create_keyspace_stmt& s);
  sim_result<ddl_outcome> alter_keyspace(const alter_keyspace_stmt& s);
  sim_result<ddl_outcome> drop_keyspace(const drop_keyspace_stmt& s);
  sim_result<ddl_outcome> create_table(const create_table_stmt& s, std::string_view session_ks);
  sim_result<ddl_outcome> alter_table(const alter_table_stmt& s, std::string_view session_ks);
  sim_result<ddl_outcome> drop_table(const drop_table_stmt& s, std::string_view session_ks);
  sim_result<ddl_outcome> create_type(const create_type_stmt& s, std::string_view session_ks);
  sim_result<ddl_outcome> drop_type(const drop_type_stmt& s, std::string_view session_ks);

  keyspace_def* find_keyspace_mutable(std::string_view name) noexcept;
  protocol::uuid random_uuid();  // version 4
  // Records a schema change: a new schema_version and the outcome carrying `change`.
  ddl_outcome changed(protocol::schema_change change);

  std::map<std::string, keyspace_def> keyspaces_;
  protocol::uuid schema_version_{};
  std::mt19937_64 random_;
  std::vector<std::string> datacenters_{"datacenter1"};
};

}  // namespace cqlshift::sim
