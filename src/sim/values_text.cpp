// The text forms of numbers, addresses and blobs as Cassandra's marshal types read and write
// them (Java's parseInt/parseLong/Double.valueOf, BigInteger, BigDecimal, InetAddress), and
// fromString for every type.

#include "values_impl.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cqlshift::sim::detail {

namespace {

using protocol::bytes;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// [+-]?digits, as Integer.parseInt/Long.parseLong read it, within [lo, hi].
std::optional<std::int64_t> parse_bounded(std::string_view s, std::int64_t lo, std::int64_t hi) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::uint64_t magnitude = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (UINT64_MAX - d) / 10) return std::nullopt;
    magnitude = magnitude * 10 + d;
  }
  if (negative) {
    if (magnitude > static_cast<std::uint64_t>(INT64_MAX) + 1) return std::nullopt;
    const std::int64_t v = magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1
                               ? INT64_MIN
                               : -static_cast<std::int64_t>(magnitude);
    if (v < lo) return std::nullopt;
    return v;
  }
  if (magnitude > static_cast<std::uint64_t>(hi)) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

// The grammar of Java's FloatingDecimal.readJavaFormatString (decimal forms only), on the trimmed
// text; returns the text strtod should read, or nullopt.
std::optional<std::string> java_float_text(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ')
    s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ')
    s.remove_suffix(1);
  std::string out;
  std::size_t pos = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) out += s[pos++];
  const std::string_view rest = s.substr(pos);
  if (rest == "NaN" || rest == "Infinity") return out + std::string(rest);
  std::size_t digits = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    out += s[pos++];
    ++digits;
  }
  if (pos < s.size() && s[pos] == '.') {
    out += s[pos++];
    while (pos < s.size() && is_digit(s[pos])) {
      out += s[pos++];
      ++digits;
    }
  }
  if (digits == 0 || digits > max_number_digits) return std::nullopt;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    out += s[pos++];
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) out += s[pos++];
    std::size_t exp_digits = 0;
    while (pos < s.size() && is_digit(s[pos])) {
      out += s[pos++];
      ++exp_digits;
    }
    if (exp_digits == 0) return std::nullopt;
  }
  if (pos < s.size() && (s[pos] == 'f' || s[pos] == 'F' || s[pos] == 'd' || s[pos] == 'D')) {
    ++pos;
  }
  if (pos != s.size()) return std::nullopt;
  return out;
}

std::string shortest_digits(double d, bool as_float, int& exponent) {
  char buf[64];
  const auto r = as_float ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(d),
                                          std::chars_format::scientific)
                          : std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
  const std::size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (is_digit(c)) digits += c;
  }
  exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  return digits;
}

// Java's Double.toString / Float.toString layout of the shortest round-trip digits.
std::string java_floating(double d, bool as_float) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  int exponent = 0;
  const std::string digits = shortest_digits(std::fabs(d), as_float, exponent);
  std::string out = d < 0 ? "-" : "";
  const double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const auto int_len = static_cast<std::size_t>(exponent) + 1;
      std::string int_part = digits.substr(0, std::min(int_len, digits.size()));
      int_part.append(int_len - int_part.size(), '0');
      const std::string frac = digits.size() > int_len ? digits.substr(int_len) : "0";
      return out + int_part + "." + frac;
    }
    return out + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  }
  out += digits.substr(0, 1);
  out += ".";
  out += digits.size() > 1 ? digits.substr(1) : "0";
  return out + "E" + std::to_string(exponent);
}

