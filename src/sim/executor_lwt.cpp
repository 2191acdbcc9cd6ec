#include "executor_lwt.hpp"

#include "executor_read.hpp"
#include "executor_select.hpp"

#include <algorithm>
#include <utility>

namespace cqlshift::sim::exec {

namespace {

using protocol::type_id;

std::string_view op_text(relation_op op) {
  switch (op) {
    case relation_op::lt: return "<";
    case relation_op::le: return "<=";
    case relation_op::gt: return ">";
    case relation_op::ge: return ">=";
    case relation_op::neq: return "!=";
    case relation_op::in: return "IN";
    default: return "=";
  }
}

// The current value a condition looks at (null when absent).
protocol::cql_value current_value(const table_def& t, const store::partition* p,
                                  const store::row* r, const store::deletion_time& row_shadow,
                                  const std::vector<int>& slots, const evaluated_condition& c,
                                  std::int32_t now) {
  if (p == nullptr) return {};
  const condition_plan& cp = *c.plan;
  const column_def& col = t.columns[cp.column];
  const store::row* source = r;
  store::deletion_time shadow = row_shadow;
  if (col.kind == column_kind::static_) {
    source = &p->static_row;
    shadow = p->deletion;
    shadow.merge(p->static_row.deletion);
  }
  if (source == nullptr) return {};
  const int slot = slots[cp.column];
  if (slot < 0 || static_cast<std::size_t>(slot) >= source->columns.size()) return {};
  const auto& data = source->columns[static_cast<std::size_t>(slot)];
  std::optional<protocol::bytes> bytes;
  if (const auto* cell = std::get_if<store::cell>(&data)) {
    if (store::cell_visible(*cell, shadow, now)) bytes = cell->value;
  } else if (const auto* cc = std::get_if<store::complex_column>(&data)) {
    bytes = store::serialize_collection(col.type, *cc, shadow, now);
  }
  if (!bytes) return {};
  auto whole = protocol::decode_value(col.type, protocol::byte_view(*bytes),
                                      protocol::protocol_version::v4);
  if (!whole) return {};
  switch (cp.what) {
    case condition_plan::target::column:
      return std::move(*whole);
    case condition_plan::target::field: {
      const auto* fields = std::get_if<protocol::cql_list>(&whole->v);
      if (fields == nullptr || cp.field >= fields->size()) return {};
      return (*fields)[cp.field];
    }
    case condition_plan::target::element: {
      if (const auto* list = std::get_if<protocol::cql_list>(&whole->v)) {
        const auto* idx = std::get_if<std::int32_t>(&c.key.value.v);
        if (idx == nullptr || *idx < 0 || static_cast<std::size_t>(*idx) >= list->size()) return {};
        return (*list)[static_cast<std::size_t>(*idx)];
      }
      if (const auto* map = std::get_if<protocol::cql_map>(&whole->v)) {
        for (const auto& e : *map) {
          if (sim::compare(cp.key_type, e.first, c.key.value) == 0) return e.second;
        }
      }
      return {};
    }
  }
  return {};
}

bool empty_collection(const protocol::cql_value& v) {
  if (const auto* l = std::get_if<protocol::cql_list>(&v.v)) return l->empty();
  if (const auto* m = std::get_if<protocol::cql_map>(&v.v)) return m->empty();
  return false;
}

sim_result<bool> condition_holds(const table_def& t, const evaluated_condition& c,
                                 const protocol::cql_value& current) {
  const condition_plan& cp = *c.plan;
  const bool multi_cell_whole =
      cp.what == condition_plan::target::column && t.columns[cp.column].multi_cell;
  auto value_of = [&](const value_ref& v) -> std::optional<protocol::cql_value> {
    // A non-frozen collection without elements is null, so an empty literal compares as null.
    if (v.null || (multi_cell_whole && empty_collection(v.value))) return std::nullopt;
    return v.value;
  };
  auto equal = [&](const value_ref& v) {
    auto val = value_of(v);
    if (!val) return current.is_null();
    return !current.is_null() && sim::compare(cp.value_type, current, *val) == 0;
  };
  const relation_op op = cp.cond->op;
  switch (op) {
    case relation_op::eq: return equal(c.values[0]);
    case relation_op::neq: return !equal(c.values[0]);
    case relation_op::in:
      return std::any_of(c.values.begin(), c.values.end(), equal);
    default: {
      auto val = value_of(c.values[0]);
      if (!val) {
        return invalid_request("Invalid comparison with null for operator \"" +
                               std::string(op_text(op)) + "\"");
      }
      if (current.is_null()) return false;
      const int cmp = sim::compare(cp.value_type, current, *val);
      switch (op) {
        case relation_op::lt: return cmp < 0;
        case relation_op::le: return cmp <= 0;
        case relation_op::gt: return cmp > 0;
        default: return cmp >= 0;
      }
    }
  }
}

}  // namespace

sim_result<cas_outcome> check_conditions(request& rq, const std::vector<const mutation*>& ms,
                                         bool is_batch) {
  cas_outcome out;
  if (ms.empty()) return out;
  const auto& table_ptr = ms.front()->plan->table;
  const table_def& t = *table_ptr;
  auto& storage = rq.eng.storage(t);
  const auto& slots = storage.slots_for(table_ptr);
  const auto& order = *storage.order();
  const key_value& key = ms.front()->keys.front();
  const store::partition* p = storage.find(key.pos);
  const std::int32_t now = rq.now_seconds;

  bool applied = true;
  bool wildcard = false;
  bool names_query = false;  // some statement names a regular row
  std::vector<std::size_t> condition_columns;
  std::vector<store::clustering_key> rows_read;
  for (const mutation* m : ms) {
    const modification_plan& plan = *m->plan;
    if (!plan.has_conditions()) continue;
    const store::row* r = nullptr;
    store::deletion_time shadow;
    const bool static_only = plan.static_only;
    // A partition deletion of a table without clustering columns targets its only row.
    const store::clustering_key row_key =
        m->clusterings.empty() ? store::clustering_key{} : m->clusterings.front();
    if (p != nullptr) {
      if (static_only) {
        r = &p->static_row;
        shadow = p->deletion;
        shadow.merge(r->deletion);
      } else if (auto it = p->rows.find(row_key); it != p->rows.end()) {
        r = &it->second;
        shadow = store::row_deletion(*p, order, it->first, *r);
      }
    }
    if (!static_only) {
      names_query = true;
      rows_read.push_back(row_key);
    }
    const bool exists = r != nullptr && store::row_is_live(*r, shadow, now);
    if (plan.if_not_exists || plan.if_exists) {
      wildcard = true;
      if (plan.if_not_exists == exists) applied = false;
      continue;
    }
    for (const auto& c : m->conditions) {
      auto cur = current_value(t, p, static_only ? nullptr : r, shadow, slots, c, now);
      auto holds = condition_holds(t, c, cur);
      if (!holds) return holds.error();
      if (!*holds) applied = false;
      if (std::find(condition_columns.begin(), condition_columns.end(), c.plan->column) ==
          condition_columns.end()) {
        condition_columns.push_back(c.plan->column);
      }
    }
  }

  out.applied = applied;
  const auto applied_spec = spec_named(t, "[applied]", protocol::data_type::of(type_id::boolean));
  out.result.metadata.columns.push_back(applied_spec);
  if (applied || p == nullptr) {
    out.result.metadata.column_count = 1;
    out.result.metadata.global_table_spec = true;
    out.result.rows.push_back({protocol::encode_boolean(applied)});
    return out;
  }

  std::vector<std::size_t> columns;
  if (wildcard) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) columns.push_back(i);
  } else {
    if (is_batch) {
      for (std::size_t pk : t.partition_key) columns.push_back(pk);
      for (std::size_t ck : t.clustering) columns.push_back(ck);
    }
    for (std::size_t c : condition_columns) {
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
    }
  }
  const selection_plan selection = columns_selection(t, columns);

  read_spec spec;
  spec.table = &t;
  spec.storage = &storage;
  spec.slots = slots;
  spec.needed = selection.needed;
  spec.now = now;
  spec.mode = where_plan::pk_mode::keys;
  spec.keys.push_back(key);
  spec.static_content_for_empty = true;
  if (names_query) {
    std::sort(rows_read.begin(), rows_read.end(),
              [&](const auto& a, const auto& b) { return order.compare_prefix(a.values, b.values) < 0; });
    for (const auto& ck : rows_read) {
      store::clustering_slice s;
      s.prefix = ck.values;
      if (!spec.slices.empty() && order.compare_prefix(spec.slices.back().prefix, s.prefix) == 0) {
        continue;
      }
      spec.slices.push_back(std::move(s));
    }
  } else {
    spec.slices.emplace_back();
    spec.limit = 1;  // the first live row of the partition, or its static content
  }
  row_builder builder(t, selection, rq);
  read_rows(spec, [&](fetched_row& r) { builder.add(r); });
  auto rows = builder.finish();
  if (rows.empty()) {
    out.result.metadata.column_count = 1;
    out.result.metadata.global_table_spec = true;
    out.result.rows.push_back({protocol::encode_boolean(false)});
    return out;
  }
  for (const auto& s : selection.specs) out.result.metadata.columns.push_back(s);
  out.result.metadata.column_count = static_cast<std::int32_t>(out.result.metadata.columns.size());
  out.result.metadata.global_table_spec = true;
  for (auto& row : rows) {
    std::vector<std::optional<protocol::bytes>> full;
    full.reserve(row.size() + 1);
    full.push_back(protocol::encode_boolean(false));
    for (auto& v : row) full.push_back(std::move(v));
    out.result.rows.push_back(std::move(full));
  }
  return out;
}

sim_result<protocol::rows_result> execute_conditional(request& rq, const modification_plan& plan) {
  timestamp_choice choice;
  choice.server = true;  // Paxos writes with its ballot's timestamp
  auto m = evaluate_mutation(rq, plan, choice);
  if (!m) return m.error();
  if (m->keys.size() != 1) {
    return invalid_request("IN on the partition key is not supported with conditional updates");
  }
  auto cas = check_conditions(rq, {&*m}, false);
  if (!cas) return cas.error();
  if (cas->applied) apply_mutation(rq.eng, *m, rq.now_seconds);
  return std::move(cas->result);
}

}  // namespace cqlshift::sim::exec
