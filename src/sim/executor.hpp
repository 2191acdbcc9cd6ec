#pragma once
// The executor's shared pieces: the database-wide engine state, the per-request context, the
// bind-marker recorder used by prepare(), and helpers every statement kind uses (table
// resolution, evaluating terms for a receiver, building partition keys).

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"
#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/sim/ast.hpp"
#include "cqlshift/sim/catalog.hpp"
#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/error.hpp"
#include "cqlshift/sim/schema.hpp"
#include "cqlshift/sim/topology.hpp"
#include "cqlshift/sim/values.hpp"
#include "storage.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cqlshift::sim::exec {

struct uuid_hash {
  std::size_t operator()(const protocol::uuid& u) const noexcept;
};

// The state of one database: schema, topology, clock, and the storage of every table.
struct engine {
  engine(topology t, std::function<std::int64_t()> c);

  topology topo;
  catalog cat;
  std::function<std::int64_t()> clock;  // microseconds since the epoch
  std::int64_t last_timestamp = std::numeric_limits<std::int64_t>::min();
  std::uint64_t list_appends = 0;
  std::uint64_t list_prepends = 0;
  protocol::timeuuid_generator timeuuids;
  std::unordered_map<protocol::uuid, std::unique_ptr<store::table_storage>, uuid_hash> tables;

  std::int64_t now_micros() const;
  // A server timestamp for a write: the clock, but strictly greater than every one handed out
  // before (ClientState.getTimestamp), so two writes in one microsecond never tie.
  std::int64_t next_timestamp(std::int64_t now);
  store::table_storage& storage(const table_def& t);
  // A cell path for a list element: appends sort after every earlier element, prepends before.
  protocol::bytes next_list_path(bool prepend);
};

// One statement's execution context.
struct request {
  engine& eng;
  const request_options& opts;
  const session_state& session;
  std::string keyspace;                     // for unqualified names; may be empty
  std::span<const protocol::value> values;  // bound values by marker index
  std::int64_t now_micros = 0;
  std::int32_t now_seconds = 0;

  eval_context eval() const;
  protocol::protocol_version version() const noexcept { return opts.version; }
};

// Records, per bind marker, the column spec of what it binds (prepare's variable metadata).
class binder {
 public:
  explicit binder(const parsed_statement& stmt);
  // Records every marker inside `t` (the term itself, or the elements of a collection, tuple
  // or UDT literal) against `receiver` and what Cassandra derives from it for elements.
  void bind(const term& t, const protocol::column_spec& receiver,
            const column_def* column = nullptr);
  void bind_marker(int index, protocol::column_spec spec, const column_def* column = nullptr);

  std::vector<protocol::column_spec> specs() const;
  // The marker index of each partition key column bound directly by a marker (v4 pk_indices),
  // empty unless every one is.
  std::vector<std::uint16_t> pk_indices(const table_def& table) const;

 private:
  const parsed_statement& stmt_;
  std::vector<protocol::column_spec> specs_;
  std::vector<const column_def*> columns_;
};

// The result of a bound or literal term as the storage needs it.
struct value_ref {
  protocol::cql_value value;
  protocol::bytes bytes;  // v4 wire bytes; empty for null/unset
  bool null = false;
  bool unset = false;
};

// ---- helpers ----

cql_error unauthorized(std::string message);
cql_error protocol_error(std::string message);

// A term as CQL text, for messages quoting the statement ("l = l + [1, 2]").
std::string term_text(const term& t);

// "ks.t", names quoted where CQL needs it.
std::string quote_name(std::string_view name);
std::string table_display_name(const table_def& t);

// The table a statement names, with Cassandra's errors for a missing keyspace/table and for
// no keyspace at all.
sim_result<std::shared_ptr<const table_def>> resolve_table(const catalog& cat,
                                                           const qualified_name& name,
                                                           std::string_view default_keyspace);

// The column or "Undefined column name x in table ks.t".
sim_result<std::size_t> find_column(const table_def& t, std::string_view name);

protocol::column_spec spec_of(const table_def& t, const column_def& c);
protocol::column_spec spec_named(const table_def& t, std::string name, protocol::data_type type);

// Evaluates `t` for a receiver of `type` and encodes it. A bound marker (v3+) keeps the bytes
// the client sent after checking they decode.
sim_result<value_ref> evaluate_term(const request& rq, const term& t,
                                    const protocol::data_type& type,
                                    std::string_view receiver_name);

// The serialized partition key (routing key) of its components and its token.
sim_result<store::partition_position> make_position(std::span<const protocol::bytes> components);

// The bigint/int value of a term (USING TTL/TIMESTAMP, LIMIT); nullopt when unset.
sim_result<std::optional<std::int64_t>> evaluate_integer(const request& rq, const term& t,
                                                         protocol::type_id id,
                                                         std::string_view receiver_name,
                                                         std::string_view null_message);

// Version-specific result bytes: the stored v4 bytes, re-encoded for v2 (collections use
// [short] sizes there).
protocol::bytes for_version(const protocol::data_type& type, const protocol::bytes& v4,
                            protocol::protocol_version version);

bool is_collection(const protocol::data_type& t) noexcept;
bool contains_collection(const protocol::data_type& t) noexcept;

}  // namespace cqlshift::sim::exec
