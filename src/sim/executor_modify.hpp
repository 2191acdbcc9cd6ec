#pragma once
// INSERT, UPDATE and DELETE: compiled against the schema (with Cassandra's validation and
// messages), evaluated for one request into mutations, and applied to the storage with
// Cassandra's write semantics (row marker on INSERT only, collection overwrite = tombstone at
// timestamp - 1 plus the elements, counters accumulate, TTL per cell). LWT and BATCH build on
// the same three steps.

#include "executor.hpp"
#include "executor_where.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cqlshift::sim::exec {

struct operation_plan {
  enum class kind : std::uint8_t {
    set,             // c = v (INSERT values too)
    set_element,     // l[i] = v, m[k] = v
    set_field,       // u.f = v
    append,          // l = l + v, s = s + v, m = m + v
    prepend,         // l = v + l
    remove,          // l = l - v, s = s - v, m = m - keys
    counter_add,     // c = c + n
    counter_sub,     // c = c - n
    delete_column,   // DELETE c
    delete_element,  // DELETE l[i], m[k], s[e]
    delete_field,    // DELETE u.f
  };
  kind what = kind::set;
  std::size_t column = 0;
  const term* value = nullptr;  // null for deletions and INSERT JSON columns
  const term* key = nullptr;    // element index / key
  std::size_t field = 0;        // UDT field index
  protocol::data_type value_type;  // what `value` evaluates to
  protocol::data_type key_type;
};

// An IF condition: on a column, one of its elements (l[i], m[k]) or a UDT field.
struct condition_plan {
  enum class target : std::uint8_t { column, element, field };
  const condition* cond = nullptr;
  std::size_t column = 0;
  target what = target::column;
  protocol::data_type value_type;  // the type of what is compared
  protocol::data_type key_type;    // element
  std::size_t field = 0;
};

struct modification_plan {
  statement_type type = statement_type::update;
  std::shared_ptr<const table_def> table;
  where_plan where;                    // UPDATE / DELETE
  std::vector<const term*> insert_pk;  // INSERT: per partition key position
  std::vector<const term*> insert_ck;  // INSERT: per clustering position (null: absent)
  std::vector<operation_plan> ops;
  bool regular_ops = false;
  bool static_ops = false;
  bool static_only = false;  // touches only the static row
  const using_clause* using_ = nullptr;
  bool if_exists = false;
  bool if_not_exists = false;
  std::vector<condition_plan> conditions;
  const insert_stmt* json_insert = nullptr;

  bool has_conditions() const noexcept {
    return if_exists || if_not_exists || !conditions.empty();
  }
  bool is_counter() const noexcept { return table && table->is_counter; }
};

// An INSERT, UPDATE or DELETE wherever it sits (a statement, or a statement of a BATCH).
using modification_ref = std::variant<const insert_stmt*, const update_stmt*, const delete_stmt*>;
modification_ref ref_of(const modification& m);
std::optional<modification_ref> ref_of(const statement& s);

sim_result<modification_plan> compile_modification(const catalog& cat, modification_ref m,
                                                   std::string_view keyspace, binder* b);
sim_result<modification_plan> compile_insert(const catalog& cat, const insert_stmt& s,
                                             std::string_view keyspace, binder* b);
sim_result<modification_plan> compile_update(const catalog& cat, const update_stmt& s,
                                             std::string_view keyspace, binder* b);
sim_result<modification_plan> compile_delete(const catalog& cat, const delete_stmt& s,
                                             std::string_view keyspace, binder* b);

// ---- evaluation ----

struct evaluated_op {
  const operation_plan* plan = nullptr;
  value_ref value;
  value_ref key;
};

struct evaluated_condition {
  const condition_plan* plan = nullptr;
  std::vector<value_ref> values;  // one, or the IN list
  value_ref key;                  // element conditions
};

struct mutation {
  const modification_plan* plan = nullptr;
  std::int64_t timestamp = 0;
  std::int32_t ttl = 0;
  std::vector<key_value> keys;
  // What the statement touches in each partition.
  enum class scope : std::uint8_t { rows, partition, ranges, static_row } what = scope::rows;
  std::vector<store::clustering_key> clusterings;  // rows
  std::vector<store::clustering_slice> slices;     // ranges
  bool insert_liveness = false;
  bool delete_rows = false;
  std::vector<evaluated_op> ops;
  std::vector<evaluated_condition> conditions;
};

struct timestamp_choice {
  std::optional<std::int64_t> batch;  // the batch's timestamp, when in a batch
  bool server = false;                // LWT: a fresh server timestamp, whatever the client says
};

sim_result<mutation> evaluate_mutation(request& rq, const modification_plan& plan,
                                       const timestamp_choice& ts);

// Applies an evaluated mutation. `now` is the request's time in seconds.
void apply_mutation(engine& eng, const mutation& m, std::int32_t now);

// A tombstone, live or expiring cell for a write at `timestamp`.
store::cell make_cell(protocol::bytes value, std::int64_t timestamp, std::int32_t ttl,
                      std::int32_t now);

}  // namespace cqlshift::sim::exec
