// cqlsim: an in-memory CQL server (a fake Cassandra cluster of --nodes nodes in one process)
// that real drivers connect to, with fault injection through an HTTP admin API. The backend
// of cqlshift's integration tests and demo.

#include "cqlshift/net/tls.hpp"
#include "cqlshift/net/transport.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/sim/admin.hpp"
#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/faults.hpp"
#include "server/server.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace cqlshift;

struct settings {
  sim::listen_options listen;
  std::string cluster_name = "cqlsim";
  std::string datacenter = "datacenter1";
  std::vector<int> versions = {3, 4, 5};
  std::vector<std::string> auth;
  std::string salt;
  std::string admin_address = "127.0.0.1";
  std::optional<std::uint16_t> admin_port;
  std::uint32_t max_frame_size = protocol::default_max_frame_size;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  bool require_client_auth = false;
};

// The nodes' TLS context, or null without --tls-cert. Throws net::tls_error.
std::shared_ptr<asio::ssl::context> tls_context_of(const settings& s) {
  if (s.tls_cert.empty()) return nullptr;
  net::server_tls_material m;
  m.certificate = net::read_pem_file("--tls-cert", s.tls_cert);
  m.private_key = net::read_pem_file("--tls-key", s.tls_key);
  // Empty text: client certificates are neither asked for nor checked.
  m.ca = s.tls_ca.empty() ? net::pem_source{"--tls-ca", "", ""}
                          : net::read_pem_file("--tls-ca", s.tls_ca);
  m.require_client_auth = s.require_client_auth;
  return net::make_server_context(m);
}

sim::server_options server_options_of(const settings& s) {
  sim::server_options o;
  std::vector<int> versions = s.versions;
  std::sort(versions.begin(), versions.end());
  versions.erase(std::unique(versions.begin(), versions.end()), versions.end());
  o.versions.clear();
  for (int v : versions)
    o.versions.push_back(*protocol::to_protocol_version(static_cast<std::uint8_t>(v)));
  for (const std::string& a : s.auth) {
    const auto colon = a.find(':');
    o.credentials[a.substr(0, colon)] = a.substr(colon + 1);
  }
  o.prepared_id_salt = s.salt;
  o.max_frame_size = s.max_frame_size;
  return o;
}

