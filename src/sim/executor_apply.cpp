#include "executor_modify.hpp"

#include <algorithm>
#include <utility>

namespace cqlshift::sim::exec {

namespace {

using protocol::type_id;
using op_kind = operation_plan::kind;

// Cassandra's limits on TTLs: 20 years, and an expiration time that fits its int seconds
// (Cell.MAX_DELETION_TIME, 2038-01-19T03:14:06Z).
constexpr std::int32_t max_ttl = 20 * 365 * 24 * 60 * 60;
constexpr std::int64_t max_deletion_time = std::numeric_limits<std::int32_t>::max() - 1;

sim_result<std::int32_t> evaluate_ttl(const request& rq, const modification_plan& p) {
  const table_def& t = *p.table;
  if (p.using_ == nullptr || !p.using_->ttl) return t.default_time_to_live;
  auto v = evaluate_term(rq, *p.using_->ttl, protocol::data_type::of(type_id::int_), "[ttl]");
  if (!v) return v.error();
  if (v->unset) return t.default_time_to_live;
  if (v->null) return 0;
  const auto* n = std::get_if<std::int32_t>(&v->value.v);
  if (n == nullptr) return invalid_request("Invalid TTL value");
  if (*n < 0) {
    return invalid_request("A TTL must be greater or equal to 0, but was " + std::to_string(*n));
  }
  if (*n > max_ttl) {
    return invalid_request("ttl is too large. requested (" + std::to_string(*n) + ") maximum (" +
                           std::to_string(max_ttl) + ")");
  }
  return *n;
}

sim_result<std::int64_t> evaluate_timestamp(request& rq, const modification_plan& p,
                                            const timestamp_choice& choice) {
  if (choice.server) return rq.eng.next_timestamp(rq.now_micros);
  if (p.using_ != nullptr && p.using_->timestamp) {
    auto v = evaluate_integer(rq, *p.using_->timestamp, type_id::bigint, "[timestamp]",
                              "Invalid null value of timestamp");
    if (!v) return v.error();
    if (*v) {
      if (**v == std::numeric_limits<std::int64_t>::min()) {
        return invalid_request("Invalid timestamp value: " + std::to_string(**v));
      }
      return **v;
    }
  }
  if (choice.batch) return *choice.batch;
  if (rq.opts.default_timestamp) return *rq.opts.default_timestamp;
  return rq.eng.next_timestamp(rq.now_micros);
}

sim_result<value_ref> key_part(const request& rq, const term& t, const column_def& c) {
  auto v = evaluate_term(rq, t, c.type, c.name);
  if (!v) return v.error();
  if (v->unset) return invalid_request("Invalid unset value for column " + c.name);
  if (v->null) return invalid_request("Invalid null value in condition for column " + c.name);
  return v;
}

value_ref from_value(const protocol::data_type& type, protocol::cql_value v) {
  value_ref out;
  if (v.is_null()) {
    out.null = true;
    return out;
  }
  auto b = protocol::encode_value(type, v, protocol::protocol_version::v4);
  if (b) out.bytes = std::move(*b);
  out.value = std::move(v);
  return out;
}

std::string json_column_name(const std::string& key) {
  if (key.size() >= 2 && key.front() == '"' && key.back() == '"') {
    return key.substr(1, key.size() - 2);
  }
  std::string out = key;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The live elements of a list column of a row, in order: (path, value).
std::vector<const store::complex_cell*> live_list(const store::row& r, int slot,
                                                  const store::deletion_time& shadow,
                                                  std::int32_t now) {
  std::vector<const store::complex_cell*> out;
  if (slot < 0 || static_cast<std::size_t>(slot) >= r.columns.size()) return out;
  const auto* cc = std::get_if<store::complex_column>(&r.columns[static_cast<std::size_t>(slot)]);
  if (cc == nullptr) return out;
  store::deletion_time d = shadow;
  d.merge(cc->deletion);
  for (const auto& e : cc->cells) {
    if (store::cell_visible(e.value, d, now)) out.push_back(&e);
  }
  return out;
}

// Checks list index operations against the current list (Cassandra reads before it writes).
sim_result<bool> check_list_indexes(request& rq, const mutation& m) {
  const table_def& t = *m.plan->table;
  for (const auto& op : m.ops) {
    const auto& c = t.columns[op.plan->column];
    const bool index_op = c.type.id == type_id::list && (op.plan->what == op_kind::set_element ||
                                                         op.plan->what == op_kind::delete_element);
    if (!index_op || op.key.unset) continue;
    if (op.plan->what == op_kind::set_element && op.value.unset) continue;
    if (op.key.null) return invalid_request("Invalid null value for list index");
    const auto* idx = std::get_if<std::int32_t>(&op.key.value.v);
    if (idx == nullptr) return invalid_request("Invalid list index");
    auto& storage = rq.eng.storage(t);
    const auto& slots = storage.slots_for(m.plan->table);
    const std::vector<store::clustering_key> static_key(1);
    const auto& clusterings =
        c.kind == column_kind::static_ || m.clusterings.empty() ? static_key : m.clusterings;
    for (const auto& key : m.keys) {
      for (const auto& ck : clusterings) {
        std::size_t size = 0;
        if (const store::partition* p = storage.find(key.pos)) {
          const store::row* r = nullptr;
          store::deletion_time shadow = p->deletion;
          if (c.kind == column_kind::static_) {
            r = &p->static_row;
            shadow.merge(r->deletion);
          } else if (auto it = p->rows.find(ck); it != p->rows.end()) {
            r = &it->second;
            shadow = store::row_deletion(*p, *storage.order(), ck, *r);
          }
          if (r != nullptr) size = live_list(*r, slots[op.plan->column], shadow, rq.now_seconds).size();
        }
        if (size == 0) {
          return invalid_request(op.plan->what == op_kind::set_element
                                     ? "Attempted to set an element on a list which is null"
                                     : "Attempted to delete an element from a list which is null");
        }
        if (*idx < 0 || static_cast<std::size_t>(*idx) >= size) {
          return invalid_request("List index " + std::to_string(*idx) +
                                 " out of bound, list has size " + std::to_string(size));
        }
      }
    }
  }
  return true;
}

}  // namespace

store::cell make_cell(protocol::bytes value, std::int64_t timestamp, std::int32_t ttl,
                      std::int32_t now) {
  store::cell c;
  c.value = std::move(value);
  c.timestamp = timestamp;
  if (ttl > 0) {
    c.ttl = ttl;
    c.local_deletion_time = static_cast<std::int32_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(now) + ttl, max_deletion_time));
  }
  return c;
}

