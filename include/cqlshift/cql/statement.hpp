#pragma once
// What the proxy needs to know about one CQL statement to route it (SPEC.md section 3): its
// kind, the table it names, the keyspace of a USE, and whether it is a lightweight
// transaction. Read from the lexer's tokens without a grammar.
//
// Safety contract: a statement that is not recognised is `other`, which the proxy sends to
// both clusters as a write. Only text that is certainly a SELECT is `select`: the first
// token is SELECT, a table follows FROM, nothing but ';' follows the statement, and the whole
// text lexes. Misreading a write as a read would send it to one cluster only, so every
// doubt resolves towards `other`.

#include <cstdint>
#include <string>
#include <string_view>

namespace cqlshift::cql {

enum class statement_kind : std::uint8_t {
  select,
  insert,
  update,
  delete_,
  batch,
  use,
  create,
  alter,
  drop,
  truncate,
  dcl,  // GRANT, REVOKE, LIST, CREATE/ALTER/DROP ROLE|USER, ADD/DROP IDENTITY
  other,
};

std::string_view to_string(statement_kind k) noexcept;

// Names as Cassandra stores them: unquoted names folded to lower case, "Quoted" ones verbatim
// with "" unescaped. keyspace is empty when the statement names none (the session's applies).
struct qualified_name {
  std::string keyspace;
  std::string table;

  bool operator==(const qualified_name&) const = default;
};

struct statement_info {
  statement_kind kind = statement_kind::other;
  // SELECT ... FROM t; INSERT INTO t; UPDATE t; DELETE ... FROM t; TRUNCATE [TABLE] t.
  // DDL: CREATE/ALTER/DROP KEYSPACE gives the keyspace alone; TABLE and MATERIALIZED VIEW
  // give the table or view; CREATE INDEX gives the indexed table. Empty otherwise (BATCH,
  // other DDL).
  qualified_name target;
  std::string use_keyspace;  // USE ks, as stored
  // INSERT, UPDATE, DELETE or BATCH with IF NOT EXISTS / IF EXISTS / IF <conditions>: a
  // lightweight transaction, whose [applied] column the proxy compares.
  bool conditional = false;
  bool select_json = false;  // SELECT JSON ...
  bool ordered = false;      // SELECT ... ORDER BY: rows come in the order the query asks
  bool lexed = true;  // false when the text did not lex (or could not be read); kind is other

  bool operator==(const statement_info&) const = default;
};

// Never throws: an allocation failure gives other with lexed false, like text that does not
// lex. Time linear in the text; memory bounded by the largest token (tokens are read one at a
// time, not all kept, so 100 MiB of ';' costs no more than one).
statement_info read_statement(std::string_view cql);

}  // namespace cqlshift::cql
