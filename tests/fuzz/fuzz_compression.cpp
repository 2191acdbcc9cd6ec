// v3/v4 body decompression. Input: [algorithm byte][compressed body]. Properties: never
// crashes, never allocates past the limit, and whatever decompresses survives a round trip.

#include "cqlshift/protocol/compression.hpp"

#include <cstdlib>

using namespace cqlshift::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto algorithm = (data[0] & 1) ? compression_algorithm::lz4 : compression_algorithm::snappy;
  constexpr std::uint32_t limit = 1 << 20;
  auto plain = decompress_body(algorithm, byte_view(data + 1, size - 1), limit);
  if (!plain) return 0;
  if (plain->size() > limit) std::abort();
  auto again = compress_body(algorithm, *plain);
  if (!again) std::abort();
  auto back = decompress_body(algorithm, *again, limit);
  if (!back || *back != *plain) std::abort();
  return 0;
}
