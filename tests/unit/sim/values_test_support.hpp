#pragma once
// Builders for the values tests: terms as the parser makes them, types, and evaluation.

#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/sim/values.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <string>
#include <utility>
#include <vector>

namespace cqlshift::sim::values_test {

using protocol::cql_list;
using protocol::cql_map;
using protocol::cql_value;
using protocol::data_type;
using protocol::type_id;

inline data_type T(type_id id) {
  return data_type::of(id);
}

inline term literal(term_kind kind, std::string text) {
  term t;
  t.kind = kind;
  t.text = std::move(text);
  return t;
}
inline term str(std::string s) {
  return literal(term_kind::string, std::move(s));
}
inline term integer(std::string s) {
  return literal(term_kind::integer, std::move(s));
}
inline term floating(std::string s) {
  return literal(term_kind::floating, std::move(s));
}
inline term boolean(bool b) {
  return literal(term_kind::boolean, b ? "true" : "false");
}
inline term uuid_literal(std::string s) {
  return literal(term_kind::uuid, std::move(s));
}
inline term blob(std::string s) {
  return literal(term_kind::blob, std::move(s));
}
inline term duration(std::string s) {
  return literal(term_kind::duration, std::move(s));
}
inline term null_term() {
  return term{};
}
inline term marker(int index) {
  term t;
  t.kind = term_kind::marker;
  t.marker = index;
  return t;
}
inline term collection(term_kind kind, std::vector<term> items) {
  term t;
  t.kind = kind;
  t.items = std::move(items);
  return t;
}
inline term udt_literal(std::vector<std::string> names, std::vector<term> items) {
  term t;
  t.kind = term_kind::udt;
  t.field_names = std::move(names);
  t.items = std::move(items);
  return t;
}
inline term call(std::string name, std::vector<term> args = {}) {
  term t;
  t.kind = term_kind::function;
  t.text = std::move(name);
  t.items = std::move(args);
  return t;
}
inline term type_hint(std::string type, term inner) {
  term t;
  t.kind = term_kind::cast;
  type_expr e;
  e.name = std::move(type);
  t.cast_type.push_back(std::move(e));
  t.items.push_back(std::move(inner));
  return t;
}

inline data_type udt_type(std::vector<std::string> names, std::vector<data_type> types) {
  data_type t = T(type_id::udt);
  t.udt_keyspace = "ks";
  t.udt_name = "address";
  t.field_names = std::move(names);
  t.params = std::move(types);
  return t;
}

// An evaluation context at 2024-01-02 03:04:05.678901 UTC with a fixed timeuuid node.
struct context {
  std::vector<protocol::value> bound;
  protocol::timeuuid_generator timeuuids{0x1234, 0x0000'0102'0304'0506};
  eval_context ctx;

  context() {
    ctx.now_micros = 1'704'164'645'678'901;
    ctx.timeuuids = &timeuuids;
  }
  const eval_context& get() {
    ctx.bound = bound;
    return ctx;
  }
};

inline sim_result<evaluated> eval(const term& t, const data_type& type,
                                  std::string_view name = "c") {
  context c;
  return evaluate(t, type, name, c.get());
}

// The value, failing the test on an error.
inline cql_value value_of(const term& t, const data_type& type) {
  auto r = eval(t, type);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().message);
  return r.has_value() ? r->value : cql_value::null();
}

// The InvalidRequest message, failing the test when there is none.
inline std::string error_of(const term& t, const data_type& type, std::string_view name = "c") {
  auto r = eval(t, type, name);
  EXPECT_FALSE(r.has_value());
  if (r.has_value()) return "<no error>";
  EXPECT_EQ(r.error().code, protocol::error_code::invalid);
  return r.error().message;
}

inline protocol::bytes bytes_of(std::initializer_list<int> b) {
  protocol::bytes out;
  for (int x : b)
    out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

inline protocol::uuid uuid_of(std::string_view s) {
  return *protocol::parse_uuid(s);
}

}  // namespace cqlshift::sim::values_test
