#pragma once
// Values as the cqlsim executor needs them: turning a literal or bound term into a value of a
// given column type, ordering values the way Cassandra's type comparators do, the JSON forms
// of SELECT JSON / INSERT JSON / toJson, and the native functions.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/error.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cqlshift::sim {

// What evaluating a term needs besides the term: the bound values of the request (by marker
// index), the protocol version they were encoded with, the request's clock, and a timeuuid
// source for now().
struct eval_context {
  std::span<const protocol::value> bound;  // indexed by term::marker
  protocol::protocol_version version = protocol::protocol_version::v4;
  std::int64_t now_micros = 0;  // the statement's time
  protocol::timeuuid_generator* timeuuids = nullptr;
};

// The result of evaluating a term: a value, or "unset" (a bound unset value, v4+: the
// column is left alone).
struct evaluated {
  protocol::cql_value value;
  bool unset = false;
};

// Evaluates `t` for a receiver of type `type` (the column, element, key or field it is
// assigned to or compared with), as Cassandra prepares and binds terms:
// - constants by kind (Constants.java): integers for every number type, counter, timestamp,
//   date (a day number), time (nanoseconds) and duration; floats for float/double/decimal;
//   strings for ascii/text, timestamp (every TimestampSerializer pattern, epoch milliseconds,
//   'now'), date ('2024-01-02' or a day number), time ('12:34:56.789'), inet; uuid constants for
//   uuid/timeuuid (version 1 checked); 0x... for blob; booleans; durations. Anything else is
//   "Invalid STRING constant (abc) for "c" of type int" (Cassandra reads no number out of a
//   string); a value out of range is the type's MarshalException text ("Unable to make int from
//   '99999999999'").
// - collection literals element by element (receivers "value(c)", "key(c)"), sets sorted and
//   deduplicated, maps sorted by key; no bind markers and no nulls inside; tuples and UDT
//   literals field by field (markers allowed).
// - markers: the bound value decoded with `type` (null -> null; unset -> `unset`, the caller
//   decides whether it is allowed); bytes that do not fit are the serializer's message
//   ("Expected 4 or 0 byte int (3)").
// - native functions: now(), currentTimeUUID(), uuid(), currentTimestamp(), currentDate(),
//   currentTime(), toTimestamp(), toDate(), toUnixTimestamp(), minTimeuuid(), maxTimeuuid(),
//   dateOf(), unixTimestampOf(), <type>AsBlob(), blobAs<type>(), fromJson(), with Cassandra's
//   overload resolution and "Type error: ..." messages. token(), ttl(), writetime() and
//   aggregates are the executor's: here they are "Unknown function token called".
// - (type) term: a type hint, checked, then the term is read for `type`.
// `receiver_name` is used in messages. Errors are InvalidRequest, except fromJson's
// FunctionFailure.
sim_result<evaluated> evaluate(const term& t, const protocol::data_type& type,
                               std::string_view receiver_name, const eval_context& ctx);

// Cassandra's ordering of two non-null values of `type`: numbers numerically, text and blobs
// by unsigned bytes, timeuuid by time then bytes, uuid by version then as Cassandra's
// UUIDType, boolean false < true, inet by bytes, collections/tuples/UDTs element-wise.
// Empty values sort first. Returns <0, 0, >0.
int compare(const protocol::data_type& type, const protocol::cql_value& a,
            const protocol::cql_value& b);

// The JSON text of a value, as Cassandra's toJson and SELECT JSON write it: numbers bare,
// strings quoted and escaped, timestamps "yyyy-mm-dd hh:mm:ss.SSSZ", uuids quoted, blobs
// "0x..", collections as arrays/objects (map keys as strings), null as null.
std::string to_json(const protocol::data_type& type, const protocol::cql_value& v);

// Parses a JSON value of type `type` out of text: the whole INSERT JSON object is parsed with
// parse_json_object below, each member with this. InvalidRequest on malformed JSON or a value
// that does not fit the type ("Error decoding JSON value for c: ...").
sim_result<protocol::cql_value> from_json(const protocol::data_type& type,
                                          std::string_view json_text, std::string_view column);
// Splits a JSON object into its members (name, raw JSON text of the value), in order.
// InvalidRequest for anything but an object ("Could not decode JSON string as a map: ...", or
// "Got null for INSERT JSON values" for null). Names come back as Cassandra matches them to
// columns: "\"Name\"" (quoted inside the JSON string) keeps its case without the quotes, any
// other name is lower-cased; a name given twice keeps its last value at its first position.
sim_result<std::vector<std::pair<std::string, std::string>>> parse_json_object(
    std::string_view json_text);

// The wire bytes of a value for the token function and partition keys (v4 encoding).
protocol::bytes serialize_for_key(const protocol::data_type& type, const protocol::cql_value& v);

// ---- helpers for the executor ----

// A type as Cassandra spells it in error messages (AbstractType.asCQL3Type): "int", "text",
// "list<int>", "frozen<tuple<int, text>>", a UDT by its name; collections nested in another type
// are frozen<...>.
std::string cql_type_name(const protocol::data_type& type);

// A term as Cassandra prints it in messages (Term.Raw.getText): 'abc', 12, [1, 2], now(), ?.
std::string describe_term(const term& t);

// Sets sorted and deduplicated, maps sorted by key (the last value of a repeated key wins), at
// every nesting level, by `compare`: the form in which Cassandra stores and returns them. Every
// value evaluate and from_json return is already in this form.
protocol::cql_value canonical_value(const protocol::data_type& type, protocol::cql_value v);

// A value with its type, as selectors compute them.
struct typed_value {
  protocol::data_type type;
  protocol::cql_value value;
};

// The result type of native function `name` (lower case, as in term::text) for arguments of
// these types, resolved as Cassandra resolves overloads: the InvalidRequest of an unknown
// function ("Unknown function x called"), a wrong argument count or type ("Type error: ..."),
// or an ambiguous call. token(), ttl(), writetime(), count() and other aggregates are not
// native scalar functions here: the executor handles them.
sim_result<protocol::data_type> function_type(std::string_view name,
                                              std::span<const protocol::data_type> arg_types);
// Applies native function `name` to evaluated arguments (a selector such as toTimestamp(c) or
// blobAsText(b)). A null argument gives a null result, as Cassandra's native functions do.
sim_result<typed_value> apply_function(std::string_view name, std::span<const typed_value> args,
                                       const eval_context& ctx);

// CAST(v AS to) in a selection, with CastFcts' conversions: numbers to numbers (Java's
// narrowing), anything castable to text/ascii (its CQL literal form), timeuuid/timestamp/date
// conversions. Casting to the same type is the identity; null stays null. InvalidRequest
// "<selected> cannot be cast to <to>" when no cast exists (`selected`: the selector's name,
// usually the column).
sim_result<protocol::cql_value> cast_value(const protocol::data_type& from,
                                           const protocol::cql_value& v,
                                           const protocol::data_type& to,
                                           std::string_view selected);

}  // namespace cqlshift::sim
