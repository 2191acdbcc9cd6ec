#pragma once
// The routing policy (SPEC.md section 3): which cluster(s) a request goes to. A pure function
// of the request and the settings snapshot, so the session holds no routing logic and the
// policy is tested as a table.
//
// The one rule that must hold: a write never goes to one cluster only. Only a statement the
// reader is sure is a SELECT routes to a single cluster (or the proxy); everything else,
// including what the reader could not classify, goes to both.

#include "cqlshift/cql/statement.hpp"
#include "cqlshift/protocol/frame.hpp"

#include <cstdint>
#include <string_view>

namespace cqlshift::proxy {

enum class cluster : std::uint8_t { origin, target };

std::string_view to_string(cluster c) noexcept;  // "ORIGIN" / "TARGET", as in the config
cluster other(cluster c) noexcept;

// The system tables the proxy answers itself (SPEC.md section 7).
enum class virtual_table : std::uint8_t { none, local, peers, peers_v2 };

enum class destination : std::uint8_t { origin, target, both, proxy };

// The part of the settings snapshot routing reads: primary_cluster, system_queries_mode and
// whether read_mode is DUAL_ASYNC_ON_SECONDARY.
struct routing_settings {
  cluster primary = cluster::origin;
  cluster system_queries = cluster::origin;
  bool shadow_reads = false;
};

struct decision {
  destination to = destination::both;
  // A SELECT (reads are counted and timed apart from writes): set for every SELECT,
  // including those the proxy answers itself.
  bool is_read = false;
  virtual_table table = virtual_table::none;  // set when to == proxy
  // A read of user data sent to the primary that also goes to the secondary as a shadow read
  // (SPEC 11): never set for system keyspaces, virtual tables or writes.
  bool shadow = false;
  bool operator==(const decision&) const = default;
};

// QUERY and PREPARE text, and EXECUTE (the statement_info kept from its PREPARE).
// session_keyspace is the connection's USE keyspace (or the v5 per-request keyspace), used
// when the statement names none; as stored (case kept).
decision route_statement(const cql::statement_info& s, std::string_view session_keyspace,
                         const routing_settings& r) noexcept;

// Requests without statement text: STARTUP, OPTIONS, REGISTER and BATCH go to both. Every
// other opcode also gives both, the safe answer, but is not meant to be routed here: QUERY,
// PREPARE and EXECUTE go through route_statement, AUTH_RESPONSE is the session's (it goes to
// the auth-primary), and response opcodes are never routed.
decision route_message(protocol::opcode op) noexcept;

}  // namespace cqlshift::proxy
