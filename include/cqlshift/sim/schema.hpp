#pragma once
// The schema objects of cqlsim: keyspaces, tables with their columns, and user types. The
// catalog (catalog.hpp) owns them; the executor reads them. Definitions are immutable once
// published (shared_ptr<const>): DDL builds a new definition and swaps it in, so a prepared
// statement holding the old one stays valid.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/primitives.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::sim {

enum class column_kind : std::uint8_t { partition_key, clustering, regular, static_ };

struct column_def {
  std::string name;
  protocol::data_type type;
  // The type as system_schema.columns spells it: "text", "frozen<list<int>>", "map<text, int>",
  // "frozen<address>" (UDT names without keyspace).
  std::string cql_type;
  column_kind kind = column_kind::regular;
  int position = -1;  // index within the partition key or clustering key; -1 otherwise
  bool descending = false;  // clustering column with CLUSTERING ORDER ... DESC
  // A non-frozen collection: stored cell per element (each with its own timestamp and TTL),
  // so adding to it needs no read. Frozen collections, UDTs and tuples are one cell. (cqlsim
  // stores non-frozen UDTs as one cell too.)
  bool multi_cell = false;

  bool is_primary_key() const noexcept {
    return kind == column_kind::partition_key || kind == column_kind::clustering;
  }
};

struct table_def {
  std::string keyspace;
  std::string name;
  protocol::uuid id{};
  // In Cassandra's SELECT * order: partition key columns in key order, clustering columns in
  // key order, then the other columns (static and regular) sorted by name.
  std::vector<column_def> columns;
  std::vector<std::size_t> partition_key;  // indices into columns, key order
  std::vector<std::size_t> clustering;     // indices into columns, key order
  bool is_counter = false;                 // has counter columns (then only counters)
  bool is_virtual = false;                 // system tables: rows come from catalog::system_rows
  std::int32_t default_time_to_live = 0;   // seconds; 0: none
  // Every table option as system_schema.tables shows it (comment, gc_grace_seconds, ...),
  // already as values of the system_schema column types.
  std::map<std::string, protocol::cql_value> options;

  const column_def* find(std::string_view column) const noexcept;
  std::optional<std::size_t> index_of(std::string_view column) const noexcept;
};

struct user_type_def {
  std::string keyspace;
  std::string name;
  std::vector<std::string> field_names;
  std::vector<protocol::data_type> field_types;
  std::vector<std::string> field_cql_types;  // as system_schema.types spells them
  protocol::data_type as_data_type() const;
};

struct keyspace_def {
  std::string name;
  // Replication options as system_schema.keyspaces shows them: class (full Java class name)
  // first, then the others.
  std::vector<std::pair<std::string, std::string>> replication;
  bool durable_writes = true;
  bool is_system = false;  // system, system_schema, ...: no DDL, no writes
  std::map<std::string, std::shared_ptr<const table_def>> tables;
  std::map<std::string, std::shared_ptr<const user_type_def>> types;
};

}  // namespace cqlshift::sim
