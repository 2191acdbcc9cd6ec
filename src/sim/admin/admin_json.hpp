#pragma once
// The admin API's JSON forms of rules, log entries, TLS handshakes and nodes, and the validation of
// a rule a client posts. Pure: no I/O.

#include "cqlshift/sim/faults.hpp"
#include "cqlshift/sim/topology.hpp"

#include <boost/json.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cqlshift::sim::admin {

// A message for the client that names the bad field and what it accepts.
struct field_error {
  field_error() = default;
  explicit field_error(std::string m) : message(std::move(m)) {}
  std::string message;
};

template <class T>
using parse_result = boost::system::result<T, field_error>;

// A POST /faults body. `node_count` bounds "node".
parse_result<fault_rule> parse_rule(const boost::json::value& body, std::size_t node_count);

// The request opcode named `name` (any case), in the upper case the request log uses.
std::optional<std::string> canonical_opcode(std::string_view name);
// "STARTUP, OPTIONS, ...": what canonical_opcode accepts, for error messages.
std::string request_opcode_names();

boost::json::object to_json(const fault_rule& rule);
boost::json::object to_json(const request_record& record);
boost::json::object to_json(const tls_handshake_record& record);
boost::json::object to_json(const node_info& node, std::size_t index);

}  // namespace cqlshift::sim::admin
