#include "cqlshift/protocol/segment.hpp"

#include "cqlshift/protocol/crc.hpp"

#include <lz4.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cqlshift::protocol {
namespace {

constexpr std::size_t uncompressed_header_size = 3;  // 17-bit length, flag, 6 padding bits
constexpr std::size_t compressed_header_size = 5;    // 17 + 17 bits of lengths, flag, padding
constexpr std::size_t header_crc_size = 3;
constexpr std::size_t payload_crc_size = 4;
constexpr std::uint64_t length_mask = 0x1FFFF;
constexpr int length_bits = 17;

constexpr std::size_t header_size(bool lz4) noexcept {
  return lz4 ? compressed_header_size : uncompressed_header_size;
}

// The framing format is little-endian throughout, unlike the rest of the protocol.
void put_le(std::uint8_t* at, std::uint64_t v, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    at[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t get_le(byte_view data) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = data.size(); i-- > 0;)
    v = (v << 8) | data[i];
  return v;
}

void write_header(std::uint8_t* at, std::size_t size, std::uint64_t fields) noexcept {
  put_le(at, fields, size);
  put_le(at + size, crc24(byte_view(at, size)), header_crc_size);
}

}  // namespace

void encode_segment(byte_view payload, bool self_contained, bool lz4, bytes& out) {
  assert(payload.size() <= max_segment_payload);
  const std::size_t hsize = header_size(lz4);
  const std::size_t begin = out.size();
  const std::size_t payload_at = begin + hsize + header_crc_size;

  std::size_t wire_length = payload.size();
  std::size_t uncompressed_length = 0;
  if (lz4) {
    const int src_size = static_cast<int>(payload.size());
    const int bound = LZ4_compressBound(src_size);
    out.resize(payload_at + static_cast<std::size_t>(bound));
    const int n =
        LZ4_compress_default(reinterpret_cast<const char*>(payload.data()),
                             reinterpret_cast<char*>(out.data() + payload_at), src_size, bound);
    // Cassandra sends the payload as is unless compression makes it strictly smaller.
    if (n > 0 && static_cast<std::size_t>(n) < payload.size()) {
      wire_length = static_cast<std::size_t>(n);
      uncompressed_length = payload.size();
    }
  }
  out.resize(payload_at + wire_length);
  if (uncompressed_length == 0 && !payload.empty()) {
    std::memcpy(out.data() + payload_at, payload.data(), payload.size());
  }

  std::uint64_t fields = wire_length;
  int flag_bit = length_bits;
  if (lz4) {
    fields |= static_cast<std::uint64_t>(uncompressed_length) << length_bits;
    flag_bit += length_bits;
  }
  if (self_contained) fields |= std::uint64_t{1} << flag_bit;
  write_header(out.data() + begin, hsize, fields);

  const std::uint32_t crc = crc32_segment(byte_view(out).subspan(payload_at, wire_length));
  out.resize(payload_at + wire_length + payload_crc_size);
  put_le(out.data() + payload_at + wire_length, crc, payload_crc_size);
}

bytes encode_frames_as_segments(std::span<const bytes> encoded_frames, bool lz4) {
  bytes frames;
  std::vector<std::size_t> sizes;
  sizes.reserve(encoded_frames.size());
  for (const bytes& f : encoded_frames) {
    frames.insert(frames.end(), f.begin(), f.end());
    sizes.push_back(f.size());
  }
  bytes out;
  append_frames_as_segments(frames, sizes, lz4, out);
  return out;
}

void append_frames_as_segments(byte_view frames, std::span<const std::size_t> frame_sizes, bool lz4,
                               bytes& out) {
  // Consecutive frames are contiguous in `frames`: a packed segment's payload is one span.
  std::size_t at = 0;
  std::size_t packed_from = 0;
  std::size_t packed = 0;
  auto flush_packed = [&] {
    if (packed == 0) return;
    encode_segment(frames.subspan(packed_from, packed), true, lz4, out);
    packed = 0;
  };
  for (const std::size_t size : frame_sizes) {
    if (size > max_segment_payload) {
      flush_packed();
      for (std::size_t done = 0; done < size; done += max_segment_payload) {
        const std::size_t n = std::min(max_segment_payload, size - done);
        encode_segment(frames.subspan(at + done, n), false, lz4, out);
      }
      at += size;
      continue;
    }
    if (packed + size > max_segment_payload) flush_packed();
    if (packed == 0) packed_from = at;
    packed += size;
    at += size;
  }
  flush_packed();
}

