#pragma once
// Splits CQL text into tokens the way Cassandra's Lexer.g does, so the proxy can find
// statement kinds, names, markers and now() calls, and cqlsim can parse, without a grammar.
//
// Rules taken from Lexer.g, where they may surprise:
// - A '-' directly before a digit belongs to the number: `x-1` is x, -1 (Cassandra's parser
//   reads `x = x - 1` as that too). `-NaN`, `-Infinity` are '-' and an identifier here,
//   where Lexer.g has one token for each: the parser reads them as the negated constant.
// - `1.` is a float, `.5` is '.' then 5, `1..2` is 1 '..' 2 (the slice operator).
// - Of the candidate tokens at a position the longest wins, a duration on a tie: `P1D` is a
//   duration, `P1Dx` an identifier, `1hour` the duration 1h then `our`, `0x` an empty blob.
// - ISO 8601 durations are upper case only; the unit durations (1h, 1MO, 1µs) are not.
// - Whitespace is space, tab, CR and LF; anything else outside a literal, and a name starting
//   with '_', is an unexpected character.
// - A line comment may end at the end of the text (Lexer.g wants a line break).
//
// Named markers: Cassandra's grammar reads ':' name as a marker everywhere except between a
// key and its value in a map or UDT literal ({k: v}). The lexer joins ':' and a name
// written directly after it into one named_marker unless the ':' is directly inside braces
// after something that ends a term (a literal, name, marker, ')', ']' or '}'); there the
// ':' is punctuation, so {'k':now()} keeps its now(). ': name' with a gap stays ':' and a
// name, which the parser must also accept as a marker.
//
// Linear time, reads nothing past the input, allocates only the tokens' text; never throws
// except std::bad_alloc.

#include "cqlshift/cql/error.hpp"
#include "cqlshift/cql/token.hpp"

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::cql {

// Where and why lexing stopped. offset is where the bad token starts: the opening quote,
// '$$' or '/*' of an unterminated one, the character itself otherwise.
struct lex_error {
  errc code = errc::ok;
  std::size_t offset = 0;

  std::string message() const;  // "unterminated string literal at offset 12"
  bool operator==(const lex_error&) const = default;
};

// Lets result<T, lex_error>::value() throw boost::system::system_error on an error.
[[noreturn]] void throw_exception_from_error(const lex_error& e, const boost::source_location& loc);

template <class T>
using lex_result = boost::system::result<T, lex_error>;

struct lex_options {
  // Emit comments as comment tokens (in order, between the other tokens) instead of
  // skipping them.
  bool keep_comments = false;
};

// Pull-style: next() yields one token at a time, then end tokens forever. After an error
// every call returns the same error.
class lexer {
 public:
  explicit lexer(std::string_view cql, lex_options options = {}) noexcept
      : cql_(cql), options_(options) {}

  lex_result<token> next();

 private:
  lex_result<token> fail(errc code, std::size_t offset);
  token make(token_kind kind, std::size_t begin, std::size_t end);
  token finish(token t);
  lex_result<token> lex_colon(std::size_t begin);
  bool colon_separates() const noexcept;

  std::string_view cql_;
  lex_options options_;
  std::size_t pos_ = 0;
  lex_error error_;
  // For the ':' rule: the brackets open at pos_ (innermost last) and whether the last
  // non-comment token ends a term.
  std::string open_brackets_;
  bool after_term_ = false;
};

// Every token of `cql`, the final one of kind end.
lex_result<std::vector<token>> tokenize(std::string_view cql, lex_options options = {});

}  // namespace cqlshift::cql
