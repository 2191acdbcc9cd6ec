#pragma once
// Internals shared by the values*.cpp files: the text forms of scalar values exactly as
// Cassandra's marshal types read and write them (AbstractType.fromString, the serializers'
// toString), and the assignment test of CQL terms (AssignmentTestable).

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/error.hpp"
#include "cqlshift/sim/values.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::sim::detail {

using protocol::cql_value;
using protocol::data_type;
using protocol::type_id;

// Past this many digits a number in a statement or JSON document is refused: converting decimal
// digits to a varint is quadratic, and no real value comes close (a 10,000-digit varint is 4 KiB).
inline constexpr std::size_t max_number_digits = 10'000;

bool is_text(type_id id) noexcept;        // ascii, text, varchar
bool is_numeric(type_id id) noexcept;     // the types CastFcts converts between (counter included)
bool is_collection(type_id id) noexcept;  // list, set, map

// ---- Cassandra's fromString, per type (MarshalException text as the error message) ----

// `now_millis` is what the string "now" means for a timestamp.
sim_result<cql_value> from_string(const data_type& t, std::string_view text,
                                  std::int64_t now_millis);

sim_result<std::int64_t> parse_timestamp(std::string_view s, std::int64_t now_millis);
sim_result<std::uint32_t> parse_date(std::string_view s);
sim_result<std::int64_t> parse_time(std::string_view s);
sim_result<protocol::duration_value> parse_duration(std::string_view s);
std::optional<protocol::inet> parse_inet(std::string_view s);
// java.math.BigDecimal(String); nullopt when it would throw NumberFormatException.
std::optional<protocol::decimal_value> parse_decimal(std::string_view s);
// java.math.BigInteger(String): [+-]digits.
std::optional<protocol::bytes> parse_varint(std::string_view s);
// Java's Long.parseLong / Double.valueOf / Float.parseFloat.
std::optional<std::int64_t> parse_java_long(std::string_view s);
std::optional<double> parse_java_double(std::string_view s);
std::optional<float> parse_java_float(std::string_view s);

// ---- Cassandra's toString forms ----

std::string format_timestamp_json(std::int64_t millis);          // 2024-01-02 03:04:05.678Z
std::string format_timestamp_iso(std::int64_t millis);           // 2024-01-02T03:04:05.678Z
std::string format_date(std::uint32_t raw);                      // 2024-01-02 (ISO_LOCAL_DATE)
std::string format_time(std::int64_t nanos);                     // 03:04:05.000000000
std::string format_duration(const protocol::duration_value& d);  // 1h30m (Duration.toString)
std::string format_decimal(const protocol::decimal_value& d);    // BigDecimal.toString
std::string format_double(double d);                             // Double.toString
std::string format_float(float f);                               // Float.toString
std::string format_inet(const protocol::inet& i);                // InetAddress.getHostAddress
std::string format_hex(protocol::byte_view b);                   // lowercase, no 0x
// The JSON string literal of `s`: quoted, with Jackson's escapes.
std::string json_quote(std::string_view s);

// A value's text as CAST(x AS text) gives it (the serializer's toCQLLiteral).
std::optional<std::string> to_cast_text(const data_type& t, const cql_value& v);

// Java's conversions between numbers, for casts: nullopt when `v` is not a number of `t`.
std::optional<double> to_double(const data_type& t, const cql_value& v);
std::optional<std::int64_t> to_long(const data_type& t, const cql_value& v);  // Number.longValue

// ---- terms ----

enum class assignment { not_assignable, weakly, exact };

// AssignmentTestable.testAssignment of a term to a receiver type: whether a function overload
// or a collection literal accepts it.
assignment test_assignment(const term& t, const data_type& receiver);
// Whether a value of `source` may be stored in `receiver` (AbstractType.isValueCompatibleWith).
bool is_value_compatible(const data_type& receiver, const data_type& source);

// evaluate() at a nesting depth (function arguments and collection elements go one deeper).
sim_result<evaluated> evaluate_at(const term& t, const data_type& type, std::string_view name,
                                  const eval_context& ctx, int depth);
// evaluate() of a function call term (term_kind::function).
sim_result<evaluated> evaluate_function(const term& t, const data_type& receiver,
                                        std::string_view receiver_name, const eval_context& ctx,
                                        int depth);
// The result type of the function a call term resolves to for `receiver` (fromJson takes the
// receiver's type); nullopt when the call does not resolve.
std::optional<data_type> function_term_type(const term& t, const data_type& receiver);
// A written native, collection or tuple type; nullopt for UDTs and custom types.
std::optional<data_type> type_from_expr(const type_expr& e);
std::string type_expr_text(const type_expr& e);
// The message Cassandra gives for bytes that are not a valid value of `t` (a bound value or a
// blobAs* argument), such as "Expected 4 or 0 byte int (3)".
std::string describe_invalid_value(const data_type& t, protocol::byte_view data,
                                   protocol::protocol_version pv);

// Sorts and deduplicates the elements of every set and the keys of every map, recursively, as
// Cassandra's serializers store them. Values of other types are returned unchanged.
cql_value canonical(const data_type& t, cql_value v);

// A JSON value as read for INSERT JSON and fromJson. Numbers keep their source text (so varint
// and decimal values come through exactly); objects keep member order and repeated names.
struct json_node {
  enum class kind : std::uint8_t { null, boolean, number, string, array, object };
  kind k = kind::null;
  std::string text;  // boolean: "true"/"false"; number: as written; string: decoded UTF-8
  std::vector<json_node> items;   // array elements; object member values
  std::vector<std::string> keys;  // object member names, parallel to items
  std::size_t begin = 0;          // the value's span in the source
  std::size_t end = 0;
};

// The first JSON value of `text`, as Jackson's ObjectMapper.readValue reads it: what follows
// the value is ignored, except that a number at the root must end at a space or the end.
// InvalidRequest with a description of the first error; nesting is bounded.
sim_result<json_node> parse_json(std::string_view text);

}  // namespace cqlshift::sim::detail
