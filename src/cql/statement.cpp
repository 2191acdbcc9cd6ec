#include "cqlshift/cql/statement.hpp"

#include "cqlshift/cql/lexer.hpp"

#include <cstddef>
#include <deque>
#include <new>
#include <utility>

namespace cqlshift::cql {

namespace {

// Pulls tokens from the lexer with as much lookahead as asked for (a few tokens at most), and
// tracks the bracket depth of the tokens taken so far, so the readers can tell a top-level
// FROM or IF from one inside a function call or collection literal. After a lex error every
// token is the end token and failed() is true.
class token_stream {
 public:
  explicit token_stream(std::string_view cql) : lex_(cql) {}

  // References stay valid until the token is taken (std::deque keeps elements in place on
  // push_back).
  const token& peek(std::size_t ahead = 0) {
    while (buffered_.size() <= ahead)
      buffered_.push_back(pull());
    return buffered_[ahead];
  }

  token take() {
    peek();
    token t = std::move(buffered_.front());
    buffered_.pop_front();
    if (t.kind == token_kind::punctuation && t.text.size() == 1) {
      const char c = t.text[0];
      if (c == '(' || c == '[' || c == '{') ++depth_;
      // A stray closer is a syntax error Cassandra reports; it must not make depth wrap.
      if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
    }
    return t;
  }

  std::size_t depth() const noexcept { return depth_; }
  bool failed() const noexcept { return failed_; }

 private:
  token pull() {
    if (!failed_) {
      auto t = lex_.next();
      if (t) return std::move(*t);
      failed_ = true;
    }
    return token{};  // kind end
  }

