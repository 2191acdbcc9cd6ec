#include "executor_select.hpp"

#include "cqlshift/protocol/token.hpp"
#include "executor_paging.hpp"

#include <algorithm>
#include <utility>

namespace cqlshift::sim::exec {

namespace {

bool restricted_by_eq(const where_plan& w, std::size_t position) {
  for (const auto& r : w.clustering) {
    if (r.what == ck_restriction::kind::eq && position >= r.first && position < r.first + r.count) {
      return true;
    }
  }
  return false;
}

sim_result<bool> check_distinct(const table_def& t, const select_stmt& s, const selection_plan& sel,
                                const where_plan& w) {
  if (s.per_partition_limit) {
    return invalid_request("PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries");
  }
  bool non_static_filter = w.has_clustering_relations;
  for (const auto& f : w.filters) {
    if (t.columns[f.column].kind != column_kind::partition_key &&
        t.columns[f.column].kind != column_kind::static_) {
      non_static_filter = true;
    }
  }
  if (non_static_filter) {
    return invalid_request(
        "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or "
        "static columns.");
  }
  std::vector<std::size_t> requested;
  for (const auto& p : sel.selectors) {
    if (p.what == selector_plan::kind::column) requested.push_back(p.column);
  }
  if (sel.wildcard) {
    requested.clear();
    for (std::size_t i = 0; i < t.columns.size(); ++i) requested.push_back(i);
  }
  for (std::size_t i : requested) {
    const auto k = t.columns[i].kind;
    if (k != column_kind::partition_key && k != column_kind::static_) {
      return invalid_request(
          "SELECT DISTINCT queries must only request partition key columns and/or static columns "
          "(not " +
          t.columns[i].name + ")");
    }
  }
  if (w.mode != where_plan::pk_mode::keys) {
    for (std::size_t pk : t.partition_key) {
      if (std::find(requested.begin(), requested.end(), pk) == requested.end()) {
        return invalid_request("SELECT DISTINCT queries must request all the partition key columns "
                               "(missing " +
                               t.columns[pk].name + ")");
      }
    }
  }
  return true;
}

// The rows of a virtual table as a throw-away storage, so they are ordered, filtered and
// paged like any table.
std::unique_ptr<store::table_storage> virtual_storage(const request& rq,
                                                      const std::shared_ptr<const table_def>& t) {
  auto storage = std::make_unique<store::table_storage>(*t);
  const auto& slots = storage->slots_for(t);
  const auto rows = rq.eng.cat.system_rows(*t, rq.eng.topo, rq.session.node);
  const auto v4 = protocol::protocol_version::v4;
  for (const auto& values : rows) {
    if (values.size() != t->columns.size()) continue;
    std::vector<protocol::bytes> components;
    std::vector<protocol::cql_value> key_values;
    bool ok = true;
    for (std::size_t pk : t->partition_key) {
      auto b = protocol::encode_value(t->columns[pk].type, values[pk], v4);
      if (!b || values[pk].is_null()) {
        ok = false;
        break;
      }
      components.push_back(std::move(*b));
      key_values.push_back(values[pk]);
    }
    if (!ok) continue;
    auto pos = make_position(components);
    if (!pos) continue;
    store::clustering_key ck;
    for (std::size_t c : t->clustering) {
      auto b = protocol::encode_value(t->columns[c].type, values[c], v4);
      if (!b || values[c].is_null()) {
        ok = false;
        break;
      }
      ck.values.push_back(values[c]);
      ck.bytes.push_back(std::move(*b));
    }
    if (!ok) continue;
    store::partition& p =
        storage->get_or_create(std::move(*pos), std::move(components), std::move(key_values));
    store::row& r = p.rows[std::move(ck)];
    store::write_liveness(r, store::liveness_info{0, 0, store::no_deletion_time}, {});
    for (std::size_t i = 0; i < t->columns.size(); ++i) {
      const column_def& c = t->columns[i];
      if (c.is_primary_key() || values[i].is_null()) continue;
      auto b = protocol::encode_value(c.type, values[i], v4);
      if (!b) continue;
      store::cell cell;
      cell.value = std::move(*b);
      cell.timestamp = 0;
      store::write_cell(c.kind == column_kind::static_ ? p.static_row : r, slots[i],
                        std::move(cell), {});
    }
  }
  return storage;
}

sim_result<std::optional<resume_point>> resume_from(const table_def& t,
                                                    const paging_state& state) {
  resume_point rp;
  rp.pos.key = state.partition_key;
  rp.pos.token = protocol::murmur3_token(protocol::byte_view(state.partition_key));
  rp.remaining_in_partition = state.remaining_in_partition;
  if (state.clustering) {
    if (state.clustering->size() != t.clustering.size()) {
      return protocol_error("Invalid value for the paging state");
    }
    std::vector<protocol::cql_value> values;
    for (std::size_t i = 0; i < t.clustering.size(); ++i) {
      auto v = protocol::decode_value(t.columns[t.clustering[i]].type,
                                      protocol::byte_view((*state.clustering)[i]),
                                      protocol::protocol_version::v4);
      if (!v) return protocol_error("Invalid value for the paging state");
      values.push_back(std::move(*v));
    }
    rp.clustering = std::move(values);
  }
  return std::optional<resume_point>{std::move(rp)};
}

}  // namespace

sim_result<select_plan> compile_select(const catalog& cat, const select_stmt& s,
                                       std::string_view keyspace, binder* b) {
  auto table = resolve_table(cat, s.table, keyspace);
  if (!table) return table.error();
  const table_def& t = **table;
  select_plan plan;
  plan.table = *table;

  auto sel = plan_selection(t, s, b);
  if (!sel) return sel.error();
  plan.selection = std::move(*sel);

  where_options wo;
  wo.type = statement_type::select;
  wo.allow_filtering = s.allow_filtering;
  wo.static_only = plan.selection.only_static;
  auto w = plan_where(t, s.where, wo, b);
  if (!w) return w.error();
  plan.where = std::move(*w);

  if (!s.group_by.empty()) return invalid_request("cqlsim does not support GROUP BY");
  if (s.distinct) {
    auto d = check_distinct(t, s, plan.selection, plan.where);
    if (!d) return d.error();
  }
  if (plan.selection.aggregate && s.per_partition_limit) {
    return invalid_request("PER PARTITION LIMIT is not allowed with aggregate queries.");
  }

  if (!s.order_by.empty()) {
    std::vector<std::size_t> cols;
    for (const auto& o : s.order_by) {
      auto ci = find_column(t, o.column);
      if (!ci) return ci.error();
      cols.push_back(*ci);
    }
    if (plan.where.mode != where_plan::pk_mode::keys) {
      return invalid_request(
          "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
    }
    std::size_t next = 0;
    std::optional<bool> reversed;
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const column_def& c = t.columns[cols[k]];
      if (c.kind != column_kind::clustering) {
        return invalid_request(
            "Order by is currently only supported on the clustered columns of the PRIMARY KEY, "
            "got " +
            c.name);
      }
      const auto pos = static_cast<std::size_t>(c.position);
      while (next != pos) {
        if (next > pos || !restricted_by_eq(plan.where, next)) {
          return invalid_request(
              "Order by currently only supports the ordering of columns following their declared "
              "order in the PRIMARY KEY");
        }
        ++next;
      }
      ++next;
      const bool rev = s.order_by[k].descending != c.descending;
      if (reversed && *reversed != rev) return invalid_request("Unsupported order by relation");
      reversed = rev;
      plan.ordering.emplace_back(cols[k], s.order_by[k].descending);
    }
    plan.reversed = reversed.value_or(false);
    plan.post_order = plan.where.pk_has_in;
  }

  const auto int_type = protocol::data_type::of(protocol::type_id::int_);
  if (b != nullptr && s.limit) b->bind(*s.limit, spec_named(t, "[limit]", int_type));
  if (b != nullptr && s.per_partition_limit) {
    b->bind(*s.per_partition_limit, spec_named(t, "[per_partition_limit]", int_type));
  }
  return plan;
}

sim_result<protocol::rows_result> execute_select(request& rq, const select_stmt& s,
                                                 const select_plan* compiled) {
  std::optional<select_plan> local;
  if (compiled == nullptr) {
    auto c = compile_select(rq.eng.cat, s, rq.keyspace, nullptr);
    if (!c) return c.error();
    local = std::move(*c);
    compiled = &*local;
  }
  const select_plan& plan = *compiled;
  const table_def& t = *plan.table;

  constexpr auto no_limit = std::numeric_limits<std::int64_t>::max();
  auto limit_of = [&](const std::optional<term>& term_value,
                      const char* name) -> sim_result<std::int64_t> {
    if (!term_value) return no_limit;
    auto v = evaluate_integer(rq, *term_value, protocol::type_id::int_, name,
                              "Invalid null value of limit");
    if (!v) return v.error();
    if (!*v) return no_limit;  // unset: no limit
    if (**v <= 0) return invalid_request("LIMIT must be strictly positive");
    return **v;
  };
  auto limit = limit_of(s.limit, "[limit]");
  if (!limit) return limit.error();
  auto per_partition = limit_of(s.per_partition_limit, "[per_partition_limit]");
  if (!per_partition) return per_partition.error();

  std::unique_ptr<store::table_storage> temp;
  store::table_storage* storage = nullptr;
  if (t.is_virtual) {
    temp = virtual_storage(rq, plan.table);
    storage = temp.get();
  } else {
    storage = &rq.eng.storage(t);
  }

  read_spec spec;
  spec.table = &t;
  spec.storage = storage;
  spec.slots = storage->slots_for(plan.table);
  spec.needed = plan.selection.needed;
  spec.now = rq.now_seconds;
  spec.mode = plan.where.mode;
  spec.reversed = plan.reversed;
  spec.distinct = s.distinct;
  spec.static_content_for_empty = plan.where.queries_full_partitions();
  if (spec.mode == where_plan::pk_mode::keys) {
    auto keys = evaluate_keys(rq, t, plan.where);
    if (!keys) return keys.error();
    spec.keys = std::move(*keys);
  } else if (spec.mode == where_plan::pk_mode::token) {
    auto range = evaluate_token_range(rq, plan.where);
    if (!range) return range.error();
    spec.range = *range;
  }
  auto slices = evaluate_slices(rq, t, plan.where, *storage->order());
  if (!slices) return slices.error();
  spec.slices = std::move(*slices);
  auto filters = evaluate_filters(rq, t, plan.where);
  if (!filters) return filters.error();
  spec.filters = std::move(*filters);
  spec.per_partition_limit = *per_partition;

  const std::int32_t page_size = rq.opts.page_size.value_or(0);
  const bool paging = !plan.selection.aggregate && page_size > 0 && *limit > page_size;
  if (paging && plan.post_order) {
    return invalid_request(
        "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you "
        "must either remove the ORDER BY or the IN and sort client side, or disable paging for "
        "this query");
  }
  std::int64_t remaining = *limit;
  if (paging && rq.opts.paging_state) {
    auto state = decode_paging_state(*rq.opts.paging_state);
    if (!state) return state.error();
    auto resume = resume_from(t, *state);
    if (!resume) return resume.error();
    spec.resume = std::move(*resume);
    remaining = state->remaining;
  }
  const std::int64_t page_limit = paging ? std::min<std::int64_t>(page_size, remaining)
                                         : (plan.post_order ? no_limit : *limit);
  spec.limit = page_limit;

  row_builder builder(t, plan.selection, rq);
  read_outcome outcome;
  if (plan.post_order) {
    std::vector<fetched_row> fetched;
    outcome = read_rows(spec, [&](fetched_row& r) { fetched.push_back(std::move(r)); });
    std::stable_sort(fetched.begin(), fetched.end(), [&](const fetched_row& a, const fetched_row& b) {
      for (const auto& [col, desc] : plan.ordering) {
        const auto pos = static_cast<std::size_t>(t.columns[col].position);
        const bool an = a.clustering == nullptr;
        const bool bn = b.clustering == nullptr;
        int c = 0;
        if (an || bn) {
          c = an == bn ? 0 : (an ? -1 : 1);
        } else {
          c = sim::compare(t.columns[col].type, a.clustering->values[pos], b.clustering->values[pos]);
        }
        if (desc) c = -c;
        if (c != 0) return c < 0;
      }
      return false;
    });
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(
        *limit, static_cast<std::int64_t>(fetched.size())));
    for (std::size_t i = 0; i < n; ++i) builder.add(fetched[i]);
  } else {
    outcome = read_rows(spec, [&](fetched_row& r) { builder.add(r); });
  }

