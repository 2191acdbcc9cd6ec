#include "server/request_processor.hpp"

#include "cqlshift/sim/parser.hpp"

#include <type_traits>
#include <utility>

namespace cqlshift::sim {
namespace {

using protocol::protocol_version;

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

std::string hex(protocol::byte_view b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (std::uint8_t c : b) {
    out += digits[c >> 4];
    out += digits[c & 0x0F];
  }
  return out;
}

bool has_conditions(const modification& m) {
  return std::visit(overloaded{
                        [](const insert_stmt& s) { return s.if_not_exists; },
                        [](const update_stmt& s) { return s.if_exists || !s.conditions.empty(); },
                        [](const delete_stmt& s) { return s.if_exists || !s.conditions.empty(); },
                    },
                    m);
}

// A lightweight transaction: its result columns depend on the outcome, so v5 never lets a
// client skip or cache them (CASSANDRA-13992).
bool has_conditions(const statement& s) {
  if (const auto* i = std::get_if<insert_stmt>(&s)) return i->if_not_exists;
  if (const auto* u = std::get_if<update_stmt>(&s)) return has_conditions(modification(*u));
  if (const auto* d = std::get_if<delete_stmt>(&s)) return has_conditions(modification(*d));
  if (const auto* b = std::get_if<batch_stmt>(&s)) {
    for (const modification& m : b->statements)
      if (has_conditions(m)) return true;
  }
  return false;
}

// The keyspace and table a statement targets, the session's keyspace filling in.
void describe_target(const statement& s, std::string_view default_keyspace, std::string& keyspace,
                     std::string& table) {
  if (auto target = target_of(s)) {
    keyspace = target->keyspace.empty() ? std::string(default_keyspace) : target->keyspace;
    table = target->name;
    return;
  }
  if (const auto* b = std::get_if<batch_stmt>(&s); b && !b->statements.empty()) {
    std::visit(
        [&](const auto& m) { describe_target(statement(m), default_keyspace, keyspace, table); },
        b->statements.front());
    return;
  }
  keyspace = std::string(default_keyspace);
  table.clear();
}

request_options options_of(protocol::query_parameters& params, protocol_version version) {
  request_options o;
  o.version = version;
  o.consistency = params.consistency_level;
  o.serial_consistency = params.serial_consistency;
  if (params.values) o.values = std::move(*params.values);
  o.value_names = std::move(params.value_names);
  o.page_size = params.page_size;
  o.paging_state = std::move(params.paging_state);
  o.default_timestamp = params.default_timestamp;
  o.now_in_seconds = params.now_in_seconds;
  // skip_metadata is the server's business: it depends on the prepared statement's metadata
  // id (see run_execute), so the executor always returns full metadata.
  o.skip_metadata = false;
  return o;
}

run_outcome error_outcome(const cql_error& e) {
  return {to_error_response(e), std::nullopt};
}

// Turns what the executor returned into the response, applying USE to the session.
run_outcome to_outcome(execution_result&& result, session_state& session) {
  return std::visit(
      [&](auto&& r) -> run_outcome {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, protocol::set_keyspace_result>) {
          session.keyspace = r.keyspace;
          return {std::move(r), std::nullopt};
        } else if constexpr (std::is_same_v<T, protocol::schema_change_result>) {
          protocol::schema_change change = r.change;
          return {std::move(r), std::move(change)};
        } else {
          return {std::move(r), std::nullopt};
        }
      },
      std::move(result));
}

}  // namespace

protocol::error_response to_error_response(const cql_error& e) {
  return {e.code, e.message, e.details};
}

cql_error unprepared_error(protocol::byte_view id) {
  return {protocol::error_code::unprepared,
          "Prepared query with ID " + hex(id) +
              " not found (either the query was not prepared on this host (maybe the host has "
              "been restarted?) or you have prepared too many queries and it has been evicted "
              "from the internal cache)",
          protocol::unprepared_details{protocol::bytes(id.begin(), id.end())}};
}

// DSE continuous paging (DSE_V1/V2 flags) is not simulated: refused rather than answered
// with ordinary pages the client would not expect.
std::optional<cql_error> unsupported_paging(const protocol::query_parameters& params) {
  if (!params.continuous_paging && !params.page_size_in_bytes) return std::nullopt;
  return cql_error{protocol::error_code::invalid,
                   "cqlsim does not support DSE continuous paging or page sizes in bytes",
                   std::monostate{}};
}

