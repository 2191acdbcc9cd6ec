#pragma once
// Internal to the request codec (query_parameters.cpp, batch.cpp, requests.cpp): the fields
// they share and the BATCH codec. Errors stay in the reader/writer, as everywhere.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace cqlshift::protocol::detail {

// Query/batch flags: [byte] or [int] per has_int_query_flags.
std::uint32_t read_flags(reader& r, protocol_version v) noexcept;
void write_flags(std::uint32_t flags, protocol_version v, writer& w);

// A bound [value]: unset (-2) exists only where has_unset_values, else it is negative_length
// on read and not_at_this_version on write.
value read_bound_value(reader& r, protocol_version v);
void write_bound_value(const value& val, protocol_version v, writer& w);
// [short] n + n bound [value].
std::vector<value> read_value_list(reader& r, protocol_version v);
void write_value_list(const std::vector<value>& values, protocol_version v, writer& w);

// [bytes] that must not be null (negative_length otherwise).
bytes read_non_null_bytes(reader& r);

// SERIAL or LOCAL_SERIAL, else invalid_value.
consistency read_serial_consistency(reader& r) noexcept;
// Writes c if the protocol defines it (invalid_value otherwise: the enum may hold a cast value).
void write_known_consistency(consistency c, writer& w);
void write_serial_consistency(consistency c, writer& w);

// BATCH body (batch.cpp).
batch read_batch(reader& r, protocol_version v);
void write_batch(const batch& b, protocol_version v, writer& w);

}  // namespace cqlshift::protocol::detail
