// JSON forms of values, as Cassandra writes them (AbstractType.toJSONString: SELECT JSON,
// toJson) and reads them (Jackson's ObjectMapper, then AbstractType.fromJSONObject: INSERT JSON,
// fromJson). Numbers keep their text, so varint and decimal values come through exactly.

#include "cqlshift/sim/values.hpp"
#include "values_impl.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cqlshift::sim {

namespace {

using protocol::bytes;
using protocol::cql_list;
using protocol::cql_map;
using protocol::cql_value;
using protocol::data_type;
using protocol::type_id;
using namespace detail;

bool is_integral_text(std::string_view t) {
  return t.find_first_of(".eE") == std::string_view::npos;
}

// The Java class Jackson gives a parsed value (used in Cassandra's messages).
std::string java_class(const json_node& n) {
  switch (n.k) {
    case json_node::kind::boolean:
      return "Boolean";
    case json_node::kind::string:
      return "String";
    case json_node::kind::array:
      return "ArrayList";
    case json_node::kind::object:
      return "LinkedHashMap";
    case json_node::kind::number: {
      if (!is_integral_text(n.text)) return "Double";
      const auto v = parse_java_long(n.text);
      if (!v) return "BigInteger";
      return *v >= INT32_MIN && *v <= INT32_MAX ? "Integer" : "Long";
    }
    default:
      return "Object";
  }
}

// Object.toString of the parsed value.
std::string java_text(const json_node& n) {
  switch (n.k) {
    case json_node::kind::null:
      return "null";
    case json_node::kind::number:
      if (!is_integral_text(n.text)) return format_double(std::strtod(n.text.c_str(), nullptr));
      return protocol::varint_to_string(*protocol::varint_from_string(n.text));
    case json_node::kind::array: {
      std::string out = "[";
      for (std::size_t k = 0; k < n.items.size(); ++k) {
        if (k) out += ", ";
        out += java_text(n.items[k]);
      }
      return out + "]";
    }
    case json_node::kind::object: {
      std::string out = "{";
      for (std::size_t k = 0; k < n.items.size(); ++k) {
        if (k) out += ", ";
        out += n.keys[k] + "=" + java_text(n.items[k]);
      }
      return out + "}";
    }
    default:
      return n.text;
  }
}

cql_error marshal(std::string message) {
  return invalid_request(std::move(message));
}

cql_error expected(const char* what, const json_node& n) {
  return marshal(std::string("Expected ") + what + ", but got a " + java_class(n) + ": " +
                 java_text(n));
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Json.handleCaseSensitivity: "\"Name\"" keeps its case, any other name is lower-cased.
std::string column_name(std::string_view key) {
  if (key.size() >= 2 && key.front() == '"' && key.back() == '"') {
    return std::string(key.substr(1, key.size() - 2));
  }
  std::string lower(key);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

sim_result<cql_value> from_node(const data_type& t, const json_node& n, int depth);

// Collections given as a JSON string hold JSON text (Json.decodeJson).
sim_result<json_node> decoded(const json_node& n) {
  if (n.k != json_node::kind::string) return n;
  auto inner = parse_json(n.text);
  if (!inner) return marshal("Error decoding JSON string: " + inner.error().message);
  return inner;
}

sim_result<cql_value> collection_from_node(const data_type& t, const json_node& raw, int depth) {
  auto parsed = decoded(raw);
  if (!parsed) return parsed.error();
  const json_node& n = *parsed;
  switch (t.id) {
    case type_id::list:
    case type_id::set: {
      const bool list = t.id == type_id::list;
      if (n.k != json_node::kind::array) {
        return expected(list ? "a list" : "a list (representing a set)", n);
      }
      cql_list out;
      for (const auto& item : n.items) {
        if (item.k == json_node::kind::null) {
          return marshal(list ? "Invalid null element in list" : "Invalid null element in set");
        }
        auto v = from_node(t.params[0], item, depth + 1);
        if (!v) return v.error();
        out.push_back(std::move(*v));
      }
      return canonical(t, cql_value{std::move(out)});
    }
    case type_id::map: {
      if (n.k != json_node::kind::object) return expected("a map", n);
      cql_map out;
      for (std::size_t k = 0; k < n.items.size(); ++k) {
        if (n.items[k].k == json_node::kind::null) return marshal("Invalid null value in map");
        json_node key;
        key.k = json_node::kind::string;
        key.text = n.keys[k];
        auto kv = from_node(t.params[0], key, depth + 1);
        if (!kv) return kv.error();
        auto vv = from_node(t.params[1], n.items[k], depth + 1);
        if (!vv) return vv.error();
        out.push_back({std::move(*kv), std::move(*vv)});
      }
      return canonical(t, cql_value{std::move(out)});
    }
    case type_id::tuple: {
      if (n.k != json_node::kind::array) {
        return expected("a list representation of a tuple", n);
      }
      if (n.items.size() > t.params.size()) {
        return marshal("Tuple contains extra items (expected " + std::to_string(t.params.size()) +
                       "): " + java_text(n));
      }
      cql_list out;
      for (std::size_t k = 0; k < n.items.size(); ++k) {
        if (n.items[k].k == json_node::kind::null) {
          out.push_back(cql_value::null());
          continue;
        }
        auto v = from_node(t.params[k], n.items[k], depth + 1);
        if (!v) return v.error();
        out.push_back(std::move(*v));
      }
      return cql_value{std::move(out)};
    }
    default: {  // udt
      if (n.k != json_node::kind::object) return expected("a map", n);
      std::vector<std::string> names;
      for (const auto& key : n.keys)
        names.push_back(column_name(key));
      cql_list out(std::min(t.params.size(), t.field_names.size()));
      std::vector<bool> used(names.size(), false);
      for (std::size_t f = 0; f < out.size(); ++f) {
        // A repeated member: the last one wins, as in a Java map.
        for (std::size_t k = names.size(); k-- > 0;) {
          if (names[k] != t.field_names[f]) continue;
          if (!used[k] && n.items[k].k != json_node::kind::null) {
            auto v = from_node(t.params[f], n.items[k], depth + 1);
            if (!v) return v.error();
            out[f] = std::move(*v);
          }
          for (std::size_t j = 0; j < names.size(); ++j)
            if (names[j] == t.field_names[f]) used[j] = true;
          break;
        }
      }
      for (std::size_t k = 0; k < names.size(); ++k) {
        if (!used[k]) {
          return marshal("Unknown field '" + names[k] + "' in value of user defined type " +
                         t.udt_name);
        }
      }
      return cql_value{std::move(out)};
    }
  }
}

sim_result<cql_value> string_value(const data_type& t, const std::string& s) {
  return from_string(t, s, now_millis());
}

sim_result<cql_value> from_node(const data_type& t, const json_node& n, int depth) {
  if (depth > protocol::max_type_nesting) return marshal("Value nested too deeply");
  if (n.k == json_node::kind::null) return cql_value::null();
  const bool is_string = n.k == json_node::kind::string;
  const bool is_number = n.k == json_node::kind::number;
  const std::string cls = java_class(n);
  switch (t.id) {
    case type_id::ascii:
      if (!is_string) return expected("an ascii string", n);
      return string_value(t, n.text);
    case type_id::text:
    case type_id::varchar:
      if (!is_string) return expected("a UTF-8 string", n);
      return string_value(t, n.text);
    case type_id::bigint:
    case type_id::counter:
      if (is_string) return string_value(t, n.text);
      if (cls != "Integer" && cls != "Long") return expected("a bigint value", n);
      return cql_value{*parse_java_long(n.text)};
    case type_id::int_:
      if (is_string) return string_value(t, n.text);
      if (cls != "Integer") return expected("an int value", n);
      return cql_value{static_cast<std::int32_t>(*parse_java_long(n.text))};
    case type_id::smallint:
    case type_id::tinyint:
      if (!is_string && !is_number) {
        return expected(t.id == type_id::smallint ? "a short value" : "a byte value", n);
      }
      return string_value(t, java_text(n));
    case type_id::varint: {
      const std::string text =
          is_string || is_number ? (is_string ? n.text : java_text(n)) : java_text(n);
      if (auto v = parse_varint(text)) return cql_value{std::move(*v)};
      return marshal("Value '" + text + "' is not a valid representation of a varint value");
    }
    case type_id::decimal: {
      // The number's own text, not Jackson's double: the value comes through exactly.
      const std::string text = is_number ? n.text : java_text(n);
      if (auto v = parse_decimal(text)) return cql_value{std::move(*v)};
      return marshal("Value '" + java_text(n) +
                     "' is not a valid representation of a decimal value");
    }
    case type_id::float_:
      if (is_string) return string_value(t, n.text);
      if (!is_number) return expected("a float value", n);
      if (cls == "Double")
        return cql_value{static_cast<float>(std::strtod(n.text.c_str(), nullptr))};
      return cql_value{std::strtof(n.text.c_str(), nullptr)};
    case type_id::double_:
      if (is_string) return string_value(t, n.text);
      if (!is_number) return expected("a double value", n);
      return cql_value{std::strtod(n.text.c_str(), nullptr)};
    case type_id::boolean:
      if (is_string) return string_value(t, n.text);
      if (n.k != json_node::kind::boolean) return expected("a boolean value", n);
      return cql_value{n.text == "true"};
    case type_id::timestamp:
      if (cls == "Long") return cql_value{*parse_java_long(n.text)};
      if (!is_string) {
        return expected("a long or a datestring representation of a timestamp value", n);
      }
      return string_value(t, n.text);
    case type_id::date:
      if (!is_string) return expected("a string representation of a date value", n);
      return string_value(t, n.text);
    case type_id::time:
      if (!is_string) return expected("a string representation of a time value", n);
      return string_value(t, n.text);
    case type_id::uuid:
      if (!is_string) return expected("a string representation of a uuid", n);
      return string_value(t, n.text);
    case type_id::timeuuid:
      if (!is_string) return expected("a string representation of a timeuuid", n);
      return string_value(t, n.text);
    case type_id::inet:
      if (!is_string) return expected("a string representation of an inet value", n);
      return string_value(t, n.text);
    case type_id::duration:
      if (!is_string) return expected("a string representation of a duration", n);
      return string_value(t, n.text);
    case type_id::blob:
    case type_id::custom: {
      const auto invalid = [&](const std::string& why) {
        return marshal("Value '" + java_text(n) + "' is not a valid blob representation: " + why);
      };
      if (!is_string) {
        return invalid("class java.lang." + cls + " cannot be cast to class java.lang.String");
      }
      if (n.text.compare(0, 2, "0x") != 0) {
        return invalid("String representation of blob is missing 0x prefix: " + n.text);
      }
      auto v = from_string(data_type::of(type_id::blob), std::string_view(n.text).substr(2), 0);
      if (!v) return invalid(v.error().message);
      return v;
    }
    case type_id::list:
    case type_id::set:
    case type_id::map:
    case type_id::tuple:
    case type_id::udt:
      if (t.params.empty() || (t.id == type_id::map && t.params.size() != 2)) {
        return marshal("Invalid type " + cql_type_name(t));
      }
      return collection_from_node(t, n, depth);
  }
  return marshal("Unsupported type " + cql_type_name(t));
}

std::string json_at(const data_type& t, const cql_value& v, int depth);

std::string json_list(const std::vector<data_type>& types, const cql_list& l, bool per_field,
                      int depth) {
  std::string out = "[";
  for (std::size_t k = 0; k < l.size(); ++k) {
    if (k) out += ", ";
    const data_type& et = per_field ? types[std::min(k, types.size() - 1)] : types[0];
    out += json_at(et, l[k], depth + 1);
  }
  return out + "]";
}

std::string json_at(const data_type& t, const cql_value& v, int depth) {
  if (v.is_null()) return "null";
  if (v.is_empty()) return "\"\"";
  if (depth > protocol::max_type_nesting) return "null";
  const auto& x = v.v;
  switch (t.id) {
    case type_id::ascii:
    case type_id::text:
    case type_id::varchar:
      if (const auto* s = std::get_if<std::string>(&x)) return json_quote(*s);
      break;
    case type_id::float_:
      if (const auto* f = std::get_if<float>(&x)) {
        return std::isfinite(*f) ? format_float(*f) : "null";
      }
      break;
    case type_id::double_:
      if (const auto* d = std::get_if<double>(&x)) {
        return std::isfinite(*d) ? format_double(*d) : "null";
      }
      break;
    case type_id::tinyint:
    case type_id::smallint:
    case type_id::int_:
    case type_id::bigint:
    case type_id::counter:
    case type_id::varint:
    case type_id::decimal:
    case type_id::boolean:
      if (auto s = to_cast_text(t, v)) return *s;
      break;
    case type_id::timestamp:
      if (const auto* i = std::get_if<std::int64_t>(&x)) {
        return "\"" + format_timestamp_json(*i) + "\"";
      }
      break;
    case type_id::date:
    case type_id::time:
    case type_id::uuid:
    case type_id::timeuuid:
    case type_id::inet:
      if (auto s = to_cast_text(t, v)) return "\"" + *s + "\"";
      break;
    case type_id::duration:
      if (const auto* d = std::get_if<protocol::duration_value>(&x)) {
        return "\"" + format_duration(*d) + "\"";
      }
      break;
    case type_id::blob:
    case type_id::custom:
      if (const auto* b = std::get_if<bytes>(&x)) return "\"0x" + format_hex(*b) + "\"";
      break;
    case type_id::list:
    case type_id::set:
      if (const auto* l = std::get_if<cql_list>(&x); l && t.params.size() == 1) {
        return json_list(t.params, *l, false, depth);
      }
      break;
    case type_id::tuple:
      if (const auto* l = std::get_if<cql_list>(&x); l && !t.params.empty()) {
        return json_list(t.params, *l, true, depth);
      }
      break;
    case type_id::map:
      if (const auto* m = std::get_if<cql_map>(&x); m && t.params.size() == 2) {
        std::string out = "{";
        for (std::size_t k = 0; k < m->size(); ++k) {
          if (k) out += ", ";
          // Map keys must be JSON strings: a key whose JSON is not a string is quoted.
          std::string key = json_at(t.params[0], (*m)[k].first, depth + 1);
          out += key.front() == '"' ? key : json_quote(key);
          out += ": " + json_at(t.params[1], (*m)[k].second, depth + 1);
        }
        return out + "}";
      }
      break;
    case type_id::udt:
      if (const auto* l = std::get_if<cql_list>(&x)) {
        std::string out = "{";
        const std::size_t n = std::min(t.params.size(), t.field_names.size());
        for (std::size_t k = 0; k < n; ++k) {
          if (k) out += ", ";
          std::string name = t.field_names[k];
          if (name != column_name(name)) name = "\"" + name + "\"";
          out += json_quote(name) + ": ";
          out += k < l->size() ? json_at(t.params[k], (*l)[k], depth + 1) : "null";
        }
        return out + "}";
      }
      break;
  }
  return "null";
}

}  // namespace

std::string to_json(const data_type& type, const cql_value& v) {
  return json_at(type, v, 0);
}

sim_result<cql_value> from_json(const data_type& type, std::string_view json_text,
                                std::string_view column) {
  const std::string prefix = "Error decoding JSON value for " + std::string(column) + ": ";
  auto root = parse_json(json_text);
  if (!root) return invalid_request(prefix + "Error decoding JSON string: " + root.error().message);
  auto v = from_node(type, *root, 0);
  if (!v) return invalid_request(prefix + v.error().message);
  return v;
}

sim_result<std::vector<std::pair<std::string, std::string>>> parse_json_object(
    std::string_view json_text) {
  auto root = parse_json(json_text);
  const std::string source = ". (String was: " + std::string(json_text) + ")";
  if (!root) {
    return invalid_request("Could not decode JSON string as a map: " + root.error().message +
                           source);
  }
  if (root->k == json_node::kind::null) return invalid_request("Got null for INSERT JSON values");
  if (root->k != json_node::kind::object) {
    return invalid_request(
        "Could not decode JSON string as a map: Cannot deserialize instance of "
        "`java.util.LinkedHashMap` out of " +
        std::string(root->k == json_node::kind::array ? "START_ARRAY" : "VALUE") + " token" +
        source);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t k = 0; k < root->items.size(); ++k) {
    std::string name = column_name(root->keys[k]);
    const json_node& v = root->items[k];
    std::string raw(json_text.substr(v.begin, v.end - v.begin));
    auto same =
        std::find_if(out.begin(), out.end(), [&](const auto& m) { return m.first == name; });
    if (same != out.end()) {
      same->second = std::move(raw);
    } else {
      out.emplace_back(std::move(name), std::move(raw));
    }
  }
  return out;
}

}  // namespace cqlshift::sim
