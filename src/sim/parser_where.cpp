// WHERE relations (Parser.g relation) and IF conditions (columnCondition).

#include "parser_impl.hpp"

#include <utility>

namespace cqlshift::sim::parser_detail {

bool parser::parse_where(std::vector<relation>& out) {
  for (;;) {
    relation r;
    if (!parse_relation(r)) return false;
    out.push_back(std::move(r));
    if (!accept_kw("and")) return true;
  }
}

bool parser::at_relation_op(std::size_t ahead) const noexcept {
  const cql::token& t = peek(ahead);
  if (t.kind != cql::token_kind::punctuation) return false;
  return t.text == "=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=" ||
         t.text == "!=";
}

bool parser::parse_relation_op(relation_op& out) {
  if (!at_relation_op()) return fail_no_viable();
  const std::string& s = peek().text;
  if (s == "=") {
    out = relation_op::eq;
  } else if (s == "<") {
    out = relation_op::lt;
  } else if (s == "<=") {
    out = relation_op::le;
  } else if (s == ">") {
    out = relation_op::gt;
  } else if (s == ">=") {
    out = relation_op::ge;
  } else {
    out = relation_op::neq;
  }
  advance();
  return true;
}

bool parser::parse_relation(relation& out) {
  nesting guard(depth_);
  if (!guard.ok()) return fail_too_deep();
  if (is_kw("token") && is_sym("(", 1)) {
    advance();
    out.target = relation_target::token;
    return parse_identifier_tuple(out.columns) && parse_relation_op(out.op) &&
           parse_term(out.value);
  }
  if (is_sym("(")) {
    // (c1, c2) op ... and (c) op ... are multi-column; anything else is '(' relation ')'.
    if (at_name(name_rule::column, 1) && (is_sym(",", 2) || is_sym(")", 2))) {
      return parse_tuple_relation(out);
    }
    advance();
    return parse_relation(out) && expect_sym(")");
  }
  return parse_column_relation(out);
}

bool parser::parse_column_relation(relation& out) {
  out.target = relation_target::column;
  out.columns.emplace_back();
  if (!parse_name(name_rule::column, out.columns.back())) return false;
  if (accept_sym("[")) {
    out.target = relation_target::map_element;
    term key;
    if (!parse_term(key) || !expect_sym("]")) return false;
    out.key = std::move(key);
    return parse_relation_op(out.op) && parse_term(out.value);
  }
  if (at_relation_op()) return parse_relation_op(out.op) && parse_term(out.value);
  if (accept_kw("like")) {
    out.op = relation_op::like;
    return parse_term(out.value);
  }
  if (accept_kw("is")) {
    out.op = relation_op::is_not_null;
    out.value = term{};
    return expect_kw("not") && expect_kw("null");
  }
  if (accept_kw("in")) {
    out.op = relation_op::in;
    return parse_in_values(out.value, out.in_values, out.in_list);
  }
  if (accept_kw("contains")) {
    out.op = accept_kw("key") ? relation_op::contains_key : relation_op::contains;
    return parse_term(out.value);
  }
  return fail_no_viable();
}

// (c1, c2) = (v1, v2) | = marker | IN ((..), (..)) | IN (marker, ...) | IN () | IN marker
bool parser::parse_tuple_relation(relation& out) {
  out.target = relation_target::tuple;
  if (!parse_identifier_tuple(out.columns)) return false;
  if (accept_kw("in")) {
    out.op = relation_op::in;
    if (at_marker()) return parse_marker(out.value);
    if (!is_sym("(")) return fail_no_viable();
    advance();
    out.in_list = true;
    if (accept_sym(")")) return true;
    const bool markers = at_marker();
    if (!markers && !is_sym("(")) return fail_no_viable();
    for (;;) {
      term item;
      if (!(markers ? parse_marker(item) : parse_tuple_literal(item))) return false;
      out.in_values.push_back(std::move(item));
      if (!accept_sym(",")) break;
    }
    return expect_sym(")");
  }
  if (!at_relation_op()) return fail_no_viable();
  if (!parse_relation_op(out.op)) return false;
  if (is_sym("(")) return parse_tuple_literal(out.value);
  if (at_marker()) return parse_marker(out.value);
  return fail_no_viable();
}

// singleColumnInValues: '(' terms? ')' or one marker for the whole list.
bool parser::parse_in_values(term& value, std::vector<term>& values, bool& in_list) {
  if (at_marker()) return parse_marker(value);
  if (!is_sym("(")) return fail_no_viable();
  advance();
  in_list = true;
  if (accept_sym(")")) return true;
  for (;;) {
    term item;
    if (!parse_term(item)) return false;
    values.push_back(std::move(item));
    if (!accept_sym(",")) break;
  }
  return expect_sym(")");
}

bool parser::parse_identifier_tuple(std::vector<std::string>& out) {
  if (!expect_sym("(")) return false;
  for (;;) {
    std::string name;
    if (!parse_name(name_rule::column, name)) return false;
    out.push_back(std::move(name));
    if (!accept_sym(",")) break;
  }
  return expect_sym(")");
}

bool parser::parse_conditions(std::vector<condition>& out) {
  for (;;) {
    condition c;
    if (!parse_condition(c)) return false;
    out.push_back(std::move(c));
    if (!accept_kw("and")) return true;
  }
}

bool parser::parse_condition(condition& out) {
  if (!parse_name(name_rule::column, out.column)) return false;
  if (accept_sym("[")) {
    term element;
    if (!parse_term(element) || !expect_sym("]")) return false;
    out.element = std::move(element);
  } else if (accept_sym(".")) {
    if (!parse_name(name_rule::ident, out.field)) return false;
  } else if (accept_kw("contains")) {
    out.op = accept_kw("key") ? relation_op::contains_key : relation_op::contains;
    return parse_term(out.value);
  }
  return parse_condition_tail(out);
}

bool parser::parse_condition_tail(condition& out) {
  if (at_relation_op()) return parse_relation_op(out.op) && parse_term(out.value);
  if (accept_kw("in")) {
    out.op = relation_op::in;
    return parse_in_values(out.value, out.in_values, out.in_list);
  }
  return fail_no_viable();
}

}  // namespace cqlshift::sim::parser_detail
