#include "cqlshift/config/load.hpp"
#include "sources.hpp"

#include <cctype>

namespace cqlshift::config {
namespace {

constexpr std::string_view cqlshift_prefix = "CQLSHIFT_";
constexpr std::string_view zdm_prefix = "ZDM_";

}  // namespace

std::map<std::string, std::string> environment_of(char** envp) {
  std::map<std::string, std::string> out;
  for (char** entry = envp; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (!text.starts_with(cqlshift_prefix) && !text.starts_with(zdm_prefix)) continue;
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    out.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return out;
}

namespace detail {

std::vector<raw_value> read_environment(const std::map<std::string, std::string>& environment,
                                        std::string_view prefix) {
  std::vector<raw_value> out;
  for (const auto& [name, value] : environment) {
    if (!name.starts_with(prefix)) continue;
    std::string key = name.substr(prefix.size());
    for (char& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(raw_value{.key = std::move(key),
                            .text = value,
                            .items = {},
                            .origin = " (from environment variable " + name + ")"});
  }
  return out;
}

std::vector<raw_value> read_overrides(const std::map<std::string, std::string>& overrides) {
  std::vector<raw_value> out;
  for (const auto& [key, value] : overrides) {
    out.push_back(
        raw_value{.key = key, .text = value, .items = {}, .origin = " (from the command line)"});
  }
  return out;
}

}  // namespace detail
}  // namespace cqlshift::config
