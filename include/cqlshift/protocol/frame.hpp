#pragma once
// Frame header (spec section 2) and an incremental frame reader.

#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/input_buffer.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace cqlshift::protocol {

enum class opcode : std::uint8_t {
  error = 0x00,
  startup = 0x01,
  ready = 0x02,
  authenticate = 0x03,
  options = 0x05,
  supported = 0x06,
  query = 0x07,
  result = 0x08,
  prepare = 0x09,
  execute = 0x0A,
  register_ = 0x0B,
  event = 0x0C,
  batch = 0x0D,
  auth_challenge = 0x0E,
  auth_response = 0x0F,
  auth_success = 0x10,
  dse_revise_request = 0xFF,  // DSE v1+: cancel/continue continuous paging
};
bool is_known_opcode(std::uint8_t raw) noexcept;
bool is_request_opcode(opcode op) noexcept;
std::string_view to_string(opcode op) noexcept;

namespace header_flag {
inline constexpr std::uint8_t compression = 0x01;
inline constexpr std::uint8_t tracing = 0x02;
inline constexpr std::uint8_t custom_payload = 0x04;
inline constexpr std::uint8_t warning = 0x08;
inline constexpr std::uint8_t use_beta = 0x10;
}  // namespace header_flag

inline constexpr std::uint8_t direction_bit = 0x80;
// The protocol's own bound: the body length is an [int] and Cassandra caps it at 256 MiB.
inline constexpr std::uint32_t default_max_frame_size = 256u * 1024 * 1024;

struct frame_header {
  std::uint8_t version = raw(protocol_version::v4);  // raw byte, direction bit cleared
  bool response = false;
  std::uint8_t flags = 0;
  std::int16_t stream = 0;  // v2 and below: a signed byte on the wire
  opcode op = opcode::options;
  std::uint32_t length = 0;  // body length in bytes

  bool has(std::uint8_t flag) const noexcept { return (flags & flag) != 0; }
  bool operator==(const frame_header&) const = default;
};

// 8 bytes for versions 1 and 2, 9 bytes otherwise (also for versions this build does not
// speak, which Cassandra reads with the v3+ layout to answer them).
constexpr std::size_t header_size_for_raw_version(std::uint8_t raw_version) noexcept {
  return (raw_version & 0x7F) <= 2 ? 8 : 9;
}

// Decodes a header from the first header_size bytes of `data`. Errors: truncated when
// fewer bytes are given, bad_version for version byte 0, unknown_opcode, frame_too_large
// when length exceeds max_frame_size (checked here so the caller can refuse the frame
// before its body arrives).
result<frame_header> decode_header(byte_view data,
                                   std::uint32_t max_frame_size = default_max_frame_size) noexcept;
void encode_header(const frame_header& h, writer& w);

struct frame {
  frame_header header;
  bytes body;
  bool operator==(const frame&) const = default;
};

// Header plus body; the header's length is taken from the body.
bytes encode_frame(frame_header header, byte_view body);

// What a frame body holds before the message itself (spec 2.2): tracing id (responses with
// the tracing flag), warnings (responses, v4+), custom payload (v4+). Request tracing is a
// flag only.
struct envelope {
  std::optional<uuid> tracing_id;
  std::vector<std::string> warnings;
  std::optional<bytes_map> custom_payload;
  bool operator==(const envelope&) const = default;
};
struct opened_body {
  envelope env;
  byte_view message;  // view into the body passed to open_body
};
// Splits an uncompressed body into its envelope and the message bytes per the header flags.
result<opened_body> open_body(const frame_header& h, byte_view body);
// Writes the envelope fields the header flags ask for.
void write_envelope(const frame_header& h, const envelope& env, writer& w);

// Takes bytes in any chunking and yields whole frames, in order. After an error it stays
// failed: a byte stream with a bad frame cannot be resynchronised.
class frame_reader {
 public:
  struct options {
    std::uint32_t max_frame_size = default_max_frame_size;
    // When set, a frame of the other direction is wrong_direction.
    std::optional<bool> expect_response;
  };

  frame_reader() = default;
  explicit frame_reader(options opts) : opts_(opts) {}

  void feed(byte_view data);
  // A whole frame, or nullopt when more bytes are needed, or the error.
  result<std::optional<frame>> next();
  // The header of the frame being assembled, once its header bytes are in.
  std::optional<frame_header> pending_header() const noexcept { return pending_; }
  std::size_t buffered() const noexcept { return buf_.size(); }

 private:
  options opts_;
  input_buffer buf_;
  std::optional<frame_header> pending_;
  errc error_ = errc::ok;
};

}  // namespace cqlshift::protocol
