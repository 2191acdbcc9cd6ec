#pragma once
// Checks across keys, after each value has been parsed on its own. The rules are the reference
// proxy's (contact points vs secure connect bundle, complete TLS settings, topology index) plus
// a few that would otherwise fail later with a vaguer message.

#include "cqlshift/config/settings.hpp"

namespace cqlshift::config::detail {

// Throws config_error at the first violated rule.
void validate(const settings& s);

}  // namespace cqlshift::config::detail
