#include "cqlshift/protocol/input_buffer.hpp"

namespace cqlshift::protocol {

void input_buffer::append(byte_view data) {
  if (start_ > 0 && start_ >= buf_.size() / 2) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buf_.insert(buf_.end(), data.begin(), data.end());
}

void input_buffer::consume(std::size_t n) noexcept {
  start_ += n;
  if (start_ < buf_.size()) return;
  start_ = 0;
  if (buf_.capacity() > retained_capacity) {
    bytes().swap(buf_);
  } else {
    buf_.clear();
  }
}

}  // namespace cqlshift::protocol
