#pragma once
// Frame body compression of protocol v3 and v4 (native_protocol_v4.spec section 5): the
// whole body after the header is compressed when the header has the compression flag and
// STARTUP chose an algorithm. v5 compresses segments instead (segment.hpp), with lz4 only.

#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/primitives.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace cqlshift::protocol {

enum class compression_algorithm { none, lz4, snappy };

// The STARTUP "COMPRESSION" value, case-insensitive: "lz4" or "snappy"; anything else is
// nullopt (an absent option means none and is the caller's business).
std::optional<compression_algorithm> parse_compression(std::string_view startup_value) noexcept;
// The name used in STARTUP and SUPPORTED ("none" for none).
std::string_view to_string(compression_algorithm a) noexcept;

// lz4: a 4-byte big-endian uncompressed length, then a raw LZ4 block. snappy: the raw
// Snappy format. none: a copy. Error: value_too_large for a body LZ4 cannot take (> ~2 GiB).
result<bytes> compress_body(compression_algorithm a, byte_view body);

// The inverse of compress_body. Errors: decompression_failed for corrupt data (a length
// prefix cut short, a block that does not decode to exactly the declared size);
// decompressed_too_large when the declared size exceeds max_size. Sizes are checked before
// anything is allocated, and an LZ4 size the block could not possibly produce is
// decompression_failed, so a lying prefix never makes this allocate more than the data
// could expand to.
result<bytes> decompress_body(compression_algorithm a, byte_view body, std::uint32_t max_size);

}  // namespace cqlshift::protocol
