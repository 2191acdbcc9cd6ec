// Values as wire bytes: the serialized form partition keys and token() hash, and the messages of
// Cassandra's serializers (TypeSerializer.validate) for bytes that are not a value of a type.

#include "cqlshift/sim/values.hpp"
#include "values_impl.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

namespace cqlshift::sim {

protocol::bytes serialize_for_key(const protocol::data_type& type, const protocol::cql_value& v) {
  if (v.is_null()) return {};
  auto b = protocol::encode_value(type, v, protocol::protocol_version::v4);
  return b ? std::move(*b) : protocol::bytes{};
}

namespace detail {

namespace {

std::string size_message(const char* format_start, std::size_t size, const char* end = ")") {
  return std::string(format_start) + std::to_string(size) + end;
}

// The collection layout of CollectionSerializer: [int] counts and lengths from v3 on.
std::optional<std::string> describe_collection(const data_type& t, protocol::byte_view data,
                                               protocol::protocol_version pv, int depth) {
  if (depth > protocol::max_type_nesting) return "Value nested too deeply";
  const bool v2 = pv == protocol::protocol_version::v2;
  protocol::reader r(data);
  const char* what = t.id == type_id::list ? "list" : t.id == type_id::set ? "set" : "map";
  const std::int64_t count = v2 ? std::int64_t{r.read_short()} : std::int64_t{r.read_int()};
  if (!r.ok() || count < 0) return std::string("Not enough bytes to read a ") + what;
  const std::size_t per_element = t.id == type_id::map ? 2 : 1;
  for (std::int64_t k = 0; k < count; ++k) {
    for (std::size_t j = 0; j < per_element; ++j) {
      const std::int64_t len = v2 ? std::int64_t{r.read_short()} : std::int64_t{r.read_int()};
      if (!r.ok())
        return std::string("Not enough bytes to read ") + std::to_string(k) + "th element";
      if (len < 0) {
        if (len == -1) return std::string("null is not supported inside collections");
        return std::string("Not enough bytes to read ") + std::to_string(k) + "th element";
      }
      const auto element = r.read_raw(static_cast<std::size_t>(len));
      if (!r.ok())
        return std::string("Not enough bytes to read ") + std::to_string(k) + "th element";
      const data_type& et = t.params.size() > j ? t.params[j] : t.params.front();
      // Elements always use the v3 layout inside a collection.
      auto v = protocol::decode_value(et, element, protocol::protocol_version::v4);
      if (!v) return describe_invalid_value(et, element, protocol::protocol_version::v4);
    }
  }
  if (!r.empty()) return std::string("Unexpected extraneous bytes after ") + what + " value";
  return std::nullopt;
}

}  // namespace

std::string describe_invalid_value(const data_type& t, protocol::byte_view data,
                                   protocol::protocol_version pv) {
  const std::size_t n = data.size();
  switch (t.id) {
    case type_id::int_:
      return size_message("Expected 4 or 0 byte int (", n);
    case type_id::bigint:
    case type_id::counter:
      return size_message("Expected 8 or 0 byte long (", n);
    case type_id::smallint:
      return size_message("Expected 2 bytes for a smallint (", n);
    case type_id::tinyint:
      return size_message("Expected 1 byte for a tinyint (", n);
    case type_id::float_:
      return size_message("Expected 4 or 0 byte value for a float (", n);
    case type_id::double_:
      return size_message("Expected 8 or 0 byte value for a double (", n);
    case type_id::boolean:
      return size_message("Expected 1 or 0 byte value (", n);
    case type_id::timestamp:
      return size_message("Expected 8 or 0 byte long for date (", n);
    case type_id::date:
      return size_message("Expected 4 byte long for date (", n);
    case type_id::time:
      if (n != 8) return size_message("Expected 8 byte long for time (", n);
      return "Invalid time value: nanoseconds since midnight must be in [0, 86399999999999]";
    case type_id::uuid:
      return size_message("UUID should be 16 or 0 bytes (", n);
    case type_id::timeuuid:
      if (n != 16) return size_message("TimeUUID should be 16 or 0 bytes (", n);
      return "Invalid version for TimeUUID type.";
    case type_id::inet:
      return "Expected 4 or 16 byte inetaddress; got " + format_hex(data);
    case type_id::varchar:
    case type_id::text:
      return "String didn't validate.";
    case type_id::ascii:
      for (std::uint8_t b : data) {
        if (b > 127)
          return "Invalid byte for ascii: " + std::to_string(static_cast<std::int8_t>(b));
      }
      break;
    case type_id::decimal:
      return size_message("Expected 0 or at least 4 bytes (", n);
    case type_id::duration:
      return "Invalid duration value (" + std::to_string(n) + " bytes)";
    case type_id::list:
    case type_id::set:
    case type_id::map:
      if (!t.params.empty()) {
        if (auto m = describe_collection(t, data, pv, 0)) return *m;
      }
      break;
    case type_id::tuple:
    case type_id::udt:
      return "Invalid " + cql_type_name(t) + " value: malformed fields (" + std::to_string(n) +
             " bytes)";
    default:
      break;
  }
  return "Invalid " + cql_type_name(t) + " value (" + std::to_string(n) + " bytes)";
}

}  // namespace detail

}  // namespace cqlshift::sim
