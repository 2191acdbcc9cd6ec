#pragma once
// One cqlsim cluster's data and schema, and the execution of statements against them. The
// server (src/sim/server) decodes requests, calls prepare/execute/execute_batch, and encodes
// what they return; everything a statement means is decided here.
//
// Semantics kept exactly as Cassandra where a migration depends on them: every cell carries
// its write timestamp (the client's, else the request's default_timestamp, else the server
// clock in microseconds) and TTL; last write wins by timestamp per cell (a tie goes to the
// greater value, as Cassandra); deletes are tombstones (partition, row, range, cell) that
// shadow older writes and not newer ones; expired cells vanish; LWT (IF NOT EXISTS / IF
// EXISTS / IF conditions) returns [applied] and the current values; counters; collections
// cell per element; paging with a paging state that resumes exactly after the last row.
//
// Not thread-safe: cqlsim runs every node of a process on one thread.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/results.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/catalog.hpp"
#include "cqlshift/sim/error.hpp"
#include "cqlshift/sim/topology.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cqlshift::sim {

// Per request: what the QUERY/EXECUTE/BATCH parameters say.
struct request_options {
  protocol::protocol_version version = protocol::protocol_version::v4;
  protocol::consistency consistency = protocol::consistency::one;
  std::optional<protocol::consistency> serial_consistency;
  std::vector<protocol::value> values;    // bound values, positional
  std::vector<std::string> value_names;   // QUERY with names for values: parallel to values
  std::optional<std::int32_t> page_size;  // <= 0: no paging
  std::optional<protocol::bytes> paging_state;
  std::optional<std::int64_t> default_timestamp;  // microseconds
  std::optional<std::int32_t> now_in_seconds;     // v5: the request's "now" for TTL checks
  bool skip_metadata = false;
};

// The connection's state the executor reads and the server keeps.
struct session_state {
  std::string keyspace;  // USE; empty: none
  std::size_t node = 0;  // index into the topology: system.local shows this node
};

// A prepared statement: the parsed text, the keyspace it was prepared in, the bind variables'
// metadata (pk_indices from v4) and the result metadata of a SELECT (empty columns otherwise).
struct prepared_statement {
  std::string query;
  std::string keyspace;
  std::shared_ptr<const parsed_statement> parsed;
  protocol::prepared_metadata variables;
  protocol::rows_metadata result_metadata;
};

using execution_result = std::variant<protocol::void_result, protocol::rows_result,
                                      protocol::set_keyspace_result,
                                      protocol::schema_change_result>;

// One statement of a BATCH request: its parsed form (from a QUERY string or a prepared id
// the server resolved) and its own bound values.
struct batch_entry {
  std::shared_ptr<const parsed_statement> parsed;
  std::string keyspace;  // prepared statements: the keyspace they were prepared in
  std::vector<protocol::value> values;
};

class database {
 public:
  // `clock` gives the current time in microseconds since the Unix epoch (tests pass their
  // own to make TTL expiry and default timestamps deterministic); null means the system clock.
  explicit database(topology topo, std::function<std::int64_t()> clock = {});
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  const topology& nodes() const noexcept;
  void set_topology(topology topo);
  const catalog& schema() const noexcept;

  // Parses `cql` and computes its metadata: one column spec per bind marker (named after the
  // column it binds, or "[limit]", "[ttl]", "[timestamp]", "[json]", "partition key" names as
  // Cassandra does), pk_indices when every partition key column is bound by a marker, the
  // result columns of a SELECT. Errors: SyntaxError, InvalidRequest (unknown keyspace, table
  // or column, type mismatch of a literal, ...).
  sim_result<prepared_statement> prepare(std::string_view cql,
                                         const session_state& session) const;

  // Runs a parsed statement (from QUERY after parse(), or a prepared one). `keyspace`
  // overrides the session keyspace for unqualified names (prepared statements keep theirs;
  // v5 QUERY may carry one); empty: the session's.
  sim_result<execution_result> execute(const parsed_statement& stmt, const request_options& opts,
                                       const session_state& session,
                                       std::string_view keyspace = {});

  // Runs a BATCH request: every entry applies with the batch's timestamp (the request's
  // default_timestamp, else USING TIMESTAMP of the batch, else one server time for all).
  // A batch with conditions applies all or nothing and answers like a single LWT (all
  // conditions must be on one partition). COUNTER batches only hold counter updates and
  // LOGGED/UNLOGGED ones none.
  sim_result<execution_result> execute_batch(protocol::batch_type type,
                                             const std::vector<batch_entry>& entries,
                                             const request_options& opts,
                                             const session_state& session);

  // Drops every user keyspace and its data (admin reset).
  void reset();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace cqlshift::sim
