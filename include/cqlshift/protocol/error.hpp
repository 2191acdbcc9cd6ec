#pragma once
// The one error enum of the protocol library. Decoders never throw: they return
// boost::system::result<T> whose error is one of these (STYLE.md 4, 5).

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace cqlshift::protocol {

enum class errc {
  ok = 0,
  truncated,               // input ended inside a fixed-size field
  length_out_of_bounds,    // a declared length or count runs past the end of the input
  negative_length,         // a length below the markers the field allows (-1 null, -2 unset)
  trailing_bytes,          // a message body has bytes after its last field
  invalid_utf8,            // a [string]/[long string]/text value is not UTF-8
  invalid_ascii,           // an ascii value has a byte above 0x7F
  invalid_value,           // a field holds a value the protocol does not define
  unknown_consistency,     // [consistency] outside ANY..LOCAL_ONE
  unknown_opcode,          // header opcode is not a known request or response opcode
  bad_version,             // version byte 0 or a layout the protocol never had
  unsupported_version,     // a real version byte this build does not speak
  wrong_direction,         // a response where a request was expected, or the reverse
  frame_too_large,         // header length above the configured maximum
  unknown_result_kind,     // RESULT kind outside 1..5
  unknown_type,            // a column type id the protocol does not define
  nesting_too_deep,        // type options nested beyond max_type_nesting
  unknown_event,           // EVENT type or change kind the protocol does not define
  bad_header_crc,          // v5 segment header CRC24 mismatch
  bad_payload_crc,         // v5 segment payload CRC32 mismatch
  segment_too_large,       // v5 segment payload above 128 KiB - 1
  decompression_failed,    // LZ4/Snappy data is corrupt
  decompressed_too_large,  // a compressed body claims more than the frame size limit
  value_too_large,         // encode: a value does not fit the field's length prefix
  not_at_this_version,     // the message or field does not exist at this protocol version
};

const boost::system::error_category& protocol_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), protocol_category()};
}

// Human-readable text for an errc, stable enough for logs and ERROR frame messages.
const char* describe(errc e) noexcept;

template <class T>
using result = boost::system::result<T>;

}  // namespace cqlshift::protocol

template <>
struct boost::system::is_error_code_enum<cqlshift::protocol::errc> : std::true_type {};
