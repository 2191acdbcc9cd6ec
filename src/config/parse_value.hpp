#pragma once
// Parsers from raw text to typed values. Each throws config_error naming the key, the value and
// what is accepted; each accepts what the reference proxy accepts (case-insensitive enums, its
// protocol version spellings, comma-separated lists), plus YAML sequences for lists.

#include "raw_value.hpp"

#include "cqlshift/config/settings.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cqlshift::config::detail {

std::string parse_string(const raw_value& v);
bool parse_bool(const raw_value& v);
long long parse_integer(const raw_value& v, long long min, long long max);
double parse_number(const raw_value& v, double min);

// Comma-separated text or a YAML sequence; items trimmed, empty items dropped.
std::vector<std::string> parse_list(const raw_value& v);
// As parse_list, each item a number > 0, strictly increasing (Prometheus needs ordered bounds).
std::vector<double> parse_buckets(const raw_value& v);
// As parse_list, each item an IPv4 or IPv6 address (system.peers holds inet values).
std::vector<std::string> parse_addresses(const raw_value& v);

cluster_name parse_cluster_name(const raw_value& v);
read_mode parse_read_mode(const raw_value& v);
// Normalised to trace, debug, info, warn, error or critical.
std::string parse_log_level(const raw_value& v);
log_format parse_log_format(const raw_value& v);
shadow_compare parse_shadow_compare(const raw_value& v);
// A number in [min, max].
double parse_number_in(const raw_value& v, double min, double max);
// One protocol version byte: 2..5 as "4", "v4", "V4"; DSE as "DseV1", "Dse_V1", ... (any case).
std::uint8_t parse_protocol_version(const raw_value& v);
// A list of them, duplicates dropped, order kept.
std::vector<std::uint8_t> parse_protocol_versions(const raw_value& v);
// A Prometheus metric name prefix: [a-zA-Z_:][a-zA-Z0-9_:]*.
std::string parse_metrics_prefix(const raw_value& v);

}  // namespace cqlshift::config::detail
