#include "cqlshift/protocol/segment.hpp"

#include "cqlshift/protocol/crc.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cqlshift::protocol {
namespace {

using test::concat;
using test::hex;
using test::pseudo_random;

// An OPTIONS request frame of protocol v5: the payload of the golden segments.
const bytes options_frame = hex("05 00 0001 05 00000000");

// Golden segments produced by the Python driver's own encoder (cassandra/segment.py
// SegmentCodec._encode_segment, python3-cassandra 3.25), for the payload noted.
const char* const golden_plain_self_contained =  // options_frame
    "090002 | a4c8c1 | 05 00 0001 05 00000000 | b5557486";
const char* const golden_plain_not_self_contained =  // options_frame
    "090000 | b91978 | 05 00 0001 05 00000000 | b5557486";
const char* const golden_plain_empty = "000002 | 6a36c4 | d37e7744";
// Compressed format, payload too small to shrink: stored as is, uncompressed length 0.
const char* const golden_lz4_stored =  // options_frame
    "0900000004 | c2b895 | 05 00 0001 05 00000000 | b5557486";
// options_frame + "abcdefgh" * 64 (521 bytes) compressed to 29 bytes.
const char* const golden_lz4_compressed =
    "1d00120404 | 553880 |"
    "ff02 0500000105000000006162636465666768 0800 ffe1 50 6465666768 | 95c8bdb8";
// 300 'x', not self-contained, compressed to 12 bytes.
const char* const golden_lz4_not_self_contained =
    "0c00580200 | 457797 | 1f78 0100 ff14 50 7878787878 | c0984083";

bytes compressible_payload() {
  bytes p = options_frame;
  for (int i = 0; i < 64; ++i) {
    const std::string s = "abcdefgh";
    p.insert(p.end(), s.begin(), s.end());
  }
  return p;
}

bytes encode_one(byte_view payload, bool self_contained, bool lz4) {
  bytes out;
  encode_segment(payload, self_contained, lz4, out);
  return out;
}

// A segment built field by field, with correct CRCs, for contents the encoder never makes.
bytes raw_segment(bool lz4, std::uint64_t header_fields, byte_view wire_payload) {
  bytes out;
  const std::size_t header_size = lz4 ? 5 : 3;
  for (std::size_t i = 0; i < header_size; ++i) {
    out.push_back(static_cast<std::uint8_t>(header_fields >> (8 * i)));
  }
  const std::uint32_t header_crc = crc24(out);
  for (int i = 0; i < 3; ++i)
    out.push_back(static_cast<std::uint8_t>(header_crc >> (8 * i)));
  out.insert(out.end(), wire_payload.begin(), wire_payload.end());
  const std::uint32_t payload_crc = crc32_segment(wire_payload);
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(payload_crc >> (8 * i)));
  return out;
}

// Reads segments until the reader needs more bytes; returns the error, if any.
errc drain(segment_reader& r, std::vector<segment>& out) {
  for (;;) {
    auto s = r.next();
    if (!s) return static_cast<errc>(s.error().value());
    if (!*s) return errc::ok;
    out.push_back(std::move(**s));
  }
}

errc drain(segmented_frame_reader& r, std::vector<frame>& out) {
  for (;;) {
    auto f = r.next();
    if (!f) return static_cast<errc>(f.error().value());
    if (!*f) return errc::ok;
    out.push_back(std::move(**f));
  }
}

std::vector<segment> read_segments(byte_view wire, bool lz4) {
  segment_reader r(lz4);
  r.feed(wire);
  std::vector<segment> out;
  EXPECT_EQ(drain(r, out), errc::ok);
  EXPECT_EQ(r.buffered(), 0u);
  return out;
}

errc first_error(byte_view wire, bool lz4) {
  segment_reader r(lz4);
  r.feed(wire);
  std::vector<segment> ignored;
  return drain(r, ignored);
}

// ---- golden bytes ----------------------------------------------------------------------

