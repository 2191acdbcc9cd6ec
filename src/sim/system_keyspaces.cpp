// The system keyspaces of Cassandra 4.1 and the tables drivers read, with their real column
// names and types (SystemKeyspace, SchemaKeyspace, VirtualSchemaKeyspace, AuthKeyspace,
// TraceKeyspace). Their rows come from catalog::system_rows.

#include "catalog_detail.hpp"

#include "cqlshift/protocol/timeuuid.hpp"

#include <initializer_list>
#include <utility>

namespace cqlshift::sim::detail {

namespace {

constexpr std::string_view local_strategy = "org.apache.cassandra.locator.LocalStrategy";
constexpr std::string_view simple_strategy = "org.apache.cassandra.locator.SimpleStrategy";

// Reads the few type spellings used below ("text", "frozen<map<text, text>>", "set<text>").
// Definitions are fixed, so a spelling it cannot read is a programming error caught by tests.
type_expr parse_type(std::string_view& s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  std::size_t n = 0;
  while (n < s.size() && s[n] != '<' && s[n] != '>' && s[n] != ',')
    ++n;
  type_expr t;
  t.name = std::string(s.substr(0, n));
  s.remove_prefix(n);
  if (!s.empty() && s.front() == '<') {
    s.remove_prefix(1);
    std::vector<type_expr> params;
    while (true) {
      params.push_back(parse_type(s));
      if (!s.empty() && s.front() == ',') {
        s.remove_prefix(1);
        continue;
      }
      break;
    }
    if (!s.empty() && s.front() == '>') s.remove_prefix(1);
    if (t.name == "frozen" && params.size() == 1) {
      t = std::move(params.front());
      t.frozen = true;
    } else {
      t.params = std::move(params);
    }
  }
  return t;
}

struct column_spec {
  std::string_view name;
  std::string_view type;
  char kind;  // 'p' partition key, 'c' clustering, 'r' regular, 's' static
};

std::shared_ptr<const table_def> make_table(std::string_view keyspace, std::string_view name,
                                            std::string_view comment,
                                            std::initializer_list<column_spec> specs) {
  auto table = std::make_shared<table_def>();
  table->keyspace = std::string(keyspace);
  table->name = std::string(name);
  // TableId.forSystemTable: the name-based UUID of the keyspace and table names.
  table->id = protocol::name_based_uuid(table->keyspace + table->name);
  table->is_virtual = true;
  table->options = default_table_options();
  table->options["comment"] = protocol::cql_value{std::string(comment)};
  int pk = 0;
  int ck = 0;
  for (const auto& spec : specs) {
    std::string_view text = spec.type;
    auto resolved = resolve_type(parse_type(text), keyspace, nullptr);
    column_def c;
    c.name = std::string(spec.name);
    if (resolved) {
      c.type = resolved->resolved.type;
      c.cql_type = resolved->resolved.cql_type;
      c.multi_cell = resolved->resolved.multi_cell;
    }
    switch (spec.kind) {
      case 'p':
        c.kind = column_kind::partition_key;
        c.position = pk++;
        break;
      case 'c':
        c.kind = column_kind::clustering;
        c.position = ck++;
        break;
      case 's':
        c.kind = column_kind::static_;
        break;
      default:
        c.kind = column_kind::regular;
        break;
    }
    table->columns.push_back(std::move(c));
  }
  order_columns(*table);
  return table;
}

keyspace_def make_keyspace(std::string_view name, std::string_view strategy,
                           std::string_view replication_factor) {
  keyspace_def ks;
  ks.name = std::string(name);
  ks.is_system = true;
  ks.replication.emplace_back("class", std::string(strategy));
  if (!replication_factor.empty()) {
    ks.replication.emplace_back("replication_factor", std::string(replication_factor));
  }
  return ks;
}

void add(keyspace_def& ks, std::shared_ptr<const table_def> table) {
  ks.tables[table->name] = std::move(table);
}

keyspace_def system_keyspace() {
  constexpr std::string_view k = "system";
  keyspace_def ks = make_keyspace(k, local_strategy, "");
  add(ks, make_table(k, "local", "information about the local node",
                     {{"key", "text", 'p'},
                      {"bootstrapped", "text", 'r'},
                      {"broadcast_address", "inet", 'r'},
                      {"broadcast_port", "int", 'r'},
                      {"cluster_name", "text", 'r'},
                      {"cql_version", "text", 'r'},
                      {"data_center", "text", 'r'},
                      {"gossip_generation", "int", 'r'},
                      {"host_id", "uuid", 'r'},
                      {"listen_address", "inet", 'r'},
                      {"listen_port", "int", 'r'},
                      {"native_protocol_version", "text", 'r'},
                      {"partitioner", "text", 'r'},
                      {"rack", "text", 'r'},
                      {"release_version", "text", 'r'},
                      {"rpc_address", "inet", 'r'},
                      {"rpc_port", "int", 'r'},
                      {"schema_version", "uuid", 'r'},
                      {"tokens", "set<text>", 'r'},
                      {"truncated_at", "map<uuid, blob>", 'r'}}));
  add(ks, make_table(k, "peers", "information about known peers in the cluster",
                     {{"peer", "inet", 'p'},
                      {"data_center", "text", 'r'},
                      {"host_id", "uuid", 'r'},
                      {"preferred_ip", "inet", 'r'},
                      {"rack", "text", 'r'},
                      {"release_version", "text", 'r'},
                      {"rpc_address", "inet", 'r'},
                      {"schema_version", "uuid", 'r'},
                      {"tokens", "set<text>", 'r'}}));
  add(ks, make_table(k, "peers_v2", "information about known peers in the cluster",
                     {{"peer", "inet", 'p'},
                      {"peer_port", "int", 'c'},
                      {"data_center", "text", 'r'},
                      {"host_id", "uuid", 'r'},
                      {"preferred_ip", "inet", 'r'},
                      {"preferred_port", "int", 'r'},
                      {"rack", "text", 'r'},
                      {"release_version", "text", 'r'},
                      {"native_address", "inet", 'r'},
                      {"native_port", "int", 'r'},
                      {"schema_version", "uuid", 'r'},
                      {"tokens", "set<text>", 'r'}}));
  return ks;
}

keyspace_def schema_keyspace() {
  constexpr std::string_view k = "system_schema";
  keyspace_def ks = make_keyspace(k, local_strategy, "");
  add(ks, make_table(k, "keyspaces", "keyspace definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"durable_writes", "boolean", 'r'},
                      {"replication", "frozen<map<text, text>>", 'r'}}));
  add(ks, make_table(k, "tables", "table definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"table_name", "text", 'c'},
                      {"additional_write_policy", "text", 'r'},
                      {"bloom_filter_fp_chance", "double", 'r'},
                      {"caching", "frozen<map<text, text>>", 'r'},
                      {"cdc", "boolean", 'r'},
                      {"comment", "text", 'r'},
                      {"compaction", "frozen<map<text, text>>", 'r'},
                      {"compression", "frozen<map<text, text>>", 'r'},
                      {"crc_check_chance", "double", 'r'},
                      {"dclocal_read_repair_chance", "double", 'r'},
                      {"default_time_to_live", "int", 'r'},
                      {"extensions", "frozen<map<text, blob>>", 'r'},
                      {"flags", "frozen<set<text>>", 'r'},
                      {"gc_grace_seconds", "int", 'r'},
                      {"id", "uuid", 'r'},
                      {"max_index_interval", "int", 'r'},
                      {"memtable", "text", 'r'},
                      {"memtable_flush_period_in_ms", "int", 'r'},
                      {"min_index_interval", "int", 'r'},
                      {"read_repair", "text", 'r'},
                      {"read_repair_chance", "double", 'r'},
                      {"speculative_retry", "text", 'r'}}));
  add(ks, make_table(k, "columns", "column definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"table_name", "text", 'c'},
                      {"column_name", "text", 'c'},
                      {"clustering_order", "text", 'r'},
                      {"column_name_bytes", "blob", 'r'},
                      {"kind", "text", 'r'},
                      {"position", "int", 'r'},
                      {"type", "text", 'r'}}));
  add(ks, make_table(k, "dropped_columns", "dropped column registry",
                     {{"keyspace_name", "text", 'p'},
                      {"table_name", "text", 'c'},
                      {"column_name", "text", 'c'},
                      {"dropped_time", "timestamp", 'r'},
                      {"kind", "text", 'r'},
                      {"type", "text", 'r'}}));
  add(ks, make_table(k, "triggers", "trigger definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"table_name", "text", 'c'},
                      {"trigger_name", "text", 'c'},
                      {"options", "frozen<map<text, text>>", 'r'}}));
  add(ks, make_table(k, "views", "view definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"view_name", "text", 'c'},
                      {"additional_write_policy", "text", 'r'},
                      {"base_table_id", "uuid", 'r'},
                      {"base_table_name", "text", 'r'},
                      {"bloom_filter_fp_chance", "double", 'r'},
                      {"caching", "frozen<map<text, text>>", 'r'},
                      {"cdc", "boolean", 'r'},
                      {"comment", "text", 'r'},
                      {"compaction", "frozen<map<text, text>>", 'r'},
                      {"compression", "frozen<map<text, text>>", 'r'},
                      {"crc_check_chance", "double", 'r'},
                      {"dclocal_read_repair_chance", "double", 'r'},
                      {"default_time_to_live", "int", 'r'},
                      {"extensions", "frozen<map<text, blob>>", 'r'},
                      {"gc_grace_seconds", "int", 'r'},
                      {"id", "uuid", 'r'},
                      {"include_all_columns", "boolean", 'r'},
                      {"max_index_interval", "int", 'r'},
                      {"memtable", "text", 'r'},
                      {"memtable_flush_period_in_ms", "int", 'r'},
                      {"min_index_interval", "int", 'r'},
                      {"read_repair", "text", 'r'},
                      {"read_repair_chance", "double", 'r'},
                      {"speculative_retry", "text", 'r'},
                      {"where_clause", "text", 'r'}}));
  add(ks, make_table(k, "types", "user defined type definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"type_name", "text", 'c'},
                      {"field_names", "frozen<list<text>>", 'r'},
                      {"field_types", "frozen<list<text>>", 'r'}}));
  add(ks, make_table(k, "functions", "user defined function definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"function_name", "text", 'c'},
                      {"argument_types", "frozen<list<text>>", 'c'},
                      {"argument_names", "frozen<list<text>>", 'r'},
                      {"body", "text", 'r'},
                      {"called_on_null_input", "boolean", 'r'},
                      {"language", "text", 'r'},
                      {"return_type", "text", 'r'}}));
  add(ks, make_table(k, "aggregates", "user defined aggregate definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"aggregate_name", "text", 'c'},
                      {"argument_types", "frozen<list<text>>", 'c'},
                      {"final_func", "text", 'r'},
                      {"initcond", "text", 'r'},
                      {"return_type", "text", 'r'},
                      {"state_func", "text", 'r'},
                      {"state_type", "text", 'r'}}));
  add(ks, make_table(k, "indexes", "secondary index definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"table_name", "text", 'c'},
                      {"index_name", "text", 'c'},
                      {"kind", "text", 'r'},
                      {"options", "frozen<map<text, text>>", 'r'}}));
  return ks;
}

