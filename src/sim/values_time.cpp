// The text forms of timestamp, date and time values, as Cassandra 4 reads and writes them:
// TimestampSerializer (commons-lang FastDateParser over java.util.GregorianCalendar, so Julian
// dates before 1582-10-15, and the server's zone taken as UTC), SimpleDateSerializer (java.time
// ISO_LOCAL_DATE, strict) and TimeSerializer.

#include "values_impl.hpp"

#include <array>
#include <cctype>
#include <climits>
#include <cstdio>

namespace cqlshift::sim::detail {

namespace {

constexpr std::int64_t millis_per_day = 86'400'000;
constexpr std::int64_t nanos_per_day = 86'400'000'000'000;
constexpr std::int64_t date_epoch = std::int64_t{1} << 31;
// 1582-10-15, the first Gregorian day of java.util.GregorianCalendar, in days since 1970-01-01.
constexpr std::int64_t gregorian_cutover_day = -141'427;
// GregorianCalendar's YEAR range when not lenient.
constexpr std::int64_t max_calendar_year = 292'278'994;

struct civil {
  std::int64_t year;
  int month;
  int day;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Proleptic Gregorian calendar (H. Hinnant's days_from_civil / civil_from_days).
std::int64_t days_from_gregorian(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146'097 + doe - 719'468;
}

civil gregorian_from_days(std::int64_t z) {
  z += 719'468;
  const std::int64_t era = floor_div(z, 146'097);
  const std::int64_t doe = z - era * 146'097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// Julian calendar through the Julian day number (Unix epoch = JDN 2440588).
std::int64_t days_from_julian(std::int64_t y, int m, int d) {
  const std::int64_t a = (14 - m) / 12;
  const std::int64_t yy = y + 4800 - a;
  const std::int64_t mm = m + 12 * a - 3;
  const std::int64_t jdn = d + (153 * mm + 2) / 5 + 365 * yy + floor_div(yy, 4) - 32'083;
  return jdn - 2'440'588;
}

civil julian_from_days(std::int64_t days) {
  const std::int64_t c = days + 2'440'588 + 32'082;
  const std::int64_t d = floor_div(4 * c + 3, 1461);
  const std::int64_t e = c - floor_div(1461 * d, 4);
  const std::int64_t m = (5 * e + 2) / 153;
  return {d - 4800 + m / 10, static_cast<int>(m + 3 - 12 * (m / 10)),
          static_cast<int>(e - (153 * m + 2) / 5 + 1)};
}

bool gregorian_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(std::int64_t y, int m, bool julian) {
  static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) return (julian ? y % 4 == 0 : gregorian_leap(y)) ? 29 : 28;
  return days[static_cast<std::size_t>(m - 1)];
}

// What GregorianCalendar does with fields: Julian before the cutover, Gregorian after.
bool is_julian(std::int64_t y, int m, int d) {
  return y < 1582 || (y == 1582 && (m < 10 || (m == 10 && d < 15)));
}

civil calendar_from_days(std::int64_t days) {
  return days < gregorian_cutover_day ? julian_from_days(days) : gregorian_from_days(days);
}

bool is_java_whitespace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1C' && c <= '\x1F');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// A cursor over the input of FastDateParser's strategies.
struct date_cursor {
  std::string_view s;
  std::size_t pos = 0;

  bool at_end() const { return pos == s.size(); }
  bool literal(char c) {
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // A NumberStrategy field followed by a non-number: leading whitespace skipped, then every
  // digit (Integer.parseInt of them: more than 9 digits is refused here).
  bool number(std::int64_t& out) {
    while (pos < s.size() && is_java_whitespace(s[pos]))
      ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    if (pos == start || pos - start > 9) return false;
    out = 0;
    for (std::size_t k = start; k < pos; ++k)
      out = out * 10 + (s[k] - '0');
    return true;
  }
};

bool fixed_digits(std::string_view s, std::size_t pos, std::size_t n, std::int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t k = pos; k < pos + n; ++k) {
    if (!is_digit(s[k])) return false;
    out = out * 10 + (s[k] - '0');
  }
  return true;
}

// ISO 8601 zones of the X, XX and XXX patterns: Z, +hh, +hhmm, +hh:mm; the whole rest of the
// input. Offset in minutes.
bool iso_zone(std::string_view rest, std::int64_t& offset_minutes) {
  if (rest == "Z") {
    offset_minutes = 0;
    return true;
  }
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return false;
  const std::int64_t sign = rest[0] == '-' ? -1 : 1;
  std::int64_t h = 0;
  std::int64_t m = 0;
  if (!fixed_digits(rest, 1, 2, h)) return false;
  if (rest.size() == 3) {
    // +hh
  } else if (rest.size() == 5 && fixed_digits(rest, 3, 2, m)) {
    // +hhmm
  } else if (rest.size() == 6 && rest[3] == ':' && fixed_digits(rest, 4, 2, m)) {
    // +hh:mm
  } else {
    return false;
  }
  if (h > 23 || m > 59) return false;
  offset_minutes = sign * (h * 60 + m);
  return true;
}

struct named_zone {
  const char* name;
  int offset_minutes;
};

// The zone names of the z pattern that cqlsim knows: UTC/GMT and the common abbreviations of
// fixed offset (Java's zone strings hold many more; those are refused).
constexpr std::array<named_zone, 24> zone_names{{
    {"utc", 0},
    {"gmt", 0},
    {"ut", 0},
    {"z", 0},
    {"coordinated universal time", 0},
    {"greenwich mean time", 0},
    {"est", -300},
    {"edt", -240},
    {"cst", -360},
    {"cdt", -300},
    {"mst", -420},
    {"mdt", -360},
    {"pst", -480},
    {"pdt", -420},
    {"akst", -540},
    {"akdt", -480},
    {"hst", -600},
    {"cet", 60},
    {"cest", 120},
    {"eet", 120},
    {"eest", 180},
    {"wet", 0},
    {"west", 60},
    {"jst", 540},
}};

// The general time zone of the z pattern: +hhmm, GMT+h:mm, or a zone name; the whole rest.
bool general_zone(std::string_view rest, std::int64_t& offset_minutes) {
  std::string lower(rest);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (rest.size() == 5 && (rest[0] == '+' || rest[0] == '-')) {
    std::int64_t h = 0;
    std::int64_t m = 0;
    if (!fixed_digits(rest, 1, 2, h) || !fixed_digits(rest, 3, 2, m) || h > 23 || m > 59) {
      return false;
    }
    offset_minutes = (rest[0] == '-' ? -1 : 1) * (h * 60 + m);
    return true;
  }
  if (lower.size() > 3 && lower.compare(0, 3, "gmt") == 0 && (lower[3] == '+' || lower[3] == '-')) {
    const std::string_view r = std::string_view(rest).substr(4);
    const std::size_t colon = r.find(':');
    if (colon == std::string_view::npos || colon < 1 || colon > 2 || r.size() != colon + 3) {
      return false;
    }
    std::int64_t h = 0;
    std::int64_t m = 0;
    if (!fixed_digits(r, 0, colon, h) || !fixed_digits(r, colon + 1, 2, m) || h > 23 || m > 59) {
      return false;
    }
    offset_minutes = (lower[3] == '-' ? -1 : 1) * (h * 60 + m);
    return true;
  }
  for (const auto& z : zone_names) {
    if (lower == z.name) {
      offset_minutes = z.offset_minutes;
      return true;
    }
  }
  return false;
}

// What follows the last date/time field: nothing, " zone" or an ISO zone.
bool zone_suffix(std::string_view rest, std::int64_t& offset_minutes) {
  offset_minutes = 0;
  if (rest.empty()) return true;
  if (rest[0] == ' ' && general_zone(rest.substr(1), offset_minutes)) return true;
  return iso_zone(rest, offset_minutes);
}

// Every pattern of TimestampSerializer.dateStringPatterns at once: the date, then optionally
// (' ' | 'T') HH:mm[:ss[.SSS]], then optionally a zone.
std::optional<std::int64_t> parse_date_time(std::string_view s) {
  date_cursor c{s};
  std::int64_t y = 0;
  std::int64_t mo = 0;
  std::int64_t d = 0;
  std::int64_t h = 0;
  std::int64_t mi = 0;
  std::int64_t sec = 0;
  std::int64_t ms = 0;
  if (!c.number(y) || !c.literal('-') || !c.number(mo) || !c.literal('-') || !c.number(d)) {
    return std::nullopt;
  }
  std::int64_t offset = 0;
  if (!zone_suffix(s.substr(c.pos), offset)) {
    if (!c.literal(' ') && !c.literal('T')) return std::nullopt;
    if (!c.number(h) || !c.literal(':') || !c.number(mi)) return std::nullopt;
    if (!zone_suffix(s.substr(c.pos), offset)) {
      if (!c.literal(':') || !c.number(sec)) return std::nullopt;
      if (!zone_suffix(s.substr(c.pos), offset)) {
        if (!c.literal('.') || !c.number(ms)) return std::nullopt;
        if (!zone_suffix(s.substr(c.pos), offset)) return std::nullopt;
      }
    }
  }
  // The calendar is not lenient: every field must be in its range.
  if (y < 1 || y > max_calendar_year || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59 ||
      ms > 999) {
    return std::nullopt;
  }
  const int m = static_cast<int>(mo);
  const bool julian = is_julian(y, m, static_cast<int>(d));
  if (d < 1 || d > days_in_month(y, m, julian)) return std::nullopt;
  const std::int64_t days = julian ? days_from_julian(y, m, static_cast<int>(d))
                                   : days_from_gregorian(y, m, static_cast<int>(d));
  const std::int64_t in_day = ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset * 60'000;
  std::int64_t millis = 0;
  if (__builtin_mul_overflow(days, millis_per_day, &millis) ||
      __builtin_add_overflow(millis, in_day, &millis)) {
    return std::nullopt;
  }
  return millis;
}

std::string iso_year(std::int64_t y) {
  char buf[32];
  if (y > 9999) {
    std::snprintf(buf, sizeof buf, "+%lld", static_cast<long long>(y));
  } else if (y < 0) {
    std::snprintf(buf, sizeof buf, "-%04lld", static_cast<long long>(-y));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(y));
  }
  return buf;
}

std::string java_date(std::int64_t days) {
  const civil c = gregorian_from_days(days);
  char buf[16];
  std::snprintf(buf, sizeof buf, "-%02d-%02d", c.month, c.day);
  return iso_year(c.year) + buf;
}

std::string format_timestamp(std::int64_t millis, char separator) {
  // Without multiplying back: days * millis_per_day overflows near INT64_MIN.
  const std::int64_t rem = millis % millis_per_day;
  const std::int64_t days = millis / millis_per_day - (rem < 0 ? 1 : 0);
  const std::int64_t in_day = rem < 0 ? rem + millis_per_day : rem;
  const civil c = calendar_from_days(days);
  // SimpleDateFormat's yyyy is the year of era: 1 BC is 0001.
  const std::int64_t year = c.year <= 0 ? 1 - c.year : c.year;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d%c%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(year), c.month, c.day, separator,
                static_cast<long long>(in_day / 3'600'000),
                static_cast<long long>(in_day / 60'000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return buf;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// ^-?\d+$
bool is_raw_number(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return all_digits(s);
}

}  // namespace

sim_result<std::int64_t> parse_timestamp(std::string_view s, std::int64_t now_millis) {
  if (s.size() == 3 && std::tolower(static_cast<unsigned char>(s[0])) == 'n' &&
      std::tolower(static_cast<unsigned char>(s[1])) == 'o' &&
      std::tolower(static_cast<unsigned char>(s[2])) == 'w') {
    return now_millis;
  }
  if (is_raw_number(s)) {
    if (auto v = parse_java_long(s)) return *v;
    return invalid_request("Unable to make long (for date) from: " + quoted(s));
  }
  if (auto v = parse_date_time(s)) return *v;
  return invalid_request("Unable to coerce " + quoted(s) + " to a formatted date (long)");
}

sim_result<std::uint32_t> parse_date(std::string_view s) {
  if (is_raw_number(s)) {
    const auto v = parse_java_long(s);
    if (!v || *v < 0 || *v > std::int64_t{UINT32_MAX}) {
      return invalid_request("Unable to make unsigned int (for date) from: " + quoted(s));
    }
    return static_cast<std::uint32_t>(*v);
  }
  const auto fail = [&] {
    return invalid_request("Unable to coerce " + quoted(s) + " to a formatted date (long)");
  };
  // ISO_LOCAL_DATE, strict: a year of 4 digits, or more with a sign; MM; dd.
  std::size_t pos = 0;
  const char sign = !s.empty() && (s[0] == '+' || s[0] == '-') ? s[0] : '\0';
  if (sign != '\0') ++pos;
  const std::size_t year_start = pos;
  while (pos < s.size() && is_digit(s[pos]) && pos - year_start < 10)
    ++pos;
  const std::size_t year_digits = pos - year_start;
  if (year_digits < 4 || (sign == '+' && year_digits == 4) || (sign == '\0' && year_digits > 4)) {
    return fail();
  }
  std::int64_t y = 0;
  std::int64_t m = 0;
  std::int64_t d = 0;
  fixed_digits(s, year_start, year_digits, y);
  if (sign == '-') y = -y;
  if (s.size() != pos + 6 || s[pos] != '-' || s[pos + 3] != '-' ||
      !fixed_digits(s, pos + 1, 2, m) || !fixed_digits(s, pos + 4, 2, d)) {
    return fail();
  }
  if (y > 999'999'999 || y < -999'999'999 || m < 1 || m > 12 || d < 1 ||
      d > days_in_month(y, static_cast<int>(m), false)) {
    return fail();
  }
  const std::int64_t days = days_from_gregorian(y, static_cast<int>(m), static_cast<int>(d));
  if (days < INT32_MIN) {
    return invalid_request("Input date " + std::string(s) + " is less than min supported date " +
                           java_date(INT32_MIN) + "T00:00Z");
  }
  if (days > INT32_MAX) {
    return invalid_request("Input date " + std::string(s) + " is greater than max supported date " +
                           java_date(INT32_MAX) + "T00:00Z");
  }
  return static_cast<std::uint32_t>(days + date_epoch);
}

sim_result<std::int64_t> parse_time(std::string_view source) {
  if (is_raw_number(source)) {
    const auto v = parse_java_long(source);
    if (!v || *v < 0 || *v >= nanos_per_day) {
      return invalid_request("Unable to make long (for time) from: " + quoted(source));
    }
    return *v;
  }
  const auto fail = [&] {
    return invalid_request("(TimeType) Unable to coerce " + quoted(source) +
                           " to a formatted time (long)");
  };
  // String.trim, then TimeSerializer.parseTimeStrictly.
  std::string_view s = source;
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ')
    s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ')
    s.remove_suffix(1);
  const std::size_t first = s.find(':');
  const std::size_t second = first == std::string_view::npos ? first : s.find(':', first + 1);
  if (first == std::string_view::npos || first == 0 || second == std::string_view::npos ||
      second + 1 >= s.size()) {
    return fail();
  }
  // Integer.parseInt: an optional sign, then digits.
  const auto parse_int = [](std::string_view t, std::int64_t& out) {
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
      const bool neg = t[0] == '-';
      t.remove_prefix(1);
      if (!all_digits(t) || t.size() > 9) return false;
      fixed_digits(t, 0, t.size(), out);
      if (neg) out = -out;
      return true;
    }
    if (!all_digits(t) || t.size() > 9) return false;
    return fixed_digits(t, 0, t.size(), out);
  };
  std::int64_t h = 0;
  std::int64_t m = 0;
  std::int64_t sec = 0;
  std::int64_t nanos = 0;
  if (!parse_int(s.substr(0, first), h) || h < 0 || h >= 24) return fail();
  if (!parse_int(s.substr(first + 1, second - first - 1), m) || m < 0 || m >= 60) return fail();
  const std::size_t period = s.find('.', second + 1);
  if (period != std::string_view::npos) {
    if (period + 1 >= s.size()) return fail();
    if (!parse_int(s.substr(second + 1, period - second - 1), sec) || sec < 0 || sec >= 60) {
      return fail();
    }
    const std::string_view frac = s.substr(period + 1);
    if (frac.size() > 9 || !is_digit(frac[0])) return fail();
    std::string padded(frac);
    padded.append(9 - frac.size(), '0');
    if (!parse_int(padded, nanos)) return fail();
  } else if (!parse_int(s.substr(second + 1), sec) || sec < 0 || sec >= 60) {
    return fail();
  }
  return ((h * 60 + m) * 60 + sec) * 1'000'000'000 + nanos;
}

std::string format_timestamp_json(std::int64_t millis) {
  return format_timestamp(millis, ' ');
}

std::string format_timestamp_iso(std::int64_t millis) {
  return format_timestamp(millis, 'T');
}

std::string format_date(std::uint32_t raw) {
  return java_date(std::int64_t{raw} - date_epoch);
}

std::string format_time(std::int64_t nanos) {
  const std::int64_t seconds = nanos / 1'000'000'000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%09lld",
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60),
                static_cast<long long>(nanos % 1'000'000'000));
  return buf;
}

}  // namespace cqlshift::sim::detail
