#include "cqlshift/sim/database.hpp"

#include "cqlshift/sim/parser.hpp"
#include "executor.hpp"
#include "executor_batch.hpp"
#include "executor_lwt.hpp"
#include "executor_modify.hpp"
#include "executor_select.hpp"

#include <optional>
#include <unordered_map>
#include <utility>

namespace cqlshift::sim {

struct database::impl {
  impl(topology topo, std::function<std::int64_t()> clock) : eng(std::move(topo), std::move(clock)) {}

  // The compiled plan of a prepared statement, reused while the schema and the keyspace it
  // was compiled for stay the same. Keyed by the statement's address, which is only trusted
  // while `owner` is alive: a statement parsed for one QUERY may later live at the address of
  // a freed prepared one.
  struct cached {
    std::weak_ptr<const parsed_statement> owner;
    protocol::uuid schema_version{};
    std::string keyspace;
    std::optional<exec::select_plan> select;
    std::optional<exec::modification_plan> modify;
  };

  // The live cache entry for `stmt`, or null (not prepared, or freed since).
  cached* cache_entry(const parsed_statement& stmt) {
    auto it = cache.find(&stmt);
    if (it == cache.end()) return nullptr;
    auto owner = it->second.owner.lock();
    if (owner.get() != &stmt) {
      cache.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  void remember(const std::shared_ptr<const parsed_statement>& stmt) {
    // Sweep entries whose statements are gone now and then, so the map stays bounded by the
    // live prepared statements.
    if (++prepares % 1024 == 0) {
      std::erase_if(cache, [](const auto& e) { return e.second.owner.expired(); });
    }
    cache[stmt.get()].owner = stmt;
  }

  exec::engine eng;
  std::unordered_map<const parsed_statement*, cached> cache;
  std::uint64_t prepares = 0;
};

namespace {

using exec::binder;
using exec::request;

bool is_ddl(const statement& s) {
  return std::holds_alternative<create_keyspace_stmt>(s) ||
         std::holds_alternative<alter_keyspace_stmt>(s) ||
         std::holds_alternative<drop_keyspace_stmt>(s) ||
         std::holds_alternative<create_table_stmt>(s) ||
         std::holds_alternative<alter_table_stmt>(s) || std::holds_alternative<drop_table_stmt>(s) ||
         std::holds_alternative<create_type_stmt>(s) || std::holds_alternative<drop_type_stmt>(s);
}

// Records the bind markers of a statement (prepare, and QUERY with named values). Returns the
// table whose partition key the markers may bind (for pk_indices), if any.
sim_result<std::shared_ptr<const table_def>> bind_statement(const catalog& cat, const statement& s,
                                                            std::string_view keyspace, binder& b,
                                                            protocol::rows_metadata* result) {
  if (const auto* sel = std::get_if<select_stmt>(&s)) {
    auto plan = exec::compile_select(cat, *sel, keyspace, &b);
    if (!plan) return plan.error();
    if (result != nullptr) *result = exec::result_metadata(*plan->table, plan->selection);
    return plan->table;
  }
  if (const auto* batch = std::get_if<batch_stmt>(&s)) {
    std::shared_ptr<const table_def> table;
    bool single_table = true;
    if (batch->using_.timestamp) {
      // The batch's own USING TIMESTAMP marker.
      protocol::column_spec spec;
      spec.name = "[timestamp]";
      spec.type = protocol::data_type::of(protocol::type_id::bigint);
      b.bind(*batch->using_.timestamp, spec);
    }
    for (const auto& m : batch->statements) {
      auto plan = exec::compile_modification(cat, exec::ref_of(m), keyspace, &b);
      if (!plan) return plan.error();
      if (table && table->id != plan->table->id) single_table = false;
      if (!table) table = plan->table;
    }
    return single_table ? table : nullptr;
  }
  if (auto m = exec::ref_of(s)) {
    auto plan = exec::compile_modification(cat, *m, keyspace, &b);
    if (!plan) return plan.error();
    return plan->table;
  }
  if (const auto* u = std::get_if<unsupported_stmt>(&s)) {
    return invalid_request("cqlsim does not support " + u->what);
  }
  return std::shared_ptr<const table_def>{};
}

std::int32_t seconds_of(std::int64_t micros) {
  std::int64_t s = micros / 1000000;
  if (micros % 1000000 < 0) --s;
  return static_cast<std::int32_t>(s);
}

sim_result<execution_result> run_modification(request& rq, exec::modification_ref s,
                                              const exec::modification_plan* compiled) {
  std::optional<exec::modification_plan> local;
  if (compiled == nullptr) {
    auto c = exec::compile_modification(rq.eng.cat, s, rq.keyspace, nullptr);
    if (!c) return c.error();
    local = std::move(*c);
    compiled = &*local;
  }
  const exec::modification_plan* plan = compiled;
  if (plan->has_conditions()) {
    auto rows = exec::execute_conditional(rq, *plan);
    if (!rows) return rows.error();
    return execution_result{std::move(*rows)};
  }
  auto m = exec::evaluate_mutation(rq, *plan, {});
  if (!m) return m.error();
  exec::apply_mutation(rq.eng, *m, rq.now_seconds);
  return execution_result{protocol::void_result{}};
}

sim_result<execution_result> run_ddl(request& rq, const statement& s) {
  std::shared_ptr<const table_def> altered;
  if (const auto* alter = std::get_if<alter_table_stmt>(&s)) {
    auto t = exec::resolve_table(rq.eng.cat, alter->table, rq.keyspace);
    if (t) altered = *t;
  }
  auto outcome = rq.eng.cat.apply(s, rq.keyspace);
  if (!outcome) return outcome.error();
  for (const auto& id : outcome->dropped_tables) rq.eng.tables.erase(id);
  if (altered && !outcome->dropped_columns.empty()) {
    auto it = rq.eng.tables.find(altered->id);
    if (it != rq.eng.tables.end()) {
      for (const auto& c : outcome->dropped_columns) it->second->drop_column(c);
    }
  }
  if (!outcome->change) return execution_result{protocol::void_result{}};
  return execution_result{protocol::schema_change_result{*outcome->change}};
}

sim_result<execution_result> run_truncate(request& rq, const truncate_stmt& s) {
  auto t = exec::resolve_table(rq.eng.cat, s.table, rq.keyspace);
  if (!t) return t.error();
  const keyspace_def* ks = rq.eng.cat.find_keyspace((*t)->keyspace);
  if ((ks != nullptr && ks->is_system) || (*t)->is_virtual) {
    return exec::unauthorized((*t)->keyspace + " keyspace is not user-modifiable.");
  }
  auto it = rq.eng.tables.find((*t)->id);
  if (it != rq.eng.tables.end()) it->second->truncate();
  return execution_result{protocol::void_result{}};
}

}  // namespace

database::database(topology topo, std::function<std::int64_t()> clock)
    : impl_(std::make_unique<impl>(std::move(topo), std::move(clock))) {}

database::~database() = default;

const topology& database::nodes() const noexcept {
  return impl_->eng.topo;
}

void database::set_topology(topology topo) {
  impl_->eng.topo = std::move(topo);
}

const catalog& database::schema() const noexcept {
  return impl_->eng.cat;
}

void database::reset() {
  impl_->eng.cat.reset();
  impl_->eng.tables.clear();
  for (auto& [stmt, entry] : impl_->cache) {
    entry.select.reset();
    entry.modify.reset();
  }
}

sim_result<prepared_statement> database::prepare(std::string_view cql,
                                                 const session_state& session) const {
  auto parsed = parse(cql);
  if (!parsed) return parsed.error();
  prepared_statement ps;
  ps.query = std::string(cql);
  ps.keyspace = session.keyspace;
  ps.parsed = std::make_shared<const parsed_statement>(std::move(*parsed));
  binder b(*ps.parsed);
  auto table = bind_statement(impl_->eng.cat, ps.parsed->stmt, session.keyspace, b,
                              &ps.result_metadata);
  if (!table) return table.error();
  ps.variables.columns = b.specs();
  bool same_table = !ps.variables.columns.empty();
  for (const auto& c : ps.variables.columns) {
    same_table = same_table && c.keyspace == ps.variables.columns.front().keyspace &&
                 c.table == ps.variables.columns.front().table;
  }
  ps.variables.global_table_spec = same_table;
  if (*table) ps.variables.pk_indices = b.pk_indices(**table);
  impl_->remember(ps.parsed);
  return ps;
}

sim_result<execution_result> database::execute(const parsed_statement& stmt,
                                               const request_options& opts,
                                               const session_state& session,
                                               std::string_view keyspace) {
  exec::engine& eng = impl_->eng;
  const std::int64_t now = eng.now_micros();
  request rq{eng, opts, session, std::string(keyspace.empty() ? session.keyspace : keyspace),
             opts.values, now, opts.now_in_seconds ? *opts.now_in_seconds : seconds_of(now)};

  std::vector<protocol::value> named;
  if (!opts.value_names.empty()) {
    binder b(stmt);
    auto bound = bind_statement(eng.cat, stmt.stmt, rq.keyspace, b, nullptr);
    if (!bound) return bound.error();
    const auto specs = b.specs();
    named.assign(specs.size(), protocol::value::null_value());
    for (std::size_t i = 0; i < specs.size(); ++i) {
      for (std::size_t j = 0; j < opts.value_names.size() && j < opts.values.size(); ++j) {
        if (opts.value_names[j] == specs[i].name) {
          named[i] = opts.values[j];
          break;
        }
      }
    }
    rq.values = named;
  } else if (stmt.marker_count() != opts.values.size()) {
    return invalid_request("there were " + std::to_string(stmt.marker_count()) +
                           " markers(?) in CQL but " + std::to_string(opts.values.size()) +
                           " bound variables");
  }

  const statement& s = stmt.stmt;
  impl::cached* entry = impl_->cache_entry(stmt);
  if (entry != nullptr &&
      (entry->schema_version != eng.cat.schema_version() || entry->keyspace != rq.keyspace)) {
    entry->select.reset();
    entry->modify.reset();
    entry->schema_version = eng.cat.schema_version();
    entry->keyspace = rq.keyspace;
  }
  if (const auto* sel = std::get_if<select_stmt>(&s)) {
    if (entry != nullptr && !entry->select) {
      auto plan = exec::compile_select(eng.cat, *sel, rq.keyspace, nullptr);
      if (!plan) return plan.error();
      entry->select = std::move(*plan);
    }
    auto rows = exec::execute_select(rq, *sel, entry != nullptr ? &*entry->select : nullptr);
    if (!rows) return rows.error();
    return execution_result{std::move(*rows)};
  }
  if (auto m = exec::ref_of(s)) {
    if (entry != nullptr && !entry->modify) {
      auto plan = exec::compile_modification(eng.cat, *m, rq.keyspace, nullptr);
      if (!plan) return plan.error();
      entry->modify = std::move(*plan);
    }
    return run_modification(rq, *m, entry != nullptr ? &*entry->modify : nullptr);
  }
  if (const auto* batch = std::get_if<batch_stmt>(&s)) {
    std::vector<exec::batch_item> items;
    items.reserve(batch->statements.size());
    for (const auto& m : batch->statements) {
      items.push_back(exec::batch_item{exec::ref_of(m), rq.keyspace, rq.values});
    }
    return exec::execute_batch_items(rq, batch->type, items, &batch->using_);
  }
  if (const auto* use = std::get_if<use_stmt>(&s)) {
    if (eng.cat.find_keyspace(use->keyspace) == nullptr) {
      return invalid_request("Keyspace '" + use->keyspace + "' does not exist");
    }
    return execution_result{protocol::set_keyspace_result{use->keyspace}};
  }
  if (is_ddl(s)) return run_ddl(rq, s);
  if (const auto* tr = std::get_if<truncate_stmt>(&s)) return run_truncate(rq, *tr);
  if (const auto* u = std::get_if<unsupported_stmt>(&s)) {
    return invalid_request("cqlsim does not support " + u->what);
  }
  return invalid_request("cqlsim does not support this statement");
}

sim_result<execution_result> database::execute_batch(protocol::batch_type type,
                                                     const std::vector<batch_entry>& entries,
                                                     const request_options& opts,
                                                     const session_state& session) {
  exec::engine& eng = impl_->eng;
  const std::int64_t now = eng.now_micros();
  request rq{eng, opts, session, session.keyspace, {}, now,
             opts.now_in_seconds ? *opts.now_in_seconds : seconds_of(now)};
  std::vector<exec::batch_item> items;
  items.reserve(entries.size());
  for (const auto& e : entries) {
    std::optional<exec::modification_ref> m;
    if (e.parsed) m = exec::ref_of(e.parsed->stmt);
    if (!m) {
      return invalid_request(
          "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.");
    }
    if (e.parsed->marker_count() != e.values.size()) {
      return invalid_request("There were " + std::to_string(e.parsed->marker_count()) +
                             " markers(?) in CQL but " + std::to_string(e.values.size()) +
                             " bound variables");
    }
    items.push_back(
        exec::batch_item{*m, e.keyspace.empty() ? session.keyspace : e.keyspace, e.values});
  }
  return exec::execute_batch_items(rq, type, items, nullptr);
}

}  // namespace cqlshift::sim