planned_request request_processor::plan(protocol::request message, const session_state& session) {
  planned_request p;
  p.message = std::move(message);
  std::visit(overloaded{
                 [&](protocol::query& q) {
                   p.consistency = q.params.consistency_level;
                   const std::string_view ks =
                       q.params.keyspace ? std::string_view(*q.params.keyspace) : session.keyspace;
                   auto parsed = parse(q.query_string);
                   if (parsed) {
                     describe_target(parsed->stmt, ks, p.keyspace, p.table);
                     p.parsed = std::make_shared<const parsed_statement>(std::move(*parsed));
                   } else {
                     p.error = parsed.error();
                     p.keyspace = std::string(ks);
                   }
                   p.statement = std::move(q.query_string);
                   if (!p.error) p.error = unsupported_paging(q.params);
                 },
                 [&](protocol::prepare& q) {
                   const std::string_view ks =
                       q.keyspace ? std::string_view(*q.keyspace) : session.keyspace;
                   auto parsed = parse(q.query_string);
                   if (parsed) {
                     describe_target(parsed->stmt, ks, p.keyspace, p.table);
                   } else {
                     p.error = parsed.error();
                     p.keyspace = std::string(ks);
                   }
                   p.statement = q.query_string;  // run() prepares the text again
                 },
                 [&](protocol::execute& e) {
                   p.consistency = e.params.consistency_level;
                   p.prepared = cache_.find(e.id);
                   if (p.prepared && p.prepared->schema_version != db_.schema().schema_version()) {
                     p.prepared = revalidate(std::move(p.prepared), session.node);
                   }
                   if (!p.prepared) {
                     p.error = unprepared_error(e.id);
                     return;
                   }
                   p.statement = p.prepared->statement.query;
                   p.keyspace = p.prepared->keyspace;
                   p.table = p.prepared->table;
                   p.error = unsupported_paging(e.params);
                 },
                 [&](protocol::batch& b) {
                   p.consistency = b.consistency_level;
                   plan_batch(p, b, session);
                 },
                 [](auto&) {},
             },
             p.message);
  return p;
}

void request_processor::plan_batch(planned_request& p, protocol::batch& b,
                                   const session_state& session) {
  const std::string_view ks = b.keyspace ? std::string_view(*b.keyspace) : session.keyspace;
  p.batch.reserve(b.children.size());
  for (protocol::batch_child& child : b.children) {
    if (!p.statement.empty()) p.statement += "; ";
    batch_entry entry;
    entry.values = std::move(child.values);
    if (child.is_prepared) {
      auto prepared = cache_.find(child.id);
      if (prepared && prepared->schema_version != db_.schema().schema_version()) {
        prepared = revalidate(std::move(prepared), session.node);
      }
      if (!prepared) {
        if (!p.error) p.error = unprepared_error(child.id);
        continue;
      }
      p.statement += prepared->statement.query;
      if (p.batch.empty() && p.table.empty()) {
        p.keyspace = prepared->keyspace;
        p.table = prepared->table;
      }
      entry.parsed = prepared->statement.parsed;
      entry.keyspace = prepared->statement.keyspace;
    } else {
      p.statement += child.query_string;
      auto parsed = parse(child.query_string);
      if (!parsed) {
        if (!p.error) p.error = parsed.error();
        continue;
      }
      if (p.batch.empty() && p.table.empty()) {
        describe_target(parsed->stmt, ks, p.keyspace, p.table);
      }
      entry.parsed = std::make_shared<const parsed_statement>(std::move(*parsed));
      if (b.keyspace) entry.keyspace = *b.keyspace;
    }
    p.batch.push_back(std::move(entry));
  }
  if (p.table.empty()) p.keyspace = std::string(ks);
}

std::shared_ptr<const prepared_entry> request_processor::revalidate(
    std::shared_ptr<const prepared_entry> entry, std::size_t node) {
  session_state session;
  session.keyspace = entry->statement.keyspace;
  session.node = node;
  auto again = db_.prepare(entry->statement.query, session);
  if (!again || !(again->variables == entry->statement.variables) ||
      !(again->result_metadata.columns == entry->statement.result_metadata.columns)) {
    cache_.erase(entry->id);
    return nullptr;
  }
  prepared_entry refreshed = *entry;
  refreshed.statement = std::move(*again);
  refreshed.schema_version = db_.schema().schema_version();
  return cache_.store(std::move(refreshed));
}

