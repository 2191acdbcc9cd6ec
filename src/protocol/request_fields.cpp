#include "request_codec.hpp"

namespace cqlshift::protocol::detail {

namespace {
bool is_serial(consistency c) noexcept {
  return c == consistency::serial || c == consistency::local_serial;
}
}  // namespace

std::uint32_t read_flags(reader& r, protocol_version v) noexcept {
  if (has_int_query_flags(v)) return static_cast<std::uint32_t>(r.read_int());
  return r.read_byte();
}

void write_flags(std::uint32_t flags, protocol_version v, writer& w) {
  if (has_int_query_flags(v)) {
    w.write_int(static_cast<std::int32_t>(flags));
  } else if (flags > 0xFF) {
    w.fail(errc::not_at_this_version);
  } else {
    w.write_byte(static_cast<std::uint8_t>(flags));
  }
}

value read_bound_value(reader& r, protocol_version v) {
  value val = r.read_value();
  if (r.ok() && val.kind == value_kind::unset && !has_unset_values(v)) {
    r.fail(errc::negative_length);
    return {};
  }
  return val;
}

void write_bound_value(const value& val, protocol_version v, writer& w) {
  if (val.kind == value_kind::unset && !has_unset_values(v)) {
    w.fail(errc::not_at_this_version);
    return;
  }
  w.write_value(val);
}

std::vector<value> read_value_list(reader& r, protocol_version v) {
  // Every [value] has at least its 4-byte length.
  const std::size_t n = r.read_short_count(4);
  std::vector<value> values;
  values.reserve(n);
  for (std::size_t k = 0; k < n && r.ok(); ++k)
    values.push_back(read_bound_value(r, v));
  if (!r.ok()) values.clear();
  return values;
}

void write_value_list(const std::vector<value>& values, protocol_version v, writer& w) {
  w.write_short_count(values.size());
  for (const value& val : values)
    write_bound_value(val, v, w);
}

bytes read_non_null_bytes(reader& r) {
  const std::int32_t n = r.read_int();
  if (!r.ok()) return {};
  if (n < 0) {
    r.fail(errc::negative_length);
    return {};
  }
  const byte_view data = r.read_raw(static_cast<std::size_t>(n));
  return bytes(data.begin(), data.end());
}

consistency read_serial_consistency(reader& r) noexcept {
  const consistency c = r.read_consistency();
  if (r.ok() && !is_serial(c)) r.fail(errc::invalid_value);
  return c;
}

void write_known_consistency(consistency c, writer& w) {
  if (static_cast<std::uint16_t>(c) > static_cast<std::uint16_t>(consistency::local_one)) {
    w.fail(errc::invalid_value);
    return;
  }
  w.write_consistency(c);
}

void write_serial_consistency(consistency c, writer& w) {
  if (!is_serial(c)) {
    w.fail(errc::invalid_value);
    return;
  }
  w.write_consistency(c);
}

}  // namespace cqlshift::protocol::detail
