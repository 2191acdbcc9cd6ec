#pragma once
// The table of every key: its name, whether its value is secret, and how a raw value is parsed
// into settings. The single place a new key is added (then config/cqlshift.yaml documents it).

#include "raw_value.hpp"

#include "cqlshift/config/settings.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace cqlshift::config::detail {

struct key_spec {
  std::string_view name;
  bool secret = false;
  std::function<void(settings&, const raw_value&)> apply;
};

// In documentation order.
const std::vector<key_spec>& keys();
const key_spec* find_key(std::string_view name);

// The reference proxy's performance-tuning and host-assignment keys: accepted so that its
// configs load unchanged, recorded in settings::ignored_keys, otherwise without effect.
bool is_ignored_reference_key(std::string_view name);

}  // namespace cqlshift::config::detail