void segment_reader::feed(byte_view data) {
  if (error_ == errc::ok) buf_.append(data);
}

result<std::optional<segment>> segment_reader::next() {
  if (error_ != errc::ok) return error_;
  const byte_view avail = buf_.view();
  const std::size_t hsize = header_size(lz4_);
  if (!pending_) {
    if (avail.size() < hsize + header_crc_size) return std::optional<segment>{};
    const byte_view raw_header = avail.first(hsize);
    const auto read_crc = static_cast<std::uint32_t>(get_le(avail.subspan(hsize, header_crc_size)));
    if (crc24(raw_header) != read_crc) return fail(errc::bad_header_crc);
    const std::uint64_t fields = get_le(raw_header);
    header h;
    h.payload_length = static_cast<std::size_t>(fields & length_mask);
    int flag_bit = length_bits;
    if (lz4_) {
      h.uncompressed_length = static_cast<std::size_t>((fields >> length_bits) & length_mask);
      flag_bit += length_bits;
    }
    h.self_contained = ((fields >> flag_bit) & 1) != 0;
    pending_ = h;
  }
  const std::size_t payload_at = hsize + header_crc_size;
  const std::size_t total = payload_at + pending_->payload_length + payload_crc_size;
  if (avail.size() < total) return std::optional<segment>{};

  const byte_view wire_payload = avail.subspan(payload_at, pending_->payload_length);
  const auto read_crc =
      static_cast<std::uint32_t>(get_le(avail.subspan(total - payload_crc_size, payload_crc_size)));
  if (crc32_segment(wire_payload) != read_crc) return fail(errc::bad_payload_crc);

  segment s;
  s.self_contained = pending_->self_contained;
  if (pending_->uncompressed_length == 0) {
    s.payload.assign(wire_payload.begin(), wire_payload.end());
  } else {
    // Bounded by the 17-bit field, so this allocation is at most 128 KiB.
    s.payload.resize(pending_->uncompressed_length);
    const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(wire_payload.data()),
                                      reinterpret_cast<char*>(s.payload.data()),
                                      static_cast<int>(wire_payload.size()),
                                      static_cast<int>(s.payload.size()));
    if (n < 0 || static_cast<std::size_t>(n) != s.payload.size()) {
      return fail(errc::decompression_failed);
    }
  }
  buf_.consume(total);
  pending_.reset();
  return std::optional<segment>(std::move(s));
}

result<std::optional<frame>> segmented_frame_reader::pop_ready() {
  frame f = std::move(ready_.front());
  ready_.pop_front();
  return std::optional<frame>(std::move(f));
}

result<std::optional<frame>> segmented_frame_reader::next() {
  if (error_ != errc::ok) return error_;
  if (!ready_.empty()) return pop_ready();
  for (;;) {
    auto s = segments_.next();
    if (!s) return fail(static_cast<errc>(s.error().value()));
    if (!*s) return std::optional<frame>{};
    if ((*s)->self_contained) {
      if (frames_.buffered() != 0) return fail(errc::invalid_value);
      frames_.feed((*s)->payload);
      for (;;) {
        auto f = frames_.next();
        if (!f) return fail(static_cast<errc>(f.error().value()));
        if (!*f) break;
        ready_.push_back(std::move(**f));
      }
      if (frames_.buffered() != 0) return fail(errc::invalid_value);
      if (!ready_.empty()) return pop_ready();
    } else {
      frames_.feed((*s)->payload);
      auto f = frames_.next();
      if (!f) return fail(static_cast<errc>(f.error().value()));
      if (*f) {
        if (frames_.buffered() != 0) return fail(errc::invalid_value);
        return f;
      }
    }
  }
}

}  // namespace cqlshift::protocol
