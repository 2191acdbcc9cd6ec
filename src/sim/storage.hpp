#pragma once
// What one cqlsim table holds, kept the way Cassandra's storage engine keeps it, so that the
// merge of every write is the result a Cassandra read would return:
//   - partitions ordered by (Murmur3 token of the serialized key, key bytes);
//   - per partition: a partition deletion, the static row, rows ordered by clustering key
//     (each column by its type's order, DESC columns reversed), range tombstones;
//   - per row: the primary key liveness (INSERT's row marker), a row deletion, and per column
//     either one cell or, for a non-frozen collection, a cell per element plus a collection
//     tombstone.
// Writes reconcile immediately (Cells.reconcile), and data a deletion shadows is purged at once
// (the deletion itself stays, so an older write arriving later is still shadowed).
//
// Cell values are stored as the v4 (v3+) wire bytes of their type, which is also what
// Cassandra's storage compares when two live cells tie on timestamp.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/sim/schema.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace cqlshift::sim::store {

inline constexpr std::int64_t no_timestamp = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int32_t no_deletion_time = std::numeric_limits<std::int32_t>::max();

// A partition, row, range or collection deletion: everything written at or before
// marked_for_delete_at is gone.
struct deletion_time {
  std::int64_t marked_for_delete_at = no_timestamp;
  std::int32_t local_deletion_time = no_deletion_time;

  bool is_live() const noexcept { return marked_for_delete_at == no_timestamp; }
  bool deletes(std::int64_t timestamp) const noexcept {
    return timestamp <= marked_for_delete_at;
  }
  // DeletionTime.supersedes: the later deletion, ties to the later local time.
  bool supersedes(const deletion_time& other) const noexcept {
    return marked_for_delete_at > other.marked_for_delete_at ||
           (marked_for_delete_at == other.marked_for_delete_at &&
            local_deletion_time > other.local_deletion_time);
  }
  void merge(const deletion_time& other) noexcept {
    if (other.supersedes(*this)) *this = other;
  }
};

// The primary key liveness of a row (what INSERT writes and UPDATE does not).
struct liveness_info {
  std::int64_t timestamp = no_timestamp;
  std::int32_t ttl = 0;  // 0: not expiring
  std::int32_t local_expiration_time = no_deletion_time;

  bool empty() const noexcept { return timestamp == no_timestamp; }
  bool is_live(std::int32_t now) const noexcept {
    return !empty() && (ttl == 0 || now < local_expiration_time);
  }
  // LivenessInfo.supersedes.
  bool supersedes(const liveness_info& other) const noexcept;
};

// One cell: a live value, an expiring value (ttl > 0, local_deletion_time = expiry) or a
// tombstone (ttl == 0, local_deletion_time = when it was deleted), as Cassandra's Cell.
struct cell {
  protocol::bytes value;
  std::int64_t timestamp = no_timestamp;
  std::int32_t ttl = 0;
  std::int32_t local_deletion_time = no_deletion_time;

  bool is_tombstone() const noexcept {
    return ttl == 0 && local_deletion_time != no_deletion_time;
  }
  bool is_expiring() const noexcept { return ttl != 0; }
  bool is_live(std::int32_t now) const noexcept {
    return local_deletion_time == no_deletion_time || (ttl != 0 && now < local_deletion_time);
  }
};

// Cells.reconcile for regular cells: whether `update` wins over `existing`.
bool wins_over(const cell& update, const cell& existing) noexcept;

// One element of a non-frozen collection. Lists: `path` is a generated, byte-ordered key and
// `key` is null. Sets: `path` is the element's bytes, `key` the element, `value` empty. Maps:
// `path`/`key` the map key, `value` the map value.
struct complex_cell {
  protocol::bytes path;
  protocol::cql_value key;
  cell value;
};

struct complex_column {
  deletion_time deletion;           // whole-collection tombstone
  std::vector<complex_cell> cells;  // sorted by path (see path_less)
};

using column_data = std::variant<std::monostate, cell, complex_column>;

struct row {
  liveness_info liveness;
  deletion_time deletion;
  std::vector<column_data> columns;  // by storage slot (table_storage::slot_for)

  bool has_no_data() const noexcept;
};

// A clustering key: the decoded values (for ordering and filtering) and their bytes (for
// results), parallel; empty for tables without clustering columns.
struct clustering_key {
  std::vector<protocol::cql_value> values;
  std::vector<protocol::bytes> bytes;
};

// The order of clustering keys of one table. Compares the common prefix of two value lists;
// DESC columns reversed.
class clustering_order {
 public:
  clustering_order(std::vector<protocol::data_type> types, std::vector<bool> descending);
  int compare_prefix(const std::vector<protocol::cql_value>& a,
                     const std::vector<protocol::cql_value>& b) const;
  std::size_t size() const noexcept { return types_.size(); }
  const protocol::data_type& type(std::size_t i) const { return types_[i]; }
  bool descending(std::size_t i) const { return descending_[i]; }

 private:
  std::vector<protocol::data_type> types_;
  std::vector<bool> descending_;
};

// Where a prefix of clustering values sits among full keys: before every key starting with
// it (after = false) or after all of them (after = true). Lets std::map find the range of rows
// sharing a prefix.
struct prefix_position {
  const std::vector<protocol::cql_value>* prefix = nullptr;
  bool after = false;
};

