#include "cqlshift/protocol/requests.hpp"

#include "request_codec.hpp"

#include <iterator>

namespace cqlshift::protocol {

namespace {

constexpr std::uint32_t prepare_flag_keyspace = 0x01;

prepare read_prepare(reader& r, protocol_version v) {
  prepare p;
  p.query_string = r.read_long_string();
  if (has_prepare_flags(v)) {
    const auto flags = static_cast<std::uint32_t>(r.read_int());
    if (r.ok() && (flags & ~prepare_flag_keyspace) != 0) r.fail(errc::invalid_value);
    if ((flags & prepare_flag_keyspace) != 0) p.keyspace = r.read_string();
  }
  return p;
}

execute read_execute(reader& r, protocol_version v) {
  execute e;
  e.id = r.read_short_bytes();
  if (has_result_metadata_id(v)) e.result_metadata_id = r.read_short_bytes();
  e.params = read_query_parameters(r, v);
  return e;
}

revise_request read_revise(reader& r, protocol_version v) {
  revise_request rev;
  rev.revision_type = r.read_int();
  rev.stream_id = r.read_int();
  if (!r.ok()) return rev;
  if (rev.revision_type == revision::more_continuous_pages && has_continuous_paging_next_pages(v)) {
    rev.next_pages = r.read_int();
  } else if (rev.revision_type != revision::cancel_continuous_paging) {
    r.fail(errc::invalid_value);
  }
  return rev;
}

// `op` is a request opcode that exists at v.
request read_message(opcode op, protocol_version v, reader& r) {
  switch (op) {
    case opcode::startup:
      return startup{r.read_string_map()};
    case opcode::auth_response:
      return auth_response{r.read_bytes()};
    case opcode::options:
      return options{};
    case opcode::query: {
      query q;
      q.query_string = r.read_long_string();
      q.params = read_query_parameters(r, v);
      return q;
    }
    case opcode::prepare:
      return read_prepare(r, v);
    case opcode::execute:
      return read_execute(r, v);
    case opcode::batch:
      return detail::read_batch(r, v);
    case opcode::register_:
      return register_request{r.read_string_list()};
    case opcode::dse_revise_request:
      return read_revise(r, v);
    default:
      r.fail(errc::wrong_direction);
      return options{};
  }
}

struct message_writer {
  protocol_version v;
  writer& w;

  void operator()(const startup& m) const { w.write_string_map(m.options); }
  void operator()(const auth_response& m) const { w.write_bytes(m.token); }
  void operator()(const options&) const {}
  void operator()(const query& m) const {
    w.write_long_string(m.query_string);
    write_query_parameters(m.params, v, w);
  }
  void operator()(const prepare& m) const {
    if (m.keyspace && !has_prepare_flags(v)) {
      w.fail(errc::not_at_this_version);
      return;
    }
    w.write_long_string(m.query_string);
    if (!has_prepare_flags(v)) return;
    w.write_int(m.keyspace ? static_cast<std::int32_t>(prepare_flag_keyspace) : 0);
    if (m.keyspace) w.write_string(*m.keyspace);
  }
  void operator()(const execute& m) const {
    if (m.result_metadata_id.has_value() != has_result_metadata_id(v)) {
      w.fail(m.result_metadata_id ? errc::not_at_this_version : errc::invalid_value);
      return;
    }
    w.write_short_bytes(m.id);
    if (m.result_metadata_id) w.write_short_bytes(*m.result_metadata_id);
    write_query_parameters(m.params, v, w);
  }
  void operator()(const batch& m) const { detail::write_batch(m, v, w); }
  void operator()(const register_request& m) const { w.write_string_list(m.events); }
  void operator()(const revise_request& m) const {
    const bool more = m.revision_type == revision::more_continuous_pages;
    if (!has_continuous_paging(v) || (more && !has_continuous_paging_next_pages(v))) {
      w.fail(errc::not_at_this_version);
      return;
    }
    if ((!more && m.revision_type != revision::cancel_continuous_paging) ||
        m.next_pages.has_value() != more) {
      w.fail(errc::invalid_value);
      return;
    }
    w.write_int(m.revision_type);
    w.write_int(m.stream_id);
    if (m.next_pages) w.write_int(*m.next_pages);
  }
};

}  // namespace

result<request> decode_request(opcode op, protocol_version v, byte_view message) {
  if (!is_known_opcode(static_cast<std::uint8_t>(op))) return errc::unknown_opcode;
  if (!is_request_opcode(op)) return errc::wrong_direction;
  // REVISE_REQUEST (CANCEL in DSE_V1) only exists to steer continuous paging.
  if (op == opcode::dse_revise_request && !has_continuous_paging(v)) {
    return errc::not_at_this_version;
  }
  reader r(message);
  request out = read_message(op, v, r);
  if (const errc e = r.finish(); e != errc::ok) return e;
  return out;
}

result<bytes> encode_request(const request& r, protocol_version v) {
  bytes out;
  writer w(out);
  std::visit(message_writer{v, w}, r);
  if (!w.ok()) return w.error();
  return out;
}

opcode opcode_of(const request& r) noexcept {
  // Indexed by the alternative's position in `request`.
  static constexpr opcode by_index[] = {
      opcode::startup, opcode::auth_response, opcode::options,
      opcode::query,   opcode::prepare,       opcode::execute,
      opcode::batch,   opcode::register_,     opcode::dse_revise_request,
  };
  static_assert(std::size(by_index) == std::variant_size_v<request>);
  // A variant left valueless by a throwing assignment has no opcode; OPTIONS is harmless.
  return r.valueless_by_exception() ? opcode::options : by_index[r.index()];
}

}  // namespace cqlshift::protocol
