// Syntax error messages worded as Cassandra 4.x words them: ANTLR 3's messages
// (BaseRecognizer.getErrorMessage, Lexer.getErrorMessage) behind "line L:C", followed for parser
// errors by the snippet Cassandra's ErrorCollector appends: from ten tokens before the offending
// one to two after it, whitespace runs counting as tokens, the offending token in brackets.
// A token at the end of the text is ANTLR's synthetic EOF token: "line 0:-1", no snippet.

#include "parser_impl.hpp"

#include <algorithm>

namespace cqlshift::sim::parser_detail {

namespace {

// Bytes of the UTF-8 sequence starting at p (1 for a stray byte), bounded by the text.
std::size_t code_point_size(std::string_view s, std::size_t p) noexcept {
  const auto c = static_cast<unsigned char>(s[p]);
  std::size_t n = 1;
  if (c >= 0xF0) {
    n = 4;
  } else if (c >= 0xE0) {
    n = 3;
  } else if (c >= 0xC0) {
    n = 2;
  }
  return std::min(n, s.size() - p);
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}

// ANTLR's getCharErrorDisplay for the character at p, or EOF when p is the end.
std::string char_display(std::string_view s, std::size_t p) {
  if (p >= s.size()) return "'<EOF>'";
  return "'" + escape(s.substr(p, code_point_size(s, p))) + "'";
}

// Java's String.split("\n"): trailing empty lines dropped.
std::vector<std::string> split_lines(std::string_view s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.emplace_back(s.substr(start));
      break;
    }
    lines.emplace_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  while (!lines.empty() && lines.back().empty())
    lines.pop_back();
  return lines;
}

struct span {
  std::size_t offset = 0;
  std::size_t length = 0;
  bool eof = false;
};

}  // namespace

std::string parser::display(const cql::token& t) const {
  switch (t.kind) {
    case cql::token_kind::end:
      return "'<EOF>'";
    case cql::token_kind::named_marker:
      return "':'";  // ANTLR reads ':' and the name as two tokens
    case cql::token_kind::quoted_identifier:
      if (t.text.empty()) return "'\"\"'";  // EMPTY_QUOTED_NAME keeps its quotes
      break;
    default:
      break;
  }
  return "'" + escape(t.text) + "'";
}

