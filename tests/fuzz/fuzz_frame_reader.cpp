// Frame reader: arbitrary bytes in arbitrary chunks. Properties: never crashes, never yields
// a frame above the size limit, and every yielded frame re-encodes to the bytes it came from.

#include "cqlshift/protocol/frame.hpp"

#include <cstdlib>

using namespace cqlshift::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = 1 + data[0] % 64;  // the first byte picks the chunking
  const byte_view input(data + 1, size - 1);
  frame_reader reader(
      frame_reader::options{.max_frame_size = 1 << 20, .expect_response = std::nullopt});
  bytes replay;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.feed(input.subspan(at, std::min(chunk, input.size() - at)));
    while (true) {
      auto f = reader.next();
      if (!f || !*f) break;
      if ((*f)->body.size() > (1u << 20)) std::abort();
      bytes again = encode_frame((*f)->header, (*f)->body);
      replay.insert(replay.end(), again.begin(), again.end());
    }
  }
  if (replay.size() > input.size() || !std::equal(replay.begin(), replay.end(), input.begin())) {
    std::abort();
  }
  return 0;
}
