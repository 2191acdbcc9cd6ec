// CREATE/ALTER/DROP TABLE (CreateTableStatement, AlterTableStatement, DropTableStatement).

#include "catalog_detail.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace cqlshift::sim {

namespace {

std::string table_resource(const std::string& ks, const std::string& table) {
  return "<table " + ks + "." + table + ">";
}

std::int32_t ttl_of(const std::map<std::string, protocol::cql_value>& options) {
  auto it = options.find("default_time_to_live");
  if (it == options.end()) return 0;
  const auto* v = std::get_if<std::int32_t>(&it->second.v);
  return v ? *v : 0;
}

bool is_non_frozen_udt(const column_def& c) {
  return c.type.id == protocol::type_id::udt && !c.cql_type.starts_with("frozen<");
}

}  // namespace

namespace detail {

void order_columns(table_def& table) {
  auto rank = [](column_kind k) {
    switch (k) {
      case column_kind::partition_key:
        return 0;
      case column_kind::clustering:
        return 1;
      case column_kind::static_:
        return 2;
      case column_kind::regular:
        return 3;
    }
    return 3;
  };
  std::stable_sort(table.columns.begin(), table.columns.end(),
                   [&](const column_def& a, const column_def& b) {
                     if (rank(a.kind) != rank(b.kind)) return rank(a.kind) < rank(b.kind);
                     if (a.is_primary_key()) return a.position < b.position;
                     return a.name < b.name;
                   });
  table.partition_key.clear();
  table.clustering.clear();
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i].kind == column_kind::partition_key) table.partition_key.push_back(i);
    if (table.columns[i].kind == column_kind::clustering) table.clustering.push_back(i);
  }
}

}  // namespace detail

