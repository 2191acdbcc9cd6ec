// BATCH (spec 4.1.7).
//
// Names for values (flag 0x40) are rejected with invalid_value in both directions. The spec
// puts a [string] name before every child value when the flag is set, yet the flags travel
// after the children, and Cassandra's BatchMessage decoder reads every child's values
// positionally before it ever sees the flags: a batch that really carries names is misread
// by the server, and a batch with the bit but no names is taken positionally (the bit is
// ignored). The spec itself calls the feature unimplementable (CASSANDRA-10246) and the
// DataStax drivers refuse to send it. Following the spec would make the proxy read a
// different message than the server does; following the server would contradict the spec;
// the children carry no names either way. Refusing is the only reading that cannot diverge.

#include "request_codec.hpp"

namespace cqlshift::protocol::detail {

namespace {

namespace batch_flag {
inline constexpr std::uint32_t serial_consistency = query_flag::serial_consistency;
inline constexpr std::uint32_t default_timestamp = query_flag::default_timestamp;
inline constexpr std::uint32_t keyspace = query_flag::keyspace;
inline constexpr std::uint32_t now_in_seconds = query_flag::now_in_seconds;
}  // namespace batch_flag

// The bits a BATCH may carry at v (the four low query bits must be 0, per the spec).
std::uint32_t defined_batch_flags(protocol_version v) noexcept {
  if (!has_batch_flags(v)) return 0;
  std::uint32_t defined = batch_flag::serial_consistency | batch_flag::default_timestamp;
  if (has_keyspace_flag(v)) defined |= batch_flag::keyspace;
  if (has_now_in_seconds(v)) defined |= batch_flag::now_in_seconds;
  return defined;
}

std::uint32_t flags_of(const batch& b) noexcept {
  std::uint32_t flags = 0;
  if (b.serial_consistency) flags |= batch_flag::serial_consistency;
  if (b.default_timestamp) flags |= batch_flag::default_timestamp;
  if (b.keyspace) flags |= batch_flag::keyspace;
  if (b.now_in_seconds) flags |= batch_flag::now_in_seconds;
  return flags;
}

constexpr std::uint8_t kind_query_string = 0;
constexpr std::uint8_t kind_prepared_id = 1;
// kind [byte] + empty [short bytes] id + [short] value count.
constexpr std::size_t min_child_size = 1 + 2 + 2;

batch_child read_child(reader& r, protocol_version v) {
  batch_child c;
  const std::uint8_t kind = r.read_byte();
  if (!r.ok()) return c;
  if (kind == kind_query_string) {
    c.query_string = r.read_long_string();
  } else if (kind == kind_prepared_id) {
    c.is_prepared = true;
    c.id = r.read_short_bytes();
  } else {
    r.fail(errc::invalid_value);
    return c;
  }
  c.values = read_value_list(r, v);
  return c;
}

void write_child(const batch_child& c, protocol_version v, writer& w) {
  // The field the kind does not use must be empty: otherwise encoding would drop data.
  if (c.is_prepared ? !c.query_string.empty() : !c.id.empty()) {
    w.fail(errc::invalid_value);
    return;
  }
  if (c.is_prepared) {
    w.write_byte(kind_prepared_id);
    w.write_short_bytes(c.id);
  } else {
    w.write_byte(kind_query_string);
    w.write_long_string(c.query_string);
  }
  write_value_list(c.values, v, w);
}

}  // namespace

batch read_batch(reader& r, protocol_version v) {
  batch b;
  const std::uint8_t type = r.read_byte();
  if (r.ok() && type > static_cast<std::uint8_t>(batch_type::counter)) r.fail(errc::invalid_value);
  b.type = static_cast<batch_type>(type);
  const std::size_t n = r.read_short_count(min_child_size);
  b.children.reserve(n);
  for (std::size_t k = 0; k < n && r.ok(); ++k)
    b.children.push_back(read_child(r, v));
  b.consistency_level = r.read_consistency();
  if (has_batch_flags(v)) {
    const std::uint32_t flags = read_flags(r, v);
    if (r.ok() && (flags & ~defined_batch_flags(v)) != 0) r.fail(errc::invalid_value);
    if ((flags & batch_flag::serial_consistency) != 0) {
      b.serial_consistency = read_serial_consistency(r);
    }
    if ((flags & batch_flag::default_timestamp) != 0) b.default_timestamp = r.read_long();
    if ((flags & batch_flag::keyspace) != 0) b.keyspace = r.read_string();
    if ((flags & batch_flag::now_in_seconds) != 0) b.now_in_seconds = r.read_int();
  }
  if (!r.ok()) return {};
  return b;
}

void write_batch(const batch& b, protocol_version v, writer& w) {
  const std::uint32_t flags = flags_of(b);
  if (b.type > batch_type::counter) {
    w.fail(errc::invalid_value);
    return;
  }
  if ((flags & ~defined_batch_flags(v)) != 0) {
    w.fail(errc::not_at_this_version);
    return;
  }
  w.write_byte(static_cast<std::uint8_t>(b.type));
  w.write_short_count(b.children.size());
  for (const batch_child& c : b.children)
    write_child(c, v, w);
  write_known_consistency(b.consistency_level, w);
  if (!has_batch_flags(v)) return;
  write_flags(flags, v, w);
  if (b.serial_consistency) write_serial_consistency(*b.serial_consistency, w);
  if (b.default_timestamp) w.write_long(*b.default_timestamp);
  if (b.keyspace) w.write_string(*b.keyspace);
  if (b.now_in_seconds) w.write_int(*b.now_in_seconds);
}

}  // namespace cqlshift::protocol::detail
