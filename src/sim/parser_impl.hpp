#pragma once
// Private to the parser: a recursive-descent reader of the part of Cassandra's Parser.g
// (src/antlr/Parser.g, 4.x) that ast.hpp can hold. The files split it by area:
//   parser.cpp         entry point, token cursor, names, statement dispatch
//   parser_errors.cpp  Cassandra-shaped syntax error messages (ANTLR 3 wording + snippet)
//   parser_terms.cpp   terms, markers, types
//   parser_where.cpp   WHERE relations and IF conditions
//   parser_dml.cpp     SELECT, INSERT, UPDATE, DELETE, BATCH
//   parser_ddl.cpp     USE, TRUNCATE, keyspace/table/type DDL, properties, unsupported DDL
//
// Contract of every grammar function: it returns true after consuming its production, or false
// after recording the first error in error_ (later errors never replace it). Nothing throws
// except std::bad_alloc. Recursion is bounded by max_depth.

#include "cqlshift/cql/lexer.hpp"
#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/error.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::sim::parser_detail {

// Deepest nesting of terms, types, selectors and parenthesised relations. Cassandra has no
// such limit (its parser would overflow the stack); 64 is far beyond any real statement.
inline constexpr int max_depth = 64;

// Which names a position of the grammar accepts (Parser.g rules in brackets).
enum class name_rule : std::uint8_t {
  column,    // [cident]: a name, an unreserved keyword, or "" (the legacy empty name)
  ident,     // [ident, noncol_ident, fident, sident, ksName, cfName]: as column, without ""
  type,      // [non_type_ident]: no native type names nor ttl/count/writetime/cast/json/...
  function,  // [allowedFunctionName]: also token and count, but not ttl/writetime/key/...
};

bool is_reserved(std::string_view lower) noexcept;
bool is_native_type(std::string_view lower) noexcept;
std::string to_lower(std::string_view s);

class parser {
 public:
  // `tokens` is the lexer's output with comments, ending with an end token; when lexing failed
  // it ends where the lexer stopped, with `lex_failure` saying why.
  parser(std::string_view cql, std::vector<cql::token> tokens,
         std::optional<cql::lex_error> lex_failure);

  sim_result<parsed_statement> run();

 private:
  // --- cursor (parser.cpp) ---
  const cql::token& peek(std::size_t ahead = 0) const noexcept;
  void advance() noexcept;
  bool at_end(std::size_t ahead = 0) const noexcept;
  bool is_kw(std::string_view lower, std::size_t ahead = 0) const noexcept;
  bool is_sym(std::string_view symbol, std::size_t ahead = 0) const noexcept;
  bool accept_kw(std::string_view lower);
  bool accept_sym(std::string_view symbol);
  // Fails with "mismatched input 'X' expecting K_NAME" ('(' for symbols) when absent.
  bool expect_kw(std::string_view lower);
  bool expect_sym(std::string_view symbol);

  // Speculative parsing: a mark restores the position, the markers and clears the error.
  struct mark {
    std::size_t pos;
    std::size_t markers;
  };
  mark save() const noexcept { return {pos_, markers_.size()}; }
  void restore(const mark& m);

  // Nesting guard: construct, then check ok().
  class nesting {
   public:
    explicit nesting(int& depth) noexcept : depth_(depth) { ++depth_; }
    ~nesting() { --depth_; }
    nesting(const nesting&) = delete;
    nesting& operator=(const nesting&) = delete;
    bool ok() const noexcept { return depth_ <= max_depth; }

   private:
    int& depth_;
  };

  // --- names (parser.cpp) ---
  bool at_name(name_rule rule, std::size_t ahead = 0) const noexcept;
  bool parse_name(name_rule rule, std::string& out);
  bool parse_keyspace_name(std::string& out);
  bool parse_table_name(qualified_name& out);
  bool parse_type_name(qualified_name& out);
  // name '(' or ks '.' name '(' at the cursor.
  bool at_function_call() const noexcept;
  bool parse_function_name(std::string& out);

