#include "executor.hpp"
#include "values_impl.hpp"

#include "cqlshift/protocol/token.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace cqlshift::sim::exec {

std::size_t uuid_hash::operator()(const protocol::uuid& u) const noexcept {
  std::size_t h = 1469598103934665603ULL;
  for (std::uint8_t b : u) h = (h ^ b) * 1099511628211ULL;
  return h;
}

engine::engine(topology t, std::function<std::int64_t()> c)
    : topo(std::move(t)), clock(std::move(c)) {}

std::int64_t engine::now_micros() const {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t engine::next_timestamp(std::int64_t now) {
  const std::int64_t ts =
      last_timestamp == std::numeric_limits<std::int64_t>::min() || now > last_timestamp
          ? now
          : last_timestamp + 1;
  last_timestamp = ts;
  return ts;
}

store::table_storage& engine::storage(const table_def& t) {
  auto it = tables.find(t.id);
  if (it == tables.end()) {
    it = tables.emplace(t.id, std::make_unique<store::table_storage>(t)).first;
  }
  return *it->second;
}

protocol::bytes engine::next_list_path(bool prepend) {
  constexpr std::uint64_t middle = std::uint64_t{1} << 63;
  const std::uint64_t v = prepend ? middle - ++list_prepends : middle + ++list_appends;
  protocol::bytes out(8);
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
  return out;
}

eval_context request::eval() const {
  eval_context ctx;
  ctx.bound = values;
  ctx.version = opts.version;
  ctx.now_micros = now_micros;
  ctx.timeuuids = &eng.timeuuids;
  return ctx;
}

binder::binder(const parsed_statement& stmt)
    : stmt_(stmt), specs_(stmt.marker_count()), columns_(stmt.marker_count(), nullptr) {
  for (auto& s : specs_) s.type = protocol::data_type::of(protocol::type_id::blob);
}

void binder::bind_marker(int index, protocol::column_spec spec, const column_def* column) {
  if (index < 0 || static_cast<std::size_t>(index) >= specs_.size()) return;
  const auto i = static_cast<std::size_t>(index);
  // VariableSpecifications: a named marker is reported under its own name.
  if (i < stmt_.marker_names.size() && !stmt_.marker_names[i].empty()) {
    spec.name = stmt_.marker_names[i];
  }
  specs_[i] = std::move(spec);
  columns_[i] = column;
}

void binder::bind(const term& t, const protocol::column_spec& receiver, const column_def* column) {
  using protocol::type_id;
  const auto& type = receiver.type;
  auto derived = [&](std::string name, protocol::data_type dt) {
    return protocol::column_spec{receiver.keyspace, receiver.table, std::move(name),
                                 std::move(dt)};
  };
  switch (t.kind) {
    case term_kind::marker:
      bind_marker(t.marker, receiver, column);
      return;
    case term_kind::list:
    case term_kind::set:
      if ((type.id == type_id::list || type.id == type_id::set) && type.params.size() == 1) {
        for (const auto& item : t.items) {
          bind(item, derived("value(" + receiver.name + ")", type.params[0]));
        }
      }
      return;
    case term_kind::map:
      if (type.id == type_id::map && type.params.size() == 2) {
        for (std::size_t i = 0; i < t.items.size(); ++i) {
          if (i % 2 == 0) {
            bind(t.items[i], derived("key(" + receiver.name + ")", type.params[0]));
          } else {
            bind(t.items[i], derived("value(" + receiver.name + ")", type.params[1]));
          }
        }
      }
      return;
    case term_kind::tuple:
      if (type.id == type_id::tuple) {
        for (std::size_t i = 0; i < t.items.size() && i < type.params.size(); ++i) {
          bind(t.items[i],
               derived(receiver.name + "[" + std::to_string(i) + "]", type.params[i]));
        }
      }
      return;
    case term_kind::udt:
      if (type.id == type_id::udt) {
        for (std::size_t i = 0; i < t.items.size() && i < t.field_names.size(); ++i) {
          const auto& names = type.field_names;
          auto it = std::find(names.begin(), names.end(), t.field_names[i]);
          if (it == names.end()) continue;
          const auto f = static_cast<std::size_t>(it - names.begin());
          bind(t.items[i], derived(receiver.name + "." + t.field_names[i], type.params[f]));
        }
      }
      return;
    case term_kind::cast:
      // Cassandra's TypeCast: the term is prepared for the hinted type and reported under
      // the name "(type)?"; it is not the column itself (no partition key index).
      if (t.items.size() == 1 && t.cast_type.size() == 1) {
        if (auto hinted = detail::type_from_expr(t.cast_type[0])) {
          const std::string name = "(" + detail::type_expr_text(t.cast_type[0]) + ")?";
          bind(t.items[0], derived(name, *hinted));
        }
      }
      return;
    case term_kind::function:
      // A bare marker among the arguments stays untyped here (Cassandra wants a cast where
      // overloads make it ambiguous); a cast argument types its marker.
      for (const auto& item : t.items) {
        if (item.kind == term_kind::cast || item.kind == term_kind::function) {
          bind(item, derived(receiver.name, type));
        }
      }
      return;
    default:
      return;
  }
}

std::vector<protocol::column_spec> binder::specs() const {
  return specs_;
}

std::vector<std::uint16_t> binder::pk_indices(const table_def& table) const {
  std::vector<std::uint16_t> out;
  for (std::size_t pk : table.partition_key) {
    const column_def* col = &table.columns[pk];
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] == col) found = i;
    }
    if (!found || *found > 0xFFFF) return {};
    out.push_back(static_cast<std::uint16_t>(*found));
  }
  return out;
}

