// CQL lexer. Input: CQL text, lexed with and without comment tokens.
// Properties: never crashes; both modes fail alike or succeed alike; on success the spans are
// in bounds, strictly increasing and non-overlapping, the bytes between them are whitespace
// (comments are tokens in that mode), the tokens other than comments are the same in both
// modes, and each token's text is what its span spells (unescaped for quoted kinds).

#include "cqlshift/cql/lexer.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace cqlshift::cql;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string quote(std::string_view value, char q) {
  std::string out(1, q);
  for (char c : value) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

// What a token's text must be, given its source span.
void check_text(const token& t, std::string_view src) {
  switch (t.kind) {
    case token_kind::quoted_identifier:
      check(src == quote(t.text, '"'));
      break;
    case token_kind::string:
      check(src == quote(t.text, '\'') || src == "$$" + t.text + "$$");
      break;
    case token_kind::named_marker:
      check(src == ":" + (t.quoted ? quote(t.text, '"') : t.text));
      break;
    default:
      check(src == t.text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view cql(reinterpret_cast<const char*>(data), size);
  const auto plain = tokenize(cql);
  const auto with_comments = tokenize(cql, {.keep_comments = true});
  if (!plain) {
    check(!with_comments && with_comments.error() == plain.error());
    check(plain.error().offset < size);
    return 0;
  }
  check(with_comments.has_value());

  std::size_t pos = 0;
  std::size_t plain_index = 0;
  for (const token& t : *with_comments) {
    check(t.offset >= pos && t.offset <= size && t.length <= size - t.offset);
    for (std::size_t i = pos; i < t.offset; ++i)
      check(is_space(cql[i]));
    check(t.length > 0 || t.kind == token_kind::end);
    pos = t.offset + t.length;
    check_text(t, t.source(cql));
    if (t.kind != token_kind::comment) {
      check(plain_index < plain->size() && (*plain)[plain_index] == t);
      ++plain_index;
    }
  }
  check(plain_index == plain->size());
  check(!plain->empty() && plain->back().kind == token_kind::end && plain->back().offset == size);
  return 0;
}