class row_less {
 public:
  using is_transparent = void;
  explicit row_less(std::shared_ptr<const clustering_order> order) : order_(std::move(order)) {}
  bool operator()(const clustering_key& a, const clustering_key& b) const {
    return order_->compare_prefix(a.values, b.values) < 0;
  }
  bool operator()(const clustering_key& a, const prefix_position& b) const;
  bool operator()(const prefix_position& a, const clustering_key& b) const;

 private:
  std::shared_ptr<const clustering_order> order_;
};

using row_map = std::map<clustering_key, row, row_less>;

// One bound of a clustering slice: a tuple of values for the columns after the slice's
// equality prefix, compared in each column's natural order (CQL's tuple comparison, whatever
// the clustering order).
struct clustering_bound {
  std::vector<protocol::cql_value> values;
  bool inclusive = true;
};

// A set of rows of a partition in logical terms: equality on the first prefix.size()
// clustering columns, then optionally a lower and an upper bound on the next ones. Used both
// by reads (WHERE restrictions) and by range tombstones (DELETE over a prefix or range).
struct clustering_slice {
  std::vector<protocol::cql_value> prefix;
  std::optional<clustering_bound> start;
  std::optional<clustering_bound> end;
};

struct range_tombstone {
  clustering_slice slice;
  deletion_time deletion;
};

struct partition {
  std::vector<protocol::bytes> key_components;       // per partition key column
  std::vector<protocol::cql_value> key_values;       // decoded, parallel
  deletion_time deletion;
  row static_row;
  row_map rows;
  std::vector<range_tombstone> range_tombstones;

  explicit partition(std::shared_ptr<const clustering_order> order) : rows(row_less(order)) {}
};

struct partition_position {
  std::int64_t token = 0;
  protocol::bytes key;
  bool operator<(const partition_position& o) const noexcept {
    if (token != o.token) return token < o.token;
    return key < o.key;  // unsigned lexicographic, as ByteBuffer compareTo
  }
  bool operator==(const partition_position& o) const noexcept {
    return token == o.token && key == o.key;
  }
};

using partition_map = std::map<partition_position, partition>;

// The storage of one table. Columns are kept in slots that survive ALTER TABLE ADD/DROP:
// a dropped column's slot is retired with its data, so re-adding the name starts empty
// (as Cassandra's dropped-column record does).
class table_storage {
 public:
  explicit table_storage(const table_def& table);

  // The slot of each column of `table`, in table.columns order (-1 for key columns, which
  // are not stored as cells). Cached per definition.
  const std::vector<int>& slots_for(const std::shared_ptr<const table_def>& table);
  void drop_column(std::string_view name);
  void truncate() {
    partitions.clear();
    index_.clear();
  }

  const std::shared_ptr<const clustering_order>& order() const noexcept { return order_; }
  partition& get_or_create(const partition_position& pos,
                           const std::vector<protocol::bytes>& components,
                           const std::vector<protocol::cql_value>& values);
  partition* find(const partition_position& pos);

  // Ordered for scans; add partitions only through get_or_create (it keeps the index).
  partition_map partitions;

 private:
  std::shared_ptr<const clustering_order> order_;
  std::vector<std::string> slot_names_;  // "" once retired
  std::shared_ptr<const table_def> cached_def_;
  std::vector<int> cached_slots_;
  // Partitions by token, so single-partition statements do not walk the ordered map.
  std::unordered_multimap<std::int64_t, partition_map::iterator> index_;
};

// Whether the clustering values of a row fall in a slice.
bool slice_contains(const clustering_order& order, const clustering_slice& slice,
                    const std::vector<protocol::cql_value>& key);

// ---- writes ----

// The path order of a complex column's cells.
bool path_less(const protocol::data_type& column_type, const complex_cell& a,
               const complex_cell& b);

// Merges a simple cell into a row's slot. Writes a deletion already shadows are dropped
// (`shadowing` is the deletion covering the row, see row_deletion).
void write_cell(row& r, int slot, cell c, const deletion_time& shadowing);
// Merges a counter delta: the live value (0 when none) plus delta, as Cassandra's counter
// write reads the local shard first. A cell tombstone keeps the counter deleted.
void write_counter(row& r, int slot, std::int64_t delta, std::int64_t timestamp,
                   const deletion_time& shadowing, std::int32_t now);
// Merges one element of a non-frozen collection.
void write_element(row& r, int slot, const protocol::data_type& column_type, complex_cell c,
                   const deletion_time& shadowing);
// A whole-collection tombstone (c = {...} writes one at timestamp - 1, DELETE c one at ts).
void delete_collection(row& r, int slot, const deletion_time& d);
void delete_row(row& r, const deletion_time& d);
void delete_partition(partition& p, const deletion_time& d);
void add_range_tombstone(partition& p, const clustering_order& order, range_tombstone rt);
void write_liveness(row& r, const liveness_info& l, const deletion_time& shadowing);

// ---- reads ----

// The deletion that applies to the regular row `key` of `p` (partition, range tombstones and
// the row's own deletion, the latest wins).
deletion_time row_deletion(const partition& p, const clustering_order& order,
                           const clustering_key& key, const row& r);

bool cell_visible(const cell& c, const deletion_time& shadowing, std::int32_t now) noexcept;
// Whether a row has live data: a live primary key liveness or any live cell.
bool row_is_live(const row& r, const deletion_time& shadowing, std::int32_t now) noexcept;

// The live elements of a complex column serialized as the collection value of `column_type`
// (v4 layout), or nullopt when none is live.
std::optional<protocol::bytes> serialize_collection(const protocol::data_type& column_type,
                                                    const complex_column& c,
                                                    const deletion_time& shadowing,
                                                    std::int32_t now);

}  // namespace cqlshift::sim::store
