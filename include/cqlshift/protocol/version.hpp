#pragma once
// Protocol versions and what each one has on the wire. Every version-dependent branch in the
// codec asks one of these predicates, so the matrix lives in exactly one place.

#include <cstdint>
#include <optional>
#include <string_view>

namespace cqlshift::protocol {

// The version byte without the direction bit (0x80).
enum class protocol_version : std::uint8_t {
  v2 = 0x02,
  v3 = 0x03,
  v4 = 0x04,
  v5 = 0x05,
  dse_v1 = 0x41,  // DSE protocol 1: v4 plus continuous paging
  dse_v2 = 0x42,  // DSE protocol 2: DSE v1 plus per-query keyspace and result metadata ids
};

// The version for a raw byte (direction bit cleared), if this codec speaks it.
std::optional<protocol_version> to_protocol_version(std::uint8_t raw) noexcept;

std::string_view to_string(protocol_version v) noexcept;

constexpr std::uint8_t raw(protocol_version v) noexcept {
  return static_cast<std::uint8_t>(v);
}

constexpr bool is_dse(protocol_version v) noexcept {
  return v == protocol_version::dse_v1 || v == protocol_version::dse_v2;
}

// Header is 8 bytes with a 1-byte stream id up to v2, 9 bytes with a 2-byte stream id after.
constexpr bool has_short_stream_id(protocol_version v) noexcept {
  return raw(v) >= 3;
}
constexpr std::size_t header_size(protocol_version v) noexcept {
  return has_short_stream_id(v) ? 9 : 8;
}

// v3 added the default timestamp and names-for-values flags to QUERY/EXECUTE.
constexpr bool has_timestamp_and_names(protocol_version v) noexcept {
  return raw(v) >= 3;
}
// v3 replaced v2's SCHEMA_CHANGE <change><keyspace><table> with <change><target><options>.
constexpr bool has_schema_change_target(protocol_version v) noexcept {
  return raw(v) >= 3;
}
// FUNCTION and AGGREGATE schema change targets exist from v4 on.
constexpr bool has_function_schema_change(protocol_version v) noexcept {
  return raw(v) >= 4;
}
// PREPARED results carry the partition key indices of the bind variables from v4 on.
constexpr bool has_pk_indices(protocol_version v) noexcept {
  return raw(v) >= 4;
}
// v5 moved query/batch flags from [byte] to [int]; DSE versions use [int] too.
constexpr bool has_int_query_flags(protocol_version v) noexcept {
  return raw(v) >= 5;
}
// [value] may be -2 ("unset") from v4 on.
constexpr bool has_unset_values(protocol_version v) noexcept {
  return raw(v) >= 4;
}
// Custom payloads and warnings exist from v4 on.
constexpr bool has_custom_payload(protocol_version v) noexcept {
  return raw(v) >= 4;
}
constexpr bool has_warnings(protocol_version v) noexcept {
  return raw(v) >= 4;
}
// BATCH carries flags (serial consistency, timestamp, ...) from v3 on.
constexpr bool has_batch_flags(protocol_version v) noexcept {
  return raw(v) >= 3;
}
// Collections use [int] element counts and lengths from v3 on ([short] before).
constexpr bool has_int_collection_sizes(protocol_version v) noexcept {
  return raw(v) >= 3;
}
// PREPARE flags ([int], with keyspace) exist in v5 and DSE v2.
constexpr bool has_prepare_flags(protocol_version v) noexcept {
  return raw(v) >= 5 && v != protocol_version::dse_v1;
}
// EXECUTE and PREPARED results carry a result metadata id in v5 and DSE v2.
constexpr bool has_result_metadata_id(protocol_version v) noexcept {
  return raw(v) >= 5 && v != protocol_version::dse_v1;
}
// QUERY/EXECUTE/BATCH keyspace flag (0x80) in v5 and DSE v2.
constexpr bool has_keyspace_flag(protocol_version v) noexcept {
  return raw(v) >= 5 && v != protocol_version::dse_v1;
}
// now_in_seconds flag (0x100) in OSS v5 only.
constexpr bool has_now_in_seconds(protocol_version v) noexcept {
  return v == protocol_version::v5;
}
// READ/WRITE_FAILURE carry a reason map instead of a failure count from v5 (and DSE) on.
constexpr bool has_failure_reason_map(protocol_version v) noexcept {
  return raw(v) >= 5;
}
// WRITE_TIMEOUT for CAS carries a contentions count in OSS v5 only.
constexpr bool has_write_timeout_contentions(protocol_version v) noexcept {
  return v == protocol_version::v5;
}
// Continuous paging options and the byte-sized page flag exist in DSE versions only.
constexpr bool has_continuous_paging(protocol_version v) noexcept {
  return is_dse(v);
}
// DSE_V2 added back-pressure to continuous paging: next_pages in the options, REVISE type 2.
constexpr bool has_continuous_paging_next_pages(protocol_version v) noexcept {
  return v == protocol_version::dse_v2;
}
// After the handshake, frames travel inside CRC-protected segments (OSS v5 only).
constexpr bool uses_segments(protocol_version v) noexcept {
  return v == protocol_version::v5;
}

}  // namespace cqlshift::protocol