sim_result<mutation> evaluate_mutation(request& rq, const modification_plan& plan,
                                       const timestamp_choice& choice) {
  const table_def& t = *plan.table;
  mutation m;
  m.plan = &plan;
  auto ts = evaluate_timestamp(rq, plan, choice);
  if (!ts) return ts.error();
  m.timestamp = *ts;
  auto ttl = evaluate_ttl(rq, plan);
  if (!ttl) return ttl.error();
  m.ttl = *ttl;
  if (m.ttl > 0 && static_cast<std::int64_t>(rq.now_seconds) + m.ttl > max_deletion_time) {
    return invalid_request("Request on table " + t.keyspace + "." + t.name + " with ttl of " +
                           std::to_string(m.ttl) +
                           " seconds exceeds maximum supported expiration date of "
                           "2038-01-19T03:14:06+00:00. In order to avoid this use a lower TTL, "
                           "change the expiration date overflow policy or upgrade to a version "
                           "where this limitation is fixed. See CASSANDRA-14092 for more details.");
  }

  if (plan.type == statement_type::insert) {
    std::vector<protocol::cql_value> json_values(t.columns.size());
    std::vector<bool> json_present(t.columns.size(), false);
    if (plan.json_insert != nullptr) {
      auto text = evaluate_term(rq, *plan.json_insert->json,
                                protocol::data_type::of(type_id::varchar), "[json]");
      if (!text) return text.error();
      if (text->null || text->unset) return invalid_request("Got null for INSERT JSON values");
      const auto* s = std::get_if<std::string>(&text->value.v);
      if (s == nullptr) return invalid_request("Could not decode JSON string");
      auto members = sim::parse_json_object(*s);
      if (!members) return members.error();
      for (const auto& [key, raw] : *members) {
        const std::string name = json_column_name(key);
        auto ci = t.index_of(name);
        if (!ci) {
          return invalid_request("JSON values map contains unrecognized column: " + name);
        }
        auto v = sim::from_json(t.columns[*ci].type, raw, name);
        if (!v) return v.error();
        json_values[*ci] = std::move(*v);
        json_present[*ci] = true;
      }
    }
    auto part = [&](const term* tm, std::size_t column) -> sim_result<value_ref> {
      const column_def& c = t.columns[column];
      if (plan.json_insert == nullptr) return key_part(rq, *tm, c);
      if (!json_present[column] || json_values[column].is_null()) {
        return invalid_request("Invalid null value in condition for column " + c.name);
      }
      return from_value(c.type, json_values[column]);
    };
    key_value key;
    for (std::size_t i = 0; i < t.partition_key.size(); ++i) {
      auto v = part(plan.insert_pk[i], t.partition_key[i]);
      if (!v) return v.error();
      key.components.push_back(std::move(v->bytes));
      key.values.push_back(std::move(v->value));
    }
    auto pos = make_position(key.components);
    if (!pos) return pos.error();
    key.pos = std::move(*pos);
    m.keys.push_back(std::move(key));
    if (plan.static_only) {
      m.what = mutation::scope::static_row;
    } else {
      store::clustering_key ck;
      for (std::size_t i = 0; i < t.clustering.size(); ++i) {
        auto v = part(plan.insert_ck[i], t.clustering[i]);
        if (!v) return v.error();
        ck.bytes.push_back(std::move(v->bytes));
        ck.values.push_back(std::move(v->value));
      }
      m.clusterings.push_back(std::move(ck));
      m.insert_liveness = true;
    }
    for (const auto& op : plan.ops) {
      evaluated_op e;
      e.plan = &op;
      if (plan.json_insert != nullptr) {
        if (json_present[op.column]) {
          e.value = from_value(op.value_type, json_values[op.column]);
        } else if (plan.json_insert->json_default_unset) {
          e.value.unset = true;
        } else {
          e.value.null = true;
        }
      } else {
        auto v = evaluate_term(rq, *op.value, op.value_type, t.columns[op.column].name);
        if (!v) return v.error();
        e.value = std::move(*v);
      }
      m.ops.push_back(std::move(e));
    }
  } else {
    auto keys = evaluate_keys(rq, t, plan.where);
    if (!keys) return keys.error();
    m.keys = std::move(*keys);
    auto& storage = rq.eng.storage(t);
    const bool full = plan.where.ck_restricted == t.clustering.size() && !plan.where.ck_has_slice;
    if (plan.static_only) {
      m.what = mutation::scope::static_row;
    } else if (plan.type == statement_type::delete_ && plan.ops.empty()) {
      if (plan.where.clustering.empty()) {
        m.what = mutation::scope::partition;
      } else if (full) {
        m.what = mutation::scope::rows;
        m.delete_rows = true;
      } else {
        m.what = mutation::scope::ranges;
      }
    } else {
      m.what = mutation::scope::rows;
    }
    if (m.what == mutation::scope::rows) {
      auto cks = evaluate_clustering_keys(rq, t, plan.where, *storage.order());
      if (!cks) return cks.error();
      m.clusterings = std::move(*cks);
    } else if (m.what == mutation::scope::ranges) {
      auto slices = evaluate_slices(rq, t, plan.where, *storage.order());
      if (!slices) return slices.error();
      m.slices = std::move(*slices);
    }
    for (const auto& op : plan.ops) {
      evaluated_op e;
      e.plan = &op;
      const column_def& c = t.columns[op.column];
      if (op.value != nullptr) {
        auto v = evaluate_term(rq, *op.value, op.value_type, c.name);
        if (!v) return v.error();
        e.value = std::move(*v);
        if (e.value.null && (op.what == op_kind::counter_add || op.what == op_kind::counter_sub)) {
          return invalid_request("Invalid null value for counter increment");
        }
      }
      if (op.key != nullptr) {
        auto k = evaluate_term(rq, *op.key, op.key_type, c.name);
        if (!k) return k.error();
        if (k->null && c.type.id == type_id::map) {
          return invalid_request("Invalid null map key");
        }
        if (k->unset && op.what == op_kind::delete_element) {
          return invalid_request("Invalid unset map key");
        }
        e.key = std::move(*k);
      }
      m.ops.push_back(std::move(e));
    }
    auto checked = check_list_indexes(rq, m);
    if (!checked) return checked.error();
  }

  for (const auto& c : plan.conditions) {
    evaluated_condition e;
    e.plan = &c;
    const auto& cond = *c.cond;
    auto one = [&](const term& tm) -> sim_result<value_ref> {
      auto v = evaluate_term(rq, tm, c.value_type, t.columns[c.column].name);
      if (!v) return v.error();
      if (v->unset) return invalid_request("Invalid 'unset' value in condition");
      return v;
    };
    if (cond.op == relation_op::in) {
      if (cond.in_list) {
        for (const auto& tm : cond.in_values) {
          auto v = one(tm);
          if (!v) return v.error();
          e.values.push_back(std::move(*v));
        }
      } else {
        auto v = evaluate_term(rq, cond.value, protocol::data_type::list_of(c.value_type),
                               t.columns[c.column].name);
        if (!v) return v.error();
        if (v->unset) return invalid_request("Invalid 'unset' value in condition");
        if (!v->null) {
          if (const auto* items = std::get_if<protocol::cql_list>(&v->value.v)) {
            for (const auto& item : *items) e.values.push_back(from_value(c.value_type, item));
          }
        }
      }
    } else {
      auto v = one(cond.value);
      if (!v) return v.error();
      e.values.push_back(std::move(*v));
    }
    if (c.what == condition_plan::target::element && cond.element) {
      auto k = evaluate_term(rq, *cond.element, c.key_type, t.columns[c.column].name);
      if (!k) return k.error();
      if (k->unset) return invalid_request("Invalid 'unset' value in condition");
      if (k->null) return invalid_request("Invalid null value for " + t.columns[c.column].name + " element access");
      e.key = std::move(*k);
    }
    m.conditions.push_back(std::move(e));
  }
  return m;
}