TEST(SegmentGolden, UncompressedMatchesPythonDriver) {
  struct golden {
    const char* wire;
    bytes payload;
    bool self_contained;
  };
  const golden cases[] = {
      {golden_plain_self_contained, options_frame, true},
      {golden_plain_not_self_contained, options_frame, false},
      {golden_plain_empty, {}, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(encode_one(c.payload, c.self_contained, false), hex(c.wire)) << c.wire;
    const auto segments = read_segments(hex(c.wire), false);
    ASSERT_EQ(segments.size(), 1u) << c.wire;
    EXPECT_EQ(segments[0], (segment{c.payload, c.self_contained})) << c.wire;
  }
}

TEST(SegmentGolden, Lz4StoredUncompressedMatchesPythonDriver) {
  EXPECT_EQ(encode_one(options_frame, true, true), hex(golden_lz4_stored));
  const auto segments = read_segments(hex(golden_lz4_stored), true);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0], (segment{options_frame, true}));
}

TEST(SegmentGolden, Lz4CompressedMatchesPythonDriver) {
  // Both sides call LZ4_compress_default on the same input; the block format is stable, and
  // the compressor's choices for this input have been the same across LZ4 1.9.x.
  EXPECT_EQ(encode_one(compressible_payload(), true, true), hex(golden_lz4_compressed));
  EXPECT_EQ(encode_one(bytes(300, 'x'), false, true), hex(golden_lz4_not_self_contained));

  const auto a = read_segments(hex(golden_lz4_compressed), true);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0], (segment{compressible_payload(), true}));

  const auto b = read_segments(hex(golden_lz4_not_self_contained), true);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], (segment{bytes(300, 'x'), false}));
}

TEST(SegmentGolden, Lz4CompressedHeaderFields) {
  // The compressed bytes depend on the LZ4 library; the framing around them does not.
  const bytes payload = compressible_payload();
  const bytes wire = encode_one(payload, true, true);
  ASSERT_GE(wire.size(), 12u);
  std::uint64_t fields = 0;
  for (int i = 4; i >= 0; --i)
    fields = (fields << 8) | wire[static_cast<std::size_t>(i)];
  const std::uint64_t compressed_length = fields & 0x1FFFF;
  EXPECT_EQ((fields >> 17) & 0x1FFFF, payload.size());
  EXPECT_EQ((fields >> 34) & 1, 1u);
  EXPECT_EQ(fields >> 35, 0u);  // padding
  EXPECT_LT(compressed_length, payload.size());
  EXPECT_EQ(wire.size(), 5 + 3 + compressed_length + 4);
  const std::uint32_t header_crc = wire[5] | (wire[6] << 8) | (wire[7] << 16);
  EXPECT_EQ(header_crc, crc24(byte_view(wire).first(5)));
  const byte_view wire_payload = byte_view(wire).subspan(8, compressed_length);
  const std::size_t t = wire.size() - 4;
  const std::uint32_t payload_crc = static_cast<std::uint32_t>(wire[t]) | (wire[t + 1] << 8) |
                                    (wire[t + 2] << 16) |
                                    (static_cast<std::uint32_t>(wire[t + 3]) << 24);
  EXPECT_EQ(payload_crc, crc32_segment(wire_payload));
}

TEST(SegmentGolden, MaximumPayloadLengthField) {
  const bytes payload = pseudo_random(max_segment_payload, 1);
  const bytes wire = encode_one(payload, false, false);
  // 131071 = 0x1FFFF, flag clear: ff ff 01.
  EXPECT_EQ(byte_view(wire).first(3)[0], 0xff);
  EXPECT_EQ(byte_view(wire).first(3)[1], 0xff);
  EXPECT_EQ(byte_view(wire).first(3)[2], 0x01);
  EXPECT_EQ(wire.size(), 3 + 3 + max_segment_payload + 4);
}

// ---- round trip ------------------------------------------------------------------------

