#pragma once
// <query_parameters> (spec 4.1.4), shared by QUERY and EXECUTE. Every optional field is
// engaged exactly when its flag bit is on the wire, so decoding then encoding what a driver
// sent reproduces it byte for byte.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cqlshift::protocol {

// Flag bits of QUERY/EXECUTE (and, for a subset, BATCH). [byte] before v5, [int] from v5 and
// in DSE versions (has_int_query_flags).
namespace query_flag {
inline constexpr std::uint32_t values = 0x01;
inline constexpr std::uint32_t skip_metadata = 0x02;
inline constexpr std::uint32_t page_size = 0x04;
inline constexpr std::uint32_t paging_state = 0x08;
inline constexpr std::uint32_t serial_consistency = 0x10;
inline constexpr std::uint32_t default_timestamp = 0x20;        // v3+
inline constexpr std::uint32_t names_for_values = 0x40;         // v3+
inline constexpr std::uint32_t keyspace = 0x80;                 // has_keyspace_flag
inline constexpr std::uint32_t now_in_seconds = 0x100;          // has_now_in_seconds
inline constexpr std::uint32_t page_size_bytes = 0x40000000;    // has_continuous_paging
inline constexpr std::uint32_t continuous_paging = 0x80000000;  // has_continuous_paging
}  // namespace query_flag

// DSE continuous paging: the server streams pages without further requests.
struct continuous_paging_options {
  std::int32_t max_pages = 0;         // 0: no limit
  std::int32_t pages_per_second = 0;  // 0: no limit
  // DSE_V2 only (engaged exactly there): pages the client can take before a REVISE_REQUEST.
  std::optional<std::int32_t> next_pages;
  bool operator==(const continuous_paging_options&) const = default;
};

struct query_parameters {
  consistency consistency_level = consistency::one;
  std::optional<std::vector<value>> values;  // engaged <=> VALUES (0x01), even if empty
  // Non-empty <=> WITH_NAMES_FOR_VALUES (0x40); parallel to *values.
  std::vector<std::string> value_names;
  bool skip_metadata = false;                                  // 0x02
  std::optional<std::int32_t> page_size;                       // 0x04
  bool page_size_in_bytes = false;                             // DSE 0x40000000
  std::optional<bytes> paging_state;                           // 0x08, never null on the wire
  std::optional<consistency> serial_consistency;               // 0x10, SERIAL or LOCAL_SERIAL
  std::optional<std::int64_t> default_timestamp;               // 0x20
  std::optional<std::string> keyspace;                         // 0x80
  std::optional<std::int32_t> now_in_seconds;                  // 0x100
  std::optional<continuous_paging_options> continuous_paging;  // DSE 0x80000000

  bool operator==(const query_parameters&) const = default;
};

// Reads <query_parameters>; errors stay in `r`. Beyond the reader's own errors: a flag bit
// the version does not define is invalid_value (a proxy must not guess the layout of a frame
// it forwards), and so are NAMES_FOR_VALUES without at least one value (the struct could not
// reproduce it), a serial consistency other than SERIAL/LOCAL_SERIAL, and a null paging
// state (negative_length). An unset value (-2) before v4 is negative_length.
query_parameters read_query_parameters(reader& r, protocol_version v);

// Writes <query_parameters>; errors stay in `w`: not_at_this_version for a field the version
// lacks, invalid_value for an inconsistent struct (names not parallel to values, bad serial
// consistency, next_pages missing at DSE_V2), value_too_large from the writer.
void write_query_parameters(const query_parameters& p, protocol_version v, writer& w);

}  // namespace cqlshift::protocol
