#pragma once
// The statements cqlsim executes, as the parser (parser.hpp) produces them. Names are already
// resolved the CQL way (unquoted names folded to lower case, quoted names kept as written).
// Literals keep their source text: what a literal means depends on the column it is given to
// (an integer literal may be an int, a bigint, a varint, a decimal or a double; a string may be
// text, a timestamp, a date, an inet ...), which only the executor knows.

#include "cqlshift/protocol/requests.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cqlshift::sim {

// keyspace.name, or just name (keyspace empty: the session's keyspace applies).
struct qualified_name {
  std::string keyspace;
  std::string name;
  bool operator==(const qualified_name&) const = default;
};

// A CQL type as written: int, text, list<int>, frozen<map<text, int>>, tuple<int, text>,
// address (a UDT), ks.address, 'org.apache.cassandra.db.marshal.X' (custom).
struct type_expr {
  // Native type or collection name in lower case ("int", "varchar", "list", "map", "set",
  // "tuple", "frozen" never appears: it sets `frozen` on the type it wraps), or the UDT name
  // (resolved like any name), or the custom class for custom types.
  std::string name;
  std::string keyspace;            // a UDT written ks.name
  std::vector<type_expr> params;   // list/set: 1, map: 2, tuple: n
  bool frozen = false;             // written frozen<...>
  bool custom = false;             // written as a string literal
  bool operator==(const type_expr&) const = default;
};

enum class term_kind : std::uint8_t {
  null_,      // null
  string,     // 'x' or $$x$$; text is the unescaped value
  integer,    // -?[0-9]+; text as written
  floating,   // 1.5, -1e3, NaN, -NaN, Infinity, -Infinity; text as written
  boolean,    // text "true" or "false"
  uuid,       // text as written
  blob,       // text "0x..." as written
  duration,   // text as written (1h30m, P1D, ...)
  marker,     // ? or :name; see `marker`
  list,       // [a, b]; items
  set,        // {a, b}; items
  map,        // {k: v, ...} and {}; items alternate key, value
  udt,        // {field: v, ...} (an unquoted or quoted name before ':'); field_names + items
  tuple,      // (a, b) with at least two elements, or one element directly in a tuple position
  function,   // name(args): now(), uuid(), toTimestamp(x), token(...); text is the name in
              // lower case (as written when quoted), items the arguments
  cast,       // (type) term: cast_type, items[0]
};

struct term {
  term_kind kind = term_kind::null_;
  std::string text;
  // marker: its index among all the markers of the statement in source order (0-based). For a
  // named marker `text` holds the name; for ? it is empty.
  int marker = -1;
  std::vector<term> items;
  std::vector<std::string> field_names;  // udt: parallel to items
  std::vector<type_expr> cast_type;      // cast: exactly one
  bool operator==(const term&) const = default;
};

enum class relation_op : std::uint8_t {
  eq,
  lt,
  le,
  gt,
  ge,
  neq,
  in,
  contains,
  contains_key,
  like,
  is_not_null,  // IS NOT NULL (materialized views only; the executor rejects it)
};

// The left side of a WHERE relation.
enum class relation_target : std::uint8_t {
  column,       // c op v
  token,        // token(a, b) op v
  tuple,        // (c1, c2) op (v1, v2), multi-column clustering relations
  map_element,  // c[key] = v (ALLOW FILTERING on map entries); `key` holds the key
};

struct relation {
  relation_target target = relation_target::column;
  std::vector<std::string> columns;  // column: 1; token: its arguments; tuple: the columns
  std::optional<term> key;           // map_element
  relation_op op = relation_op::eq;
  // The right side. For IN written as a list of terms, `in_values` holds them and `value` is
  // unused; for IN ? (a single marker for the whole list) `value` is that marker.
  term value;
  std::vector<term> in_values;
  bool in_list = false;  // true when IN was followed by a parenthesised list
  bool operator==(const relation&) const = default;
};

// USING TTL t AND TIMESTAMP ts (either, both, in either order).
struct using_clause {
  std::optional<term> ttl;
  std::optional<term> timestamp;
  bool operator==(const using_clause&) const = default;
};

