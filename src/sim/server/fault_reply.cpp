#include "server/fault_reply.hpp"

#include <algorithm>

namespace cqlshift::sim {
namespace {

using protocol::consistency;
using protocol::error_code;

std::int32_t required_replicas(consistency c, std::size_t replicas) {
  const auto n = static_cast<std::int32_t>(std::max<std::size_t>(replicas, 1));
  switch (c) {
    case consistency::any:
    case consistency::one:
    case consistency::local_one:
      return 1;
    case consistency::two:
      return 2;
    case consistency::three:
      return 3;
    case consistency::all:
      return n;
    case consistency::quorum:
    case consistency::local_quorum:
    case consistency::each_quorum:
    case consistency::serial:
    case consistency::local_serial:
      return n / 2 + 1;
  }
  return 1;
}

std::string write_type(const fault_context& c) {
  if (!c.batch) return "SIMPLE";
  switch (*c.batch) {
    case protocol::batch_type::logged:
      return "BATCH";
    case protocol::batch_type::unlogged:
      return "UNLOGGED_BATCH";
    case protocol::batch_type::counter:
      return "COUNTER";
  }
  return "BATCH";
}

std::string default_message(error_code code, consistency cl) {
  switch (code) {
    case error_code::unavailable:
      return "Cannot achieve consistency level " + std::string(protocol::to_string(cl));
    case error_code::write_timeout:
    case error_code::read_timeout:
      return "Operation timed out - received only 0 responses.";
    case error_code::read_failure:
    case error_code::write_failure:
      return "Operation failed - received 0 responses and 1 failures";
    case error_code::overloaded:
      return "Server is in overloaded state. Cannot accept more requests at this point";
    case error_code::is_bootstrapping:
      return "Cannot read from a bootstrapping node";
    case error_code::truncate_error:
      return "Error during truncate: injected fault";
    case error_code::cas_write_unknown:
      return "CAS operation result is unknown - proposal accepted by 0 but not a quorum.";
    default:
      return "Injected fault (cqlsim): " + std::string(protocol::to_string(code));
  }
}

}  // namespace

protocol::error_response fault_error(const fault& f, const fault_context& c) {
  const consistency cl = c.consistency.value_or(consistency::one);
  const std::int32_t required = required_replicas(cl, c.replicas);
  protocol::error_response e;
  e.code = f.error_code;
  e.message = f.message.empty() ? default_message(f.error_code, cl) : f.message;
  switch (f.error_code) {
    case error_code::unavailable:
      e.details = protocol::unavailable_details{cl, required, required - 1};
      break;
    case error_code::write_timeout:
      e.details = protocol::write_timeout_details{cl, 0, required, write_type(c), std::nullopt};
      break;
    case error_code::read_timeout:
      e.details = protocol::read_timeout_details{cl, 0, required, false};
      break;
    case error_code::read_failure: {
      protocol::read_failure_details d{cl, 0, required, 1, {}, false};
      if (protocol::has_failure_reason_map(c.version)) d.reason_map = {{c.node_address, 0}};
      e.details = std::move(d);
      break;
    }
    case error_code::write_failure: {
      protocol::write_failure_details d{cl, 0, required, 1, {}, write_type(c)};
      if (protocol::has_failure_reason_map(c.version)) d.reason_map = {{c.node_address, 0}};
      e.details = std::move(d);
      break;
    }
    case error_code::function_failure:
      e.details = protocol::function_failure_details{c.keyspace, "injected_fault", {}};
      break;
    case error_code::already_exists:
      e.details = protocol::already_exists_details{c.keyspace, c.table};
      break;
    case error_code::unprepared:
      e.details = protocol::unprepared_details{c.prepared_id};
      break;
    case error_code::cas_write_unknown:
      e.details = protocol::cas_write_unknown_details{cl, 0, required};
      break;
    default:
      break;
  }
  return e;
}

}  // namespace cqlshift::sim
