#include "cqlshift/protocol/frame.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace cqlshift::protocol {
namespace {

using test::hex;

bytes encode(const frame_header& h) {
  bytes out;
  writer w(out);
  encode_header(h, w);
  EXPECT_TRUE(w.ok());
  return out;
}

TEST(FrameHeader, GoldenBytesPerVersion) {
  struct golden {
    std::uint8_t version;
    bool response;
    std::uint8_t flags;
    std::int16_t stream;
    opcode op;
    std::uint32_t length;
    const char* wire;
  };
  const golden cases[] = {
      {3, false, 0x00, 1, opcode::startup, 22, "03 00 0001 01 00000016"},
      {4, false, 0x01, 0x7fff, opcode::query, 5, "04 01 7fff 07 00000005"},
      {4, true, 0x0a, 300, opcode::result, 4, "84 0a 012c 08 00000004"},
      {4, true, 0x00, -1, opcode::event, 0, "84 00 ffff 0c 00000000"},
      {5, false, 0x04, 2, opcode::execute, 9, "05 04 0002 0a 00000009"},
      {0x41, false, 0x00, 3, opcode::dse_revise_request, 8, "41 00 0003 ff 00000008"},
      {0x42, true, 0x00, 3, opcode::supported, 2, "c2 00 0003 06 00000002"},
      {2, false, 0x00, 5, opcode::options, 0, "02 00 05 05 00000000"},
      {2, true, 0x00, -1, opcode::event, 1, "82 00 ff 0c 00000001"},
  };
  for (const auto& c : cases) {
    const frame_header h{c.version, c.response, c.flags, c.stream, c.op, c.length};
    EXPECT_EQ(encode(h), hex(c.wire)) << c.wire;
    auto decoded = decode_header(hex(c.wire));
    ASSERT_TRUE(decoded) << c.wire;
    EXPECT_EQ(*decoded, h) << c.wire;
  }
}

TEST(FrameHeader, TooShortIsTruncated) {
  const bytes full = hex("04 00 0001 05 00000000");
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto h = decode_header(byte_view(full).first(n));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error(), errc::truncated) << n;
  }
}

TEST(FrameHeader, VersionZeroIsBadVersion) {
  auto h = decode_header(hex("00 00 0001 05 00000000"));
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error(), errc::bad_version);
}

TEST(FrameHeader, UnknownOpcodeIsRejected) {
  for (const char* wire :
       {"04 00 0001 04 00000000", "04 00 0001 11 00000000", "84 00 0001 fe 00000000"}) {
    auto h = decode_header(hex(wire));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error(), errc::unknown_opcode) << wire;
  }
}

TEST(FrameHeader, LengthAboveLimitIsFrameTooLarge) {
  auto h = decode_header(hex("04 00 0001 07 10000001"));  // 256 MiB + 1
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error(), errc::frame_too_large);
  EXPECT_TRUE(decode_header(hex("04 00 0001 07 10000000")));
  auto small = decode_header(hex("04 00 0001 07 00000401"), 1024);
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error(), errc::frame_too_large);
  // A length with the sign bit set is also far beyond any limit.
  auto negative = decode_header(hex("04 00 0001 07 ffffffff"));
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error(), errc::frame_too_large);
}

TEST(FrameHeader, UnknownVersionStillDecodesSoItCanBeAnswered) {
  // A v6 client must get a PROTOCOL_ERROR on its own stream id, so the header is readable.
  auto h = decode_header(hex("06 00 0007 05 00000000"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->version, 6);
  EXPECT_EQ(h->stream, 7);
  EXPECT_FALSE(to_protocol_version(h->version));
}

TEST(FrameHeader, V2StreamOutsideByteFailsToEncode) {
  bytes out;
  writer w(out);
  encode_header(frame_header{2, false, 0, 200, opcode::options, 0}, w);
  EXPECT_EQ(w.error(), errc::value_too_large);
}

bytes three_frame_stream() {
  return test::concat({encode_frame({4, false, 0, 1, opcode::options, 0}, {}),
                       encode_frame({4, false, 0, 2, opcode::query, 0}, hex("0000000161 0001 00")),
                       encode_frame({4, false, 0x02, 3, opcode::register_, 0},
                                    hex("0001 000d 534348454d415f4348414e4745"))});
}

std::vector<frame> read_all(frame_reader& r) {
  std::vector<frame> out;
  while (true) {
    auto f = r.next();
    EXPECT_TRUE(f) << (f ? "" : f.error().message());
    if (!f || !*f) break;
    out.push_back(std::move(**f));
  }
  return out;
}

TEST(FrameReader, YieldsWholeFramesInOrder) {
  const bytes stream = three_frame_stream();
  frame_reader r;
  r.feed(stream);
  auto frames = read_all(r);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].header.op, opcode::options);
  EXPECT_EQ(frames[1].header.stream, 2);
  EXPECT_EQ(frames[1].body, hex("0000000161 0001 00"));
  EXPECT_EQ(frames[2].header.flags, 0x02);
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(FrameReader, EverySplitPointGivesTheSameFrames) {
  const bytes stream = three_frame_stream();
  frame_reader whole;
  whole.feed(stream);
  const auto expected = read_all(whole);
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    frame_reader r;
    std::vector<frame> got;
    r.feed(byte_view(stream).first(split));
    for (auto& f : read_all(r))
      got.push_back(std::move(f));
    r.feed(byte_view(stream).subspan(split));
    for (auto& f : read_all(r))
      got.push_back(std::move(f));
    EXPECT_EQ(got, expected) << "split at " << split;
  }
}

