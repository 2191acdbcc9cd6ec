#pragma once
// Parses one CQL statement (an optional trailing ';' allowed) into the AST of ast.hpp, over
// the tokens of cql/lexer.hpp. Keywords are case-insensitive; reserved words cannot be names
// unless quoted, as in Cassandra. Text the grammar rejects fails with a SyntaxError whose
// message names the offending input the way Cassandra does ("line 1:7 no viable alternative
// at input 'FORM'", "line 1:20 mismatched input 'x' expecting ..."); statements of real CQL
// that cqlsim does not execute parse into unsupported_stmt. Never throws except bad_alloc;
// nesting depth is bounded so hostile text cannot exhaust the stack.

#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/error.hpp"

#include <string_view>

namespace cqlshift::sim {

sim_result<parsed_statement> parse(std::string_view cql);

}  // namespace cqlshift::sim