// ---------------------------------------------------------------------------------------------

namespace {

struct apply_context {
  engine& eng;
  const table_def& t;
  std::int64_t ts;
  std::int32_t ttl;
  std::int32_t now;
};

store::cell tombstone(std::int64_t ts, std::int32_t now) {
  store::cell c;
  c.timestamp = ts;
  c.local_deletion_time = now;
  return c;
}

protocol::bytes encode_element(const protocol::data_type& type, const protocol::cql_value& v) {
  auto b = protocol::encode_value(type, v, protocol::protocol_version::v4);
  return b ? std::move(*b) : protocol::bytes{};
}

void add_elements(apply_context& ctx, store::row& r, int slot, const column_def& c,
                  const protocol::cql_value& value, const store::deletion_time& shadow,
                  bool prepend) {
  const auto& type = c.type;
  if (type.id == type_id::map) {
    const auto* entries = std::get_if<protocol::cql_map>(&value.v);
    if (entries == nullptr) return;
    for (const auto& e : *entries) {
      store::complex_cell cell;
      cell.path = encode_element(type.params[0], e.first);
      cell.key = e.first;
      if (e.second.is_null()) {
        cell.value = tombstone(ctx.ts, ctx.now);
      } else {
        cell.value = make_cell(encode_element(type.params[1], e.second), ctx.ts, ctx.ttl, ctx.now);
      }
      store::write_element(r, slot, type, std::move(cell), shadow);
    }
    return;
  }
  const auto* items = std::get_if<protocol::cql_list>(&value.v);
  if (items == nullptr) return;
  if (type.id == type_id::set) {
    for (const auto& item : *items) {
      store::complex_cell cell;
      cell.path = encode_element(type.params[0], item);
      cell.key = item;
      cell.value = make_cell({}, ctx.ts, ctx.ttl, ctx.now);
      store::write_element(r, slot, type, std::move(cell), shadow);
    }
    return;
  }
  // list: appended elements take increasing paths; prepended ones decreasing paths, assigned
  // from the last element so the given order is kept.
  const std::size_t n = items->size();
  for (std::size_t k = 0; k < n; ++k) {
    const auto& item = (*items)[prepend ? n - 1 - k : k];
    store::complex_cell cell;
    cell.path = ctx.eng.next_list_path(prepend);
    cell.value = make_cell(encode_element(type.params[0], item), ctx.ts, ctx.ttl, ctx.now);
    store::write_element(r, slot, type, std::move(cell), shadow);
  }
}

void remove_elements(apply_context& ctx, store::row& r, int slot, const column_def& c,
                     const protocol::cql_value& value, const store::deletion_time& shadow) {
  const auto& type = c.type;
  const auto* items = std::get_if<protocol::cql_list>(&value.v);
  if (items == nullptr) return;
  if (type.id == type_id::list) {
    std::vector<protocol::bytes> discard;
    for (const auto& item : *items) discard.push_back(encode_element(type.params[0], item));
    std::vector<protocol::bytes> paths;
    for (const auto* e : live_list(r, slot, shadow, ctx.now)) {
      if (std::find(discard.begin(), discard.end(), e->value.value) != discard.end()) {
        paths.push_back(e->path);
      }
    }
    for (auto& path : paths) {
      store::complex_cell cell;
      cell.path = std::move(path);
      cell.value = tombstone(ctx.ts, ctx.now);
      store::write_element(r, slot, type, std::move(cell), shadow);
    }
    return;
  }
  // set elements, or map keys
  for (const auto& item : *items) {
    store::complex_cell cell;
    cell.path = encode_element(type.params[0], item);
    cell.key = item;
    cell.value = tombstone(ctx.ts, ctx.now);
    store::write_element(r, slot, type, std::move(cell), shadow);
  }
}

// Rewrites one field of a single-cell UDT (cqlsim keeps non-frozen UDTs as one cell).
void write_field(apply_context& ctx, store::row& r, int slot, const column_def& c,
                 std::size_t field, const value_ref& v, const store::deletion_time& shadow) {
  protocol::cql_list fields(c.type.params.size());
  if (slot >= 0 && static_cast<std::size_t>(slot) < r.columns.size()) {
    if (const auto* cell = std::get_if<store::cell>(&r.columns[static_cast<std::size_t>(slot)])) {
      if (store::cell_visible(*cell, shadow, ctx.now)) {
        auto current = protocol::decode_value(c.type, protocol::byte_view(cell->value),
                                              protocol::protocol_version::v4);
        if (current) {
          if (auto* l = std::get_if<protocol::cql_list>(&current->v)) {
            for (std::size_t i = 0; i < l->size() && i < fields.size(); ++i) fields[i] = (*l)[i];
          }
        }
      }
    }
  }
  if (field < fields.size()) fields[field] = v.null ? protocol::cql_value{} : v.value;
  const protocol::cql_value udt{std::move(fields)};
  store::write_cell(r, slot, make_cell(encode_element(c.type, udt), ctx.ts, ctx.ttl, ctx.now),
                    shadow);
}

void apply_op(apply_context& ctx, store::row& r, int slot, const evaluated_op& e,
              const store::deletion_time& shadow) {
  const operation_plan& op = *e.plan;
  const column_def& c = ctx.t.columns[op.column];
  switch (op.what) {
    case op_kind::set:
      if (e.value.unset) return;
      if (c.multi_cell) {
        store::delete_collection(r, slot, store::deletion_time{ctx.ts - 1, ctx.now});
        if (!e.value.null) add_elements(ctx, r, slot, c, e.value.value, shadow, false);
        return;
      }
      store::write_cell(r, slot,
                        e.value.null ? tombstone(ctx.ts, ctx.now)
                                     : make_cell(e.value.bytes, ctx.ts, ctx.ttl, ctx.now),
                        shadow);
      return;
    case op_kind::set_element: {
      if (e.value.unset || e.key.unset) return;
      store::complex_cell cell;
      if (c.type.id == type_id::list) {
        const auto* idx = std::get_if<std::int32_t>(&e.key.value.v);
        const auto live = live_list(r, slot, shadow, ctx.now);
        if (idx == nullptr || *idx < 0 || static_cast<std::size_t>(*idx) >= live.size()) return;
        cell.path = live[static_cast<std::size_t>(*idx)]->path;
      } else {
        cell.path = e.key.bytes;
        cell.key = e.key.value;
      }
      cell.value = e.value.null ? tombstone(ctx.ts, ctx.now)
                                : make_cell(e.value.bytes, ctx.ts, ctx.ttl, ctx.now);
      store::write_element(r, slot, c.type, std::move(cell), shadow);
      return;
    }
    case op_kind::set_field:
      if (e.value.unset) return;
      write_field(ctx, r, slot, c, op.field, e.value, shadow);
      return;
    case op_kind::append:
    case op_kind::prepend:
      if (e.value.unset || e.value.null) return;
      add_elements(ctx, r, slot, c, e.value.value, shadow, op.what == op_kind::prepend);
      return;
    case op_kind::remove:
      if (e.value.unset || e.value.null) return;
      remove_elements(ctx, r, slot, c, e.value.value, shadow);
      return;
    case op_kind::counter_add:
    case op_kind::counter_sub: {
      if (e.value.unset || e.value.null) return;
      const auto* delta = std::get_if<std::int64_t>(&e.value.value.v);
      if (delta == nullptr) return;
      const std::int64_t d = op.what == op_kind::counter_add
                                 ? *delta
                                 : static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(*delta));
      store::write_counter(r, slot, d, ctx.ts, shadow, ctx.now);
      return;
    }
    case op_kind::delete_column:
      if (c.multi_cell) {
        store::delete_collection(r, slot, store::deletion_time{ctx.ts, ctx.now});
      } else {
        store::write_cell(r, slot, tombstone(ctx.ts, ctx.now), shadow);
      }
      return;
    case op_kind::delete_element: {
      if (e.key.unset || e.key.null) return;
      store::complex_cell cell;
      if (c.type.id == type_id::list) {
        const auto* idx = std::get_if<std::int32_t>(&e.key.value.v);
        const auto live = live_list(r, slot, shadow, ctx.now);
        if (idx == nullptr || *idx < 0 || static_cast<std::size_t>(*idx) >= live.size()) return;
        cell.path = live[static_cast<std::size_t>(*idx)]->path;
      } else {
        cell.path = e.key.bytes;
        cell.key = e.key.value;
      }
      cell.value = tombstone(ctx.ts, ctx.now);
      store::write_element(r, slot, c.type, std::move(cell), shadow);
      return;
    }
    case op_kind::delete_field: {
      value_ref null_value;
      null_value.null = true;
      write_field(ctx, r, slot, c, op.field, null_value, shadow);
      return;
    }
  }
}

}  // namespace

