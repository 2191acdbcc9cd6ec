// The names of types and terms in Cassandra's messages, written types (type_expr) as
// protocol types, and which types take the values of which (isValueCompatibleWith).

#include "cqlshift/sim/values.hpp"
#include "values_impl.hpp"

namespace cqlshift::sim {

namespace detail {

namespace {

type_id base_text(type_id id) {
  return id == type_id::text ? type_id::varchar : id;
}

}  // namespace

bool is_value_compatible(const data_type& receiver, const data_type& source) {
  if (receiver == source) return true;
  const type_id r = receiver.id;
  const type_id s = source.id;
  if (base_text(r) == base_text(s) && is_text(r)) return true;
  switch (r) {
    case type_id::blob:
      return true;  // BytesType takes any value
    case type_id::text:
    case type_id::varchar:
      return s == type_id::ascii;
    case type_id::bigint:
      return s == type_id::timestamp;
    case type_id::timestamp:
      return s == type_id::bigint;
    case type_id::varint:
      return s == type_id::int_ || s == type_id::bigint;
    case type_id::uuid:
      return s == type_id::timeuuid;
    case type_id::date:
      return s == type_id::int_;
    case type_id::time:
      return s == type_id::bigint;
    default:
      return false;
  }
}

std::optional<data_type> type_from_expr(const type_expr& e) {
  static constexpr std::pair<const char*, type_id> natives[] = {
      {"ascii", type_id::ascii},         {"bigint", type_id::bigint},
      {"blob", type_id::blob},           {"boolean", type_id::boolean},
      {"counter", type_id::counter},     {"date", type_id::date},
      {"decimal", type_id::decimal},     {"double", type_id::double_},
      {"duration", type_id::duration},   {"float", type_id::float_},
      {"inet", type_id::inet},           {"int", type_id::int_},
      {"smallint", type_id::smallint},   {"text", type_id::varchar},
      {"varchar", type_id::varchar},     {"time", type_id::time},
      {"timestamp", type_id::timestamp}, {"timeuuid", type_id::timeuuid},
      {"tinyint", type_id::tinyint},     {"uuid", type_id::uuid},
      {"varint", type_id::varint},
  };
  if (e.custom) return std::nullopt;
  for (const auto& [n, id] : natives) {
    if (e.name == n && e.params.empty()) return data_type::of(id);
  }
  std::vector<data_type> params;
  for (const auto& p : e.params) {
    auto t = type_from_expr(p);
    if (!t) return std::nullopt;
    params.push_back(std::move(*t));
  }
  if (e.name == "list" && params.size() == 1) return data_type::list_of(std::move(params[0]));
  if (e.name == "set" && params.size() == 1) return data_type::set_of(std::move(params[0]));
  if (e.name == "map" && params.size() == 2) {
    return data_type::map_of(std::move(params[0]), std::move(params[1]));
  }
  if (e.name == "tuple" && !params.empty()) return data_type::tuple_of(std::move(params));
  return std::nullopt;  // a UDT: only the catalog knows it
}

std::string type_expr_text(const type_expr& e) {
  if (e.custom) return "'" + e.name + "'";
  std::string out = e.keyspace.empty() ? e.name : e.keyspace + "." + e.name;
  if (!e.params.empty()) {
    out += "<";
    for (std::size_t k = 0; k < e.params.size(); ++k) {
      if (k) out += ", ";
      out += type_expr_text(e.params[k]);
    }
    out += ">";
  }
  return e.frozen ? "frozen<" + out + ">" : out;
}

}  // namespace detail

namespace {

std::string type_name_at(const protocol::data_type& t, bool nested) {
  using protocol::type_id;
  const auto join = [](const std::vector<protocol::data_type>& ps) {
    std::string s;
    for (std::size_t k = 0; k < ps.size(); ++k) {
      if (k) s += ", ";
      s += type_name_at(ps[k], true);
    }
    return s;
  };
  switch (t.id) {
    case type_id::list:
    case type_id::set:
    case type_id::map: {
      const char* n = t.id == type_id::list ? "list<" : t.id == type_id::set ? "set<" : "map<";
      const std::string inner = n + join(t.params) + ">";
      return nested ? "frozen<" + inner + ">" : inner;
    }
    case type_id::tuple:
      return "frozen<tuple<" + join(t.params) + ">>";
    case type_id::udt:
      return nested ? "frozen<" + t.udt_name + ">" : t.udt_name;
    default:
      return protocol::to_cql(t);
  }
}

std::string join_terms(const std::vector<term>& items, const char* open, const char* close) {
  std::string out = open;
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k) out += ", ";
    out += describe_term(items[k]);
  }
  return out + close;
}

}  // namespace

std::string cql_type_name(const protocol::data_type& type) {
  return type_name_at(type, false);
}

std::string describe_term(const term& t) {
  switch (t.kind) {
    case term_kind::null_:
      return "NULL";
    case term_kind::string:
      return "'" + t.text + "'";
    case term_kind::marker:
      return "?";
    case term_kind::list:
      return join_terms(t.items, "[", "]");
    case term_kind::set:
      return join_terms(t.items, "{", "}");
    case term_kind::map: {
      std::string out = "{";
      for (std::size_t k = 0; k + 1 < t.items.size(); k += 2) {
        if (k) out += ", ";
        out += describe_term(t.items[k]) + ": " + describe_term(t.items[k + 1]);
      }
      return out + "}";
    }
    case term_kind::udt: {
      std::string out = "{";
      for (std::size_t k = 0; k < t.items.size() && k < t.field_names.size(); ++k) {
        if (k) out += ", ";
        out += t.field_names[k] + ": " + describe_term(t.items[k]);
      }
      return out + "}";
    }
    case term_kind::tuple:
      return join_terms(t.items, "(", ")");
    case term_kind::function:
      return t.text + join_terms(t.items, "(", ")");
    case term_kind::cast:
      return "(" + (t.cast_type.empty() ? std::string() : detail::type_expr_text(t.cast_type[0])) +
             ")" + (t.items.empty() ? std::string() : describe_term(t.items[0]));
    default:
      return t.text;
  }
}

}  // namespace cqlshift::sim
