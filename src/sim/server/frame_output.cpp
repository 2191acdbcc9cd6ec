#include "server/frame_output.hpp"

#include "cqlshift/protocol/segment.hpp"

#include <algorithm>

namespace cqlshift::sim {

void pack_segments(protocol::byte_view frames, std::span<const std::size_t> frame_ends, bool lz4,
                   protocol::bytes& out) {
  std::size_t run_start = 0;  // first byte of the frames packed together so far
  std::size_t at = 0;         // first byte of the current frame
  auto flush_run = [&](std::size_t end) {
    if (end > run_start) {
      protocol::encode_segment(frames.subspan(run_start, end - run_start), true, lz4, out);
    }
  };
  for (std::size_t end : frame_ends) {
    if (end - at > protocol::max_segment_payload) {
      // Too large for one segment: its own run of segments that are not self-contained.
      flush_run(at);
      for (std::size_t chunk = at; chunk < end; chunk += protocol::max_segment_payload) {
        const std::size_t n = std::min(protocol::max_segment_payload, end - chunk);
        protocol::encode_segment(frames.subspan(chunk, n), false, lz4, out);
      }
      run_start = end;
    } else if (end - run_start > protocol::max_segment_payload) {
      flush_run(at);
      run_start = at;
    }
    at = end;
  }
  flush_run(at);
}

protocol::errc frame_output::append(protocol::frame_header header, const protocol::envelope& env,
                                    protocol::byte_view message,
                                    protocol::compression_algorithm compression) {
  protocol::bytes& out = target();
  const std::size_t begin = out.size();
  const std::size_t hsize = protocol::header_size_for_raw_version(header.version);
  protocol::writer w(out);
  const bool compress = compression != protocol::compression_algorithm::none &&
                        (!message.empty() || header.has(protocol::header_flag::custom_payload));
  if (compress) header.flags |= protocol::header_flag::compression;
  protocol::encode_header(header, w);
  if (!compress) {
    protocol::write_envelope(header, env, w);
    w.write_raw(message);
  } else {
    scratch_.clear();
    protocol::writer body(scratch_);
    protocol::write_envelope(header, env, body);
    body.write_raw(message);
    auto compressed = protocol::compress_body(compression, scratch_);
    if (!body.ok() || !compressed) {
      out.resize(begin);
      return body.ok() ? static_cast<protocol::errc>(compressed.error().value()) : body.error();
    }
    w.write_raw(*compressed);
  }
  const std::size_t length = out.size() - begin - hsize;
  if (!w.ok() || length > 0x7FFFFFFF) {
    out.resize(begin);
    return w.ok() ? protocol::errc::value_too_large : w.error();
  }
  w.patch_int(begin + hsize - 4, static_cast<std::int32_t>(length));
  if (segments_) frame_ends_.push_back(out.size());
  return protocol::errc::ok;
}

void frame_output::take(protocol::bytes& out) {
  if (!frames_.empty()) {
    pack_segments(frames_, frame_ends_, lz4_, wire_);
    frames_.clear();
    frame_ends_.clear();
  }
  out.clear();
  out.swap(wire_);
  // One huge result must not pin its buffers for the connection's life.
  if (wire_.capacity() > retained_capacity) protocol::bytes().swap(wire_);
  if (frames_.capacity() > retained_capacity) protocol::bytes().swap(frames_);
}

}  // namespace cqlshift::sim
