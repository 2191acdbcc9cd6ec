#pragma once
// The error a cqlsim statement ends with: the ERROR code and message a Cassandra node would
// send (SyntaxError for text the grammar rejects, InvalidRequest for a statement that parses
// but cannot run, AlreadyExists, Unprepared, ...). Parser, catalog and executor all return it,
// so the server only encodes it.

#include "cqlshift/protocol/error_response.hpp"

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <utility>

namespace cqlshift::sim {

struct cql_error {
  protocol::error_code code = protocol::error_code::server_error;
  std::string message;
  protocol::error_details details;  // AlreadyExists and Unprepared carry theirs
  bool operator==(const cql_error&) const = default;
};

// Lets sim_result<T>::value() throw on an error (tests use it; the server never does).
[[noreturn]] void throw_exception_from_error(const cql_error& e, const boost::source_location& loc);

template <class T>
using sim_result = boost::system::result<T, cql_error>;

inline cql_error syntax_error(std::string message) {
  return {protocol::error_code::syntax_error, std::move(message), {}};
}
inline cql_error invalid_request(std::string message) {
  return {protocol::error_code::invalid, std::move(message), {}};
}

}  // namespace cqlshift::sim
