// Column type + value decoders. Input: [version byte][type option][value bytes].
// Properties: never crashes; a decoded value encodes, and the encoding decodes to a value that
// encodes to the same bytes (compared as bytes: a NaN double is unequal to itself).

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"

#include <cstdlib>

using namespace cqlshift::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const protocol_version v = (data[0] & 1) ? protocol_version::v4 : protocol_version::v2;
  reader r(byte_view(data + 1, size - 1));
  const data_type t = read_data_type(r);
  if (!r.ok()) return 0;
  const byte_view value_bytes = r.rest();
  auto value = decode_value(t, value_bytes, v);
  if (!value) return 0;
  auto wire = encode_value(t, *value, v);
  if (!wire) std::abort();
  auto back = decode_value(t, *wire, v);
  if (!back) std::abort();
  auto again = encode_value(t, *back, v);
  if (!again || *again != *wire) std::abort();
  (void)to_cql_literal(t, *value);
  return 0;
}
