#pragma once
// Result set and bind variable metadata (spec 4.2.5.2 and 4.2.5.4): the column specs shared by
// RESULT Rows and RESULT Prepared. Every flag the server sent is kept, so a decoded metadata
// block encodes back to the same bytes.

#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cqlshift::protocol {

namespace rows_flag {
inline constexpr std::uint32_t global_table_spec = 0x0001;
inline constexpr std::uint32_t has_more_pages = 0x0002;
inline constexpr std::uint32_t no_metadata = 0x0004;
inline constexpr std::uint32_t metadata_changed = 0x0008;              // has_result_metadata_id
inline constexpr std::uint32_t dse_continuous_paging = 0x40000000;     // DSE only
inline constexpr std::uint32_t dse_last_continuous_page = 0x80000000;  // DSE only
}  // namespace rows_flag

struct column_spec {
  std::string keyspace;
  std::string table;
  std::string name;
  data_type type;
  bool operator==(const column_spec&) const = default;
};

// <flags><columns_count>[<paging_state>][<new_metadata_id>][<continuous_page>]
// [<global_table_spec>?<col_spec_1>...<col_spec_n>]
//
// Invariants the encoder checks (invalid_value otherwise): with no_metadata, `columns` is
// empty and column_count says how many cells each row has; without it, column_count equals
// columns.size(). global_table_spec is kept as sent: with no_metadata the flag carries no
// names (Cassandra sets it anyway); otherwise every column shares keyspace and table, and
// there is at least one column, since the single table spec is stored in the columns.
struct rows_metadata {
  bool global_table_spec = false;
  bool no_metadata = false;
  std::int32_t column_count = 0;
  std::optional<bytes> paging_state;     // present iff Has_more_pages
  std::optional<bytes> new_metadata_id;  // present iff Metadata_changed (v5, DSE v2)
  // DSE continuous paging: the page number is present iff the continuous paging bit is set;
  // last_continuous_page is the "last page" bit and is only valid with a page number.
  std::optional<std::int32_t> continuous_page_number;
  bool last_continuous_page = false;
  std::vector<column_spec> columns;
  bool operator==(const rows_metadata&) const = default;
};

// <flags><columns_count><pk_count>[<pk_index_1>...<pk_index_n>]
// [<global_table_spec>?<col_spec_1>...<col_spec_n>]; pk_count and indices from v4 on.
struct prepared_metadata {
  bool global_table_spec = false;
  std::vector<std::uint16_t> pk_indices;
  std::vector<column_spec> columns;
  bool operator==(const prepared_metadata&) const = default;
};

// Errors: invalid_value for a flag bit the version does not define, for Has_more_pages with a
// null paging state, for the DSE last-page bit without the continuous paging bit and for a
// global table spec with zero columns (the names would have nowhere to go);
// negative_length for a negative column count; length_out_of_bounds when the column count
// cannot fit the bytes left.
rows_metadata read_rows_metadata(reader& r, protocol_version v);
// Errors: invalid_value when the invariants above do not hold; not_at_this_version for
// new_metadata_id without has_result_metadata_id(v) and continuous paging fields without
// has_continuous_paging(v).
void write_rows_metadata(const rows_metadata& m, protocol_version v, writer& w);

prepared_metadata read_prepared_metadata(reader& r, protocol_version v);
// not_at_this_version for pk_indices before v4; invalid_value when global_table_spec is set
// and the columns are empty or do not share one keyspace and table.
void write_prepared_metadata(const prepared_metadata& m, protocol_version v, writer& w);

}  // namespace cqlshift::protocol
