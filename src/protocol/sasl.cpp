#include "cqlshift/protocol/sasl.hpp"

namespace cqlshift::protocol {

bytes sasl_plain_token(std::string_view user, std::string_view password) {
  bytes t;
  t.reserve(2 + user.size() + password.size());
  t.push_back(0);
  t.insert(t.end(), user.begin(), user.end());
  t.push_back(0);
  t.insert(t.end(), password.begin(), password.end());
  return t;
}

}  // namespace cqlshift::protocol