// Java's IPAddressUtil.textToNumericFormatV4: one to four decimal parts, the last one filling
// the remaining bytes.
std::optional<bytes> ipv4(std::string_view s) {
  std::vector<std::uint64_t> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view p = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (p.empty() || p.size() > 10) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : p) {
      if (!is_digit(c)) return std::nullopt;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    parts.push_back(v);
    if (parts.size() > 4) return std::nullopt;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  bytes out(4);
  const std::size_t n = parts.size();
  for (std::size_t k = 0; k + 1 < n; ++k) {
    if (parts[k] > 255) return std::nullopt;
    out[k] = static_cast<std::uint8_t>(parts[k]);
  }
  const std::size_t last_bytes = 5 - n;
  std::uint64_t last = parts[n - 1];
  if (last >> (8 * last_bytes) != 0) return std::nullopt;
  for (std::size_t k = 4; k-- > n - 1;) {
    out[k] = static_cast<std::uint8_t>(last & 0xFF);
    last >>= 8;
  }
  return out;
}

}  // namespace

bool is_text(type_id id) noexcept {
  return id == type_id::ascii || id == type_id::text || id == type_id::varchar;
}

bool is_numeric(type_id id) noexcept {
  switch (id) {
    case type_id::tinyint:
    case type_id::smallint:
    case type_id::int_:
    case type_id::bigint:
    case type_id::counter:
    case type_id::float_:
    case type_id::double_:
    case type_id::decimal:
    case type_id::varint:
      return true;
    default:
      return false;
  }
}

bool is_collection(type_id id) noexcept {
  return id == type_id::list || id == type_id::set || id == type_id::map;
}

std::optional<std::int64_t> parse_java_long(std::string_view s) {
  return parse_bounded(s, INT64_MIN, INT64_MAX);
}

std::optional<double> parse_java_double(std::string_view s) {
  const auto text = java_float_text(s);
  if (!text) return std::nullopt;
  return std::strtod(text->c_str(), nullptr);
}

std::optional<float> parse_java_float(std::string_view s) {
  const auto text = java_float_text(s);
  if (!text) return std::nullopt;
  return std::strtof(text->c_str(), nullptr);
}

std::optional<bytes> parse_varint(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.size() > max_number_digits + 1) return std::nullopt;
  return protocol::varint_from_string(s);
}

std::optional<protocol::decimal_value> parse_decimal(std::string_view s) {
  std::size_t pos = 0;
  std::string digits;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    if (s[pos] == '-') digits += '-';
    ++pos;
  }
  std::int64_t fraction = 0;
  std::size_t count = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    digits += s[pos++];
    ++count;
  }
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && is_digit(s[pos])) {
      digits += s[pos++];
      ++count;
      ++fraction;
    }
  }
  if (count == 0 || count > max_number_digits) return std::nullopt;
  std::int64_t exponent = 0;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    const std::size_t start = pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    const auto e = parse_bounded(s.substr(start, pos - start), INT32_MIN, INT32_MAX);
    if (!e) return std::nullopt;
    exponent = *e;
  }
  if (pos != s.size()) return std::nullopt;
  const std::int64_t scale = fraction - exponent;
  if (scale < INT32_MIN || scale > INT32_MAX) return std::nullopt;
  auto unscaled = protocol::varint_from_string(digits);
  if (!unscaled) return std::nullopt;
  return protocol::decimal_value{static_cast<std::int32_t>(scale), std::move(*unscaled)};
}

std::optional<protocol::inet> parse_inet(std::string_view s) {
  if (s == "localhost") return protocol::inet{{127, 0, 0, 1}, 0};
  if (auto v4 = ipv4(s)) return protocol::inet{std::move(*v4), 0};
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (s.find(':') == std::string_view::npos || s.size() > 64) return std::nullopt;
  const std::string text(s);
  bytes out(16);
  if (inet_pton(AF_INET6, text.c_str(), out.data()) != 1) return std::nullopt;
  // Java turns an IPv4-mapped IPv6 address into the IPv4 address.
  bool mapped = out[10] == 0xFF && out[11] == 0xFF;
  for (std::size_t k = 0; k < 10; ++k)
    mapped = mapped && out[k] == 0;
  if (mapped) return protocol::inet{bytes(out.begin() + 12, out.end()), 0};
  return protocol::inet{std::move(out), 0};
}

