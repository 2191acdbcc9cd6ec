#pragma once
// Runs the CQL requests (QUERY, PREPARE, EXECUTE, BATCH) of a connection against the database
// and the prepared statement cache. No I/O: the connection decodes, asks for faults and
// encodes; this decides what a request means.
//
// A request goes through two steps so the fault registry can see it in between: plan()
// parses it and resolves prepared ids (what the request log and fault rules need), run()
// executes it, possibly later (a delay fault) and at most once.

#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/error.hpp"
#include "server/prepared_cache.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cqlshift::sim {

struct planned_request {
  protocol::request message;
  // For the request log and fault rules.
  std::string statement;  // CQL text; EXECUTE: the prepared text; BATCH: texts joined by "; "
  std::string keyspace;   // the statement's keyspace, explicit or the session's
  std::string table;
  std::optional<protocol::consistency> consistency;
  // Answered instead of running: a QUERY/PREPARE that does not parse, an unknown prepared id.
  std::optional<cql_error> error;
  std::shared_ptr<const parsed_statement> parsed;  // QUERY
  std::shared_ptr<const prepared_entry> prepared;  // EXECUTE
  std::vector<batch_entry> batch;                  // BATCH
};

struct run_outcome {
  protocol::response response;
  // A schema change every REGISTERed connection hears about.
  std::optional<protocol::schema_change> change;
};

class request_processor {
 public:
  request_processor(database& db, prepared_cache& cache, std::string prepared_id_salt)
      : db_(db), cache_(cache), salt_(std::move(prepared_id_salt)) {}

  // Any request; only QUERY, PREPARE, EXECUTE and BATCH are analysed.
  planned_request plan(protocol::request message, const session_state& session);

  // Runs a planned QUERY, PREPARE, EXECUTE or BATCH. A USE changes `session`. Errors come
  // back as an error_response.
  run_outcome run(planned_request& request, session_state& session,
                  protocol::protocol_version version);

 private:
  void plan_execute(planned_request& p, const protocol::execute& e);
  void plan_batch(planned_request& p, protocol::batch& b, const session_state& session);
  run_outcome run_prepare(planned_request& p, const protocol::prepare& message,
                          const session_state& session, protocol::protocol_version version);
  run_outcome run_execute(planned_request& p, protocol::execute& message, session_state& session,
                          protocol::protocol_version version);
  // Prepares again after a schema change; nullptr when the statement no longer prepares or
  // now means something else (then the id is forgotten and the client prepares again).
  std::shared_ptr<const prepared_entry> revalidate(std::shared_ptr<const prepared_entry> entry,
                                                   std::size_t node);

  database& db_;
  prepared_cache& cache_;
  std::string salt_;
};

protocol::error_response to_error_response(const cql_error& e);

// Cassandra's PreparedQueryNotFoundException.
cql_error unprepared_error(protocol::byte_view id);

}  // namespace cqlshift::sim
