#pragma once
// The prepared statements of one cqlsim process, shared by all its nodes and connections
// (Cassandra keeps them per node; a driver prepares on every node it uses, which here lands in
// the same entry). Ids are computed as Cassandra's QueryProcessor.computeId does, md5 of the
// keyspace and the query text, with an optional salt in front.

#include "cqlshift/protocol/md5.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"
#include "cqlshift/sim/database.hpp"

#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cqlshift::sim {

struct prepared_entry {
  prepared_statement statement;
  protocol::bytes id;
  protocol::bytes result_metadata_id;  // v5: md5 of the result columns
  protocol::uuid schema_version{};     // the catalog's version when this was prepared
  std::string keyspace;                // the statement's target, for the request log
  std::string table;
};

// md5(salt + keyspace + query), keyspace empty when the statement was prepared without one.
protocol::bytes compute_prepared_id(std::string_view salt, std::string_view keyspace,
                                    std::string_view query);
// md5 over the result columns' names and types: equal metadata, equal id (v5 uses it to
// tell a client its cached metadata is stale).
protocol::bytes compute_result_metadata_id(const protocol::rows_metadata& metadata);

class prepared_cache {
 public:
  // A bound so a client preparing endless distinct texts cannot grow the process without
  // limit (Cassandra's cache is bounded too); past it, some entry is evicted and its id
  // answers UNPREPARED, which drivers handle by preparing again.
  static constexpr std::size_t max_entries = 100000;

  // Adds or replaces the entry of its id.
  std::shared_ptr<const prepared_entry> store(prepared_entry entry);
  // nullptr for an unknown id (every id this cache hands out is 16 bytes).
  std::shared_ptr<const prepared_entry> find(protocol::byte_view id) const;
  void erase(protocol::byte_view id);
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  using key = protocol::md5_digest;
  struct key_hash {
    // An md5 is uniformly distributed: any 8 of its bytes are a good hash.
    std::size_t operator()(const key& k) const noexcept {
      std::size_t h = 0;
      std::memcpy(&h, k.data(), sizeof h);
      return h;
    }
  };
  static std::optional<key> key_of(protocol::byte_view id) noexcept;

  std::unordered_map<key, std::shared_ptr<const prepared_entry>, key_hash> entries_;
};

}  // namespace cqlshift::sim
