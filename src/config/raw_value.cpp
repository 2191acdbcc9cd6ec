#include "raw_value.hpp"

#include "cqlshift/config/load.hpp"

namespace cqlshift::config::detail {

std::string shown(const raw_value& v) {
  if (v.secret) return "(hidden)";
  if (!v.items) return "'" + v.text + "'";
  std::string out = "[";
  for (std::size_t i = 0; i < v.items->size(); ++i) {
    if (i != 0) out += ", ";
    out += (*v.items)[i];
  }
  return out + "]";
}

void reject(const raw_value& v, std::string_view expected) {
  throw config_error("config: key '" + v.key + "': got " + shown(v) + ", expected " +
                     std::string(expected) + v.origin);
}

void fail(std::string_view message) {
  throw config_error("config: " + std::string(message));
}

}  // namespace cqlshift::config::detail
