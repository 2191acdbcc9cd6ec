// evaluate(): terms to values for a receiver type, as Cassandra prepares and binds them
// (cql3/Constants, Lists, Sets, Maps, Tuples, UserTypes, TypeCast, AbstractMarker).

#include "cqlshift/sim/values.hpp"
#include "values_impl.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <cmath>

namespace cqlshift::sim {

namespace detail {

namespace {

using protocol::cql_list;
using protocol::cql_map;

// Terms nest no deeper than types do (max_type_nesting), except through function arguments;
// this bounds the recursion whatever the parser lets through.
constexpr int max_term_depth = protocol::max_type_nesting + 16;

const char* constant_kind(term_kind k) {
  switch (k) {
    case term_kind::string:
      return "STRING";
    case term_kind::integer:
      return "INTEGER";
    case term_kind::floating:
      return "FLOAT";
    case term_kind::boolean:
      return "BOOLEAN";
    case term_kind::uuid:
      return "UUID";
    case term_kind::blob:
      return "HEX";
    case term_kind::duration:
      return "DURATION";
    default:
      return "";
  }
}

bool is_constant(term_kind k) {
  return constant_kind(k)[0] != '\0';
}

bool all_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Constants.Type.getPreferedTypeFor: the one type a constant matches exactly.
std::optional<type_id> preferred_type(const term& t) {
  switch (t.kind) {
    case term_kind::string:
      return all_ascii(t.text) ? type_id::ascii : type_id::varchar;
    case term_kind::integer: {
      const auto v = parse_java_long(t.text);
      if (!v) return type_id::varint;
      return *v >= INT32_MIN && *v <= INT32_MAX ? type_id::int_ : type_id::bigint;
    }
    case term_kind::uuid: {
      const auto u = protocol::parse_uuid(t.text);
      return u && protocol::uuid_version(*u) == 1 ? type_id::timeuuid : type_id::uuid;
    }
    case term_kind::floating: {
      if (t.text == "NaN" || t.text == "-NaN" || t.text == "Infinity" || t.text == "-Infinity") {
        return type_id::double_;
      }
      // double when the decimal value survives the trip through a double.
      const auto d = parse_decimal(t.text);
      const auto as_double = parse_java_double(t.text);
      if (!d || !as_double || !std::isfinite(*as_double)) return type_id::decimal;
      const auto back = parse_decimal(format_double(*as_double));
      const data_type dec = data_type::of(type_id::decimal);
      return back && compare(dec, cql_value{*d}, cql_value{*back}) == 0 ? type_id::double_
                                                                        : type_id::decimal;
    }
    case term_kind::boolean:
      return type_id::boolean;
    case term_kind::blob:
      return type_id::blob;
    case term_kind::duration:
      return type_id::duration;
    default:
      return std::nullopt;
  }
}

type_id base_text(type_id id) {
  return id == type_id::text ? type_id::varchar : id;
}

// Constants.Literal.testAssignment.
assignment test_constant(const term& t, const data_type& receiver) {
  const type_id r = receiver.id;
  if (is_collection(r) || r == type_id::udt) return assignment::not_assignable;
  if (r == type_id::custom || r == type_id::tuple) return assignment::weakly;
  if (const auto p = preferred_type(t); p && base_text(*p) == base_text(r)) {
    return assignment::exact;
  }
  bool ok = false;
  switch (t.kind) {
    case term_kind::string:
      ok = is_text(r) || r == type_id::inet || r == type_id::date || r == type_id::time ||
           r == type_id::timestamp;
      break;
    case term_kind::integer:
      ok = is_numeric(r) || r == type_id::date || r == type_id::duration || r == type_id::time ||
           r == type_id::timestamp;
      break;
    case term_kind::uuid:
      ok = r == type_id::uuid || r == type_id::timeuuid;
      break;
    case term_kind::floating:
      ok = r == type_id::decimal || r == type_id::double_ || r == type_id::float_;
      break;
    case term_kind::boolean:
      ok = r == type_id::boolean;
      break;
    case term_kind::blob:
      ok = r == type_id::blob;
      break;
    case term_kind::duration:
      ok = r == type_id::duration;
      break;
    default:
      break;
  }
  return ok ? assignment::weakly : assignment::not_assignable;
}

// AssignmentTestable.TestResult.testAll.
assignment test_all(const std::vector<term>& items, const data_type& receiver) {
  assignment result = assignment::exact;
  for (const term& item : items) {
    const assignment a = test_assignment(item, receiver);
    if (a == assignment::not_assignable) return a;
    if (a == assignment::weakly) result = assignment::weakly;
  }
  return result;
}

bool contains_marker(const term& t) {
  if (t.kind == term_kind::marker) return true;
  for (const term& item : t.items)
    if (contains_marker(item)) return true;
  return false;
}

const data_type* udt_field(const data_type& udt, std::string_view name, std::size_t* index) {
  for (std::size_t k = 0; k < udt.field_names.size() && k < udt.params.size(); ++k) {
    if (udt.field_names[k] == name) {
      if (index != nullptr) *index = k;
      return &udt.params[k];
    }
  }
  return nullptr;
}

std::string quote_name(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

class term_evaluator {
 public:
  term_evaluator(const eval_context& ctx, int depth) : ctx_(ctx), depth_(depth) {}

  sim_result<evaluated> constant(const term& t, const data_type& type, std::string_view name) {
    if (test_constant(t, type) == assignment::not_assignable) {
      return invalid_request(std::string("Invalid ") + constant_kind(t.kind) + " constant (" +
                             t.text + ") for " + quote_name(name) + " of type " +
                             cql_type_name(type));
    }
    if (t.kind == term_kind::blob) {
      // BytesType whatever the receiver (a blob or a custom type).
      const std::string_view hex = std::string_view(t.text).substr(t.text.size() >= 2 ? 2 : 0);
      auto v = from_string(data_type::of(type_id::blob), hex, 0);
      if (!v) return v.error();
      return evaluated{std::move(*v), false};
    }
    if (type.id == type_id::tuple) {
      return invalid_request(std::string("Invalid ") + constant_kind(t.kind) + " constant (" +
                             t.text + ") for " + quote_name(name) + " of type " +
                             cql_type_name(type));
    }
    // A counter reads its constant as a bigint (LongType).
    auto v = from_string(type.id == type_id::counter ? data_type::of(type_id::bigint) : type,
                         t.text, ctx_.now_micros / 1000);
    if (!v) return v.error();
    return evaluated{std::move(*v), false};
  }

  sim_result<evaluated> marker(const term& t, const data_type& type, std::string_view name) {
    if (t.marker < 0 || static_cast<std::size_t>(t.marker) >= ctx_.bound.size()) {
      return invalid_request("There is no bound value for marker " + std::to_string(t.marker) +
                             " (" + quote_name(name) + ")");
    }
    const protocol::value& bound = ctx_.bound[static_cast<std::size_t>(t.marker)];
    if (bound.kind == protocol::value_kind::unset) return evaluated{cql_value::null(), true};
    if (bound.kind == protocol::value_kind::null) return evaluated{cql_value::null(), false};
    auto v = protocol::decode_value(type, protocol::byte_view(bound.data), ctx_.version);
    if (!v) return invalid_request(describe_invalid_value(type, bound.data, ctx_.version));
    return evaluated{canonical(type, std::move(*v)), false};
  }

  sim_result<evaluated> list(const term& t, const data_type& type, std::string_view name) {
    if (type.id != type_id::list || type.params.size() != 1) {
      return invalid_request("Invalid list literal for " + std::string(name) + " of type " +
                             cql_type_name(type));
    }
    return elements(t, type, name, "list");
  }

  sim_result<evaluated> set(const term& t, const data_type& type, std::string_view name) {
    if (type.id == type_id::map && t.items.empty()) return evaluated{cql_value{cql_map{}}, false};
    if (type.id != type_id::set || type.params.size() != 1) {
      return invalid_request("Invalid set literal for " + std::string(name) + " of type " +
                             cql_type_name(type));
    }
    return elements(t, type, name, "set");
  }

  sim_result<evaluated> map(const term& t, const data_type& type, std::string_view name) {
    // {} is the empty set literal of Cassandra's grammar: an empty map or an empty set.
    if (t.items.empty() && type.id == type_id::set) return evaluated{cql_value{cql_list{}}, false};
    if (t.items.empty() && type.id != type_id::map) {
      return invalid_request("Invalid set literal for " + std::string(name) + " of type " +
                             cql_type_name(type));
    }
    if (type.id != type_id::map || type.params.size() != 2) {
      return invalid_request("Invalid map literal for " + std::string(name) + " of type " +
                             cql_type_name(type));
    }
    const data_type& kt = type.params[0];
    const data_type& vt = type.params[1];
    const std::string key_name = "key(" + std::string(name) + ")";
    const std::string value_name = "value(" + std::string(name) + ")";
    for (std::size_t k = 0; k + 1 < t.items.size(); k += 2) {
      if (test_assignment(t.items[k], kt) == assignment::not_assignable) {
        return invalid_request("Invalid map literal for " + std::string(name) + ": key " +
                               describe_term(t.items[k]) + " is not of type " + cql_type_name(kt));
      }
      if (test_assignment(t.items[k + 1], vt) == assignment::not_assignable) {
        return invalid_request("Invalid map literal for " + std::string(name) + ": value " +
                               describe_term(t.items[k + 1]) + " is not of type " +
                               cql_type_name(vt));
      }
    }
    cql_map out;
    for (std::size_t k = 0; k + 1 < t.items.size(); k += 2) {
      if (contains_marker(t.items[k]) || contains_marker(t.items[k + 1])) {
        return invalid_request("Invalid map literal for " + std::string(name) +
                               ": bind variables are not supported inside collection literals");
      }
      auto key = nested(t.items[k], kt, key_name);
      if (!key) return key.error();
      auto val = nested(t.items[k + 1], vt, value_name);
      if (!val) return val.error();
      if (key->value.is_null() || val->value.is_null()) {
        return invalid_request("null is not supported inside collections");
      }
      out.push_back({std::move(key->value), std::move(val->value)});
    }
    return evaluated{canonical(type, cql_value{std::move(out)}), false};
  }

  sim_result<evaluated> tuple(const term& t, const data_type& type, std::string_view name) {
    if (type.id != type_id::tuple) {
      return invalid_request("Invalid tuple type literal for " + std::string(name) + " of type " +
                             cql_type_name(type));
    }
    if (t.items.size() > type.params.size()) {
      return invalid_request("Invalid tuple literal for " + std::string(name) +
                             ": too many elements. Type " + cql_type_name(type) + " expects " +
                             std::to_string(type.params.size()) + " but got " +
                             std::to_string(t.items.size()));
    }
    for (std::size_t k = 0; k < t.items.size(); ++k) {
      if (test_assignment(t.items[k], type.params[k]) == assignment::not_assignable) {
        return invalid_request("Invalid tuple literal for " + std::string(name) + ": component " +
                               std::to_string(k) + " is not of type " +
                               cql_type_name(type.params[k]));
      }
    }
    cql_list out;
    for (std::size_t k = 0; k < t.items.size(); ++k) {
      auto v =
          nested(t.items[k], type.params[k], std::string(name) + "[" + std::to_string(k) + "]");
      if (!v) return v.error();
      if (v->unset) {
        return invalid_request("Invalid unset value for tuple field number " + std::to_string(k));
      }
      out.push_back(std::move(v->value));
    }
    return evaluated{cql_value{std::move(out)}, false};
  }

  sim_result<evaluated> udt(const term& t, const data_type& type, std::string_view name) {
    if (type.id != type_id::udt) {
      return invalid_request("Invalid user type literal for " + std::string(name) + " of type " +
                             cql_type_name(type));
    }
    for (std::size_t k = 0; k < t.items.size() && k < t.field_names.size(); ++k) {
      const data_type* ft = udt_field(type, t.field_names[k], nullptr);
      if (ft != nullptr && test_assignment(t.items[k], *ft) == assignment::not_assignable) {
        return invalid_request("Invalid user type literal for " + std::string(name) + ": field " +
                               t.field_names[k] + " is not of type " + cql_type_name(*ft));
      }
    }
    for (const auto& field : t.field_names) {
      if (udt_field(type, field, nullptr) == nullptr) {
        return invalid_request("Unknown field '" + field + "' in value of user defined type " +
                               type.udt_name);
      }
    }
    cql_list out(std::min(type.params.size(), type.field_names.size()));
    for (std::size_t k = 0; k < t.items.size() && k < t.field_names.size(); ++k) {
      std::size_t index = 0;
      const data_type* ft = udt_field(type, t.field_names[k], &index);
      auto v = nested(t.items[k], *ft, std::string(name) + "." + t.field_names[k]);
      if (!v) return v.error();
      if (v->unset) {
        return invalid_request("Invalid unset value for field '" + t.field_names[k] +
                               "' of user defined type " + type.udt_name);
      }
      out[index] = std::move(v->value);
    }
    // Trailing null fields are what a shorter value holds: keep the form a driver would send.
    return evaluated{cql_value{std::move(out)}, false};
  }

  // TypeCast.prepare: (type) term is a type hint; the term is then read for the receiver.
  sim_result<evaluated> cast(const term& t, const data_type& type, std::string_view name) {
    if (t.items.size() != 1 || t.cast_type.size() != 1) {
      return invalid_request("Invalid cast " + describe_term(t));
    }
    if (const auto hint = type_from_expr(t.cast_type[0])) {
      if (test_assignment(t.items[0], *hint) == assignment::not_assignable) {
        return invalid_request("Cannot cast value " + describe_term(t.items[0]) + " to type " +
                               type_expr_text(t.cast_type[0]));
      }
      if (!(*hint == type) && !is_value_compatible(type, *hint)) {
        return invalid_request("Cannot assign value " + describe_term(t) + " to " +
                               std::string(name) + " of type " + cql_type_name(type));
      }
    }
    return nested(t.items[0], type, name);
  }

  sim_result<evaluated> eval(const term& t, const data_type& type, std::string_view name) {
    if (depth_ > max_term_depth)
      return invalid_request("Term nested too deeply: " + std::string(name));
    switch (t.kind) {
      case term_kind::null_:
        if (type.id == type_id::counter) {
          return invalid_request("Invalid null value for counter increment/decrement");
        }
        return evaluated{cql_value::null(), false};
      case term_kind::marker:
        return marker(t, type, name);
      case term_kind::list:
        return list(t, type, name);
      case term_kind::set:
        return set(t, type, name);
      case term_kind::map:
        return map(t, type, name);
      case term_kind::tuple:
        return tuple(t, type, name);
      case term_kind::udt:
        return udt(t, type, name);
      case term_kind::function:
        return evaluate_function(t, type, name, ctx_, depth_ + 1);
      case term_kind::cast:
        return cast(t, type, name);
      default:
        return constant(t, type, name);
    }
  }

 private:
  sim_result<evaluated> nested(const term& t, const data_type& type, std::string_view name) {
    return term_evaluator(ctx_, depth_ + 1).eval(t, type, name);
  }

  // Lists.Literal / Sets.Literal after the receiver check.
  sim_result<evaluated> elements(const term& t, const data_type& type, std::string_view name,
                                 const char* what) {
    const data_type& et = type.params[0];
    for (const term& item : t.items) {
      if (test_assignment(item, et) == assignment::not_assignable) {
        return invalid_request(std::string("Invalid ") + what + " literal for " +
                               std::string(name) + ": value " + describe_term(item) +
                               " is not of type " + cql_type_name(et));
      }
    }
    const std::string element_name = "value(" + std::string(name) + ")";
    cql_list out;
    for (const term& item : t.items) {
      if (contains_marker(item)) {
        return invalid_request(std::string("Invalid ") + what + " literal for " +
                               std::string(name) +
                               ": bind variables are not supported inside collection literals");
      }
      auto v = nested(item, et, element_name);
      if (!v) return v.error();
      if (v->value.is_null()) return invalid_request("null is not supported inside collections");
      out.push_back(std::move(v->value));
    }
    return evaluated{canonical(type, cql_value{std::move(out)}), false};
  }

  const eval_context& ctx_;
  int depth_;
};

}  // namespace

sim_result<evaluated> evaluate_at(const term& t, const data_type& type, std::string_view name,
                                  const eval_context& ctx, int depth) {
  return term_evaluator(ctx, depth).eval(t, type, name);
}

namespace {

// test_assignment recurses into collection items and, through overload resolution, into function
// arguments, where each level may try every overload: the depth bounds both the stack and the
// work on hostile input.
thread_local int assignment_depth = 0;

struct depth_guard {
  depth_guard() { ++assignment_depth; }
  ~depth_guard() { --assignment_depth; }
  depth_guard(const depth_guard&) = delete;
  depth_guard& operator=(const depth_guard&) = delete;
};

// Calls nested deeper than this resolve weakly; real statements nest two or three.
constexpr int max_call_nesting = 8;
thread_local int call_nesting = 0;

}  // namespace

assignment test_assignment(const term& t, const data_type& receiver) {
  const depth_guard guard;
  if (assignment_depth > max_term_depth) return assignment::not_assignable;
  switch (t.kind) {
    case term_kind::null_:
      return receiver.id == type_id::counter ? assignment::not_assignable : assignment::weakly;
    case term_kind::marker:
      return assignment::weakly;
    case term_kind::list:
      if (receiver.id != type_id::list || receiver.params.size() != 1) {
        return assignment::not_assignable;
      }
      return t.items.empty() ? assignment::weakly : test_all(t.items, receiver.params[0]);
    case term_kind::set:
      if (receiver.id == type_id::map && t.items.empty()) return assignment::weakly;
      if (receiver.id != type_id::set || receiver.params.size() != 1) {
        return assignment::not_assignable;
      }
      return t.items.empty() ? assignment::weakly : test_all(t.items, receiver.params[0]);
    case term_kind::map: {
      if (t.items.empty()) {
        return receiver.id == type_id::map || receiver.id == type_id::set
                   ? assignment::weakly
                   : assignment::not_assignable;
      }
      if (receiver.id != type_id::map || receiver.params.size() != 2) {
        return assignment::not_assignable;
      }
      assignment result = assignment::exact;
      for (std::size_t k = 0; k + 1 < t.items.size(); k += 2) {
        const assignment a = test_assignment(t.items[k], receiver.params[0]);
        const assignment b = test_assignment(t.items[k + 1], receiver.params[1]);
        if (a == assignment::not_assignable || b == assignment::not_assignable) return a;
        if (a != assignment::exact || b != assignment::exact) result = assignment::weakly;
      }
      return result;
    }
    case term_kind::tuple:
      if (receiver.id != type_id::tuple || t.items.size() > receiver.params.size()) {
        return assignment::not_assignable;
      }
      for (std::size_t k = 0; k < t.items.size(); ++k) {
        if (test_assignment(t.items[k], receiver.params[k]) == assignment::not_assignable) {
          return assignment::not_assignable;
        }
      }
      return assignment::weakly;
    case term_kind::udt:
      if (receiver.id != type_id::udt) return assignment::not_assignable;
      for (std::size_t k = 0; k < t.items.size() && k < t.field_names.size(); ++k) {
        const data_type* ft = udt_field(receiver, t.field_names[k], nullptr);
        if (ft != nullptr && test_assignment(t.items[k], *ft) == assignment::not_assignable) {
          return assignment::not_assignable;
        }
      }
      return assignment::weakly;
    case term_kind::function: {
      if (call_nesting >= max_call_nesting) return assignment::weakly;
      ++call_nesting;
      const auto result = function_term_type(t, receiver);
      --call_nesting;
      if (!result) return assignment::weakly;  // the call itself will report the error
      if (*result == receiver) return assignment::exact;
      return is_value_compatible(receiver, *result) ? assignment::weakly
                                                    : assignment::not_assignable;
    }
    case term_kind::cast: {
      const auto hint = t.cast_type.size() == 1 ? type_from_expr(t.cast_type[0]) : std::nullopt;
      if (!hint) return assignment::weakly;
      if (*hint == receiver) return assignment::exact;
      return is_value_compatible(receiver, *hint) ? assignment::weakly : assignment::not_assignable;
    }
    default:
      return is_constant(t.kind) ? test_constant(t, receiver) : assignment::not_assignable;
  }
}

}  // namespace detail

sim_result<evaluated> evaluate(const term& t, const protocol::data_type& type,
                               std::string_view receiver_name, const eval_context& ctx) {
  return detail::evaluate_at(t, type, receiver_name, ctx, 0);
}

}  // namespace cqlshift::sim
