#pragma once
// One lexical token of CQL text, as Cassandra's Lexer.g (src/antlr/Lexer.g) splits it.
// Keywords are not a kind of their own: CQL reserves few words and lets most keywords be
// names, so the parser decides, comparing identifiers case-insensitively (is_keyword).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cqlshift::cql {

enum class token_kind : std::uint8_t {
  identifier,         // [A-Za-z][A-Za-z0-9_]*, incl. keywords, true/false, NaN, Infinity
  quoted_identifier,  // "My""Col" -> My"Col; "" is the empty name
  string,             // 'it''s' -> it's, or $$anything but two dollars$$
  integer,            // -?[0-9]+
  floating,           // -?[0-9]+ ('.' [0-9]*)? exponent?, with a '.' or an exponent
  hex_blob,           // 0x[0-9A-Fa-f]* (any number of digits, as Cassandra lexes it)
  uuid,               // 8-4-4-4-12 hex digits
  duration,           // 1h30m, -2d, 1µs, P1DT2H, P2W, P0001-02-03T04:05:06
  positional_marker,  // ?
  named_marker,       // :name or :"Quoted Name"
  punctuation,        // ( ) [ ] { } , ; . .. * / % + - = += -= < <= > >= != :
  comment,            // -- or // to the line end, /* to */; only with lex_options::keep_comments
  end,                // after the last token: offset = input size, length 0
};

const char* to_string(token_kind k) noexcept;

struct token {
  token_kind kind = token_kind::end;
  // The exact source span: the token is cql.substr(offset, length), quotes, sign and
  // delimiters included, so a rewriter can splice the original text.
  std::size_t offset = 0;
  std::size_t length = 0;
  // quoted_identifier, string: the unescaped value. named_marker: the name, unescaped when
  // quoted. Every other kind: the source text of the span (the symbol for punctuation).
  std::string text;
  // named_marker only: written :"Name", so the name keeps its case.
  bool quoted = false;

  std::string_view source(std::string_view cql) const noexcept {
    return cql.substr(offset, length);
  }

  // The name an identifier, quoted identifier or named marker designates, as Cassandra
  // resolves it: unquoted names fold to lower case, quoted ones keep their spelling.
  std::string name() const;

  // True for an identifier spelled `lower` in any case. `lower` must be lower case.
  bool is_keyword(std::string_view lower) const noexcept;

  bool is_punctuation(std::string_view symbol) const noexcept {
    return kind == token_kind::punctuation && text == symbol;
  }

  bool operator==(const token&) const = default;
};

}  // namespace cqlshift::cql
