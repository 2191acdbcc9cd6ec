#pragma once
// CQL values (spec section 6, "Data Type Serialization Formats"): a dynamically typed value,
// its wire encoding for a given column type, and its CQL literal spelling. The proxy uses this
// for virtual system tables, now() rewriting and comparing shadow reads; cqlsim stores rows of
// these.
//
// Several column types share one C++ alternative; the data_type says which is meant:
//   ascii, text, varchar          std::string
//   bigint, counter               std::int64_t
//   timestamp                     std::int64_t  milliseconds since the Unix epoch
//   time                          std::int64_t  nanoseconds since midnight, [0, 86400e9)
//   blob, custom                  bytes
//   varint                        bytes         two's complement big-endian, minimal
//   uuid, timeuuid                uuid
//   date                          std::uint32_t days, 2^31 = 1970-01-01 (the wire form)
//   inet                          inet          address only; port ignored, decoded as 0
//   list, set, tuple, udt         cql_list      set keeps the order given; tuple and udt hold
//                                               one element per field, null ones allowed
//   map                           cql_map       entry order kept
//
// Besides null, a value may be "empty": the zero-length value Cassandra accepts, stores and
// returns for most non-string types (spec section 6; Cassandra's serializers validate zero
// bytes as a value that deserializes to nothing). It is neither null nor any value of the
// type, so it has its own alternative; see allows_empty_value for the types that have one.

#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cqlshift::protocol {

// unscaled * 10^-scale.
struct decimal_value {
  std::int32_t scale = 0;
  bytes unscaled;  // a varint: two's complement big-endian, minimal
  bool operator==(const decimal_value&) const = default;
};

// All three components have the same sign (or are zero); the codec rejects mixed signs.
struct duration_value {
  std::int32_t months = 0;
  std::int32_t days = 0;
  std::int64_t nanoseconds = 0;
  bool operator==(const duration_value&) const = default;
};

// The zero-length value of a type that has one (see allows_empty_value).
struct empty_value {
  bool operator==(const empty_value&) const = default;
};

struct cql_value;
struct cql_map_entry;
using cql_list = std::vector<cql_value>;
using cql_map = std::vector<cql_map_entry>;

struct cql_value {
  std::variant<std::monostate, bool, std::int8_t, std::int16_t, std::int32_t, std::int64_t, float,
               double, std::string, bytes, uuid, decimal_value, duration_value, inet, std::uint32_t,
               cql_list, cql_map, empty_value>
      v;

  // Defined below, once cql_map_entry is complete: instantiating the variant's destructor or
  // comparison needs it.
  static cql_value null();
  static cql_value empty();
  bool is_null() const noexcept { return std::holds_alternative<std::monostate>(v); }
  bool is_empty() const noexcept { return std::holds_alternative<empty_value>(v); }
  // Float members compare as floats: a NaN value is unequal to itself. Defined in the .cpp
  // (clang 14 crashes on a defaulted comparison of this recursive variant).
  bool operator==(const cql_value& other) const;
};

// A map entry, in wire order. A struct rather than std::pair: instantiating the pair inside
// this cycle of definitions needs cql_value's destructor before cql_map_entry is complete.
struct cql_map_entry {
  cql_value first;   // the key
  cql_value second;  // the value
  bool operator==(const cql_map_entry&) const = default;
};

inline cql_value cql_value::null() {
  return {};
}
inline cql_value cql_value::empty() {
  return {empty_value{}};
}

// Whether zero bytes are a valid value of type `id` that is not a value of its C++
// alternative, following Cassandra's serializers (validate accepts size 0, deserialize yields
// nothing): int, bigint, counter, timestamp, boolean, float, double, decimal, varint, uuid,
// timeuuid, inet. Not for ascii/text/varchar/blob/custom, where zero bytes are simply the empty
// string or blob; not for smallint, tinyint, date, time, duration, list, set, map, whose
// serializers reject zero bytes; not for tuple/udt, where zero bytes are a value with every
// field missing (decoded as all fields null, see decode_value).
bool allows_empty_value(type_id id) noexcept;

