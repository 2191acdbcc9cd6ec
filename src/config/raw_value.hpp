#pragma once
// A configuration value as a source gave it, before it is parsed: the text (or, from YAML, a
// sequence of texts) and where it came from, so that every error can point at it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::config::detail {

struct raw_value {
  std::string key;
  std::string text;                               // a scalar's text
  std::optional<std::vector<std::string>> items;  // set when YAML gave a sequence
  std::string origin;   // " (in FILE, line N)", " (from environment variable X)", ...
  bool secret = false;  // the value must never be shown (passwords)
};

// How the value is shown in an error message: quoted text, a YAML sequence as [a, b], or a
// placeholder for a secret.
std::string shown(const raw_value& v);

// Throws config_error "config: key 'K': got 'V', expected WHAT (ORIGIN)".
[[noreturn]] void reject(const raw_value& v, std::string_view expected);

// Throws config_error "config: " + message (no value, no origin): for checks across keys.
[[noreturn]] void fail(std::string_view message);

}  // namespace cqlshift::config::detail
