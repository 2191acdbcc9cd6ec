#include "cqlshift/protocol/event.hpp"

#include <string_view>

namespace cqlshift::protocol {

namespace {

constexpr std::string_view topology_change = "TOPOLOGY_CHANGE";
constexpr std::string_view status_change = "STATUS_CHANGE";
constexpr std::string_view schema_change_type_name = "SCHEMA_CHANGE";

bool is_topology_change(std::string_view s) noexcept {
  return s == "NEW_NODE" || s == "REMOVED_NODE" || s == "MOVED_NODE";
}

bool is_status_change(std::string_view s) noexcept {
  return s == "UP" || s == "DOWN";
}

template <class Event>
Event read_node_event(reader& r, bool (*is_known)(std::string_view) noexcept) {
  Event e;
  e.change = r.read_string();
  if (r.ok() && !is_known(e.change)) r.fail(errc::unknown_event);
  e.address = r.read_inet();
  return e;
}

}  // namespace

event read_event(reader& r, protocol_version v) {
  const std::string type = r.read_string();
  if (!r.ok()) return {};
  event e;
  if (type == topology_change) {
    e.body = read_node_event<topology_change_event>(r, is_topology_change);
  } else if (type == status_change) {
    e.body = read_node_event<status_change_event>(r, is_status_change);
  } else if (type == schema_change_type_name) {
    e.body = read_schema_change(r, v);
  } else {
    r.fail(errc::unknown_event);
  }
  if (!r.ok()) return {};
  return e;
}

void write_event(const event& e, protocol_version v, writer& w) {
  if (const auto* t = std::get_if<topology_change_event>(&e.body)) {
    if (!is_topology_change(t->change)) return w.fail(errc::invalid_value);
    w.write_string(topology_change);
    w.write_string(t->change);
    w.write_inet(t->address);
  } else if (const auto* s = std::get_if<status_change_event>(&e.body)) {
    if (!is_status_change(s->change)) return w.fail(errc::invalid_value);
    w.write_string(status_change);
    w.write_string(s->change);
    w.write_inet(s->address);
  } else if (const auto* c = std::get_if<schema_change>(&e.body)) {
    w.write_string(schema_change_type_name);
    write_schema_change(*c, v, w);
  } else {
    w.fail(errc::invalid_value);  // valueless after a throwing assignment
  }
}

}  // namespace cqlshift::protocol
