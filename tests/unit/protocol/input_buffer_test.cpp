#include "cqlshift/protocol/input_buffer.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace cqlshift::protocol {
namespace {

using test::hex;
using test::pseudo_random;

TEST(InputBuffer, AppendsAndConsumesInOrder) {
  input_buffer b;
  b.append(hex("010203"));
  b.append(hex("04"));
  EXPECT_EQ(bytes(b.view().begin(), b.view().end()), hex("01020304"));
  b.consume(3);
  EXPECT_EQ(bytes(b.view().begin(), b.view().end()), hex("04"));
  b.append(hex("0506"));
  EXPECT_EQ(bytes(b.view().begin(), b.view().end()), hex("040506"));
  EXPECT_EQ(b.size(), 3u);
  b.consume(3);
  EXPECT_EQ(b.size(), 0u);
}

TEST(InputBuffer, InterleavedAppendAndConsumeKeepsEveryByte) {
  const bytes data = pseudo_random(10000, 7);
  input_buffer b;
  bytes out;
  for (std::size_t at = 0; at < data.size(); at += 37) {
    b.append(byte_view(data).subspan(at, std::min<std::size_t>(37, data.size() - at)));
    const std::size_t take = b.size() / 2 + 1;
    out.insert(out.end(), b.view().begin(), b.view().begin() + static_cast<std::ptrdiff_t>(take));
    b.consume(take);
  }
  out.insert(out.end(), b.view().begin(), b.view().end());
  EXPECT_EQ(out, data);
}

TEST(InputBuffer, ALargeUnitDoesNotPinItsMemoryOnceConsumed) {
  input_buffer b;
  const bytes large = pseudo_random(5 * 1024 * 1024, 1);
  b.append(large);
  EXPECT_GE(b.capacity(), large.size());
  b.consume(large.size());
  EXPECT_EQ(b.size(), 0u);
  EXPECT_LE(b.capacity(), input_buffer::retained_capacity);
  b.append(hex("aa"));
  EXPECT_EQ(bytes(b.view().begin(), b.view().end()), hex("aa"));
}

TEST(InputBuffer, SmallBuffersAreKeptForReuse) {
  input_buffer b;
  b.append(pseudo_random(1000, 2));
  const std::size_t capacity = b.capacity();
  b.consume(1000);
  EXPECT_EQ(b.capacity(), capacity);
}

}  // namespace
}  // namespace cqlshift::protocol