  lexer lex_;
  std::deque<token> buffered_;
  std::size_t depth_ = 0;
  bool failed_ = false;
};

bool is_name(const token& t) noexcept {
  return t.kind == token_kind::identifier || t.kind == token_kind::quoted_identifier;
}

bool is_end(const token& t) noexcept {
  return t.kind == token_kind::end;
}

bool take_keyword(token_stream& ts, std::string_view lower) {
  if (!ts.peek().is_keyword(lower)) return false;
  ts.take();
  return true;
}

bool read_name(token_stream& ts, std::string& out) {
  if (!is_name(ts.peek())) return false;
  out = ts.take().name();
  return true;
}

// [keyspace '.'] table
bool read_qualified_name(token_stream& ts, qualified_name& out) {
  if (!is_name(ts.peek())) return false;
  if (ts.peek(1).is_punctuation(".") && is_name(ts.peek(2))) {
    out.keyspace = ts.take().name();
    ts.take();
  }
  out.table = ts.take().name();
  return true;
}

// Takes tokens up to a FROM outside brackets and the FROM itself; false when the statement
// (up to a top-level ';') has none. FROM is reserved in CQL, so an unquoted one outside
// brackets can only be the clause.
bool skip_to_from(token_stream& ts) {
  for (;;) {
    const token& t = ts.peek();
    if (is_end(t)) return false;
    if (ts.depth() == 0) {
      if (t.is_punctuation(";")) return false;
      if (t.is_keyword("from")) {
        ts.take();
        return true;
      }
    }
    ts.take();
  }
}

void skip_if_exists(token_stream& ts) {
  if (take_keyword(ts, "if")) {
    take_keyword(ts, "not");
    take_keyword(ts, "exists");
  }
}

// JSON is also a valid column name (SELECT json FROM t). Like Cassandra's grammar, read it
// as the keyword only when a selector follows it.
bool json_keyword_follows(token_stream& ts) {
  if (!ts.peek().is_keyword("json")) return false;
  const token& next = ts.peek(1);
  if (is_end(next) || next.is_keyword("from")) return false;
  // SELECT json AS j FROM t aliases the column; SELECT JSON as FROM t selects column "as".
  if (next.is_keyword("as")) return ts.peek(2).is_keyword("from");
  if (next.kind == token_kind::punctuation) {
    return next.text == "*" || next.text == "(" || next.text == "{";
  }
  return true;
}

// Each reader starts at the statement's first token and returns false when the statement is
// not what its first word promises (it then becomes `other`).

bool read_select(token_stream& ts, statement_info& info) {
  ts.take();
  if (json_keyword_follows(ts)) {
    ts.take();
    info.select_json = true;
  }
  return skip_to_from(ts) && read_qualified_name(ts, info.target);
}

bool read_insert(token_stream& ts, statement_info& info) {
  ts.take();
  if (take_keyword(ts, "into")) read_qualified_name(ts, info.target);
  return true;
}

bool read_update(token_stream& ts, statement_info& info) {
  ts.take();
  read_qualified_name(ts, info.target);
  return true;
}

bool read_delete(token_stream& ts, statement_info& info) {
  ts.take();
  if (skip_to_from(ts)) read_qualified_name(ts, info.target);
  return true;
}

bool read_truncate(token_stream& ts, statement_info& info) {
  ts.take();
  if ((ts.peek().is_keyword("table") || ts.peek().is_keyword("columnfamily")) &&
      is_name(ts.peek(1))) {
    ts.take();
  }
  read_qualified_name(ts, info.target);
  return true;
}

bool read_use(token_stream& ts, statement_info& info) {
  ts.take();
  return read_name(ts, info.use_keyspace);
}

// BEGIN [UNLOGGED | COUNTER] BATCH ... APPLY BATCH. Notes an IF outside brackets in any
// child statement (IF is reserved, so it can only start a condition there).
bool read_batch(token_stream& ts, statement_info& info) {
  ts.take();
  if (!take_keyword(ts, "unlogged")) take_keyword(ts, "counter");
  if (!take_keyword(ts, "batch")) return false;
  for (;;) {
    const token& t = ts.peek();
    if (is_end(t)) return false;
    if (ts.depth() == 0) {
      if (t.is_keyword("apply") && ts.peek(1).is_keyword("batch")) {
        ts.take();
        ts.take();
        return true;
      }
      if (t.is_keyword("if")) info.conditional = true;
    }
    ts.take();
  }
}

// CREATE, ALTER, DROP: schema changes, or role statements (which are DCL).
bool read_schema_change(token_stream& ts, statement_info& info) {
  const bool create = ts.peek().is_keyword("create");
  ts.take();
  if (create) {
    if (take_keyword(ts, "or")) take_keyword(ts, "replace");
    take_keyword(ts, "custom");
  }
  const token& object = ts.peek();
  if (object.is_keyword("role") || object.is_keyword("user") || object.is_keyword("identity")) {
    info.kind = statement_kind::dcl;
    return true;
  }
  if (take_keyword(ts, "keyspace") || take_keyword(ts, "schema")) {
    skip_if_exists(ts);
    read_name(ts, info.target.keyspace);
  } else if (take_keyword(ts, "table") || take_keyword(ts, "columnfamily") ||
             (take_keyword(ts, "materialized") && take_keyword(ts, "view"))) {
    skip_if_exists(ts);
    read_qualified_name(ts, info.target);
  } else if (create && take_keyword(ts, "index")) {
    // CREATE [CUSTOM] INDEX [IF NOT EXISTS] [name] ON [ks.]table
    skip_if_exists(ts);
    if (!ts.peek().is_keyword("on") && is_name(ts.peek())) ts.take();
    if (take_keyword(ts, "on")) read_qualified_name(ts, info.target);
  }
  return true;
}

// The statement's head from its first word. False: not recognised.
bool read_head(token_stream& ts, statement_info& info) {
  const token& first = ts.peek();
  struct entry {
    std::string_view word;
    statement_kind kind;
    bool (*read)(token_stream&, statement_info&);
  };
  static constexpr entry readers[] = {
      {"select", statement_kind::select, read_select},
      {"insert", statement_kind::insert, read_insert},
      {"update", statement_kind::update, read_update},
      {"delete", statement_kind::delete_, read_delete},
      {"begin", statement_kind::batch, read_batch},
      {"use", statement_kind::use, read_use},
      {"truncate", statement_kind::truncate, read_truncate},
      {"create", statement_kind::create, read_schema_change},
      {"alter", statement_kind::alter, read_schema_change},
      {"drop", statement_kind::drop, read_schema_change},
  };
  for (const entry& e : readers) {
    if (first.is_keyword(e.word)) {
      info.kind = e.kind;
      return e.read(ts, info);
    }
  }
  if (first.is_keyword("grant") || first.is_keyword("revoke") || first.is_keyword("list") ||
      (first.is_keyword("add") && ts.peek(1).is_keyword("identity"))) {
    info.kind = statement_kind::dcl;
    return true;
  }
  return false;
}

struct tail {
  bool has_if = false;        // an IF outside brackets
  bool one_statement = true;  // nothing but ';' after the first top-level ';'
  bool has_order_by = false;  // ORDER BY outside brackets
};

// Takes every remaining token. Cassandra accepts one statement per text, followed by any
// number of ';'; anything after that makes the text something we do not claim to know.
tail read_tail(token_stream& ts) {
  tail out;
  bool ended = false;
  for (;;) {
    const std::size_t depth = ts.depth();
    const token t = ts.take();
    if (is_end(t)) return out;
    if (depth != 0) continue;
    if (t.is_punctuation(";")) {
      ended = true;
    } else if (ended) {
      out.one_statement = false;
    } else if (t.is_keyword("if")) {
      out.has_if = true;
    } else if (t.is_keyword("order") && ts.peek().is_keyword("by")) {
      out.has_order_by = true;
    }
  }
}

statement_info unreadable() {
  statement_info info;
  info.lexed = false;
  return info;
}

bool may_be_conditional(statement_kind k) noexcept {
  return k == statement_kind::insert || k == statement_kind::update ||
         k == statement_kind::delete_ || k == statement_kind::batch;
}

statement_info read(std::string_view cql) {
  token_stream ts(cql);
  statement_info info;
  const bool recognised = read_head(ts, info);
  const tail rest = read_tail(ts);
  if (ts.failed()) return unreadable();
  if (!recognised || !rest.one_statement) return statement_info{};
  if (may_be_conditional(info.kind)) {
    info.conditional = info.conditional || rest.has_if;
  } else {
    info.conditional = false;
  }
  info.ordered = info.kind == statement_kind::select && rest.has_order_by;
  return info;
}

}  // namespace

std::string_view to_string(statement_kind k) noexcept {
  switch (k) {
    case statement_kind::select:
      return "select";
    case statement_kind::insert:
      return "insert";
    case statement_kind::update:
      return "update";
    case statement_kind::delete_:
      return "delete";
    case statement_kind::batch:
      return "batch";
    case statement_kind::use:
      return "use";
    case statement_kind::create:
      return "create";
    case statement_kind::alter:
      return "alter";
    case statement_kind::drop:
      return "drop";
    case statement_kind::truncate:
      return "truncate";
    case statement_kind::dcl:
      return "dcl";
    case statement_kind::other:
      return "other";
  }
  return "unknown";
}

statement_info read_statement(std::string_view cql) {
  try {
    return read(cql);
  } catch (const std::bad_alloc&) {
    // Only a huge literal can get here. Unreadable text is a write (SPEC.md section 3).
    return unreadable();
  }
}

}  // namespace cqlshift::cql
