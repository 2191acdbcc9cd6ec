#pragma once
// SELECT: the selection (columns, functions, aggregates, JSON) with the names and types
// Cassandra gives result columns, and the query itself (restrictions, ORDER BY, LIMIT, PER
// PARTITION LIMIT, DISTINCT, paging). The LWT result sets reuse the selection pieces.

#include "executor.hpp"
#include "executor_read.hpp"
#include "executor_where.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cqlshift::sim::exec {

struct selector_plan {
  enum class kind : std::uint8_t {
    column,
    writetime,
    ttl,
    token,
    count_rows,
    count,
    min,
    max,
    sum,
    avg,
    scalar,
    cast,
    field,
    literal,
  };
  kind what = kind::column;
  std::size_t column = 0;  // column, writetime, ttl
  std::vector<selector_plan> args;
  protocol::data_type type;  // the result type
  std::string name;          // Cassandra's name for the result column
  std::string function;      // scalar: the function name, lower case
  std::size_t field = 0;     // field: index in the UDT
  const term* literal = nullptr;

  bool is_aggregate() const noexcept {
    return what == kind::count_rows || what == kind::count || what == kind::min ||
           what == kind::max || what == kind::sum || what == kind::avg;
  }
};

struct selection_plan {
  std::vector<selector_plan> selectors;
  std::vector<protocol::column_spec> specs;  // parallel to selectors (aliases applied)
  std::vector<bool> needed;                  // table columns the selectors read
  bool aggregate = false;
  bool json = false;
  bool wildcard = false;
  // Every selected column is a partition key or static column (and at least one static).
  bool only_static = false;
};

// The selection of a SELECT (or `SELECT *` when `stmt.star`).
sim_result<selection_plan> plan_selection(const table_def& t, const select_stmt& stmt,
                                          binder* b);
// The selection of the given columns (LWT result sets).
selection_plan columns_selection(const table_def& t, const std::vector<std::size_t>& columns);

// The result metadata of a selection: its columns, or one "[json]" text column.
protocol::rows_metadata result_metadata(const table_def& t, const selection_plan& s);

// Turns fetched rows into result rows (aggregating when the selection is an aggregate).
class row_builder {
 public:
  row_builder(const table_def& t, const selection_plan& s, const request& rq);
  void add(const fetched_row& r);
  // The result rows in the request's protocol version.
  std::vector<std::vector<std::optional<protocol::bytes>>> finish();
  std::size_t size() const noexcept { return rows_.size(); }
  // Raw (v4) result rows; the builder keeps them until finish().
  std::vector<std::vector<std::optional<protocol::bytes>>>& raw_rows() noexcept { return rows_; }

 private:
  struct accumulator {
    std::int64_t count = 0;
    std::optional<protocol::cql_value> best;  // min/max
    protocol::cql_value sum;
    bool first_set = false;
    std::optional<protocol::bytes> first;  // non-aggregate selectors of an aggregate query
  };

  const table_def& t_;
  const selection_plan& s_;
  const request& rq_;
  std::vector<std::vector<std::optional<protocol::bytes>>> rows_;
  std::vector<accumulator> acc_;
};

// The compiled form of a SELECT: everything checked against the schema.
struct select_plan {
  std::shared_ptr<const table_def> table;
  selection_plan selection;
  where_plan where;
  bool reversed = false;
  bool post_order = false;  // IN on the partition key with ORDER BY: sort the rows afterwards
  std::vector<std::pair<std::size_t, bool>> ordering;  // (table column, descending)
};

sim_result<select_plan> compile_select(const catalog& cat, const select_stmt& s,
                                       std::string_view keyspace, binder* b);

// Runs a SELECT; `compiled` is its plan when the caller already has one (a prepared
// statement's cached plan), else it is compiled here.
sim_result<protocol::rows_result> execute_select(request& rq, const select_stmt& s,
                                                 const select_plan* compiled = nullptr);

}  // namespace cqlshift::sim::exec