std::string format_inet(const protocol::inet& i) {
  if (i.address.size() == 4) {
    return std::to_string(i.address[0]) + "." + std::to_string(i.address[1]) + "." +
           std::to_string(i.address[2]) + "." + std::to_string(i.address[3]);
  }
  std::string out;
  char buf[8];
  for (std::size_t k = 0; k + 1 < i.address.size(); k += 2) {
    if (!out.empty()) out += ':';
    std::snprintf(buf, sizeof buf, "%x", (i.address[k] << 8) | i.address[k + 1]);
    out += buf;
  }
  return out;
}

std::string format_hex(protocol::byte_view b) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (std::uint8_t x : b) {
    out += hex[x >> 4];
    out += hex[x & 0x0F];
  }
  return out;
}

std::string format_decimal(const protocol::decimal_value& d) {
  std::string coeff = protocol::varint_to_string(d.unscaled);
  const bool negative = !coeff.empty() && coeff[0] == '-';
  if (negative) coeff.erase(0, 1);
  const std::string sign = negative ? "-" : "";
  const std::int64_t scale = d.scale;
  const auto len = static_cast<std::int64_t>(coeff.size());
  if (scale == 0) return sign + coeff;
  const std::int64_t adjusted = -scale + (len - 1);
  if (scale > 0 && adjusted >= -6) {
    if (len > scale) {
      return sign + coeff.substr(0, static_cast<std::size_t>(len - scale)) + "." +
             coeff.substr(static_cast<std::size_t>(len - scale));
    }
    return sign + "0." + std::string(static_cast<std::size_t>(scale - len), '0') + coeff;
  }
  std::string out = sign + coeff.substr(0, 1);
  if (len > 1) out += "." + coeff.substr(1);
  if (adjusted != 0) out += std::string("E") + (adjusted > 0 ? "+" : "") + std::to_string(adjusted);
  return out;
}

std::string format_double(double d) {
  return java_floating(d, false);
}

std::string format_float(float f) {
  return java_floating(f, true);
}

std::string json_quote(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 0x0F];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

