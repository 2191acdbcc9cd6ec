// The text form of duration values, as cql3.Duration reads (Duration.from: 1h30m, ISO 8601
// P1Y2M3DT4H5M6S, P2W, P0001-02-03T04:05:06) and writes them (Duration.toString).

#include "values_impl.hpp"

#include <cctype>
#include <climits>

namespace cqlshift::sim::detail {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

bool fixed_digits(std::string_view s, std::size_t pos, std::size_t n, std::int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t k = pos; k < pos + n; ++k) {
    if (!is_digit(s[k])) return false;
    out = out * 10 + (s[k] - '0');
  }
  return true;
}

}  // namespace

namespace {

// cql3.Duration.Builder: units in order, totals bounded.
class duration_builder {
 public:
  explicit duration_builder(bool negative) : negative_(negative) {}

  std::optional<cql_error> add(int unit, std::int64_t n) {
    static constexpr const char* names[] = {
        "",        "years",   "months",       "weeks",        "days",       "hours",
        "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"};
    if (unit == unit_) {
      return invalid_request(std::string("Invalid duration. The ") + names[unit] +
                             " are specified multiple times");
    }
    if (unit < unit_) {
      return invalid_request(std::string("Invalid duration. The ") + names[unit_] +
                             " should be after " + names[unit]);
    }
    unit_ = unit;
    static constexpr std::int64_t nanos_per[] = {
        0, 0, 0, 0, 0, 3'600'000'000'000, 60'000'000'000, 1'000'000'000, 1'000'000, 1'000, 1};
    const auto too_big = [](const char* what) {
      return invalid_request(std::string("Invalid duration. The total number of ") + what +
                             " must be less or equal to 2147483647");
    };
    if (unit <= 2) {
      const std::int64_t per = unit == 1 ? 12 : 1;
      if (n > (INT32_MAX - months_) / per) return too_big("months");
      months_ += n * per;
    } else if (unit <= 4) {
      const std::int64_t per = unit == 3 ? 7 : 1;
      if (n > (INT32_MAX - days_) / per) return too_big("days");
      days_ += n * per;
    } else {
      if (n > (INT64_MAX - nanos_) / nanos_per[unit]) return too_big("nanoseconds");
      nanos_ += n * nanos_per[unit];
    }
    return std::nullopt;
  }

  protocol::duration_value build() const {
    const std::int64_t sign = negative_ ? -1 : 1;
    return {static_cast<std::int32_t>(sign * months_), static_cast<std::int32_t>(sign * days_),
            sign * nanos_};
  }

 private:
  bool negative_;
  int unit_ = 0;
  std::int64_t months_ = 0;
  std::int64_t days_ = 0;
  std::int64_t nanos_ = 0;
};

// \d+ at pos, as Long.parseLong; false when absent or too long for a long.
bool duration_number(std::string_view s, std::size_t& pos, std::int64_t& out) {
  const std::size_t start = pos;
  while (pos < s.size() && is_digit(s[pos]))
    ++pos;
  if (pos == start) return false;
  const auto v = parse_java_long(s.substr(start, pos - start));
  if (!v) return false;
  out = *v;
  return true;
}

int standard_unit(std::string_view s, std::size_t& pos) {
  std::string u;
  // Longest symbols first, as the regex alternation lists them: mo before m, ms before m.
  const auto lower = [&](std::size_t k) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(s[k])));
  };
  if (pos >= s.size()) return 0;
  const char c0 = lower(pos);
  const char c1 = pos + 1 < s.size() ? lower(pos + 1) : '\0';
  if (s.compare(pos, 3, "\xC2\xB5s") == 0 || s.compare(pos, 3, "\xC2\xB5S") == 0) {
    pos += 3;
    return 9;
  }
  struct symbol {
    char a;
    char b;
    int unit;
  };
  static constexpr symbol two[] = {{'m', 'o', 2}, {'m', 's', 8}, {'u', 's', 9}, {'n', 's', 10}};
  for (const auto& sym : two) {
    if (c0 == sym.a && c1 == sym.b) {
      pos += 2;
      return sym.unit;
    }
  }
  static constexpr symbol one[] = {{'y', 0, 1}, {'w', 0, 3}, {'d', 0, 4},
                                   {'h', 0, 5}, {'s', 0, 7}, {'m', 0, 6}};
  for (const auto& sym : one) {
    if (c0 == sym.a) {
      pos += 1;
      return sym.unit;
    }
  }
  return 0;
}

}  // namespace

