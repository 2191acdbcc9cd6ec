#pragma once
// ERROR (spec 4.2.1): <code><message> and the extra fields section 9 defines per code.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cqlshift::protocol {

// A code outside this list is kept as its raw value (static_cast), so an ERROR from a newer
// server still decodes.
enum class error_code : std::int32_t {
  server_error = 0x0000,
  protocol_error = 0x000A,
  auth_error = 0x0100,
  unavailable = 0x1000,
  overloaded = 0x1001,
  is_bootstrapping = 0x1002,
  truncate_error = 0x1003,
  write_timeout = 0x1100,
  read_timeout = 0x1200,
  read_failure = 0x1300,
  function_failure = 0x1400,
  write_failure = 0x1500,
  cdc_write_failure = 0x1600,
  cas_write_unknown = 0x1700,
  syntax_error = 0x2000,
  unauthorized = 0x2100,
  invalid = 0x2200,
  config_error = 0x2300,
  already_exists = 0x2400,
  unprepared = 0x2500,
};

// "SERVER_ERROR", "UNAVAILABLE", ...; "UNKNOWN" for a code outside the list.
std::string_view to_string(error_code c) noexcept;

struct unavailable_details {
  protocol::consistency consistency = protocol::consistency::any;
  std::int32_t required = 0;
  std::int32_t alive = 0;
  bool operator==(const unavailable_details&) const = default;
};

struct write_timeout_details {
  protocol::consistency consistency = protocol::consistency::any;
  std::int32_t received = 0;
  std::int32_t block_for = 0;
  std::string write_type;  // "SIMPLE", "BATCH", "CAS", ... (kept as sent)
  // Present exactly when has_write_timeout_contentions(v) and write_type is "CAS".
  std::optional<std::int16_t> contentions;
  bool operator==(const write_timeout_details&) const = default;
};

// data_present: the wire byte is 0 or "any other value"; decoding maps non-zero to true and
// encoding writes 1, as servers do.
struct read_timeout_details {
  protocol::consistency consistency = protocol::consistency::any;
  std::int32_t received = 0;
  std::int32_t block_for = 0;
  bool data_present = false;
  bool operator==(const read_timeout_details&) const = default;
};

// Endpoint ([inetaddr], 4 or 16 bytes) and failure reason code, in wire order.
using failure_reason_map = std::vector<std::pair<bytes, std::uint16_t>>;

// Before has_failure_reason_map(v) the wire has <numfailures>; from it on the same [int] is the
// size of <reasonmap>. num_failures is therefore always the number of failed replicas: on
// decode it is set to reason_map.size() when the map is present, and the encoder requires the
// two to agree there (invalid_value). A non-empty reason_map cannot be written before
// has_failure_reason_map(v) (not_at_this_version).
struct read_failure_details {
  protocol::consistency consistency = protocol::consistency::any;
  std::int32_t received = 0;
  std::int32_t block_for = 0;
  std::int32_t num_failures = 0;
  failure_reason_map reason_map;
  bool data_present = false;
  bool operator==(const read_failure_details&) const = default;
};

struct write_failure_details {
  protocol::consistency consistency = protocol::consistency::any;
  std::int32_t received = 0;
  std::int32_t block_for = 0;
  std::int32_t num_failures = 0;
  failure_reason_map reason_map;
  std::string write_type;
  bool operator==(const write_failure_details&) const = default;
};

struct function_failure_details {
  std::string keyspace;
  std::string function;
  std::vector<std::string> arg_types;
  bool operator==(const function_failure_details&) const = default;
};

struct already_exists_details {
  std::string keyspace;
  std::string table;  // empty when the keyspace already exists
  bool operator==(const already_exists_details&) const = default;
};

struct unprepared_details {
  bytes id;
  bool operator==(const unprepared_details&) const = default;
};

struct cas_write_unknown_details {
  protocol::consistency consistency = protocol::consistency::any;
  std::int32_t received = 0;
  std::int32_t block_for = 0;
  bool operator==(const cas_write_unknown_details&) const = default;
};

using error_details =
    std::variant<std::monostate, unavailable_details, write_timeout_details, read_timeout_details,
                 read_failure_details, write_failure_details, function_failure_details,
                 already_exists_details, unprepared_details, cas_write_unknown_details>;

// `details` holds the alternative for `code`, or monostate for codes without extra fields and
// for unknown codes.
struct error_response {
  error_code code = error_code::server_error;
  std::string message;
  error_details details;
  bool operator==(const error_response&) const = default;
};

// Reads an ERROR body. The extra fields of an unknown code cannot be parsed, so such a body
// must end after the message (the caller's finish() reports trailing_bytes otherwise).
error_response read_error_response(reader& r, protocol_version v);
// Errors: invalid_value when `details` is not the alternative `code` calls for, or for
// write-timeout contentions missing where the version requires them or num_failures
// disagreeing with reason_map; not_at_this_version for contentions or a reason map the
// version cannot carry.
void write_error_response(const error_response& e, protocol_version v, writer& w);

}  // namespace cqlshift::protocol
