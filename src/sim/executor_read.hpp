#pragma once
// Reading a table the way a CQL query sees it: partitions in token order (or the IN keys in
// key order), rows in clustering order (reversed on demand), only live data, filters applied,
// LIMIT / PER PARTITION LIMIT counted, and a resume point after the last row of a previous
// page. Cells are referenced, not copied, so a fetched row is only valid until the next write.

#include "executor.hpp"
#include "executor_where.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace cqlshift::sim::exec {

// One column's value in a fetched row.
struct fetched_cell {
  const protocol::bytes* ref = nullptr;
  std::optional<protocol::bytes> owned;  // a serialized collection
  std::int64_t writetime = store::no_timestamp;
  std::int32_t ttl = 0;
  std::int32_t expiry = store::no_deletion_time;

  const protocol::bytes* get() const noexcept { return owned ? &*owned : ref; }
  bool present() const noexcept { return get() != nullptr; }
};

struct fetched_row {
  const store::partition* part = nullptr;
  const store::clustering_key* clustering = nullptr;  // null: a partition's static content only
  std::vector<fetched_cell> cells;                    // per table column (needed ones filled)
};

// Where a previous page stopped: after `clustering` in the partition at `pos`, or after the
// whole partition when `clustering` is absent or nothing is left in it.
struct resume_point {
  store::partition_position pos;
  std::optional<std::vector<protocol::cql_value>> clustering;
  std::int64_t remaining_in_partition = 0;
};

struct read_spec {
  const table_def* table = nullptr;
  store::table_storage* storage = nullptr;
  std::vector<int> slots;     // per table column
  std::vector<bool> needed;   // per table column: fill it in fetched rows
  std::int32_t now = 0;

  where_plan::pk_mode mode = where_plan::pk_mode::scan;
  std::vector<key_value> keys;  // keys mode
  token_range range;            // token mode
  std::vector<store::clustering_slice> slices;
  std::vector<bound_filter> filters;
  bool reversed = false;
  bool distinct = false;
  bool static_content_for_empty = true;  // where_plan::queries_full_partitions

  std::int64_t limit = std::numeric_limits<std::int64_t>::max();
  std::int64_t per_partition_limit = std::numeric_limits<std::int64_t>::max();
  std::optional<resume_point> resume;
};

struct read_outcome {
  std::int64_t counted = 0;
  // The last row emitted: where a next page would resume.
  const store::partition* last_partition = nullptr;
  store::partition_position last_pos;
  std::optional<std::vector<protocol::cql_value>> last_clustering;  // none: static/no clustering
  std::int64_t counted_in_last_partition = 0;
  std::int64_t per_partition_limit_of_last = 0;
};

// Emits the rows of `spec` in query order to `sink` until `spec.limit` rows.
read_outcome read_rows(const read_spec& spec, const std::function<void(fetched_row&)>& sink);

// The value of column `i` of a fetched row, decoded (null when absent).
protocol::cql_value decoded_cell(const table_def& t, const fetched_row& r, std::size_t i);

}  // namespace cqlshift::sim::exec
