#pragma once
// The two checksums of the v5 segment format (native_protocol_v5.spec section 2; Cassandra
// org.apache.cassandra.net.Crc): a CRC24 over the segment header and a seeded CRC32 over
// the payload as it travels on the wire.

#include "cqlshift/protocol/primitives.hpp"

#include <cstdint>

namespace cqlshift::protocol {

// Cassandra's CRC24 (init 0x875060, polynomial 0x1974F0B) over the header bytes in wire
// order, which is least significant byte first. Cassandra defines it for 1 to 8 bytes (the
// header is 3 or 5); only the first 8 bytes of `data` are read. Result in the low 24 bits.
std::uint32_t crc24(byte_view data) noexcept;

// zlib's CRC32 continued from the CRC of the 4 bytes FA 2D 55 CA, as Cassandra seeds it.
std::uint32_t crc32_segment(byte_view data) noexcept;

}  // namespace cqlshift::protocol
