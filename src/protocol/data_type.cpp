#include "cqlshift/protocol/data_type.hpp"

namespace cqlshift::protocol {

data_type data_type::list_of(data_type element) {
  data_type t = of(type_id::list);
  t.params.push_back(std::move(element));
  return t;
}

data_type data_type::set_of(data_type element) {
  data_type t = of(type_id::set);
  t.params.push_back(std::move(element));
  return t;
}

data_type data_type::map_of(data_type key, data_type val) {
  data_type t = of(type_id::map);
  t.params.push_back(std::move(key));
  t.params.push_back(std::move(val));
  return t;
}

data_type data_type::tuple_of(std::vector<data_type> elements) {
  data_type t = of(type_id::tuple);
  t.params = std::move(elements);
  return t;
}

namespace {

bool is_known_type_id(std::uint16_t id) noexcept {
  return (id <= 0x0015) || id == 0x0020 || id == 0x0021 || id == 0x0022 || id == 0x0030 ||
         id == 0x0031;
}

data_type read_data_type_at(reader& r, int depth) {
  if (depth > max_type_nesting) {
    r.fail(errc::nesting_too_deep);
    return {};
  }
  const std::uint16_t raw_id = r.read_short();
  if (!r.ok()) return {};
  if (!is_known_type_id(raw_id)) {
    r.fail(errc::unknown_type);
    return {};
  }
  data_type t = data_type::of(static_cast<type_id>(raw_id));
  switch (t.id) {
    case type_id::custom:
      t.custom_class = r.read_string();
      break;
    case type_id::list:
    case type_id::set:
      t.params.push_back(read_data_type_at(r, depth + 1));
      break;
    case type_id::map:
      t.params.push_back(read_data_type_at(r, depth + 1));
      t.params.push_back(read_data_type_at(r, depth + 1));
      break;
    case type_id::udt: {
      t.udt_keyspace = r.read_string();
      t.udt_name = r.read_string();
      // Each field is at least a [string] (2 bytes) and an [option] id (2 bytes).
      const std::size_t n = r.read_short_count(4);
      t.field_names.reserve(n);
      t.params.reserve(n);
      for (std::size_t k = 0; k < n && r.ok(); ++k) {
        t.field_names.push_back(r.read_string());
        t.params.push_back(read_data_type_at(r, depth + 1));
      }
      break;
    }
    case type_id::tuple: {
      const std::size_t n = r.read_short_count(2);
      t.params.reserve(n);
      for (std::size_t k = 0; k < n && r.ok(); ++k)
        t.params.push_back(read_data_type_at(r, depth + 1));
      break;
    }
    default:
      break;
  }
  if (!r.ok()) return {};
  return t;
}

}  // namespace

data_type read_data_type(reader& r) {
  return read_data_type_at(r, 0);
}

void write_data_type(const data_type& t, writer& w) {
  w.write_short(static_cast<std::uint16_t>(t.id));
  switch (t.id) {
    case type_id::custom:
      w.write_string(t.custom_class);
      break;
    case type_id::list:
    case type_id::set:
    case type_id::map:
      for (const auto& p : t.params)
        write_data_type(p, w);
      break;
    case type_id::udt:
      w.write_string(t.udt_keyspace);
      w.write_string(t.udt_name);
      w.write_short_count(t.params.size());
      for (std::size_t k = 0; k < t.params.size(); ++k) {
        w.write_string(k < t.field_names.size() ? t.field_names[k] : std::string_view{});
        write_data_type(t.params[k], w);
      }
      break;
    case type_id::tuple:
      w.write_short_count(t.params.size());
      for (const auto& p : t.params)
        write_data_type(p, w);
      break;
    default:
      break;
  }
}

std::string to_cql(const data_type& t) {
  auto join = [](const std::vector<data_type>& ps) {
    std::string s;
    for (std::size_t k = 0; k < ps.size(); ++k) {
      if (k) s += ", ";
      s += to_cql(ps[k]);
    }
    return s;
  };
  switch (t.id) {
    case type_id::custom:
      return "'" + t.custom_class + "'";
    case type_id::ascii:
      return "ascii";
    case type_id::bigint:
      return "bigint";
    case type_id::blob:
      return "blob";
    case type_id::boolean:
      return "boolean";
    case type_id::counter:
      return "counter";
    case type_id::decimal:
      return "decimal";
    case type_id::double_:
      return "double";
    case type_id::float_:
      return "float";
    case type_id::int_:
      return "int";
    case type_id::text:
      return "text";
    case type_id::timestamp:
      return "timestamp";
    case type_id::uuid:
      return "uuid";
    case type_id::varchar:
      return "text";
    case type_id::varint:
      return "varint";
    case type_id::timeuuid:
      return "timeuuid";
    case type_id::inet:
      return "inet";
    case type_id::date:
      return "date";
    case type_id::time:
      return "time";
    case type_id::smallint:
      return "smallint";
    case type_id::tinyint:
      return "tinyint";
    case type_id::duration:
      return "duration";
    case type_id::list:
      return "list<" + join(t.params) + ">";
    case type_id::set:
      return "set<" + join(t.params) + ">";
    case type_id::map:
      return "map<" + join(t.params) + ">";
    case type_id::tuple:
      return "tuple<" + join(t.params) + ">";
    case type_id::udt:
      return t.udt_keyspace + "." + t.udt_name;
  }
  return "unknown";
}

}  // namespace cqlshift::protocol