  protocol::rows_result result;
  if (rq.opts.skip_metadata) {
    result.metadata.global_table_spec = true;
    result.metadata.column_count = static_cast<std::int32_t>(
        plan.selection.json ? 1 : plan.selection.specs.size());
  } else {
    result.metadata = result_metadata(t, plan.selection);
  }
  result.rows = builder.finish();

  if (paging) {
    const bool exhausted = outcome.counted < page_limit || remaining - outcome.counted <= 0;
    if (!exhausted && outcome.last_partition != nullptr) {
      paging_state state;
      state.partition_key = outcome.last_pos.key;
      state.remaining = remaining - outcome.counted;
      if (outcome.last_clustering) {
        std::vector<protocol::bytes> parts;
        for (std::size_t i = 0; i < t.clustering.size(); ++i) {
          auto b = protocol::encode_value(t.columns[t.clustering[i]].type,
                                          (*outcome.last_clustering)[i],
                                          protocol::protocol_version::v4);
          parts.push_back(b ? std::move(*b) : protocol::bytes{});
        }
        state.clustering = std::move(parts);
        state.remaining_in_partition =
            outcome.per_partition_limit_of_last - outcome.counted_in_last_partition;
      }
      result.metadata.paging_state = encode_paging_state(state);
    }
  }
  result.metadata.no_metadata = rq.opts.skip_metadata;
  return result;
}

}  // namespace cqlshift::sim::exec