// An IF condition of UPDATE/DELETE: c op v, c[k] op v, c.field op v, c IN (...).
struct condition {
  std::string column;
  std::optional<term> element;  // c[element]
  std::string field;            // c.field (empty: none)
  relation_op op = relation_op::eq;
  term value;
  std::vector<term> in_values;  // as in relation
  bool in_list = false;
  bool operator==(const condition&) const = default;
};

struct insert_stmt {
  qualified_name table;
  // Regular form: columns and values, parallel.
  std::vector<std::string> columns;
  std::vector<term> values;
  // INSERT ... JSON 'text' | JSON ?: json is the string literal or marker.
  std::optional<term> json;
  bool json_default_unset = false;  // DEFAULT UNSET (DEFAULT NULL is the default)
  bool if_not_exists = false;
  using_clause using_;
  bool operator==(const insert_stmt&) const = default;
};

struct assignment {
  enum class op : std::uint8_t {
    set,          // c = v
    set_element,  // c[key] = v (list index or map key)
    set_field,    // c.field = v (UDT field)
    add,          // c = c + v, c += v (counters, collections, also text? no: rejected)
    prepend,      // c = v + c (lists)
    subtract,     // c = c - v, c -= v
  };
  op kind = op::set;
  std::string column;
  std::optional<term> key;  // set_element
  std::string field;        // set_field
  term value;
  bool operator==(const assignment&) const = default;
};

struct update_stmt {
  qualified_name table;
  using_clause using_;
  std::vector<assignment> assignments;
  std::vector<relation> where;
  bool if_exists = false;
  std::vector<condition> conditions;  // IF c = v AND ...
  bool operator==(const update_stmt&) const = default;
};

// DELETE [c, c[k], c.f, ...] FROM ...
struct deletion {
  std::string column;
  std::optional<term> element;
  std::string field;
  bool operator==(const deletion&) const = default;
};

struct delete_stmt {
  qualified_name table;
  std::vector<deletion> columns;  // empty: the whole row(s)
  using_clause using_;            // TIMESTAMP only (the parser rejects TTL)
  std::vector<relation> where;
  bool if_exists = false;
  std::vector<condition> conditions;
  bool operator==(const delete_stmt&) const = default;
};

// A selection expression: a column, a function call (count(*), writetime(c), ttl(c),
// token(a, b), toTimestamp(c), ...), a cast, a literal term, or c.field / c[k].
struct selector {
  enum class kind : std::uint8_t { column, function, cast, term, field, star /* count(*) */ };
  kind what = kind::column;
  std::string name;  // column name, or function name in lower case (as written when quoted)
  std::vector<selector> args;        // function arguments; cast/field: exactly one
  std::vector<term> literal;         // term: exactly one
  std::vector<type_expr> cast_type;  // cast: exactly one
  std::string field;                 // field: the UDT field name
  bool operator==(const selector&) const = default;
};

struct selection {
  selector expr;
  std::string alias;  // AS alias; empty: none
  bool operator==(const selection&) const = default;
};

struct ordering {
  std::string column;
  bool descending = false;
  bool operator==(const ordering&) const = default;
};

struct select_stmt {
  qualified_name table;
  bool json = false;      // SELECT JSON
  bool distinct = false;  // SELECT DISTINCT
  bool star = false;      // SELECT * (selections empty)
  std::vector<selection> selections;
  std::vector<relation> where;
  std::vector<std::string> group_by;
  std::vector<ordering> order_by;
  std::optional<term> per_partition_limit;
  std::optional<term> limit;
  bool allow_filtering = false;
  bool operator==(const select_stmt&) const = default;
};

using modification = std::variant<insert_stmt, update_stmt, delete_stmt>;

struct batch_stmt {
  protocol::batch_type type = protocol::batch_type::logged;
  using_clause using_;  // TIMESTAMP only
  std::vector<modification> statements;
  bool operator==(const batch_stmt&) const = default;
};

struct use_stmt {
  std::string keyspace;
  bool operator==(const use_stmt&) const = default;
};

