#include "cqlshift/protocol/error.hpp"

#include <string>

namespace cqlshift::protocol {

const char* describe(errc e) noexcept {
  switch (e) {
    case errc::ok:
      return "ok";
    case errc::truncated:
      return "input ends inside a field";
    case errc::length_out_of_bounds:
      return "declared length runs past the end of the input";
    case errc::negative_length:
      return "negative length not allowed here";
    case errc::trailing_bytes:
      return "unexpected bytes after the end of the message";
    case errc::invalid_utf8:
      return "string is not valid UTF-8";
    case errc::invalid_ascii:
      return "ascii value has a byte above 0x7F";
    case errc::invalid_value:
      return "field holds a value the protocol does not define";
    case errc::unknown_consistency:
      return "unknown consistency level";
    case errc::unknown_opcode:
      return "unknown opcode";
    case errc::bad_version:
      return "invalid protocol version byte";
    case errc::unsupported_version:
      return "unsupported protocol version";
    case errc::wrong_direction:
      return "frame has the wrong direction";
    case errc::frame_too_large:
      return "frame length exceeds the maximum frame size";
    case errc::unknown_result_kind:
      return "unknown RESULT kind";
    case errc::unknown_type:
      return "unknown column type id";
    case errc::nesting_too_deep:
      return "column types nested too deeply";
    case errc::unknown_event:
      return "unknown event type";
    case errc::bad_header_crc:
      return "segment header CRC24 mismatch";
    case errc::bad_payload_crc:
      return "segment payload CRC32 mismatch";
    case errc::segment_too_large:
      return "segment payload too large";
    case errc::decompression_failed:
      return "compressed data is corrupt";
    case errc::decompressed_too_large:
      return "decompressed size exceeds the limit";
    case errc::value_too_large:
      return "value too large for its length prefix";
    case errc::not_at_this_version:
      return "not defined at this protocol version";
  }
  return "unknown protocol error";
}

namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "cqlshift.protocol"; }
  std::string message(int ev) const override { return describe(static_cast<errc>(ev)); }
};
}  // namespace

const boost::system::error_category& protocol_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace cqlshift::protocol
