#pragma once
// UUIDs as CQL uses them: version 1 (time-based) for timeuuid columns and now(), version 3
// (name-based) as Java's UUID.nameUUIDFromBytes, and the textual 8-4-4-4-12 form.

#include "cqlshift/protocol/primitives.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cqlshift::protocol {

// Makes version 1 UUIDs for one node identity. next() is strictly increasing in its timestamp,
// so two calls never return the same UUID even within one 100 ns tick or when the wall clock
// steps back: it then hands out the ticks after the last one used, as Cassandra's UUIDGen does.
// Not thread-safe: use one per thread (each with its own random node, so they never collide).
class timeuuid_generator {
 public:
  // A random clock sequence and a random node id with the multicast bit set, which RFC 4122
  // section 4.5 reserves for node ids that are not MAC addresses.
  timeuuid_generator();
  timeuuid_generator(std::uint16_t clock_seq, std::uint64_t node48) noexcept;

  uuid next() noexcept { return next_at(std::chrono::system_clock::now()); }
  // next() with the clock reading given, for tests and callers that already read the clock.
  uuid next_at(std::chrono::system_clock::time_point now) noexcept;

 private:
  std::uint16_t clock_seq_;
  std::uint64_t node_;
  std::int64_t last_ticks_ = 0;  // 100 ns ticks since 1582-10-15 of the last UUID made
};

// A version 1 UUID for a Unix time in microseconds; clock_seq keeps 14 bits, node48 48.
uuid timeuuid_from_unix_micros(std::int64_t micros, std::uint16_t clock_seq,
                               std::uint64_t node48) noexcept;
// The 60-bit timestamp of a version 1 UUID: 100 ns ticks since 1582-10-15 00:00 UTC.
std::int64_t timeuuid_ticks(const uuid& u) noexcept;
// The timestamp as Unix milliseconds, rounded down (as Cassandra's toTimestamp/unixTimestampOf).
std::int64_t timeuuid_unix_millis(const uuid& u) noexcept;
// The version nibble: 1 time-based, 3 name-based (MD5), 4 random, ...
int uuid_version(const uuid& u) noexcept;

// Lowercase 8-4-4-4-12 hex.
std::string to_string(const uuid& u);
// Exactly the 36-character 8-4-4-4-12 form, hex digits in either case.
std::optional<uuid> parse_uuid(std::string_view s) noexcept;

// The version 3 UUID of the name's bytes with no namespace, as Java's
// UUID.nameUUIDFromBytes(name.getBytes(UTF_8)): a stable id derived from a name (a host id
// derived from an address, for instance).
uuid name_based_uuid(std::string_view name) noexcept;

}  // namespace cqlshift::protocol
