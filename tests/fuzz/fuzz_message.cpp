// One message decoder per target: FUZZ_OPCODE names the opcode, FUZZ_RESPONSE the direction.
// Input: [version byte][message body]. Properties: never crashes; whatever decodes encodes,
// and the encoding decodes back to the same message.

#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"

#include <cstdlib>

using namespace cqlshift::protocol;

namespace {

constexpr protocol_version versions[] = {protocol_version::v3,     protocol_version::v4,
                                         protocol_version::v5,     protocol_version::dse_v1,
                                         protocol_version::dse_v2, protocol_version::v2};

template <class Message>
void check_round_trip(const Message& m, opcode op, protocol_version v) {
  if constexpr (std::is_same_v<Message, request>) {
    auto wire = encode_request(m, v);
    if (!wire) return;  // e.g. a value the decoder accepts but cannot be re-encoded at v
    auto back = decode_request(op, v, *wire);
    if (!back || *back != m) std::abort();
  } else {
    auto wire = encode_response(m, v);
    if (!wire) return;
    auto back = decode_response(op, v, *wire);
    if (!back || *back != m) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const protocol_version v = versions[data[0] % std::size(versions)];
  const byte_view body(data + 1, size - 1);
  constexpr auto op = static_cast<opcode>(FUZZ_OPCODE);
#if FUZZ_RESPONSE
  auto m = decode_response(op, v, body);
#else
  auto m = decode_request(op, v, body);
#endif
  if (m) check_round_trip(*m, op, v);
  return 0;
}
