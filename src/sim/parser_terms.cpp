// Terms, bind markers and types: Parser.g's term/value/constant/marker and comparatorType
// rules. Arithmetic between terms (4.0's termAddition) is not read: the AST has no operators.

#include "parser_impl.hpp"

#include <utility>

namespace cqlshift::sim::parser_detail {

namespace {

using cql::token_kind;

term make_term(term_kind kind, std::string text) {
  term t;
  t.kind = kind;
  t.text = std::move(text);
  return t;
}

bool is_native(const type_expr& t) {
  return !t.custom && t.params.empty() && t.keyspace.empty() && is_native_type(t.name);
}

}  // namespace

bool parser::at_constant() const noexcept {
  const cql::token& t = peek();
  switch (t.kind) {
    case token_kind::string:
    case token_kind::integer:
    case token_kind::floating:
    case token_kind::uuid:
    case token_kind::hex_blob:
    case token_kind::duration:
      return true;
    case token_kind::identifier:
      return is_kw("true") || is_kw("false") || is_kw("nan") || is_kw("infinity");
    case token_kind::punctuation:
      // Lexer.g's K_NEGATIVE_NAN and K_NEGATIVE_INFINITY: '-' written directly before.
      return t.text == "-" && (is_kw("nan", 1) || is_kw("infinity", 1)) &&
             peek(1).offset == t.offset + 1;
    default:
      return false;
  }
}

bool parser::parse_constant(term& out) {
  const cql::token& t = peek();
  switch (t.kind) {
    case token_kind::string:
      out = make_term(term_kind::string, t.text);
      break;
    case token_kind::integer:
      out = make_term(term_kind::integer, t.text);
      break;
    case token_kind::floating:
      out = make_term(term_kind::floating, t.text);
      break;
    case token_kind::uuid:
      out = make_term(term_kind::uuid, t.text);
      break;
    case token_kind::hex_blob:
      out = make_term(term_kind::blob, t.text);
      break;
    case token_kind::duration:
      out = make_term(term_kind::duration, t.text);
      break;
    case token_kind::identifier:
      if (is_kw("true") || is_kw("false")) {
        out = make_term(term_kind::boolean, to_lower(t.text));
      } else if (is_kw("nan")) {
        out = make_term(term_kind::floating, "NaN");
      } else if (is_kw("infinity")) {
        out = make_term(term_kind::floating, "Infinity");
      } else {
        return fail_no_viable();
      }
      break;
    case token_kind::punctuation:
      if (!at_constant()) return fail_no_viable();
      advance();
      out = make_term(term_kind::floating, is_kw("nan") ? "-NaN" : "-Infinity");
      break;
    default:
      return fail_no_viable();
  }
  advance();
  return true;
}

bool parser::at_marker(std::size_t ahead) const noexcept {
  const cql::token& t = peek(ahead);
  if (t.kind == token_kind::positional_marker || t.kind == token_kind::named_marker) return true;
  return t.is_punctuation(":") && at_name(name_rule::ident, ahead + 1);
}

bool parser::parse_marker(term& out) {
  const cql::token& t = peek();
  std::string name;
  if (t.kind == token_kind::named_marker) {
    // ':' noncol_ident: an unquoted reserved word is no name.
    const std::string word = to_lower(t.text);
    if (!t.quoted && (is_reserved(word) || word == "true" || word == "false")) {
      return fail_no_viable();
    }
    name = t.name();
  } else if (t.is_punctuation(":")) {
    if (!at_name(name_rule::ident, 1)) return fail_no_viable(pos_ + 1);
    advance();
    name = peek().name();
  } else if (t.kind != token_kind::positional_marker) {
    return fail_no_viable();
  }
  advance();
  out = make_term(term_kind::marker, name);
  out.marker = static_cast<int>(markers_.size());
  markers_.push_back(std::move(name));
  return true;
}

bool parser::at_simple_term_start() const noexcept {
  const cql::token& t = peek();
  switch (t.kind) {
    case token_kind::string:
    case token_kind::integer:
    case token_kind::floating:
    case token_kind::uuid:
    case token_kind::hex_blob:
    case token_kind::duration:
    case token_kind::positional_marker:
    case token_kind::named_marker:
      return true;
    case token_kind::identifier:
      return at_constant() || is_kw("null") || (is_kw("cast") && is_sym("(", 1)) ||
             at_function_call();
    case token_kind::quoted_identifier:
      return at_function_call();
    case token_kind::punctuation:
      return t.text == "[" || t.text == "{" || t.text == "(" || at_marker() || at_constant();
    default:
      return false;
  }
}

bool parser::parse_term(term& out) {
  nesting guard(depth_);
  if (!guard.ok()) return fail_too_deep();
  const cql::token& t = peek();
  switch (t.kind) {
    case token_kind::string:
    case token_kind::integer:
    case token_kind::floating:
    case token_kind::uuid:
    case token_kind::hex_blob:
    case token_kind::duration:
      return parse_constant(out);
    case token_kind::positional_marker:
    case token_kind::named_marker:
      return parse_marker(out);
    case token_kind::identifier:
      if (is_kw("null")) {
        advance();
        out = term{};
        return true;
      }
      if (at_constant()) return parse_constant(out);
      if (is_kw("cast") && is_sym("(", 1)) return parse_cast_function_term(out);
      if (at_function_call()) return parse_function_term(out);
      return fail_no_viable();
    case token_kind::quoted_identifier:
      if (at_function_call()) return parse_function_term(out);
      return fail_no_viable();
    case token_kind::punctuation:
      if (t.text == "[") return parse_list_literal(out);
      if (t.text == "{") return parse_brace_literal(out);
      if (t.text == "(") return parse_paren_term(out);
      if (t.text == ":") return parse_marker(out);
      if (t.text == "-") return at_constant() ? parse_constant(out) : parse_term_after_minus(out);
      return fail_no_viable();
    default:
      return fail_no_viable();
  }
}

// '-' then a number, a duration, NaN or Infinity (written apart from the '-'); the negation of
// anything else (a marker, a function, a parenthesised term) has no AST form.
bool parser::parse_term_after_minus(term& out) {
  advance();
  const cql::token& t = peek();
  const auto negated = [](const std::string& text) {
    return text.starts_with('-') ? text.substr(1) : "-" + text;
  };
  switch (t.kind) {
    case token_kind::integer:
      out = make_term(term_kind::integer, negated(t.text));
      break;
    case token_kind::floating:
      out = make_term(term_kind::floating, negated(t.text));
      break;
    case token_kind::duration:
      out = make_term(term_kind::duration, negated(t.text));
      break;
    case token_kind::identifier:
      if (!is_kw("nan") && !is_kw("infinity")) return fail_no_viable();
      out = make_term(term_kind::floating, is_kw("nan") ? "-NaN" : "-Infinity");
      break;
    default:
      return fail_no_viable();
  }
  advance();
  return true;
}

bool parser::parse_function_term(term& out) {
  std::string name;
  if (!parse_function_name(name)) return false;
  out = make_term(term_kind::function, std::move(name));
  if (!expect_sym("(")) return false;
  if (accept_sym(")")) return true;
  for (;;) {
    term arg;
    if (!parse_term(arg)) return false;
    out.items.push_back(std::move(arg));
    if (!accept_sym(",")) break;
  }
  return expect_sym(")");
}

// CAST(term AS native_type) as a term: the function "cast" with its target type.
bool parser::parse_cast_function_term(term& out) {
  advance();
  advance();
  term operand;
  type_expr type;
  if (!parse_term(operand) || !expect_kw("as") || !parse_native_type(type)) return false;
  out = make_term(term_kind::function, "cast");
  out.items.push_back(std::move(operand));
  out.cast_type.push_back(std::move(type));
  return expect_sym(")");
}

bool parser::parse_list_literal(term& out) {
  advance();
  out = make_term(term_kind::list, {});
  if (accept_sym("]")) return true;
  for (;;) {
    term item;
    if (!parse_term(item)) return false;
    out.items.push_back(std::move(item));
    if (!accept_sym(",")) break;
  }
  return expect_sym("]");
}

// '{' after which: '}' (the empty map), name ':' (a UDT literal), term ':' (a map) or term (a
// set).
bool parser::parse_brace_literal(term& out) {
  advance();
  if (accept_sym("}")) {
    out = make_term(term_kind::map, {});
    return true;
  }
  if (at_name(name_rule::ident) && is_sym(":", 1)) {
    out = make_term(term_kind::udt, {});
    for (;;) {
      std::string field;
      term value;
      if (!parse_name(name_rule::ident, field) || !expect_sym(":") || !parse_term(value)) {
        return false;
      }
      // Cassandra keeps the fields in a map: a repeated field keeps its last value.
      bool replaced = false;
      for (std::size_t i = 0; i < out.field_names.size() && !replaced; ++i) {
        if (out.field_names[i] == field) {
          out.items[i] = std::move(value);
          replaced = true;
        }
      }
      if (!replaced) {
        out.field_names.push_back(std::move(field));
        out.items.push_back(std::move(value));
      }
      if (!accept_sym(",")) break;
    }
    return expect_sym("}");
  }
  term first;
  if (!parse_term(first)) return false;
  if (accept_sym(":")) {
    out = make_term(term_kind::map, {});
    term value;
    if (!parse_term(value)) return false;
    out.items.push_back(std::move(first));
    out.items.push_back(std::move(value));
    while (accept_sym(",")) {
      term key;
      if (!parse_term(key) || !expect_sym(":") || !parse_term(value)) return false;
      out.items.push_back(std::move(key));
      out.items.push_back(std::move(value));
    }
    return expect_sym("}");
  }
  out = make_term(term_kind::set, {});
  out.items.push_back(std::move(first));
  while (accept_sym(",")) {
    term item;
    if (!parse_term(item)) return false;
    out.items.push_back(std::move(item));
  }
  return expect_sym("}");
}

// '(' type ')' simpleTerm is a cast, anything else in parentheses a tuple literal.
bool parser::parse_paren_term(term& out) {
  const mark before = save();
  advance();
  type_expr type;
  if (parse_type(type) && accept_sym(")") && at_simple_term_start()) {
    term operand;
    if (!parse_term(operand)) return false;
    out = make_term(term_kind::cast, {});
    out.cast_type.push_back(std::move(type));
    out.items.push_back(std::move(operand));
    return true;
  }
  restore(before);
  return parse_tuple_literal(out);
}

bool parser::parse_tuple_literal(term& out) {
  if (!expect_sym("(")) return false;
  out = make_term(term_kind::tuple, {});
  for (;;) {
    term item;
    if (!parse_term(item)) return false;
    out.items.push_back(std::move(item));
    if (!accept_sym(",")) break;
  }
  return expect_sym(")");
}

bool parser::parse_int_value(std::optional<term>& out) {
  if (peek().kind == token_kind::integer) {
    out = make_term(term_kind::integer, peek().text);
    advance();
    return true;
  }
  if (!at_marker()) return fail_no_viable();
  term marker;
  if (!parse_marker(marker)) return false;
  out = std::move(marker);
  return true;
}

// --- types ---

bool parser::at_native_type(std::size_t ahead) const noexcept {
  const cql::token& t = peek(ahead);
  return t.kind == token_kind::identifier && is_native_type(to_lower(t.text));
}

bool parser::parse_native_type(type_expr& out) {
  if (!at_native_type()) return fail_no_viable();
  out = {};
  out.name = to_lower(peek().text);
  advance();
  return true;
}

bool parser::parse_type(type_expr& out) {
  nesting guard(depth_);
  if (!guard.ok()) return fail_too_deep();
  out = {};
  const cql::token& t = peek();
  if (t.kind == token_kind::string) {
    out.name = t.text;
    out.custom = true;
    advance();
    return true;
  }
  if (is_kw("frozen") && is_sym("<", 1)) {
    advance();
    advance();
    if (!parse_type(out) || !expect_sym(">")) return false;
    if (is_native(out) || out.custom) {
      const std::string shown = out.custom ? "'" + out.name + "'" : out.name;
      return fail_message(
          "frozen<> is only allowed on collections, tuples, and user-defined "
          "types (got " +
          shown + ")");
    }
    out.frozen = true;
    return true;
  }
  const bool collection = is_kw("map") || is_kw("list") || is_kw("set") || is_kw("tuple");
  if (collection && is_sym("<", 1)) {
    out.name = to_lower(t.text);
    advance();
    advance();
    // map<k, v>, list<t>, set<t>, tuple<t, ...>
    const bool variadic = out.name == "tuple";
    for (;;) {
      type_expr param;
      if (!parse_type(param)) return false;
      out.params.push_back(std::move(param));
      const bool more = variadic ? is_sym(",") : out.name == "map" && out.params.size() == 1;
      if (!more) break;
      if (!expect_sym(",")) return false;
    }
    return expect_sym(">");
  }
  if (at_native_type()) return parse_native_type(out);
  qualified_name name;
  if (!parse_type_name(name)) return false;
  out.name = std::move(name.name);
  out.keyspace = std::move(name.keyspace);
  return true;
}

}  // namespace cqlshift::sim::parser_detail
