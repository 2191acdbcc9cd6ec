#pragma once
// The byte queue behind the incremental readers (frame_reader, segment_reader): bytes are
// appended as they arrive and consumed from the front once a whole unit has been read.

#include "cqlshift/protocol/primitives.hpp"

#include <cstddef>

namespace cqlshift::protocol {

class input_buffer {
 public:
  // Appends. Consumed bytes are dropped first once they are at least half the buffer, so the
  // buffer holds at most one partial unit plus the new input and appending stays amortised O(1).
  void append(byte_view data);
  // The unconsumed bytes; valid until the next append or consume.
  byte_view view() const noexcept { return byte_view(buf_).subspan(start_); }
  // Drops n bytes from the front (n <= size()). When nothing is left, a buffer grown past
  // retained_capacity by one large unit is released, so it is not pinned for a connection's life.
  void consume(std::size_t n) noexcept;
  std::size_t size() const noexcept { return buf_.size() - start_; }
  // Bytes held in memory, for per-connection memory accounting.
  std::size_t capacity() const noexcept { return buf_.capacity(); }

  static constexpr std::size_t retained_capacity = 256 * 1024;

 private:
  bytes buf_;
  std::size_t start_ = 0;
};

}  // namespace cqlshift::protocol
