#include "cqlshift/cql/token.hpp"

namespace cqlshift::cql {

namespace {
// CQL names outside quotes are ASCII, so ASCII folding is Cassandra's folding for them.
char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

const char* to_string(token_kind k) noexcept {
  switch (k) {
    case token_kind::identifier:
      return "identifier";
    case token_kind::quoted_identifier:
      return "quoted_identifier";
    case token_kind::string:
      return "string";
    case token_kind::integer:
      return "integer";
    case token_kind::floating:
      return "floating";
    case token_kind::hex_blob:
      return "hex_blob";
    case token_kind::uuid:
      return "uuid";
    case token_kind::duration:
      return "duration";
    case token_kind::positional_marker:
      return "positional_marker";
    case token_kind::named_marker:
      return "named_marker";
    case token_kind::punctuation:
      return "punctuation";
    case token_kind::comment:
      return "comment";
    case token_kind::end:
      return "end";
  }
  return "unknown";
}

std::string token::name() const {
  const bool folds =
      kind == token_kind::identifier || (kind == token_kind::named_marker && !quoted);
  if (!folds) return text;
  std::string out = text;
  for (char& c : out)
    c = to_lower(c);
  return out;
}

bool token::is_keyword(std::string_view lower) const noexcept {
  if (kind != token_kind::identifier || text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (to_lower(text[i]) != lower[i]) return false;
  }
  return true;
}

}  // namespace cqlshift::cql
