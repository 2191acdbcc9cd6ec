#pragma once
// The error enum of the cql module. It is not protocol::errc because these are faults in CQL
// text, not in the wire format: the proxy answers them with a SYNTAX_ERROR, not a
// PROTOCOL_ERROR, and a category of their own keeps that mapping a single check.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace cqlshift::cql {

enum class errc {
  ok = 0,
  unterminated_string,             // '...' or $$...$$ runs to the end of the text
  unterminated_quoted_identifier,  // "..." runs to the end of the text
  unterminated_comment,            // /* without a closing */
  unexpected_character,            // a byte that starts no CQL token
};

const boost::system::error_category& cql_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), cql_category()};
}

// Human-readable text for an errc, stable enough for logs and SYNTAX_ERROR messages.
const char* describe(errc e) noexcept;

}  // namespace cqlshift::cql

template <>
struct boost::system::is_error_code_enum<cqlshift::cql::errc> : std::true_type {};