TEST(FrameReader, ByteByByteGivesTheSameFrames) {
  const bytes stream = three_frame_stream();
  frame_reader whole;
  whole.feed(stream);
  const auto expected = read_all(whole);
  frame_reader r;
  std::vector<frame> got;
  for (std::uint8_t b : stream) {
    r.feed(byte_view(&b, 1));
    for (auto& f : read_all(r))
      got.push_back(std::move(f));
  }
  EXPECT_EQ(got, expected);
}

TEST(FrameReader, OversizedFrameFailsAsSoonAsItsHeaderArrives) {
  frame_reader r(frame_reader::options{.max_frame_size = 16, .expect_response = std::nullopt});
  r.feed(hex("04 00 0001 07 00000011"));  // 17 bytes announced, none sent
  auto f = r.next();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error(), errc::frame_too_large);
}

TEST(FrameReader, ErrorIsSticky) {
  frame_reader r;
  r.feed(hex("04 00 0001 42 00000000"));
  auto f = r.next();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error(), errc::unknown_opcode);
  r.feed(encode_frame({4, false, 0, 1, opcode::options, 0}, {}));
  auto again = r.next();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), errc::unknown_opcode);
}

TEST(FrameReader, WrongDirectionIsRejected) {
  frame_reader r(
      frame_reader::options{.max_frame_size = default_max_frame_size, .expect_response = false});
  r.feed(encode_frame({4, true, 0, 1, opcode::ready, 0}, {}));
  auto f = r.next();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error(), errc::wrong_direction);
}

TEST(FrameReader, PendingHeaderIsVisibleBeforeTheBody) {
  frame_reader r;
  r.feed(hex("04 00 0009 07 00000004 00"));
  auto f = r.next();
  ASSERT_TRUE(f);
  EXPECT_FALSE(*f);
  ASSERT_TRUE(r.pending_header());
  EXPECT_EQ(r.pending_header()->stream, 9);
}

TEST(FrameReader, V2FramesUseEightByteHeaders) {
  frame_reader r;
  r.feed(test::concat({hex("02 00 01 05 00000000"), hex("02 00 02 05 00000000")}));
  auto frames = read_all(r);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].header.stream, 2);
}

TEST(Envelope, ResponseWithTracingWarningsAndCustomPayload) {
  const frame_header h{
      4, true,           header_flag::tracing | header_flag::warning | header_flag::custom_payload,
      1, opcode::result, 0};
  envelope env;
  env.tracing_id = uuid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  env.warnings = {"Aggregation query used without partition key"};
  env.custom_payload = bytes_map{{"k", hex("01")}};
  bytes body;
  writer w(body);
  write_envelope(h, env, w);
  const bytes message = hex("00000001");
  w.write_raw(message);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(body, test::concat({hex("0102030405060708090a0b0c0d0e0f10"), hex("0001 002c"),
                                bytes(env.warnings[0].begin(), env.warnings[0].end()),
                                hex("0001 0001 6b 00000001 01"), message}));
  auto opened = open_body(h, body);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->env, env);
  EXPECT_EQ(bytes(opened->message.begin(), opened->message.end()), message);
}

TEST(Envelope, RequestTracingFlagHasNoBodyField) {
  const frame_header h{4, false, header_flag::tracing, 1, opcode::query, 0};
  const bytes body = hex("00000001 61 0001 00");
  auto opened = open_body(h, body);
  ASSERT_TRUE(opened);
  EXPECT_FALSE(opened->env.tracing_id);
  EXPECT_EQ(opened->message.size(), body.size());
}

TEST(Envelope, TruncatedTracingIdFails) {
  const frame_header h{4, true, header_flag::tracing, 1, opcode::result, 0};
  auto opened = open_body(h, hex("0102"));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), errc::truncated);
}

}  // namespace
}  // namespace cqlshift::protocol
