// The catalog's core (lookups, DDL dispatch, schema version) and keyspace DDL.

#include "cqlshift/sim/catalog.hpp"

#include "catalog_detail.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <utility>
#include <variant>

namespace cqlshift::sim {

namespace {

constexpr std::string_view locator_package = "org.apache.cassandra.locator.";
constexpr std::string_view simple_strategy = "org.apache.cassandra.locator.SimpleStrategy";
constexpr std::string_view nts_strategy = "org.apache.cassandra.locator.NetworkTopologyStrategy";
constexpr std::string_view local_strategy = "org.apache.cassandra.locator.LocalStrategy";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

cql_error no_keyspace_error() {
  return invalid_request(
      "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
}

// Java's Integer.parseInt: an optional sign and decimal digits that fit an int.
std::optional<std::int32_t> parse_java_int(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return std::nullopt;
  std::int32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// AbstractReplicationStrategy.validateReplicationFactor.
std::optional<cql_error> check_replication_factor(const std::string& rf) {
  if (rf.find('/') != std::string::npos) {
    return detail::config_error(
        "Transient replication is disabled. Enable in cassandra.yaml to use.");
  }
  auto n = parse_java_int(rf);
  if (!n) return detail::config_error("For input string: \"" + rf + "\"");
  if (*n < 0) {
    return detail::config_error("Replication factor must be non-negative, found " + rf);
  }
  return std::nullopt;
}

using option_list = std::vector<std::pair<std::string, std::string>>;

// ReplicationParams.fromMap plus the strategy's validation: the stored form (full class name
// first, then the options by name).
sim_result<option_list> build_replication(const option_list& raw, const std::string& keyspace,
                                          const std::vector<std::string>& datacenters) {
  std::string cls;
  bool has_class = false;
  std::map<std::string, std::string> options;
  for (const auto& [k, v] : raw) {
    if (k == "class") {
      cls = v;
      has_class = true;
    } else {
      options[k] = v;
    }
  }
  if (!has_class) return detail::config_error("Missing replication strategy class");
  if (cls.find('.') == std::string::npos) cls = std::string(locator_package) + cls;
  if (cls == local_strategy) {
    return invalid_request(
        "Unable to use given strategy class: LocalStrategy is reserved for internal use.");
  }
  if (cls == simple_strategy) {
    for (const auto& [k, v] : options) {
      if (k != "replication_factor") {
        return detail::config_error("Unrecognized strategy option {" + k +
                                    "} passed to SimpleStrategy for keyspace " + keyspace);
      }
    }
    auto rf = options.find("replication_factor");
    if (rf == options.end()) {
      return detail::config_error("SimpleStrategy requires a replication_factor strategy option.");
    }
    if (auto e = check_replication_factor(rf->second)) return *e;
  } else if (cls == nts_strategy) {
    auto rf = options.find("replication_factor");
    if (rf != options.end()) {
      std::string value = rf->second;
      options.erase(rf);
      for (const auto& dc : datacenters)
        options.emplace(dc, value);
    }
    if (options.empty()) {
      return detail::config_error("Configuration for at least one datacenter must be present");
    }
    for (const auto& [dc, value] : options) {
      if (auto e = check_replication_factor(value)) return *e;
    }
  } else {
    return detail::config_error("Unable to find replication strategy class '" + cls + "'");
  }
  option_list out;
  out.emplace_back("class", cls);
  for (auto& [k, v] : options)
    out.emplace_back(k, std::move(v));
  return out;
}

struct keyspace_properties {
  std::optional<option_list> replication;
  std::optional<bool> durable_writes;
};

// KeyspaceAttributes.validate and its getters.
sim_result<keyspace_properties> read_keyspace_properties(const std::vector<property>& props) {
  keyspace_properties out;
  std::set<std::string> seen;
  for (const auto& p : props) {
    if (!seen.insert(p.name).second) {
      return syntax_error("Multiple definition for property '" + p.name + "'");
    }
    if (p.name == "replication") {
      if (p.value.kind != term_kind::map) {
        return syntax_error("Invalid value for property 'replication'. It should be a map.");
      }
      option_list options;
      for (std::size_t i = 0; i + 1 < p.value.items.size(); i += 2) {
        auto k = detail::constant_text(p.value.items[i]);
        auto v = detail::constant_text(p.value.items[i + 1]);
        if (!k) return syntax_error("Invalid property name in 'replication'");
        if (!v) return syntax_error("Invalid property value for '" + *k + "' in 'replication'");
        options.emplace_back(std::move(*k), std::move(*v));
      }
      if (!options.empty() && std::none_of(options.begin(), options.end(),
                                           [](const auto& o) { return o.first == "class"; })) {
        return detail::config_error("Missing replication strategy class");
      }
      out.replication = std::move(options);
    } else if (p.name == "durable_writes") {
      auto v = detail::constant_text(p.value);
      if (!v) {
        return syntax_error("Invalid value for property 'durable_writes'. It should be a string");
      }
      const std::string b = lower(*v);
      if (b == "true" || b == "yes" || b == "1") {
        out.durable_writes = true;
      } else if (b == "false" || b == "no" || b == "0") {
        out.durable_writes = false;
      } else {
        return syntax_error("Invalid boolean value " + *v + " for 'durable_writes'");
      }
    } else if (p.name == "graph_engine") {
      // Accepted and ignored by Cassandra 4.1 (a DSE property).
    } else {
      return syntax_error("Unknown property '" + p.name + "'");
    }
  }
  return out;
}

}  // namespace

namespace detail {

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_name_length) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

cql_error config_error(std::string message) {
  return {protocol::error_code::config_error, std::move(message), {}};
}

cql_error unauthorized(std::string message) {
  return {protocol::error_code::unauthorized, std::move(message), {}};
}

cql_error already_exists(const std::string& keyspace, const std::string& table) {
  std::string message = table.empty() ? "Cannot add existing keyspace \"" + keyspace + "\""
                                      : "Cannot add already existing table \"" + table +
                                            "\" to keyspace \"" + keyspace + "\"";
  return {protocol::error_code::already_exists, std::move(message),
          protocol::already_exists_details{keyspace, table}};
}

bool is_virtual_keyspace(std::string_view keyspace) noexcept {
  const std::string k = lower(keyspace);
  return k == "system_virtual_schema" || k == "system_views";
}

bool is_local_system_keyspace(std::string_view keyspace) noexcept {
  const std::string k = lower(keyspace);
  return k == "system" || k == "system_schema" || is_virtual_keyspace(k);
}

bool is_replicated_system_keyspace(std::string_view keyspace) noexcept {
  const std::string k = lower(keyspace);
  return k == "system_auth" || k == "system_distributed" || k == "system_traces";
}

std::optional<cql_error> check_modifiable(std::string_view keyspace, permission perm,
                                          std::string_view resource, bool keyspace_level) {
  if (is_local_system_keyspace(keyspace)) {
    return unauthorized(std::string(keyspace) + " keyspace is not user-modifiable.");
  }
  if (is_replicated_system_keyspace(keyspace)) {
    if (perm == permission::alter && keyspace_level) return std::nullopt;
    const char* name = perm == permission::create  ? "CREATE"
                       : perm == permission::alter ? "ALTER"
                                                   : "DROP";
    return unauthorized(std::string("Cannot ") + name + " " + std::string(resource));
  }
  return std::nullopt;
}

std::optional<std::string> constant_text(const term& t) {
  switch (t.kind) {
    case term_kind::string:
    case term_kind::integer:
    case term_kind::floating:
    case term_kind::boolean:
    case term_kind::uuid:
    case term_kind::blob:
    case term_kind::duration:
      return t.text;
    default:
      return std::nullopt;
  }
}

sim_result<std::string> target_keyspace(std::string_view written, std::string_view session) {
  if (!written.empty()) return std::string(written);
  if (session.empty()) return no_keyspace_error();
  return std::string(session);
}

std::optional<cql_error> check_ddl(std::string_view keyspace, permission perm,
                                   std::string_view resource, bool keyspace_level) {
  if (auto e = check_modifiable(keyspace, perm, resource, keyspace_level)) return e;
  return check_keyspace_name(keyspace);
}

std::optional<cql_error> check_keyspace_name(std::string_view keyspace) {
  if (!is_valid_name(keyspace)) {
    return invalid_request(
        "Keyspace name must not be empty, more than 48 characters long, or contain "
        "non-alphanumeric-underscore characters (got '" +
        std::string(keyspace) + "')");
  }
  return std::nullopt;
}

}  // namespace detail

catalog::catalog() : keyspaces_(detail::make_system_keyspaces()), random_(std::random_device{}()) {
  schema_version_ = random_uuid();
}

const keyspace_def* catalog::find_keyspace(std::string_view name) const noexcept {
  auto it = keyspaces_.find(std::string(name));
  return it == keyspaces_.end() ? nullptr : &it->second;
}

keyspace_def* catalog::find_keyspace_mutable(std::string_view name) noexcept {
  auto it = keyspaces_.find(std::string(name));
  return it == keyspaces_.end() ? nullptr : &it->second;
}

std::shared_ptr<const table_def> catalog::find_table(std::string_view keyspace,
                                                     std::string_view name) const noexcept {
  const keyspace_def* ks = find_keyspace(keyspace);
  if (!ks) return nullptr;
  auto it = ks->tables.find(std::string(name));
  return it == ks->tables.end() ? nullptr : it->second;
}

protocol::uuid catalog::random_uuid() {
  protocol::uuid u{};
  const std::uint64_t hi = random_();
  const std::uint64_t lo = random_();
  for (int i = 0; i < 8; ++i) {
    u[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
    u[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
  }
  u[6] = static_cast<std::uint8_t>((u[6] & 0x0F) | 0x40);  // version 4
  u[8] = static_cast<std::uint8_t>((u[8] & 0x3F) | 0x80);  // IETF variant
  return u;
}

ddl_outcome catalog::changed(protocol::schema_change change) {
  schema_version_ = random_uuid();
  ddl_outcome out;
  out.change = std::move(change);
  return out;
}

void catalog::reset() {
  for (auto it = keyspaces_.begin(); it != keyspaces_.end();) {
    it = it->second.is_system ? std::next(it) : keyspaces_.erase(it);
  }
  schema_version_ = random_uuid();
}

void catalog::set_datacenters(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  datacenters_ = std::move(names);
}

sim_result<ddl_outcome> catalog::apply(const statement& ddl, std::string_view session_keyspace) {
  return std::visit(
      [&](const auto& s) -> sim_result<ddl_outcome> {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, create_keyspace_stmt>) {
          return create_keyspace(s);
        } else if constexpr (std::is_same_v<T, alter_keyspace_stmt>) {
          return alter_keyspace(s);
        } else if constexpr (std::is_same_v<T, drop_keyspace_stmt>) {
          return drop_keyspace(s);
        } else if constexpr (std::is_same_v<T, create_table_stmt>) {
          return create_table(s, session_keyspace);
        } else if constexpr (std::is_same_v<T, alter_table_stmt>) {
          return alter_table(s, session_keyspace);
        } else if constexpr (std::is_same_v<T, drop_table_stmt>) {
          return drop_table(s, session_keyspace);
        } else if constexpr (std::is_same_v<T, create_type_stmt>) {
          return create_type(s, session_keyspace);
        } else if constexpr (std::is_same_v<T, drop_type_stmt>) {
          return drop_type(s, session_keyspace);
        } else {
          return cql_error{protocol::error_code::server_error,
                           "Not a schema statement: the catalog runs only DDL",
                           {}};
        }
      },
      ddl);
}

sim_result<ddl_outcome> catalog::create_keyspace(const create_keyspace_stmt& s) {
  // CREATE KEYSPACE needs a permission on all keyspaces, so Cassandra's system keyspace check
  // comes from execution, as InvalidRequest.
  if (detail::is_local_system_keyspace(s.keyspace)) {
    return invalid_request("System keyspace '" + s.keyspace + "' is not user-modifiable");
  }
  if (auto e = detail::check_keyspace_name(s.keyspace)) return *e;
  auto props = read_keyspace_properties(s.properties);
  if (!props) return props.error();
  if (!props->replication) return invalid_request("Missing mandatory option 'replication'");
  if (find_keyspace(s.keyspace)) {
    if (s.if_not_exists) return ddl_outcome{};
    return detail::already_exists(s.keyspace, "");
  }
  auto replication = build_replication(*props->replication, s.keyspace, datacenters_);
  if (!replication) return replication.error();
  keyspace_def ks;
  ks.name = s.keyspace;
  ks.replication = std::move(*replication);
  ks.durable_writes = props->durable_writes.value_or(true);
  keyspaces_.emplace(s.keyspace, std::move(ks));
  return changed({protocol::schema_change_type::created,
                  protocol::schema_change_target::keyspace,
                  s.keyspace,
                  "",
                  {}});
}

sim_result<ddl_outcome> catalog::alter_keyspace(const alter_keyspace_stmt& s) {
  if (auto e = detail::check_ddl(s.keyspace, detail::permission::alter,
                                 "<keyspace " + s.keyspace + ">", true)) {
    return *e;
  }
  auto props = read_keyspace_properties(s.properties);
  if (!props) return props.error();
  keyspace_def* ks = find_keyspace_mutable(s.keyspace);
  if (!ks) {
    if (s.if_exists) return ddl_outcome{};
    return invalid_request("Keyspace '" + s.keyspace + "' doesn't exist");
  }
  option_list replication = ks->replication;
  if (props->replication) {
    auto r = build_replication(*props->replication, s.keyspace, datacenters_);
    if (!r) return r.error();
    replication = std::move(*r);
  }
  const bool durable = props->durable_writes.value_or(ks->durable_writes);
  if (replication == ks->replication && durable == ks->durable_writes) return ddl_outcome{};
  ks->replication = std::move(replication);
  ks->durable_writes = durable;
  return changed({protocol::schema_change_type::updated,
                  protocol::schema_change_target::keyspace,
                  s.keyspace,
                  "",
                  {}});
}

sim_result<ddl_outcome> catalog::drop_keyspace(const drop_keyspace_stmt& s) {
  if (auto e = detail::check_ddl(s.keyspace, detail::permission::drop,
                                 "<keyspace " + s.keyspace + ">", true)) {
    return *e;
  }
  auto it = keyspaces_.find(s.keyspace);
  if (it == keyspaces_.end()) {
    if (s.if_exists) return ddl_outcome{};
    return invalid_request("Keyspace '" + s.keyspace + "' doesn't exist");
  }
  std::vector<protocol::uuid> dropped;
  for (const auto& [name, table] : it->second.tables)
    dropped.push_back(table->id);
  keyspaces_.erase(it);
  ddl_outcome out = changed({protocol::schema_change_type::dropped,
                             protocol::schema_change_target::keyspace,
                             s.keyspace,
                             "",
                             {}});
  out.dropped_tables = std::move(dropped);
  return out;
}

}  // namespace cqlshift::sim
