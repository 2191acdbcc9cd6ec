#pragma once
// EVENT (spec 4.2.6): a server push, on stream -1, for connections that REGISTERed.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/schema_change.hpp"
#include "cqlshift/protocol/version.hpp"

#include <string>
#include <variant>

namespace cqlshift::protocol {

// "NEW_NODE", "REMOVED_NODE" or "MOVED_NODE" (v3 and earlier; later servers do not send it).
struct topology_change_event {
  std::string change;
  inet address;
  bool operator==(const topology_change_event&) const = default;
};

// "UP" or "DOWN".
struct status_change_event {
  std::string change;
  inet address;
  bool operator==(const status_change_event&) const = default;
};

struct event {
  std::variant<topology_change_event, status_change_event, schema_change> body;
  bool operator==(const event&) const = default;
};

// Errors: unknown_event for an event type or topology/status/schema change kind the protocol
// does not define; the errors of read_schema_change.
event read_event(reader& r, protocol_version v);
// Errors: invalid_value for a topology or status change kind the protocol does not define;
// the errors of write_schema_change.
void write_event(const event& e, protocol_version v, writer& w);

}  // namespace cqlshift::protocol
