#include "admin/admin_json.hpp"

#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/timeuuid.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <utility>

namespace cqlshift::sim::admin {
namespace {

namespace json = boost::json;
using protocol::error_code;

// Every code an injected ERROR may carry: the ones protocol::to_string names.
constexpr std::array known_error_codes{
    error_code::server_error,      error_code::protocol_error,    error_code::auth_error,
    error_code::unavailable,       error_code::overloaded,        error_code::is_bootstrapping,
    error_code::truncate_error,    error_code::write_timeout,     error_code::read_timeout,
    error_code::read_failure,      error_code::function_failure,  error_code::write_failure,
    error_code::cdc_write_failure, error_code::cas_write_unknown, error_code::syntax_error,
    error_code::unauthorized,      error_code::invalid,           error_code::config_error,
    error_code::already_exists,    error_code::unprepared,
};

constexpr std::array rule_fields{"node",    "opcode",      "statement",  "table",
                                 "action",  "delay_ms",    "error_code", "error",
                                 "message", "probability", "count"};

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

template <class Range>
std::string join(const Range& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string error_code_names() {
  std::string out;
  for (auto c : known_error_codes) {
    if (!out.empty()) out += ", ";
    out += protocol::to_string(c);
  }
  return out;
}

// The JSON text of a value as the client wrote it, for "got ..." in messages; strings longer
// than a line are cut so a huge body cannot make a huge error.
std::string quote(const json::value& v) {
  auto text = json::serialize(v);
  constexpr std::size_t max_shown = 80;
  if (text.size() > max_shown) {
    text.resize(max_shown);
    text += "...";
  }
  return text;
}

std::optional<std::int64_t> as_int64(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() &&
      v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

std::optional<fault_action> parse_action(std::string_view s) {
  if (s == "delay") return fault_action::delay;
  if (s == "error") return fault_action::error;
  if (s == "close") return fault_action::close;
  if (s == "no_reply") return fault_action::no_reply;
  return std::nullopt;
}

std::string_view action_name(fault_action a) {
  switch (a) {
    case fault_action::none:
      return "none";
    case fault_action::delay:
      return "delay";
    case fault_action::error:
      return "error";
    case fault_action::close:
      return "close";
    case fault_action::no_reply:
      return "no_reply";
  }
  return "none";
}

std::optional<error_code> error_code_by_number(std::int64_t n) {
  for (auto c : known_error_codes) {
    if (static_cast<std::int64_t>(c) == n) return c;
  }
  return std::nullopt;
}

std::optional<error_code> error_code_by_name(std::string_view name) {
  auto wanted = upper(name);
  for (auto c : known_error_codes) {
    if (protocol::to_string(c) == wanted) return c;
  }
  return std::nullopt;
}

// Absent means empty. (in_place_value: a string would also make a field_error.)
parse_result<std::string> string_field(const json::object& body, std::string_view name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr) return {boost::system::in_place_value};
  if (!v->is_string()) {
    return field_error(std::string(name) + ": expected a string, got " + quote(*v));
  }
  return {boost::system::in_place_value, v->get_string()};
}

}  // namespace

std::optional<std::string> canonical_opcode(std::string_view name) {
  auto wanted = upper(name);
  for (int raw = 0; raw <= 0xFF; ++raw) {
    auto byte = static_cast<std::uint8_t>(raw);
    if (!protocol::is_known_opcode(byte)) continue;
    auto op = static_cast<protocol::opcode>(byte);
    if (protocol::is_request_opcode(op) && protocol::to_string(op) == wanted) return wanted;
  }
  return std::nullopt;
}

std::string request_opcode_names() {
  std::string out;
  for (int raw = 0; raw <= 0xFF; ++raw) {
    auto byte = static_cast<std::uint8_t>(raw);
    if (!protocol::is_known_opcode(byte)) continue;
    auto op = static_cast<protocol::opcode>(byte);
    if (!protocol::is_request_opcode(op)) continue;
    if (!out.empty()) out += ", ";
    out += protocol::to_string(op);
  }
  return out;
}

parse_result<fault_rule> parse_rule(const json::value& body_value, std::size_t node_count) {
  const auto* body = body_value.if_object();
  if (body == nullptr)
    return field_error(std::string("body: expected a JSON object, got ") + quote(body_value));
  for (const auto& [key, unused] : *body) {
    if (std::find(rule_fields.begin(), rule_fields.end(), std::string_view(key)) ==
        rule_fields.end()) {
      return field_error("unknown field \"" + std::string(key) +
                         "\"; accepted: " + join(rule_fields));
    }
  }

  fault_rule rule;

  if (const auto* v = body->if_contains("node"); v != nullptr && !v->is_null()) {
    auto n = as_int64(*v);
    if (!n || *n < 0 || static_cast<std::uint64_t>(*n) >= node_count) {
      return field_error("node: expected a node index below " + std::to_string(node_count) +
                         " (GET /nodes lists them), got " + quote(*v));
    }
    rule.node = static_cast<std::size_t>(*n);
  }

  auto opcode = string_field(*body, "opcode");
  if (!opcode) return opcode.error();
  if (!opcode->empty()) {
    auto canonical = canonical_opcode(*opcode);
    if (!canonical) {
      return field_error("opcode: expected one of " + request_opcode_names() + ", got " +
                         quote(json::string(*opcode)));
    }
    rule.opcode = *canonical;
  }

  auto statement = string_field(*body, "statement");
  if (!statement) return statement.error();
  rule.statement = std::move(*statement);

  auto table = string_field(*body, "table");
  if (!table) return table.error();
  if (!table->empty()) {
    auto dot = table->find('.');
    if (dot == 0 || (dot != std::string::npos && dot + 1 == table->size())) {
      return field_error("table: expected \"keyspace\" or \"keyspace.table\", got " +
                         quote(json::string(*table)));
    }
  }
  rule.table = std::move(*table);

  const auto* action = body->if_contains("action");
  if (action == nullptr) return field_error("action: required: delay, error, close or no_reply");
  auto parsed_action = action->is_string() ? parse_action(action->get_string()) : std::nullopt;
  if (!parsed_action) {
    return field_error("action: expected one of delay, error, close, no_reply, got " +
                       quote(*action));
  }
  rule.action.action = *parsed_action;

  // A field that belongs to another action is most likely a mistake in the rule: refuse it
  // rather than ignore it.
  const auto* delay = body->if_contains("delay_ms");
  if (rule.action.action == fault_action::delay) {
    if (delay == nullptr) return field_error("delay_ms: required when action is delay");
    auto n = as_int64(*delay);
    if (!n || *n < 0 || *n > std::numeric_limits<std::int32_t>::max()) {
      return field_error("delay_ms: expected an integer from 0 to 2147483647, got " +
                         quote(*delay));
    }
    rule.action.delay_ms = static_cast<std::int32_t>(*n);
  } else if (delay != nullptr) {
    return field_error("delay_ms: only for action delay");
  }

  const auto* code_number = body->if_contains("error_code");
  const auto* code_name = body->if_contains("error");
  const auto* message = body->if_contains("message");
  if (rule.action.action == fault_action::error) {
    if (code_number != nullptr && code_name != nullptr) {
      return field_error("error_code, error: give one of them, not both");
    }
    if (code_number != nullptr) {
      auto n = as_int64(*code_number);
      auto code = n ? error_code_by_number(*n) : std::nullopt;
      if (!code) {
        return field_error("error_code: expected a CQL error code (4096 is UNAVAILABLE; known: " +
                           error_code_names() + "), got " + quote(*code_number));
      }
      rule.action.error_code = *code;
    } else if (code_name != nullptr) {
      auto code =
          code_name->is_string() ? error_code_by_name(code_name->get_string()) : std::nullopt;
      if (!code)
        return field_error("error: expected one of " + error_code_names() + ", got " +
                           quote(*code_name));
      rule.action.error_code = *code;
    }
    auto text = string_field(*body, "message");
    if (!text) return text.error();
    // Empty: the server words one as Cassandra would for the code (sim/server/fault_reply.hpp).
    rule.action.message = std::move(*text);
  } else {
    if (code_number != nullptr) return field_error("error_code: only for action error");
    if (code_name != nullptr) return field_error("error: only for action error");
    if (message != nullptr) return field_error("message: only for action error");
  }

  if (const auto* v = body->if_contains("probability"); v != nullptr) {
    // NaN cannot come from JSON text, so the range check is complete.
    if (!v->is_number() || v->to_number<double>() < 0.0 || v->to_number<double>() > 1.0) {
      return field_error("probability: expected a number from 0 to 1, got " + quote(*v));
    }
    rule.probability = v->to_number<double>();
  }

  if (const auto* v = body->if_contains("count"); v != nullptr) {
    if (v->is_uint64()) {
      rule.count = v->get_uint64();
    } else if (v->is_int64() && v->get_int64() >= 0) {
      rule.count = static_cast<std::uint64_t>(v->get_int64());
    } else {
      return field_error("count: expected a non-negative integer (0: unlimited), got " + quote(*v));
    }
  }
  return rule;
}

json::object to_json(const fault_rule& rule) {
  json::object o;
  o["id"] = rule.id;
  o["node"] =
      rule.node ? json::value(static_cast<std::uint64_t>(*rule.node)) : json::value(nullptr);
  o["opcode"] = rule.opcode;
  o["statement"] = rule.statement;
  o["table"] = rule.table;
  o["action"] = action_name(rule.action.action);
  if (rule.action.action == fault_action::delay) o["delay_ms"] = rule.action.delay_ms;
  if (rule.action.action == fault_action::error) {
    o["error_code"] = static_cast<std::int64_t>(rule.action.error_code);
    o["error"] = protocol::to_string(rule.action.error_code);
    o["message"] = rule.action.message;
  }
  o["probability"] = rule.probability;
  o["count"] = rule.count;
  o["fired"] = rule.fired;
  return o;
}

json::object to_json(const request_record& r) {
  json::object o;
  o["seq"] = r.seq;
  o["node"] = static_cast<std::uint64_t>(r.node);
  o["connection"] = r.connection;
  o["opcode"] = r.opcode;
  o["statement"] = r.statement;
  o["keyspace"] = r.keyspace;
  o["table"] = r.table;
  o["consistency"] = r.consistency;
  o["stream"] = r.stream;
  o["time_micros"] = r.time_micros;
  return o;
}

json::object to_json(const tls_handshake_record& r) {
  json::object o;
  o["node"] = static_cast<std::uint64_t>(r.node);
  o["peer"] = r.peer;
  o["accepted"] = r.accepted;
  o["server_name"] = r.server_name;
  o["error"] = r.error;
  o["time_micros"] = r.time_micros;
  return o;
}

json::object to_json(const node_info& node, std::size_t index) {
  json::object o;
  o["index"] = static_cast<std::uint64_t>(index);
  o["address"] = node.address;
  o["port"] = node.port;
  o["host_id"] = protocol::to_string(node.host_id);
  o["datacenter"] = node.datacenter;
  o["rack"] = node.rack;
  return o;
}

}  // namespace cqlshift::sim::admin