void apply_mutation(engine& eng, const mutation& m, std::int32_t now) {
  const table_def& t = *m.plan->table;
  auto& storage = eng.storage(t);
  const auto& slots = storage.slots_for(m.plan->table);
  const auto& order = *storage.order();
  const store::deletion_time del{m.timestamp, now};
  apply_context ctx{eng, t, m.timestamp, m.ttl, now};
  for (const auto& key : m.keys) {
    store::partition& p = storage.get_or_create(key.pos, key.components, key.values);
    switch (m.what) {
      case mutation::scope::partition:
        store::delete_partition(p, del);
        continue;
      case mutation::scope::ranges:
        for (const auto& slice : m.slices) {
          store::add_range_tombstone(p, order, store::range_tombstone{slice, del});
        }
        continue;
      case mutation::scope::rows:
        for (const auto& ck : m.clusterings) {
          store::row& r = p.rows.try_emplace(ck).first->second;
          if (m.delete_rows) {
            store::delete_row(r, del);
            continue;
          }
          const auto shadow = store::row_deletion(p, order, ck, r);
          if (m.insert_liveness) {
            store::liveness_info l;
            l.timestamp = m.timestamp;
            if (m.ttl > 0) {
              l.ttl = m.ttl;
              l.local_expiration_time = make_cell({}, 0, m.ttl, now).local_deletion_time;
            }
            store::write_liveness(r, l, shadow);
          }
          for (const auto& e : m.ops) {
            if (t.columns[e.plan->column].kind == column_kind::static_) continue;
            apply_op(ctx, r, slots[e.plan->column], e, shadow);
          }
        }
        break;
      case mutation::scope::static_row:
        break;
    }
    store::deletion_time static_shadow = p.deletion;
    static_shadow.merge(p.static_row.deletion);
    for (const auto& e : m.ops) {
      if (t.columns[e.plan->column].kind != column_kind::static_) continue;
      apply_op(ctx, p.static_row, slots[e.plan->column], e, static_shadow);
    }
  }
}

}  // namespace cqlshift::sim::exec
