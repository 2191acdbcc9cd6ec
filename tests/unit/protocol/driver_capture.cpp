#include "driver_capture.hpp"

#include "test_bytes.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace cqlshift::protocol::driver_capture {

std::optional<scenario> find_scenario(std::string_view name) {
  for (const scenario& s : all_scenarios) {
    if (name == s.name) return s;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const scenario& s) {
  return os << s.name;
}

// ---------------------------------------------------------------------------------------------
// The capture files.

int capture::connections() const {
  int n = 0;
  for (const auto& r : records)
    n = std::max(n, r.conn + 1);
  return n;
}

bytes capture::stream(int conn, char direction) const {
  bytes out;
  for (const auto& r : records) {
    if (r.conn == conn && r.direction == direction) {
      out.insert(out.end(), r.data.begin(), r.data.end());
    }
  }
  return out;
}

std::vector<bytes> capture::chunks(int conn, char direction) const {
  std::vector<bytes> out;
  for (const auto& r : records) {
    if (r.conn == conn && r.direction == direction) out.push_back(r.data);
  }
  return out;
}

namespace {

bytes read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void read_records(const std::string& path, capture& c) {
  const bytes raw = read_whole_file(path);
  const std::string_view magic = "CQLCAP1\n";
  if (raw.size() < magic.size() || !std::equal(magic.begin(), magic.end(), raw.begin())) {
    throw std::runtime_error(path + ": bad magic");
  }
  std::size_t at = magic.size();
  while (at < raw.size()) {
    if (raw.size() - at < 6) throw std::runtime_error(path + ": truncated record header");
    record r;
    r.direction = static_cast<char>(raw[at]);
    r.conn = raw[at + 1];
    const std::size_t n = (std::size_t{raw[at + 2]} << 24) | (std::size_t{raw[at + 3]} << 16) |
                          (std::size_t{raw[at + 4]} << 8) | raw[at + 5];
    at += 6;
    if (raw.size() - at < n) throw std::runtime_error(path + ": truncated record");
    if (r.direction != client_side && r.direction != server_side) {
      throw std::runtime_error(path + ": bad direction");
    }
    r.data.assign(raw.begin() + static_cast<std::ptrdiff_t>(at),
                  raw.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    c.records.push_back(std::move(r));
  }
}

void read_listing(const std::string& path, capture& c) {
  std::ifstream listing(path);
  if (!listing) throw std::runtime_error("cannot open " + path);
  std::string line;
  while (std::getline(listing, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    int conn = 0;
    char dir = 0;
    std::string third;
    in >> conn >> dir >> third;
    if (third == "SEGMENT") {
      int self_contained = 0;
      std::size_t payload = 0, uncompressed = 0;
      in >> self_contained >> payload >> uncompressed;
      c.listed_segments[{conn, dir}].push_back(
          {self_contained != 0, uncompressed != 0 ? uncompressed : payload});
    } else {
      listed_frame f;
      std::string flags;
      f.stream = static_cast<std::int16_t>(std::stoi(third));
      in >> f.op >> flags >> f.length;
      f.flags = static_cast<std::uint8_t>(std::stoul(flags, nullptr, 16));
      c.listed_frames[{conn, dir}].push_back(f);
    }
    if (!in) throw std::runtime_error(path + ": bad line: " + line);
  }
}

}  // namespace

capture load_capture(const std::string& directory, const scenario& s) {
  const std::string base = directory + "/" + s.name;
  capture c;
  read_records(base + ".cap", c);
  read_listing(base + ".frames", c);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Splitting.

bool ends_handshake(const frame_header& h) noexcept {
  return h.response ? (h.op == opcode::ready || h.op == opcode::authenticate)
                    : h.op == opcode::startup;
}

stream_splitter::stream_splitter(const scenario& s, bool from_server)
    : segments_after_handshake_(uses_segments(s.version)),
      plain_(frame_reader::options{default_max_frame_size, from_server}),
      segmented_(segments_lz4(s), frame_reader::options{default_max_frame_size, from_server}) {}

void stream_splitter::feed(byte_view chunk) {
  if (error_ != errc::ok) return;
  if (switched_) {
    segmented_.feed(chunk);
    drain_segmented();
    return;
  }
  seen_.insert(seen_.end(), chunk.begin(), chunk.end());
  plain_.feed(chunk);
  drain_plain();
}

void stream_splitter::drain_plain() {
  for (;;) {
    auto next = plain_.next();
    if (!next) {
      error_ = static_cast<errc>(next.error().value());
      return;
    }
    if (!*next) return;
    frame f = std::move(**next);
    consumed_ += header_size_for_raw_version(f.header.version) + f.body.size();
    const bool last = segments_after_handshake_ && ends_handshake(f.header);
    frames_.push_back({std::move(f), false});
    if (last) {
      switched_ = true;
      segmented_.feed(byte_view(seen_).subspan(consumed_));
      seen_.clear();
      drain_segmented();
      return;
    }
  }
}

void stream_splitter::drain_segmented() {
  for (;;) {
    auto next = segmented_.next();
    if (!next) {
      error_ = static_cast<errc>(next.error().value());
      return;
    }
    if (!*next) return;
    frames_.push_back({std::move(**next), true});
  }
}

namespace {

template <class Chunk>
split_result split_each(const scenario& s, bool from_server, std::span<const Chunk> chunks) {
  stream_splitter splitter(s, from_server);
  for (const auto& c : chunks)
    splitter.feed(c);
  return {splitter.frames(), splitter.error(), splitter.handshake_size(),
          splitter.has_partial_plain_frame()};
}

}  // namespace

split_result split_chunks(const scenario& s, bool from_server, std::span<const byte_view> chunks) {
  return split_each(s, from_server, chunks);
}

split_result split_chunks(const scenario& s, bool from_server, std::span<const bytes> chunks) {
  return split_each(s, from_server, chunks);
}

split_result split_whole(const scenario& s, bool from_server, byte_view stream) {
  return split_chunks(s, from_server, std::span<const byte_view>(&stream, 1));
}

split_result split_byte_by_byte(const scenario& s, bool from_server, byte_view stream) {
  std::vector<byte_view> chunks;
  for (std::size_t i = 0; i < stream.size(); ++i)
    chunks.push_back(stream.subspan(i, 1));
  return split_chunks(s, from_server, chunks);
}

std::vector<segment> read_segments(bool lz4, byte_view data, errc& error, std::size_t& left) {
  segment_reader reader(lz4);
  reader.feed(data);
  std::vector<segment> out;
  for (;;) {
    auto next = reader.next();
    if (!next) {
      error = static_cast<errc>(next.error().value());
      break;
    }
    if (!*next) break;
    out.push_back(std::move(**next));
  }
  left = reader.buffered();
  return out;
}

std::vector<std::size_t> segment_sizes(bool lz4, byte_view data) {
  segment_reader reader(lz4);
  reader.feed(data);
  std::vector<std::size_t> out;
  std::size_t consumed = 0;
  for (;;) {
    auto next = reader.next();
    if (!next || !*next) break;
    // buffered() drops by exactly the segment's wire size once next() yields it.
    const std::size_t now = data.size() - reader.buffered();
    out.push_back(now - consumed);
    consumed = now;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding.

std::string describe_frame(const scenario& s, int conn, const frame_header& h, std::size_t index) {
  std::ostringstream o;
  o << s.name << " conn " << conn << (h.response ? " server" : " client") << " frame #" << index
    << " " << to_string(h.op) << " stream " << h.stream << " flags " << int{h.flags};
  return o.str();
}

namespace {

std::string head_hex(byte_view b) {
  return test::to_hex(b.first(std::min<std::size_t>(b.size(), 256))) +
         (b.size() > 256 ? "..." : "");
}

std::string failure(std::string_view what, const boost::system::error_code& e, byte_view data) {
  return std::string(what) + ": " + describe(static_cast<errc>(e.value())) + " " + head_hex(data);
}

}  // namespace

std::string decode_frame(const scenario& s, const wire_frame& wf, decoded_frame& out) {
  const frame_header& h = wf.f.header;
  out.header = h;
  out.segmented = wf.segmented;
  if (h.version != raw(s.version)) return "version byte " + std::to_string(h.version);
  if (h.has(header_flag::compression)) {
    if (uses_segments(s.version)) return "compression flag on a v5 frame";
    auto plain = decompress_body(s.compression, wf.f.body, default_max_frame_size);
    if (!plain) return failure("decompress_body", plain.error(), wf.f.body);
    out.body = std::move(*plain);
  } else {
    out.body = wf.f.body;
  }
  auto opened = open_body(h, out.body);
  if (!opened) return failure("open_body", opened.error(), out.body);
  out.env = opened->env;
  out.message_offset = static_cast<std::size_t>(opened->message.data() - out.body.data());
  if (h.response) {
    auto m = decode_response(h.op, s.version, opened->message);
    if (!m) return failure("decode_response", m.error(), opened->message);
    out.resp = std::move(*m);
  } else {
    auto m = decode_request(h.op, s.version, opened->message);
    if (!m) return failure("decode_request", m.error(), opened->message);
    out.req = std::move(*m);
  }
  return {};
}

bytes reencode(const scenario& s, const decoded_frame& d, std::string& why) {
  bytes body;
  writer w(body);
  write_envelope(d.header, d.env, w);
  if (!w.ok()) {
    why = std::string("write_envelope: ") + describe(w.error());
    return {};
  }
  auto message = d.req ? encode_request(*d.req, s.version) : encode_response(*d.resp, s.version);
  if (!message) {
    why = std::string(d.req ? "encode_request: " : "encode_response: ") +
          describe(static_cast<errc>(message.error().value()));
    return {};
  }
  body.insert(body.end(), message->begin(), message->end());
  frame_header h = d.header;
  h.flags = static_cast<std::uint8_t>(h.flags & ~header_flag::compression);
  return encode_frame(h, body);
}

namespace {

std::vector<decoded_frame> decode_direction(const scenario& s, const capture& c, int conn,
                                            bool from_server, std::vector<std::string>& failures) {
  const bytes stream = c.stream(conn, from_server ? server_side : client_side);
  const split_result split = split_whole(s, from_server, stream);
  const std::string where =
      std::string(s.name) + " conn " + std::to_string(conn) + (from_server ? " server" : " client");
  if (split.error != errc::ok) failures.push_back(where + ": " + describe(split.error));
  if (split.partial_frame_left) failures.push_back(where + ": partial frame left");
  std::vector<decoded_frame> out;
  for (std::size_t i = 0; i < split.frames.size(); ++i) {
    decoded_frame d;
    const std::string why = decode_frame(s, split.frames[i], d);
    if (!why.empty()) {
      failures.push_back(describe_frame(s, conn, split.frames[i].f.header, i) + ": " + why);
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::vector<connection_traffic> decode_capture(const scenario& s, const capture& c,
                                               std::vector<std::string>& failures) {
  std::vector<connection_traffic> out;
  for (int conn = 0; conn < c.connections(); ++conn) {
    connection_traffic t;
    t.client = decode_direction(s, c, conn, false, failures);
    t.server = decode_direction(s, c, conn, true, failures);
    std::map<std::int16_t, std::vector<std::size_t>> responses;
    for (std::size_t i = 0; i < t.server.size(); ++i) {
      if (t.server[i].header.stream >= 0) responses[t.server[i].header.stream].push_back(i);
    }
    std::map<std::int16_t, std::size_t> used;
    for (const auto& f : t.client) {
      auto& queue = responses[f.header.stream];
      std::size_t& k = used[f.header.stream];
      t.answer.push_back(k < queue.size() ? std::optional<std::size_t>(queue[k]) : std::nullopt);
      ++k;
    }
    out.push_back(std::move(t));
  }
  return out;
}

const decoded_frame* answer_to(const connection_traffic& t, std::size_t client_index) {
  const auto& a = t.answer[client_index];
  return a ? &t.server[*a] : nullptr;
}

}  // namespace cqlshift::protocol::driver_capture
