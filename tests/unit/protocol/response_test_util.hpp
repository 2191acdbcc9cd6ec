#pragma once
// Checks shared by the response codec tests. Golden bytes are written by hand: lengths as hex,
// text through text() so the field layout stays readable.

#include "cqlshift/protocol/responses.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

// Own namespace: request_test has helpers with the same names and signatures.
namespace cqlshift::protocol::response_test {

using test::to_hex;

using test::text;

inline std::string version_trace(protocol_version v) {
  return "protocol " + std::string(to_string(v));
}

// encode(msg) == wire and decode(wire) == msg; one byte more is trailing_bytes.
inline void expect_golden(const response& msg, protocol_version v, const bytes& wire) {
  SCOPED_TRACE(version_trace(v));
  const auto encoded = encode_response(msg, v);
  ASSERT_TRUE(encoded) << encoded.error().message();
  EXPECT_EQ(to_hex(*encoded), to_hex(wire));
  const auto decoded = decode_response(opcode_of(msg), v, wire);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_TRUE(*decoded == msg);
  bytes longer = wire;
  longer.push_back(0x00);
  const auto extra = decode_response(opcode_of(msg), v, longer);
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error(), errc::trailing_bytes);
}

// Every strict prefix of a whole message fails as cut short, never succeeds or crashes.
inline void expect_every_prefix_fails(opcode op, protocol_version v, const bytes& wire) {
  SCOPED_TRACE(version_trace(v));
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto d = decode_response(op, v, byte_view(wire).first(n));
    ASSERT_FALSE(d) << "prefix of " << n << " bytes decoded";
    EXPECT_TRUE(d.error() == errc::truncated || d.error() == errc::length_out_of_bounds)
        << "prefix of " << n << " bytes: " << d.error().message();
  }
}

// The whole contract for one golden message: expect_golden plus every prefix failing.
inline void expect_wire(const response& msg, protocol_version v, const bytes& wire) {
  expect_golden(msg, v, wire);
  expect_every_prefix_fails(opcode_of(msg), v, wire);
}

inline boost::system::error_code decode_error(opcode op, protocol_version v, const bytes& wire) {
  const auto d = decode_response(op, v, wire);
  return d ? boost::system::error_code{} : d.error();
}

inline boost::system::error_code encode_error(const response& r, protocol_version v) {
  const auto e = encode_response(r, v);
  return e ? boost::system::error_code{} : e.error();
}

}  // namespace cqlshift::protocol::response_test
