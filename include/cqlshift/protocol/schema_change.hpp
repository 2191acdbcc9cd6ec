#pragma once
// The schema change carried by RESULT Schema_change (spec 4.2.5.5) and the SCHEMA_CHANGE event
// (spec 4.2.6); both use the same layout.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::protocol {

enum class schema_change_type { created, updated, dropped };
enum class schema_change_target { keyspace, table, type, function, aggregate };

std::string_view to_string(schema_change_type t) noexcept;    // "CREATED", ...
std::string_view to_string(schema_change_target t) noexcept;  // "KEYSPACE", ...

// `name` is empty for KEYSPACE; `arg_types` (CQL type names) only for FUNCTION/AGGREGATE.
// In v2 a change with an empty table name is a KEYSPACE change, otherwise a TABLE change.
struct schema_change {
  schema_change_type change = schema_change_type::created;
  schema_change_target target = schema_change_target::keyspace;
  std::string keyspace;
  std::string name;
  std::vector<std::string> arg_types;
  bool operator==(const schema_change&) const = default;
};

// Errors: unknown_event for a change type other than CREATED/UPDATED/DROPPED; invalid_value
// for an unknown target; not_at_this_version for FUNCTION/AGGREGATE before v4.
schema_change read_schema_change(reader& r, protocol_version v);
// Errors: not_at_this_version for a target the version cannot carry (TYPE, FUNCTION and
// AGGREGATE in v2; FUNCTION and AGGREGATE in v3); invalid_value for fields the target does
// not have (a name for KEYSPACE, arg_types outside FUNCTION/AGGREGATE) and, in v2, for a
// TABLE change with an empty name, which would read back as a KEYSPACE change.
void write_schema_change(const schema_change& c, protocol_version v, writer& w);

}  // namespace cqlshift::protocol
