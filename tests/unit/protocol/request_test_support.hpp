#pragma once
// Checks shared by the request codec tests.

#include "cqlshift/protocol/requests.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string_view>

// Own namespace: response_test has helpers with the same names and signatures.
namespace cqlshift::protocol::request_test {

using test::error_of;
using test::to_hex;

inline errc decode_error(opcode op, protocol_version v, const bytes& message) {
  return error_of(decode_request(op, v, message));
}

inline errc encode_error(const request& r, protocol_version v) {
  return error_of(encode_request(r, v));
}

// The whole contract for one golden message: encode(msg) == golden, decode(golden) == msg,
// every strict prefix fails with truncated or length_out_of_bounds, and one extra byte
// is trailing_bytes.
inline void expect_wire(const request& msg, protocol_version v, const bytes& golden) {
  SCOPED_TRACE(std::string(to_string(v)) + " " + std::string(to_string(opcode_of(msg))));
  auto encoded = encode_request(msg, v);
  ASSERT_TRUE(encoded) << describe(error_of(encoded));
  EXPECT_EQ(to_hex(*encoded), to_hex(golden));

  auto decoded = decode_request(opcode_of(msg), v, golden);
  ASSERT_TRUE(decoded) << describe(error_of(decoded));
  EXPECT_TRUE(*decoded == msg);

  for (std::size_t n = 0; n < golden.size(); ++n) {
    const errc e = error_of(decode_request(opcode_of(msg), v, byte_view(golden).first(n)));
    EXPECT_TRUE(e == errc::truncated || e == errc::length_out_of_bounds)
        << "prefix " << n << ": " << describe(e);
  }

  bytes longer = golden;
  longer.push_back(0x00);
  EXPECT_EQ(decode_error(opcode_of(msg), v, longer), errc::trailing_bytes);
}

}  // namespace cqlshift::protocol::request_test
