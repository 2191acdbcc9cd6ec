// The rows of the system tables: system.local/peers/peers_v2 from the topology, and
// system_schema.* / system_virtual_schema.* from the schema, as Cassandra 4.1 fills them.

#include "catalog_detail.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <string>
#include <utility>

namespace cqlshift::sim {

namespace {

using protocol::cql_value;
using row_values = std::map<std::string, cql_value>;

constexpr std::string_view cql_version = "3.4.6";
constexpr std::string_view native_protocol_version = "5";
constexpr std::string_view partitioner = "org.apache.cassandra.dht.Murmur3Partitioner";
// The internode port of node i: Cassandra's default 7000, offset per node so that nodes sharing
// an address still have distinct (peer, peer_port) keys in system.peers_v2.
constexpr std::int32_t storage_port = 7000;
// A fixed gossip generation (seconds since the epoch of 2024-01-01): clients only display it.
constexpr std::int32_t gossip_generation = 1704067200;

cql_value text(std::string_view s) {
  return cql_value{std::string(s)};
}
cql_value integer(std::int32_t v) {
  return cql_value{v};
}

cql_value inet_of(const std::string& address) {
  protocol::inet out;
  unsigned char buf[16];
  if (::inet_pton(AF_INET, address.c_str(), buf) == 1) {
    out.address.assign(buf, buf + 4);
  } else if (::inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    out.address.assign(buf, buf + 16);
  } else {
    return cql_value::null();
  }
  return cql_value{std::move(out)};
}

// set<text> of the decimal tokens, in the set's (text) order.
cql_value tokens_of(const node_info& node) {
  std::vector<std::string> tokens;
  tokens.reserve(node.tokens.size());
  for (std::int64_t t : node.tokens)
    tokens.push_back(std::to_string(t));
  std::sort(tokens.begin(), tokens.end());
  protocol::cql_list out;
  out.reserve(tokens.size());
  for (auto& t : tokens)
    out.push_back(cql_value{std::move(t)});
  return cql_value{std::move(out)};
}

cql_value text_list(const std::vector<std::string>& items) {
  protocol::cql_list out;
  for (const auto& s : items)
    out.push_back(text(s));
  return cql_value{std::move(out)};
}

std::vector<cql_value> project(const table_def& table, row_values values) {
  std::vector<cql_value> row;
  row.reserve(table.columns.size());
  for (const auto& c : table.columns) {
    auto it = values.find(c.name);
    row.push_back(it == values.end() ? cql_value::null() : std::move(it->second));
  }
  return row;
}

std::string_view kind_name(column_kind k) {
  switch (k) {
    case column_kind::partition_key:
      return "partition_key";
    case column_kind::clustering:
      return "clustering";
    case column_kind::static_:
      return "static";
    case column_kind::regular:
      return "regular";
  }
  return "regular";
}

row_values column_row(const table_def& t, const column_def& c) {
  row_values r;
  r["keyspace_name"] = text(t.keyspace);
  r["table_name"] = text(t.name);
  r["column_name"] = text(c.name);
  r["clustering_order"] = text(c.kind != column_kind::clustering ? "none"
                               : c.descending                    ? "desc"
                                                                 : "asc");
  r["column_name_bytes"] = cql_value{protocol::bytes(c.name.begin(), c.name.end())};
  r["kind"] = text(kind_name(c.kind));
  r["position"] = integer(c.position);
  r["type"] = text(c.cql_type);
  return r;
}

struct row_builder {
  const catalog& cat;
  const table_def& table;
  const topology& topo;
  std::size_t self;
  std::vector<std::vector<cql_value>> rows;

  void emit(row_values values) { rows.push_back(project(table, std::move(values))); }

  std::int32_t port_of(std::size_t i) const { return storage_port + static_cast<std::int32_t>(i); }

  void local() {
    if (self >= topo.nodes.size()) return;
    const node_info& n = topo.nodes[self];
    row_values r;
    r["key"] = text("local");
    r["bootstrapped"] = text("COMPLETED");
    r["broadcast_address"] = inet_of(n.address);
    r["broadcast_port"] = integer(port_of(self));
    r["cluster_name"] = text(topo.cluster_name);
    r["cql_version"] = text(cql_version);
    r["data_center"] = text(n.datacenter);
    r["gossip_generation"] = integer(gossip_generation);
    r["host_id"] = cql_value{n.host_id};
    r["listen_address"] = inet_of(n.address);
    r["listen_port"] = integer(port_of(self));
    r["native_protocol_version"] = text(native_protocol_version);
    r["partitioner"] = text(partitioner);
    r["rack"] = text(n.rack);
    r["release_version"] = text(topo.release_version);
    r["rpc_address"] = inet_of(n.address);
    r["rpc_port"] = integer(n.port);
    r["schema_version"] = cql_value{cat.schema_version()};
    r["tokens"] = tokens_of(n);
    emit(std::move(r));
  }

