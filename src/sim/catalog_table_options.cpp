// Table options (TableAttributes / TableParams): defaults, WITH property parsing, validation and
// the stored form system_schema.tables shows.

#include "catalog_detail.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

namespace cqlshift::sim::detail {

namespace {

using protocol::cql_value;
using string_map = std::map<std::string, std::string>;

constexpr std::string_view compaction_package = "org.apache.cassandra.db.compaction.";
constexpr std::string_view compression_package = "org.apache.cassandra.io.compress.";
// Attributes.MAX_TTL: 20 years.
constexpr std::int32_t max_ttl = 20 * 365 * 24 * 60 * 60;
// BloomCalculations.minSupportedBloomFilterFpChance(), as Java prints it.
constexpr double min_bloom_filter_fp_chance = 6.710825130719425E-5;
constexpr std::string_view min_bloom_filter_fp_chance_text = "6.710825130719425E-5";

constexpr std::array<std::string_view, 17> table_options{"additional_write_policy",
                                                         "bloom_filter_fp_chance",
                                                         "caching",
                                                         "cdc",
                                                         "comment",
                                                         "compaction",
                                                         "compression",
                                                         "crc_check_chance",
                                                         "default_time_to_live",
                                                         "extensions",
                                                         "gc_grace_seconds",
                                                         "max_index_interval",
                                                         "memtable",
                                                         "memtable_flush_period_in_ms",
                                                         "min_index_interval",
                                                         "read_repair",
                                                         "speculative_retry"};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

cql_value text(std::string s) {
  return cql_value{std::move(s)};
}

cql_value text_map(const string_map& m) {
  protocol::cql_map out;
  for (const auto& [k, v] : m)
    out.push_back({text(k), text(v)});
  return cql_value{std::move(out)};
}

// Java's Double.toString, close enough for messages: "0.5", "2.0", "1.0E-5".
std::string java_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  char buf[64];
  const double a = std::fabs(d);
  if (a != 0 && (a < 1e-3 || a >= 1e7)) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string s(buf, end);
    auto e = s.find('e');
    std::string mant = s.substr(0, e);
    if (mant.find('.') == std::string::npos) mant += ".0";
    std::string exp = s.substr(e + 1);
    if (!exp.empty() && exp[0] == '+') exp.erase(0, 1);
    while (exp.size() > 1 && exp[0] == '0')
      exp.erase(0, 1);
    if (exp.size() > 2 && exp[0] == '-' && exp[1] == '0') exp.erase(1, 1);
    return mant + "E" + exp;
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  std::string s(buf, end);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::optional<std::int32_t> parse_int(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return std::nullopt;
  std::int32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Java's Double.parseDouble for the usual forms (digits, exponent, NaN, Infinity, a d/f suffix).
std::optional<double> parse_double(std::string_view s) {
  std::string t(s);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
    t.pop_back();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front())))
    t.erase(0, 1);
  std::string body = t;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.erase(0, 1);
  if (body == "NaN") return std::nan("");
  if (body == "Infinity") return t[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  if (!t.empty() && std::string_view("dDfF").find(t.back()) != std::string_view::npos) t.pop_back();
  if (t.empty()) return std::nullopt;
  for (char c : t) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' ||
          c == '-' || c == '+')) {
      return std::nullopt;
    }
  }
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return v;
}

