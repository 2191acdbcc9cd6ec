#include "executor_where.hpp"

#include <algorithm>
#include <utility>

namespace cqlshift::sim::exec {

namespace {

constexpr std::string_view allow_filtering_message =
    "Cannot execute this query as it might involve data filtering and thus may have "
    "unpredictable performance. If you want to execute this query despite the performance "
    "unpredictability, use ALLOW FILTERING";

bool is_slice(relation_op op) noexcept {
  return op == relation_op::lt || op == relation_op::le || op == relation_op::gt ||
         op == relation_op::ge;
}

bool is_start(relation_op op) noexcept {
  return op == relation_op::gt || op == relation_op::ge;
}

std::string_view op_text(relation_op op) noexcept {
  switch (op) {
    case relation_op::eq: return "=";
    case relation_op::lt: return "<";
    case relation_op::le: return "<=";
    case relation_op::gt: return ">";
    case relation_op::ge: return ">=";
    case relation_op::neq: return "!=";
    case relation_op::in: return "IN";
    case relation_op::contains: return "CONTAINS";
    case relation_op::contains_key: return "CONTAINS KEY";
    case relation_op::like: return "LIKE";
    case relation_op::is_not_null: return "IS NOT";
  }
  return "?";
}


std::string relation_text(const relation& r) {
  std::string lhs;
  if (r.target == relation_target::tuple || r.target == relation_target::token) {
    lhs = r.target == relation_target::token ? "token(" : "(";
    for (std::size_t i = 0; i < r.columns.size(); ++i) {
      if (i > 0) lhs += ", ";
      lhs += r.columns[i];
    }
    lhs += ")";
  } else if (!r.columns.empty()) {
    lhs = r.columns[0];
  }
  return lhs + " " + std::string(op_text(r.op)) + " " + term_text(r.value);
}

std::string join_names(const table_def& t, const std::vector<std::size_t>& cols) {
  std::string out;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i > 0) out += ", ";
    out += t.columns[cols[i]].name;
  }
  return out;
}

struct raw_ck {
  std::size_t first = 0;
  std::size_t count = 1;
  bool multi = false;
  const relation* rel = nullptr;
};

protocol::data_type tuple_type(const table_def& t, std::size_t first, std::size_t count) {
  std::vector<protocol::data_type> types;
  for (std::size_t i = 0; i < count; ++i) types.push_back(t.columns[t.clustering[first + i]].type);
  return protocol::data_type::tuple_of(std::move(types));
}

std::string tuple_name(const table_def& t, std::size_t first, std::size_t count) {
  std::string out = "(";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ",";
    out += t.columns[t.clustering[first + i]].name;
  }
  return out + ")";
}

void bind_relation_values(const table_def& t, const column_def& c, const relation& rel,
                          binder* b) {
  if (b == nullptr) return;
  if (rel.op == relation_op::in) {
    if (rel.in_list) {
      for (const auto& v : rel.in_values) b->bind(v, spec_of(t, c), &c);
    } else {
      b->bind(rel.value, spec_named(t, "in(" + c.name + ")", protocol::data_type::list_of(c.type)));
    }
    return;
  }
  b->bind(rel.value, spec_of(t, c), &c);
}

void bind_tuple_relation(const table_def& t, std::size_t first, std::size_t count,
                         const relation& rel, binder* b) {
  if (b == nullptr) return;
  const auto tt = tuple_type(t, first, count);
  const auto name = tuple_name(t, first, count);
  auto bind_tuple = [&](const term& v) {
    if (v.kind == term_kind::tuple) {
      for (std::size_t i = 0; i < v.items.size() && i < count; ++i) {
        const column_def& c = t.columns[t.clustering[first + i]];
        b->bind(v.items[i], spec_of(t, c), &c);
      }
    } else {
      b->bind(v, spec_named(t, name, tt));
    }
  };
  if (rel.op == relation_op::in) {
    if (rel.in_list) {
      for (const auto& v : rel.in_values) bind_tuple(v);
    } else {
      b->bind(rel.value, spec_named(t, "in(" + name + ")", protocol::data_type::list_of(tt)));
    }
    return;
  }
  bind_tuple(rel.value);
}

// Merges `add` into `into` (same first column): slices combine their bounds; anything with
// an equality or IN conflicts, as Cassandra's restriction merging.
sim_result<bool> merge_slices(const table_def& t, ck_restriction& into, const raw_ck& add) {
  const std::string& name = t.columns[t.clustering[add.first]].name;
  if (into.what == ck_restriction::kind::eq || add.rel->op == relation_op::eq) {
    return invalid_request(name +
                           " cannot be restricted by more than one relation if it includes an "
                           "Equal");
  }
  if (into.what == ck_restriction::kind::in || add.rel->op == relation_op::in) {
    return invalid_request(name +
                           " cannot be restricted by more than one relation if it includes a IN");
  }
  if (into.multi != add.multi) {
    return invalid_request("Column \"" + name +
                           "\" cannot be restricted by both a tuple notation inequality and a "
                           "single column inequality");
  }
  slice_bound bound{&add.rel->value,
                    add.rel->op == relation_op::ge || add.rel->op == relation_op::le, add.count};
  if (is_start(add.rel->op)) {
    if (into.start) {
      return invalid_request("More than one restriction was found for the start bound on " +
                             name);
    }
    into.start = bound;
  } else {
    if (into.end) {
      return invalid_request("More than one restriction was found for the end bound on " + name);
    }
    into.end = bound;
  }
  into.count = std::max(into.count, add.count);
  return true;
}

