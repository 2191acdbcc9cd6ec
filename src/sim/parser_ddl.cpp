// USE, TRUNCATE and schema statements (Parser.g useStatement, createKeyspaceStatement ...
// dropTypeStatement, properties), and the recognition of the DDL/DCL cqlsim does not run.

#include "parser_impl.hpp"

#include <utility>

namespace cqlshift::sim::parser_detail {

namespace {

std::string display_name(const qualified_name& n) {
  return n.keyspace.empty() ? n.name : n.keyspace + "." + n.name;
}

bool is_property_constant(const term& t) {
  switch (t.kind) {
    case term_kind::string:
    case term_kind::integer:
    case term_kind::floating:
    case term_kind::boolean:
    case term_kind::uuid:
    case term_kind::blob:
    case term_kind::duration:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool parser::parse_if_exists(bool& out) {
  if (!accept_kw("if")) return true;
  out = true;
  return expect_kw("exists");
}

bool parser::parse_if_not_exists(bool& out) {
  if (!accept_kw("if")) return true;
  out = true;
  return expect_kw("not") && expect_kw("exists");
}

bool parser::parse_use(statement& out) {
  advance();
  use_stmt s;
  if (!parse_keyspace_name(s.keyspace)) return false;
  out = std::move(s);
  return true;
}

bool parser::parse_truncate(statement& out) {
  advance();
  if (!accept_kw("table")) accept_kw("columnfamily");
  truncate_stmt s;
  if (!parse_table_name(s.table)) return false;
  out = std::move(s);
  return true;
}

// --- dispatch ---

bool parser::parse_create(statement& out) {
  advance();
  if (is_kw("keyspace") || is_kw("schema")) return parse_create_keyspace(out);
  if (is_kw("table") || is_kw("columnfamily")) return parse_create_table(out);
  if (is_kw("type")) return parse_create_type(out);
  if (is_kw("index") || (is_kw("custom") && is_kw("index", 1))) {
    return parse_unsupported("CREATE INDEX", out);
  }
  if (is_kw("materialized")) return parse_unsupported("CREATE MATERIALIZED VIEW", out);
  const std::size_t what = is_kw("or") && is_kw("replace", 1) ? 2 : 0;
  if (is_kw("function", what)) return parse_unsupported("CREATE FUNCTION", out);
  if (is_kw("aggregate", what)) return parse_unsupported("CREATE AGGREGATE", out);
  if (what != 0) return fail_no_viable(pos_ + what);
  if (is_kw("trigger")) return parse_unsupported("CREATE TRIGGER", out);
  if (is_kw("role")) return parse_unsupported("CREATE ROLE", out);
  if (is_kw("user")) return parse_unsupported("CREATE USER", out);
  return fail_no_viable();
}

bool parser::parse_alter(statement& out) {
  advance();
  if (is_kw("keyspace") || is_kw("schema")) {
    advance();
    alter_keyspace_stmt s;
    if (!parse_if_exists(s.if_exists) || !parse_keyspace_name(s.keyspace) || !expect_kw("with") ||
        !parse_properties(s.properties)) {
      return false;
    }
    out = std::move(s);
    return true;
  }
  if (is_kw("table") || is_kw("columnfamily")) return parse_alter_table(out);
  if (is_kw("type")) return parse_unsupported("ALTER TYPE", out);
  if (is_kw("materialized")) return parse_unsupported("ALTER MATERIALIZED VIEW", out);
  if (is_kw("role")) return parse_unsupported("ALTER ROLE", out);
  if (is_kw("user")) return parse_unsupported("ALTER USER", out);
  return fail_no_viable();
}

bool parser::parse_drop(statement& out) {
  advance();
  if (is_kw("keyspace") || is_kw("schema")) {
    advance();
    drop_keyspace_stmt s;
    if (!parse_if_exists(s.if_exists) || !parse_keyspace_name(s.keyspace)) return false;
    out = std::move(s);
    return true;
  }
  if (is_kw("table") || is_kw("columnfamily")) {
    advance();
    drop_table_stmt s;
    if (!parse_if_exists(s.if_exists) || !parse_table_name(s.table)) return false;
    out = std::move(s);
    return true;
  }
  if (is_kw("type")) {
    advance();
    drop_type_stmt s;
    if (!parse_if_exists(s.if_exists) || !parse_type_name(s.type)) return false;
    out = std::move(s);
    return true;
  }
  if (is_kw("index")) return parse_unsupported("DROP INDEX", out);
  if (is_kw("materialized")) return parse_unsupported("DROP MATERIALIZED VIEW", out);
  if (is_kw("function")) return parse_unsupported("DROP FUNCTION", out);
  if (is_kw("aggregate")) return parse_unsupported("DROP AGGREGATE", out);
  if (is_kw("trigger")) return parse_unsupported("DROP TRIGGER", out);
  if (is_kw("role")) return parse_unsupported("DROP ROLE", out);
  if (is_kw("user")) return parse_unsupported("DROP USER", out);
  return fail_no_viable();
}

// --- keyspaces ---

bool parser::parse_create_keyspace(statement& out) {
  advance();
  create_keyspace_stmt s;
  if (!parse_if_not_exists(s.if_not_exists) || !parse_keyspace_name(s.keyspace) ||
      !expect_kw("with") || !parse_properties(s.properties)) {
    return false;
  }
  out = std::move(s);
  return true;
}

// --- tables ---

bool parser::parse_create_table(statement& out) {
  advance();
  create_table_stmt t;
  if (!parse_if_not_exists(t.if_not_exists) || !parse_table_name(t.table) || !expect_sym("(") ||
      !parse_table_element(t)) {
    return false;
  }
  // '(' tableColumns (',' tableColumns?)* ')': stray commas are allowed.
  while (accept_sym(",")) {
    if (!is_sym(",") && !is_sym(")") && !parse_table_element(t)) return false;
  }
  if (!expect_sym(")")) return false;
  if (accept_kw("with")) {
    do {
      if (!parse_table_option(t)) return false;
    } while (accept_kw("and"));
  }
  out = std::move(t);
  return true;
}

// A column definition, or PRIMARY KEY (pk, c1, ...) / PRIMARY KEY ((pk1, pk2), c1, ...).
// Cassandra's grammar actions reject duplicates while parsing, with an InvalidRequest.
bool parser::parse_table_element(create_table_stmt& t) {
  const auto set_partition_key = [&](std::vector<std::string> columns) {
    if (!t.partition_key.empty()) {
      return fail_with(invalid_request("Multiple PRIMARY KEY specified for table '" +
                                       display_name(t.table) + "' (exactly one required)"));
    }
    t.partition_key = std::move(columns);
    return true;
  };
  if (is_kw("primary") && is_kw("key", 1)) {
    advance();
    advance();
    if (!expect_sym("(")) return false;
    std::vector<std::string> partition_key;
    if (accept_sym("(")) {
      do {
        partition_key.emplace_back();
        if (!parse_name(name_rule::ident, partition_key.back())) return false;
      } while (accept_sym(","));
      if (!expect_sym(")")) return false;
    } else {
      partition_key.emplace_back();
      if (!parse_name(name_rule::ident, partition_key.back())) return false;
    }
    if (!set_partition_key(std::move(partition_key))) return false;
    while (accept_sym(",")) {
      t.clustering.emplace_back();
      if (!parse_name(name_rule::ident, t.clustering.back())) return false;
    }
    return expect_sym(")");
  }
  column_definition column;
  if (!parse_column_definition(column, true)) return false;
  for (const column_definition& earlier : t.columns) {
    if (earlier.name == column.name) {
      return fail_with(invalid_request("Duplicate column '" + column.name +
                                       "' declaration for table '" + display_name(t.table) + "'"));
    }
  }
  if (column.primary_key && !set_partition_key({column.name})) return false;
  t.columns.push_back(std::move(column));
  return true;
}

bool parser::parse_column_definition(column_definition& out, bool allow_primary_key) {
  if (!parse_name(name_rule::ident, out.name) || !parse_type(out.type)) return false;
  if (accept_kw("static")) out.is_static = true;
  if (allow_primary_key && accept_kw("primary")) {
    out.primary_key = true;
    return expect_kw("key");
  }
  return true;
}

bool parser::parse_table_option(create_table_stmt& t) {
  if (is_kw("compact") && is_kw("storage", 1)) {
    advance();
    advance();
    t.compact_storage = true;
    return true;
  }
  if (is_kw("clustering") && is_kw("order", 1)) {
    advance();
    advance();
    if (!expect_kw("by") || !expect_sym("(")) return false;
    do {
      ordering o;
      if (!parse_name(name_rule::ident, o.column)) return false;
      if (accept_kw("desc")) {
        o.descending = true;
      } else if (!accept_kw("asc")) {
        return fail_no_viable();
      }
      for (const ordering& earlier : t.clustering_order) {
        if (earlier.column == o.column) {
          return fail_with(invalid_request("Duplicate column '" + o.column +
                                           "' in CLUSTERING ORDER BY clause for table '" +
                                           display_name(t.table) + "'"));
        }
      }
      t.clustering_order.push_back(std::move(o));
    } while (accept_sym(","));
    return expect_sym(")");
  }
  return parse_property(t.properties);
}

bool parser::parse_alter_table(statement& out) {
  advance();
  alter_table_stmt s;
  if (!parse_if_exists(s.if_exists) || !parse_table_name(s.table)) return false;
  using action = alter_table_stmt::action;
  if (accept_kw("alter")) {
    s.what = action::alter_type;
    column_definition column;
    if (!parse_name(name_rule::column, column.name) || !expect_kw("type") ||
        !parse_type(column.type)) {
      return false;
    }
    s.retyped.push_back(std::move(column));
  } else if (accept_kw("add")) {
    s.what = action::add;
    const bool list = accept_sym("(");
    do {
      column_definition column;
      if (!parse_column_definition(column, false)) return false;
      s.added.push_back(std::move(column));
    } while (list && accept_sym(","));
    if (list && !expect_sym(")")) return false;
  } else if (is_kw("drop")) {
    if (is_kw("compact", 1) && is_kw("storage", 2)) {
      return parse_unsupported("ALTER TABLE DROP COMPACT STORAGE", out);
    }
    advance();
    s.what = action::drop;
    const bool list = accept_sym("(");
    do {
      s.dropped.emplace_back();
      if (!parse_name(name_rule::ident, s.dropped.back())) return false;
    } while (list && accept_sym(","));
    if (list && !expect_sym(")")) return false;
  } else if (accept_kw("rename")) {
    s.what = action::rename;
    do {
      std::pair<std::string, std::string> names;
      if (!parse_name(name_rule::ident, names.first) || !expect_kw("to") ||
          !parse_name(name_rule::ident, names.second)) {
        return false;
      }
      s.renamed.push_back(std::move(names));
    } while (accept_kw("and"));
  } else if (accept_kw("with")) {
    s.what = action::with;
    if (!parse_properties(s.properties)) return false;
  } else {
    return fail_no_viable();
  }
  out = std::move(s);
  return true;
}

// --- types ---

bool parser::parse_create_type(statement& out) {
  advance();
  create_type_stmt s;
  if (!parse_if_not_exists(s.if_not_exists) || !parse_type_name(s.type) || !expect_sym("(")) {
    return false;
  }
  bool first = true;
  do {
    if (!first && (is_sym(",") || is_sym(")"))) continue;  // (f t, , g t,) is allowed
    first = false;
    std::pair<std::string, type_expr> field;
    if (!parse_name(name_rule::ident, field.first) || !parse_type(field.second)) return false;
    s.fields.push_back(std::move(field));
  } while (accept_sym(","));
  if (!expect_sym(")")) return false;
  out = std::move(s);
  return true;
}

// --- properties: WITH name = constant | name = { map } AND ... ---

bool parser::parse_properties(std::vector<property>& out) {
  do {
    if (!parse_property(out)) return false;
  } while (accept_kw("and"));
  return true;
}

bool parser::parse_property(std::vector<property>& out) {
  property p;
  if (!parse_name(name_rule::ident, p.name) || !expect_sym("=")) return false;
  if (is_sym("{")) {
    if (!parse_property_map(p.value)) return false;
  } else if (at_constant()) {
    if (!parse_constant(p.value)) return false;
  } else if (at_name(name_rule::ident) && peek().kind == cql::token_kind::identifier) {
    // [propertyValue]'s unreserved keyword, taken as its text.
    p.value.kind = term_kind::string;
    p.value.text = peek().text;
    advance();
  } else {
    return fail_no_viable();
  }
  for (const property& earlier : out) {
    if (earlier.name == p.name) return fail_message("Multiple definition for property " + p.name);
  }
  out.push_back(std::move(p));
  return true;
}

// [fullMapLiteral], then Parser.g's convertPropertyMap: keys and values must be constants.
bool parser::parse_property_map(term& out) {
  advance();
  out = term{};
  out.kind = term_kind::map;
  std::vector<std::string> sources;  // each item as Cassandra prints it in errors
  const auto parse_item = [&]() {
    const std::size_t begin = peek().offset;
    term item;
    if (!parse_term(item)) return false;
    const cql::token& last = tokens_[pos_ - 1];
    if (item.kind == term_kind::string) {
      sources.push_back("'" + item.text + "'");
    } else if (item.kind == term_kind::marker) {
      sources.push_back("?");
    } else {
      sources.emplace_back(cql_.substr(begin, last.offset + last.length - begin));
    }
    out.items.push_back(std::move(item));
    return true;
  };
  if (!accept_sym("}")) {
    do {
      if (!parse_item() || !expect_sym(":") || !parse_item()) return false;
    } while (accept_sym(","));
    if (!expect_sym("}")) return false;
  }
  const std::string no_markers = " (bind variables are not supported in DDL queries)";
  for (std::size_t i = 0; i + 1 < out.items.size(); i += 2) {
    const term& key = out.items[i];
    const term& value = out.items[i + 1];
    if (!is_property_constant(key)) {
      return fail_message("Invalid property name: " + sources[i] +
                          (key.kind == term_kind::marker ? no_markers : ""));
    }
    if (!is_property_constant(value)) {
      return fail_message("Invalid property value: " + sources[i + 1] + " for property: " +
                          sources[i] + (value.kind == term_kind::marker ? no_markers : ""));
    }
    for (std::size_t j = 0; j < i; j += 2) {
      if (out.items[j].text == key.text) {
        return fail_message("Multiple definition for property " + key.text);
      }
    }
  }
  return true;
}

}  // namespace cqlshift::sim::parser_detail