// "#.####": at most four decimals, no trailing zeros.
std::string four_decimals(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", d);
  std::string s(buf);
  while (s.back() == '0')
    s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::optional<std::string> percentile_policy(std::string_view s, bool& bad_range) {
  const std::string u = upper(s);
  std::string_view num;
  if (u.size() > 10 && u.ends_with("PERCENTILE")) {
    num = std::string_view(s).substr(0, s.size() - 10);
  } else if (u.size() > 1 && u.back() == 'P') {
    num = std::string_view(s).substr(0, s.size() - 1);
  } else {
    return std::nullopt;
  }
  if (num.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;
  auto v = parse_double(num);
  if (!v) return std::nullopt;
  if (*v <= 0 || *v >= 100) {
    bad_range = true;
    return std::nullopt;
  }
  return four_decimals(*v) + "p";
}

std::optional<std::string> fixed_policy(std::string_view s) {
  const std::string u = upper(s);
  if (u.size() < 3 || !u.ends_with("MS")) return std::nullopt;
  std::string_view num = std::string_view(s).substr(0, s.size() - 2);
  if (num.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;
  auto v = parse_double(num);
  if (!v) return std::nullopt;
  return std::to_string(static_cast<std::int64_t>(*v)) + "ms";
}

// SpeculativeRetryPolicy.fromString(...).toString().
sim_result<std::string> speculative_policy(const std::string& value, std::string_view option) {
  auto invalid = [&] {
    return config_error("Invalid value " + value + " for option '" + std::string(option) + "'");
  };
  const std::string u = upper(value);
  if (u == "ALWAYS") return std::string("ALWAYS");
  if (u == "NEVER" || u == "NONE") return std::string("NEVER");
  bool bad_range = false;
  if (auto p = percentile_policy(value, bad_range)) return *p;
  if (bad_range) {
    return config_error("Invalid value " + value + " for PERCENTILE option '" +
                        std::string(option) + "': must be between (0.0 and 100.0)");
  }
  if (auto f = fixed_policy(value)) return *f;
  if ((u.starts_with("MIN(") || u.starts_with("MAX(")) && u.ends_with(")")) {
    const std::string inner = value.substr(4, value.size() - 5);
    const auto comma = inner.find(',');
    if (comma == std::string::npos) return invalid();
    auto trim = [](std::string s) {
      while (!s.empty() && s.front() == ' ')
        s.erase(0, 1);
      while (!s.empty() && s.back() == ' ')
        s.pop_back();
      return s;
    };
    const std::string a = trim(inner.substr(0, comma));
    const std::string b = trim(inner.substr(comma + 1));
    bool range_a = false;
    bool range_b = false;
    auto pa = percentile_policy(a, range_a);
    auto pb = percentile_policy(b, range_b);
    auto fa = fixed_policy(a);
    auto fb = fixed_policy(b);
    if (pa && fb) return u.substr(0, 3) + "(" + *pa + "," + *fb + ")";
    if (pb && fa) return u.substr(0, 3) + "(" + *pb + "," + *fa + ")";
    return invalid();
  }
  return invalid();
}

struct property_reader {
  const property& p;

  sim_result<std::string> simple() const {
    if (auto t = constant_text(p.value)) return *t;
    return syntax_error("Invalid value for property '" + p.name + "'. It should be a string");
  }
  sim_result<string_map> map() const {
    if (p.value.kind != term_kind::map) {
      return syntax_error("Invalid value for property '" + p.name + "'. It should be a map.");
    }
    string_map out;
    for (std::size_t i = 0; i + 1 < p.value.items.size(); i += 2) {
      auto k = constant_text(p.value.items[i]);
      auto v = constant_text(p.value.items[i + 1]);
      if (!k || !v) {
        return syntax_error("Invalid value for property '" + p.name + "'. It should be a map.");
      }
      out[*k] = *v;
    }
    return out;
  }
  sim_result<std::int32_t> integer() const {
    auto s = simple();
    if (!s) return s.error();
    if (auto v = parse_int(*s)) return *v;
    return syntax_error("Invalid integer value " + *s + " for '" + p.name + "'");
  }
  sim_result<double> floating() const {
    auto s = simple();
    if (!s) return s.error();
    if (auto v = parse_double(*s)) return *v;
    return syntax_error("Invalid double value " + *s + " for '" + p.name + "'");
  }
  sim_result<bool> boolean() const {
    auto s = simple();
    if (!s) return s.error();
    std::string l = *s;
    for (char& c : l)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == "true" || l == "yes" || l == "1") return true;
    if (l == "false" || l == "no" || l == "0") return false;
    return syntax_error("Invalid boolean value " + *s + " for '" + p.name + "'");
  }
};

// CachingParams.fromMap(...).asMap().
sim_result<cql_value> caching_value(string_map m) {
  std::string keys = "NONE";
  std::string rows = "NONE";
  if (auto it = m.find("keys"); it != m.end()) {
    const std::string u = upper(it->second);
    if (u != "ALL" && u != "NONE") {
      return config_error("Invalid value '" + it->second +
                          "' for caching sub-option 'keys': only 'ALL' and 'NONE' are allowed");
    }
    keys = u;
    m.erase(it);
  }
  if (auto it = m.find("rows_per_partition"); it != m.end()) {
    const std::string u = upper(it->second);
    auto n = parse_int(it->second);
    const bool numeric =
        !it->second.empty() && it->second.find_first_not_of("0123456789") == std::string::npos;
    if (u == "ALL" || u == "NONE") {
      rows = u;
    } else if (numeric && n) {
      rows = *n == 0 ? "NONE" : std::to_string(*n);
    } else {
      return config_error("Invalid value '" + it->second +
                          "' for caching sub-option 'rows_per_partition': only 'ALL', 'NONE', "
                          "and integer values are allowed");
    }
    m.erase(it);
  }
  if (!m.empty()) {
    std::string names;
    for (const auto& [k, v] : m)
      names += (names.empty() ? "" : ", ") + k;
    return config_error("Invalid caching sub-options [" + names +
                        "]: only 'keys' and 'rows_per_partition' are allowed");
  }
  return text_map({{"keys", keys}, {"rows_per_partition", rows}});
}

// CompactionParams.fromMap(...).asMap().
sim_result<cql_value> compaction_value(string_map m) {
  auto it = m.find("class");
  if (it == m.end()) {
    return config_error("Missing sub-option 'class' for the 'compaction' option");
  }
  std::string cls = it->second;
  if (cls.find('.') == std::string::npos) cls = std::string(compaction_package) + cls;
  static constexpr std::array<std::string_view, 4> known{
      "SizeTieredCompactionStrategy", "LeveledCompactionStrategy", "TimeWindowCompactionStrategy",
      "DateTieredCompactionStrategy"};
  const bool found =
      cls.starts_with(compaction_package) &&
      std::find(known.begin(), known.end(),
                std::string_view(cls).substr(compaction_package.size())) != known.end();
  if (!found) return config_error("Unable to find compaction strategy class '" + cls + "'");
  it->second = cls;
  m.emplace("min_threshold", "4");
  m.emplace("max_threshold", "32");
  return text_map(m);
}

// CompressionParams.fromMap(...).asMap().
sim_result<cql_value> compression_value(string_map m) {
  if (auto legacy = m.find("sstable_compression"); legacy != m.end()) {
    m.emplace("class", legacy->second);
    m.erase(legacy);
  }
  bool enabled = true;
  if (auto it = m.find("enabled"); it != m.end()) {
    std::string l = it->second;
    for (char& c : l)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    enabled = l != "false";
    m.erase(it);
  }
  if (m.empty() || !enabled) {
    if (!enabled && !m.empty()) {
      return config_error(
          "If the 'enabled' option is set to false no other options must be specified");
    }
    return text_map({{"enabled", "false"}});
  }
  auto cls = m.find("class");
  if (cls == m.end()) {
    return config_error("Missing sub-option 'class' for the 'compression' option.");
  }
  std::string name = cls->second;
  if (name.find('.') == std::string::npos) name = std::string(compression_package) + name;
  static constexpr std::array<std::string_view, 5> known{
      "LZ4Compressor", "SnappyCompressor", "DeflateCompressor", "ZstdCompressor", "NoopCompressor"};
  const bool found =
      name.starts_with(compression_package) &&
      std::find(known.begin(), known.end(),
                std::string_view(name).substr(compression_package.size())) != known.end();
  if (!found) return config_error("Could not create Compression for type " + name);
  cls->second = name;
  std::int32_t chunk = 16;
  for (const char* key : {"chunk_length_in_kb", "chunk_length_kb"}) {
    if (auto it = m.find(key); it != m.end()) {
      auto n = parse_int(it->second);
      if (!n) {
        return config_error("Invalid value for chunk_length_in_kb: " + it->second);
      }
      chunk = *n;
      m.erase(it);
    }
  }
  if (chunk <= 0 || (chunk & (chunk - 1)) != 0) {
    return config_error("chunk_length_in_kb must be a power of 2");
  }
  m["chunk_length_in_kb"] = std::to_string(chunk);
  return text_map(m);
}

sim_result<cql_value> extensions_value(const property& p) {
  if (p.value.kind != term_kind::map) {
    return syntax_error("Invalid value for property '" + p.name + "'. It should be a map.");
  }
  std::map<std::string, protocol::bytes> m;
  for (std::size_t i = 0; i + 1 < p.value.items.size(); i += 2) {
    auto k = constant_text(p.value.items[i]);
    const term& v = p.value.items[i + 1];
    if (!k) return syntax_error("Invalid value for property 'extensions'. It should be a map.");
    protocol::bytes b;
    if (v.kind == term_kind::blob) {
      auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const std::string& hex = v.text;  // 0x...
      if (hex.size() < 2 || hex.size() % 2 != 0) {
        return syntax_error("Invalid blob in 'extensions'");
      }
      for (std::size_t j = 2; j + 1 < hex.size(); j += 2) {
        const int hi = digit(hex[j]);
        const int lo = digit(hex[j + 1]);
        if (hi < 0 || lo < 0) return syntax_error("Invalid blob in 'extensions'");
        b.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
      }
    } else if (v.kind == term_kind::string) {
      b.assign(v.text.begin(), v.text.end());
    } else {
      return syntax_error("Invalid value for property 'extensions'. It should be a map.");
    }
    m[*k] = std::move(b);
  }
  protocol::cql_map out;
  for (auto& [k, v] : m)
    out.push_back({text(k), cql_value{std::move(v)}});
  return cql_value{std::move(out)};
}

std::int32_t int_option(const std::map<std::string, cql_value>& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end()) return 0;
  if (auto v = std::get_if<std::int32_t>(&it->second.v)) return *v;
  return 0;
}

double double_option(const std::map<std::string, cql_value>& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end()) return 0;
  if (auto v = std::get_if<double>(&it->second.v)) return *v;
  return 0;
}