  void peers(bool v2) {
    for (std::size_t i = 0; i < topo.nodes.size(); ++i) {
      if (i == self) continue;
      const node_info& n = topo.nodes[i];
      row_values r;
      r["peer"] = inet_of(n.address);
      r["data_center"] = text(n.datacenter);
      r["host_id"] = cql_value{n.host_id};
      r["rack"] = text(n.rack);
      r["release_version"] = text(topo.release_version);
      r["schema_version"] = cql_value{cat.schema_version()};
      r["tokens"] = tokens_of(n);
      if (v2) {
        r["peer_port"] = integer(port_of(i));
        r["native_address"] = inet_of(n.address);
        r["native_port"] = integer(n.port);
      } else {
        r["rpc_address"] = inet_of(n.address);
      }
      emit(std::move(r));
    }
  }

  void schema_keyspaces() {
    for (const auto& [name, ks] : cat.keyspaces()) {
      if (detail::is_virtual_keyspace(name)) continue;
      std::vector<std::pair<std::string, std::string>> sorted = ks.replication;
      std::sort(sorted.begin(), sorted.end());
      protocol::cql_map replication;
      for (const auto& [k, v] : sorted)
        replication.push_back({text(k), text(v)});
      emit({{"keyspace_name", text(name)},
            {"durable_writes", cql_value{ks.durable_writes}},
            {"replication", cql_value{std::move(replication)}}});
    }
  }

  void schema_tables() {
    for (const auto& [ks_name, ks] : cat.keyspaces()) {
      if (detail::is_virtual_keyspace(ks_name)) continue;
      for (const auto& [name, t] : ks.tables) {
        row_values r = t->options;
        r["keyspace_name"] = text(ks_name);
        r["table_name"] = text(name);
        r["id"] = cql_value{t->id};
        protocol::cql_list flags{text("compound")};
        if (t->is_counter) flags.push_back(text("counter"));
        r["flags"] = cql_value{std::move(flags)};
        emit(std::move(r));
      }
    }
  }

  void schema_columns(bool virtual_keyspaces) {
    for (const auto& [ks_name, ks] : cat.keyspaces()) {
      if (detail::is_virtual_keyspace(ks_name) != virtual_keyspaces) continue;
      for (const auto& [name, t] : ks.tables) {
        for (const auto& c : t->columns)
          emit(column_row(*t, c));
      }
    }
  }

  void schema_types() {
    for (const auto& [ks_name, ks] : cat.keyspaces()) {
      for (const auto& [name, type] : ks.types) {
        emit({{"keyspace_name", text(ks_name)},
              {"type_name", text(name)},
              {"field_names", text_list(type->field_names)},
              {"field_types", text_list(type->field_cql_types)}});
      }
    }
  }

  void virtual_keyspaces() {
    for (const auto& [name, ks] : cat.keyspaces()) {
      if (detail::is_virtual_keyspace(name)) emit({{"keyspace_name", text(name)}});
    }
  }

  void virtual_tables() {
    for (const auto& [ks_name, ks] : cat.keyspaces()) {
      if (!detail::is_virtual_keyspace(ks_name)) continue;
      for (const auto& [name, t] : ks.tables) {
        auto comment = t->options.find("comment");
        emit({{"keyspace_name", text(ks_name)},
              {"table_name", text(name)},
              {"comment", comment == t->options.end() ? text("") : comment->second}});
      }
    }
  }
};

}  // namespace

std::vector<std::vector<protocol::cql_value>> catalog::system_rows(const table_def& table,
                                                                   const topology& topo,
                                                                   std::size_t self) const {
  row_builder b{*this, table, topo, self, {}};
  const std::string& ks = table.keyspace;
  const std::string& name = table.name;
  if (ks == "system") {
    if (name == "local") b.local();
    if (name == "peers") b.peers(false);
    if (name == "peers_v2") b.peers(true);
  } else if (ks == "system_schema") {
    if (name == "keyspaces") b.schema_keyspaces();
    if (name == "tables") b.schema_tables();
    if (name == "columns") b.schema_columns(false);
    if (name == "types") b.schema_types();
  } else if (ks == "system_virtual_schema") {
    if (name == "keyspaces") b.virtual_keyspaces();
    if (name == "tables") b.virtual_tables();
    if (name == "columns") b.schema_columns(true);
  }
  return std::move(b.rows);
}

}  // namespace cqlshift::sim
