#include "server/prepared_cache.hpp"

#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/md5.hpp"

namespace cqlshift::sim {
namespace {

void append(protocol::bytes& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

protocol::bytes digest_of(const protocol::bytes& input) {
  const protocol::md5_digest d = protocol::md5(input);
  return protocol::bytes(d.begin(), d.end());
}

}  // namespace

protocol::bytes compute_prepared_id(std::string_view salt, std::string_view keyspace,
                                    std::string_view query) {
  protocol::bytes input;
  input.reserve(salt.size() + keyspace.size() + query.size());
  append(input, salt);
  append(input, keyspace);
  append(input, query);
  return digest_of(input);
}

protocol::bytes compute_result_metadata_id(const protocol::rows_metadata& metadata) {
  // Names and types as Cassandra's ResultMetadata id covers them; NUL separators keep
  // ("ab", "c") and ("a", "bc") apart.
  protocol::bytes input;
  for (const protocol::column_spec& c : metadata.columns) {
    append(input, c.keyspace);
    input.push_back(0);
    append(input, c.table);
    input.push_back(0);
    append(input, c.name);
    input.push_back(0);
    append(input, protocol::to_cql(c.type));
    input.push_back(0);
  }
  return digest_of(input);
}

std::optional<prepared_cache::key> prepared_cache::key_of(protocol::byte_view id) noexcept {
  key k{};
  if (id.size() != k.size()) return std::nullopt;
  std::memcpy(k.data(), id.data(), k.size());
  return k;
}

std::shared_ptr<const prepared_entry> prepared_cache::store(prepared_entry entry) {
  const key k = key_of(entry.id).value();  // ids come from compute_prepared_id: 16 bytes
  auto stored = std::make_shared<const prepared_entry>(std::move(entry));
  auto it = entries_.find(k);
  if (it != entries_.end()) {
    it->second = stored;
    return stored;
  }
  if (entries_.size() >= max_entries) entries_.erase(entries_.begin());
  entries_.emplace(k, stored);
  return stored;
}

std::shared_ptr<const prepared_entry> prepared_cache::find(protocol::byte_view id) const {
  const auto k = key_of(id);
  if (!k) return nullptr;
  auto it = entries_.find(*k);
  return it == entries_.end() ? nullptr : it->second;
}

void prepared_cache::erase(protocol::byte_view id) {
  if (const auto k = key_of(id)) entries_.erase(*k);
}

}  // namespace cqlshift::sim
