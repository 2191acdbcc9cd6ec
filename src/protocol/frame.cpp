#include "cqlshift/protocol/frame.hpp"

namespace cqlshift::protocol {

bool is_known_opcode(std::uint8_t raw_op) noexcept {
  switch (raw_op) {
    case 0x00:
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x05:
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x0E:
    case 0x0F:
    case 0x10:
    case 0xFF:
      return true;
    default:
      return false;
  }
}

bool is_request_opcode(opcode op) noexcept {
  switch (op) {
    case opcode::startup:
    case opcode::options:
    case opcode::query:
    case opcode::prepare:
    case opcode::execute:
    case opcode::register_:
    case opcode::batch:
    case opcode::auth_response:
    case opcode::dse_revise_request:
      return true;
    default:
      return false;
  }
}

std::string_view to_string(opcode op) noexcept {
  switch (op) {
    case opcode::error:
      return "ERROR";
    case opcode::startup:
      return "STARTUP";
    case opcode::ready:
      return "READY";
    case opcode::authenticate:
      return "AUTHENTICATE";
    case opcode::options:
      return "OPTIONS";
    case opcode::supported:
      return "SUPPORTED";
    case opcode::query:
      return "QUERY";
    case opcode::result:
      return "RESULT";
    case opcode::prepare:
      return "PREPARE";
    case opcode::execute:
      return "EXECUTE";
    case opcode::register_:
      return "REGISTER";
    case opcode::event:
      return "EVENT";
    case opcode::batch:
      return "BATCH";
    case opcode::auth_challenge:
      return "AUTH_CHALLENGE";
    case opcode::auth_response:
      return "AUTH_RESPONSE";
    case opcode::auth_success:
      return "AUTH_SUCCESS";
    case opcode::dse_revise_request:
      return "REVISE_REQUEST";
  }
  return "UNKNOWN";
}

result<frame_header> decode_header(byte_view data, std::uint32_t max_frame_size) noexcept {
  if (data.empty()) return errc::truncated;
  const std::uint8_t version_byte = data[0];
  const std::size_t size = header_size_for_raw_version(version_byte);
  if (data.size() < size) return errc::truncated;
  frame_header h;
  h.version = version_byte & 0x7F;
  if (h.version == 0) return errc::bad_version;
  h.response = (version_byte & direction_bit) != 0;
  h.flags = data[1];
  std::size_t at = 2;
  if (size == 9) {
    h.stream = static_cast<std::int16_t>((data[2] << 8) | data[3]);
    at = 4;
  } else {
    h.stream = static_cast<std::int8_t>(data[2]);
    at = 3;
  }
  if (!is_known_opcode(data[at])) return errc::unknown_opcode;
  h.op = static_cast<opcode>(data[at]);
  std::uint32_t length = 0;
  for (std::size_t k = 1; k <= 4; ++k)
    length = (length << 8) | data[at + k];
  if (length > max_frame_size) return errc::frame_too_large;
  h.length = length;
  return h;
}

void encode_header(const frame_header& h, writer& w) {
  w.write_byte(static_cast<std::uint8_t>(h.version | (h.response ? direction_bit : 0)));
  w.write_byte(h.flags);
  if (header_size_for_raw_version(h.version) == 9) {
    w.write_short(static_cast<std::uint16_t>(h.stream));
  } else {
    if (h.stream < -128 || h.stream > 127) w.fail(errc::value_too_large);
    w.write_byte(static_cast<std::uint8_t>(static_cast<std::int8_t>(h.stream)));
  }
  w.write_byte(static_cast<std::uint8_t>(h.op));
  w.write_int(static_cast<std::int32_t>(h.length));
}

bytes encode_frame(frame_header header, byte_view body) {
  header.length = static_cast<std::uint32_t>(body.size());
  bytes out;
  out.reserve(9 + body.size());
  writer w(out);
  encode_header(header, w);
  w.write_raw(body);
  return out;
}

result<opened_body> open_body(const frame_header& h, byte_view body) {
  reader r(body);
  opened_body out;
  if (h.response && h.has(header_flag::tracing)) out.env.tracing_id = r.read_uuid();
  if (h.response && h.has(header_flag::warning)) out.env.warnings = r.read_string_list();
  if (h.has(header_flag::custom_payload)) out.env.custom_payload = r.read_bytes_map();
  if (!r.ok()) return r.error();
  out.message = r.rest();
  return out;
}

void write_envelope(const frame_header& h, const envelope& env, writer& w) {
  if (h.response && h.has(header_flag::tracing)) w.write_uuid(env.tracing_id.value_or(uuid{}));
  if (h.response && h.has(header_flag::warning)) w.write_string_list(env.warnings);
  if (h.has(header_flag::custom_payload))
    w.write_bytes_map(env.custom_payload.value_or(bytes_map{}));
}

void frame_reader::feed(byte_view data) {
  if (error_ == errc::ok) buf_.append(data);
}

result<std::optional<frame>> frame_reader::next() {
  if (error_ != errc::ok) return error_;
  const byte_view avail = buf_.view();
  if (!pending_) {
    if (avail.empty() || avail.size() < header_size_for_raw_version(avail[0])) {
      return std::optional<frame>{};
    }
    auto h = decode_header(avail, opts_.max_frame_size);
    if (!h) {
      error_ = static_cast<errc>(h.error().value());
      return error_;
    }
    if (opts_.expect_response && *opts_.expect_response != h->response) {
      error_ = errc::wrong_direction;
      return error_;
    }
    pending_ = *h;
  }
  const std::size_t hsize = header_size_for_raw_version(pending_->version);
  if (avail.size() < hsize + pending_->length) return std::optional<frame>{};
  frame f;
  f.header = *pending_;
  f.body.assign(avail.begin() + static_cast<std::ptrdiff_t>(hsize),
                avail.begin() + static_cast<std::ptrdiff_t>(hsize + pending_->length));
  buf_.consume(hsize + pending_->length);
  pending_.reset();
  return std::optional<frame>(std::move(f));
}

}  // namespace cqlshift::protocol