TEST(SegmentRoundTrip, UncompressedAndCompressed) {
  const bytes compressible(100000, 'q');
  const std::vector<bytes> payloads = {
      {},
      hex("00"),
      options_frame,
      compressible_payload(),
      pseudo_random(1000, 2),
      compressible,
      pseudo_random(max_segment_payload, 3),
      bytes(max_segment_payload, 0),
  };
  for (bool lz4 : {false, true}) {
    for (bool self_contained : {false, true}) {
      for (const auto& p : payloads) {
        const bytes wire = encode_one(p, self_contained, lz4);
        const auto segments = read_segments(wire, lz4);
        ASSERT_EQ(segments.size(), 1u) << lz4 << " " << p.size();
        EXPECT_EQ(segments[0], (segment{p, self_contained})) << lz4 << " " << p.size();
      }
    }
  }
}

TEST(SegmentRoundTrip, Lz4ShrinksCompressibleAndStoresIncompressible) {
  EXPECT_LT(encode_one(bytes(100000, 'q'), true, true).size(), 1000u);
  const bytes noise = pseudo_random(50000, 4);
  EXPECT_EQ(encode_one(noise, true, true).size(), 5 + 3 + noise.size() + 4);
}

TEST(SegmentRoundTrip, EncodeAppendsToExistingBytes) {
  bytes out = hex("aa bb");
  encode_segment(options_frame, true, false, out);
  EXPECT_EQ(out, concat({hex("aa bb"), hex(golden_plain_self_contained)}));
}

// ---- incremental reading ---------------------------------------------------------------

bytes small_stream(bool lz4) {
  bytes wire;
  encode_segment(options_frame, true, lz4, wire);
  encode_segment(compressible_payload(), false, lz4, wire);
  encode_segment({}, true, lz4, wire);
  encode_segment(pseudo_random(97, 5), true, lz4, wire);
  return wire;
}

std::vector<segment> small_stream_segments() {
  return {{options_frame, true},
          {compressible_payload(), false},
          {{}, true},
          {pseudo_random(97, 5), true}};
}

TEST(SegmentReader, EverySplitPointGivesTheSameSegments) {
  for (bool lz4 : {false, true}) {
    const bytes wire = small_stream(lz4);
    for (std::size_t split = 0; split <= wire.size(); ++split) {
      segment_reader r(lz4);
      std::vector<segment> got;
      r.feed(byte_view(wire).first(split));
      ASSERT_EQ(drain(r, got), errc::ok) << split;
      r.feed(byte_view(wire).subspan(split));
      ASSERT_EQ(drain(r, got), errc::ok) << split;
      EXPECT_EQ(got, small_stream_segments()) << "lz4=" << lz4 << " split=" << split;
      EXPECT_EQ(r.buffered(), 0u);
    }
  }
}

TEST(SegmentReader, ByteByByteGivesTheSameSegments) {
  for (bool lz4 : {false, true}) {
    const bytes wire = small_stream(lz4);
    segment_reader r(lz4);
    std::vector<segment> got;
    for (std::uint8_t b : wire) {
      r.feed(byte_view(&b, 1));
      ASSERT_EQ(drain(r, got), errc::ok);
    }
    EXPECT_EQ(got, small_stream_segments()) << lz4;
  }
}

TEST(SegmentReader, TruncatedInputNeedsMoreAndIsNotAnError) {
  for (bool lz4 : {false, true}) {
    const bytes wire = encode_one(compressible_payload(), true, lz4);
    for (std::size_t n = 0; n < wire.size(); ++n) {
      segment_reader r(lz4);
      r.feed(byte_view(wire).first(n));
      auto s = r.next();
      ASSERT_TRUE(s) << n;
      EXPECT_FALSE(*s) << n;
      EXPECT_EQ(r.buffered(), n);
    }
  }
}

TEST(SegmentReader, ReportsBadHeaderCrcBeforeThePayloadArrives) {
  bytes wire = hex(golden_plain_self_contained);
  wire[0] ^= 0x01;
  segment_reader r(false);
  r.feed(byte_view(wire).first(6));
  auto s = r.next();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), errc::bad_header_crc);
}

