// Type resolution (CQL3Type.Raw.prepare) and CREATE/DROP TYPE.

#include "catalog_detail.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace cqlshift::sim {

namespace {

using protocol::data_type;
using protocol::type_id;

struct native_type {
  std::string_view name;
  type_id id;
  std::string_view cql;  // the spelling system_schema uses
};

constexpr std::array<native_type, 21> native_types{{
    {"ascii", type_id::ascii, "ascii"},
    {"bigint", type_id::bigint, "bigint"},
    {"blob", type_id::blob, "blob"},
    {"boolean", type_id::boolean, "boolean"},
    {"counter", type_id::counter, "counter"},
    {"date", type_id::date, "date"},
    {"decimal", type_id::decimal, "decimal"},
    {"double", type_id::double_, "double"},
    {"duration", type_id::duration, "duration"},
    {"float", type_id::float_, "float"},
    {"inet", type_id::inet, "inet"},
    {"int", type_id::int_, "int"},
    {"smallint", type_id::smallint, "smallint"},
    {"text", type_id::varchar, "text"},
    {"time", type_id::time, "time"},
    {"timestamp", type_id::timestamp, "timestamp"},
    {"timeuuid", type_id::timeuuid, "timeuuid"},
    {"tinyint", type_id::tinyint, "tinyint"},
    {"uuid", type_id::uuid, "uuid"},
    {"varchar", type_id::varchar, "text"},
    {"varint", type_id::varint, "varint"},
}};

// Marshal classes that are simply a native type written the long way.
constexpr std::array<std::pair<std::string_view, std::string_view>, 21> marshal_natives{{
    {"AsciiType", "ascii"},
    {"LongType", "bigint"},
    {"BytesType", "blob"},
    {"BooleanType", "boolean"},
    {"CounterColumnType", "counter"},
    {"SimpleDateType", "date"},
    {"DecimalType", "decimal"},
    {"DoubleType", "double"},
    {"DurationType", "duration"},
    {"FloatType", "float"},
    {"InetAddressType", "inet"},
    {"Int32Type", "int"},
    {"ShortType", "smallint"},
    {"UTF8Type", "text"},
    {"TimeType", "time"},
    {"TimestampType", "timestamp"},
    {"DateType", "timestamp"},
    {"TimeUUIDType", "timeuuid"},
    {"ByteType", "tinyint"},
    {"UUIDType", "uuid"},
    {"IntegerType", "varint"},
}};

constexpr std::string_view marshal_package = "org.apache.cassandra.db.marshal.";

const native_type* find_native(std::string_view name) noexcept {
  for (const auto& n : native_types) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

bool is_collection_name(std::string_view name) noexcept {
  return name == "list" || name == "set" || name == "map";
}

bool is_udt_raw(const type_expr& t) noexcept {
  return !t.custom && !find_native(t.name) && !is_collection_name(t.name) && t.name != "tuple";
}

// A user type name as CQL prints it: quoted unless it is a plain lower-case identifier.
std::string maybe_quote(std::string_view name) {
  bool plain = !name.empty() && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
  }
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The type as written, for messages (CQL3Type.Raw.toString).
std::string raw_string(const type_expr& t, bool frozen_context = false, int depth = 0) {
  const bool frozen = t.frozen || frozen_context;
  std::string s;
  if (depth > protocol::max_type_nesting) return "...";
  if (t.custom) return "'" + t.name + "'";
  if (const native_type* n = find_native(t.name)) return std::string(n->cql);
  if (is_collection_name(t.name) || t.name == "tuple") {
    s = t.name + "<";
    for (std::size_t i = 0; i < t.params.size(); ++i) {
      if (i) s += ", ";
      s += raw_string(t.params[i], false, depth + 1);
    }
    s += ">";
  } else {
    s = t.keyspace.empty() ? maybe_quote(t.name) : t.keyspace + "." + maybe_quote(t.name);
  }
  return frozen && t.name != "tuple" ? "frozen<" + s + ">" : s;
}

bool duration_inside(const data_type& t) noexcept {
  if (t.id == type_id::duration) return true;
  return std::any_of(t.params.begin(), t.params.end(),
                     [](const data_type& p) { return duration_inside(p); });
}

bool is_multi_cell_spelling(std::string_view cql) noexcept {
  return cql.starts_with("list<") || cql.starts_with("set<") || cql.starts_with("map<");
}

sim_result<detail::type_facts> resolve_custom(const type_expr& t) {
  std::string cls = t.name;
  if (cls.find('.') == std::string::npos) cls = std::string(marshal_package) + cls;
  if (cls.starts_with(marshal_package)) {
    std::string_view simple = std::string_view(cls).substr(marshal_package.size());
    for (const auto& [marshal, native] : marshal_natives) {
      if (marshal == simple) {
        const native_type* n = find_native(native);
        detail::type_facts f;
        f.resolved.type = data_type::of(n->id);
        f.resolved.cql_type = std::string(n->cql);
        f.counter = n->id == type_id::counter;
        f.has_duration = n->id == type_id::duration;
        return f;
      }
    }
  }
  detail::type_facts f;
  f.resolved.type = data_type::of(type_id::custom);
  f.resolved.type.custom_class = cls;
  f.resolved.cql_type = "'" + cls + "'";
  return f;
}

sim_result<detail::type_facts> resolve_at(const type_expr& t, std::string_view keyspace,
                                          const keyspace_def* ks, bool inside, int depth);

sim_result<detail::type_facts> resolve_collection(const type_expr& t, std::string_view keyspace,
                                                  const keyspace_def* ks, bool inside, int depth) {
  const std::size_t arity = t.name == "map" ? 2 : 1;
  if (t.params.size() != arity) {
    return invalid_request("Invalid collection type " + raw_string(t));
  }
  const bool frozen = t.frozen || inside;
  // Spelled only for a message: the type is at most max_type_nesting deep here.
  auto self = [&] { return raw_string(t, inside); };
  const type_expr& values = t.params.back();
  const type_expr* keys = arity == 2 ? &t.params.front() : nullptr;
  auto nested_error = [&](const type_expr& inner) {
    return invalid_request(
        std::string(is_collection_name(inner.name) ? "Non-frozen collections" : "Non-frozen UDTs") +
        " are not allowed inside collections: " + self());
  };
  auto freezable = [](const type_expr& inner) {
    return !inner.custom && (is_collection_name(inner.name) || is_udt_raw(inner));
  };
  if (!frozen && freezable(values) && !values.frozen) return nested_error(values);
  if (!values.custom && values.name == "counter") {
    return invalid_request("Counters are not allowed inside collections: " + self());
  }
  if (!values.custom && values.name == "duration" && t.name == "set") {
    return invalid_request("Durations are not allowed inside sets: " + self());
  }
  if (keys) {
    if (!keys->custom && keys->name == "counter") {
      return invalid_request("Counters are not allowed inside collections: " + self());
    }
    if (!keys->custom && keys->name == "duration") {
      return invalid_request("Durations are not allowed as map keys: " + self());
    }
    if (!frozen && freezable(*keys) && !keys->frozen) return nested_error(*keys);
  }

  std::vector<detail::type_facts> inner;
  for (const auto& p : t.params) {
    auto r = resolve_at(p, keyspace, ks, frozen, depth + 1);
    if (!r) return r.error();
    inner.push_back(std::move(*r));
  }
  detail::type_facts f;
  f.frozen = frozen;
  f.collection = true;
  f.resolved.multi_cell = !frozen;
  std::string spelled = t.name + "<" + inner[0].resolved.cql_type;
  if (t.name == "list") {
    f.resolved.type = data_type::list_of(inner[0].resolved.type);
  } else if (t.name == "set") {
    f.resolved.type = data_type::set_of(inner[0].resolved.type);
  } else {
    f.resolved.type = data_type::map_of(inner[0].resolved.type, inner[1].resolved.type);
    spelled += ", " + inner[1].resolved.cql_type;
  }
  spelled += ">";
  f.resolved.cql_type = frozen ? "frozen<" + spelled + ">" : spelled;
  f.has_duration = std::any_of(inner.begin(), inner.end(),
                               [](const detail::type_facts& i) { return i.has_duration; });
  return f;
}

sim_result<detail::type_facts> resolve_tuple(const type_expr& t, std::string_view keyspace,
                                             const keyspace_def* ks, int depth) {
  if (t.params.empty()) return invalid_request("Tuple types must have at least one element");
  std::vector<data_type> elements;
  std::string spelled = "tuple<";
  bool duration = false;
  for (std::size_t i = 0; i < t.params.size(); ++i) {
    const type_expr& p = t.params[i];
    if (!p.custom && p.name == "counter") {
      return invalid_request("Counters are not allowed inside tuples");
    }
    auto r = resolve_at(p, keyspace, ks, true, depth + 1);
    if (!r) return r.error();
    if (i) spelled += ", ";
    spelled += r->resolved.cql_type;
    duration = duration || r->has_duration;
    elements.push_back(std::move(r->resolved.type));
  }
  detail::type_facts f;
  f.frozen = true;
  f.has_duration = duration;
  f.resolved.type = data_type::tuple_of(std::move(elements));
  f.resolved.cql_type = "frozen<" + spelled + ">>";
  return f;
}

sim_result<detail::type_facts> resolve_udt(const type_expr& t, std::string_view keyspace,
                                           const keyspace_def* ks, bool inside) {
  if (!t.params.empty()) return invalid_request("Unknown type " + raw_string(t));
  if (!t.keyspace.empty() && t.keyspace != keyspace) {
    return invalid_request("Statement on keyspace " + std::string(keyspace) +
                           " cannot refer to a user type in keyspace " + t.keyspace +
                           "; user types can only be used in the keyspace they are defined in");
  }
  std::shared_ptr<const user_type_def> udt;
  if (ks) {
    auto it = ks->types.find(t.name);
    if (it != ks->types.end()) udt = it->second;
  }
  if (!udt) return invalid_request("Unknown type " + std::string(keyspace) + "." + t.name);
  detail::type_facts f;
  f.frozen = t.frozen || inside;
  f.udt = true;
  f.resolved.type = udt->as_data_type();
  f.resolved.cql_type = f.frozen ? "frozen<" + maybe_quote(t.name) + ">" : maybe_quote(t.name);
  // cqlsim keeps even a non-frozen UDT value in one cell (see column_def::multi_cell).
  f.resolved.multi_cell = false;
  f.has_duration = duration_inside(f.resolved.type);
  if (!f.frozen) {
    f.has_multi_cell_field =
        std::any_of(udt->field_cql_types.begin(), udt->field_cql_types.end(),
                    [](const std::string& c) { return is_multi_cell_spelling(c); });
  }
  return f;
}

sim_result<detail::type_facts> resolve_at(const type_expr& t, std::string_view keyspace,
                                          const keyspace_def* ks, bool inside, int depth) {
  if (depth > protocol::max_type_nesting) return invalid_request("Type nesting is too deep");
  if (t.custom) return resolve_custom(t);
  if (const native_type* n = find_native(t.name)) {
    if (!t.params.empty()) return invalid_request("Unknown type " + t.name);
    if (t.frozen) {
      return invalid_request(
          "frozen<> is only allowed on collections, tuples, and user-defined types (got " +
          std::string(n->cql) + ")");
    }
    detail::type_facts f;
    f.resolved.type = data_type::of(n->id);
    f.resolved.cql_type = std::string(n->cql);
    f.counter = n->id == type_id::counter;
    f.has_duration = n->id == type_id::duration;
    return f;
  }
  if (is_collection_name(t.name)) return resolve_collection(t, keyspace, ks, inside, depth);
  if (t.name == "tuple") return resolve_tuple(t, keyspace, ks, depth);
  return resolve_udt(t, keyspace, ks, inside);
}

}  // namespace

namespace detail {

sim_result<type_facts> resolve_type(const type_expr& t, std::string_view keyspace,
                                    const keyspace_def* ks, bool inside) {
  return resolve_at(t, keyspace, ks, inside, 0);
}

bool references_type(const protocol::data_type& t, std::string_view keyspace,
                     std::string_view name) noexcept {
  if (t.id == type_id::udt && t.udt_keyspace == keyspace && t.udt_name == name) return true;
  return std::any_of(t.params.begin(), t.params.end(),
                     [&](const data_type& p) { return references_type(p, keyspace, name); });
}

}  // namespace detail

sim_result<resolved_type> catalog::resolve(const type_expr& t, std::string_view keyspace) const {
  auto r = detail::resolve_type(t, keyspace, find_keyspace(keyspace));
  if (!r) return r.error();
  return std::move(r->resolved);
}

std::shared_ptr<const user_type_def> catalog::find_type(std::string_view keyspace,
                                                        std::string_view name) const noexcept {
  const keyspace_def* ks = find_keyspace(keyspace);
  if (!ks) return nullptr;
  auto it = ks->types.find(std::string(name));
  return it == ks->types.end() ? nullptr : it->second;
}

sim_result<ddl_outcome> catalog::create_type(const create_type_stmt& s,
                                             std::string_view session_ks) {
  auto target = detail::target_keyspace(s.type.keyspace, session_ks);
  if (!target) return target.error();
  const std::string& ks_name = *target;
  if (auto e = detail::check_ddl(ks_name, detail::permission::create,
                                 "<all tables in " + ks_name + ">", false)) {
    return *e;
  }
  keyspace_def* ks = find_keyspace_mutable(ks_name);
  if (!ks) return invalid_request("Keyspace '" + ks_name + "' doesn't exist");
  if (ks->types.count(s.type.name)) {
    if (s.if_not_exists) return ddl_outcome{};
    return invalid_request("A user type with name '" + s.type.name + "' already exists");
  }
  if (find_native(s.type.name) || is_collection_name(s.type.name) || s.type.name == "tuple") {
    return syntax_error("Invalid (reserved) user type name " + s.type.name);
  }
  std::set<std::string> used;
  for (const auto& [field, type] : s.fields) {
    if (!used.insert(field).second) {
      return invalid_request("Duplicate field name '" + field + "' in type '" + s.type.name + "'");
    }
  }
  for (const auto& field : s.fields) {
    const type_expr& type = field.second;
    if (!type.custom && type.name == "counter") {
      return invalid_request("A user type cannot contain counters");
    }
    if (is_udt_raw(type) && !type.frozen) {
      return invalid_request("A user type cannot contain non-frozen UDTs");
    }
  }
  auto def = std::make_shared<user_type_def>();
  def->keyspace = ks_name;
  def->name = s.type.name;
  for (const auto& [field, type] : s.fields) {
    auto r = detail::resolve_type(type, ks_name, ks);
    if (!r) return r.error();
    def->field_names.push_back(field);
    def->field_types.push_back(r->resolved.type);
    def->field_cql_types.push_back(r->resolved.cql_type);
  }
  ks->types[s.type.name] = std::move(def);
  return changed({protocol::schema_change_type::created,
                  protocol::schema_change_target::type,
                  ks_name,
                  s.type.name,
                  {}});
}

sim_result<ddl_outcome> catalog::drop_type(const drop_type_stmt& s, std::string_view session_ks) {
  auto target = detail::target_keyspace(s.type.keyspace, session_ks);
  if (!target) return target.error();
  const std::string& ks_name = *target;
  if (auto e = detail::check_ddl(ks_name, detail::permission::drop,
                                 "<all tables in " + ks_name + ">", false)) {
    return *e;
  }
  keyspace_def* ks = find_keyspace_mutable(ks_name);
  auto it = ks ? ks->types.find(s.type.name) : decltype(ks->types)::iterator{};
  if (!ks || it == ks->types.end()) {
    if (s.if_exists) return ddl_outcome{};
    return invalid_request("Type '" + ks_name + "." + s.type.name + "' doesn't exist");
  }
  const std::string prefix = "Cannot drop user type '" + ks_name + "." + s.type.name + "'";
  std::string users;
  for (const auto& [name, other] : ks->types) {
    if (name == s.type.name) continue;
    for (const auto& field : other->field_types) {
      if (detail::references_type(field, ks_name, s.type.name)) {
        users += (users.empty() ? "" : ", ") + name;
        break;
      }
    }
  }
  if (!users.empty())
    return invalid_request(prefix + " as it is still used by user types " + users);
  for (const auto& [name, table] : ks->tables) {
    for (const auto& column : table->columns) {
      if (detail::references_type(column.type, ks_name, s.type.name)) {
        users += (users.empty() ? "" : ", ") + name;
        break;
      }
    }
  }
  if (!users.empty()) return invalid_request(prefix + " as it is still used by tables " + users);
  ks->types.erase(it);
  return changed({protocol::schema_change_type::dropped,
                  protocol::schema_change_target::type,
                  ks_name,
                  s.type.name,
                  {}});
}

}  // namespace cqlshift::sim
