#pragma once
// MD5 (RFC 1321), only for version 3 UUIDs: the protocol library links no crypto library.
// Not for anything that needs collision resistance.

#include "cqlshift/protocol/primitives.hpp"

#include <array>
#include <cstdint>

namespace cqlshift::protocol {

using md5_digest = std::array<std::uint8_t, 16>;

md5_digest md5(byte_view data) noexcept;

}  // namespace cqlshift::protocol