sim_result<cql_value> from_string(const data_type& t, std::string_view text,
                                  std::int64_t now_millis) {
  const auto number = [&](std::int64_t lo, std::int64_t hi,
                          const char* what) -> sim_result<std::int64_t> {
    if (auto v = parse_bounded(text, lo, hi)) return *v;
    return invalid_request(std::string("Unable to make ") + what + " from " + quoted(text));
  };
  switch (t.id) {
    case type_id::ascii:
      for (std::size_t k = 0; k < text.size(); ++k) {
        const auto u = static_cast<unsigned char>(text[k]);
        if (u >= 0x80) {
          // Java counts UTF-16 units: a 4-byte UTF-8 sequence is a surrogate pair.
          const char* length = u >= 0xF0 ? "2" : "1";
          return invalid_request(
              std::string("Invalid ASCII character in string literal: "
                          "java.nio.charset.UnmappableCharacterException: Input length = ") +
              length);
        }
      }
      return cql_value{std::string(text)};
    case type_id::text:
    case type_id::varchar:
      return cql_value{std::string(text)};
    case type_id::bigint:
    case type_id::counter: {
      if (text.empty()) return cql_value::empty();
      auto v = number(INT64_MIN, INT64_MAX, "long");
      if (!v) return v.error();
      return cql_value{*v};
    }
    case type_id::int_: {
      if (text.empty()) return cql_value::empty();
      auto v = number(INT32_MIN, INT32_MAX, "int");
      if (!v) return v.error();
      return cql_value{static_cast<std::int32_t>(*v)};
    }
    case type_id::smallint: {
      if (text.empty()) return invalid_request("Expected 2 bytes for a smallint (0)");
      auto v = number(INT16_MIN, INT16_MAX, "short");
      if (!v) return v.error();
      return cql_value{static_cast<std::int16_t>(*v)};
    }
    case type_id::tinyint: {
      if (text.empty()) return invalid_request("Expected 1 byte for a tinyint (0)");
      auto v = number(INT8_MIN, INT8_MAX, "byte");
      if (!v) return v.error();
      return cql_value{static_cast<std::int8_t>(*v)};
    }
    case type_id::varint: {
      if (text.empty()) return cql_value::empty();
      if (auto v = parse_varint(text)) return cql_value{std::move(*v)};
      return invalid_request("unable to make int from " + quoted(text));
    }
    case type_id::decimal: {
      if (text.empty()) return cql_value::empty();
      if (auto v = parse_decimal(text)) return cql_value{std::move(*v)};
      return invalid_request("unable to make BigDecimal from " + quoted(text));
    }
    case type_id::double_: {
      if (text.empty()) return cql_value::empty();
      if (auto v = parse_java_double(text)) return cql_value{*v};
      return invalid_request("Unable to make double from " + quoted(text));
    }
    case type_id::float_: {
      if (text.empty()) return cql_value::empty();
      if (auto v = parse_java_float(text)) return cql_value{*v};
      return invalid_request("Unable to make float from " + quoted(text));
    }
    case type_id::boolean: {
      std::string lower(text);
      for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.empty() || lower == "false") return cql_value{false};
      if (lower == "true") return cql_value{true};
      return invalid_request("Unable to make boolean from " + quoted(text));
    }
    case type_id::timestamp: {
      if (text.empty()) return cql_value::empty();
      auto v = parse_timestamp(text, now_millis);
      if (!v) return v.error();
      return cql_value{*v};
    }
    case type_id::date: {
      auto v = parse_date(text);
      if (!v) return v.error();
      return cql_value{*v};
    }
    case type_id::time: {
      auto v = parse_time(text);
      if (!v) return v.error();
      return cql_value{*v};
    }
    case type_id::uuid: {
      if (text.empty()) return cql_value::empty();
      if (auto u = protocol::parse_uuid(text)) return cql_value{*u};
      return invalid_request("Unable to make UUID from " + quoted(text));
    }
    case type_id::timeuuid: {
      if (text.empty()) return cql_value::empty();
      const auto u = protocol::parse_uuid(text);
      if (!u) return invalid_request("Unknown timeuuid representation: " + std::string(text));
      if (protocol::uuid_version(*u) != 1) {
        return invalid_request("TimeUUID supports only version 1 UUIDs");
      }
      return cql_value{*u};
    }
    case type_id::inet: {
      if (text.empty()) return cql_value::empty();
      if (auto i = parse_inet(text)) return cql_value{std::move(*i)};
      return invalid_request("Unable to make inet address from " + quoted(text));
    }
    case type_id::blob:
    case type_id::custom: {
      bytes out;
      bool ok = text.size() % 2 == 0;
      for (std::size_t k = 0; ok && k < text.size(); k += 2) {
        const auto nibble = [](char c) -> int {
          if (c >= '0' && c <= '9') return c - '0';
          if (c >= 'a' && c <= 'f') return c - 'a' + 10;
          if (c >= 'A' && c <= 'F') return c - 'A' + 10;
          return -1;
        };
        const int hi = nibble(text[k]);
        const int lo = nibble(text[k + 1]);
        ok = hi >= 0 && lo >= 0;
        out.push_back(static_cast<std::uint8_t>((hi << 4) | (lo & 0x0F)));
      }
      if (!ok) return invalid_request("cannot parse " + quoted(text) + " as hex bytes");
      return cql_value{std::move(out)};
    }
    case type_id::duration: {
      auto v = parse_duration(text);
      if (!v) return v.error();
      return cql_value{*v};
    }
    default:
      return invalid_request("Cannot parse " + quoted(text) + " as a value of type " +
                             protocol::to_cql(t));
  }
}

}  // namespace cqlshift::sim::detail
