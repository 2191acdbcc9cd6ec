#include "cqlshift/protocol/cql_value.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <bit>
#include <limits>

namespace cqlshift::protocol {

bool cql_value::operator==(const cql_value& other) const {
  return v == other.v;
}

namespace {

constexpr std::int64_t nanos_per_day = 86'400'000'000'000;

// Values nested inside a collection always use the v3+ layout, also on a v2 connection:
// Cassandra stores frozen collections in that layout and hands them out unchanged.
constexpr protocol_version element_version(protocol_version pv) noexcept {
  return has_int_collection_sizes(pv) ? pv : protocol_version::v3;
}

template <class T>
const T* get(const cql_value& v) noexcept {
  return std::get_if<T>(&v.v);
}

bool is_ascii(std::string_view s) noexcept {
  for (char c : s) {
    if (static_cast<unsigned char>(c) > 0x7F) return false;
  }
  return true;
}

bool is_valid_time(std::int64_t nanos) noexcept {
  return nanos >= 0 && nanos < nanos_per_day;
}

bool has_one_sign(const duration_value& d) noexcept {
  return (d.months >= 0 && d.days >= 0 && d.nanoseconds >= 0) ||
         (d.months <= 0 && d.days <= 0 && d.nanoseconds <= 0);
}

// A hand-built data_type may lack the parameters its id needs; indexing them would be UB.
errc check_params(const data_type& t) noexcept {
  switch (t.id) {
    case type_id::list:
    case type_id::set:
      return t.params.size() == 1 ? errc::ok : errc::invalid_value;
    case type_id::map:
      return t.params.size() == 2 ? errc::ok : errc::invalid_value;
    default:
      return errc::ok;
  }
}

// ---------------------------------------------------------------------------- encode

errc encode_at(const data_type& t, const cql_value& v, protocol_version pv, int depth, bytes& out);

// One collection element, tuple field or udt field, with its length prefix.
void encode_element(const data_type& t, const cql_value& v, protocol_version pv, int depth,
                    bool int_lengths, writer& w) {
  if (v.is_null()) {
    // A [short] length has no null marker.
    if (int_lengths) {
      w.write_null_bytes();
    } else {
      w.fail(errc::invalid_value);
    }
    return;
  }
  bytes element;
  if (errc e = encode_at(t, v, element_version(pv), depth + 1, element); e != errc::ok) {
    w.fail(e);
    return;
  }
  if (int_lengths) {
    w.write_bytes(byte_view(element));
  } else {
    w.write_short_bytes(element);
  }
}

void encode_count(std::size_t n, bool int_sizes, writer& w) {
  if (!int_sizes) {
    w.write_short_count(n);
  } else if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    w.fail(errc::value_too_large);
  } else {
    w.write_int(static_cast<std::int32_t>(n));
  }
}

void encode_collection(const data_type& t, const cql_value& v, protocol_version pv, int depth,
                       writer& w) {
  const bool int_sizes = has_int_collection_sizes(pv);
  if (t.id == type_id::map) {
    const auto* m = get<cql_map>(v);
    if (m == nullptr) return w.fail(errc::invalid_value);
    encode_count(m->size(), int_sizes, w);
    for (const auto& [key, val] : *m) {
      encode_element(t.params[0], key, pv, depth, int_sizes, w);
      encode_element(t.params[1], val, pv, depth, int_sizes, w);
      if (!w.ok()) return;
    }
    return;
  }
  const auto* l = get<cql_list>(v);
  if (l == nullptr) return w.fail(errc::invalid_value);
  encode_count(l->size(), int_sizes, w);
  for (const auto& e : *l) {
    encode_element(t.params[0], e, pv, depth, int_sizes, w);
    if (!w.ok()) return;
  }
}

// tuple and udt: one [bytes] per field, no count, whatever the protocol version.
void encode_fields(const data_type& t, const cql_value& v, protocol_version pv, int depth,
                   writer& w) {
  const auto* l = get<cql_list>(v);
  if (l == nullptr || l->size() > t.params.size()) return w.fail(errc::invalid_value);
  for (std::size_t k = 0; k < l->size() && w.ok(); ++k) {
    encode_element(t.params[k], (*l)[k], pv, depth, true, w);
  }
}

void encode_varint(const bytes* b, writer& w) {
  if (b == nullptr || b->empty()) return w.fail(errc::invalid_value);
  w.write_raw(minimal_varint(*b));
}

void encode_scalar(const data_type& t, const cql_value& v, writer& w) {
  const auto mismatch = [&w] { w.fail(errc::invalid_value); };
  switch (t.id) {
    case type_id::ascii: {
      const auto* s = get<std::string>(v);
      if (s == nullptr) return mismatch();
      if (!is_ascii(*s)) return w.fail(errc::invalid_ascii);
      return w.write_raw({reinterpret_cast<const std::uint8_t*>(s->data()), s->size()});
    }
    case type_id::text:
    case type_id::varchar: {
      const auto* s = get<std::string>(v);
      if (s == nullptr) return mismatch();
      if (!is_valid_utf8(*s)) return w.fail(errc::invalid_utf8);
      return w.write_raw({reinterpret_cast<const std::uint8_t*>(s->data()), s->size()});
    }
    case type_id::bigint:
    case type_id::counter:
    case type_id::timestamp: {
      const auto* i = get<std::int64_t>(v);
      if (i == nullptr) return mismatch();
      return w.write_long(*i);
    }
    case type_id::time: {
      const auto* i = get<std::int64_t>(v);
      if (i == nullptr || !is_valid_time(*i)) return mismatch();
      return w.write_long(*i);
    }
    case type_id::custom:
    case type_id::blob: {
      const auto* b = get<bytes>(v);
      if (b == nullptr) return mismatch();
      return w.write_raw(*b);
    }
    case type_id::varint:
      return encode_varint(get<bytes>(v), w);
    case type_id::boolean: {
      const auto* b = get<bool>(v);
      if (b == nullptr) return mismatch();
      return w.write_byte(*b ? 1 : 0);
    }
    case type_id::decimal: {
      const auto* d = get<decimal_value>(v);
      if (d == nullptr) return mismatch();
      w.write_int(d->scale);
      return encode_varint(&d->unscaled, w);
    }
    case type_id::double_: {
      const auto* d = get<double>(v);
      if (d == nullptr) return mismatch();
      return w.write_long(std::bit_cast<std::int64_t>(*d));
    }
    case type_id::float_: {
      const auto* f = get<float>(v);
      if (f == nullptr) return mismatch();
      return w.write_int(std::bit_cast<std::int32_t>(*f));
    }
    case type_id::int_: {
      const auto* i = get<std::int32_t>(v);
      if (i == nullptr) return mismatch();
      return w.write_int(*i);
    }
    case type_id::smallint: {
      const auto* i = get<std::int16_t>(v);
      if (i == nullptr) return mismatch();
      return w.write_short(static_cast<std::uint16_t>(*i));
    }
    case type_id::tinyint: {
      const auto* i = get<std::int8_t>(v);
      if (i == nullptr) return mismatch();
      return w.write_byte(static_cast<std::uint8_t>(*i));
    }
    case type_id::uuid:
    case type_id::timeuuid: {
      const auto* u = get<uuid>(v);
      if (u == nullptr || (t.id == type_id::timeuuid && uuid_version(*u) != 1)) return mismatch();
      return w.write_uuid(*u);
    }
    case type_id::inet: {
      const auto* i = get<inet>(v);
      if (i == nullptr || (i->address.size() != 4 && i->address.size() != 16)) return mismatch();
      return w.write_raw(i->address);
    }
    case type_id::date: {
      const auto* d = get<std::uint32_t>(v);
      if (d == nullptr) return mismatch();
      return w.write_int(static_cast<std::int32_t>(*d));
    }
    case type_id::duration: {
      const auto* d = get<duration_value>(v);
      if (d == nullptr || !has_one_sign(*d)) return mismatch();
      w.write_vint(d->months);
      w.write_vint(d->days);
      return w.write_vint(d->nanoseconds);
    }
    default:
      return w.fail(errc::unknown_type);
  }
}

errc encode_at(const data_type& t, const cql_value& v, protocol_version pv, int depth, bytes& out) {
  if (depth > max_type_nesting) return errc::nesting_too_deep;
  if (errc e = check_params(t); e != errc::ok) return e;
  if (v.is_null()) return errc::invalid_value;
  // One wire form, one value: zero bytes of a text or blob type are the empty string or blob.
  if (v.is_empty()) return allows_empty_value(t.id) ? errc::ok : errc::invalid_value;
  writer w(out);
  switch (t.id) {
    case type_id::list:
    case type_id::set:
    case type_id::map:
      encode_collection(t, v, pv, depth, w);
      break;
    case type_id::tuple:
    case type_id::udt:
      encode_fields(t, v, pv, depth, w);
      break;
    default:
      encode_scalar(t, v, w);
      break;
  }
  return w.error();
}

// ---------------------------------------------------------------------------- decode

errc decode_at(const data_type& t, byte_view data, protocol_version pv, int depth, cql_value& out);

// Reads one length-prefixed element; a null element is a null cql_value.
cql_value decode_element(const data_type& t, reader& r, protocol_version pv, int depth,
                         bool int_lengths) {
  byte_view element;
  if (int_lengths) {
    const std::int32_t n = r.read_int();
    if (!r.ok()) return {};
    if (n == -1) return cql_value::null();
    if (n < 0) {
      r.fail(errc::negative_length);
      return {};
    }
    element = r.read_raw(static_cast<std::size_t>(n));
  } else {
    element = r.read_raw(r.read_short());
  }
  if (!r.ok()) return {};
  cql_value decoded;
  if (errc e = decode_at(t, element, element_version(pv), depth + 1, decoded); e != errc::ok) {
    r.fail(e);
    return {};
  }
  return decoded;
}

cql_value decode_collection(const data_type& t, reader& r, protocol_version pv, int depth) {
  const bool int_sizes = has_int_collection_sizes(pv);
  const std::size_t prefix = int_sizes ? 4 : 2;
  const std::size_t per_item = t.id == type_id::map ? 2 * prefix : prefix;
  const std::size_t n = int_sizes ? r.read_int_count(per_item) : r.read_short_count(per_item);
  if (t.id == type_id::map) {
    cql_map m;
    m.reserve(n);
    for (std::size_t k = 0; k < n && r.ok(); ++k) {
      cql_value key = decode_element(t.params[0], r, pv, depth, int_sizes);
      cql_value val = decode_element(t.params[1], r, pv, depth, int_sizes);
      m.push_back({std::move(key), std::move(val)});
    }
    return {std::move(m)};
  }
  cql_list l;
  l.reserve(n);
  for (std::size_t k = 0; k < n && r.ok(); ++k) {
    l.push_back(decode_element(t.params[0], r, pv, depth, int_sizes));
  }
  return {std::move(l)};
}

cql_value decode_fields(const data_type& t, reader& r, protocol_version pv, int depth) {
  cql_list l;
  l.reserve(t.params.size());
  // Fields missing at the end of the value are null (spec section 7).
  for (std::size_t k = 0; k < t.params.size() && r.ok(); ++k) {
    l.push_back(r.empty() ? cql_value::null() : decode_element(t.params[k], r, pv, depth, true));
  }
  return {std::move(l)};
}

bytes read_varint(reader& r) {
  if (r.empty()) {
    r.fail(errc::truncated);
    return {};
  }
  return minimal_varint(r.read_raw(r.remaining()));
}

std::string read_text(reader& r) {
  const byte_view b = r.read_raw(r.remaining());
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

cql_value decode_scalar(const data_type& t, reader& r) {
  switch (t.id) {
    case type_id::ascii: {
      std::string s = read_text(r);
      if (!is_ascii(s)) r.fail(errc::invalid_ascii);
      return {std::move(s)};
    }
    case type_id::text:
    case type_id::varchar: {
      std::string s = read_text(r);
      if (!is_valid_utf8(s)) r.fail(errc::invalid_utf8);
      return {std::move(s)};
    }
    case type_id::bigint:
    case type_id::counter:
    case type_id::timestamp:
      return {r.read_long()};
    case type_id::time: {
      const std::int64_t nanos = r.read_long();
      if (r.ok() && !is_valid_time(nanos)) r.fail(errc::invalid_value);
      return {nanos};
    }
    case type_id::custom:
    case type_id::blob: {
      const byte_view b = r.read_raw(r.remaining());
      return {bytes(b.begin(), b.end())};
    }
    case type_id::varint:
      return {read_varint(r)};
    case type_id::boolean:
      return {r.read_byte() != 0};
    case type_id::decimal: {
      decimal_value d;
      d.scale = r.read_int();
      d.unscaled = read_varint(r);
      return {std::move(d)};
    }
    case type_id::double_:
      return {std::bit_cast<double>(r.read_long())};
    case type_id::float_:
      return {std::bit_cast<float>(r.read_int())};
    case type_id::int_:
      return {r.read_int()};
    case type_id::smallint:
      return {static_cast<std::int16_t>(r.read_short())};
    case type_id::tinyint:
      return {static_cast<std::int8_t>(r.read_byte())};
    case type_id::uuid:
    case type_id::timeuuid: {
      const uuid u = r.read_uuid();
      if (r.ok() && t.id == type_id::timeuuid && uuid_version(u) != 1) r.fail(errc::invalid_value);
      return {u};
    }
    case type_id::inet: {
      const std::size_t n = r.remaining();
      if (n != 4 && n != 16) r.fail(errc::invalid_value);
      const byte_view b = r.read_raw(n);
      return {inet{bytes(b.begin(), b.end()), 0}};
    }
    case type_id::date:
      return {static_cast<std::uint32_t>(r.read_int())};
    case type_id::duration: {
      const std::int64_t months = r.read_vint();
      const std::int64_t days = r.read_vint();
      const std::int64_t nanos = r.read_vint();
      constexpr auto min32 = std::numeric_limits<std::int32_t>::min();
      constexpr auto max32 = std::numeric_limits<std::int32_t>::max();
      if (months < min32 || months > max32 || days < min32 || days > max32) {
        r.fail(errc::invalid_value);
        return {};
      }
      duration_value d{static_cast<std::int32_t>(months), static_cast<std::int32_t>(days), nanos};
      if (r.ok() && !has_one_sign(d)) r.fail(errc::invalid_value);
      return {d};
    }
    default:
      r.fail(errc::unknown_type);
      return {};
  }
}

errc decode_at(const data_type& t, byte_view data, protocol_version pv, int depth, cql_value& out) {
  if (depth > max_type_nesting) return errc::nesting_too_deep;
  if (errc e = check_params(t); e != errc::ok) return e;
  if (data.empty() && allows_empty_value(t.id)) {
    out = cql_value::empty();
    return errc::ok;
  }
  reader r(data);
  switch (t.id) {
    case type_id::list:
    case type_id::set:
    case type_id::map:
      out = decode_collection(t, r, pv, depth);
      break;
    case type_id::tuple:
    case type_id::udt:
      out = decode_fields(t, r, pv, depth);
      break;
    default:
      out = decode_scalar(t, r);
      break;
  }
  return r.finish();
}

}  // namespace

bool allows_empty_value(type_id id) noexcept {
  switch (id) {
    case type_id::int_:
    case type_id::bigint:
    case type_id::counter:
    case type_id::timestamp:
    case type_id::boolean:
    case type_id::float_:
    case type_id::double_:
    case type_id::decimal:
    case type_id::varint:
    case type_id::uuid:
    case type_id::timeuuid:
    case type_id::inet:
      return true;
    default:
      return false;
  }
}

result<bytes> encode_value(const data_type& t, const cql_value& v, protocol_version pv) {
  bytes out;
  if (errc e = encode_at(t, v, pv, 0, out); e != errc::ok) return e;
  return out;
}

result<value> encode_as_value(const data_type& t, const cql_value& v, protocol_version pv) {
  if (v.is_null()) return value::null_value();
  auto b = encode_value(t, v, pv);
  if (!b) return b.error();
  return value::of(std::move(*b));
}

result<cql_value> decode_value(const data_type& t, byte_view data, protocol_version pv) {
  cql_value out;
  if (errc e = decode_at(t, data, pv, 0, out); e != errc::ok) return e;
  return out;
}

result<cql_value> decode_value(const data_type& t, const value& data, protocol_version pv) {
  switch (data.kind) {
    case value_kind::null:
      return cql_value::null();
    case value_kind::unset:
      return errc::invalid_value;
    case value_kind::set:
      break;
  }
  return decode_value(t, byte_view(data.data), pv);
}

bytes encode_int(std::int32_t v) {
  bytes out;
  writer(out).write_int(v);
  return out;
}

bytes encode_bigint(std::int64_t v) {
  bytes out;
  writer(out).write_long(v);
  return out;
}

bytes encode_boolean(bool v) {
  return bytes{static_cast<std::uint8_t>(v ? 1 : 0)};
}

bytes encode_text(std::string_view utf8) {
  return bytes(utf8.begin(), utf8.end());
}

bytes encode_uuid(const uuid& u) {
  return bytes(u.begin(), u.end());
}

}  // namespace cqlshift::protocol