keyspace_def virtual_schema_keyspace() {
  constexpr std::string_view k = "system_virtual_schema";
  keyspace_def ks = make_keyspace(k, local_strategy, "");
  add(ks,
      make_table(k, "keyspaces", "virtual keyspace definitions", {{"keyspace_name", "text", 'p'}}));
  add(ks,
      make_table(
          k, "tables", "virtual table definitions",
          {{"keyspace_name", "text", 'p'}, {"table_name", "text", 'c'}, {"comment", "text", 'r'}}));
  add(ks, make_table(k, "columns", "virtual column definitions",
                     {{"keyspace_name", "text", 'p'},
                      {"table_name", "text", 'c'},
                      {"column_name", "text", 'c'},
                      {"clustering_order", "text", 'r'},
                      {"column_name_bytes", "blob", 'r'},
                      {"kind", "text", 'r'},
                      {"position", "int", 'r'},
                      {"type", "text", 'r'}}));
  return ks;
}

keyspace_def auth_keyspace() {
  constexpr std::string_view k = "system_auth";
  keyspace_def ks = make_keyspace(k, simple_strategy, "1");
  add(ks, make_table(k, "roles", "role definitions",
                     {{"role", "text", 'p'},
                      {"can_login", "boolean", 'r'},
                      {"is_superuser", "boolean", 'r'},
                      {"member_of", "set<text>", 'r'},
                      {"salted_hash", "text", 'r'}}));
  return ks;
}

