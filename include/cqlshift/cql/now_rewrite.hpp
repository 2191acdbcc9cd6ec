#pragma once
// now() replacement (SPEC.md section 6): the zero-argument calls now() and system.now() in a
// write are replaced by values the proxy generates, so that both clusters store the same
// timeuuid. Simple statements get a literal per call; prepared statements get a bind marker
// per call, which the proxy fills on every EXECUTE and hides from the client.
//
// The calls are found on the lexer's tokens, so now() inside a string literal, a comment or
// a quoted name is left alone, and ks.now() (a user function of another keyspace) is not a
// call of the built-in. Each call gets its own value, as each call of now() in Cassandra
// returns a new timeuuid.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::cql {

struct now_call {
  std::size_t offset = 0;  // the span of `now()` or `system.now()` in the text
  std::size_t length = 0;
  // The bind index a marker put in place of this call gets: the markers written before it
  // plus the calls before it (each becomes a marker).
  std::size_t bind_index = 0;

  bool operator==(const now_call&) const = default;
};

struct now_calls {
  std::vector<now_call> calls;  // in text order
  bool named_markers = false;   // the statement uses :name markers
};

// The now() calls of `cql`; nullopt when the text does not lex (it is then sent unchanged and
// the cluster reports the syntax error). Callers apply it to writes only: reads are never
// rewritten.
std::optional<now_calls> find_now_calls(std::string_view cql);

// The text with call i replaced by literals[i] (literals.size() == found.calls.size()).
std::string replace_now_calls(std::string_view cql, const now_calls& found,
                              std::span<const std::string> literals);

// The name of the marker that replaces call i in a statement written with named markers.
std::string now_marker_name(std::size_t i);

// The text with every call replaced by a marker cast to timeuuid: `(timeuuid)?`, or
// `(timeuuid):cqlshift_now_<i>` when the statement uses named markers (so that it does not mix
// the two styles). The cast gives the marker now()'s type wherever the call stood: in a
// function argument (toTimestamp has a date and a timeuuid overload, so a bare marker there
// is ambiguous to Cassandra) or for a uuid column; the bind metadata then names it
// "(timeuuid)?" with type timeuuid.
std::string replace_now_with_markers(std::string_view cql, const now_calls& found);

}  // namespace cqlshift::cql
