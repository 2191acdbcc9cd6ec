#pragma once
// Murmur3Partitioner tokens, for token-aware routing and for cqlsim's token() and ordering.

#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/primitives.hpp"

#include <cstdint>
#include <span>

namespace cqlshift::protocol {

// The token Cassandra's Murmur3Partitioner gives a serialized partition key: h1 of Cassandra's
// MurmurHash3_x64_128 with seed 0. Cassandra's variant sign-extends the tail bytes (those past
// the last 16-byte block), so keys with a tail byte >= 0x80 hash differently from the reference
// MurmurHash3. Long.MIN_VALUE is the partitioner's minimum and no key's token: a hash of
// Long.MIN_VALUE becomes Long.MAX_VALUE, and the empty key gets Long.MIN_VALUE, as in
// Murmur3Partitioner.getToken.
std::int64_t murmur3_token(byte_view partition_key) noexcept;

// The serialized key of a multi-column partition key (CompositeType): per component a [short]
// length, the bytes and an end-of-component byte 0x00. value_too_large for a component over
// 65535 bytes.
result<bytes> composite_partition_key(std::span<const bytes> components);

// The serialized partition key from its column values in key order: a single component as is,
// several as composite_partition_key (the drivers' "routing key").
result<bytes> routing_key(std::span<const bytes> components);

}  // namespace cqlshift::protocol