// TableParams.validate.
std::optional<cql_error> validate_options(const std::map<std::string, cql_value>& o) {
  const double bloom = double_option(o, "bloom_filter_fp_chance");
  if (!(bloom > min_bloom_filter_fp_chance && bloom <= 1)) {
    return config_error("bloom_filter_fp_chance must be larger than " +
                        std::string(min_bloom_filter_fp_chance_text) +
                        " and less than or equal to 1.0 (got " + java_double(bloom) + ")");
  }
  const double crc = double_option(o, "crc_check_chance");
  if (!(crc >= 0 && crc <= 1.0)) {
    return config_error(
        "crc_check_chance must be larger than or equal to 0 and smaller than or equal to 1.0 "
        "(got " +
        java_double(crc) + ")");
  }
  const std::int32_t ttl = int_option(o, "default_time_to_live");
  if (ttl < 0) {
    return config_error("default_time_to_live must be greater than or equal to 0 (got " +
                        std::to_string(ttl) + ")");
  }
  if (ttl > max_ttl) {
    return config_error("default_time_to_live must be less than or equal to " +
                        std::to_string(max_ttl) + " (got " + std::to_string(ttl) + ")");
  }
  const std::int32_t gc = int_option(o, "gc_grace_seconds");
  if (gc < 0) {
    return config_error("gc_grace_seconds must be greater than or equal to 0 (got " +
                        std::to_string(gc) + ")");
  }
  const std::int32_t min_index = int_option(o, "min_index_interval");
  if (min_index < 1) {
    return config_error("min_index_interval must be greater than or equal to 1 (got " +
                        std::to_string(min_index) + ")");
  }
  const std::int32_t max_index = int_option(o, "max_index_interval");
  if (max_index < min_index) {
    return config_error("max_index_interval must be greater than or equal to min_index_interval (" +
                        std::to_string(min_index) + ") (got " + std::to_string(max_index) + ")");
  }
  const std::int32_t flush = int_option(o, "memtable_flush_period_in_ms");
  if (flush < 0) {
    return config_error("memtable_flush_period_in_ms must be greater than or equal to 0 (got " +
                        std::to_string(flush) + ")");
  }
  return std::nullopt;
}

}  // namespace