cql_error unauthorized(std::string message) {
  return {protocol::error_code::unauthorized, std::move(message), {}};
}

cql_error protocol_error(std::string message) {
  return {protocol::error_code::protocol_error, std::move(message), {}};
}

std::string term_text(const term& t) {
  auto join = [&](std::string_view open, std::string_view close) {
    std::string out(open);
    for (std::size_t i = 0; i < t.items.size(); ++i) {
      if (i > 0) out += ", ";
      if (t.kind == term_kind::map) {
        out += term_text(t.items[i]);
        if (i + 1 < t.items.size()) out += ": " + term_text(t.items[i + 1]);
        ++i;
        continue;
      }
      if (t.kind == term_kind::udt && i < t.field_names.size()) out += t.field_names[i] + ": ";
      out += term_text(t.items[i]);
    }
    out += close;
    return out;
  };
  switch (t.kind) {
    case term_kind::null_: return "null";
    case term_kind::string: {
      std::string out = "'";
      for (char c : t.text) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case term_kind::marker: return t.text.empty() ? "?" : ":" + t.text;
    case term_kind::list: return join("[", "]");
    case term_kind::set:
    case term_kind::map:
    case term_kind::udt: return join("{", "}");
    case term_kind::tuple: return join("(", ")");
    case term_kind::function: return t.text + join("(", ")");
    case term_kind::cast: return "(" + (t.cast_type.empty() ? std::string() : t.cast_type[0].name) + ")" + join("", "");
    default: return t.text;
  }
}

std::string quote_name(std::string_view name) {
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
  out += '"';
  return out;
}

std::string table_display_name(const table_def& t) {
  return quote_name(t.keyspace) + "." + quote_name(t.name);
}

sim_result<std::shared_ptr<const table_def>> resolve_table(const catalog& cat,
                                                           const qualified_name& name,
                                                           std::string_view default_keyspace) {
  const std::string_view ks = name.keyspace.empty() ? default_keyspace : name.keyspace;
  if (ks.empty()) {
    return invalid_request(
        "No keyspace has been specified. USE a keyspace, or explicitly specify "
        "keyspace.tablename");
  }
  if (name.name.empty()) return invalid_request("non-empty table is required");
  if (cat.find_keyspace(ks) == nullptr) {
    return invalid_request("keyspace " + std::string(ks) + " does not exist");
  }
  auto table = cat.find_table(ks, name.name);
  if (!table) return invalid_request("table " + name.name + " does not exist");
  return table;
}

sim_result<std::size_t> find_column(const table_def& t, std::string_view name) {
  if (auto i = t.index_of(name)) return *i;
  return invalid_request("Undefined column name " + quote_name(name) + " in table " +
                         table_display_name(t));
}

protocol::column_spec spec_of(const table_def& t, const column_def& c) {
  return protocol::column_spec{t.keyspace, t.name, c.name, c.type};
}

protocol::column_spec spec_named(const table_def& t, std::string name, protocol::data_type type) {
  return protocol::column_spec{t.keyspace, t.name, std::move(name), std::move(type)};
}

sim_result<value_ref> evaluate_term(const request& rq, const term& t,
                                    const protocol::data_type& type,
                                    std::string_view receiver_name) {
  if (t.kind == term_kind::marker) {
    if (t.marker < 0 || static_cast<std::size_t>(t.marker) >= rq.values.size()) {
      return invalid_request("No value bound for marker " + std::to_string(t.marker));
    }
    const protocol::value& v = rq.values[static_cast<std::size_t>(t.marker)];
    if (v.kind == protocol::value_kind::unset) {
      value_ref out;
      out.unset = true;
      return out;
    }
    if (v.kind == protocol::value_kind::null) {
      value_ref out;
      out.null = true;
      return out;
    }
    if (protocol::has_int_collection_sizes(rq.version())) {
      auto decoded = protocol::decode_value(type, protocol::byte_view(v.data),
                                            protocol::protocol_version::v4);
      if (decoded) {
        value_ref out;
        out.value = std::move(*decoded);
        out.bytes = v.data;
        return out;
      }
      // else: evaluate() below reports the error the way a node does
    }
  }
  auto r = sim::evaluate(t, type, receiver_name, rq.eval());
  if (!r) return r.error();
  value_ref out;
  if (r->unset) {
    out.unset = true;
    return out;
  }
  if (r->value.is_null()) {
    out.null = true;
    return out;
  }
  auto b = protocol::encode_value(type, r->value, protocol::protocol_version::v4);
  if (!b) {
    return invalid_request("Invalid value for " + std::string(receiver_name) + " of type " +
                           protocol::to_cql(type));
  }
  out.value = std::move(r->value);
  out.bytes = std::move(*b);
  return out;
}

sim_result<store::partition_position> make_position(std::span<const protocol::bytes> components) {
  for (const auto& c : components) {
    if (c.size() > 0xFFFF) {
      return invalid_request("Key length of " + std::to_string(c.size()) +
                             " is longer than maximum of 65535");
    }
  }
  auto key = protocol::routing_key(components);
  if (!key) return invalid_request("Invalid partition key");
  if (key->empty()) return invalid_request("Key may not be empty");
  if (key->size() > 0xFFFF) {
    return invalid_request("Key length of " + std::to_string(key->size()) +
                           " is longer than maximum of 65535");
  }
  store::partition_position pos;
  pos.token = protocol::murmur3_token(protocol::byte_view(*key));
  pos.key = std::move(*key);
  return pos;
}

sim_result<std::optional<std::int64_t>> evaluate_integer(const request& rq, const term& t,
                                                         protocol::type_id id,
                                                         std::string_view receiver_name,
                                                         std::string_view null_message) {
  auto v = evaluate_term(rq, t, protocol::data_type::of(id), receiver_name);
  if (!v) return v.error();
  if (v->unset) return std::optional<std::int64_t>{};
  if (v->null) return invalid_request(std::string(null_message));
  if (const auto* i = std::get_if<std::int32_t>(&v->value.v)) {
    return std::optional<std::int64_t>{*i};
  }
  if (const auto* l = std::get_if<std::int64_t>(&v->value.v)) {
    return std::optional<std::int64_t>{*l};
  }
  return invalid_request("Invalid " + std::string(receiver_name) + " value");
}

bool is_collection(const protocol::data_type& t) noexcept {
  return t.id == protocol::type_id::list || t.id == protocol::type_id::set ||
         t.id == protocol::type_id::map;
}

bool contains_collection(const protocol::data_type& t) noexcept {
  if (is_collection(t)) return true;
  for (const auto& p : t.params) {
    if (contains_collection(p)) return true;
  }
  return false;
}

protocol::bytes for_version(const protocol::data_type& type, const protocol::bytes& v4,
                            protocol::protocol_version version) {
  if (protocol::has_int_collection_sizes(version) || !contains_collection(type)) return v4;
  auto decoded =
      protocol::decode_value(type, protocol::byte_view(v4), protocol::protocol_version::v4);
  if (!decoded) return v4;
  auto encoded = protocol::encode_value(type, *decoded, version);
  return encoded ? std::move(*encoded) : v4;
}

}  // namespace cqlshift::sim::exec
