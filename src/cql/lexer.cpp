#include "cqlshift/cql/lexer.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <utility>

namespace cqlshift::cql {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Every scanner reads through at(), which yields '\0' past the end: no scanner gives '\0' a
// meaning, so a NUL in the text and the end of the text stop a token the same way.
char at(std::string_view s, std::size_t p) noexcept {
  return p < s.size() ? s[p] : '\0';
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_name_char(char c) noexcept {
  return is_letter(c) || is_digit(c) || c == '_';
}
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::size_t scan_digits(std::string_view s, std::size_t p) noexcept {
  while (is_digit(at(s, p)))
    ++p;
  return p;
}

std::size_t scan_identifier(std::string_view s, std::size_t p) noexcept {
  while (is_name_char(at(s, p)))
    ++p;
  return p;
}

// 8-4-4-4-12 hex digits; the end, or npos.
std::size_t scan_uuid(std::string_view s, std::size_t p) noexcept {
  static constexpr std::size_t groups[] = {8, 4, 4, 4, 12};
  for (std::size_t g = 0; g < std::size(groups); ++g) {
    if (g > 0 && at(s, p++) != '-') return npos;
    for (std::size_t i = 0; i < groups[g]; ++i) {
      if (!is_hex(at(s, p++))) return npos;
    }
  }
  return p;
}

// E [+-]? digits after a mantissa ending at p; p itself when there is none.
std::size_t scan_exponent(std::string_view s, std::size_t p) noexcept {
  if (to_lower(at(s, p)) != 'e') return p;
  std::size_t q = p + 1;
  if (at(s, q) == '+' || at(s, q) == '-') ++q;
  const std::size_t end = scan_digits(s, q);
  return end > q ? end : p;
}

// Lexer.g DURATION_UNIT, any case, longest first: y mo w d h m s ms us µs ns.
std::size_t scan_unit(std::string_view s, std::size_t p) noexcept {
  const char next = to_lower(at(s, p + 1));
  switch (to_lower(at(s, p))) {
    case 'y':
    case 'w':
    case 'd':
    case 'h':
    case 's':
      return p + 1;
    case 'm':
      return (next == 'o' || next == 's') ? p + 2 : p + 1;
    case 'u':
    case 'n':
      return next == 's' ? p + 2 : npos;
    case '\xC2':  // U+00B5 MICRO SIGN in UTF-8 is C2 B5
      return (at(s, p + 1) == '\xB5' && to_lower(at(s, p + 2)) == 's') ? p + 3 : npos;
    default:
      return npos;
  }
}

// (digits unit)+ from p, as in 1h30m; the end, or npos.
std::size_t scan_unit_duration(std::string_view s, std::size_t p) noexcept {
  std::size_t end = npos;
  for (;;) {
    const std::size_t digits_end = scan_digits(s, p);
    if (digits_end == p) break;
    const std::size_t unit_end = scan_unit(s, digits_end);
    if (unit_end == npos) break;
    end = p = unit_end;
  }
  return end;
}

// digits+designator pairs from p with designators taken in the order of `order`, each at
// most once, as P1Y2D or T1H3S; the end (p when there are none).
std::size_t scan_designators(std::string_view s, std::size_t p, std::string_view order) noexcept {
  std::size_t next = 0;
  for (;;) {
    const std::size_t digits_end = scan_digits(s, p);
    if (digits_end == p) return p;
    const std::size_t k = order.find(at(s, digits_end), next);
    if (k == npos) return p;
    p = digits_end + 1;
    next = k + 1;
  }
}

// An ISO 8601 duration from the 'P' at p (Lexer.g DURATION, upper case only); the end, or
// npos.
std::size_t scan_iso_duration(std::string_view s, std::size_t p) noexcept {
  const std::size_t q = p + 1;
  static constexpr std::string_view alternative = "9999-99-99T99:99:99";
  bool is_alternative = true;
  for (std::size_t i = 0; i < alternative.size() && is_alternative; ++i) {
    const char c = at(s, q + i);
    is_alternative = alternative[i] == '9' ? is_digit(c) : c == alternative[i];
  }
  if (is_alternative) return q + alternative.size();
  const std::size_t weeks = scan_digits(s, q);
  if (weeks > q && at(s, weeks) == 'W') return weeks + 1;
  const std::size_t date_end = scan_designators(s, q, "YMD");
  std::size_t end = date_end > q ? date_end : npos;
  if (at(s, date_end) == 'T') {
    const std::size_t time_end = scan_designators(s, date_end + 1, "HMS");
    if (time_end > date_end + 1) end = time_end;
  }
  return end;
}

// The end of the quoted text starting at the quote `q` at p, doubled quotes standing for one;
// npos when it is not closed. The value goes to `out`.
std::size_t scan_quoted(std::string_view s, std::size_t p, char q, std::string& out) {
  out.clear();
  std::size_t i = p + 1;
  for (;;) {
    const std::size_t close = s.find(q, i);
    if (close == npos) return npos;
    out.append(s.substr(i, close - i));
    if (at(s, close + 1) != q) return close + 1;
    out += q;
    i = close + 2;
  }
}

bool ends_term(const token& t) noexcept {
  switch (t.kind) {
    case token_kind::punctuation:
      return t.text == ")" || t.text == "]" || t.text == "}";
    case token_kind::comment:
    case token_kind::end:
      return false;
    default:
      return true;
  }
}

}  // namespace

std::string lex_error::message() const {
  return std::string(describe(code)) + " at offset " + std::to_string(offset);
}

void throw_exception_from_error(const lex_error& e, const boost::source_location& loc) {
  boost::throw_exception(boost::system::system_error(make_error_code(e.code), e.message()), loc);
}

lex_result<token> lexer::fail(errc code, std::size_t offset) {
  error_ = {code, offset};
  return error_;
}

token lexer::make(token_kind kind, std::size_t begin, std::size_t end) {
  pos_ = end;
  return token{kind, begin, end - begin, std::string(cql_.substr(begin, end - begin))};
}

// Keeps the state the ':' rule needs; comments leave it alone.
token lexer::finish(token t) {
  if (t.kind == token_kind::comment) return t;
  after_term_ = ends_term(t);
  if (t.kind == token_kind::punctuation && t.text.size() == 1) {
    const char c = t.text[0];
    if (c == '(' || c == '[' || c == '{') open_brackets_ += c;
    if ((c == ')' || c == ']' || c == '}') && !open_brackets_.empty()) open_brackets_.pop_back();
  }
  return t;
}

bool lexer::colon_separates() const noexcept {
  return after_term_ && !open_brackets_.empty() && open_brackets_.back() == '{';
}

lex_result<token> lexer::lex_colon(std::size_t begin) {
  const std::size_t n = begin + 1;
  if (!colon_separates()) {
    if (is_letter(at(cql_, n))) {
      token t = make(token_kind::named_marker, begin, scan_identifier(cql_, n));
      t.text.erase(0, 1);
      return finish(std::move(t));
    }
    if (at(cql_, n) == '"') {
      std::string name;
      const std::size_t end = scan_quoted(cql_, n, '"', name);
      if (end == npos) return fail(errc::unterminated_quoted_identifier, n);
      // :"" is no marker in Cassandra's grammar: leave ':' and the empty name to the parser.
      if (!name.empty()) {
        token t = make(token_kind::named_marker, begin, end);
        t.text = std::move(name);
        t.quoted = true;
        return finish(std::move(t));
      }
    }
  }
  return finish(make(token_kind::punctuation, begin, n));
}

lex_result<token> lexer::next() {
  if (error_.code != errc::ok) return error_;
  const std::string_view s = cql_;
  for (;;) {
    while (is_space(at(s, pos_)))
      ++pos_;
    if (pos_ >= s.size()) return make(token_kind::end, s.size(), s.size());
    const char c = s[pos_];
    const char n = at(s, pos_ + 1);
    std::size_t comment_end = npos;
    if ((c == '-' && n == '-') || (c == '/' && n == '/')) {
      comment_end = s.find_first_of("\r\n", pos_ + 2);
      if (comment_end == npos) comment_end = s.size();
    } else if (c == '/' && n == '*') {
      const std::size_t close = s.find("*/", pos_ + 2);
      if (close == npos) return fail(errc::unterminated_comment, pos_);
      comment_end = close + 2;
    } else {
      break;
    }
    if (options_.keep_comments) return make(token_kind::comment, pos_, comment_end);
    pos_ = comment_end;
  }

  const std::size_t begin = pos_;
  const char c = s[begin];
  const char n = at(s, begin + 1);
  const auto symbol = [&](std::size_t length) {
    return finish(make(token_kind::punctuation, begin, begin + length));
  };

  if (c == '\'' || c == '"') {
    std::string value;
    const std::size_t end = scan_quoted(s, begin, c, value);
    if (end == npos) {
      return fail(c == '"' ? errc::unterminated_quoted_identifier : errc::unterminated_string,
                  begin);
    }
    token t = make(c == '"' ? token_kind::quoted_identifier : token_kind::string, begin, end);
    t.text = std::move(value);
    return finish(std::move(t));
  }
  if (c == '$') {
    if (n != '$') return fail(errc::unexpected_character, begin);
    const std::size_t close = s.find("$$", begin + 2);
    if (close == npos) return fail(errc::unterminated_string, begin);
    token t = make(token_kind::string, begin, close + 2);
    t.text = std::string(s.substr(begin + 2, close - begin - 2));
    return finish(std::move(t));
  }

  // A uuid can start like a number or a name, and is longer than either would be.
  if (is_hex(c)) {
    const std::size_t end = scan_uuid(s, begin);
    if (end != npos) return finish(make(token_kind::uuid, begin, end));
  }
  if (c == '0' && to_lower(n) == 'x') {
    std::size_t end = begin + 2;
    while (is_hex(at(s, end)))
      ++end;
    return finish(make(token_kind::hex_blob, begin, end));
  }
  if (is_digit(c) || (c == '-' && is_digit(n))) {
    const std::size_t digits_end = scan_digits(s, c == '-' ? begin + 1 : begin);
    std::size_t number_end = digits_end;
    if (at(s, digits_end) == '.') {
      if (at(s, digits_end + 1) != '.') {
        number_end = scan_exponent(s, scan_digits(s, digits_end + 1));
      } else if (at(s, digits_end + 2) == '.') {
        number_end = digits_end + 1;  // "1..." is "1." then the slice operator
      }                               // "1.." is 1 then the slice operator
    } else {
      number_end = scan_exponent(s, digits_end);
    }
    const std::size_t duration_end = scan_unit_duration(s, c == '-' ? begin + 1 : begin);
    if (duration_end != npos && duration_end > number_end) {
      return finish(make(token_kind::duration, begin, duration_end));
    }
    const token_kind kind = number_end > digits_end ? token_kind::floating : token_kind::integer;
    return finish(make(kind, begin, number_end));
  }
  if (is_letter(c)) {
    const std::size_t end = scan_identifier(s, begin);
    if (c == 'P') {
      const std::size_t duration_end = scan_iso_duration(s, begin);
      if (duration_end != npos && duration_end >= end) {
        return finish(make(token_kind::duration, begin, duration_end));
      }
    }
    return finish(make(token_kind::identifier, begin, end));
  }

  switch (c) {
    case '-':
      if (n == 'P') {
        const std::size_t end = scan_iso_duration(s, begin + 1);
        if (end != npos) return finish(make(token_kind::duration, begin, end));
      }
      return symbol(n == '=' ? 2 : 1);
    case '+':
    case '<':
    case '>':
      return symbol(n == '=' ? 2 : 1);
    case '!':
      if (n != '=') return fail(errc::unexpected_character, begin);
      return symbol(2);
    case '.':
      return symbol(n == '.' ? 2 : 1);
    case ':':
      return lex_colon(begin);
    case '?':
      return finish(make(token_kind::positional_marker, begin, begin + 1));
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case ',':
    case ';':
    case '*':
    case '/':
    case '%':
    case '=':
      return symbol(1);
    default:
      return fail(errc::unexpected_character, begin);
  }
}

lex_result<std::vector<token>> tokenize(std::string_view cql, lex_options options) {
  lexer lex(cql, options);
  std::vector<token> tokens;
  for (;;) {
    auto t = lex.next();
    if (!t) return t.error();
    const bool last = t->kind == token_kind::end;
    tokens.push_back(std::move(*t));
    if (last) return tokens;
  }
}

}  // namespace cqlshift::cql