sim_result<protocol::duration_value> parse_duration(std::string_view input) {
  const bool negative = !input.empty() && input[0] == '-';
  const std::string_view s = negative ? input.substr(1) : input;
  const auto fail = [&] {
    return invalid_request("Unable to convert " + quoted(s) + " to a duration");
  };
  duration_builder b(negative);
  const auto add = [&](int unit, std::int64_t n) -> std::optional<cql_error> {
    return b.add(unit, n);
  };
  if (!s.empty() && s[0] == 'P') {
    std::size_t pos = 1;
    std::int64_t n = 0;
    if (s.back() == 'W') {
      if (!duration_number(s, pos, n) || pos != s.size() - 1) return fail();
      if (auto e = add(3, n)) return *e;
      return b.build();
    }
    if (s.find('-') != std::string_view::npos) {
      // P(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})
      std::int64_t f[6];
      static constexpr std::size_t at[6] = {1, 6, 9, 12, 15, 18};
      static constexpr std::size_t width[6] = {4, 2, 2, 2, 2, 2};
      if (s.size() != 20 || s[5] != '-' || s[8] != '-' || s[11] != 'T' || s[14] != ':' ||
          s[17] != ':') {
        return fail();
      }
      for (int k = 0; k < 6; ++k) {
        if (!fixed_digits(s, at[k], width[k], f[k])) return fail();
      }
      static constexpr int units[6] = {1, 2, 4, 5, 6, 7};
      for (int k = 0; k < 6; ++k) {
        if (auto e = add(units[k], f[k])) return *e;
      }
      return b.build();
    }
    // P((\d+)Y)?((\d+)M)?((\d+)D)?(T((\d+)H)?((\d+)M)?((\d+)S)?)?
    struct part {
      char designator;
      int unit;
    };
    static constexpr part date_parts[] = {{'Y', 1}, {'M', 2}, {'D', 4}};
    static constexpr part time_parts[] = {{'H', 5}, {'M', 6}, {'S', 7}};
    const auto read_parts = [&](const part* parts, std::size_t count) -> std::optional<cql_error> {
      std::size_t next = 0;
      while (pos < s.size() && is_digit(s[pos])) {
        std::size_t p = pos;
        if (!duration_number(s, p, n) || p >= s.size()) return fail();
        std::size_t k = next;
        while (k < count && parts[k].designator != s[p])
          ++k;
        if (k == count) return fail();
        if (auto e = add(parts[k].unit, n)) return e;
        pos = p + 1;
        next = k + 1;
      }
      return std::nullopt;
    };
    if (auto e = read_parts(date_parts, 3)) return *e;
    if (pos < s.size()) {
      if (s[pos] != 'T') return fail();
      ++pos;
      if (auto e = read_parts(time_parts, 3)) return *e;
    }
    if (pos != s.size()) return fail();
    return b.build();
  }
  // (\d+)(unit) repeated from the start, covering the whole input.
  std::size_t pos = 0;
  if (s.empty()) return fail();
  while (pos < s.size()) {
    std::int64_t n = 0;
    if (!duration_number(s, pos, n)) return fail();
    const int unit = standard_unit(s, pos);
    if (unit == 0) return fail();
    if (auto e = add(unit, n)) return *e;
  }
  return b.build();
}

std::string format_duration(const protocol::duration_value& d) {
  std::string out;
  if (d.months < 0 || d.days < 0 || d.nanoseconds < 0) out += '-';
  const auto magnitude = [](std::int64_t v) {
    return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  };
  // Duration.append: the quotient when the dividend reaches the divisor, and the remainder.
  const auto append = [&out](std::uint64_t dividend, std::uint64_t divisor, const char* unit) {
    if (dividend == 0 || dividend < divisor) return dividend;
    out += std::to_string(dividend / divisor) + unit;
    return dividend % divisor;
  };
  append(append(magnitude(d.months), 12, "y"), 1, "mo");
  append(magnitude(d.days), 1, "d");
  if (d.nanoseconds != 0) {
    std::uint64_t r = append(magnitude(d.nanoseconds), 3'600'000'000'000, "h");
    r = append(r, 60'000'000'000, "m");
    r = append(r, 1'000'000'000, "s");
    r = append(r, 1'000'000, "ms");
    r = append(r, 1'000, "us");
    append(r, 1, "ns");
  }
  return out;
}

}  // namespace cqlshift::sim::detail