// 1-based line, 0-based column in characters, as ANTLR counts them ('\n' ends a line).
std::string parser::header(std::size_t offset) const {
  offset = std::min(offset, cql_.size());
  std::size_t line = 1;
  std::size_t column = 0;
  for (std::size_t i = 0; i < offset; i += code_point_size(cql_, i)) {
    if (cql_[i] == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ":" + std::to_string(column);
}

bool parser::fail_at(std::size_t index, std::string body) {
  if (error_) return false;
  index = std::min(index, tokens_.size() - 1);
  // The lexer stopped where the token list ends: ANTLR's lexer would have reported its error
  // before the parser could look at anything there.
  if (lex_failure_ && index + 1 == tokens_.size()) {
    error_ = pending_error{pending_error::no_token, true, {}};
  } else {
    error_ = pending_error{index, false, syntax_error(std::move(body))};
  }
  return false;
}

bool parser::fail_with(cql_error error) {
  if (!error_) error_ = pending_error{pending_error::no_token, false, std::move(error)};
  return false;
}

cql_error parser::final_error() const {
  if (!error_) return syntax_error("line 0:-1 no viable alternative at input '<EOF>'");
  if (error_->lexer) return syntax_error(lex_error_message());
  if (error_->token == pending_error::no_token) return error_->error;
  const cql::token& t = tokens_[error_->token];
  if (t.kind == cql::token_kind::end) return syntax_error("line 0:-1 " + error_->error.message);
  return syntax_error(header(t.offset) + " " + error_->error.message + snippet(t));
}

bool parser::fail_no_viable(std::size_t index) {
  index = std::min(index, tokens_.size() - 1);
  return fail_at(index, "no viable alternative at input " + display(tokens_[index]));
}

bool parser::fail_mismatched(std::string_view expecting) {
  return fail_at(pos_,
                 "mismatched input " + display(peek()) + " expecting " + std::string(expecting));
}

bool parser::fail_message(std::string message) {
  return fail_with(syntax_error(std::move(message)));
}

bool parser::fail_too_deep() {
  return fail_at(pos_, "nesting deeper than " + std::to_string(max_depth) + " levels at input " +
                           display(peek()));
}

std::string parser::lex_error_message() const {
  if (!lex_failure_) return {};
  const std::size_t at = lex_failure_->offset;
  const std::size_t end = cql_.size();
  const auto mismatched = [&](std::size_t p, std::string_view expecting) {
    return header(p) + " mismatched character " + char_display(cql_, p) + " expecting " +
           std::string(expecting);
  };
  switch (lex_failure_->code) {
    case cql::errc::unterminated_string:
      if (at < end && cql_[at] == '$') {
        // The $$ loop stops one character before the end, then wants '$'.
        if (at + 2 >= end) return mismatched(end, "'$'");
        std::size_t last = end - 1;
        while (last > at + 2 && (static_cast<unsigned char>(cql_[last]) & 0xC0) == 0x80)
          --last;
        return mismatched(last, "'$'");
      }
      return mismatched(end, "'''");
    case cql::errc::unterminated_quoted_identifier:
      return mismatched(end, "'\"'");
    case cql::errc::unterminated_comment:
      return mismatched(end, "'*'");
    case cql::errc::unexpected_character:
      if (at < end && (cql_[at] == '!' || cql_[at] == '$')) {
        return mismatched(at + 1, cql_[at] == '!' ? "'='" : "'$'");
      }
      return header(at) + " no viable alternative at character " + char_display(cql_, at);
    case cql::errc::ok:
      break;
  }
  return header(at) + " no viable alternative at character " + char_display(cql_, at);
}

std::string parser::snippet(const cql::token& offending) const {
  std::vector<span> spans;
  std::size_t previous_end = 0;
  for (const token_span& t : layout_) {
    if (t.offset > previous_end) spans.push_back({previous_end, t.offset - previous_end, false});
    if (t.end) {
      spans.push_back({t.offset, 0, true});
      break;
    }
    spans.push_back({t.offset, t.length, false});
    previous_end = t.offset + t.length;
  }
  std::size_t index = spans.size();
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (!spans[i].eof && spans[i].length > 0 && spans[i].offset == offending.offset) {
      index = i;
      break;
    }
  }
  if (index >= spans.size()) return {};
  const span from = spans[index >= 10 ? index - 10 : 0];
  const span to = spans[std::min(spans.size() - 1, index + 2)];
  const span off = spans[index];
  if (to.eof) return {};  // ANTLR's EOF token has no position: Cassandra shows no snippet

  std::vector<std::string> lines = split_lines(cql_);
  const auto line_of = [&](std::size_t offset) {
    return static_cast<std::size_t>(std::count(cql_.begin(), cql_.begin() + offset, '\n'));
  };
  const auto column_of = [&](std::size_t offset) -> std::size_t {
    if (offset == 0) return 0;
    const std::size_t nl = cql_.rfind('\n', offset - 1);
    return nl == std::string_view::npos ? offset : offset - nl - 1;
  };
  const std::size_t from_line = line_of(from.offset);
  const std::size_t to_line = line_of(to.offset);
  const std::size_t off_line = line_of(off.offset);
  if (to_line >= lines.size() || off_line >= lines.size()) return {};
  const std::size_t from_column = column_of(from.offset);
  const std::size_t to_end = column_of(to.offset) + to.length;
  const std::size_t off_column = column_of(off.offset);

  const bool includes_start = from_line == 0 && from_column == 0;
  const bool includes_end = to_line + 1 == lines.size() && to_end == lines.back().size();
  std::string out = " (";
  if (!includes_start) out += "...";
  if (to_end < lines[to_line].size()) lines[to_line].resize(to_end);
  std::string& highlighted = lines[off_line];
  highlighted.insert(std::min(off_column + off.length, highlighted.size()), 1, ']');
  highlighted.insert(std::min(off_column, highlighted.size()), 1, '[');
  lines[from_line].erase(0, std::min(from_column, lines[from_line].size()));
  for (std::size_t i = from_line; i <= to_line; ++i)
    out += lines[i];
  if (!includes_end) out += "...";
  out += ")";
  return out;
}

}  // namespace cqlshift::sim::parser_detail
