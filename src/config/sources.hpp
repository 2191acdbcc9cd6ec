#pragma once
// Reading raw key/value entries out of each source. No parsing of values and no check of key
// names here: load() does both, the same way for every source.

#include "raw_value.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::config::detail {

// The top-level map of a YAML file, in file order. Null values (`key:` or `key: ~`) are left
// out, as the reference leaves such keys at their defaults. Throws config_error when the file
// cannot be read or parsed, is not a map, repeats a key or nests a map.
std::vector<raw_value> read_yaml_file(const std::filesystem::path& file);

// The variables named <prefix><KEY>, keys lower-cased.
std::vector<raw_value> read_environment(const std::map<std::string, std::string>& environment,
                                        std::string_view prefix);

std::vector<raw_value> read_overrides(const std::map<std::string, std::string>& overrides);

}  // namespace cqlshift::config::detail
