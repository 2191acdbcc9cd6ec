#pragma once
// Helpers shared by the parser tests (parser_*_test.cpp): parse-or-fail, and short builders of
// the expected AST nodes.

#include "cqlshift/sim/parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cqlshift::sim::parser_test {

inline parsed_statement parsed(std::string_view cql) {
  auto r = parse(cql);
  EXPECT_TRUE(r.has_value()) << cql << "\n  -> " << (r ? "" : r.error().message);
  return r ? *r : parsed_statement{};
}

template <class T>
T parse_as(std::string_view cql) {
  parsed_statement p = parsed(cql);
  T* s = std::get_if<T>(&p.stmt);
  EXPECT_NE(s, nullptr) << cql << " parsed into alternative " << p.stmt.index();
  return s ? std::move(*s) : T{};
}

// The SyntaxError (or other error) message of a statement that must fail.
inline cql_error failure(std::string_view cql) {
  auto r = parse(cql);
  EXPECT_FALSE(r.has_value()) << cql << " parsed";
  return r ? cql_error{} : r.error();
}

inline std::string syntax_error_of(std::string_view cql) {
  const cql_error e = failure(cql);
  EXPECT_EQ(e.code, protocol::error_code::syntax_error) << cql << ": " << e.message;
  return e.message;
}

inline term lit(term_kind kind, std::string text) {
  term t;
  t.kind = kind;
  t.text = std::move(text);
  return t;
}
inline term str(std::string text) {
  return lit(term_kind::string, std::move(text));
}
inline term integer(std::string text) {
  return lit(term_kind::integer, std::move(text));
}
inline term null_term() {
  return term{};
}
inline term marker(int index, std::string name = {}) {
  term t = lit(term_kind::marker, std::move(name));
  t.marker = index;
  return t;
}
inline term composite(term_kind kind, std::vector<term> items, std::string text = {}) {
  term t = lit(kind, std::move(text));
  t.items = std::move(items);
  return t;
}

inline type_expr type(std::string name, std::vector<type_expr> params = {}) {
  type_expr t;
  t.name = std::move(name);
  t.params = std::move(params);
  return t;
}
inline type_expr frozen(type_expr t) {
  t.frozen = true;
  return t;
}

inline relation rel(std::string column, relation_op op, term value) {
  relation r;
  r.columns = {std::move(column)};
  r.op = op;
  r.value = std::move(value);
  return r;
}

inline selector column_selector(std::string name) {
  selector s;
  s.name = std::move(name);
  return s;
}

inline qualified_name qn(std::string keyspace, std::string name) {
  return {std::move(keyspace), std::move(name)};
}

}  // namespace cqlshift::sim::parser_test
