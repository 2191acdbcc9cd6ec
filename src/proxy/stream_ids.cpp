#include "cqlshift/proxy/stream_ids.hpp"

#include <algorithm>

namespace cqlshift::proxy {

stream_ids::stream_ids(int count) {
  const int n = std::clamp(count, 1, 32768);
  in_use_.assign(static_cast<std::size_t>(n), false);
}

std::optional<std::int16_t> stream_ids::allocate() noexcept {
  std::int16_t id = 0;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else if (next_ < capacity()) {
    id = static_cast<std::int16_t>(next_++);
  } else {
    return std::nullopt;
  }
  in_use_[static_cast<std::size_t>(id)] = true;
  ++used_;
  return id;
}

void stream_ids::release(std::int16_t id) noexcept {
  if (!in_use(id)) return;
  in_use_[static_cast<std::size_t>(id)] = false;
  free_.push_back(id);  // grows to the most ids ever in use at once, not to the capacity
  --used_;
}

bool stream_ids::in_use(std::int16_t id) const noexcept {
  return id >= 0 && static_cast<std::size_t>(id) < in_use_.size() &&
         in_use_[static_cast<std::size_t>(id)];
}

}  // namespace cqlshift::proxy
