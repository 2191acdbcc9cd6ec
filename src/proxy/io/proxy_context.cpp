#include "proxy_context.hpp"

namespace cqlshift::proxy {
namespace {

std::string key_of(const protocol::bytes& id) {
  return std::string(id.begin(), id.end());
}

cluster cluster_of(config::cluster_name c) noexcept {
  return c == config::cluster_name::origin ? cluster::origin : cluster::target;
}

}  // namespace

void prepared_map::put(const protocol::bytes& client_id, prepared_entry e) {
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(key_of(client_id), std::move(e));
}

std::optional<prepared_entry> prepared_map::find(const protocol::bytes& client_id) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key_of(client_id));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::size_t prepared_map::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

cluster proxy_context::primary() const noexcept {
  return cluster_of(settings.primary_cluster);
}

cluster proxy_context::system_queries() const noexcept {
  return cluster_of(settings.system_queries_mode);
}

}  // namespace cqlshift::proxy
