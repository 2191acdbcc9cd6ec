#pragma once
// The paging state cqlsim hands to clients: opaque to them, it names the last row returned
// (partition key and clustering) and what is left of LIMIT and PER PARTITION LIMIT, so the
// next page resumes by key right after that row, whatever was written in between (as
// Cassandra's PagingState does).

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/sim/error.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace cqlshift::sim::exec {

struct paging_state {
  protocol::bytes partition_key;  // serialized (routing) key
  std::optional<std::vector<protocol::bytes>> clustering;  // none: resume at the next partition
  std::int64_t remaining = 0;
  std::int64_t remaining_in_partition = 0;
};

protocol::bytes encode_paging_state(const paging_state& s);
// ProtocolError "Invalid value for the paging state" for anything encode did not produce.
sim_result<paging_state> decode_paging_state(const protocol::bytes& b);

}  // namespace cqlshift::sim::exec
