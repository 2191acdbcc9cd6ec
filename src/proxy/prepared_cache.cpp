#include "cqlshift/proxy/prepared_cache.hpp"

namespace cqlshift::proxy {
namespace {

std::string key_of(const protocol::bytes& id) {
  return std::string(id.begin(), id.end());
}

}  // namespace

void prepared_cache::put(const protocol::bytes& client_id,
                         std::shared_ptr<const prepared_entry> e) {
  std::string key = key_of(client_id);
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(e);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  if (lru_.size() >= max_entries_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
    ++evictions_;
  }
  lru_.emplace_front(key, std::move(e));
  index_.emplace(std::move(key), lru_.begin());
}

std::shared_ptr<const prepared_entry> prepared_cache::find(const protocol::bytes& client_id) {
  const std::string key = key_of(client_id);
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

std::size_t prepared_cache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

std::uint64_t prepared_cache::evictions() const {
  std::lock_guard lock(mutex_);
  return evictions_;
}

}  // namespace cqlshift::proxy
