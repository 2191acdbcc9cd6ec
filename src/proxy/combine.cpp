#include "cqlshift/proxy/combine.hpp"

namespace cqlshift::proxy {

std::string_view to_string(failed_on f) noexcept {
  switch (f) {
    case failed_on::none:
      return "none";
    case failed_on::origin:
      return "origin";
    case failed_on::target:
      return "target";
    case failed_on::both:
      return "both";
  }
  return "unknown";
}

combined combine(outcome origin, outcome target, cluster primary) noexcept {
  if (origin.error && target.error) return {primary, failed_on::both};
  if (origin.error) return {cluster::origin, failed_on::origin};
  if (target.error) return {cluster::target, failed_on::target};
  return {primary, failed_on::none};
}

}  // namespace cqlshift::proxy
