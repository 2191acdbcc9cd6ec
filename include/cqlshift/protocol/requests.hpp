#pragma once
// Request message bodies (spec 4.1), i.e. the message bytes after the envelope that
// open_body()/write_envelope() handle. Decoding then encoding anything a real driver sends
// reproduces it byte for byte; the encoder refuses (value_too_large, not_at_this_version,
// invalid_value) rather than write bytes that would not decode.

#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/query_parameters.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cqlshift::protocol {

// CQL_VERSION, COMPRESSION, DRIVER_NAME, ...; wire order kept.
struct startup {
  string_map options;
  bool operator==(const startup&) const = default;
};

// A SASL token; null is legal on the wire and kept apart from empty.
struct auth_response {
  std::optional<bytes> token;
  bool operator==(const auth_response&) const = default;
};

// Empty body.
struct options {
  bool operator==(const options&) const = default;
};

struct query {
  std::string query_string;  // [long string]
  query_parameters params;
  bool operator==(const query&) const = default;
};

struct prepare {
  std::string query_string;  // [long string]
  // v5 and DSE_V2 carry [int] flags (0x01: keyspace follows); other versions have no flags.
  std::optional<std::string> keyspace;
  bool operator==(const prepare&) const = default;
};

struct execute {
  bytes id;                                 // [short bytes]
  std::optional<bytes> result_metadata_id;  // [short bytes]: required in v5/DSE_V2, absent else
  query_parameters params;
  bool operator==(const execute&) const = default;
};

enum class batch_type : std::uint8_t { logged = 0, unlogged = 1, counter = 2 };

// Kind 0: [long string] query_string; kind 1: [short bytes] id. Then [short] n + n [value].
// The field the kind does not use stays empty.
struct batch_child {
  bool is_prepared = false;
  std::string query_string;
  bytes id;
  std::vector<value> values;
  bool operator==(const batch_child&) const = default;
};

struct batch {
  batch_type type = batch_type::logged;
  std::vector<batch_child> children;
  consistency consistency_level = consistency::one;
  std::optional<consistency> serial_consistency;  // 0x10 (v3+), SERIAL or LOCAL_SERIAL
  std::optional<std::int64_t> default_timestamp;  // 0x20 (v3+)
  std::optional<std::string> keyspace;            // 0x80 (has_keyspace_flag)
  std::optional<std::int32_t> now_in_seconds;     // 0x100 (has_now_in_seconds)
  // No names for values (0x40): the spec calls them broken (CASSANDRA-10246) and no server
  // honours them, so a BATCH carrying that flag is invalid_value. See batch.cpp for why.
  bool operator==(const batch&) const = default;
};

// TOPOLOGY_CHANGE, STATUS_CHANGE, SCHEMA_CHANGE. Names are not checked here: the server is
// the authority on which events it offers.
struct register_request {
  std::vector<std::string> events;
  bool operator==(const register_request&) const = default;
};

// DSE opcode 0xFF. DSE_V1 (CANCEL): type 1 cancels the continuous paging session on
// stream_id. DSE_V2 (REVISE_REQUEST) adds type 2, "more pages", followed by next_pages.
namespace revision {
inline constexpr std::int32_t cancel_continuous_paging = 1;
inline constexpr std::int32_t more_continuous_pages = 2;  // DSE_V2
}  // namespace revision
struct revise_request {
  std::int32_t revision_type = revision::cancel_continuous_paging;
  std::int32_t stream_id = 0;
  std::optional<std::int32_t> next_pages;  // engaged exactly for type 2
  bool operator==(const revise_request&) const = default;
};

using request = std::variant<startup, auth_response, options, query, prepare, execute, batch,
                             register_request, revise_request>;

// Decodes one request message. The whole message must be consumed (trailing_bytes
// otherwise); a response opcode is wrong_direction, an opcode value outside the enum is
// unknown_opcode, and a message the version does not have (REVISE_REQUEST outside DSE) is
// not_at_this_version.
result<request> decode_request(opcode op, protocol_version v, byte_view message);

// Encodes a request message body for version v.
result<bytes> encode_request(const request& r, protocol_version v);

opcode opcode_of(const request& r) noexcept;

}  // namespace cqlshift::protocol
