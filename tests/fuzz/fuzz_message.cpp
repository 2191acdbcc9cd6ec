// One message decoder per target: fuzz_message_target (defined by each target's generated
// source, tests/fuzz/CMakeLists.txt) names the opcode and the direction. This file is compiled
// once and linked into every message target.
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

struct fuzz_message_target {
  std::uint8_t opcode;
  bool response;
};
extern const fuzz_message_target fuzz_target;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const protocol_version v = versions[data[0] % std::size(versions)];
  const byte_view body(data + 1, size - 1);
  const auto op = static_cast<opcode>(fuzz_target.opcode);
  if (fuzz_target.response) {
    if (auto m = decode_response(op, v, body)) check_round_trip(*m, op, v);
  } else {
    if (auto m = decode_request(op, v, body)) check_round_trip(*m, op, v);
  }
  return 0;
}