// The value's wire bytes for type `t`. Errors: invalid_value when the alternative does not fit
// the type (or a value is out of its domain: time out of range, timeuuid not version 1, inet
// not 4/16 bytes, empty varint bytes, mixed-sign duration, null element in a v2 collection,
// more tuple/udt elements than fields, an empty value of a type without one),
// invalid_utf8/invalid_ascii for text/ascii, unknown_type for an id outside the protocol,
// nesting_too_deep past max_type_nesting, value_too_large when a count or element does not fit
// its prefix. An empty value encodes as zero bytes, also as a collection element or tuple/udt
// field. A null value has no bytes: invalid_value here, see encode_as_value.
result<bytes> encode_value(const data_type& t, const cql_value& v, protocol_version pv);
// As encode_value, but a null value becomes a null [value] (length -1).
result<value> encode_as_value(const data_type& t, const cql_value& v, protocol_version pv);

// Decodes the bytes of one value of type `t`. Zero bytes decode as the empty value where
// allows_empty_value(t.id), at the top level and equally as a collection element or tuple/udt
// field (Cassandra validates each element with its type's serializer, which accepts zero bytes
// there too). Otherwise fixed-size types must have their exact size (shorter: truncated,
// longer: trailing_bytes). text must be UTF-8 (invalid_utf8), ascii 7-bit
// (invalid_ascii). Collections use [int] counts and lengths from v3 on and [short] ones in v2
// (values nested inside a collection always use the v3 layout, as Cassandra does); an element
// length of -1 is a null element, other negative lengths are negative_length, lengths past the
// end length_out_of_bounds. A tuple or udt may hold fewer elements than its type (zero bytes
// hold none): the missing trailing ones decode as null, which Cassandra's tuple comparison
// treats as equal to the short form. varint and decimal come back minimal.
result<cql_value> decode_value(const data_type& t, byte_view data, protocol_version pv);
// As decode_value for a [value]: null decodes to a null cql_value, unset is invalid_value.
result<cql_value> decode_value(const data_type& t, const value& data, protocol_version pv);

// The CQL literal for a value: 'it''s', 0x0a0b, 1.5, NaN, true, [1, 2], {1, 2}, {k: v},
// (a, b), {field: v}, null, uuids unquoted, timestamp as integer milliseconds, duration as
// 1mo2d3ns, inet '1.2.3.4' / '2001:db8::1', date 'yyyy-mm-dd' (the quoted raw day number
// outside years 0..9999), time 'hh:mm:ss.nnnnnnnnn', decimal 123.45 / 5E+3. An empty value is
// '' for timestamp and inet (Cassandra parses an empty string literal of those types as zero
// bytes); no other type has a literal for it. invalid_value when the alternative does not fit
// the type (or time, inet, varint or a tuple/udt is outside its domain, as for encode_value,
// or the value is empty without a literal); nesting_too_deep past max_type_nesting. Text is
// quoted as is, not validated.
result<std::string> to_cql_literal(const data_type& t, const cql_value& v);

// Wire bytes of simple values, for building rows by hand (virtual system tables).
bytes encode_int(std::int32_t v);
bytes encode_bigint(std::int64_t v);
bytes encode_boolean(bool v);
bytes encode_text(std::string_view utf8);  // the caller guarantees UTF-8
bytes encode_uuid(const uuid& u);

// varint: two's complement big-endian, the minimal number of bytes (0 is 0x00).
bytes varint_from_int64(std::int64_t v);
// nullopt when empty or outside int64.
std::optional<std::int64_t> varint_to_int64(byte_view v) noexcept;
// The decimal digits of any varint ("0" for empty input).
std::string varint_to_string(byte_view v);
// Parses [-]digits; nullopt for anything else.
std::optional<bytes> varint_from_string(std::string_view s);
// The minimal form of a varint (drops redundant sign bytes); empty stays empty.
bytes minimal_varint(byte_view v);

}  // namespace cqlshift::protocol
