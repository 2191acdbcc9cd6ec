#include "executor_modify.hpp"

#include <algorithm>
#include <utility>

namespace cqlshift::sim::exec {

namespace {

using protocol::type_id;
using op_kind = operation_plan::kind;


bool is_frozen_udt(const column_def& c) {
  return c.type.id == type_id::udt && c.cql_type.rfind("frozen<", 0) == 0;
}

sim_result<std::shared_ptr<const table_def>> writable_table(const catalog& cat,
                                                            const qualified_name& name,
                                                            std::string_view keyspace) {
  auto table = resolve_table(cat, name, keyspace);
  if (!table) return table.error();
  const keyspace_def* ks = cat.find_keyspace((*table)->keyspace);
  if ((ks != nullptr && ks->is_system) || (*table)->is_virtual) {
    return unauthorized((*table)->keyspace + " keyspace is not user-modifiable.");
  }
  return table;
}

sim_result<bool> compile_using(const table_def& t, const using_clause& u, binder* b,
                               bool allow_ttl) {
  if (b != nullptr && u.ttl) {
    b->bind(*u.ttl, spec_named(t, "[ttl]", protocol::data_type::of(type_id::int_)));
  }
  if (b != nullptr && u.timestamp) {
    b->bind(*u.timestamp, spec_named(t, "[timestamp]", protocol::data_type::of(type_id::bigint)));
  }
  if (!allow_ttl && u.ttl) return invalid_request("TTL is not supported here");
  return true;
}

sim_result<bool> check_counter_and_lwt(const modification_plan& p) {
  if (p.is_counter() && p.using_ != nullptr) {
    if (p.using_->timestamp) {
      return invalid_request("Cannot provide custom timestamp for counter updates");
    }
    if (p.using_->ttl) return invalid_request("Cannot provide custom TTL for counter updates");
  }
  if (p.has_conditions()) {
    if (p.is_counter()) return invalid_request("Conditional updates are not supported on counter tables");
    if (p.using_ != nullptr && p.using_->timestamp) {
      return invalid_request("Cannot provide custom timestamp for conditional updates");
    }
  }
  return true;
}

void classify(modification_plan& p, const column_def& c) {
  if (c.kind == column_kind::static_) {
    p.static_ops = true;
  } else {
    p.regular_ops = true;
  }
}

sim_result<std::vector<condition_plan>> compile_conditions(const table_def& t,
                                                           const std::vector<condition>& conds,
                                                           binder* b) {
  std::vector<condition_plan> out;
  for (const auto& c : conds) {
    auto ci = find_column(t, c.column);
    if (!ci) return ci.error();
    const column_def& col = t.columns[*ci];
    if (col.is_primary_key()) {
      return invalid_request("PRIMARY KEY column '" + col.name + "' cannot have IF conditions");
    }
    condition_plan p;
    p.cond = &c;
    p.column = *ci;
    p.value_type = col.type;
    std::string receiver = col.name;
    if (c.element) {
      if (col.type.id == type_id::list) {
        p.what = condition_plan::target::element;
        p.key_type = protocol::data_type::of(type_id::int_);
        p.value_type = col.type.params[0];
        if (b != nullptr) b->bind(*c.element, spec_named(t, "idx(" + col.name + ")", p.key_type));
      } else if (col.type.id == type_id::map) {
        p.what = condition_plan::target::element;
        p.key_type = col.type.params[0];
        p.value_type = col.type.params[1];
        if (b != nullptr) b->bind(*c.element, spec_named(t, "key(" + col.name + ")", p.key_type));
      } else {
        return invalid_request("Invalid element access syntax for " +
                               std::string(col.type.id == type_id::set ? "set" : "non-collection") +
                               " column " + col.name);
      }
      receiver = "value(" + col.name + ")";
    } else if (!c.field.empty()) {
      if (col.type.id != type_id::udt) {
        return invalid_request("Invalid field selection: " + col.name + " of type " +
                               col.cql_type + " is not a user type");
      }
      const auto& names = col.type.field_names;
      auto it = std::find(names.begin(), names.end(), c.field);
      if (it == names.end()) {
        return invalid_request("Unknown field " + c.field + " for column " + col.name);
      }
      p.what = condition_plan::target::field;
      p.field = static_cast<std::size_t>(it - names.begin());
      p.value_type = col.type.params[p.field];
      receiver = col.name + "." + c.field;
    }
    if (c.op == relation_op::contains || c.op == relation_op::contains_key ||
        c.op == relation_op::like || c.op == relation_op::is_not_null) {
      return invalid_request("Unsupported operator in IF condition on " + col.name);
    }
    if (b != nullptr) {
      if (c.op == relation_op::in) {
        if (c.in_list) {
          for (const auto& v : c.in_values) b->bind(v, spec_named(t, receiver, p.value_type));
        } else {
          b->bind(c.value, spec_named(t, "in(" + receiver + ")",
                                      protocol::data_type::list_of(p.value_type)));
        }
      } else if (p.what == condition_plan::target::column) {
        b->bind(c.value, spec_of(t, col), &col);
      } else {
        b->bind(c.value, spec_named(t, receiver, p.value_type));
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

sim_result<operation_plan> compile_assignment(const table_def& t, const assignment& a,
                                              std::size_t ci, binder* b) {
  const column_def& c = t.columns[ci];
  operation_plan op;
  op.column = ci;
  op.value = &a.value;
  op.value_type = c.type;
  const bool multi = c.multi_cell;
  const auto id = c.type.id;
  const bool collection = is_collection(c.type);
  auto op_text = [&]() -> std::string {
    switch (a.kind) {
      case assignment::op::set: return c.name + " = " + term_text(a.value);
      case assignment::op::set_element:
        return c.name + "[" + (a.key ? term_text(*a.key) : "") + "] = " + term_text(a.value);
      case assignment::op::set_field: return c.name + "." + a.field + " = " + term_text(a.value);
      case assignment::op::add: return c.name + " = " + c.name + " + " + term_text(a.value);
      case assignment::op::prepend: return c.name + " = " + term_text(a.value) + " + " + c.name;
      case assignment::op::subtract: return c.name + " = " + c.name + " - " + term_text(a.value);
    }
    return c.name;
  };
  auto bind_value = [&](protocol::column_spec spec) {
    if (b != nullptr) b->bind(a.value, spec, &c);
  };
  switch (a.kind) {
    case assignment::op::set:
      if (id == type_id::counter) {
        return invalid_request("Cannot set the value of counter column " + c.name +
                               " (counters can only be incremented/decremented, not set)");
      }
      op.what = op_kind::set;
      bind_value(spec_of(t, c));
      return op;
    case assignment::op::set_element: {
      if (!collection) {
        return invalid_request("Invalid operation (" + op_text() + ") for non collection column " +
                               c.name);
      }
      if (!multi) {
        return invalid_request("Invalid operation (" + op_text() +
                               ") for frozen collection column " + c.name);
      }
      if (id == type_id::set) {
        return invalid_request("Invalid operation (" + op_text() + ") for set column " + c.name);
      }
      op.what = op_kind::set_element;
      op.key = a.key ? &*a.key : nullptr;
      if (op.key == nullptr) return invalid_request("Invalid element assignment");
      if (id == type_id::list) {
        op.key_type = protocol::data_type::of(type_id::int_);
        op.value_type = c.type.params[0];
        if (b != nullptr) b->bind(*op.key, spec_named(t, "idx(" + c.name + ")", op.key_type));
      } else {
        op.key_type = c.type.params[0];
        op.value_type = c.type.params[1];
        if (b != nullptr) b->bind(*op.key, spec_named(t, "key(" + c.name + ")", op.key_type));
      }
      if (b != nullptr) b->bind(a.value, spec_named(t, "value(" + c.name + ")", op.value_type));
      return op;
    }
    case assignment::op::set_field: {
      if (id != type_id::udt) {
        return invalid_request("Invalid operation (" + op_text() + ") for non-UDT column " + c.name);
      }
      if (is_frozen_udt(c)) {
        return invalid_request("Invalid operation (" + op_text() + ") for frozen UDT column " +
                               c.name);
      }
      const auto& names = c.type.field_names;
      auto it = std::find(names.begin(), names.end(), a.field);
      if (it == names.end()) {
        return invalid_request("UDT column " + c.name + " does not have a field named " + a.field);
      }
      op.what = op_kind::set_field;
      op.field = static_cast<std::size_t>(it - names.begin());
      op.value_type = c.type.params[op.field];
      if (b != nullptr) b->bind(a.value, spec_named(t, c.name + "." + a.field, op.value_type));
      return op;
    }
    case assignment::op::add:
    case assignment::op::subtract: {
      const bool add = a.kind == assignment::op::add;
      if (id == type_id::counter) {
        op.what = add ? op_kind::counter_add : op_kind::counter_sub;
        bind_value(spec_of(t, c));
        return op;
      }
      if (!collection) {
        return invalid_request("Invalid operation (" + op_text() + ") for non counter column " +
                               c.name);
      }
      if (!multi) {
        return invalid_request("Invalid operation (" + op_text() +
                               ") for frozen collection column " + c.name);
      }
      op.what = add ? op_kind::append : op_kind::remove;
      if (!add && id == type_id::map) {
        op.value_type = protocol::data_type::set_of(c.type.params[0]);
      }
      bind_value(spec_named(t, c.name, op.value_type));
      return op;
    }
    case assignment::op::prepend:
      if (id != type_id::list) {
        return invalid_request("Invalid operation (" + op_text() + ") for non list column " + c.name);
      }
      if (!multi) {
        return invalid_request("Invalid operation (" + op_text() +
                               ") for frozen collection column " + c.name);
      }
      op.what = op_kind::prepend;
      bind_value(spec_of(t, c));
      return op;
  }
  return invalid_request("Invalid operation");
}

}  // namespace

sim_result<modification_plan> compile_insert(const catalog& cat, const insert_stmt& s,
                                             std::string_view keyspace, binder* b) {
  auto table = writable_table(cat, s.table, keyspace);
  if (!table) return table.error();
  const table_def& t = **table;
  modification_plan p;
  p.type = statement_type::insert;
  p.table = *table;
  p.using_ = &s.using_;
  p.if_not_exists = s.if_not_exists;
  if (t.is_counter) {
    return invalid_request("INSERT statements are not allowed on counter tables, use UPDATE instead");
  }
  p.insert_pk.assign(t.partition_key.size(), nullptr);
  p.insert_ck.assign(t.clustering.size(), nullptr);

  if (s.json) {
    if (b != nullptr) {
      b->bind(*s.json, spec_named(t, "[json]", protocol::data_type::of(type_id::varchar)));
    }
    p.json_insert = &s;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const column_def& c = t.columns[i];
      if (c.is_primary_key()) continue;
      operation_plan op;
      op.what = op_kind::set;
      op.column = i;
      op.value_type = c.type;
      classify(p, c);
      p.ops.push_back(std::move(op));
    }
  } else {
    if (s.columns.size() != s.values.size()) return invalid_request("Unmatched column names/values");
    if (s.columns.empty()) return invalid_request("No columns provided to INSERT");
    std::vector<std::size_t> seen;
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      auto ci = find_column(t, s.columns[i]);
      if (!ci) return ci.error();
      if (std::find(seen.begin(), seen.end(), *ci) != seen.end()) {
        return invalid_request("The column names contains duplicates");
      }
      seen.push_back(*ci);
      const column_def& c = t.columns[*ci];
      if (b != nullptr) b->bind(s.values[i], spec_of(t, c), &c);
      if (c.kind == column_kind::partition_key) {
        p.insert_pk[static_cast<std::size_t>(c.position)] = &s.values[i];
      } else if (c.kind == column_kind::clustering) {
        p.insert_ck[static_cast<std::size_t>(c.position)] = &s.values[i];
      } else {
        operation_plan op;
        op.what = op_kind::set;
        op.column = *ci;
        op.value = &s.values[i];
        op.value_type = c.type;
        classify(p, c);
        p.ops.push_back(std::move(op));
      }
    }
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < p.insert_pk.size(); ++i) {
      if (p.insert_pk[i] == nullptr) missing.push_back(t.columns[t.partition_key[i]].name);
    }
    if (!missing.empty()) {
      std::string names;
      for (std::size_t i = 0; i < missing.size(); ++i) names += (i > 0 ? ", " : "") + missing[i];
      return invalid_request("Some partition key parts are missing: " + names);
    }
    const bool any_ck = std::any_of(p.insert_ck.begin(), p.insert_ck.end(),
                                    [](const term* x) { return x != nullptr; });
    p.static_only = !any_ck && !t.clustering.empty() && p.static_ops && !p.regular_ops;
    if (!p.static_only) {
      missing.clear();
      for (std::size_t i = 0; i < p.insert_ck.size(); ++i) {
        if (p.insert_ck[i] == nullptr) missing.push_back(t.columns[t.clustering[i]].name);
      }
      if (!missing.empty()) {
        std::string names;
        for (std::size_t i = 0; i < missing.size(); ++i) names += (i > 0 ? ", " : "") + missing[i];
        return invalid_request("Some clustering keys are missing: " + names);
      }
    }
  }
  auto u = compile_using(t, s.using_, b, true);
  if (!u) return u.error();
  auto checked = check_counter_and_lwt(p);
  if (!checked) return checked.error();
  return p;
}

sim_result<modification_plan> compile_update(const catalog& cat, const update_stmt& s,
                                             std::string_view keyspace, binder* b) {
  auto table = writable_table(cat, s.table, keyspace);
  if (!table) return table.error();
  const table_def& t = **table;
  modification_plan p;
  p.type = statement_type::update;
  p.table = *table;
  p.using_ = &s.using_;
  p.if_exists = s.if_exists;

  auto u = compile_using(t, s.using_, b, true);
  if (!u) return u.error();
  for (const auto& a : s.assignments) {
    auto ci = find_column(t, a.column);
    if (!ci) return ci.error();
    const column_def& c = t.columns[*ci];
    if (c.is_primary_key()) {
      return invalid_request("PRIMARY KEY part " + c.name + " found in SET part");
    }
    auto op = compile_assignment(t, a, *ci, b);
    if (!op) return op.error();
    classify(p, c);
    p.ops.push_back(std::move(*op));
  }
  auto conds = compile_conditions(t, s.conditions, b);
  if (!conds) return conds.error();
  p.conditions = std::move(*conds);
  const bool conditions_regular = std::any_of(p.conditions.begin(), p.conditions.end(), [&](const condition_plan& c) {
    return t.columns[c.column].kind != column_kind::static_;
  });
  const bool conditions_static = std::any_of(p.conditions.begin(), p.conditions.end(), [&](const condition_plan& c) {
    return t.columns[c.column].kind == column_kind::static_;
  });
  p.static_only = !t.clustering.empty() && !p.regular_ops && !conditions_regular &&
                  (p.static_ops || conditions_static);

  where_options wo;
  wo.type = statement_type::update;
  wo.static_only = p.static_only;
  auto w = plan_where(t, s.where, wo, b);
  if (!w) return w.error();
  p.where = std::move(*w);
  auto checked = check_counter_and_lwt(p);
  if (!checked) return checked.error();
  if (p.has_conditions()) {
    if (p.where.pk_has_in) {
      return invalid_request("IN on the partition key is not supported with conditional updates");
    }
    if (p.where.ck_has_in) {
      return invalid_request("IN on the clustering key columns is not supported with conditional updates");
    }
  }
  return p;
}

sim_result<modification_plan> compile_delete(const catalog& cat, const delete_stmt& s,
                                             std::string_view keyspace, binder* b) {
  auto table = writable_table(cat, s.table, keyspace);
  if (!table) return table.error();
  const table_def& t = **table;
  modification_plan p;
  p.type = statement_type::delete_;
  p.table = *table;
  p.using_ = &s.using_;
  p.if_exists = s.if_exists;

  auto u = compile_using(t, s.using_, b, false);
  if (!u) return u.error();
  for (const auto& d : s.columns) {
    auto ci = find_column(t, d.column);
    if (!ci) return ci.error();
    const column_def& c = t.columns[*ci];
    if (c.is_primary_key()) {
      return invalid_request("Invalid identifier " + c.name +
                             " for deletion (should not be a PRIMARY KEY part)");
    }
    operation_plan op;
    op.column = *ci;
    op.value_type = c.type;
    if (d.element) {
      if (!is_collection(c.type)) {
        return invalid_request("Invalid deletion operation for non collection column " + c.name);
      }
      if (!c.multi_cell) {
        return invalid_request("Invalid deletion operation for frozen collection column " + c.name);
      }
      op.what = op_kind::delete_element;
      op.key = &*d.element;
      if (c.type.id == type_id::list) {
        op.key_type = protocol::data_type::of(type_id::int_);
        if (b != nullptr) b->bind(*op.key, spec_named(t, "idx(" + c.name + ")", op.key_type));
      } else {
        op.key_type = c.type.params[0];
        const char* what = c.type.id == type_id::map ? "key(" : "value(";
        if (b != nullptr) b->bind(*op.key, spec_named(t, what + c.name + ")", op.key_type));
      }
    } else if (!d.field.empty()) {
      if (c.type.id != type_id::udt) {
        return invalid_request("Invalid field deletion operation for non-UDT column " + c.name);
      }
      if (is_frozen_udt(c)) {
        return invalid_request("Frozen UDT column " + c.name + " does not support field deletion");
      }
      const auto& names = c.type.field_names;
      auto it = std::find(names.begin(), names.end(), d.field);
      if (it == names.end()) {
        return invalid_request("UDT column " + c.name + " does not have a field named " + d.field);
      }
      op.what = op_kind::delete_field;
      op.field = static_cast<std::size_t>(it - names.begin());
    } else {
      op.what = op_kind::delete_column;
    }
    classify(p, c);
    p.ops.push_back(std::move(op));
  }
  auto conds = compile_conditions(t, s.conditions, b);
  if (!conds) return conds.error();
  p.conditions = std::move(*conds);
  const bool conditions_regular = std::any_of(p.conditions.begin(), p.conditions.end(), [&](const condition_plan& c) {
    return t.columns[c.column].kind != column_kind::static_;
  });
  p.static_only = !t.clustering.empty() && !p.regular_ops && p.static_ops && !conditions_regular;

  where_options wo;
  wo.type = statement_type::delete_;
  wo.static_only = p.static_only;
  auto w = plan_where(t, s.where, wo, b);
  if (!w) return w.error();
  p.where = std::move(*w);
  const bool full_clustering = p.where.ck_restricted == t.clustering.size() && !p.where.ck_has_slice;
  if (p.regular_ops && !full_clustering) {
    return invalid_request("Range deletions are not supported for specific columns");
  }
  auto checked = check_counter_and_lwt(p);
  if (!checked) return checked.error();
  if (p.has_conditions()) {
    if (p.where.pk_has_in) {
      return invalid_request("IN on the partition key is not supported with conditional deletions");
    }
    if (p.where.ck_has_in) {
      return invalid_request(
          "IN on the clustering key columns is not supported with conditional deletions");
    }
    if (!full_clustering && !p.static_only) {
      return invalid_request(
          "DELETE statements must restrict all PRIMARY KEY columns with equality relations in "
          "order to use IF conditions");
    }
  }
  return p;
}

modification_ref ref_of(const modification& m) {
  if (const auto* i = std::get_if<insert_stmt>(&m)) return i;
  if (const auto* u = std::get_if<update_stmt>(&m)) return u;
  return &std::get<delete_stmt>(m);
}

std::optional<modification_ref> ref_of(const statement& s) {
  if (const auto* i = std::get_if<insert_stmt>(&s)) return modification_ref{i};
  if (const auto* u = std::get_if<update_stmt>(&s)) return modification_ref{u};
  if (const auto* d = std::get_if<delete_stmt>(&s)) return modification_ref{d};
  return std::nullopt;
}

sim_result<modification_plan> compile_modification(const catalog& cat, modification_ref m,
                                                   std::string_view keyspace, binder* b) {
  if (const auto* i = std::get_if<const insert_stmt*>(&m)) return compile_insert(cat, **i, keyspace, b);
  if (const auto* u = std::get_if<const update_stmt*>(&m)) return compile_update(cat, **u, keyspace, b);
  return compile_delete(cat, *std::get<const delete_stmt*>(m), keyspace, b);
}

}  // namespace cqlshift::sim::exec
