// v5 segments: arbitrary bytes, LZ4 or not, in arbitrary chunks, through the segment reader and
// the segmented frame reader. Property: never crashes, and every segment that is read back
// re-encodes to a segment that reads back equal.

#include "cqlshift/protocol/segment.hpp"

#include <cstdlib>

using namespace cqlshift::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool lz4 = (data[0] & 0x80) != 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const byte_view input(data + 1, size - 1);

  segment_reader segments(lz4);
  segmented_frame_reader frames(
      lz4, frame_reader::options{.max_frame_size = 1 << 20, .expect_response = std::nullopt});
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    const byte_view piece = input.subspan(at, std::min(chunk, input.size() - at));
    segments.feed(piece);
    frames.feed(piece);
    while (true) {
      auto s = segments.next();
      if (!s || !*s) break;
      bytes wire;
      encode_segment((*s)->payload, (*s)->self_contained, lz4, wire);
      segment_reader check(lz4);
      check.feed(wire);
      auto back = check.next();
      if (!back || !*back || **back != **s) std::abort();
    }
    while (true) {
      auto f = frames.next();
      if (!f || !*f) break;
    }
  }
  return 0;
}
