#include "parse_value.hpp"

#include "cqlshift/protocol/version.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <string_view>

namespace cqlshift::config::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A list item re-wrapped as a value, so that its error shows the bad item, not the whole list.
raw_value item_of(const raw_value& v, std::string_view item) {
  raw_value out = v;
  out.text = std::string(item);
  out.items.reset();
  return out;
}

// Lists and single values share one parser per item type; a scalar key given a YAML sequence
// is a mistake worth naming, not something to join silently.
std::string scalar_text(const raw_value& v, std::string_view expected) {
  if (v.items) reject(v, expected);
  return std::string(trim(v.text));
}

constexpr std::string_view protocol_versions_accepted =
    "one of 2, 3, 4, 5, v2, v3, v4, v5, DseV1, DseV2, Dse_V1, Dse_V2 (any case)";

}  // namespace

std::string parse_string(const raw_value& v) {
  if (v.items) reject(v, "a single value, not a list");
  return v.text;  // kept as given: paths and passwords may legitimately hold spaces
}

bool parse_bool(const raw_value& v) {
  constexpr std::string_view expected = "true or false";
  const std::string t = lower(scalar_text(v, expected));
  // The reference parses booleans with Go's strconv.ParseBool (1/t/true, 0/f/false); YAML 1.1
  // adds yes/no and on/off, which hand-written files use.
  if (t == "true" || t == "t" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "f" || t == "0" || t == "no" || t == "off") return false;
  reject(v, expected);
}

long long parse_integer(const raw_value& v, long long min, long long max) {
  const std::string expected =
      "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const std::string t = scalar_text(v, expected);
  long long value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc{} || end != t.data() + t.size() || value < min || value > max) {
    reject(v, expected);
  }
  return value;
}

namespace {

// A finite number in [min, max], or a rejection naming `expected`.
double parse_bounded(const raw_value& v, double min, double max, const std::string& expected) {
  const std::string t = scalar_text(v, expected);
  double value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc{} || end != t.data() + t.size() || !std::isfinite(value) ||
      value < min || value > max) {
    reject(v, expected);
  }
  return value;
}

}  // namespace

double parse_number(const raw_value& v, double min) {
  std::ostringstream expected;
  expected << "a number of at least " << min;  // shortest form: 1, 0.5
  return parse_bounded(v, min, std::numeric_limits<double>::infinity(), expected.str());
}

double parse_number_in(const raw_value& v, double min, double max) {
  std::ostringstream expected;
  expected << "a number from " << min << " to " << max;
  return parse_bounded(v, min, max, expected.str());
}

std::vector<std::string> parse_list(const raw_value& v) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view item) {
    item = trim(item);
    if (!item.empty()) out.emplace_back(item);
  };
  if (v.items) {
    for (const auto& item : *v.items)
      add(item);
    return out;
  }
  std::string_view rest = v.text;
  for (auto comma = rest.find(','); comma != std::string_view::npos; comma = rest.find(',')) {
    add(rest.substr(0, comma));
    rest.remove_prefix(comma + 1);
  }
  add(rest);
  return out;
}

std::vector<double> parse_buckets(const raw_value& v) {
  constexpr std::string_view expected =
      "a comma-separated list of increasing numbers of milliseconds greater than 0";
  std::vector<double> out;
  for (const auto& item : parse_list(v)) {
    double value = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc{} || end != item.data() + item.size() || !std::isfinite(value) ||
        value <= 0 || (!out.empty() && value <= out.back())) {
      reject(item_of(v, item), expected);
    }
    out.push_back(value);
  }
  if (out.empty()) reject(v, expected);
  return out;
}

std::vector<std::string> parse_addresses(const raw_value& v) {
  std::vector<std::string> out = parse_list(v);
  for (const auto& item : out) {
    std::array<unsigned char, 16> buffer{};
    if (inet_pton(AF_INET, item.c_str(), buffer.data()) != 1 &&
        inet_pton(AF_INET6, item.c_str(), buffer.data()) != 1) {
      reject(item_of(v, item), "a comma-separated list of IP addresses");
    }
  }
  return out;
}

cluster_name parse_cluster_name(const raw_value& v) {
  constexpr std::string_view expected = "ORIGIN or TARGET (any case)";
  const std::string t = lower(scalar_text(v, expected));
  if (t == "origin") return cluster_name::origin;
  if (t == "target") return cluster_name::target;
  reject(v, expected);
}

read_mode parse_read_mode(const raw_value& v) {
  constexpr std::string_view expected = "PRIMARY_ONLY or DUAL_ASYNC_ON_SECONDARY (any case)";
  const std::string t = lower(scalar_text(v, expected));
  if (t == "primary_only") return read_mode::primary_only;
  if (t == "dual_async_on_secondary") return read_mode::dual_async_on_secondary;
  reject(v, expected);
}

log_format parse_log_format(const raw_value& v) {
  constexpr std::string_view expected = "text or json (any case)";
  const std::string t = lower(scalar_text(v, expected));
  if (t == "text") return log_format::text;
  if (t == "json") return log_format::json;
  reject(v, expected);
}

shadow_compare parse_shadow_compare(const raw_value& v) {
  constexpr std::string_view expected = "rows, count or off (any case)";
  const std::string t = lower(scalar_text(v, expected));
  if (t == "rows") return shadow_compare::rows;
  if (t == "count") return shadow_compare::count;
  if (t == "off") return shadow_compare::off;
  reject(v, expected);
}

std::string parse_log_level(const raw_value& v) {
  constexpr std::string_view expected =
      "one of trace, debug, info, warn, error, critical (any case; the reference's WARNING, "
      "FATAL and PANIC too)";
  const std::string t = lower(scalar_text(v, expected));
  if (t == "trace" || t == "debug" || t == "info" || t == "warn" || t == "error" ||
      t == "critical") {
    return t;
  }
  // The reference's logrus names: WARNING is WARN; FATAL and PANIC log only what ends the
  // process, which is spdlog's critical.
  if (t == "warning") return "warn";
  if (t == "fatal" || t == "panic") return "critical";
  reject(v, expected);
}

std::uint8_t parse_protocol_version(const raw_value& v) {
  using protocol::protocol_version;
  std::string t = lower(scalar_text(v, protocol_versions_accepted));
  if (t == "dsev1" || t == "dse_v1") return protocol::raw(protocol_version::dse_v1);
  if (t == "dsev2" || t == "dse_v2") return protocol::raw(protocol_version::dse_v2);
  if (t.size() == 2 && t[0] == 'v') t.erase(0, 1);
  if (t.size() == 1 && t[0] >= '2' && t[0] <= '5') return static_cast<std::uint8_t>(t[0] - '0');
  reject(v, protocol_versions_accepted);
}

std::vector<std::uint8_t> parse_protocol_versions(const raw_value& v) {
  std::vector<std::uint8_t> out;
  for (const auto& item : parse_list(v)) {
    const std::uint8_t version = parse_protocol_version(item_of(v, item));
    if (std::find(out.begin(), out.end(), version) == out.end()) out.push_back(version);
  }
  return out;
}

std::string parse_metrics_prefix(const raw_value& v) {
  constexpr std::string_view expected =
      "a Prometheus name prefix: letters, digits, '_' and ':', not starting with a digit";
  const std::string t = scalar_text(v, expected);
  auto valid = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  };
  if (t.empty() || std::isdigit(static_cast<unsigned char>(t[0])) ||
      !std::all_of(t.begin(), t.end(), valid)) {
    reject(v, expected);
  }
  return t;
}

}  // namespace cqlshift::config::detail