// ---- malformed input -------------------------------------------------------------------

TEST(SegmentMalformed, AnyFlippedHeaderBitIsBadHeaderCrc) {
  for (bool lz4 : {false, true}) {
    const bytes good = encode_one(compressible_payload(), true, lz4);
    const std::size_t header_with_crc = lz4 ? 8 : 6;
    for (std::size_t bit = 0; bit < header_with_crc * 8; ++bit) {
      bytes wire = good;
      wire[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      EXPECT_EQ(first_error(wire, lz4), errc::bad_header_crc) << "lz4=" << lz4 << " bit=" << bit;
    }
  }
}

TEST(SegmentMalformed, AnyFlippedPayloadOrTrailerBitIsBadPayloadCrc) {
  for (bool lz4 : {false, true}) {
    const bytes good = encode_one(compressible_payload(), true, lz4);
    const std::size_t header_with_crc = lz4 ? 8 : 6;
    for (std::size_t bit = header_with_crc * 8; bit < good.size() * 8; ++bit) {
      bytes wire = good;
      wire[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      EXPECT_EQ(first_error(wire, lz4), errc::bad_payload_crc) << "lz4=" << lz4 << " bit=" << bit;
    }
  }
}

TEST(SegmentMalformed, ReadingCompressedAsUncompressedFailsTheHeaderCrc) {
  EXPECT_EQ(first_error(hex(golden_lz4_stored), false), errc::bad_header_crc);
  EXPECT_EQ(first_error(hex(golden_plain_self_contained), true), errc::bad_header_crc);
}

TEST(SegmentMalformed, CorruptLz4WithValidCrcsIsDecompressionFailed) {
  // Compressed length 4, uncompressed length 100, self-contained; the block is garbage.
  const std::uint64_t fields = 4 | (100ull << 17) | (1ull << 34);
  EXPECT_EQ(first_error(raw_segment(true, fields, hex("ff ff ff ff")), true),
            errc::decompression_failed);
}

TEST(SegmentMalformed, Lz4BlockShorterThanDeclaredIsDecompressionFailed) {
  // A valid block of 5 literals ("hello") but the header claims 6 uncompressed bytes.
  const bytes block = hex("50 68656c6c6f");
  const std::uint64_t six = block.size() | (6ull << 17) | (1ull << 34);
  EXPECT_EQ(first_error(raw_segment(true, six, block), true), errc::decompression_failed);
  const std::uint64_t five = block.size() | (5ull << 17) | (1ull << 34);
  const auto ok = read_segments(raw_segment(true, five, block), true);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0], (segment{hex("68656c6c6f"), true}));
}

TEST(SegmentMalformed, HeaderPaddingBitsAreIgnored) {
  // Cassandra does not check the padding; neither do we.
  const std::uint64_t fields = options_frame.size() | (1ull << 17) | (1ull << 23);
  const auto segments = read_segments(raw_segment(false, fields, options_frame), false);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0], (segment{options_frame, true}));
}

TEST(SegmentMalformed, ErrorIsSticky) {
  bytes wire = hex(golden_plain_self_contained);
  wire[8] ^= 0x80;
  segment_reader r(false);
  r.feed(wire);
  auto first = r.next();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error(), errc::bad_payload_crc);
  r.feed(hex(golden_plain_self_contained));
  auto second = r.next();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), errc::bad_payload_crc);
}

// ---- frames over segments --------------------------------------------------------------

frame make_frame(std::int16_t stream, bytes body) {
  frame f;
  f.header.version = raw(protocol_version::v5);
  f.header.response = true;
  f.header.stream = stream;
  f.header.op = opcode::result;
  f.header.length = static_cast<std::uint32_t>(body.size());
  f.body = std::move(body);
  return f;
}

bytes wire_of(const frame& f) {
  return encode_frame(f.header, f.body);
}

std::vector<bytes> wires_of(const std::vector<frame>& frames) {
  std::vector<bytes> out;
  for (const auto& f : frames)
    out.push_back(wire_of(f));
  return out;
}