std::map<std::string, cql_value> default_table_options() {
  std::map<std::string, cql_value> o;
  o["additional_write_policy"] = text("99p");
  o["bloom_filter_fp_chance"] = cql_value{0.01};
  o["caching"] = text_map({{"keys", "ALL"}, {"rows_per_partition", "NONE"}});
  o["cdc"] = cql_value{false};
  o["comment"] = text("");
  o["compaction"] =
      text_map({{"class", std::string(compaction_package) + "SizeTieredCompactionStrategy"},
                {"max_threshold", "32"},
                {"min_threshold", "4"}});
  o["compression"] = text_map({{"chunk_length_in_kb", "16"},
                               {"class", std::string(compression_package) + "LZ4Compressor"}});
  o["crc_check_chance"] = cql_value{1.0};
  o["default_time_to_live"] = cql_value{std::int32_t{0}};
  o["extensions"] = cql_value{protocol::cql_map{}};
  o["gc_grace_seconds"] = cql_value{std::int32_t{864000}};
  o["max_index_interval"] = cql_value{std::int32_t{2048}};
  o["memtable"] = text("default");
  o["memtable_flush_period_in_ms"] = cql_value{std::int32_t{0}};
  o["min_index_interval"] = cql_value{std::int32_t{128}};
  o["read_repair"] = text("BLOCKING");
  o["speculative_retry"] = text("99p");
  return o;
}

