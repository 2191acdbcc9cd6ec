#pragma once
// Which of the two responses to a request sent to both clusters the client gets (SPEC.md
// section 4), and which side failed, for the failed_on metric label.

#include "cqlshift/proxy/routing.hpp"

#include <cstdint>
#include <string_view>

namespace cqlshift::proxy {

enum class failed_on : std::uint8_t { none, origin, target, both };

std::string_view to_string(failed_on f) noexcept;  // "none" "origin" "target" "both"

struct outcome {
  bool error = false;  // that cluster answered with an ERROR frame
};

struct combined {
  cluster answer_from = cluster::origin;
  failed_on failure = failed_on::none;
  bool operator==(const combined&) const = default;
};

// Both succeeded: the primary's response. One failed: that cluster's error, so a write that
// did not land everywhere is never reported as a success. Both failed: the primary's error.
combined combine(outcome origin, outcome target, cluster primary) noexcept;

}  // namespace cqlshift::proxy
