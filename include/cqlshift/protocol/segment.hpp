#pragma once
// v5 segments (native_protocol_v5.spec section 2, where they are called frames and frames
// are called envelopes; Cassandra FrameEncoderCrc/FrameEncoderLZ4). Once a v5 connection is
// ready, every frame travels inside segments: a little-endian header with a CRC24, then the
// payload (LZ4-compressed when the connection negotiated lz4) and a CRC32 of the payload as
// sent. A self-contained segment holds one or more whole frames; a frame larger than a
// segment is cut over consecutive segments that are not self-contained.

#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/input_buffer.hpp"
#include "cqlshift/protocol/primitives.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <span>

namespace cqlshift::protocol {

// The payload length fields are 17 bits wide.
inline constexpr std::size_t max_segment_payload = 131071;

struct segment {
  bytes payload;  // uncompressed
  bool self_contained = true;
  bool operator==(const segment&) const = default;
};

// Appends one segment to `out`. With `lz4` the payload is compressed when that makes it
// smaller and stored as is otherwise (uncompressed length 0 in the header), as Cassandra
// does. Precondition: payload.size() <= max_segment_payload.
void encode_segment(byte_view payload, bool self_contained, bool lz4, bytes& out);

// Packs encoded frames, in order, into self-contained segments of up to max_segment_payload
// bytes each; a frame larger than that gets its own run of non-self-contained segments.
bytes encode_frames_as_segments(std::span<const bytes> encoded_frames, bool lz4);
// The same for frames stored back to back in `frames` (frame_sizes[i]: the i-th one's size,
// summing to frames.size()), appended to `out`: no copy of the frames before the segments.
void append_frames_as_segments(byte_view frames, std::span<const std::size_t> frame_sizes, bool lz4,
                               bytes& out);

// Takes wire bytes in any chunking and yields segments in order. Errors: bad_header_crc
// (checked as soon as the header is in, before waiting for the payload), bad_payload_crc,
// decompression_failed. After an error it stays failed: the stream cannot be resynchronised.
class segment_reader {
 public:
  explicit segment_reader(bool lz4) noexcept : lz4_(lz4) {}

  void feed(byte_view data);
  // A whole segment, or nullopt when more bytes are needed, or the error.
  result<std::optional<segment>> next();
  std::size_t buffered() const noexcept { return buf_.size(); }

 private:
  struct header {
    std::size_t payload_length = 0;       // as on the wire
    std::size_t uncompressed_length = 0;  // 0: stored uncompressed
    bool self_contained = false;
  };
  result<std::optional<segment>> fail(errc e) {
    error_ = e;
    return e;
  }

  bool lz4_;
  input_buffer buf_;
  std::optional<header> pending_;
  errc error_ = errc::ok;
};

// Wire bytes in, whole frames out. A self-contained segment must hold only whole frames and
// may not arrive while a frame cut over segments is incomplete; a non-self-contained
// segment must not run past the end of the frame it carries. Either is invalid_value. The
// frame_reader options apply to every frame (frame_too_large is reported as soon as the
// header of a cut frame is in). After an error it stays failed.
class segmented_frame_reader {
 public:
  explicit segmented_frame_reader(bool lz4, frame_reader::options opts = {})
      : segments_(lz4), frames_(opts) {}

  void feed(byte_view data) { segments_.feed(data); }
  // A whole frame, or nullopt when more bytes are needed, or the error.
  result<std::optional<frame>> next();

 private:
  result<std::optional<frame>> fail(errc e) {
    error_ = e;
    ready_.clear();
    return e;
  }
  result<std::optional<frame>> pop_ready();

  segment_reader segments_;
  frame_reader frames_;      // holds at most the incomplete frame being cut over segments
  std::deque<frame> ready_;  // the rest of the last self-contained segment's frames
  errc error_ = errc::ok;
};

}  // namespace cqlshift::protocol