sim_result<ddl_outcome> catalog::create_table(const create_table_stmt& s,
                                              std::string_view session_ks) {
  const std::string& name = s.table.name;
  const std::string written = s.table.keyspace.empty() ? name : s.table.keyspace + "." + name;
  {
    std::set<std::string> declared;
    for (const auto& c : s.columns) {
      if (!declared.insert(c.name).second) {
        return invalid_request("Duplicate column '" + c.name + "' declaration for table '" +
                               written + "'");
      }
    }
  }
  auto target = detail::target_keyspace(s.table.keyspace, session_ks);
  if (!target) return target.error();
  const std::string& ks_name = *target;
  if (s.partition_key.empty()) {
    return invalid_request("No PRIMARY KEY specifed for table '" + written +
                           "' (exactly one required)");
  }
  if (auto e = detail::check_ddl(ks_name, detail::permission::create, "<keyspace " + ks_name + ">",
                                 false)) {
    return *e;
  }
  keyspace_def* ks = find_keyspace_mutable(ks_name);
  if (!ks) return invalid_request("Keyspace '" + ks_name + "' doesn't exist");
  if (ks->tables.count(name)) {
    if (s.if_not_exists) return ddl_outcome{};
    return detail::already_exists(ks_name, name);
  }
  if (s.compact_storage) {
    return invalid_request("COMPACT STORAGE tables are not allowed starting with version 4.0");
  }

  auto options = detail::default_table_options();
  std::optional<protocol::uuid> id;
  if (auto r = detail::apply_table_properties(s.properties, options, &id); !r) return r.error();

  // Types resolve in column name order, as Cassandra's TreeMap of columns does.
  std::map<std::string, detail::type_facts> types;
  std::set<std::string> statics;
  {
    std::vector<const column_definition*> by_name;
    for (const auto& c : s.columns)
      by_name.push_back(&c);
    std::sort(by_name.begin(), by_name.end(),
              [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const auto* c : by_name) {
      auto r = detail::resolve_type(c->type, ks_name, ks);
      if (!r) return r.error();
      if (r->has_multi_cell_field) {
        return invalid_request(
            "Non-frozen UDTs with nested non-frozen collections are not supported");
      }
      types.emplace(c->name, std::move(*r));
      if (c->is_static) statics.insert(c->name);
    }
  }

  std::set<std::string> key_columns;
  std::vector<std::string> key_order = s.partition_key;
  key_order.insert(key_order.end(), s.clustering.begin(), s.clustering.end());
  for (const auto& column : key_order) {
    auto it = types.find(column);
    if (it == types.end()) {
      return invalid_request("Unknown column '" + column +
                             "' referenced in PRIMARY KEY for table '" + name + "'");
    }
    if (!key_columns.insert(column).second) {
      return invalid_request("Duplicate column '" + column + "' in PRIMARY KEY clause for table '" +
                             name + "'");
    }
    const detail::type_facts& f = it->second;
    if (f.collection && !f.frozen) {
      return invalid_request("Invalid non-frozen collection type " + f.resolved.cql_type +
                             " for PRIMARY KEY column '" + column + "'");
    }
    if (f.udt && !f.frozen) {
      return invalid_request("Invalid non-frozen user-defined type " + f.resolved.cql_type +
                             " for PRIMARY KEY column '" + column + "'");
    }
    if (f.counter) {
      return invalid_request("counter type is not supported for PRIMARY KEY column '" + column +
                             "'");
    }
    if (f.has_duration) {
      return invalid_request("duration type is not supported for PRIMARY KEY column '" + column +
                             "'");
    }
    if (statics.count(column)) {
      return invalid_request("Static column '" + column + "' cannot be part of the PRIMARY KEY");
    }
  }

  if (s.clustering_order.size() > s.clustering.size()) {
    return invalid_request("Only clustering columns can be defined in CLUSTERING ORDER directive");
  }
  std::set<std::string> ordered;
  for (const auto& o : s.clustering_order) {
    if (!ordered.insert(o.column).second) {
      return invalid_request("Duplicate column '" + o.column +
                             "' in CLUSTERING ORDER BY clause for table '" + written + "'");
    }
  }
  for (std::size_t n = 0; n < s.clustering_order.size(); ++n) {
    const std::string& id_n = s.clustering_order[n].column;
    const std::string& expected = s.clustering[n];
    if (id_n != expected) {
      if (ordered.count(expected)) {
        return invalid_request(
            "The order of columns in the CLUSTERING ORDER directive must match that of the "
            "clustering columns (" +
            expected + " must appear before " + id_n + ")");
      }
      return invalid_request("Missing CLUSTERING ORDER for column " + expected);
    }
  }
  if (s.clustering.empty() && !statics.empty()) {
    return invalid_request(
        "Static columns are only useful (and thus allowed) if the table has at least one "
        "clustering column");
  }

  bool has_counters = false;
  for (const auto& [column, f] : types)
    has_counters = has_counters || f.counter;
  if (has_counters) {
    for (const auto& [column, f] : types) {
      if (!key_columns.count(column) && !f.counter) {
        return invalid_request("Cannot mix counter and non counter columns in the same table");
      }
    }
    if (ttl_of(options) > 0) {
      return invalid_request("Cannot set default_time_to_live on a table with counters");
    }
  }
  if (!detail::is_valid_name(name)) {
    return detail::config_error(
        "Table name must not be empty, more than 48 characters long, or contain "
        "non-alphanumeric-underscore characters (got \"" +
        name + "\")");
  }

  auto table = std::make_shared<table_def>();
  table->keyspace = ks_name;
  table->name = name;
  table->id = id ? *id : random_uuid();
  table->is_counter = has_counters;
  table->default_time_to_live = ttl_of(options);
  table->options = std::move(options);
  for (auto& [column, f] : types) {
    column_def c;
    c.name = column;
    c.type = std::move(f.resolved.type);
    c.cql_type = std::move(f.resolved.cql_type);
    c.multi_cell = f.resolved.multi_cell;
    auto pk = std::find(s.partition_key.begin(), s.partition_key.end(), column);
    auto ck = std::find(s.clustering.begin(), s.clustering.end(), column);
    if (pk != s.partition_key.end()) {
      c.kind = column_kind::partition_key;
      c.position = static_cast<int>(pk - s.partition_key.begin());
    } else if (ck != s.clustering.end()) {
      c.kind = column_kind::clustering;
      c.position = static_cast<int>(ck - s.clustering.begin());
      for (const auto& o : s.clustering_order) {
        if (o.column == column) c.descending = o.descending;
      }
    } else {
      c.kind = statics.count(column) ? column_kind::static_ : column_kind::regular;
    }
    table->columns.push_back(std::move(c));
  }
  detail::order_columns(*table);
  ks->tables[name] = std::move(table);
  return changed({protocol::schema_change_type::created,
                  protocol::schema_change_target::table,
                  ks_name,
                  name,
                  {}});
}

sim_result<ddl_outcome> catalog::alter_table(const alter_table_stmt& s,
                                             std::string_view session_ks) {
  auto target = detail::target_keyspace(s.table.keyspace, session_ks);
  if (!target) return target.error();
  const std::string& ks_name = *target;
  const std::string& name = s.table.name;
  if (auto e = detail::check_ddl(ks_name, detail::permission::alter, table_resource(ks_name, name),
                                 false)) {
    return *e;
  }
  keyspace_def* ks = find_keyspace_mutable(ks_name);
  auto it = ks ? ks->tables.find(name) : decltype(ks->tables)::iterator{};
  if (!ks || it == ks->tables.end()) {
    if (s.if_exists) return ddl_outcome{};
    return invalid_request("Table '" + ks_name + "." + name + "' doesn't exist");
  }
  const table_def& old = *it->second;
  const std::string qualified = ks_name + "." + name;
  auto next = std::make_shared<table_def>(old);
  ddl_outcome extra;

  switch (s.what) {
    case alter_table_stmt::action::alter_type:
      return invalid_request("Altering column types is no longer supported");

    case alter_table_stmt::action::add:
      for (const auto& added : s.added) {
        auto r = detail::resolve_type(added.type, ks_name, ks);
        if (!r) return r.error();
        if (next->find(added.name)) {
          return invalid_request("Column with name '" + added.name + "' already exists");
        }
        if (added.is_static && old.clustering.empty()) {
          return invalid_request(
              "Static columns are only useful (and thus allowed) if the table has at least one "
              "clustering column");
        }
        if (r->has_multi_cell_field) {
          return invalid_request(
              "Non-frozen UDTs with nested non-frozen collections are not supported");
        }
        if (old.is_counter && !r->counter) {
          return detail::config_error("Cannot have a non counter column (\"" + added.name +
                                      "\") in a counter table");
        }
        if (!old.is_counter && r->counter) {
          return detail::config_error("Cannot have a counter column (\"" + added.name +
                                      "\") in a non counter table");
        }
        column_def c;
        c.name = added.name;
        c.type = std::move(r->resolved.type);
        c.cql_type = std::move(r->resolved.cql_type);
        c.multi_cell = r->resolved.multi_cell;
        c.kind = added.is_static ? column_kind::static_ : column_kind::regular;
        next->columns.push_back(std::move(c));
      }
      break;

    case alter_table_stmt::action::drop:
      for (const auto& dropped : s.dropped) {
        const column_def* c = next->find(dropped);
        if (!c) {
          return invalid_request("Column " + dropped + " was not found in table '" + qualified +
                                 "'");
        }
        if (c->is_primary_key()) {
          return invalid_request("Cannot drop PRIMARY KEY column " + dropped);
        }
        if (is_non_frozen_udt(*c)) {
          return invalid_request("Cannot drop non-frozen column " + dropped + " of user type " +
                                 c->cql_type);
        }
        next->columns.erase(next->columns.begin() +
                            static_cast<std::ptrdiff_t>(*next->index_of(dropped)));
        extra.dropped_columns.push_back(dropped);
      }
      break;

    case alter_table_stmt::action::rename:
      for (const auto& [from, to] : s.renamed) {
        const column_def* c = old.find(from);
        if (!c) {
          return invalid_request("Column " + from + " was not found in table " + qualified);
        }
        if (!c->is_primary_key()) {
          return invalid_request("Cannot rename non PRIMARY KEY column " + from);
        }
        if (old.find(to)) {
          return invalid_request("Cannot rename column " + from + " to " + to + " in table '" +
                                 qualified + "'; another column with that name already exists");
        }
        if (auto i = next->index_of(from)) next->columns[*i].name = to;
      }
      break;

    case alter_table_stmt::action::with: {
      std::optional<protocol::uuid> id;
      auto options = old.options;
      if (auto r = detail::apply_table_properties(s.properties, options, &id); !r) {
        return r.error();
      }
      if (id) return detail::config_error("Cannot alter table id.");
      if (old.is_counter && ttl_of(options) > 0) {
        return invalid_request("Cannot set default_time_to_live on a table with counters");
      }
      if (options == old.options) return ddl_outcome{};
      next->default_time_to_live = ttl_of(options);
      next->options = std::move(options);
      break;
    }
  }

  detail::order_columns(*next);
  it->second = std::move(next);
  ddl_outcome out = changed({protocol::schema_change_type::updated,
                             protocol::schema_change_target::table,
                             ks_name,
                             name,
                             {}});
  out.dropped_columns = std::move(extra.dropped_columns);
  return out;
}

sim_result<ddl_outcome> catalog::drop_table(const drop_table_stmt& s, std::string_view session_ks) {
  auto target = detail::target_keyspace(s.table.keyspace, session_ks);
  if (!target) return target.error();
  const std::string& ks_name = *target;
  const std::string& name = s.table.name;
  if (auto e = detail::check_ddl(ks_name, detail::permission::drop, table_resource(ks_name, name),
                                 false)) {
    return *e;
  }
  keyspace_def* ks = find_keyspace_mutable(ks_name);
  auto it = ks ? ks->tables.find(name) : decltype(ks->tables)::iterator{};
  if (!ks || it == ks->tables.end()) {
    if (s.if_exists) return ddl_outcome{};
    return invalid_request("Table '" + ks_name + "." + name + "' doesn't exist");
  }
  const protocol::uuid id = it->second->id;
  ks->tables.erase(it);
  ddl_outcome out = changed({protocol::schema_change_type::dropped,
                             protocol::schema_change_target::table,
                             ks_name,
                             name,
                             {}});
  out.dropped_tables.push_back(id);
  return out;
}

}  // namespace cqlshift::sim
