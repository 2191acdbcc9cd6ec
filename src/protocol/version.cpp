#include "cqlshift/protocol/version.hpp"

namespace cqlshift::protocol {

std::optional<protocol_version> to_protocol_version(std::uint8_t raw_version) noexcept {
  switch (raw_version) {
    case 0x02:
      return protocol_version::v2;
    case 0x03:
      return protocol_version::v3;
    case 0x04:
      return protocol_version::v4;
    case 0x05:
      return protocol_version::v5;
    case 0x41:
      return protocol_version::dse_v1;
    case 0x42:
      return protocol_version::dse_v2;
    default:
      return std::nullopt;
  }
}

std::string_view to_string(protocol_version v) noexcept {
  switch (v) {
    case protocol_version::v2:
      return "v2";
    case protocol_version::v3:
      return "v3";
    case protocol_version::v4:
      return "v4";
    case protocol_version::v5:
      return "v5";
    case protocol_version::dse_v1:
      return "DSE_V1";
    case protocol_version::dse_v2:
      return "DSE_V2";
  }
  return "unknown";
}

}  // namespace cqlshift::protocol