int run(const settings& s) {
  sim::server_options options = server_options_of(s);
  try {
    options.tls = tls_context_of(s);
  } catch (const net::tls_error& e) {
    std::cerr << "cqlsim: " << e.what() << "\n";
    return 2;
  }
  asio::io_context io(1);
  std::vector<asio::ip::tcp::acceptor> acceptors;
  std::optional<asio::ip::tcp::endpoint> admin_endpoint;
  try {
    acceptors = sim::bind_nodes(io, s.listen);
    if (s.admin_port) {
      admin_endpoint.emplace(asio::ip::make_address(s.admin_address), *s.admin_port);
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "cqlsim: " << e.what() << "\n";
    return 2;
  } catch (const boost::system::system_error& e) {
    std::cerr << "cqlsim: " << e.what() << "\n";
    return 1;
  }

  sim::database db(sim::describe_nodes(acceptors, s.cluster_name, s.datacenter));
  sim::fault_registry faults;
  sim::cql_server server(io, std::move(acceptors), db, faults, std::move(options));
  std::unique_ptr<sim::admin_server> admin;
  if (admin_endpoint) {
    try {
      admin = std::make_unique<sim::admin_server>(io, *admin_endpoint, db, faults);
    } catch (const boost::system::system_error& e) {
      std::cerr << "cqlsim: admin API: " << e.what() << "\n";
      return 1;
    }
  }
  server.start();

  // Scripts and tests wait for these lines to know every node is listening.
  for (const auto& e : server.endpoints())
    std::cout << net::authority_text(e) << "\n";
  if (admin) std::cout << "admin " << net::authority_text(admin->local_endpoint()) << "\n";
  std::cout.flush();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server.stop();
    if (admin) admin->stop();
    io.stop();
  });
  io.run();
  // Let the connections' coroutines see their sockets closed and finish.
  io.restart();
  io.run_for(std::chrono::milliseconds(500));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cqlsim " CQLSHIFT_VERSION
               " - an in-memory CQL server: a fake Cassandra 4.1 cluster of one or more nodes "
               "in one process, for tests and demos. Data lives in memory only. Once every "
               "node listens it prints one ADDRESS:PORT line per node (then 'admin "
               "ADDRESS:PORT' when the admin API is on) on stdout. SIGINT or SIGTERM stop it."};
  app.set_version_flag("--version", std::string("cqlsim ") + CQLSHIFT_VERSION,
                       "Print the version and exit");
  settings s;
  app.add_option("--address", s.listen.address,
                 "IP address of the first node; node i listens on this address plus i "
                 "(127.0.0.1, 127.0.0.2, ...) unless --port-per-node")
      ->capture_default_str();
  app.add_option("--port", s.listen.port,
                 "Native protocol port of every node (0: a free port the OS chooses, the same "
                 "on every node address)")
      ->capture_default_str();
  app.add_option("--nodes", s.listen.nodes, "Number of nodes in the cluster (1 to 256)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_flag("--port-per-node", s.listen.port_per_node,
               "Put every node on --address with consecutive ports from --port instead of "
               "consecutive addresses (with --port 0, any free ports)");
  app.add_option("--cluster-name", s.cluster_name, "Cluster name that system.local reports")
      ->capture_default_str();
  app.add_option("--datacenter", s.datacenter, "Datacenter of every node")->capture_default_str();
  app.add_option("--protocol-versions", s.versions,
                 "Native protocol versions clients may use, comma-separated, from 3, 4, 5, "
                 "65 (DSE_V1) and 66 (DSE_V2); other versions are refused as Cassandra "
                 "refuses them so drivers downgrade")
      ->delimiter(',')
      ->check(CLI::IsMember({3, 4, 5, 65, 66}))
      ->capture_default_str();
  app.add_option("--auth", s.auth,
                 "USER:PASSWORD a client may log in with (repeatable); any --auth turns on "
                 "PasswordAuthenticator, otherwise no authentication is asked")
      ->check(CLI::Validator(
          [](const std::string& v) {
            const auto colon = v.find(':');
            return colon == std::string::npos || colon == 0
                       ? std::string("expected USER:PASSWORD with a non-empty user")
                       : std::string();
          },
          "USER:PASSWORD"));
  app.add_option("--prepared-id-salt", s.salt,
                 "Text hashed before the keyspace and query into prepared statement ids "
                 "(Cassandra: md5(keyspace + query)); give two cqlsims different salts to make "
                 "their ids differ");
  app.add_option("--admin-address", s.admin_address, "Address of the HTTP admin API")
      ->capture_default_str();
  app.add_option("--admin-port", s.admin_port,
                 "Port of the HTTP admin API (faults, request log, reset); off unless given, "
                 "0: a free port the OS chooses");
  app.add_option("--max-frame-size", s.max_frame_size,
                 "Largest request frame body accepted, in bytes (1024 to 268435456); a larger "
                 "one gets a PROTOCOL_ERROR and its connection closes")
      ->check(CLI::Range(std::uint32_t{1024}, protocol::default_max_frame_size))
      ->capture_default_str();
  auto* tls_cert =
      app.add_option("--tls-cert", s.tls_cert,
                     "PEM certificate chain (leaf first) every node presents: with --tls-key, "
                     "the native protocol ports speak TLS only (1.2 or later) and a client that "
                     "fails its handshake is disconnected with a line on stderr; the admin API "
                     "stays plain HTTP")
          ->type_name("FILE");
  auto* tls_key =
      app.add_option("--tls-key", s.tls_key, "PEM private key (unencrypted) of --tls-cert")
          ->type_name("FILE");
  auto* tls_ca = app.add_option("--tls-ca", s.tls_ca,
                                "PEM CA certificates that client certificates are verified "
                                "against when a client sends one; without it none is asked for")
                     ->type_name("FILE");
  auto* require_client_auth =
      app.add_flag("--require-client-auth", s.require_client_auth,
                   "Refuse TLS clients without a certificate that --tls-ca verifies");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  tls_ca->needs(tls_cert);
  require_client_auth->needs(tls_ca);
  app.footer(
      "Admin API (with --admin-port): GET /nodes, GET|POST|DELETE /faults, GET|DELETE /log, "
      "GET|DELETE /tls (TLS handshakes and the server names clients sent), POST /reset, "
      "GET /health.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return run(s);
}
