#pragma once
// The bytes a connection has yet to write. Responses are appended as they complete and the
// writer takes everything pending at once, so responses that complete while a write is in
// flight leave in one write (coalescing). In v5 after the handshake, frames are packed into
// segments when the writer takes them: as many whole frames per self-contained segment as fit.

#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/primitives.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace cqlshift::sim {

// Appends segments carrying `frames` (whole frames back to back; `frame_ends` holds the end
// offset of each) to `out`, like protocol::encode_frames_as_segments but without one buffer
// per frame.
void pack_segments(protocol::byte_view frames, std::span<const std::size_t> frame_ends, bool lz4,
                   protocol::bytes& out);

class frame_output {
 public:
  // Appends one frame. `header.length` is ignored; flags are taken as given plus the
  // compression flag when `compression` is not none and the body is not empty (v3/v4 body
  // compression covers the envelope too). Errors: value_too_large from the envelope writer or
  // the compressor; nothing is appended then.
  protocol::errc append(
      protocol::frame_header header, const protocol::envelope& env, protocol::byte_view message,
      protocol::compression_algorithm compression = protocol::compression_algorithm::none);

  // Frames appended from now on travel in segments (LZ4-compressed with `lz4`).
  void use_segments(bool lz4) noexcept {
    segments_ = true;
    lz4_ = lz4;
  }

  bool empty() const noexcept { return wire_.empty() && frames_.empty(); }
  std::size_t pending_bytes() const noexcept { return wire_.size() + frames_.size(); }

  static constexpr std::size_t retained_capacity = 1024 * 1024;

  // Replaces `out` with everything pending, as wire bytes; afterwards nothing is pending. `out`
  // keeps its capacity across calls, and so does this queue (the buffers are swapped).
  void take(protocol::bytes& out);

 private:
  protocol::bytes& target() noexcept { return segments_ ? frames_ : wire_; }

  protocol::bytes wire_;    // ready to write
  protocol::bytes frames_;  // v5: whole frames waiting to be packed into segments
  std::vector<std::size_t> frame_ends_;
  protocol::bytes scratch_;  // v3/v4 compression input
  bool segments_ = false;
  bool lz4_ = false;
};

}  // namespace cqlshift::sim
