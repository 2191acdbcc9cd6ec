// A JSON reader with Jackson's strictness (ObjectMapper defaults): no comments, no single
// quotes, no leading zeros, no control characters in strings, escapes decoded to UTF-8.

#include "values_impl.hpp"

namespace cqlshift::sim::detail {

namespace {

// Jackson's default nesting limit is 1000; half of it keeps the recursion shallow.
constexpr int max_json_depth = 500;

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class json_parser {
 public:
  explicit json_parser(std::string_view s) : s_(s) {}

  // The first value of the input; what follows it is ignored, as ObjectMapper.readValue does.
  sim_result<json_node> parse_root() {
    skip_ws();
    if (pos_ == s_.size()) return *fail("No content to map due to end-of-input");
    json_node n;
    if (auto e = value(n, 0)) return *e;
    return n;
  }

 private:
  std::optional<cql_error> fail(std::string what) const {
    return invalid_request(what + " at character " + std::to_string(pos_ + 1));
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::optional<cql_error> unexpected() const {
    if (pos_ >= s_.size()) return fail("Unexpected end-of-input");
    const auto c = static_cast<unsigned char>(s_[pos_]);
    return fail("Unexpected character ('" + std::string(1, s_[pos_]) + "' (code " +
                std::to_string(c) + "))");
  }

  std::optional<cql_error> value(json_node& n, int depth) {
    if (depth > max_json_depth) return fail("Document nested too deeply");
    skip_ws();
    n.begin = pos_;
    if (pos_ >= s_.size()) return unexpected();
    const char c = s_[pos_];
    std::optional<cql_error> e;
    if (c == '{') {
      e = object(n, depth);
    } else if (c == '[') {
      e = array(n, depth);
    } else if (c == '"') {
      n.k = json_node::kind::string;
      e = string(n.text);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      e = number(n);
      // Jackson checks that a number at the root ends at a space or the end of input.
      if (!e && depth == 0 && pos_ < s_.size() && s_[pos_] != ' ' && s_[pos_] != '\t' &&
          s_[pos_] != '\n' && s_[pos_] != '\r') {
        e = fail("Unexpected character ('" + std::string(1, s_[pos_]) +
                 "'): Expected space separating root-level values");
      }
    } else if (keyword("true") || keyword("false")) {
      n.k = json_node::kind::boolean;
      n.text = c == 't' ? "true" : "false";
    } else if (keyword("null")) {
      n.k = json_node::kind::null;
    } else {
      e = unexpected();
    }
    n.end = pos_;
    return e;
  }

  bool keyword(std::string_view word) {
    if (s_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<cql_error> object(json_node& n, int depth) {
    n.k = json_node::kind::object;
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return std::nullopt;
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return unexpected();
      std::string key;
      if (auto e = string(key)) return e;
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return unexpected();
      ++pos_;
      json_node v;
      if (auto e = value(v, depth + 1)) return e;
      n.keys.push_back(std::move(key));
      n.items.push_back(std::move(v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return std::nullopt;
      }
      return unexpected();
    }
  }

  std::optional<cql_error> array(json_node& n, int depth) {
    n.k = json_node::kind::array;
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return std::nullopt;
    }
    while (true) {
      json_node v;
      if (auto e = value(v, depth + 1)) return e;
      n.items.push_back(std::move(v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return std::nullopt;
      }
      return unexpected();
    }
  }

  std::optional<cql_error> hex4(std::uint32_t& out) {
    out = 0;
    for (int k = 0; k < 4; ++k, ++pos_) {
      if (pos_ >= s_.size()) return fail("Unexpected end-of-input in escape sequence");
      const char c = s_[pos_];
      std::uint32_t d = 0;
      if (c >= '0' && c <= '9') {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return fail("Unexpected character in hex escape");
      }
      out = out * 16 + d;
    }
    return std::nullopt;
  }

  std::optional<cql_error> string(std::string& out) {
    ++pos_;  // the opening quote
    while (true) {
      if (pos_ >= s_.size()) return fail("Unexpected end-of-input in a string value");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return std::nullopt;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return fail("Illegal unquoted character ((CTRL-CHAR, code " +
                    std::to_string(static_cast<int>(c)) + "))");
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= s_.size()) return fail("Unexpected end-of-input in escape sequence");
      const char esc = s_[pos_++];
      switch (esc) {
        case '"':
        case '\\':
        case '/':
          out += esc;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (auto e = hex4(cp)) return e;
          if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(pos_, 2, "\\u") == 0) {
            const std::size_t save = pos_;
            pos_ += 2;
            std::uint32_t low = 0;
            if (auto e = hex4(low)) return e;
            if (low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              pos_ = save;
            }
          }
          // A lone surrogate has no UTF-8 form: it becomes U+FFFD, as Java's encoder does.
          if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
          append_utf8(out, cp);
          break;
        }
        default:
          return fail("Unrecognized character escape '" + std::string(1, esc) + "'");
      }
    }
  }

  std::optional<cql_error> number(json_node& n) {
    n.k = json_node::kind::number;
    const std::size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    const auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9')
        ++pos_;
      return pos_ - from;
    };
    const std::size_t int_start = pos_;
    const std::size_t int_digits = digits();
    if (int_digits == 0) return unexpected();
    if (int_digits > 1 && s_[int_start] == '0') {
      return fail("Invalid numeric value: Leading zeroes not allowed");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return fail("Decimal point not followed by a digit");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return fail("Exponent indicator not followed by a digit");
    }
    if (pos_ - start > max_number_digits) return fail("Number too long");
    n.text = std::string(s_.substr(start, pos_ - start));
    return std::nullopt;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

sim_result<json_node> parse_json(std::string_view text) {
  return json_parser(text).parse_root();
}

}  // namespace cqlshift::sim::detail