ck_restriction make_ck(const raw_ck& r) {
  ck_restriction out;
  out.first = r.first;
  out.count = r.count;
  out.multi = r.multi;
  out.rel = r.rel;
  switch (r.rel->op) {
    case relation_op::eq: out.what = ck_restriction::kind::eq; break;
    case relation_op::in: out.what = ck_restriction::kind::in; break;
    default: {
      out.what = ck_restriction::kind::slice;
      slice_bound bound{&r.rel->value,
                        r.rel->op == relation_op::ge || r.rel->op == relation_op::le, r.count};
      if (is_start(r.rel->op)) {
        out.start = bound;
      } else {
        out.end = bound;
      }
      break;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(statement_type t) noexcept {
  switch (t) {
    case statement_type::select: return "SELECT";
    case statement_type::insert: return "INSERT";
    case statement_type::update: return "UPDATE";
    case statement_type::delete_: return "DELETE";
  }
  return "?";
}

sim_result<where_plan> plan_where(const table_def& t, const std::vector<relation>& where,
                                  const where_options& options, binder* b) {
  where_plan plan;
  const bool is_select = options.type == statement_type::select;
  const bool is_modify = !is_select;
  const std::size_t n_pk = t.partition_key.size();
  const std::size_t n_ck = t.clustering.size();

  std::vector<const relation*> pk_eq(n_pk, nullptr);
  std::vector<row_filter> pk_slices;
  std::vector<const relation*> token_rels;
  std::vector<raw_ck> ck_raw;
  std::vector<row_filter> ck_filters;  // CONTAINS / map element on clustering columns

  for (const relation& rel : where) {
    switch (rel.target) {
      case relation_target::token: {
        if (is_modify) {
          return invalid_request("The token function cannot be used in WHERE clauses for " +
                                 std::string(to_string(options.type)) + " statements");
        }
        std::vector<std::size_t> cols;
        for (const auto& name : rel.columns) {
          auto c = find_column(t, name);
          if (!c) return c.error();
          cols.push_back(*c);
        }
        std::vector<std::size_t> sorted_cols = cols;
        std::sort(sorted_cols.begin(), sorted_cols.end());
        std::vector<std::size_t> pk_sorted = t.partition_key;
        std::sort(pk_sorted.begin(), pk_sorted.end());
        if (sorted_cols != pk_sorted) {
          return invalid_request(
              "The token() function must be applied to all partition key components or none of "
              "them");
        }
        if (cols != t.partition_key) {
          return invalid_request("The token function arguments must be in the partition key order: " +
                                 join_names(t, t.partition_key));
        }
        if (rel.op != relation_op::eq && !is_slice(rel.op)) {
          return invalid_request(std::string(op_text(rel.op)) +
                                 " cannot be used with the token function");
        }
        if (b != nullptr) {
          b->bind(rel.value, spec_named(t, "partition key token",
                                        protocol::data_type::of(protocol::type_id::bigint)));
        }
        token_rels.push_back(&rel);
        break;
      }
      case relation_target::column: {
        if (rel.columns.empty()) return invalid_request("Invalid relation");
        auto ci = find_column(t, rel.columns[0]);
        if (!ci) return ci.error();
        const column_def& c = t.columns[*ci];
        switch (rel.op) {
          case relation_op::is_not_null:
            return invalid_request("Unsupported restriction: " + c.name + " IS NOT NULL");
          case relation_op::like:
            return invalid_request(
                "LIKE restriction is only supported on properly indexed columns. " +
                relation_text(rel) + " is not valid.");
          case relation_op::neq:
            return invalid_request("Unsupported \"!=\" relation: " + relation_text(rel));
          case relation_op::contains:
          case relation_op::contains_key: {
            if (options.type == statement_type::update ||
                options.type == statement_type::delete_) {
              return invalid_request("Cannot use " + std::string(to_string(options.type)) +
                                     " with " + std::string(op_text(rel.op)));
            }
            const auto id = c.type.id;
            if (rel.op == relation_op::contains && !is_collection(c.type)) {
              return invalid_request("Cannot use CONTAINS on non-collection column " + c.name);
            }
            if (rel.op == relation_op::contains_key && id != protocol::type_id::map) {
              return invalid_request("Cannot use CONTAINS KEY on non-map column " + c.name);
            }
            if (b != nullptr && !c.type.params.empty()) {
              if (rel.op == relation_op::contains_key) {
                b->bind(rel.value, spec_named(t, "key(" + c.name + ")", c.type.params[0]));
              } else {
                b->bind(rel.value, spec_named(t, "value(" + c.name + ")", c.type.params.back()));
              }
            }
            row_filter f{*ci, &rel};
            if (c.kind == column_kind::partition_key) {
              pk_slices.push_back(f);
            } else if (c.kind == column_kind::clustering) {
              ck_filters.push_back(f);
            } else {
              if (c.kind == column_kind::regular) plan.has_regular_relations = true;
              plan.filters.push_back(f);
            }
            break;
          }
          default: {
            if (c.multi_cell) {
              return invalid_request("Collection column '" + c.name + "' (" + c.cql_type +
                                     ") cannot be restricted by a '" +
                                     std::string(op_text(rel.op)) + "' relation");
            }
            bind_relation_values(t, c, rel, b);
            if (c.kind == column_kind::partition_key) {
              const auto pos = static_cast<std::size_t>(c.position);
              const bool is_eq = rel.op == relation_op::eq || rel.op == relation_op::in;
              const bool sliced = std::any_of(pk_slices.begin(), pk_slices.end(),
                                              [&](const row_filter& f) { return f.column == *ci; });
              const relation* equality = pk_eq[pos] != nullptr ? pk_eq[pos] : (is_eq ? &rel : nullptr);
              if (equality != nullptr && (pk_eq[pos] != nullptr || sliced)) {
                return invalid_request(
                    c.name + " cannot be restricted by more than one relation if it includes " +
                    (equality->op == relation_op::in ? "a IN" : "an Equal"));
              }
              if (is_eq) {
                pk_eq[pos] = &rel;
              } else {
                pk_slices.push_back(row_filter{*ci, &rel});
              }
            } else if (c.kind == column_kind::clustering) {
              ck_raw.push_back(raw_ck{static_cast<std::size_t>(c.position), 1, false, &rel});
            } else {
              if (c.kind == column_kind::regular) plan.has_regular_relations = true;
              plan.filters.push_back(row_filter{*ci, &rel});
            }
            break;
          }
        }
        break;
      }
      case relation_target::tuple: {
        std::vector<std::size_t> positions;
        for (const auto& name : rel.columns) {
          auto ci = find_column(t, name);
          if (!ci) return ci.error();
          const column_def& c = t.columns[*ci];
          if (c.kind != column_kind::clustering) {
            return invalid_request(
                "Multi-column relations can only be applied to clustering columns but was applied "
                "to: " +
                c.name);
          }
          positions.push_back(static_cast<std::size_t>(c.position));
        }
        if (positions.empty()) return invalid_request("Invalid relation");
        for (std::size_t i = 1; i < positions.size(); ++i) {
          if (positions[i] != positions[0] + i) {
            std::string names;
            for (std::size_t j = 0; j < rel.columns.size(); ++j) {
              if (j > 0) names += ", ";
              names += rel.columns[j];
            }
            return invalid_request(
                "Clustering columns must appear in the PRIMARY KEY order in multi-column "
                "relations: (" +
                names + ")");
          }
        }
        if (rel.op != relation_op::eq && rel.op != relation_op::in && !is_slice(rel.op)) {
          return invalid_request("Unsupported \"" + std::string(op_text(rel.op)) +
                                 "\" relation: " + relation_text(rel));
        }
        bind_tuple_relation(t, positions[0], positions.size(), rel, b);
        ck_raw.push_back(raw_ck{positions[0], positions.size(), true, &rel});
        break;
      }
      case relation_target::map_element: {
        if (rel.columns.empty() || !rel.key) return invalid_request("Invalid relation");
        auto ci = find_column(t, rel.columns[0]);
        if (!ci) return ci.error();
        const column_def& c = t.columns[*ci];
        if (c.type.id != protocol::type_id::map || c.type.params.size() != 2) {
          return invalid_request("Column " + c.name + " is not a map");
        }
        if (is_modify) {
          return invalid_request("Cannot use " + std::string(to_string(options.type)) +
                                 " with a map element restriction");
        }
        if (b != nullptr) {
          b->bind(*rel.key, spec_named(t, "key(" + c.name + ")", c.type.params[0]));
          b->bind(rel.value, spec_named(t, "value(" + c.name + ")", c.type.params[1]));
        }
        if (c.kind == column_kind::regular) plan.has_regular_relations = true;
        if (c.kind == column_kind::clustering) {
          ck_filters.push_back(row_filter{*ci, &rel});
        } else {
          plan.filters.push_back(row_filter{*ci, &rel});
        }
        break;
      }
    }
  }

  // ---- partition key ----
  const bool any_pk_eq =
      std::any_of(pk_eq.begin(), pk_eq.end(), [](const relation* r) { return r != nullptr; });
  const bool all_pk_eq =
      std::all_of(pk_eq.begin(), pk_eq.end(), [](const relation* r) { return r != nullptr; });
  if (!token_rels.empty()) {
    if (any_pk_eq || !pk_slices.empty()) {
      return invalid_request("Columns \"" + join_names(t, t.partition_key) +
                             "\" cannot be restricted by both a normal relation and a token "
                             "relation");
    }
    bool had_eq = false;
    const std::string names = join_names(t, t.partition_key);
    for (const relation* r : token_rels) {
      if (r->op == relation_op::eq) {
        if (had_eq || plan.token_start || plan.token_end) {
          return invalid_request(names +
                                 " cannot be restricted by more than one relation if it includes "
                                 "an Equal");
        }
        had_eq = true;
        plan.token_start = slice_bound{&r->value, true, 1};
        plan.token_end = slice_bound{&r->value, true, 1};
        continue;
      }
      if (had_eq) {
        return invalid_request(names +
                               " cannot be restricted by more than one relation if it includes an "
                               "Equal");
      }
      const bool inclusive = r->op == relation_op::ge || r->op == relation_op::le;
      if (is_start(r->op)) {
        if (plan.token_start) {
          return invalid_request("More than one restriction was found for the start bound on " +
                                 names);
        }
        plan.token_start = slice_bound{&r->value, inclusive, 1};
      } else {
        if (plan.token_end) {
          return invalid_request("More than one restriction was found for the end bound on " +
                                 names);
        }
        plan.token_end = slice_bound{&r->value, inclusive, 1};
      }
    }
    plan.mode = where_plan::pk_mode::token;
  } else if (all_pk_eq && pk_slices.empty() && n_pk > 0) {
    plan.mode = where_plan::pk_mode::keys;
    plan.pk = pk_eq;
    plan.pk_has_in = std::any_of(pk_eq.begin(), pk_eq.end(),
                                 [](const relation* r) { return r->op == relation_op::in; });
  } else if (is_modify) {
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < n_pk; ++i) {
      const std::size_t col = t.partition_key[i];
      const bool sliced = std::any_of(pk_slices.begin(), pk_slices.end(),
                                      [&](const row_filter& f) { return f.column == col; });
      if (pk_eq[i] == nullptr && !sliced) missing.push_back(col);
    }
    if (!missing.empty()) {
      return invalid_request("Some partition key parts are missing: " + join_names(t, missing));
    }
    return invalid_request(
        "Only EQ and IN relation are supported on the partition key (unless you use the token() "
        "function) for " +
        std::string(to_string(options.type)) + " statements");
  } else if (!any_pk_eq && pk_slices.empty()) {
    plan.mode = where_plan::pk_mode::scan;
  } else {
    // Some partition key columns restricted, or restricted by a slice: a filtered scan.
    if (!options.allow_filtering) return invalid_request(std::string(allow_filtering_message));
    plan.mode = where_plan::pk_mode::scan;
    plan.needs_filtering = true;
    for (std::size_t i = 0; i < n_pk; ++i) {
      if (pk_eq[i] != nullptr) plan.filters.push_back(row_filter{t.partition_key[i], pk_eq[i]});
    }
    for (const auto& f : pk_slices) plan.filters.push_back(f);
  }

  // ---- clustering columns ----
  plan.has_clustering_relations = !ck_raw.empty() || !ck_filters.empty();
  if (options.static_only && plan.has_clustering_relations &&
      options.type != statement_type::insert) {
    if (is_select) {
      return invalid_request("Cannot restrict clustering columns when selecting only static columns");
    }
    return invalid_request("Invalid restrictions on clustering columns since the " +
                           std::string(to_string(options.type)) +
                           " statement modifies only static columns");
  }
  if (!ck_filters.empty() && !options.allow_filtering) {
    return invalid_request(
        "Clustering columns can only be restricted with CONTAINS with a secondary index or "
        "filtering");
  }

  std::stable_sort(ck_raw.begin(), ck_raw.end(),
                   [](const raw_ck& a, const raw_ck& b) { return a.first < b.first; });
  std::vector<ck_restriction> merged;
  for (const raw_ck& r : ck_raw) {
    ck_restriction* existing = nullptr;
    for (auto& m : merged) {
      const bool overlap = r.first < m.first + m.count && m.first < r.first + r.count;
      if (overlap) {
        existing = &m;
        break;
      }
    }
    if (existing == nullptr) {
      merged.push_back(make_ck(r));
      continue;
    }
    if (existing->first != r.first) {
      return invalid_request(t.columns[t.clustering[r.first]].name +
                             " cannot be restricted by more than one relation if it includes an "
                             "Equal");
    }
    auto m = merge_slices(t, *existing, r);
    if (!m) return m.error();
  }

  const bool may_filter_ck = is_select && options.allow_filtering;
  bool invalid_prefix = false;
  std::size_t expected = 0;
  const ck_restriction* last_slice = nullptr;
  for (const auto& m : merged) {
    if (last_slice != nullptr) {
      if (!may_filter_ck) {
        return invalid_request("Clustering column \"" + t.columns[t.clustering[m.first]].name +
                               "\" cannot be restricted (preceding column \"" +
                               t.columns[t.clustering[last_slice->first]].name +
                               "\" is restricted by a non-EQ relation)");
      }
      invalid_prefix = true;
      break;
    }
    if (m.first != expected) {
      if (options.type == statement_type::insert || options.type == statement_type::update) {
        expected = m.first + m.count;  // reported below as missing clustering keys
        continue;
      }
      if (!may_filter_ck) {
        return invalid_request("PRIMARY KEY column \"" + t.columns[t.clustering[m.first]].name +
                               "\" cannot be restricted as preceding column \"" +
                               t.columns[t.clustering[expected]].name + "\" is not restricted");
      }
      invalid_prefix = true;
      break;
    }
    expected = m.first + m.count;
    if (m.what == ck_restriction::kind::slice) last_slice = &m;
    if (m.what == ck_restriction::kind::in) plan.ck_has_in = true;
  }

  if (invalid_prefix) {
    // Not a key prefix: every clustering relation becomes a row filter (ALLOW FILTERING).
    plan.needs_filtering = true;
    plan.ck_has_in = false;
    for (const raw_ck& r : ck_raw) {
      if (r.multi) {
        return invalid_request("cqlsim does not support filtering on multi-column relations");
      }
      plan.filters.push_back(row_filter{t.clustering[r.first], r.rel});
    }
  } else {
    if (is_modify && options.type != statement_type::delete_ && last_slice != nullptr) {
      return invalid_request("Slice restrictions are not supported on the clustering columns in " +
                             std::string(to_string(options.type)) + " statements");
    }
    std::size_t covered = 0;
    for (const auto& m : merged) covered += m.count;
    if ((options.type == statement_type::insert || options.type == statement_type::update) &&
        !options.static_only && covered < n_ck) {
      std::vector<std::size_t> missing;
      for (std::size_t i = 0; i < n_ck; ++i) {
        const bool restricted = std::any_of(merged.begin(), merged.end(), [&](const auto& m) {
          return i >= m.first && i < m.first + m.count;
        });
        if (!restricted) missing.push_back(t.clustering[i]);
      }
      return invalid_request("Some clustering keys are missing: " + join_names(t, missing));
    }
    plan.ck_has_slice = last_slice != nullptr;
    plan.ck_restricted = expected;
    plan.clustering = std::move(merged);
  }
  for (const auto& f : ck_filters) {
    plan.filters.push_back(f);
    plan.needs_filtering = true;
  }

  // ---- other columns ----
  std::vector<std::size_t> non_key;
  for (const auto& f : plan.filters) {
    if (!t.columns[f.column].is_primary_key()) non_key.push_back(f.column);
  }
  if (!non_key.empty()) {
    if (is_modify) {
      return invalid_request("Non PRIMARY KEY columns found in where clause: " +
                             join_names(t, non_key) + " ");
    }
    if (!options.allow_filtering) return invalid_request(std::string(allow_filtering_message));
    plan.needs_filtering = true;
  }
  if (is_select && !options.allow_filtering && plan.mode != where_plan::pk_mode::keys &&
      (!plan.clustering.empty() || !plan.filters.empty())) {
    return invalid_request(std::string(allow_filtering_message));
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------

namespace {

struct prefix {
  std::vector<protocol::cql_value> values;
  std::vector<protocol::bytes> bytes;
};

sim_result<protocol::bytes> encode_v4(const protocol::data_type& type, const protocol::cql_value& v,
                                      std::string_view name) {
  auto b = protocol::encode_value(type, v, protocol::protocol_version::v4);
  if (!b) return invalid_request("Invalid value for column " + std::string(name));
  return std::move(*b);
}

// One value of a key restriction: rejects null and unset as Cassandra does.
sim_result<value_ref> key_value_of(const request& rq, const term& t, const column_def& c) {
  auto v = evaluate_term(rq, t, c.type, c.name);
  if (!v) return v.error();
  if (v->unset) return invalid_request("Invalid unset value for column " + c.name);
  if (v->null) return invalid_request("Invalid null value in condition for column " + c.name);
  return v;
}

// The values of an = or IN relation on one column, each with its bytes.
sim_result<std::vector<prefix>> single_values(const request& rq, const relation& rel,
                                              const column_def& c) {
  std::vector<prefix> out;
  if (rel.op != relation_op::in) {
    auto v = key_value_of(rq, rel.value, c);
    if (!v) return v.error();
    out.push_back(prefix{{std::move(v->value)}, {std::move(v->bytes)}});
    return out;
  }
  if (rel.in_list) {
    for (const auto& item : rel.in_values) {
      auto v = key_value_of(rq, item, c);
      if (!v) return v.error();
      out.push_back(prefix{{std::move(v->value)}, {std::move(v->bytes)}});
    }
    return out;
  }
  auto list_type = protocol::data_type::list_of(c.type);
  auto v = evaluate_term(rq, rel.value, list_type, "in(" + c.name + ")");
  if (!v) return v.error();
  if (v->unset) return invalid_request("Invalid unset value for column " + c.name);
  if (v->null) return invalid_request("Invalid null value for column " + c.name);
  if (const auto* items = std::get_if<protocol::cql_list>(&v->value.v)) {
    for (const auto& item : *items) {
      if (item.is_null()) return invalid_request("Invalid null value in condition for column " + c.name);
      auto b = encode_v4(c.type, item, c.name);
      if (!b) return b.error();
      out.push_back(prefix{{item}, {std::move(*b)}});
    }
  }
  return out;
}

// A tuple of values for `count` clustering columns from `first`.
sim_result<prefix> tuple_values(const request& rq, const table_def& t, const term& term_value,
                                std::size_t first, std::size_t count) {
  const auto tt = tuple_type(t, first, count);
  auto v = evaluate_term(rq, term_value, tt, tuple_name(t, first, count));
  if (!v) return v.error();
  if (v->unset) {
    return invalid_request("Invalid unset value for column " + t.columns[t.clustering[first]].name);
  }
  if (v->null) {
    return invalid_request("Invalid null value in condition for column " +
                           t.columns[t.clustering[first]].name);
  }
  prefix out;
  const auto* items = std::get_if<protocol::cql_list>(&v->value.v);
  if (items == nullptr) return invalid_request("Invalid tuple value");
  for (std::size_t i = 0; i < count; ++i) {
    const column_def& c = t.columns[t.clustering[first + i]];
    if (i >= items->size() || (*items)[i].is_null()) {
      return invalid_request("Invalid null value in condition for column " + c.name);
    }
    auto b = encode_v4(c.type, (*items)[i], c.name);
    if (!b) return b.error();
    out.values.push_back((*items)[i]);
    out.bytes.push_back(std::move(*b));
  }
  return out;
}

sim_result<std::vector<prefix>> tuple_in_values(const request& rq, const table_def& t,
                                                const relation& rel, std::size_t first,
                                                std::size_t count) {
  std::vector<prefix> out;
  if (rel.in_list) {
    for (const auto& item : rel.in_values) {
      auto p = tuple_values(rq, t, item, first, count);
      if (!p) return p.error();
      out.push_back(std::move(*p));
    }
    return out;
  }
  const auto tt = tuple_type(t, first, count);
  auto v = evaluate_term(rq, rel.value, protocol::data_type::list_of(tt),
                         "in(" + tuple_name(t, first, count) + ")");
  if (!v) return v.error();
  if (v->unset || v->null) {
    return invalid_request("Invalid " + std::string(v->unset ? "unset" : "null") +
                           " value for column " + t.columns[t.clustering[first]].name);
  }
  if (const auto* items = std::get_if<protocol::cql_list>(&v->value.v)) {
    for (const auto& item : *items) {
      const auto* parts = std::get_if<protocol::cql_list>(&item.v);
      if (parts == nullptr) return invalid_request("Invalid tuple value");
      prefix p;
      for (std::size_t i = 0; i < count; ++i) {
        const column_def& c = t.columns[t.clustering[first + i]];
        if (i >= parts->size() || (*parts)[i].is_null()) {
          return invalid_request("Invalid null value in condition for column " + c.name);
        }
        auto b = encode_v4(c.type, (*parts)[i], c.name);
        if (!b) return b.error();
        p.values.push_back((*parts)[i]);
        p.bytes.push_back(std::move(*b));
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<prefix> cross(const std::vector<prefix>& left, const std::vector<prefix>& right) {
  std::vector<prefix> out;
  out.reserve(left.size() * right.size());
  for (const auto& l : left) {
    for (const auto& r : right) {
      prefix p = l;
      p.values.insert(p.values.end(), r.values.begin(), r.values.end());
      p.bytes.insert(p.bytes.end(), r.bytes.begin(), r.bytes.end());
      out.push_back(std::move(p));
    }
  }
  return out;
}

// A hostile IN list (thousands of values on several columns) must not explode the cartesian
// product; Cassandra's guardrail default for IN combinations is in the same range.
constexpr std::size_t max_combinations = 100000;

sim_result<std::optional<store::clustering_bound>> bound_values(const request& rq,
                                                                const table_def& t,
                                                                const ck_restriction& m,
                                                                const std::optional<slice_bound>& sb) {
  if (!sb) return std::optional<store::clustering_bound>{};
  store::clustering_bound bound;
  bound.inclusive = sb->inclusive;
  if (m.multi) {
    auto p = tuple_values(rq, t, *sb->value, m.first, sb->columns);
    if (!p) return p.error();
    bound.values = std::move(p->values);
  } else {
    const column_def& c = t.columns[t.clustering[m.first]];
    auto v = key_value_of(rq, *sb->value, c);
    if (!v) return v.error();
    bound.values.push_back(std::move(v->value));
  }
  return std::optional<store::clustering_bound>{std::move(bound)};
}

struct prefix_result {
  std::vector<prefix> prefixes;
  std::optional<store::clustering_bound> start;
  std::optional<store::clustering_bound> end;
};

sim_result<prefix_result> evaluate_prefixes(const request& rq, const table_def& t,
                                            const where_plan& plan,
                                            const store::clustering_order& order) {
  prefix_result out;
  out.prefixes.push_back(prefix{});
  for (const auto& m : plan.clustering) {
    if (m.what == ck_restriction::kind::slice) {
      auto s = bound_values(rq, t, m, m.start);
      if (!s) return s.error();
      auto e = bound_values(rq, t, m, m.end);
      if (!e) return e.error();
      out.start = std::move(*s);
      out.end = std::move(*e);
      break;
    }
    std::vector<prefix> values;
    if (m.multi) {
      if (m.what == ck_restriction::kind::eq) {
        auto p = tuple_values(rq, t, m.rel->value, m.first, m.count);
        if (!p) return p.error();
        values.push_back(std::move(*p));
      } else {
        auto ps = tuple_in_values(rq, t, *m.rel, m.first, m.count);
        if (!ps) return ps.error();
        values = std::move(*ps);
      }
    } else {
      auto ps = single_values(rq, *m.rel, t.columns[t.clustering[m.first]]);
      if (!ps) return ps.error();
      values = std::move(*ps);
    }
    if (out.prefixes.size() * values.size() > max_combinations) {
      return invalid_request("IN restrictions combine into too many clustering keys");
    }
    out.prefixes = cross(out.prefixes, values);
  }
  std::sort(out.prefixes.begin(), out.prefixes.end(), [&](const prefix& a, const prefix& b) {
    return order.compare_prefix(a.values, b.values) < 0;
  });
  out.prefixes.erase(std::unique(out.prefixes.begin(), out.prefixes.end(),
                                 [&](const prefix& a, const prefix& b) {
                                   return order.compare_prefix(a.values, b.values) == 0;
                                 }),
                     out.prefixes.end());
  return out;
}

}  // namespace

sim_result<std::vector<key_value>> evaluate_keys(const request& rq, const table_def& t,
                                                 const where_plan& plan) {
  std::vector<prefix> combos{prefix{}};
  for (std::size_t i = 0; i < plan.pk.size(); ++i) {
    const column_def& c = t.columns[t.partition_key[i]];
    auto vals = single_values(rq, *plan.pk[i], c);
    if (!vals) return vals.error();
    if (combos.size() * vals->size() > max_combinations) {
      return invalid_request("IN restrictions combine into too many partition keys");
    }
    combos = cross(combos, *vals);
  }
  std::vector<protocol::data_type> types;
  for (std::size_t pk : t.partition_key) types.push_back(t.columns[pk].type);
  store::clustering_order natural(types, std::vector<bool>(types.size(), false));
  std::sort(combos.begin(), combos.end(), [&](const prefix& a, const prefix& b) {
    return natural.compare_prefix(a.values, b.values) < 0;
  });
  combos.erase(std::unique(combos.begin(), combos.end(),
                           [&](const prefix& a, const prefix& b) {
                             return natural.compare_prefix(a.values, b.values) == 0;
                           }),
               combos.end());
  std::vector<key_value> out;
  out.reserve(combos.size());
  for (auto& p : combos) {
    auto pos = make_position(p.bytes);
    if (!pos) return pos.error();
    out.push_back(key_value{std::move(*pos), std::move(p.bytes), std::move(p.values)});
  }
  return out;
}

bool token_range::contains(std::int64_t token) const noexcept {
  if (empty) return false;
  if (start && (token < *start || (token == *start && !start_inclusive))) return false;
  if (end && (token > *end || (token == *end && !end_inclusive))) return false;
  return true;
}

sim_result<token_range> evaluate_token_range(const request& rq, const where_plan& plan) {
  token_range out;
  auto bound = [&](const std::optional<slice_bound>& b) -> sim_result<std::optional<std::int64_t>> {
    if (!b) return std::optional<std::int64_t>{};
    auto v = evaluate_term(rq, *b->value, protocol::data_type::of(protocol::type_id::bigint),
                           "partition key token");
    if (!v) return v.error();
    if (v->null || v->unset) return invalid_request("Invalid null token value");
    const auto* i = std::get_if<std::int64_t>(&v->value.v);
    if (i == nullptr) return invalid_request("Invalid token value");
    // The partitioner's minimum token is no key's token: as a bound it means "unbounded".
    if (*i == std::numeric_limits<std::int64_t>::min()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{*i};
  };
  auto s = bound(plan.token_start);
  if (!s) return s.error();
  auto e = bound(plan.token_end);
  if (!e) return e.error();
  out.start = *s;
  out.end = *e;
  out.start_inclusive = plan.token_start ? plan.token_start->inclusive : true;
  out.end_inclusive = plan.token_end ? plan.token_end->inclusive : true;
  if (out.start && out.end &&
      (*out.start > *out.end ||
       (*out.start == *out.end && (!out.start_inclusive || !out.end_inclusive)))) {
    out.empty = true;  // CASSANDRA-5573: no wrapping ranges in CQL
  }
  return out;
}

sim_result<std::vector<store::clustering_slice>> evaluate_slices(const request& rq,
                                                                 const table_def& t,
                                                                 const where_plan& plan,
                                                                 const store::clustering_order& o) {
  auto pr = evaluate_prefixes(rq, t, plan, o);
  if (!pr) return pr.error();
  std::vector<store::clustering_slice> out;
  out.reserve(pr->prefixes.size());
  for (auto& p : pr->prefixes) {
    store::clustering_slice s;
    s.prefix = std::move(p.values);
    s.start = pr->start;
    s.end = pr->end;
    out.push_back(std::move(s));
  }
  return out;
}

sim_result<std::vector<store::clustering_key>> evaluate_clustering_keys(
    const request& rq, const table_def& t, const where_plan& plan, const store::clustering_order& o) {
  auto pr = evaluate_prefixes(rq, t, plan, o);
  if (!pr) return pr.error();
  std::vector<store::clustering_key> out;
  out.reserve(pr->prefixes.size());
  for (auto& p : pr->prefixes) {
    out.push_back(store::clustering_key{std::move(p.values), std::move(p.bytes)});
  }
  return out;
}

sim_result<std::vector<bound_filter>> evaluate_filters(const request& rq, const table_def& t,
                                                       const where_plan& plan) {
  std::vector<bound_filter> out;
  out.reserve(plan.filters.size());
  for (const auto& f : plan.filters) {
    const column_def& c = t.columns[f.column];
    const relation& rel = *f.rel;
    bound_filter bf;
    bf.column = f.column;
    bf.op = rel.op;
    bf.type = c.type;
    auto one = [&](const term& tm, const protocol::data_type& type,
                   const std::string& name) -> sim_result<protocol::cql_value> {
      auto v = evaluate_term(rq, tm, type, name);
      if (!v) return v.error();
      if (v->unset) return invalid_request("Unsupported unset value for column " + c.name);
      if (v->null) return invalid_request("Unsupported null value for column " + c.name);
      return std::move(v->value);
    };
    if (rel.target == relation_target::map_element) {
      auto k = one(*rel.key, c.type.params[0], "key(" + c.name + ")");
      if (!k) return k.error();
      auto v = one(rel.value, c.type.params[1], "value(" + c.name + ")");
      if (!v) return v.error();
      bf.key = std::move(*k);
      bf.type = c.type.params[1];
      bf.values.push_back(std::move(*v));
    } else if (rel.op == relation_op::contains || rel.op == relation_op::contains_key) {
      bf.type = rel.op == relation_op::contains_key ? c.type.params[0] : c.type.params.back();
      auto v = one(rel.value, bf.type, c.name);
      if (!v) return v.error();
      bf.values.push_back(std::move(*v));
    } else if (rel.op == relation_op::in) {
      auto vals = single_values(rq, rel, c);
      if (!vals) return vals.error();
      for (auto& p : *vals) bf.values.push_back(std::move(p.values[0]));
    } else {
      auto v = one(rel.value, c.type, c.name);
      if (!v) return v.error();
      bf.values.push_back(std::move(*v));
    }
    out.push_back(std::move(bf));
  }
  return out;
}

bool filter_accepts(const bound_filter& f, const protocol::data_type& column_type,
                    const protocol::cql_value& v) {
  if (v.is_null()) return false;
  auto cmp = [&](const protocol::cql_value& a) { return sim::compare(f.type, v, a); };
  switch (f.op) {
    case relation_op::eq:
      if (f.key) break;
      return cmp(f.values[0]) == 0;
    case relation_op::lt: return cmp(f.values[0]) < 0;
    case relation_op::le: return cmp(f.values[0]) <= 0;
    case relation_op::gt: return cmp(f.values[0]) > 0;
    case relation_op::ge: return cmp(f.values[0]) >= 0;
    case relation_op::in:
      return std::any_of(f.values.begin(), f.values.end(),
                         [&](const protocol::cql_value& a) { return cmp(a) == 0; });
    case relation_op::contains: {
      if (const auto* l = std::get_if<protocol::cql_list>(&v.v)) {
        return std::any_of(l->begin(), l->end(), [&](const protocol::cql_value& e) {
          return !e.is_null() && sim::compare(f.type, e, f.values[0]) == 0;
        });
      }
      if (const auto* m = std::get_if<protocol::cql_map>(&v.v)) {
        return std::any_of(m->begin(), m->end(), [&](const protocol::cql_map_entry& e) {
          return !e.second.is_null() && sim::compare(f.type, e.second, f.values[0]) == 0;
        });
      }
      return false;
    }
    case relation_op::contains_key: {
      if (const auto* m = std::get_if<protocol::cql_map>(&v.v)) {
        return std::any_of(m->begin(), m->end(), [&](const protocol::cql_map_entry& e) {
          return sim::compare(f.type, e.first, f.values[0]) == 0;
        });
      }
      return false;
    }
    default:
      return false;
  }
  // map element: c[key] = value
  if (const auto* m = std::get_if<protocol::cql_map>(&v.v)) {
    for (const auto& e : *m) {
      if (sim::compare(column_type.params[0], e.first, *f.key) == 0) {
        return !e.second.is_null() && sim::compare(f.type, e.second, f.values[0]) == 0;
      }
    }
  }
  return false;
}

}  // namespace cqlshift::sim::exec
