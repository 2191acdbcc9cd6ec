#include "cqlshift/sim/parser.hpp"

#include "parser_impl.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

namespace cqlshift::sim {

namespace parser_detail {

namespace {

// Lexer.g keywords that Parser.g's unreserved_keyword rule does not list, sorted: these can
// never be unquoted names. (KEY, KEYSPACES, DEFAULT, UNSET, REPLACE, MBEAN(S) are unreserved
// in 4.x's grammar, whatever the documentation's table says: drivers query system.local's
// `key` column unquoted.)
constexpr std::string_view reserved_words[] = {
    "add",      "allow",    "alter",        "and",          "apply",  "asc",         "authorize",
    "batch",    "begin",    "by",           "columnfamily", "create", "delete",      "desc",
    "describe", "drop",     "entries",      "execute",      "from",   "full",        "grant",
    "if",       "in",       "index",        "infinity",     "insert", "into",        "is",
    "keyspace", "limit",    "materialized", "modify",       "nan",    "norecursive", "not",
    "null",     "of",       "on",           "or",           "order",  "primary",     "rename",
    "revoke",   "schema",   "select",       "set",          "table",  "to",          "token",
    "truncate", "unlogged", "update",       "use",          "using",  "view",        "where",
    "with"};

constexpr std::string_view native_types[] = {
    "ascii",  "bigint",    "blob",     "boolean", "counter", "date",     "decimal",
    "double", "duration",  "float",    "inet",    "int",     "smallint", "text",
    "time",   "timestamp", "timeuuid", "tinyint", "uuid",    "varchar",  "varint"};

// unreserved_keyword minus unreserved_function_keyword: names of columns, not of functions
// nor user types.
constexpr std::string_view column_only_keywords[] = {
    "cast", "count", "distinct", "json", "key", "maxwritetime", "ttl", "writetime"};

// Parser.g reservedTypeNames, compared as written.
constexpr std::string_view reserved_type_names[] = {"byte",     "complex", "enum",     "date",
                                                    "interval", "macaddr", "bitstring"};

template <std::size_t N>
bool contains(const std::string_view (&words)[N], std::string_view w) noexcept {
  return std::find(std::begin(words), std::end(words), w) != std::end(words);
}

}  // namespace

bool is_reserved(std::string_view lower_word) noexcept {
  return contains(reserved_words, lower_word);
}

bool is_native_type(std::string_view lower_word) noexcept {
  return contains(native_types, lower_word);
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

parser::parser(std::string_view cql, std::vector<cql::token> tokens,
               std::optional<cql::lex_error> lex_failure)
    : cql_(cql), lex_failure_(lex_failure) {
  layout_.reserve(tokens.size());
  tokens_.reserve(tokens.size());
  for (cql::token& t : tokens) {
    layout_.push_back({t.offset, t.length, t.kind == cql::token_kind::end});
    if (t.kind != cql::token_kind::comment) tokens_.push_back(std::move(t));
  }
  if (tokens_.empty() || tokens_.back().kind != cql::token_kind::end) {
    tokens_.push_back(cql::token{cql::token_kind::end, cql.size(), 0, {}});
  }
}

sim_result<parsed_statement> parser::run() {
  statement stmt;
  bool ok = parse_statement(stmt);
  if (ok) {
    while (accept_sym(";")) {
    }
    if (!at_end()) ok = fail_mismatched("EOF");
  }
  if (!ok) {
    if (!error_) fail_no_viable();  // not reached: every failure records its error
    return final_error();
  }
  if (lex_failure_) return syntax_error(lex_error_message());
  return parsed_statement{std::move(stmt), std::move(markers_)};
}

// --- cursor ---

const cql::token& parser::peek(std::size_t ahead) const noexcept {
  const std::size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
  return tokens_[i];
}

void parser::advance() noexcept {
  if (pos_ + 1 < tokens_.size()) ++pos_;
}

bool parser::at_end(std::size_t ahead) const noexcept {
  return peek(ahead).kind == cql::token_kind::end;
}

bool parser::is_kw(std::string_view lower_word, std::size_t ahead) const noexcept {
  return peek(ahead).is_keyword(lower_word);
}

bool parser::is_sym(std::string_view symbol, std::size_t ahead) const noexcept {
  return peek(ahead).is_punctuation(symbol);
}

bool parser::accept_kw(std::string_view lower_word) {
  if (!is_kw(lower_word)) return false;
  advance();
  return true;
}

bool parser::accept_sym(std::string_view symbol) {
  if (!is_sym(symbol)) return false;
  advance();
  return true;
}

bool parser::expect_kw(std::string_view lower_word) {
  if (accept_kw(lower_word)) return true;
  // ANTLR token names: K_ and the keyword, TABLE being a spelling of K_COLUMNFAMILY.
  std::string name = lower_word == "table" ? "COLUMNFAMILY" : std::string(lower_word);
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return fail_mismatched("K_" + name);
}

bool parser::expect_sym(std::string_view symbol) {
  if (accept_sym(symbol)) return true;
  return fail_mismatched("'" + std::string(symbol) + "'");
}

void parser::restore(const mark& m) {
  pos_ = m.pos;
  markers_.resize(m.markers);
  error_.reset();
}

// --- names ---

bool parser::at_name(name_rule rule, std::size_t ahead) const noexcept {
  const cql::token& t = peek(ahead);
  if (t.kind == cql::token_kind::quoted_identifier) {
    return !t.text.empty() || rule == name_rule::column;
  }
  if (t.kind != cql::token_kind::identifier) return false;
  const std::string word = to_lower(t.text);
  if (word == "true" || word == "false") return false;  // BOOLEAN, not IDENT
  if (rule == name_rule::function && word == "token") return true;
  if (is_reserved(word)) return false;
  switch (rule) {
    case name_rule::column:
    case name_rule::ident:
      return true;
    case name_rule::type:
      return !contains(native_types, word) &&
             (word == "key" || !contains(column_only_keywords, word));
    case name_rule::function:
      return word == "count" || !contains(column_only_keywords, word);
  }
  return false;
}

bool parser::parse_name(name_rule rule, std::string& out) {
  if (!at_name(rule)) return fail_no_viable();
  out = peek().name();
  advance();
  return true;
}

bool parser::parse_keyspace_name(std::string& out) {
  if (peek().kind == cql::token_kind::positional_marker) {
    return fail_message("Bind variables cannot be used for keyspace names");
  }
  return parse_name(name_rule::ident, out);
}

bool parser::parse_table_name(qualified_name& out) {
  out = {};
  if (is_sym(".", 1)) {
    if (!parse_keyspace_name(out.keyspace)) return false;
    advance();
  }
  if (peek().kind == cql::token_kind::positional_marker) {
    return fail_message("Bind variables cannot be used for table names");
  }
  return parse_name(name_rule::ident, out.name);
}

bool parser::parse_type_name(qualified_name& out) {
  out = {};
  if (at_name(name_rule::ident) && is_sym(".", 1)) {
    out.keyspace = peek().name();
    advance();
    advance();
  }
  const cql::token& t = peek();
  if (t.kind == cql::token_kind::identifier && contains(reserved_type_names, t.text)) {
    return fail_message("Invalid (reserved) user type name " + t.text);
  }
  return parse_name(name_rule::type, out.name);
}

bool parser::at_function_call() const noexcept {
  if (at_name(name_rule::function) && is_sym("(", 1)) return true;
  return at_name(name_rule::ident) && is_sym(".", 1) && at_name(name_rule::function, 2) &&
         is_sym("(", 3);
}

// The name in lower case (as written when quoted), "ks.name" when qualified, except that
// system.f is just f: every native function lives in the system keyspace.
bool parser::parse_function_name(std::string& out) {
  out.clear();
  if (is_sym(".", 1)) {
    if (!parse_name(name_rule::ident, out)) return false;
    advance();
    if (out == "system") {
      out.clear();
    } else {
      out += '.';
    }
  }
  if (!at_name(name_rule::function)) return fail_no_viable();
  out += peek().name();
  advance();
  return true;
}

// --- statements ---

bool parser::parse_statement(statement& out) {
  const auto into = [&out](auto&& s) {
    out = std::forward<decltype(s)>(s);
    return true;
  };
  if (is_kw("select")) return parse_select(out);
  if (is_kw("insert")) {
    insert_stmt s;
    return parse_insert(s) && into(std::move(s));
  }
  if (is_kw("update")) {
    update_stmt s;
    return parse_update(s) && into(std::move(s));
  }
  if (is_kw("delete")) {
    delete_stmt s;
    return parse_delete(s) && into(std::move(s));
  }
  if (is_kw("begin")) return parse_batch(out);
  if (is_kw("use")) return parse_use(out);
  if (is_kw("truncate")) return parse_truncate(out);
  if (is_kw("create")) return parse_create(out);
  if (is_kw("alter")) return parse_alter(out);
  if (is_kw("drop")) return parse_drop(out);
  if (is_kw("grant")) return parse_unsupported("GRANT", out);
  if (is_kw("revoke")) return parse_unsupported("REVOKE", out);
  if (is_kw("describe") || is_kw("desc")) return parse_unsupported("DESCRIBE", out);
  if (is_kw("list")) {
    if (is_kw("roles", 1)) return parse_unsupported("LIST ROLES", out);
    if (is_kw("users", 1)) return parse_unsupported("LIST USERS", out);
    static constexpr std::array<std::string_view, 9> permissions = {
        "all", "create", "alter", "drop", "select", "modify", "authorize", "describe", "execute"};
    for (std::string_view p : permissions) {
      if (is_kw(p, 1)) return parse_unsupported("LIST PERMISSIONS", out);
    }
    advance();
    return fail_no_viable();
  }
  return fail_no_viable();
}

// Statements cqlsim recognises but does not run: their remaining text is not checked.
bool parser::parse_unsupported(std::string what, statement& out) {
  while (!at_end())
    advance();
  out = unsupported_stmt{std::move(what)};
  return true;
}

}  // namespace parser_detail

sim_result<parsed_statement> parse(std::string_view cql) {
  cql::lexer lex(cql, {.keep_comments = true});
  std::vector<cql::token> tokens;
  std::optional<cql::lex_error> failure;
  for (;;) {
    auto t = lex.next();
    if (!t) {
      failure = t.error();
      tokens.push_back(cql::token{cql::token_kind::end, t.error().offset, 0, {}});
      break;
    }
    const bool last = t->kind == cql::token_kind::end;
    tokens.push_back(std::move(*t));
    if (last) break;
  }
  parser_detail::parser p(cql, std::move(tokens), failure);
  return p.run();
}

}  // namespace cqlshift::sim
