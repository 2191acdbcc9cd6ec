#include "cqlshift/proxy/stream_ids.hpp"

#include <algorithm>

namespace cqlshift::proxy {

stream_ids::stream_ids(int count) {
  const int n = std::clamp(count, 1, 32768);
  in_use_.assign(static_cast<std::size_t>(n), false);
  free_.reserve(static_cast<std::size_t>(n));
  for (int id = n - 1; id >= 0; --id)
    free_.push_back(static_cast<std::int16_t>(id));
}

std::optional<std::int16_t> stream_ids::allocate() noexcept {
  if (free_.empty()) return std::nullopt;
  const std::int16_t id = free_.back();
  free_.pop_back();
  in_use_[static_cast<std::size_t>(id)] = true;
  ++used_;
  return id;
}

void stream_ids::release(std::int16_t id) noexcept {
  if (!in_use(id)) return;
  in_use_[static_cast<std::size_t>(id)] = false;
  free_.push_back(id);
  --used_;
}

bool stream_ids::in_use(std::int16_t id) const noexcept {
  return id >= 0 && static_cast<std::size_t>(id) < in_use_.size() &&
         in_use_[static_cast<std::size_t>(id)];
}

}  // namespace cqlshift::proxy
