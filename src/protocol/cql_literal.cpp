// CQL literal spelling of values, for cqlsim and for rewriting now() into a literal.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/timeuuid.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace cqlshift::protocol {

namespace {

// The day numbers (since 1970-01-01) of 0000-01-01 and 9999-12-31: the years 'yyyy-mm-dd'
// can spell.
constexpr std::int64_t first_4_digit_day = -719'528;
constexpr std::int64_t last_4_digit_day = 2'932'896;
constexpr std::int64_t date_epoch = std::int64_t{1} << 31;
// Past this scale a decimal is written with an exponent rather than padded with zeros.
constexpr std::int64_t max_plain_scale = 64;

template <class T>
const T* get(const cql_value& v) noexcept {
  return std::get_if<T>(&v.v);
}

std::string quote(std::string_view s, char q) {
  std::string out(1, q);
  for (char c : s) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

// Names that are not lowercase identifiers must be double-quoted to keep their spelling.
std::string field_name(std::string_view name) {
  bool plain = !name.empty() && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) {
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  return plain ? std::string(name) : quote(name, '"');
}

std::string hex_blob(byte_view b) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "0x";
  for (std::uint8_t x : b) {
    out += hex[x >> 4];
    out += hex[x & 0x0F];
  }
  return out;
}

template <class F>
std::string floating(F f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f < 0 ? "-Infinity" : "Infinity";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  std::string out(buf, ec == std::errc{} ? end : buf);
  // Shortest round-trip form; "3" would read back as an integer literal.
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

std::string decimal(const decimal_value& d) {
  std::string digits = varint_to_string(d.unscaled);
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  const std::string sign = negative ? "-" : "";
  const std::int64_t scale = d.scale;
  if (scale == 0) return sign + digits;
  if (scale < 0) return sign + digits + "E+" + std::to_string(-scale);
  if (scale > max_plain_scale) return sign + digits + "E-" + std::to_string(scale);
  const auto s = static_cast<std::size_t>(scale);
  if (digits.size() <= s) digits.insert(0, s - digits.size() + 1, '0');
  digits.insert(digits.size() - s, 1, '.');
  return sign + digits;
}

std::string duration(const duration_value& d) {
  const bool negative = d.months < 0 || d.days < 0 || d.nanoseconds < 0;
  // Widened before negating: -INT32_MIN and -INT64_MIN do not fit their own types.
  const auto abs64 = [](std::int64_t v) -> std::uint64_t {
    return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  };
  std::string out = negative ? "-" : "";
  if (d.months != 0) out += std::to_string(abs64(d.months)) + "mo";
  if (d.days != 0) out += std::to_string(abs64(d.days)) + "d";
  if (d.nanoseconds != 0 || out.size() <= 1) out += std::to_string(abs64(d.nanoseconds)) + "ns";
  return out;
}

std::string date(std::uint32_t raw) {
  const std::int64_t day = std::int64_t{raw} - date_epoch;
  if (day < first_4_digit_day || day > last_4_digit_day) return quote(std::to_string(raw), '\'');
  const std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{static_cast<int>(day)}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "'%04d-%02u-%02u'", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string time_of_day(std::int64_t nanos) {
  const std::int64_t seconds = nanos / 1'000'000'000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "'%02lld:%02lld:%02lld.%09lld'",
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60),
                static_cast<long long>(nanos % 1'000'000'000));
  return buf;
}

// RFC 5952: lowercase, no leading zeros, the longest run of two or more zero groups as "::".
std::string ipv6(byte_view a) {
  std::uint16_t groups[8];
  for (int k = 0; k < 8; ++k)
    groups[k] = static_cast<std::uint16_t>((a[2 * k] << 8) | a[2 * k + 1]);
  int best = -1;
  int best_len = 1;
  for (int k = 0; k < 8;) {
    int len = 0;
    while (k + len < 8 && groups[k + len] == 0)
      ++len;
    if (len > best_len) {
      best = k;
      best_len = len;
    }
    k += len == 0 ? 1 : len;
  }
  std::string out;
  char buf[8];
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", groups[k]);
    out += buf;
  }
  return out;
}

std::string address(const inet& i) {
  if (i.address.size() == 16) return quote(ipv6(i.address), '\'');
  std::string out;
  for (std::size_t k = 0; k < 4; ++k) {
    if (k) out += '.';
    out += std::to_string(i.address[k]);
  }
  return quote(out, '\'');
}

errc literal_at(const data_type& t, const cql_value& v, int depth, std::string& out);

errc join(const std::vector<data_type>& types, const cql_list& l, bool per_field, int depth,
          const char* open, const char* close, const std::vector<std::string>* names,
          std::string& out) {
  out += open;
  for (std::size_t k = 0; k < l.size(); ++k) {
    if (k) out += ", ";
    if (names != nullptr) out += field_name((*names)[k]) + ": ";
    if (errc e = literal_at(types[per_field ? k : 0], l[k], depth + 1, out); e != errc::ok) {
      return e;
    }
  }
  out += close;
  return errc::ok;
}

errc literal_collection(const data_type& t, const cql_value& v, int depth, std::string& out) {
  switch (t.id) {
    case type_id::list:
    case type_id::set: {
      const auto* l = get<cql_list>(v);
      if (l == nullptr || t.params.size() != 1) return errc::invalid_value;
      const bool list = t.id == type_id::list;
      return join(t.params, *l, false, depth, list ? "[" : "{", list ? "]" : "}", nullptr, out);
    }
    case type_id::map: {
      const auto* m = get<cql_map>(v);
      if (m == nullptr || t.params.size() != 2) return errc::invalid_value;
      out += '{';
      for (std::size_t k = 0; k < m->size(); ++k) {
        if (k) out += ", ";
        if (errc e = literal_at(t.params[0], (*m)[k].first, depth + 1, out); e != errc::ok)
          return e;
        out += ": ";
        if (errc e = literal_at(t.params[1], (*m)[k].second, depth + 1, out); e != errc::ok) {
          return e;
        }
      }
      out += '}';
      return errc::ok;
    }
    case type_id::tuple: {
      const auto* l = get<cql_list>(v);
      if (l == nullptr || l->size() > t.params.size()) return errc::invalid_value;
      return join(t.params, *l, true, depth, "(", ")", nullptr, out);
    }
    case type_id::udt: {
      const auto* l = get<cql_list>(v);
      if (l == nullptr || l->size() > t.params.size() || l->size() > t.field_names.size()) {
        return errc::invalid_value;
      }
      return join(t.params, *l, true, depth, "{", "}", &t.field_names, out);
    }
    default:
      return errc::unknown_type;
  }
}

// The literal of a non-collection value, or nullopt when the value does not fit the type.
std::optional<std::string> literal_scalar(const data_type& t, const cql_value& v) {
  switch (t.id) {
    case type_id::ascii:
    case type_id::text:
    case type_id::varchar:
      if (const auto* s = get<std::string>(v)) return quote(*s, '\'');
      break;
    case type_id::bigint:
    case type_id::counter:
    case type_id::timestamp:
      if (const auto* i = get<std::int64_t>(v)) return std::to_string(*i);
      break;
    case type_id::time:
      if (const auto* i = get<std::int64_t>(v); i && *i >= 0 && *i < 86'400'000'000'000) {
        return time_of_day(*i);
      }
      break;
    case type_id::custom:
    case type_id::blob:
      if (const auto* b = get<bytes>(v)) return hex_blob(*b);
      break;
    case type_id::varint:
      if (const auto* b = get<bytes>(v); b && !b->empty()) return varint_to_string(*b);
      break;
    case type_id::boolean:
      if (const auto* b = get<bool>(v)) return *b ? "true" : "false";
      break;
    case type_id::decimal:
      if (const auto* d = get<decimal_value>(v); d && !d->unscaled.empty()) return decimal(*d);
      break;
    case type_id::double_:
      if (const auto* d = get<double>(v)) return floating(*d);
      break;
    case type_id::float_:
      if (const auto* f = get<float>(v)) return floating(*f);
      break;
    case type_id::int_:
      if (const auto* i = get<std::int32_t>(v)) return std::to_string(*i);
      break;
    case type_id::smallint:
      if (const auto* i = get<std::int16_t>(v)) return std::to_string(*i);
      break;
    case type_id::tinyint:
      if (const auto* i = get<std::int8_t>(v)) return std::to_string(int{*i});
      break;
    case type_id::uuid:
    case type_id::timeuuid:
      if (const auto* u = get<uuid>(v)) return to_string(*u);
      break;
    case type_id::inet:
      if (const auto* i = get<inet>(v); i && (i->address.size() == 4 || i->address.size() == 16)) {
        return address(*i);
      }
      break;
    case type_id::date:
      if (const auto* d = get<std::uint32_t>(v)) return date(*d);
      break;
    case type_id::duration:
      if (const auto* d = get<duration_value>(v)) return duration(*d);
      break;
    default:
      break;
  }
  return std::nullopt;
}

bool is_collection(type_id id) noexcept {
  return id == type_id::list || id == type_id::set || id == type_id::map || id == type_id::tuple ||
         id == type_id::udt;
}

errc literal_at(const data_type& t, const cql_value& v, int depth, std::string& out) {
  if (depth > max_type_nesting) return errc::nesting_too_deep;
  if (v.is_null()) {
    out += "null";
    return errc::ok;
  }
  if (v.is_empty()) {
    // Cassandra's TimestampType and InetAddressType parse an empty string as zero bytes; every
    // other type's literal has at least one character of value (blobAsInt(0x) would work, but
    // it is a function call, not a literal).
    if (t.id != type_id::timestamp && t.id != type_id::inet) return errc::invalid_value;
    out += "''";
    return errc::ok;
  }
  if (is_collection(t.id)) return literal_collection(t, v, depth, out);
  auto s = literal_scalar(t, v);
  if (!s) return errc::invalid_value;
  out += *s;
  return errc::ok;
}

}  // namespace

result<std::string> to_cql_literal(const data_type& t, const cql_value& v) {
  std::string out;
  if (errc e = literal_at(t, v, 0, out); e != errc::ok) return e;
  return out;
}

}  // namespace cqlshift::protocol
