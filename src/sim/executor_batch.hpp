#pragma once
// BATCH: LOGGED / UNLOGGED / COUNTER type rules, one timestamp for every statement that does
// not carry its own, all statements evaluated before any is applied, and conditional batches
// (one partition, all or nothing, answered like a single LWT).

#include "executor.hpp"
#include "executor_modify.hpp"

#include <span>
#include <string>
#include <vector>

namespace cqlshift::sim::exec {

struct batch_item {
  modification_ref stmt;
  std::string keyspace;                     // for unqualified names
  std::span<const protocol::value> values;  // this statement's bound values
};

// `batch_using` is the BATCH's own USING clause (BEGIN BATCH USING TIMESTAMP ...), if any;
// its markers bind to rq.values.
sim_result<execution_result> execute_batch_items(request& rq, protocol::batch_type type,
                                                 const std::vector<batch_item>& items,
                                                 const using_clause* batch_using);

}  // namespace cqlshift::sim::exec