sim_result<void> apply_table_properties(const std::vector<property>& props,
                                        std::map<std::string, cql_value>& options,
                                        std::optional<protocol::uuid>* id) {
  std::set<std::string> seen;
  for (const auto& p : props) {
    if (!seen.insert(p.name).second) {
      return syntax_error("Multiple definition for property '" + p.name + "'");
    }
    const bool known =
        std::find(table_options.begin(), table_options.end(), p.name) != table_options.end() ||
        p.name == "id" || p.name == "read_repair_chance" || p.name == "dclocal_read_repair_chance";
    if (!known) return syntax_error("Unknown property '" + p.name + "'");
  }
  std::map<std::string, cql_value> o = options;
  for (const auto& p : props) {
    const property_reader r{p};
    const std::string& n = p.name;
    if (n == "read_repair_chance" || n == "dclocal_read_repair_chance") {
      continue;  // obsolete since 4.0: Cassandra logs a warning and ignores them
    }
    if (n == "bloom_filter_fp_chance" || n == "crc_check_chance") {
      auto v = r.floating();
      if (!v) return v.error();
      o[n] = cql_value{*v};
    } else if (n == "default_time_to_live" || n == "gc_grace_seconds" ||
               n == "max_index_interval" || n == "min_index_interval" ||
               n == "memtable_flush_period_in_ms") {
      auto v = r.integer();
      if (!v) return v.error();
      o[n] = cql_value{*v};
    } else if (n == "comment") {
      auto v = r.simple();
      if (!v) return v.error();
      o[n] = text(*v);
    } else if (n == "memtable") {
      auto v = r.simple();
      if (!v) return v.error();
      if (*v != "default") {
        return config_error("Memtable configuration \"" + *v + "\" not found.");
      }
      o[n] = text(*v);
    } else if (n == "cdc") {
      auto v = r.boolean();
      if (!v) return v.error();
      o[n] = cql_value{*v};
    } else if (n == "speculative_retry" || n == "additional_write_policy") {
      auto v = r.simple();
      if (!v) return v.error();
      auto policy = speculative_policy(*v, n);
      if (!policy) return policy.error();
      o[n] = text(*policy);
    } else if (n == "read_repair") {
      auto v = r.simple();
      if (!v) return v.error();
      const std::string u = upper(*v);
      if (u != "BLOCKING" && u != "NONE") {
        return config_error("Invalid value '" + *v + "' for option 'read_repair'");
      }
      o[n] = text(u);
    } else if (n == "caching" || n == "compaction" || n == "compression") {
      auto m = r.map();
      if (!m) return m.error();
      auto v = n == "caching"      ? caching_value(std::move(*m))
               : n == "compaction" ? compaction_value(std::move(*m))
                                   : compression_value(std::move(*m));
      if (!v) return v.error();
      o[n] = std::move(*v);
    } else if (n == "extensions") {
      auto v = extensions_value(p);
      if (!v) return v.error();
      o[n] = std::move(*v);
    } else if (n == "id") {
      auto v = r.simple();
      if (!v) return v.error();
      auto u = protocol::parse_uuid(*v);
      if (!u) return config_error("Invalid table id: " + *v);
      if (id) *id = *u;
    }
  }
  if (auto e = validate_options(o)) return *e;
  options = std::move(o);
  return {};
}

}  // namespace cqlshift::sim::detail
