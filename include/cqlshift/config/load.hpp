#pragma once
// Loading settings from their three sources and validating them. Start-up and reload code
// only: errors are exceptions here, never on the data path (STYLE.md 4).

#include "cqlshift/config/settings.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cqlshift::config {

// The one error type of loading. Its message is meant for the operator as is: it names the
// key, the rejected value (never a password), what is accepted and where the value came from,
// e.g. "config: key 'proxy_listen_port': got 'abc', expected an integer from 0 to 65535 (in
// /etc/cqlshift.yaml, line 3)".
struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Builds settings from, in increasing precedence:
//   1. `file`, a flat YAML map of key: value (absent or nullopt: skipped);
//   2. `environment`, variables ZDM_<KEY> (the reference's names), then CQLSHIFT_<KEY>, which
//      wins over ZDM_ for the same key; other variables in the map are ignored;
//   3. `overrides` (the command line), key -> value text.
// Then validates every value and the combinations of keys. Throws config_error at the first
// problem; returns only valid settings.
settings load(const std::optional<std::filesystem::path>& file,
              const std::map<std::string, std::string>& environment,
              const std::map<std::string, std::string>& overrides = {});

// The CQLSHIFT_* and ZDM_* entries of a process environment (main's envp or `environ`).
std::map<std::string, std::string> environment_of(char** envp);

// Every key load() accepts, in the order config/cqlshift.yaml documents them (not including
// the reference's ignored tuning keys).
std::vector<std::string> key_names();

}  // namespace cqlshift::config