  // --- errors (parser_errors.cpp); each returns false ---
  bool fail_no_viable(std::size_t index);
  bool fail_no_viable() { return fail_no_viable(pos_); }
  bool fail_mismatched(std::string_view expecting);
  bool fail_message(std::string message);  // Parser.g addRecognitionError: no position
  bool fail_with(cql_error error);         // an error thrown by a grammar action, as is
  bool fail_too_deep();
  bool fail_at(std::size_t index, std::string body);
  cql_error final_error() const;
  std::string display(const cql::token& t) const;
  std::string header(std::size_t offset) const;
  std::string snippet(const cql::token& offending) const;
  std::string lex_error_message() const;

  // --- statements (parser.cpp) ---
  bool parse_statement(statement& out);
  bool parse_unsupported(std::string what, statement& out);

  // --- terms and types (parser_terms.cpp) ---
  bool parse_term(term& out);
  bool parse_term_after_minus(term& out);
  bool parse_constant(term& out);
  bool at_constant() const noexcept;
  bool at_marker(std::size_t ahead = 0) const noexcept;
  bool parse_marker(term& out);
  bool at_simple_term_start() const noexcept;
  bool parse_function_term(term& out);
  bool parse_cast_function_term(term& out);
  bool parse_list_literal(term& out);
  bool parse_brace_literal(term& out);
  bool parse_paren_term(term& out);
  bool parse_tuple_literal(term& out);
  bool parse_int_value(std::optional<term>& out);  // [intValue]: INTEGER or a marker
  bool parse_type(type_expr& out);
  bool parse_native_type(type_expr& out);
  bool at_native_type(std::size_t ahead = 0) const noexcept;

  // --- WHERE and IF (parser_where.cpp) ---
  bool parse_where(std::vector<relation>& out);
  bool parse_relation(relation& out);
  bool parse_column_relation(relation& out);
  bool parse_tuple_relation(relation& out);
  bool parse_relation_op(relation_op& out);
  bool at_relation_op(std::size_t ahead = 0) const noexcept;
  bool parse_in_values(term& value, std::vector<term>& values, bool& in_list);
  bool parse_identifier_tuple(std::vector<std::string>& out);
  bool parse_conditions(std::vector<condition>& out);
  bool parse_condition(condition& out);
  bool parse_condition_tail(condition& out);

  // --- DML (parser_dml.cpp) ---
  bool parse_select(statement& out);
  bool parse_select_clause(select_stmt& s);
  bool parse_selectors(select_stmt& s);
  bool parse_selection(selection& out);
  bool parse_selector(selector& out);
  bool parse_selector_primary(selector& out);
  bool parse_insert(insert_stmt& out);
  bool parse_update(update_stmt& out);
  bool parse_assignment(std::vector<assignment>& out);
  bool parse_delete(delete_stmt& out);
  bool parse_batch(statement& out);
  bool parse_using(using_clause& out);
  bool parse_if_clause(bool& if_exists, std::vector<condition>& conditions);

  // --- DDL (parser_ddl.cpp) ---
  bool parse_use(statement& out);
  bool parse_truncate(statement& out);
  bool parse_create(statement& out);
  bool parse_alter(statement& out);
  bool parse_drop(statement& out);
  bool parse_create_keyspace(statement& out);
  bool parse_create_table(statement& out);
  bool parse_table_element(create_table_stmt& t);
  bool parse_table_option(create_table_stmt& t);
  bool parse_create_type(statement& out);
  bool parse_alter_table(statement& out);
  bool parse_column_definition(column_definition& out, bool allow_primary_key);
  bool parse_properties(std::vector<property>& out);
  bool parse_property(std::vector<property>& out);
  bool parse_property_map(term& out);
  bool parse_if_exists(bool& out);
  bool parse_if_not_exists(bool& out);

  // Where each token of the text is, comments included: error snippets count them.
  struct token_span {
    std::size_t offset = 0;
    std::size_t length = 0;
    bool end = false;
  };

  std::string_view cql_;
  std::vector<token_span> layout_;
  std::vector<cql::token> tokens_;  // without comments, ending with an end token
  std::optional<cql::lex_error> lex_failure_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<std::string> markers_;

  // The first error. Its message is completed once, by final_error(): speculative parses fail
  // and are undone often, and a snippet costs a pass over the text.
  struct pending_error {
    static constexpr std::size_t no_token = static_cast<std::size_t>(-1);
    std::size_t token = no_token;  // positioned at this token: header and snippet to add
    bool lexer = false;            // the lexer's error stands instead
    cql_error error;
  };
  std::optional<pending_error> error_;
};

}  // namespace cqlshift::sim::parser_detail
