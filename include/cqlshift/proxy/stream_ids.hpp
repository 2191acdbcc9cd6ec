#pragma once
// Stream ids of one cluster connection (SPEC 10): each cluster connection allocates its own,
// up to proxy_max_stream_ids, so the proxy can tell responses apart whatever ids the client
// chose. A released id is reused first; none free means the client gets OVERLOADED.

#include <cstdint>
#include <optional>
#include <vector>

namespace cqlshift::proxy {

class stream_ids {
 public:
  // `count` ids: 0 .. count-1 (clamped to 1..32768: v3+ stream ids are non-negative shorts).
  explicit stream_ids(int count);

  std::optional<std::int16_t> allocate() noexcept;
  // Releasing an id that is not allocated is ignored (a late duplicate response).
  void release(std::int16_t id) noexcept;
  bool in_use(std::int16_t id) const noexcept;
  int used() const noexcept { return used_; }
  int capacity() const noexcept { return static_cast<int>(in_use_.size()); }

 private:
  std::vector<bool> in_use_;
  // Released ids, a stack: the most recently released id is reused first. Ids never handed
  // out are next_ .. capacity-1, so an idle connection holds no list of them.
  std::vector<std::int16_t> free_;
  int next_ = 0;
  int used_ = 0;
};

}  // namespace cqlshift::proxy