std::vector<frame> read_frames(byte_view wire, bool lz4) {
  segmented_frame_reader r(lz4);
  r.feed(wire);
  std::vector<frame> out;
  EXPECT_EQ(drain(r, out), errc::ok);
  return out;
}

TEST(SegmentFrames, OneSmallFrameMatchesPythonDriver) {
  const std::vector<bytes> frames = {options_frame};
  EXPECT_EQ(encode_frames_as_segments(frames, false), hex(golden_plain_self_contained));
  EXPECT_EQ(encode_frames_as_segments(frames, true), hex(golden_lz4_stored));
}

TEST(SegmentFrames, NoFramesNoSegments) {
  EXPECT_TRUE(encode_frames_as_segments({}, false).empty());
  EXPECT_TRUE(encode_frames_as_segments({}, true).empty());
}

TEST(SegmentFrames, SeveralFramesShareOneSelfContainedSegment) {
  const std::vector<frame> frames = {make_frame(1, hex("00000001")), make_frame(2, {}),
                                     make_frame(-1, pseudo_random(500, 6))};
  const std::vector<bytes> wires = wires_of(frames);
  for (bool lz4 : {false, true}) {
    const bytes wire = encode_frames_as_segments(wires, lz4);
    const auto segments = read_segments(wire, lz4);
    ASSERT_EQ(segments.size(), 1u);
    EXPECT_EQ(segments[0], (segment{concat({wires[0], wires[1], wires[2]}), true}));
    EXPECT_EQ(read_frames(wire, lz4), frames);
  }
}

TEST(SegmentFrames, PacksUpToTheMaximumPayload) {
  // Two frames of 70000 bytes do not fit one segment together; a third small one joins
  // the second.
  const std::vector<frame> frames = {make_frame(1, bytes(70000 - 9, 1)),
                                     make_frame(2, bytes(70000 - 9, 2)), make_frame(3, {})};
  const std::vector<bytes> wires = wires_of(frames);
  const bytes wire = encode_frames_as_segments(wires, false);
  const auto segments = read_segments(wire, false);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0], (segment{wires[0], true}));
  EXPECT_EQ(segments[1], (segment{concat({wires[1], wires[2]}), true}));
  EXPECT_EQ(read_frames(wire, false), frames);
}

TEST(SegmentFrames, FrameOfExactlyTheMaximumIsSelfContained) {
  const frame f = make_frame(1, bytes(max_segment_payload - 9, 7));
  const std::vector<bytes> wires = {wire_of(f)};
  const auto segments = read_segments(encode_frames_as_segments(wires, false), false);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_TRUE(segments[0].self_contained);
}

TEST(SegmentFrames, FrameOneByteOverTheMaximumIsCutInTwo) {
  const frame f = make_frame(1, bytes(max_segment_payload - 8, 7));
  const std::vector<bytes> wires = {wire_of(f)};
  const bytes wire = encode_frames_as_segments(wires, false);
  const auto segments = read_segments(wire, false);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].payload.size(), max_segment_payload);
  EXPECT_EQ(segments[1].payload.size(), 1u);
  EXPECT_FALSE(segments[0].self_contained);
  EXPECT_FALSE(segments[1].self_contained);
  EXPECT_EQ(read_frames(wire, false), std::vector<frame>{f});
}

