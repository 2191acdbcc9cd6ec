#pragma once
// "Did you mean" for unknown keys.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::config::detail {

// The candidate closest to `unknown` (case-insensitive, a transposition counting as one edit),
// when it is close enough to be a typo of it: at most a third of the key's length in edits. A
// ZDM_ or CQLSHIFT_ prefix written into a file is looked through.
std::optional<std::string> closest_key(std::string_view unknown,
                                       const std::vector<std::string>& candidates);

}  // namespace cqlshift::config::detail
