#pragma once
// Helpers shared by the catalog's source files (catalog*.cpp, system_*.cpp); not a public
// interface.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/catalog.hpp"
#include "cqlshift/sim/error.hpp"
#include "cqlshift/sim/schema.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::sim::detail {

// SchemaConstants.NAME_LENGTH: keyspace and table names become directory names.
inline constexpr std::size_t max_name_length = 48;
// [A-Za-z0-9_]{1,48}, SchemaConstants.isValidName.
bool is_valid_name(std::string_view name) noexcept;

cql_error config_error(std::string message);
cql_error unauthorized(std::string message);
// AlreadyExistsException: table (or type) empty for a keyspace.
cql_error already_exists(const std::string& keyspace, const std::string& table);

// system, system_schema and the virtual keyspaces: no DDL at all.
bool is_local_system_keyspace(std::string_view keyspace) noexcept;
// system_auth, system_distributed, system_traces: only ALTER KEYSPACE.
bool is_replicated_system_keyspace(std::string_view keyspace) noexcept;
// system_virtual_schema, system_views: listed by system_virtual_schema, not system_schema.
bool is_virtual_keyspace(std::string_view keyspace) noexcept;

enum class permission { create, alter, drop };
// ClientState.preventSystemKSSchemaModification: Unauthorized for DDL on a system keyspace.
// `resource` is the DataResource text ("<keyspace ks>", "<table ks.t>", "<all tables in ks>").
std::optional<cql_error> check_modifiable(std::string_view keyspace, permission perm,
                                          std::string_view resource, bool keyspace_level);

// The keyspace a DDL statement acts on: the written one, else the session's; InvalidRequest
// when there is neither.
sim_result<std::string> target_keyspace(std::string_view written, std::string_view session);

// What Cassandra checks before any DDL runs: the system keyspace rules (check_modifiable), then
// the keyspace name (InvalidRequest for an invalid one).
std::optional<cql_error> check_ddl(std::string_view keyspace, permission perm,
                                   std::string_view resource, bool keyspace_level);

// AlterSchemaStatement.validateKeyspaceName: InvalidRequest for an invalid name.
std::optional<cql_error> check_keyspace_name(std::string_view keyspace);

// What resolving a type found out, beyond resolved_type, for the checks of table and type DDL.
struct type_facts {
  resolved_type resolved;
  bool frozen = false;        // frozen<...> written or implied (tuples, inside frozen types)
  bool collection = false;    // list, set or map at the top
  bool udt = false;           // a user type at the top
  bool counter = false;       // the counter type itself
  bool has_duration = false;  // duration anywhere inside
  bool has_multi_cell_field = false;  // a non-frozen UDT with a non-frozen collection field
};

// Resolves `t` for keyspace `keyspace` (whose definition is `ks`, null when it does not exist
// yet). `inside` is true for a type nested in a frozen type, which freezes it.
sim_result<type_facts> resolve_type(const type_expr& t, std::string_view keyspace,
                                    const keyspace_def* ks, bool inside = false);

// Whether `t` (a protocol type) mentions the user type ks.name anywhere.
bool references_type(const protocol::data_type& t, std::string_view keyspace,
                     std::string_view name) noexcept;

// Sorts table.columns into SELECT * order (partition key, clustering, statics by name,
// regulars by name) and fills partition_key/clustering.
void order_columns(table_def& table);

// The table options of a new table with Cassandra's defaults, keyed by system_schema.tables
// column name.
std::map<std::string, protocol::cql_value> default_table_options();

// Applies WITH properties of CREATE/ALTER TABLE onto `options` (TableAttributes): SyntaxError
// for an unknown or malformed property, ConfigurationException for a bad value. `id` receives
// WITH id = '...'.
sim_result<void> apply_table_properties(const std::vector<property>& props,
                                        std::map<std::string, protocol::cql_value>& options,
                                        std::optional<protocol::uuid>* id);

// The text of a constant property value (a string's value, a number or boolean as written);
// nullopt for maps and other terms.
std::optional<std::string> constant_text(const term& t);

// The system keyspaces of a fresh catalog with their table definitions.
std::map<std::string, keyspace_def> make_system_keyspaces();

}  // namespace cqlshift::sim::detail