// WITH name = value AND ...: value is a constant, or a map literal ({'class': ...}).
struct property {
  std::string name;  // lower case
  term value;
  bool operator==(const property&) const = default;
};

struct create_keyspace_stmt {
  std::string keyspace;
  bool if_not_exists = false;
  std::vector<property> properties;  // replication, durable_writes
  bool operator==(const create_keyspace_stmt&) const = default;
};

struct alter_keyspace_stmt {
  std::string keyspace;
  bool if_exists = false;
  std::vector<property> properties;
  bool operator==(const alter_keyspace_stmt&) const = default;
};

struct drop_keyspace_stmt {
  std::string keyspace;
  bool if_exists = false;
  bool operator==(const drop_keyspace_stmt&) const = default;
};

struct column_definition {
  std::string name;
  type_expr type;
  bool is_static = false;
  bool primary_key = false;  // `c int PRIMARY KEY`
  bool operator==(const column_definition&) const = default;
};

struct create_table_stmt {
  qualified_name table;
  bool if_not_exists = false;
  std::vector<column_definition> columns;
  // From PRIMARY KEY ((a, b), c, d) or PRIMARY KEY (a, c) or `a int PRIMARY KEY`.
  std::vector<std::string> partition_key;
  std::vector<std::string> clustering;
  std::vector<ordering> clustering_order;  // WITH CLUSTERING ORDER BY (c DESC, ...)
  bool compact_storage = false;
  std::vector<property> properties;  // every other WITH option, in source order
  bool operator==(const create_table_stmt&) const = default;
};

struct alter_table_stmt {
  enum class action : std::uint8_t { add, drop, rename, alter_type, with };
  qualified_name table;
  bool if_exists = false;
  action what = action::with;
  std::vector<column_definition> added;                        // add
  std::vector<std::string> dropped;                            // drop
  std::vector<std::pair<std::string, std::string>> renamed;    // rename: from, to
  std::vector<column_definition> retyped;                      // alter_type
  std::vector<property> properties;                            // with
  bool operator==(const alter_table_stmt&) const = default;
};

struct drop_table_stmt {
  qualified_name table;
  bool if_exists = false;
  bool operator==(const drop_table_stmt&) const = default;
};

struct create_type_stmt {
  qualified_name type;
  bool if_not_exists = false;
  std::vector<std::pair<std::string, type_expr>> fields;
  bool operator==(const create_type_stmt&) const = default;
};

struct drop_type_stmt {
  qualified_name type;
  bool if_exists = false;
  bool operator==(const drop_type_stmt&) const = default;
};

struct truncate_stmt {
  qualified_name table;
  bool operator==(const truncate_stmt&) const = default;
};

// A statement of real CQL that cqlsim recognises but does not execute (CREATE INDEX,
// CREATE FUNCTION, materialized views, roles and permissions, ...). The executor answers it
// with the InvalidRequest naming `what`, so a client learns exactly what is missing.
struct unsupported_stmt {
  std::string what;  // "CREATE INDEX"
  bool operator==(const unsupported_stmt&) const = default;
};

using statement =
    std::variant<select_stmt, insert_stmt, update_stmt, delete_stmt, batch_stmt, use_stmt,
                 create_keyspace_stmt, alter_keyspace_stmt, drop_keyspace_stmt, create_table_stmt,
                 alter_table_stmt, drop_table_stmt, create_type_stmt, drop_type_stmt,
                 truncate_stmt, unsupported_stmt>;

// A parsed statement with its bind markers. Every marker occurrence is one bind variable, in
// source order; a named marker's name is in marker_names ("" for ?).
struct parsed_statement {
  statement stmt;
  std::vector<std::string> marker_names;
  std::size_t marker_count() const noexcept { return marker_names.size(); }
  bool operator==(const parsed_statement&) const = default;
};

// The table a statement reads or writes (DML, TRUNCATE, table DDL, and a type's name for
// type DDL); nullopt for USE, keyspace DDL, BATCH and unsupported statements.
std::optional<qualified_name> target_of(const statement& s);

}  // namespace cqlshift::sim
