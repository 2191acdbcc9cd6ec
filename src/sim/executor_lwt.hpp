#pragma once
// Lightweight transactions: IF NOT EXISTS / IF EXISTS / IF conditions checked against the
// current row (all statements of a conditional batch on one partition), and the result set
// Cassandra answers with (ModificationStatement.buildCasResultSet): "[applied]", and when not
// applied the current values of the wildcard (IF [NOT] EXISTS) or of the condition columns
// (preceded by the primary key in a batch).

#include "executor.hpp"
#include "executor_modify.hpp"

#include <vector>

namespace cqlshift::sim::exec {

struct cas_outcome {
  bool applied = false;
  protocol::rows_result result;
};

// All mutations must be on one table and one partition (callers check and report).
sim_result<cas_outcome> check_conditions(request& rq, const std::vector<const mutation*>& ms,
                                         bool is_batch);

// A single conditional INSERT/UPDATE/DELETE: checks, applies when the conditions hold, and
// answers with the CAS result set.
sim_result<protocol::rows_result> execute_conditional(request& rq, const modification_plan& plan);

}  // namespace cqlshift::sim::exec
