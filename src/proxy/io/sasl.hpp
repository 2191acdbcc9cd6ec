#pragma once
// The proxy's own logins (SPEC 2): SASL PLAIN with the configured credentials, on the request
// connections and the shadow connections of a session.

#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/sasl.hpp"

#include <cstdint>
#include <string>

namespace cqlshift::proxy {

// An AUTH_RESPONSE frame with `token`, at the connection's version byte, on stream 0.
inline protocol::bytes auth_response_frame(std::uint8_t version, protocol::bytes token) {
  protocol::auth_response r;
  r.token = std::move(token);
  auto body = protocol::encode_request(r, *protocol::to_protocol_version(version));
  protocol::frame_header h;
  h.version = version;
  h.stream = 0;
  h.op = protocol::opcode::auth_response;
  return protocol::encode_frame(h, *body);
}

}  // namespace cqlshift::proxy
