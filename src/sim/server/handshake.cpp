#include "server/handshake.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

namespace cqlshift::sim {
namespace {

using protocol::protocol_version;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Cassandra's CassandraVersion pattern: major.minor[.patch] with an optional -pre-release or
// +build suffix. The major version, or nullopt when the text is not a version.
std::optional<int> major_version(std::string_view text) {
  int parts[3] = {0, 0, 0};
  std::size_t count = 0;
  const char* at = text.data();
  const char* end = text.data() + text.size();
  while (count < 3) {
    auto [next, ec] = std::from_chars(at, end, parts[count]);
    if (ec != std::errc() || next == at) return std::nullopt;
    ++count;
    at = next;
    if (at == end || *at != '.') break;
    ++at;
  }
  if (count < 2) return std::nullopt;
  if (at != end && *at != '-' && *at != '+') return std::nullopt;
  if (at != end && at + 1 == end) return std::nullopt;
  return parts[0];
}

}  // namespace

cql_error protocol_error(std::string message) {
  return {protocol::error_code::protocol_error, std::move(message), {}};
}

std::string describe_versions(const std::vector<protocol_version>& versions) {
  std::string out;
  for (protocol_version v : versions) {
    if (!out.empty()) out += ", ";
    out += std::to_string(protocol::raw(v));
    out += '/';
    out += protocol::to_string(v);
  }
  return out;
}

std::optional<version_refusal> refuse_version(std::uint8_t raw_version,
                                              const std::vector<protocol_version>& accepted) {
  const auto known = protocol::to_protocol_version(raw_version);
  if (known && std::find(accepted.begin(), accepted.end(), *known) != accepted.end()) {
    return std::nullopt;
  }
  version_refusal r;
  r.message = "Invalid or unsupported protocol version (" + std::to_string(raw_version) +
              "); supported versions are (" + describe_versions(accepted) + ")";
  std::uint8_t lowest = 0xFF;
  std::uint8_t highest = 0;
  for (protocol_version v : accepted) {
    lowest = std::min(lowest, protocol::raw(v));
    highest = std::max(highest, protocol::raw(v));
  }
  // A client below every accepted version reads its own version best (drivers downgrade from
  // the top, so this is an old client); anything else gets the newest the server speaks.
  const bool own_version_encodable = raw_version >= 1 && raw_version <= 5;
  r.reply_version = own_version_encodable && raw_version < lowest ? raw_version : highest;
  return r;
}

protocol::supported supported_options(const std::vector<protocol_version>& accepted) {
  std::vector<std::string> versions;
  for (protocol_version v : accepted)
    versions.push_back(std::to_string(protocol::raw(v)) + "/" +
                       std::string(protocol::to_string(v)));
  protocol::supported s;
  s.options = {
      {"PROTOCOL_VERSIONS", std::move(versions)},
      {"COMPRESSION", {"snappy", "lz4"}},
      {"CQL_VERSION", {cql_version}},
  };
  return s;
}

sim_result<startup_settings> check_startup(const protocol::startup& message,
                                           protocol_version version) {
  std::optional<std::string> cql;
  std::optional<std::string> compression;
  for (const auto& [key, value] : message.options) {
    const std::string name = upper(key);
    if (name == "CQL_VERSION") cql = value;
    if (name == "COMPRESSION") compression = value;
  }
  if (!cql) return protocol_error("Missing value CQL_VERSION in STARTUP message");
  const auto major = major_version(*cql);
  if (!major) return protocol_error("Invalid version value: " + *cql);
  if (*major < 3) {
    return protocol_error("CQL version " + *cql +
                          " is not supported by the binary protocol (supported version are >= "
                          "3.0.0)");
  }
  startup_settings settings;
  if (compression) {
    const std::string name = lower(*compression);
    if (name == "snappy") {
      if (protocol::uses_segments(version)) {
        return protocol_error("Snappy compression is not supported in protocol V5");
      }
      settings.compression = protocol::compression_algorithm::snappy;
    } else if (name == "lz4") {
      settings.compression = protocol::compression_algorithm::lz4;
    } else {
      return protocol_error("Unknown compression algorithm: " + name);
    }
  }
  return settings;
}

sim_result<void> check_credentials(const std::optional<protocol::bytes>& token,
                                   const std::map<std::string, std::string>& credentials) {
  auto auth_error = [](std::string message) {
    return cql_error{protocol::error_code::auth_error, std::move(message), {}};
  };
  const protocol::bytes empty;
  const protocol::bytes& b = token ? *token : empty;
  // From the end: the password follows the last NUL, the user the one before.
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::size_t end = b.size();
  for (std::size_t i = b.size(); i-- > 0;) {
    if (b[i] != 0) continue;
    std::string part(b.begin() + static_cast<std::ptrdiff_t>(i + 1),
                     b.begin() + static_cast<std::ptrdiff_t>(end));
    if (!password) {
      password = std::move(part);
    } else if (!user) {
      user = std::move(part);
    } else {
      return auth_error(
          "Credential format error: username or password is empty or contains NUL(\\0) "
          "character");
    }
    end = i;
  }
  if (!password || password->empty()) return auth_error("Password must not be null");
  if (!user || user->empty()) return auth_error("Authentication ID must not be null");
  auto it = credentials.find(*user);
  if (it == credentials.end() || it->second != *password) {
    return auth_error("Provided username " + *user + " and/or password are incorrect");
  }
  return {};
}

}  // namespace cqlshift::sim
