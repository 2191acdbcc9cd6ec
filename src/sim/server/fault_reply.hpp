#pragma once
// The ERROR a fault rule's `error` action answers with: the rule's code and message (a message
// like Cassandra's when the rule gives none) and the extra fields the code carries, filled
// from the request so a driver's retry policy sees a plausible error (the request's
// consistency, replicas required for it, what kind of write timed out).

#include "cqlshift/protocol/error_response.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/sim/faults.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace cqlshift::sim {

struct fault_context {
  protocol::protocol_version version = protocol::protocol_version::v4;
  std::optional<protocol::consistency> consistency;  // none for non-CQL requests
  std::size_t replicas = 1;                          // nodes of the cluster
  protocol::bytes node_address;                      // 4 or 16 bytes
  std::optional<protocol::batch_type> batch;         // set for BATCH requests
  std::string keyspace;
  std::string table;
  protocol::bytes prepared_id;  // EXECUTE; BATCH: its first prepared child
};

protocol::error_response fault_error(const fault& f, const fault_context& c);

}  // namespace cqlshift::sim
