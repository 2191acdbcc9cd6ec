#include "cqlshift/cql/now_rewrite.hpp"

#include "cqlshift/cql/lexer.hpp"

#include <cassert>

namespace cqlshift::cql {
namespace {

bool is_now_name(const token& t) noexcept {
  return t.is_keyword("now") || (t.kind == token_kind::quoted_identifier && t.text == "now");
}

bool is_system_name(const token& t) noexcept {
  return t.is_keyword("system") || (t.kind == token_kind::quoted_identifier && t.text == "system");
}

}  // namespace

std::optional<now_calls> find_now_calls(std::string_view cql) {
  auto tokens = tokenize(cql);
  if (!tokens) return std::nullopt;
  const std::vector<token>& t = *tokens;
  now_calls out;
  std::size_t markers = 0;
  std::string open;  // the brackets open before token i, innermost last
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind == token_kind::punctuation && t[i].text.size() == 1) {
      const char c = t[i].text[0];
      if (c == '(' || c == '[' || c == '{') open.push_back(c);
      if ((c == ')' || c == ']' || c == '}') && !open.empty()) open.pop_back();
      // ': name' written with a gap is a named marker too, except between a key and its value
      // in a map or UDT literal (directly inside braces).
      if (c == ':' && i + 1 < t.size() && (open.empty() || open.back() != '{') &&
          (t[i + 1].kind == token_kind::identifier ||
           t[i + 1].kind == token_kind::quoted_identifier)) {
        ++markers;
        out.named_markers = true;
        ++i;
        continue;
      }
    }
    if (t[i].kind == token_kind::positional_marker) {
      ++markers;
      continue;
    }
    if (t[i].kind == token_kind::named_marker) {
      ++markers;
      out.named_markers = true;
      continue;
    }
    if (!is_now_name(t[i]) || i + 2 >= t.size() || !t[i + 1].is_punctuation("(") ||
        !t[i + 2].is_punctuation(")"))
      continue;
    std::size_t begin = t[i].offset;
    if (i >= 1 && t[i - 1].is_punctuation(".")) {
      // ks.now(): the built-in only when ks is system; another keyspace's function otherwise.
      if (i < 2 || !is_system_name(t[i - 2])) continue;
      begin = t[i - 2].offset;
    }
    const token& close = t[i + 2];
    out.calls.push_back(
        now_call{begin, close.offset + close.length - begin, markers + out.calls.size()});
    i += 2;  // the '(' and ')' of the call leave the bracket stack as it was
  }
  return out;
}

std::string replace_now_calls(std::string_view cql, const now_calls& found,
                              std::span<const std::string> literals) {
  assert(literals.size() == found.calls.size());
  std::string out;
  out.reserve(cql.size() + found.calls.size() * 36);
  std::size_t at = 0;
  // A replacement written directly against a name, number or '.' could lex as part of it
  // (`0now()` is invalid CQL, but `05f7...` must not turn into something else): it is padded
  // with a space unless its neighbour is whitespace or a bracket, comma or operator.
  const auto needs_space = [](char ch) {
    return std::string_view(" \t\r\n()[]{},;=<>!+*/%").find(ch) == std::string_view::npos;
  };
  for (std::size_t i = 0; i < found.calls.size(); ++i) {
    const now_call& c = found.calls[i];
    out.append(cql.substr(at, c.offset - at));
    if (!out.empty() && needs_space(out.back())) out.push_back(' ');
    out.append(literals[i]);
    at = c.offset + c.length;
    if (at < cql.size() && needs_space(cql[at])) out.push_back(' ');
  }
  out.append(cql.substr(at));
  return out;
}

std::string now_marker_name(std::size_t i) {
  return "cqlshift_now_" + std::to_string(i);
}

std::string replace_now_with_markers(std::string_view cql, const now_calls& found) {
  std::vector<std::string> markers;
  markers.reserve(found.calls.size());
  for (std::size_t i = 0; i < found.calls.size(); ++i)
    markers.push_back("(timeuuid)" +
                      (found.named_markers ? ":" + now_marker_name(i) : std::string("?")));
  return replace_now_calls(cql, found, markers);
}

}  // namespace cqlshift::cql
