// SELECT, INSERT, UPDATE, DELETE and BATCH (Parser.g selectStatement ... batchStatement).

#include "parser_impl.hpp"

#include <utility>

namespace cqlshift::sim::parser_detail {

namespace {

// Parser.g addRawUpdate: a plain `c = v` conflicts with any other operation on c, and one UDT
// field cannot be set twice.
bool compatible(const assignment& earlier, const assignment& later) {
  using op = assignment::op;
  if (earlier.kind == op::set || later.kind == op::set) return false;
  return !(earlier.kind == op::set_field && later.kind == op::set_field &&
           earlier.field == later.field);
}

}  // namespace

// --- SELECT ---

bool parser::parse_select(statement& out) {
  advance();
  select_stmt s;
  // json is also a column name: SELECT JSON is meant when a select clause follows it.
  if (is_kw("json")) {
    const mark before = save();
    advance();
    select_stmt probe;
    const bool is_json = parse_select_clause(probe);
    restore(before);
    if (is_json) {
      s.json = true;
      advance();
    }
  }
  if (!parse_select_clause(s) || !expect_kw("from") || !parse_table_name(s.table)) return false;
  if (accept_kw("where") && !parse_where(s.where)) return false;
  if (accept_kw("group")) {
    if (!expect_kw("by")) return false;
    do {
      s.group_by.emplace_back();
      if (!parse_name(name_rule::column, s.group_by.back())) return false;
    } while (accept_sym(","));
  }
  if (accept_kw("order")) {
    if (!expect_kw("by")) return false;
    do {
      ordering o;
      if (!parse_name(name_rule::column, o.column)) return false;
      if (accept_kw("desc")) {
        o.descending = true;
      } else {
        accept_kw("asc");
      }
      s.order_by.push_back(std::move(o));
    } while (accept_sym(","));
  }
  if (accept_kw("per")) {
    if (!expect_kw("partition") || !expect_kw("limit") || !parse_int_value(s.per_partition_limit)) {
      return false;
    }
  }
  if (accept_kw("limit") && !parse_int_value(s.limit)) return false;
  if (accept_kw("allow")) {
    if (!expect_kw("filtering")) return false;
    s.allow_filtering = true;
  }
  out = std::move(s);
  return true;
}

// [selectClause]: DISTINCT is a keyword only when selectors follow it.
bool parser::parse_select_clause(select_stmt& s) {
  if (is_kw("distinct")) {
    const mark before = save();
    advance();
    select_stmt probe;
    const bool is_distinct = parse_selectors(probe);
    restore(before);
    if (is_distinct) {
      s.distinct = true;
      advance();
    }
  }
  return parse_selectors(s);
}

bool parser::parse_selectors(select_stmt& s) {
  if (accept_sym("*")) {
    s.star = true;
    return true;
  }
  do {
    selection sel;
    if (!parse_selection(sel)) return false;
    s.selections.push_back(std::move(sel));
  } while (accept_sym(","));
  return true;
}

bool parser::parse_selection(selection& out) {
  if (!parse_selector(out.expr)) return false;
  if (accept_kw("as")) return parse_name(name_rule::ident, out.alias);
  return true;
}

bool parser::parse_selector(selector& out) {
  nesting guard(depth_);
  if (!guard.ok()) return fail_too_deep();
  if (!parse_selector_primary(out)) return false;
  while (is_sym(".") && at_name(name_rule::ident, 1)) {
    advance();
    selector field;
    field.what = selector::kind::field;
    field.field = peek().name();
    advance();
    field.args.push_back(std::move(out));
    out = std::move(field);
  }
  return true;
}

bool parser::parse_selector_primary(selector& out) {
  out = {};
  if (is_kw("count") && is_sym("(", 1) && is_sym("*", 2) && is_sym(")", 3)) {
    for (int i = 0; i < 4; ++i)
      advance();
    out.what = selector::kind::star;
    out.name = "count";
    return true;
  }
  if ((is_kw("writetime") || is_kw("ttl")) && is_sym("(", 1)) {
    out.what = selector::kind::function;
    out.name = to_lower(peek().text);
    advance();
    advance();
    selector column;
    if (!parse_name(name_rule::column, column.name)) return false;
    out.args.push_back(std::move(column));
    return expect_sym(")");
  }
  if (is_kw("cast") && is_sym("(", 1)) {
    advance();
    advance();
    out.what = selector::kind::cast;
    selector inner;
    type_expr type;
    if (!parse_selector(inner) || !expect_kw("as") || !parse_native_type(type)) return false;
    out.args.push_back(std::move(inner));
    out.cast_type.push_back(std::move(type));
    return expect_sym(")");
  }
  if (at_function_call()) {
    out.what = selector::kind::function;
    if (!parse_function_name(out.name) || !expect_sym("(")) return false;
    if (accept_sym(")")) return true;
    do {
      selector arg;
      if (!parse_selector(arg)) return false;
      out.args.push_back(std::move(arg));
    } while (accept_sym(","));
    return expect_sym(")");
  }
  if (at_name(name_rule::ident)) {
    out.what = selector::kind::column;
    out.name = peek().name();
    advance();
    return true;
  }
  if (at_simple_term_start() || is_kw("null")) {
    out.what = selector::kind::term;
    out.literal.emplace_back();
    return parse_term(out.literal.back());
  }
  return fail_no_viable();
}

// --- INSERT ---

bool parser::parse_insert(insert_stmt& out) {
  advance();
  if (!expect_kw("into") || !parse_table_name(out.table)) return false;
  if (accept_sym("(")) {
    do {
      out.columns.emplace_back();
      if (!parse_name(name_rule::column, out.columns.back())) return false;
    } while (accept_sym(","));
    if (!expect_sym(")") || !expect_kw("values") || !expect_sym("(")) return false;
    do {
      out.values.emplace_back();
      if (!parse_term(out.values.back())) return false;
    } while (accept_sym(","));
    if (!expect_sym(")")) return false;
  } else if (accept_kw("json")) {
    term value;
    if (peek().kind == cql::token_kind::string) {
      value.kind = term_kind::string;
      value.text = peek().text;
      advance();
    } else if (at_marker()) {
      if (!parse_marker(value)) return false;
    } else {
      return fail_no_viable();
    }
    out.json = std::move(value);
    if (accept_kw("default")) {
      if (accept_kw("unset")) {
        out.json_default_unset = true;
      } else if (!accept_kw("null")) {
        return fail_no_viable();
      }
    }
  } else {
    return fail_no_viable();
  }
  if (accept_kw("if")) {
    if (!expect_kw("not") || !expect_kw("exists")) return false;
    out.if_not_exists = true;
  }
  return !is_kw("using") || parse_using(out.using_);
}

bool parser::parse_using(using_clause& out) {
  advance();
  do {
    if (accept_kw("timestamp")) {
      if (!parse_int_value(out.timestamp)) return false;
    } else if (accept_kw("ttl")) {
      if (!parse_int_value(out.ttl)) return false;
    } else {
      return fail_no_viable();
    }
  } while (accept_kw("and"));
  return true;
}

// IF EXISTS | IF conditions; `exists` is also a column name.
bool parser::parse_if_clause(bool& if_exists, std::vector<condition>& conditions) {
  if (!accept_kw("if")) return true;
  if (is_kw("exists")) {
    const bool condition_follows = at_relation_op(1) || is_sym("[", 1) || is_sym(".", 1) ||
                                   is_kw("in", 1) || is_kw("contains", 1);
    if (!condition_follows) {
      advance();
      if_exists = true;
      return true;
    }
  }
  return parse_conditions(conditions);
}

// --- UPDATE ---

bool parser::parse_update(update_stmt& out) {
  advance();
  if (!parse_table_name(out.table)) return false;
  if (is_kw("using") && !parse_using(out.using_)) return false;
  if (!expect_kw("set")) return false;
  do {
    if (!parse_assignment(out.assignments)) return false;
  } while (accept_sym(","));
  return expect_kw("where") && parse_where(out.where) &&
         parse_if_clause(out.if_exists, out.conditions);
}

bool parser::parse_assignment(std::vector<assignment>& out) {
  using op = assignment::op;
  assignment a;
  if (!parse_name(name_rule::column, a.column)) return false;
  if (accept_sym("=")) {
    if (at_name(name_rule::column) && !at_function_call()) {
      // c = c + v, c = c - v, and c = c -1 (lexed as c, -1) in Parser.g's
      // normalColumnOperation.
      const std::string other = peek().name();
      advance();
      const cql::token& t = peek();
      if (t.is_punctuation("+") || t.is_punctuation("-")) {
        const std::string sign = t.text;
        advance();
        if (!parse_term(a.value)) return false;
        if (other != a.column) {
          return fail_message("Only expressions of the form X = X " + sign +
                              "<value> are supported.");
        }
        a.kind = sign == "+" ? op::add : op::subtract;
      } else if (t.kind == cql::token_kind::integer) {
        const bool negative = t.text.starts_with('-');
        if (other != a.column) {
          return fail_message(std::string("Only expressions of the form X = X ") +
                              (negative ? '-' : '+') + " <value> are supported.");
        }
        a.kind = negative ? op::subtract : op::add;
        a.value.kind = term_kind::integer;
        a.value.text = negative ? t.text.substr(1) : t.text;
        advance();
      } else {
        return fail_no_viable();
      }
    } else {
      if (!parse_term(a.value)) return false;
      if (is_sym("+") && at_name(name_rule::column, 1)) {
        advance();
        if (peek().name() != a.column) {
          return fail_message("Only expressions of the form X = <value> + X are supported.");
        }
        advance();
        a.kind = op::prepend;
      }
    }
  } else if (is_sym("+=") || is_sym("-=")) {
    a.kind = is_sym("+=") ? op::add : op::subtract;
    advance();
    if (!parse_term(a.value)) return false;
  } else if (accept_sym("[")) {
    a.kind = op::set_element;
    term key;
    if (!parse_term(key) || !expect_sym("]") || !expect_sym("=") || !parse_term(a.value)) {
      return false;
    }
    a.key = std::move(key);
  } else if (accept_sym(".")) {
    a.kind = op::set_field;
    if (!parse_name(name_rule::ident, a.field) || !expect_sym("=") || !parse_term(a.value)) {
      return false;
    }
  } else {
    return fail_no_viable();
  }
  for (const assignment& earlier : out) {
    if (earlier.column == a.column && !compatible(earlier, a)) {
      return fail_message("Multiple incompatible setting of column " + a.column);
    }
  }
  out.push_back(std::move(a));
  return true;
}

// --- DELETE ---

bool parser::parse_delete(delete_stmt& out) {
  advance();
  if (at_name(name_rule::column)) {
    do {
      deletion d;
      if (!parse_name(name_rule::column, d.column)) return false;
      if (accept_sym("[")) {
        term element;
        if (!parse_term(element) || !expect_sym("]")) return false;
        d.element = std::move(element);
      } else if (accept_sym(".")) {
        if (!parse_name(name_rule::ident, d.field)) return false;
      }
      out.columns.push_back(std::move(d));
    } while (accept_sym(","));
  }
  if (!expect_kw("from") || !parse_table_name(out.table)) return false;
  if (accept_kw("using")) {
    if (!expect_kw("timestamp") || !parse_int_value(out.using_.timestamp)) return false;
  }
  return expect_kw("where") && parse_where(out.where) &&
         parse_if_clause(out.if_exists, out.conditions);
}

// --- BATCH ---

bool parser::parse_batch(statement& out) {
  advance();
  batch_stmt b;
  if (accept_kw("unlogged")) {
    b.type = protocol::batch_type::unlogged;
  } else if (accept_kw("counter")) {
    b.type = protocol::batch_type::counter;
  }
  if (!expect_kw("batch")) return false;
  if (is_kw("using") && !parse_using(b.using_)) return false;
  for (;;) {
    if (is_kw("insert")) {
      insert_stmt s;
      if (!parse_insert(s)) return false;
      b.statements.emplace_back(std::move(s));
    } else if (is_kw("update")) {
      update_stmt s;
      if (!parse_update(s)) return false;
      b.statements.emplace_back(std::move(s));
    } else if (is_kw("delete")) {
      delete_stmt s;
      if (!parse_delete(s)) return false;
      b.statements.emplace_back(std::move(s));
    } else {
      break;
    }
    accept_sym(";");
  }
  if (!expect_kw("apply") || !expect_kw("batch")) return false;
  out = std::move(b);
  return true;
}

}  // namespace cqlshift::sim::parser_detail
