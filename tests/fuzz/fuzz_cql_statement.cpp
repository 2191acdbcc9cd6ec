// CQL statement reader. Input: CQL text.
// Properties: never crashes; reads the same twice and behind a leading comment or whitespace;
// lexed is false exactly when the lexer fails, and then the result is `other` with nothing
// else set; a SELECT starts with the SELECT keyword (the reader never invents a read);
// only writes are conditional; only USE sets use_keyspace.

#include "cqlshift/cql/lexer.hpp"
#include "cqlshift/cql/statement.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace cqlshift::cql;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool is_write(statement_kind k) {
  return k == statement_kind::insert || k == statement_kind::update ||
         k == statement_kind::delete_ || k == statement_kind::batch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view cql(reinterpret_cast<const char*>(data), size);
  const statement_info info = read_statement(cql);
  check(read_statement(cql) == info);
  check(read_statement("\n " + std::string(cql)) == info);
  check(read_statement("/* c */" + std::string(cql)) == info);

  lexer lex(cql);
  const auto first = lex.next();
  const bool lexes = tokenize(cql).has_value();
  check(info.lexed == lexes);
  if (!info.lexed) {
    check(info == statement_info{.kind = statement_kind::other,
                                 .target = {},
                                 .use_keyspace = {},
                                 .conditional = false,
                                 .select_json = false,
                                 .lexed = false});
    return 0;
  }
  check(first.has_value());
  if (info.kind == statement_kind::select) check(first->is_keyword("select"));
  if (info.select_json) check(info.kind == statement_kind::select);
  if (info.conditional) check(is_write(info.kind));
  if (!info.use_keyspace.empty()) check(info.kind == statement_kind::use);
  return 0;
}
