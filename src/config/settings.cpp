#include "cqlshift/config/settings.hpp"

namespace cqlshift::config {

std::string_view to_string(cluster_name c) noexcept {
  switch (c) {
    case cluster_name::origin:
      return "ORIGIN";
    case cluster_name::target:
      return "TARGET";
  }
  return "UNKNOWN";
}

std::string_view to_string(read_mode m) noexcept {
  switch (m) {
    case read_mode::primary_only:
      return "PRIMARY_ONLY";
    case read_mode::dual_async_on_secondary:
      return "DUAL_ASYNC_ON_SECONDARY";
  }
  return "UNKNOWN";
}

std::string_view to_string(log_format f) noexcept {
  return f == log_format::json ? "json" : "text";
}

std::string_view to_string(shadow_compare c) noexcept {
  switch (c) {
    case shadow_compare::off:
      return "off";
    case shadow_compare::count:
      return "count";
    case shadow_compare::rows:
      return "rows";
  }
  return "unknown";
}

}  // namespace cqlshift::config
