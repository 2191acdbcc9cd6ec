#include "cqlshift/protocol/responses.hpp"

namespace cqlshift::protocol {

namespace {

bool is_result_kind(std::int32_t kind) noexcept {
  return kind >= static_cast<std::int32_t>(result_kind::void_) &&
         kind <= static_cast<std::int32_t>(result_kind::schema_change);
}

response read_result(reader& r, protocol_version v) {
  const std::int32_t kind = r.read_int();
  if (!r.ok()) return {};
  if (!is_result_kind(kind)) {
    r.fail(errc::unknown_result_kind);
    return {};
  }
  switch (static_cast<result_kind>(kind)) {
    case result_kind::void_:
      return void_result{};
    case result_kind::rows:
      return read_rows_result(r, v);
    case result_kind::set_keyspace:
      return set_keyspace_result{r.read_string()};
    case result_kind::prepared:
      return read_prepared_result(r, v);
    case result_kind::schema_change:
      return schema_change_result{read_schema_change(r, v)};
  }
  return {};
}

void write_kind(result_kind k, writer& w) {
  w.write_int(static_cast<std::int32_t>(k));
}

struct message_writer {
  protocol_version v;
  writer& w;

  void operator()(const error_response& m) const { write_error_response(m, v, w); }
  void operator()(const ready&) const {}
  void operator()(const authenticate& m) const { w.write_string(m.authenticator); }
  void operator()(const supported& m) const { w.write_string_multimap(m.options); }
  void operator()(const void_result&) const { write_kind(result_kind::void_, w); }
  void operator()(const rows_result& m) const {
    write_kind(result_kind::rows, w);
    write_rows_result(m, v, w);
  }
  void operator()(const set_keyspace_result& m) const {
    write_kind(result_kind::set_keyspace, w);
    w.write_string(m.keyspace);
  }
  void operator()(const prepared_result& m) const {
    write_kind(result_kind::prepared, w);
    write_prepared_result(m, v, w);
  }
  void operator()(const schema_change_result& m) const {
    write_kind(result_kind::schema_change, w);
    write_schema_change(m.change, v, w);
  }
  void operator()(const event& m) const { write_event(m, v, w); }
  void operator()(const auth_challenge& m) const { w.write_bytes(m.token); }
  void operator()(const auth_success& m) const { w.write_bytes(m.token); }
};

struct opcode_finder {
  opcode operator()(const error_response&) const noexcept { return opcode::error; }
  opcode operator()(const ready&) const noexcept { return opcode::ready; }
  opcode operator()(const authenticate&) const noexcept { return opcode::authenticate; }
  opcode operator()(const supported&) const noexcept { return opcode::supported; }
  opcode operator()(const event&) const noexcept { return opcode::event; }
  opcode operator()(const auth_challenge&) const noexcept { return opcode::auth_challenge; }
  opcode operator()(const auth_success&) const noexcept { return opcode::auth_success; }
  // Every other alternative is a RESULT kind.
  template <class Result>
  opcode operator()(const Result&) const noexcept {
    return opcode::result;
  }
};

}  // namespace

result<response> decode_response(opcode op, protocol_version v, byte_view message) {
  if (is_request_opcode(op)) return errc::wrong_direction;
  reader r(message);
  response out;
  switch (op) {
    case opcode::error:
      out = read_error_response(r, v);
      break;
    case opcode::ready:
      out = ready{};
      break;
    case opcode::authenticate:
      out = authenticate{r.read_string()};
      break;
    case opcode::supported:
      out = supported{r.read_string_multimap()};
      break;
    case opcode::result:
      out = read_result(r, v);
      break;
    case opcode::event:
      out = read_event(r, v);
      break;
    case opcode::auth_challenge:
      out = auth_challenge{r.read_bytes()};
      break;
    case opcode::auth_success:
      out = auth_success{r.read_bytes()};
      break;
    default:
      return errc::unknown_opcode;
  }
  if (const errc e = r.finish(); e != errc::ok) return e;
  return out;
}

result<bytes> encode_response(const response& r, protocol_version v) {
  bytes out;
  writer w(out);
  if (r.valueless_by_exception()) return errc::invalid_value;
  std::visit(message_writer{v, w}, r);
  if (!w.ok()) return w.error();
  return out;
}

opcode opcode_of(const response& r) noexcept {
  if (r.valueless_by_exception()) return opcode::error;
  return std::visit(opcode_finder{}, r);
}

result<std::int32_t> peek_result_kind(byte_view message) {
  reader r(message);
  const std::int32_t kind = r.read_int();
  if (!r.ok()) return r.error();
  if (!is_result_kind(kind)) return errc::unknown_result_kind;
  return kind;
}

}  // namespace cqlshift::protocol
