#include "cqlshift/proxy/routing.hpp"

namespace cqlshift::proxy {

namespace {

constexpr decision write_to_both{destination::both, false, virtual_table::none};

destination destination_of(cluster c) noexcept {
  return c == cluster::origin ? destination::origin : destination::target;
}

virtual_table virtual_table_of(std::string_view table) noexcept {
  if (table == "local") return virtual_table::local;
  if (table == "peers") return virtual_table::peers;
  if (table == "peers_v2") return virtual_table::peers_v2;
  return virtual_table::none;
}

// Keyspaces that hold a cluster's own metadata: reads of them must see one cluster's view
// consistently, so they go to the system_queries cluster whatever the primary is. Names are
// compared as stored: a quoted "System" is a user keyspace.
bool is_system_keyspace(std::string_view ks) noexcept {
  return ks == "system" || ks.starts_with("system_") || ks.starts_with("dse_");
}

}  // namespace

std::string_view to_string(cluster c) noexcept {
  return c == cluster::origin ? "ORIGIN" : "TARGET";
}

cluster other(cluster c) noexcept {
  return c == cluster::origin ? cluster::target : cluster::origin;
}

decision route_statement(const cql::statement_info& s, std::string_view session_keyspace,
                         const routing_settings& r) noexcept {
  if (s.kind != cql::statement_kind::select) return write_to_both;
  const std::string_view keyspace =
      s.target.keyspace.empty() ? session_keyspace : std::string_view(s.target.keyspace);
  if (keyspace == "system") {
    const virtual_table table = virtual_table_of(s.target.table);
    if (table != virtual_table::none) return {destination::proxy, true, table};
  }
  if (is_system_keyspace(keyspace)) return {destination_of(r.system_queries), true};
  return {destination_of(r.primary), true, virtual_table::none, r.shadow_reads};
}

decision route_message(protocol::opcode op) noexcept {
  // No default: a new opcode must be given a decision here (-Wswitch).
  switch (op) {
    case protocol::opcode::startup:
    case protocol::opcode::options:
    case protocol::opcode::register_:
    case protocol::opcode::batch:
    // Routed elsewhere (see the header); both is the answer that cannot lose a write.
    case protocol::opcode::query:
    case protocol::opcode::prepare:
    case protocol::opcode::execute:
    case protocol::opcode::auth_response:
    case protocol::opcode::dse_revise_request:
    case protocol::opcode::error:
    case protocol::opcode::ready:
    case protocol::opcode::authenticate:
    case protocol::opcode::supported:
    case protocol::opcode::result:
    case protocol::opcode::event:
    case protocol::opcode::auth_challenge:
    case protocol::opcode::auth_success:
      return write_to_both;
  }
  return write_to_both;
}

}  // namespace cqlshift::proxy
