#pragma once
// WHERE clauses: which partitions (keys, a token range, or a scan) and which rows (clustering
// slices) a statement reads or writes, and which filters rows must also pass, validated with
// Cassandra's StatementRestrictions rules and messages. Planning works on the schema only
// (prepare uses it); evaluation binds the values of one request.

#include "executor.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace cqlshift::sim::exec {

enum class statement_type : std::uint8_t { select, insert, update, delete_ };
std::string_view to_string(statement_type t) noexcept;  // "SELECT", "UPDATE", ...

struct slice_bound {
  const term* value = nullptr;  // one value, or a tuple (literal or marker) for multi-column
  bool inclusive = true;
  std::size_t columns = 1;      // how many clustering columns the bound covers
};

// A restriction on a run of clustering columns, part of the key prefix.
struct ck_restriction {
  enum class kind : std::uint8_t { eq, in, slice };
  kind what = kind::eq;
  std::size_t first = 0;  // clustering position of its first column
  std::size_t count = 1;  // columns covered
  bool multi = false;     // written as a tuple: (a, b) = (1, 2)
  const relation* rel = nullptr;  // eq / in
  std::optional<slice_bound> start;
  std::optional<slice_bound> end;
};

// A relation rows are filtered on (ALLOW FILTERING, or a key column outside the key path).
struct row_filter {
  std::size_t column = 0;  // index in table.columns
  const relation* rel = nullptr;
};

struct where_plan {
  enum class pk_mode : std::uint8_t { keys, token, scan };
  pk_mode mode = pk_mode::scan;
  std::vector<const relation*> pk;  // keys: per partition key position, eq or in
  std::optional<slice_bound> token_start;
  std::optional<slice_bound> token_end;
  std::vector<ck_restriction> clustering;  // a valid prefix, in clustering order
  std::vector<row_filter> filters;
  bool pk_has_in = false;
  bool ck_has_in = false;
  bool ck_has_slice = false;
  std::size_t ck_restricted = 0;        // clustering columns covered by `clustering`
  bool has_clustering_relations = false;  // any relation on a clustering column
  bool has_regular_relations = false;     // any relation on a regular (not static) column
  bool needs_filtering = false;           // Cassandra's needFiltering (for the error)
  // Rows of every partition are wanted (no clustering or regular restrictions): a partition
  // without rows then still yields its static content.
  bool queries_full_partitions() const noexcept {
    return !has_clustering_relations && !has_regular_relations;
  }
};

struct where_options {
  statement_type type = statement_type::select;
  bool allow_filtering = false;
  // The statement only touches static columns (SELECT of statics only, UPDATE/DELETE of
  // statics only): clustering restrictions are then an error, and not required.
  bool static_only = false;
};

sim_result<where_plan> plan_where(const table_def& t, const std::vector<relation>& where,
                                  const where_options& options, binder* b);

// ---- evaluation ----

struct key_value {
  store::partition_position pos;
  std::vector<protocol::bytes> components;
  std::vector<protocol::cql_value> values;
};

// The partition keys of a keys-mode plan, in key order (the partition key columns' natural
// order, as Cassandra's IN), without duplicates.
sim_result<std::vector<key_value>> evaluate_keys(const request& rq, const table_def& t,
                                                 const where_plan& plan);

struct token_range {
  bool empty = false;
  std::optional<std::int64_t> start;  // nullopt: unbounded
  bool start_inclusive = true;
  std::optional<std::int64_t> end;
  bool end_inclusive = true;
  bool contains(std::int64_t token) const noexcept;
};
sim_result<token_range> evaluate_token_range(const request& rq, const where_plan& plan);

// The clustering slices of a plan in storage order (one per IN combination; one unbounded
// slice when there are no clustering restrictions).
sim_result<std::vector<store::clustering_slice>> evaluate_slices(const request& rq,
                                                                 const table_def& t,
                                                                 const where_plan& plan,
                                                                 const store::clustering_order& o);

// Full clustering keys (every clustering column restricted by = or IN), in storage order.
sim_result<std::vector<store::clustering_key>> evaluate_clustering_keys(
    const request& rq, const table_def& t, const where_plan& plan, const store::clustering_order& o);

struct bound_filter {
  std::size_t column = 0;
  relation_op op = relation_op::eq;
  protocol::data_type type;                // the type values compare with
  std::vector<protocol::cql_value> values;  // eq/slices/contains: 1; in: n
  std::optional<protocol::cql_value> key;   // map_element
};
sim_result<std::vector<bound_filter>> evaluate_filters(const request& rq, const table_def& t,
                                                       const where_plan& plan);
// Whether a row's value (null when absent) passes a filter.
bool filter_accepts(const bound_filter& f, const protocol::data_type& column_type,
                    const protocol::cql_value& v);

}  // namespace cqlshift::sim::exec