run_outcome request_processor::run(planned_request& p, session_state& session,
                                   protocol_version version) {
  if (p.error) return error_outcome(*p.error);
  return std::visit(
      overloaded{
          [&](protocol::query& q) -> run_outcome {
            request_options opts = options_of(q.params, version);
            const std::string keyspace = q.params.keyspace.value_or(std::string());
            auto r = db_.execute(*p.parsed, opts, session, keyspace);
            if (!r) return error_outcome(r.error());
            return to_outcome(std::move(*r), session);
          },
          [&](protocol::prepare& q) { return run_prepare(p, q, session, version); },
          [&](protocol::execute& e) { return run_execute(p, e, session, version); },
          [&](protocol::batch& b) -> run_outcome {
            request_options opts;
            opts.version = version;
            opts.consistency = b.consistency_level;
            opts.serial_consistency = b.serial_consistency;
            opts.default_timestamp = b.default_timestamp;
            opts.now_in_seconds = b.now_in_seconds;
            auto r = db_.execute_batch(b.type, p.batch, opts, session);
            if (!r) return error_outcome(r.error());
            return to_outcome(std::move(*r), session);
          },
          [](auto&) -> run_outcome {
            return error_outcome(
                {protocol::error_code::server_error, "cqlsim: not a CQL request", {}});
          },
      },
      p.message);
}

run_outcome request_processor::run_prepare(planned_request& p, const protocol::prepare& message,
                                           const session_state& session, protocol_version version) {
  session_state prepare_session = session;
  if (message.keyspace) prepare_session.keyspace = *message.keyspace;
  auto prepared = db_.prepare(message.query_string, prepare_session);
  if (!prepared) return error_outcome(prepared.error());

  prepared_entry entry;
  entry.id = compute_prepared_id(salt_, prepare_session.keyspace, message.query_string);
  entry.result_metadata_id = compute_result_metadata_id(prepared->result_metadata);
  entry.schema_version = db_.schema().schema_version();
  entry.keyspace = p.keyspace;
  entry.table = p.table;
  entry.statement = std::move(*prepared);
  if (entry.statement.keyspace.empty()) entry.statement.keyspace = prepare_session.keyspace;
  auto stored = cache_.store(std::move(entry));

  protocol::prepared_result result;
  result.id = stored->id;
  if (protocol::has_result_metadata_id(version)) {
    result.result_metadata_id = stored->result_metadata_id;
  }
  result.variables = stored->statement.variables;
  // v3 has no partition key indices on the wire.
  if (!protocol::has_pk_indices(version)) result.variables.pk_indices.clear();
  result.result_metadata = stored->statement.result_metadata;
  return {std::move(result), std::nullopt};
}

run_outcome request_processor::run_execute(planned_request& p, protocol::execute& message,
                                           session_state& session, protocol_version version) {
  const prepared_entry& entry = *p.prepared;
  request_options opts = options_of(message.params, version);
  auto r = db_.execute(*entry.statement.parsed, opts, session, entry.statement.keyspace);
  if (!r) return error_outcome(r.error());

  if (auto* rows = std::get_if<protocol::rows_result>(&*r)) {
    protocol::rows_metadata& m = rows->metadata;
    // Comparing the columns is what comparing metadata ids amounts to, without hashing on
    // every request.
    const bool as_prepared = m.columns == entry.statement.result_metadata.columns;
    bool skip = message.params.skip_metadata && as_prepared;
    if (protocol::has_result_metadata_id(version)) {
      // v5: the client names the metadata it holds; a different one gets the new metadata and
      // its id (Cassandra's ExecuteMessage), except for LWTs, whose columns vary per outcome.
      skip = false;
      if (!has_conditions(entry.statement.parsed->stmt)) {
        const bool client_current =
            as_prepared && message.result_metadata_id == entry.result_metadata_id;
        if (!client_current) {
          m.new_metadata_id =
              as_prepared ? entry.result_metadata_id : compute_result_metadata_id(m);
        } else {
          skip = message.params.skip_metadata;
        }
      }
    }
    if (skip && !m.no_metadata) {
      m.no_metadata = true;
      m.column_count = static_cast<std::int32_t>(m.columns.size());
      m.columns.clear();
    }
  }
  return to_outcome(std::move(*r), session);
}

}  // namespace cqlshift::sim