TEST(SegmentFrames, FiveMebibyteFrameIsCutAndReassembled) {
  const std::size_t total = 5 * 1024 * 1024;
  bytes body = pseudo_random(total - 9, 8);
  // Compressible stretches so the lz4 run mixes compressed and stored segments.
  for (std::size_t i = 0; i < body.size(); i += 3 * max_segment_payload) {
    std::fill_n(body.begin() + static_cast<std::ptrdiff_t>(i),
                std::min(max_segment_payload, body.size() - i), 0x55);
  }
  const frame big = make_frame(7, std::move(body));
  const std::vector<bytes> wires = {wire_of(big)};
  const std::size_t expected_segments = (total + max_segment_payload - 1) / max_segment_payload;
  for (bool lz4 : {false, true}) {
    const bytes wire = encode_frames_as_segments(wires, lz4);
    const auto segments = read_segments(wire, lz4);
    ASSERT_EQ(segments.size(), expected_segments);
    for (std::size_t i = 0; i < segments.size(); ++i) {
      EXPECT_FALSE(segments[i].self_contained) << i;
      const std::size_t want =
          i + 1 < segments.size() ? max_segment_payload : total - i * max_segment_payload;
      EXPECT_EQ(segments[i].payload.size(), want) << i;
    }
    // Odd-sized chunks so reads straddle segment boundaries everywhere.
    segmented_frame_reader r(lz4);
    std::vector<frame> got;
    for (std::size_t at = 0; at < wire.size(); at += 65521) {
      r.feed(byte_view(wire).subspan(at, std::min<std::size_t>(65521, wire.size() - at)));
      ASSERT_EQ(drain(r, got), errc::ok);
    }
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0] == big) << "lz4=" << lz4;
  }
}

std::vector<frame> mixed_frames() {
  return {make_frame(1, hex("0001")),
          make_frame(2, pseudo_random(200000, 9)),
          make_frame(3, {}),
          make_frame(4, bytes(300, 'z')),
          make_frame(5, bytes(max_segment_payload + 5, 'y')),
          make_frame(6, hex("ff"))};
}

TEST(SegmentFrames, OrderIsKeptAroundCutFrames) {
  const auto frames = mixed_frames();
  const bytes wire = encode_frames_as_segments(wires_of(frames), false);
  std::vector<bool> flags;
  for (const auto& s : read_segments(wire, false))
    flags.push_back(s.self_contained);
  // [1] | 2 cut in two | [3, 4] | 5 cut in two | [6]
  EXPECT_EQ(flags, (std::vector<bool>{true, false, false, true, false, false, true}));
  EXPECT_EQ(read_frames(wire, false), frames);
}

TEST(SegmentFrames, ByteByByteGivesTheSameFrames) {
  const auto frames = mixed_frames();
  for (bool lz4 : {false, true}) {
    const bytes wire = encode_frames_as_segments(wires_of(frames), lz4);
    segmented_frame_reader r(lz4);
    std::vector<frame> got;
    for (std::uint8_t b : wire) {
      r.feed(byte_view(&b, 1));
      ASSERT_EQ(drain(r, got), errc::ok);
    }
    EXPECT_TRUE(got == frames) << lz4;
  }
}

TEST(SegmentFrames, EverySplitPointGivesTheSameFrames) {
  const std::vector<frame> frames = {make_frame(1, hex("0001")), make_frame(2, {}),
                                     make_frame(3, bytes(300, 'z')), make_frame(4, hex("ff"))};
  for (bool lz4 : {false, true}) {
    // Two segments: frames 1-2 and frames 3-4.
    bytes wire = encode_frames_as_segments(wires_of({frames[0], frames[1]}), lz4);
    const bytes second = encode_frames_as_segments(wires_of({frames[2], frames[3]}), lz4);
    wire.insert(wire.end(), second.begin(), second.end());
    for (std::size_t split = 0; split <= wire.size(); ++split) {
      segmented_frame_reader r(lz4);
      std::vector<frame> got;
      r.feed(byte_view(wire).first(split));
      ASSERT_EQ(drain(r, got), errc::ok) << split;
      r.feed(byte_view(wire).subspan(split));
      ASSERT_EQ(drain(r, got), errc::ok) << split;
      EXPECT_EQ(got, frames) << "lz4=" << lz4 << " split=" << split;
    }
  }
}