keyspace_def traces_keyspace() {
  constexpr std::string_view k = "system_traces";
  keyspace_def ks = make_keyspace(k, simple_strategy, "2");
  add(ks, make_table(k, "sessions", "tracing sessions",
                     {{"session_id", "uuid", 'p'},
                      {"client", "inet", 'r'},
                      {"command", "text", 'r'},
                      {"coordinator", "inet", 'r'},
                      {"coordinator_port", "int", 'r'},
                      {"duration", "int", 'r'},
                      {"parameters", "map<text, text>", 'r'},
                      {"request", "text", 'r'},
                      {"started_at", "timestamp", 'r'}}));
  add(ks, make_table(k, "events", "tracing events",
                     {{"session_id", "uuid", 'p'},
                      {"event_id", "timeuuid", 'c'},
                      {"activity", "text", 'r'},
                      {"source", "inet", 'r'},
                      {"source_elapsed", "int", 'r'},
                      {"source_port", "int", 'r'},
                      {"thread", "text", 'r'}}));
  return ks;
}

}  // namespace

std::map<std::string, keyspace_def> make_system_keyspaces() {
  std::map<std::string, keyspace_def> out;
  for (keyspace_def ks :
       {system_keyspace(), schema_keyspace(), virtual_schema_keyspace(), auth_keyspace(),
        traces_keyspace(), make_keyspace("system_distributed", simple_strategy, "3"),
        make_keyspace("system_views", local_strategy, "")}) {
    std::string name = ks.name;
    out.emplace(std::move(name), std::move(ks));
  }
  return out;
}

}  // namespace cqlshift::sim::detail
