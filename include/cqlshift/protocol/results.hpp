#pragma once
// RESULT (spec 4.2.5): an [int] kind, then a body per kind. The readers and writers here
// handle the body after the kind; decode_response/encode_response add the kind.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"
#include "cqlshift/protocol/schema_change.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cqlshift::protocol {

enum class result_kind : std::int32_t {
  void_ = 0x0001,
  rows = 0x0002,
  set_keyspace = 0x0003,
  prepared = 0x0004,
  schema_change = 0x0005,
};

struct void_result {
  bool operator==(const void_result&) const = default;
};

// Each row has metadata.column_count cells; a null cell ([bytes] of length -1) is nullopt.
struct rows_result {
  rows_metadata metadata;
  std::vector<std::vector<std::optional<bytes>>> rows;
  bool operator==(const rows_result&) const = default;
};

struct set_keyspace_result {
  std::string keyspace;
  bool operator==(const set_keyspace_result&) const = default;
};

// result_metadata_id is present exactly when has_result_metadata_id(v).
struct prepared_result {
  bytes id;
  std::optional<bytes> result_metadata_id;
  prepared_metadata variables;
  rows_metadata result_metadata;
  bool operator==(const prepared_result&) const = default;
};

struct schema_change_result {
  schema_change change;
  bool operator==(const schema_change_result&) const = default;
};

// Errors: those of read_rows_metadata; negative_length for a negative row count or a cell
// length below -1; length_out_of_bounds when rows * columns cells (4 bytes each at least)
// cannot fit the bytes left, checked before any row is allocated; invalid_value for rows
// without columns (nothing would bound their number).
rows_result read_rows_result(reader& r, protocol_version v);
// Errors: those of write_rows_metadata; invalid_value when a row does not have
// metadata.column_count cells or there are rows but no columns.
void write_rows_result(const rows_result& rows, protocol_version v, writer& w);

prepared_result read_prepared_result(reader& r, protocol_version v);
// Errors: those of the metadata writers; invalid_value when result_metadata_id is missing
// where the version requires it, not_at_this_version when present where it does not exist.
void write_prepared_result(const prepared_result& p, protocol_version v, writer& w);

}  // namespace cqlshift::protocol
