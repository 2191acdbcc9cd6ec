#pragma once
// Every response message body (spec 4.2), decoded and encoded. A message here is the bytes
// after the envelope: open_body/write_envelope in frame.hpp handle the tracing id, warnings
// and custom payload.

#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/error_response.hpp"
#include "cqlshift/protocol/event.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/results.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"
#include "cqlshift/protocol/schema_change.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace cqlshift::protocol {

struct ready {
  bool operator==(const ready&) const = default;
};

struct authenticate {
  std::string authenticator;  // the server's IAuthenticator class name
  bool operator==(const authenticate&) const = default;
};

struct supported {
  string_multimap options;
  bool operator==(const supported&) const = default;
};

// SASL tokens; null ([bytes] of length -1) is nullopt, distinct from an empty token.
struct auth_challenge {
  std::optional<bytes> token;
  bool operator==(const auth_challenge&) const = default;
};

struct auth_success {
  std::optional<bytes> token;
  bool operator==(const auth_success&) const = default;
};

using response = std::variant<error_response, ready, authenticate, supported, void_result,
                              rows_result, set_keyspace_result, prepared_result,
                              schema_change_result, event, auth_challenge, auth_success>;

// Decodes a whole message body; bytes left after it are trailing_bytes. A request opcode is
// wrong_direction, an opcode that is neither unknown_opcode, a RESULT kind outside 1..5
// unknown_result_kind. Field errors are documented with each reader.
result<response> decode_response(opcode op, protocol_version v, byte_view message);
// The message body for `r` at version `v`; fails with the writers' errors, never partially.
result<bytes> encode_response(const response& r, protocol_version v);
opcode opcode_of(const response& r) noexcept;

// The kind of a RESULT body from its first 4 bytes, without decoding the rest, for routing
// on the hot path. Errors: truncated, unknown_result_kind.
result<std::int32_t> peek_result_kind(byte_view message);

}  // namespace cqlshift::protocol
