#pragma once
// The connection-level rules a Cassandra 4.1 node applies before any CQL runs: which protocol
// versions it accepts and how it refuses the others, what OPTIONS answers, what STARTUP may
// ask for, and PasswordAuthenticator's SASL PLAIN check. Pure functions, no I/O.

#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/sim/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cqlshift::sim {

// What Cassandra 4.1 reports as its CQL version.
inline constexpr const char* cql_version = "3.4.6";
inline constexpr const char* password_authenticator =
    "org.apache.cassandra.auth.PasswordAuthenticator";

// How a frame of an unaccepted version is answered: a PROTOCOL_ERROR with Cassandra's message,
// in a version the client can read (its own for the pre-v3 versions and for versions below
// every accepted one, as Cassandra answers v1/v2 clients; else the highest accepted one), on
// stream 0 as Cassandra sends it; then the connection closes.
struct version_refusal {
  std::uint8_t reply_version = 0;  // raw version byte of the reply (1 and 2 included)
  std::string message;
};

// nullopt when `raw_version` (direction bit cleared) is one of `accepted`.
std::optional<version_refusal> refuse_version(
    std::uint8_t raw_version, const std::vector<protocol::protocol_version>& accepted);

// "3/v3, 4/v4, 5/v5" for the accepted versions, as ProtocolVersion.toString spells them.
std::string describe_versions(const std::vector<protocol::protocol_version>& versions);

protocol::supported supported_options(const std::vector<protocol::protocol_version>& accepted);

// What a valid STARTUP sets up.
struct startup_settings {
  // v3/v4: frame body compression; v5: lz4 means LZ4 segments, none CRC-only segments.
  protocol::compression_algorithm compression = protocol::compression_algorithm::none;
};

// Checks STARTUP as Cassandra's StartupMessage does (option names are case-insensitive).
// Errors are PROTOCOL_ERRORs with Cassandra's messages: missing or unparsable CQL_VERSION, a
// CQL version below 3, an unknown compression, snappy in v5.
sim_result<startup_settings> check_startup(const protocol::startup& message,
                                           protocol::protocol_version version);

// PasswordAuthenticator over SASL PLAIN ([authzid] NUL user NUL password). Errors are
// AUTH_ERROR (0x0100) with Cassandra's messages.
sim_result<void> check_credentials(const std::optional<protocol::bytes>& token,
                                   const std::map<std::string, std::string>& credentials);

cql_error protocol_error(std::string message);

}  // namespace cqlshift::sim