TEST(SegmentFrames, TruncatedStreamYieldsCompleteSegmentsOnly) {
  const std::vector<frame> frames = {make_frame(1, hex("0001")), make_frame(2, hex("02"))};
  const bytes first = encode_frames_as_segments(wires_of({frames[0]}), false);
  const bytes wire = concat({first, encode_frames_as_segments(wires_of({frames[1]}), false)});
  for (std::size_t n = 0; n < wire.size(); ++n) {
    segmented_frame_reader r(false);
    r.feed(byte_view(wire).first(n));
    std::vector<frame> got;
    ASSERT_EQ(drain(r, got), errc::ok) << n;
    EXPECT_EQ(got.size(), n >= first.size() ? 1u : 0u) << n;
  }
}

TEST(SegmentFrames, EmptySelfContainedSegmentYieldsNothing) {
  const bytes wire = concat({encode_one({}, true, false), encode_one(options_frame, true, false)});
  const auto frames = read_frames(wire, false);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.op, opcode::options);
}

errc first_frame_error(byte_view wire, bool lz4, frame_reader::options opts = {}) {
  segmented_frame_reader r(lz4, opts);
  r.feed(wire);
  std::vector<frame> ignored;
  return drain(r, ignored);
}

TEST(SegmentFramesMalformed, PartialFrameInSelfContainedSegmentIsInvalid) {
  const bytes f = wire_of(make_frame(1, hex("00010203")));
  for (std::size_t n = 1; n < f.size(); ++n) {
    EXPECT_EQ(first_frame_error(encode_one(byte_view(f).first(n), true, false), false),
              errc::invalid_value)
        << n;
  }
  // A whole frame followed by a partial one.
  const bytes one_and_a_bit = concat({f, bytes(f.begin(), f.begin() + 3)});
  EXPECT_EQ(first_frame_error(encode_one(one_and_a_bit, true, false), false), errc::invalid_value);
}

TEST(SegmentFramesMalformed, SelfContainedSegmentInsideACutFrameIsInvalid) {
  const bytes f = wire_of(make_frame(1, bytes(100, 1)));
  const bytes wire = concat({encode_one(byte_view(f).first(50), false, false),
                             encode_one(options_frame, true, false),
                             encode_one(byte_view(f).subspan(50), false, false)});
  EXPECT_EQ(first_frame_error(wire, false), errc::invalid_value);
}

TEST(SegmentFramesMalformed, CutSegmentRunningPastItsFrameIsInvalid) {
  const bytes f = wire_of(make_frame(1, bytes(100, 1)));
  const bytes wire =
      concat({encode_one(byte_view(f).first(50), false, false),
              encode_one(concat({bytes(f.begin() + 50, f.end()), options_frame}), false, false)});
  EXPECT_EQ(first_frame_error(wire, false), errc::invalid_value);
}

TEST(SegmentFramesMalformed, FrameTooLargeIsReportedFromTheFirstCutSegment) {
  const bytes f = wire_of(make_frame(1, bytes(300000, 1)));
  // Only the first of three segments arrives.
  const bytes wire = encode_one(byte_view(f).first(max_segment_payload), false, false);
  EXPECT_EQ(
      first_frame_error(wire, false, {.max_frame_size = 200000, .expect_response = std::nullopt}),
      errc::frame_too_large);
  EXPECT_EQ(first_frame_error(wire, false), errc::ok);
}

TEST(SegmentFramesMalformed, FrameErrorsPropagate) {
  EXPECT_EQ(first_frame_error(hex(golden_plain_self_contained), false,
                              {.max_frame_size = default_max_frame_size, .expect_response = true}),
            errc::wrong_direction);
  const bytes bad_opcode = hex("05 00 0000 04 00000000");
  EXPECT_EQ(first_frame_error(encode_one(bad_opcode, true, false), false), errc::unknown_opcode);
}

TEST(SegmentFramesMalformed, SegmentErrorsPropagateAndStick) {
  bytes wire = hex(golden_plain_self_contained);
  wire[10] ^= 0x04;
  segmented_frame_reader r(false);
  r.feed(wire);
  auto first = r.next();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error(), errc::bad_payload_crc);
  r.feed(hex(golden_plain_self_contained));
  auto second = r.next();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), errc::bad_payload_crc);
}

}  // namespace
}  // namespace cqlshift::protocol
