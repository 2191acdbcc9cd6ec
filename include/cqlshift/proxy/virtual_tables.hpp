#pragma once
// The proxy's own system.local and system.peers (SPEC 7): drivers discover the cluster from
// them, so the proxy answers with its instances instead of the real nodes. Pure functions of
// the statement text, the proxy topology and the real cluster's system.local row.
//
// Supported: SELECT with `*`, column names (repeats allowed), `col AS alias`, count(*) /
// count(1); WHERE col = term [AND ...] where a term is a literal or a `?` / `:name` marker;
// LIMIT n or LIMIT ?; ALLOW FILTERING; a trailing ';'. Anything else (DISTINCT, JSON, other
// functions, IN, ranges, ORDER BY) is an INVALID error naming it: these tables are read by
// drivers, which use none of it.

#include "cqlshift/proxy/topology.hpp"

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/results.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cqlshift::proxy {

// The real cluster's system.local row (read by the system_queries cluster's control
// connection), as sent: columns[k] describes values[k]. Values are in the layout of protocol
// v3 and later (collections with [int] sizes), which is what a control connection speaks.
struct local_row {
  std::vector<protocol::column_spec> columns;
  std::vector<std::optional<protocol::bytes>> values;  // same size as columns
};

// The first row of `system_local` with its column specs; every value null when there is no
// row, no columns when the result was sent without metadata.
local_row local_row_from(const protocol::rows_result& system_local);

namespace cql_error_code {
inline constexpr std::int32_t syntax_error = 0x2000;
inline constexpr std::int32_t invalid = 0x2200;
}  // namespace cql_error_code

// An ERROR the session sends instead of a result.
struct cql_failure {
  std::int32_t code = cql_error_code::invalid;
  std::string message;
  bool operator==(const cql_failure&) const = default;
};

// Answers a SELECT already known to read system.local, system.peers or system.peers_v2 (the
// keyspace may be omitted). system.local: this instance, every column of `real` plus any
// Cassandra 4.1 column it lacks; addresses, host_id, tokens, rack, partitioner and port columns
// are the proxy's, the rest copied. system.peers: one row per other instance, in Cassandra
// 4.1's columns and types, data_center, release_version and schema_version copied from `real`
// (so schema agreement holds). system.peers_v2 is INVALID "unconfigured table peers_v2", which
// makes drivers fall back to system.peers. `values` are the bound values of the markers, in
// order (QUERY or EXECUTE); the session maps unset values to nullopt. Values are encoded for
// `v`. Never throws except std::bad_alloc.
std::variant<protocol::rows_result, cql_failure> answer_select(
    std::string_view cql, const proxy_topology& topo, const local_row& real,
    protocol::protocol_version v, std::span<const std::optional<protocol::bytes>> values = {});

// The PREPARED result for the same statement: bind variables (the column each marker is
// compared with, "[limit]" int for LIMIT ?; the partition key index from v4 on), result columns
// exactly as answer_select returns them, id = MD5 of the text and, where the version has one,
// result_metadata_id = MD5 of the result columns. The session may replace the id with its own.
std::variant<protocol::prepared_result, cql_failure> prepare_select(std::string_view cql,
                                                                    const proxy_topology& topo,
                                                                    const local_row& real,
                                                                    protocol::protocol_version v);

}  // namespace cqlshift::proxy
