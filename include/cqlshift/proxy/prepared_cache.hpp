#pragma once
// The prepared-statement map of SPEC.md section 5: from the id the client sees (Origin's) to
// what the proxy needs to forward an EXECUTE or a BATCH child: Target's ids, the statement's
// routing facts and the now() markers the proxy added (section 6). Bounded: at
// `prepared_cache_max_entries` the least recently used entry is evicted, and an EXECUTE of an
// evicted id is answered with UNPREPARED so that the driver prepares it again.
//
// Shared by every session of the process (one lock; entries are immutable and handed out as
// shared pointers, so a lookup copies no strings).

#include "cqlshift/cql/statement.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cqlshift::proxy {

// A marker the proxy put in place of a now() call: where its value goes in an EXECUTE.
struct now_marker {
  std::size_t bind_index = 0;
  std::string name;  // its name in the bind metadata, for EXECUTEs that send named values
  bool operator==(const now_marker&) const = default;
};

struct prepared_entry {
  protocol::bytes target_id;
  std::optional<protocol::bytes> target_result_metadata_id;  // v5 and DSE_V2
  cql::statement_info statement;
  std::string query;                    // as the client wrote it
  std::vector<now_marker> now_markers;  // ascending bind_index; empty: nothing to fill
  bool virtual_table = false;           // answered by the proxy (system.local / system.peers)
  // For shadow-read reports (SPEC 11), from the primary's PREPARED: the bind markers of the
  // partition key (index among the values the client binds, and its spec), and the result
  // columns, whose names an EXECUTE with skip_metadata does not get back.
  std::vector<std::pair<std::uint16_t, protocol::column_spec>> partition_key;
  std::vector<protocol::column_spec> result_columns;
};

class prepared_cache {
 public:
  explicit prepared_cache(std::size_t max_entries)
      : max_entries_(max_entries < 1 ? 1 : max_entries) {}

  // Inserts or replaces the entry for client_id, making it the most recently used; evicts
  // the least recently used entry when full.
  void put(const protocol::bytes& client_id, std::shared_ptr<const prepared_entry> e);
  // The entry, now the most recently used; null when unknown or evicted.
  std::shared_ptr<const prepared_entry> find(const protocol::bytes& client_id);

  std::size_t size() const;
  std::size_t max_entries() const noexcept { return max_entries_; }
  std::uint64_t evictions() const;

 private:
  using order = std::list<std::pair<std::string, std::shared_ptr<const prepared_entry>>>;

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  order lru_;  // most recently used first
  std::unordered_map<std::string, order::iterator> index_;
  std::uint64_t evictions_ = 0;
};

}  // namespace cqlshift::proxy
