// The server's output queue: frames keep their order, v3/v4 bodies are compressed when asked,
// and v5 frames are packed into segments (small ones together, large ones cut over
// segments) that the protocol library's reader turns back into the same frames.

#include "cqlshift/protocol/segment.hpp"
#include "server/frame_output.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace cqlshift::sim {
namespace {

protocol::frame_header response_header(std::int16_t stream) {
  protocol::frame_header h;
  h.version = 5;
  h.response = true;
  h.stream = stream;
  h.op = protocol::opcode::result;
  return h;
}

std::vector<protocol::frame> read_segments(const protocol::bytes& wire, bool lz4) {
  protocol::segmented_frame_reader reader(lz4, {protocol::default_max_frame_size, true});
  reader.feed(wire);
  std::vector<protocol::frame> out;
  for (;;) {
    auto f = reader.next();
    EXPECT_TRUE(f);
    if (!f || !*f) return out;
    out.push_back(std::move(**f));
  }
}

std::size_t count_segments(const protocol::bytes& wire) {
  protocol::segment_reader reader(false);
  reader.feed(wire);
  std::size_t n = 0;
  while (auto s = reader.next()) {
    if (!*s) break;
    ++n;
  }
  return n;
}

TEST(ServerFrameOutput, SmallFramesShareOneSegment) {
  frame_output out;
  out.use_segments(false);
  for (std::int16_t s = 0; s < 3; ++s)
    ASSERT_EQ(out.append(response_header(s), {}, protocol::bytes(100, std::uint8_t(s))),
              protocol::errc::ok);
  protocol::bytes wire;
  out.take(wire);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(count_segments(wire), 1u);
  const auto frames = read_segments(wire, false);
  ASSERT_EQ(frames.size(), 3u);
  for (std::int16_t s = 0; s < 3; ++s) {
    EXPECT_EQ(frames[s].header.stream, s);
    EXPECT_EQ(frames[s].body, protocol::bytes(100, std::uint8_t(s)));
  }
}

TEST(ServerFrameOutput, LargeFrameIsCutOverSegmentsBetweenSmallOnes) {
  for (bool lz4 : {false, true}) {
    frame_output out;
    out.use_segments(lz4);
    protocol::bytes big(300000);
    for (std::size_t i = 0; i < big.size(); ++i)
      big[i] = static_cast<std::uint8_t>(i * 7);
    out.append(response_header(1), {}, protocol::bytes{1});
    out.append(response_header(2), {}, big);
    out.append(response_header(3), {}, protocol::bytes{3});
    protocol::bytes wire;
    out.take(wire);
    const auto frames = read_segments(wire, lz4);
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[1].body, big);
    EXPECT_EQ(frames[2].header.stream, 3);
  }
}

TEST(ServerFrameOutput, FramesFillSegmentsUpToTheLimit) {
  frame_output out;
  out.use_segments(false);
  // 3 frames of 60000 bytes: two fit the 128 KiB payload, the third starts a new segment.
  for (std::int16_t s = 0; s < 3; ++s)
    out.append(response_header(s), {}, protocol::bytes(60000, 1));
  protocol::bytes wire;
  out.take(wire);
  EXPECT_EQ(count_segments(wire), 2u);
  EXPECT_EQ(read_segments(wire, false).size(), 3u);
}

TEST(ServerFrameOutput, BeforeSegmentsFramesAreWrittenAsIs) {
  frame_output out;
  protocol::frame_header h = response_header(7);
  h.version = 4;
  out.append(h, {}, protocol::bytes{9, 9});
  out.use_segments(false);  // after the STARTUP answer
  out.append(response_header(8), {}, protocol::bytes{8});
  protocol::bytes wire;
  out.take(wire);
  protocol::frame_reader plain({protocol::default_max_frame_size, true});
  plain.feed(protocol::byte_view(wire).first(11));
  auto first = plain.next();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->header.stream, 7);
  const auto rest = read_segments(protocol::bytes(wire.begin() + 11, wire.end()), false);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].header.stream, 8);
}

TEST(ServerFrameOutput, CompressedBodiesCarryTheFlag) {
  frame_output out;
  protocol::frame_header h = response_header(1);
  h.version = 4;
  const protocol::bytes body(1000, 'a');
  out.append(h, {}, body, protocol::compression_algorithm::lz4);
  out.append(h, {}, {}, protocol::compression_algorithm::lz4);  // empty: left as is
  protocol::bytes wire;
  out.take(wire);
  protocol::frame_reader reader({protocol::default_max_frame_size, true});
  reader.feed(wire);
  auto f = reader.next();
  ASSERT_TRUE(f && *f);
  EXPECT_TRUE((*f)->header.has(protocol::header_flag::compression));
  EXPECT_LT((*f)->body.size(), body.size());
  EXPECT_EQ(
      protocol::decompress_body(protocol::compression_algorithm::lz4, (*f)->body, 1 << 20).value(),
      body);
  auto empty = reader.next();
  ASSERT_TRUE(empty && *empty);
  EXPECT_FALSE((*empty)->header.has(protocol::header_flag::compression));
}

}  // namespace
}  // namespace cqlshift::sim
