#pragma once
// SASL PLAIN (RFC 4616), the mechanism PasswordAuthenticator speaks.

#include "cqlshift/protocol/primitives.hpp"

#include <string_view>

namespace cqlshift::protocol {

// The initial response: an empty authorization id, the user name and the password, each
// after a NUL.
bytes sasl_plain_token(std::string_view user, std::string_view password);

}  // namespace cqlshift::protocol
