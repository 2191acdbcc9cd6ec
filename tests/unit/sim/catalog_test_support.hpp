#pragma once
// Builders for the DDL statements the catalog tests apply, written by hand so the catalog's
// tests do not depend on the parser.

#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/catalog.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace cqlshift::sim::test {

inline type_expr ty(std::string name, std::vector<type_expr> params = {}) {
  type_expr t;
  t.name = std::move(name);
  t.params = std::move(params);
  return t;
}
inline type_expr frozen(type_expr t) {
  t.frozen = true;
  return t;
}
inline type_expr udt(std::string name, std::string keyspace = "") {
  type_expr t = ty(std::move(name));
  t.keyspace = std::move(keyspace);
  return t;
}

inline term str(std::string s) {
  term t;
  t.kind = term_kind::string;
  t.text = std::move(s);
  return t;
}
inline term num(std::string s) {
  term t;
  t.kind = term_kind::integer;
  t.text = std::move(s);
  return t;
}
inline term flt(std::string s) {
  term t;
  t.kind = term_kind::floating;
  t.text = std::move(s);
  return t;
}
inline term boolean(bool b) {
  term t;
  t.kind = term_kind::boolean;
  t.text = b ? "true" : "false";
  return t;
}
inline term map_of(std::vector<std::pair<term, term>> entries) {
  term t;
  t.kind = term_kind::map;
  for (auto& [k, v] : entries) {
    t.items.push_back(std::move(k));
    t.items.push_back(std::move(v));
  }
  return t;
}
inline property prop(std::string name, term value) {
  return {std::move(name), std::move(value)};
}

inline property simple_replication(term rf) {
  return prop("replication",
              map_of({{str("class"), str("SimpleStrategy")}, {str("replication_factor"), rf}}));
}

inline create_keyspace_stmt create_keyspace(std::string name, std::vector<property> props) {
  create_keyspace_stmt s;
  s.keyspace = std::move(name);
  s.properties = std::move(props);
  return s;
}
inline create_keyspace_stmt create_keyspace(std::string name) {
  return create_keyspace(std::move(name), {simple_replication(num("1"))});
}

inline column_definition col(std::string name, type_expr type, bool is_static = false) {
  column_definition c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.is_static = is_static;
  return c;
}

inline create_table_stmt create_table(std::string keyspace, std::string name,
                                      std::vector<column_definition> columns,
                                      std::vector<std::string> partition_key,
                                      std::vector<std::string> clustering = {}) {
  create_table_stmt s;
  s.table = {std::move(keyspace), std::move(name)};
  s.columns = std::move(columns);
  s.partition_key = std::move(partition_key);
  s.clustering = std::move(clustering);
  return s;
}

// ks.t (k int, c int, v text, PRIMARY KEY (k, c)) WITH options.
inline create_table_stmt simple_table(std::string keyspace, std::string name,
                                      std::vector<property> props = {}) {
  create_table_stmt s =
      create_table(std::move(keyspace), std::move(name),
                   {col("k", ty("int")), col("c", ty("int")), col("v", ty("text"))}, {"k"}, {"c"});
  s.properties = std::move(props);
  return s;
}

inline void expect_error(const sim_result<ddl_outcome>& r, protocol::error_code code,
                         const std::string& message) {
  ASSERT_TRUE(r.has_error()) << "expected " << protocol::to_string(code) << ": " << message;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_EQ(r.error().message, message);
}

// A catalog with keyspace ks (SimpleStrategy, replication_factor 1).
inline catalog catalog_with_keyspace(const std::string& name = "ks") {
  catalog c;
  auto r = c.apply(create_keyspace(name), "");
  EXPECT_TRUE(r.has_value());
  return c;
}

}  // namespace cqlshift::sim::test
