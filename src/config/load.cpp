// Layering: every source becomes a list of raw entries; later layers replace earlier ones key by
// key; only the winning value of each key is parsed, so a bad value that an override replaces
// is never an error, and the error for a bad winner names where it came from.

#include "cqlshift/config/load.hpp"

#include "key_table.hpp"
#include "sources.hpp"
#include "suggest.hpp"
#include "validate.hpp"

#include <set>

namespace cqlshift::config {
namespace {

using detail::raw_value;

// The reference's name for cqlshift's prepared_cache_max_entries: both fill one setting.
constexpr std::string_view prepared_cache_key = "prepared_cache_max_entries";
constexpr std::string_view prepared_cache_alias = "proxy_max_prepared_statement_cache_size";

[[noreturn]] void unknown_key(const raw_value& v) {
  std::string message = "unknown key '" + v.key + "'";
  if (const auto suggestion = detail::closest_key(v.key, key_names())) {
    message += ", did you mean '" + *suggestion + "'?";
  }
  detail::fail(message + v.origin);
}

struct chosen_value {
  raw_value value;
  std::size_t layer;
};

}  // namespace

std::vector<std::string> key_names() {
  std::vector<std::string> names;
  for (const auto& k : detail::keys())
    names.emplace_back(k.name);
  return names;
}

settings load(const std::optional<std::filesystem::path>& file,
              const std::map<std::string, std::string>& environment,
              const std::map<std::string, std::string>& overrides) {
  std::vector<std::vector<raw_value>> layers;
  if (file) layers.push_back(detail::read_yaml_file(*file));
  layers.push_back(detail::read_environment(environment, "ZDM_"));
  layers.push_back(detail::read_environment(environment, "CQLSHIFT_"));
  layers.push_back(detail::read_overrides(overrides));

  std::map<std::string, chosen_value, std::less<>> chosen;  // by the setting's own key name
  std::set<std::string> ignored;
  for (std::size_t layer = 0; layer < layers.size(); ++layer) {
    for (auto& raw : layers[layer]) {
      if (detail::is_ignored_reference_key(raw.key)) {
        ignored.insert(raw.key);
        continue;
      }
      const detail::key_spec* spec = detail::find_key(raw.key);
      if (spec == nullptr) unknown_key(raw);
      raw.secret = spec->secret;
      const std::string slot(raw.key == prepared_cache_alias ? prepared_cache_key : raw.key);
      if (const auto it = chosen.find(slot);
          it != chosen.end() && it->second.layer == layer && it->second.value.key != raw.key) {
        detail::fail("keys '" + it->second.value.key + "' and '" + raw.key +
                     "' set the same thing; give only one" + raw.origin);
      }
      chosen.insert_or_assign(slot, chosen_value{raw, layer});
    }
  }

  settings s;
  for (const auto& spec : detail::keys()) {
    if (const auto it = chosen.find(spec.name); it != chosen.end()) {
      detail::find_key(it->second.value.key)->apply(s, it->second.value);
    }
  }
  s.ignored_keys.assign(ignored.begin(), ignored.end());
  detail::validate(s);
  return s;
}

}  // namespace cqlshift::config
