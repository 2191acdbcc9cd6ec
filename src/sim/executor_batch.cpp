#include "executor_batch.hpp"

#include "executor_lwt.hpp"
#include "executor_modify.hpp"

#include <utility>

namespace cqlshift::sim::exec {

sim_result<execution_result> execute_batch_items(request& rq, protocol::batch_type type,
                                                 const std::vector<batch_item>& items,
                                                 const using_clause* batch_using) {
  const bool batch_timestamp_set = batch_using != nullptr && batch_using->timestamp;
  if (batch_using != nullptr && batch_using->ttl) {
    return invalid_request("Global TTL on the BATCH statement is not supported.");
  }

  std::vector<modification_plan> plans;
  plans.reserve(items.size());
  bool has_counters = false;
  bool has_non_counters = false;
  bool has_conditions = false;
  for (const auto& item : items) {
    auto plan = compile_modification(rq.eng.cat, item.stmt, item.keyspace, nullptr);
    if (!plan) return plan.error();
    if (batch_timestamp_set && plan->using_ != nullptr && plan->using_->timestamp) {
      return invalid_request("Timestamp must be set either on BATCH or individual statements");
    }
    (plan->is_counter() ? has_counters : has_non_counters) = true;
    has_conditions = has_conditions || plan->has_conditions();
    plans.push_back(std::move(*plan));
  }
  if (batch_timestamp_set && has_conditions) {
    return invalid_request("Cannot provide custom timestamp for conditional BATCH");
  }
  if (batch_timestamp_set && type == protocol::batch_type::counter) {
    return invalid_request("Cannot provide custom timestamp for counter BATCH");
  }
  if (type == protocol::batch_type::counter && has_non_counters) {
    return invalid_request("Cannot include non-counter statement in a counter batch");
  }
  if (has_counters && has_non_counters) {
    return invalid_request("Counter and non-counter mutations cannot exist in the same batch");
  }
  if (type == protocol::batch_type::logged && has_counters) {
    return invalid_request("Cannot include a counter statement in a logged batch");
  }

  timestamp_choice choice;
  if (has_conditions) {
    choice.server = true;
  } else {
    std::optional<std::int64_t> ts;
    if (batch_timestamp_set) {
      auto v = evaluate_integer(rq, *batch_using->timestamp, protocol::type_id::bigint,
                                "[timestamp]", "Invalid null value of timestamp");
      if (!v) return v.error();
      ts = *v;
    }
    if (!ts) ts = rq.opts.default_timestamp;
    if (!ts) ts = rq.eng.next_timestamp(rq.now_micros);
    choice.batch = ts;
  }

  std::vector<mutation> mutations;
  mutations.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    request item_rq{rq.eng, rq.opts, rq.session, items[i].keyspace, items[i].values,
                    rq.now_micros, rq.now_seconds};
    auto m = evaluate_mutation(item_rq, plans[i], choice);
    if (!m) return m.error();
    mutations.push_back(std::move(*m));
  }

  if (!has_conditions) {
    for (const auto& m : mutations) apply_mutation(rq.eng, m, rq.now_seconds);
    return execution_result{protocol::void_result{}};
  }

  const auto& first_table = plans.front().table;
  std::vector<const mutation*> refs;
  for (const auto& m : mutations) {
    if (m.plan->table->id != first_table->id) {
      return invalid_request("Batch with conditions cannot span multiple tables");
    }
    if (m.keys.size() != 1) {
      return invalid_request("IN on the partition key is not supported with conditional updates");
    }
    if (!(m.keys.front().pos == mutations.front().keys.front().pos)) {
      return invalid_request("Batch with conditions cannot span multiple partitions");
    }
    refs.push_back(&m);
  }
  auto cas = check_conditions(rq, refs, true);
  if (!cas) return cas.error();
  if (cas->applied) {
    for (const auto& m : mutations) apply_mutation(rq.eng, m, rq.now_seconds);
  }
  return execution_result{std::move(cas->result)};
}

}  // namespace cqlshift::sim::exec
