// Secure connect bundles: read_secure_bundle on zips written to a temporary directory (each
// error's message checked whole), parse_bundle_metadata on good and bad answers, and
// fetch_bundle_metadata against an in-test HTTPS server on loopback (port 0) whose certificates
// the test makes with OpenSSL in memory. Nothing sleeps; the only timeout test waits on the
// fetch's own deadline.

#include "cqlshift/net/secure_bundle.hpp"

#include "test_certificates.hpp"
#include "test_zip_writer.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdlib.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace secure_bundle_test {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace cqlshift::net;
using namespace cqlshift::net::test_support;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

const std::string key_name = "origin_secure_connect_bundle_path";

// The message of the tls_error that `f` throws, or "" (and a test failure) when it throws none.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const tls_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no tls_error";
  return "";
}

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "cqlshift-scb-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(file(name), std::ios::binary);
    out << bytes;
    return file(name);
  }

 private:
  fs::path path_;
};

// --- certificates made in memory ---------------------------------------------------------------

// A generated certificate with its PEM texts.
struct issued {
  cqlshift::test_certificates::issued made;
  std::string cert_pem;
  std::string key_pem;
};

issued make_certificate(const std::string& cn, const issued* issuer, const char* san = nullptr) {
  issued out;
  out.made = cqlshift::test_certificates::make_certificate(
      cn, issuer != nullptr ? &issuer->made : nullptr, san != nullptr ? san : "");
  out.cert_pem = cqlshift::test_certificates::cert_pem(out.made);
  out.key_pem = cqlshift::test_certificates::key_pem(out.made);
  return out;
}

// One CA for the service and the client, as Astra's bundles have it.
struct pki {
  issued ca = make_certificate("test CA", nullptr);
  issued server = make_certificate("localhost", &ca, "DNS:localhost,IP:127.0.0.1");
  issued wrong_name = make_certificate("elsewhere", &ca, "DNS:elsewhere.example");
  issued client = make_certificate("client", &ca);
  issued other_ca = make_certificate("other CA", nullptr);
  issued stranger = make_certificate("stranger", &other_ca);
};

const pki& certificates() {
  static const pki p;
  return p;
}

// --- bundles -------------------------------------------------------------------------------------

const std::string astra_config = R"({
  "host": "abc-123-us-east1.db.astra.datastax.com",
  "port": 29080,
  "cql_port": 29042,
  "keyspace": "ks",
  "localDC": "us-east1",
  "caCertLocation": "./ca.crt",
  "keyLocation": "./key",
  "certLocation": "./cert",
  "keyStoreLocation": "./identity.jks",
  "keyStorePassword": "secret",
  "trustStoreLocation": "./trustStore.jks",
  "trustStorePassword": "secret",
  "csvLocation": "./data"
})";

std::map<std::string, std::string> bundle_files(std::string config = astra_config) {
  return {{"ca.crt", "CA PEM"},
          {"cert", "CERT PEM"},
          {"key", "KEY PEM"},
          {"config.json", std::move(config)},
          {"identity.jks", std::string(100, '\x01')}};
}

std::string zip_of(const std::map<std::string, std::string>& files) {
  std::vector<zip_input> entries;
  for (const auto& [name, data] : files)
    entries.push_back({name, data, name != "ca.crt"});
  return write_zip(entries).bytes;
}

TEST(SecureBundle, ReadsAnAstraBundle) {
  temp_dir dir;
  const auto path = dir.write("scb.zip", zip_of(bundle_files()));
  const secure_bundle b = read_secure_bundle(key_name, path);
  EXPECT_EQ(b.path, path);
  EXPECT_EQ(b.host, "abc-123-us-east1.db.astra.datastax.com");
  EXPECT_EQ(b.port, 29080);
  EXPECT_EQ(b.cql_port, 29042);
  EXPECT_EQ(b.local_dc, "us-east1");
  EXPECT_EQ(b.ca.text, "CA PEM");
  EXPECT_EQ(b.ca.key, key_name);
  EXPECT_EQ(b.ca.where, path + ": ca.crt");
  EXPECT_EQ(b.certificate.text, "CERT PEM");
  EXPECT_EQ(b.certificate.where, path + ": cert");
  EXPECT_EQ(b.private_key.text, "KEY PEM");
  EXPECT_EQ(b.private_key.where, path + ": key");

  const client_tls_material m = tls_material(b);
  EXPECT_EQ(m.ca.where, b.ca.where);
  ASSERT_TRUE(m.certificate && m.private_key);
  EXPECT_EQ(m.certificate->text, "CERT PEM");
  EXPECT_EQ(m.private_key->text, "KEY PEM");
  EXPECT_EQ(metadata_url(b), "https://abc-123-us-east1.db.astra.datastax.com:29080/metadata");
}

TEST(SecureBundle, OptionalFieldsAndOtherEntryNames) {
  temp_dir dir;
  auto files = bundle_files(
      R"({"host": "10.0.0.1", "port": "443", "caCertLocation": "./certs/root.pem",
          "certLocation": "./missing", "keyLocation": "key"})");
  files["certs/root.pem"] = "ROOT PEM";
  const auto path = dir.write("scb.zip", zip_of(files));
  const secure_bundle b = read_secure_bundle(key_name, path);
  EXPECT_EQ(b.host, "10.0.0.1");
  EXPECT_EQ(b.port, 443);
  EXPECT_FALSE(b.cql_port);
  EXPECT_EQ(b.local_dc, "");
  EXPECT_EQ(b.ca.text, "ROOT PEM");  // the location config.json names
  EXPECT_EQ(b.ca.where, path + ": certs/root.pem");
  EXPECT_EQ(b.certificate.where, path + ": cert");  // a location that is not there: the default
  EXPECT_EQ(b.private_key.where, path + ": key");
}

TEST(SecureBundle, FileErrors) {
  temp_dir dir;
  const auto missing = dir.file("missing.zip");
  EXPECT_EQ(error_of([&] { read_secure_bundle(key_name, missing); }),
            "key '" + key_name + "': cannot read '" + missing + "': No such file or directory");
  const auto directory = dir.file("");
  EXPECT_EQ(error_of([&] { read_secure_bundle(key_name, directory); }),
            "key '" + key_name + "': '" + directory + "' is a directory, not a zip file");
  const auto text = dir.write("scb.zip", "host: example\n");
  EXPECT_EQ(error_of([&] { read_secure_bundle(key_name, text); }),
            "key '" + key_name + "': '" + text +
                "' is not a usable zip file: not a zip archive (14 bytes)");
}

TEST(SecureBundle, MissingEntries) {
  temp_dir dir;
  for (const std::string name : {"ca.crt", "cert", "key", "config.json"}) {
    auto files = bundle_files();
    files.erase(name);
    const auto path = dir.write("scb.zip", zip_of(files));
    EXPECT_EQ(error_of([&] { read_secure_bundle(key_name, path); }),
              "key '" + key_name + "': '" + path + "' has no '" + name + "'");
  }
}

TEST(SecureBundle, CorruptEntry) {
  temp_dir dir;
  auto z = write_zip({{"ca.crt", "CA PEM", false},
                      {"cert", "C", false},
                      {"key", "K", false},
                      {"config.json", astra_config, true}});
  z.bytes[z.data_at[0]] = 'X';
  const auto path = dir.write("scb.zip", z.bytes);
  EXPECT_EQ(error_of([&] { read_secure_bundle(key_name, path); }),
            "key '" + key_name + "': '" + path +
                "': entry 'ca.crt' fails its CRC-32 check (corrupt archive)");
}

TEST(SecureBundle, ConfigErrors) {
  temp_dir dir;
  const auto error_for = [&](const std::string& config) {
    const auto path = dir.write("scb.zip", zip_of(bundle_files(config)));
    const std::string prefix = "key '" + key_name + "': '" + path + ": config.json'";
    const std::string e = error_of([&] { read_secure_bundle(key_name, path); });
    return e.starts_with(prefix) ? e.substr(prefix.size()) : "wrong prefix: " + e;
  };
  EXPECT_EQ(error_for(R"({"host": "h", "port": 1)"), " is not JSON: expected '}' or ',' (line 1)");
  EXPECT_EQ(error_for("[1, 2]"), " is not a JSON object");
  EXPECT_EQ(error_for(R"({"port": 29080})"), " has no \"host\"");
  EXPECT_EQ(error_for(R"({"host": "", "port": 29080})"), ": \"host\" is empty");
  EXPECT_EQ(error_for(R"({"host": {"a": 1}, "port": 29080})"), ": \"host\" is not a string");
  EXPECT_EQ(error_for(R"({"host": "h"})"), " has no \"port\"");
  EXPECT_EQ(error_for(R"({"host": "h", "port": 70000})"),
            ": \"port\" is not a port number (1-65535): '70000'");
  EXPECT_EQ(error_for(R"({"host": "h", "port": 0})"),
            ": \"port\" is not a port number (1-65535): '0'");
  EXPECT_EQ(error_for(R"({"host": "h", "port": "29080x"})"),
            ": \"port\" is not a port number (1-65535): '29080x'");
  EXPECT_EQ(error_for(R"({"host": "h", "port": -1})"),
            ": \"port\" is not a port number (1-65535): '-1'");
  EXPECT_EQ(error_for(R"({"host": "h", "port": 1, "cql_port": 1e3})"),
            ": \"cql_port\" is not a port number (1-65535): '1e3'");
}

// --- the metadata service's answer ---------------------------------------------------------------

const std::string url = "https://h:29080/metadata";

std::string metadata_json(const std::string& contact_info) {
  return R"({"version": 1, "region": "us-east1", "contact_info": )" + contact_info + "}";
}

const std::string astra_contact_info = R"({
  "type": "sni_proxy", "local_dc": "us-east1",
  "contact_points": ["0a5e0b48-5bb4-4e41-9a75-7e1e9b2c3e7a", "1b6f1c59-6cc5-4f52-8b86-8f2fac3d4f8b"],
  "sni_proxy_address": "abc-123-us-east1.db.astra.datastax.com:29042"})";

TEST(BundleMetadata, ParsesAnAstraAnswer) {
  const bundle_metadata m = parse_bundle_metadata(metadata_json(astra_contact_info), url);
  EXPECT_EQ(m.local_dc, "us-east1");
  EXPECT_EQ(m.host_ids, (std::vector<std::string>{"0a5e0b48-5bb4-4e41-9a75-7e1e9b2c3e7a",
                                                  "1b6f1c59-6cc5-4f52-8b86-8f2fac3d4f8b"}));
  EXPECT_EQ(m.sni_proxy_host, "abc-123-us-east1.db.astra.datastax.com");
  EXPECT_EQ(m.sni_proxy_port, 29042);
}

TEST(BundleMetadata, BracketedIpv6AndNoLocalDc) {
  const bundle_metadata m = parse_bundle_metadata(
      metadata_json(R"({"contact_points": ["a"], "sni_proxy_address": "[::1]:9042"})"), url);
  EXPECT_EQ(m.local_dc, "");
  EXPECT_EQ(m.sni_proxy_host, "::1");
  EXPECT_EQ(m.sni_proxy_port, 9042);
}

TEST(BundleMetadata, Errors) {
  const auto error_for = [](const std::string& json) {
    const std::string prefix = url + ": the answer";
    const std::string e = error_of([&] { parse_bundle_metadata(json, url); });
    return e.starts_with(prefix) ? e.substr(prefix.size()) : "wrong prefix: " + e;
  };
  const auto with = [](const std::string& points, const std::string& address) {
    return metadata_json(R"({"contact_points": )" + points + R"(, "sni_proxy_address": )" +
                         address + "}");
  };
  EXPECT_EQ(error_for("<html>"), " is not JSON: expected value (line 1)");
  EXPECT_EQ(error_for(R"({"version": 1})"), " has no \"contact_info\"");
  EXPECT_EQ(error_for(metadata_json(R"({"sni_proxy_address": "h:1"})")),
            " has no \"contact_info.contact_points\"");
  EXPECT_EQ(error_for(with("[]", R"("h:1")")), ": \"contact_info.contact_points\" is empty");
  EXPECT_EQ(error_for(with(R"("a")", R"("h:1")")),
            ": \"contact_info.contact_points\" is not a list");
  EXPECT_EQ(error_for(with(R"([{"id": "a"}])", R"("h:1")")),
            ": \"contact_info.contact_points\" holds an item that is not a name");
  EXPECT_EQ(error_for(with(R"({"a": "b"})", R"("h:1")")),
            ": \"contact_info.contact_points\" is not a list");
  EXPECT_EQ(error_for(metadata_json(R"({"contact_points": ["a"]})")),
            " has no \"contact_info.sni_proxy_address\"");
  EXPECT_EQ(error_for(with(R"(["a"])", R"("h")")),
            ": \"contact_info.sni_proxy_address\" is not HOST:PORT: 'h'");
  EXPECT_EQ(error_for(with(R"(["a"])", R"("::1:9042")")),
            ": \"contact_info.sni_proxy_address\" is not HOST:PORT: '::1:9042'");
  EXPECT_EQ(error_for(with(R"(["a"])", R"("[::1]")")),
            ": \"contact_info.sni_proxy_address\" is not HOST:PORT: '[::1]'");
  EXPECT_EQ(error_for(with(R"(["a"])", R"("h:0")")),
            ": the port of \"contact_info.sni_proxy_address\" is not a port number (1-65535): "
            "'0'");
  EXPECT_EQ(error_for(metadata_json(R"({"type": "direct", "contact_points": ["a"]})")),
            ": \"contact_info.type\" is 'direct'; only 'sni_proxy' is supported");
}

// --- fetching it over mutual TLS -----------------------------------------------------------------

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Serves one HTTPS connection on 127.0.0.1 (port 0): requires a client certificate from the
// test CA, reads the request head, and answers `response` (then closes without close_notify),
// or with `answer` false holds the connection until the client gives up.
class https_server {
 public:
  https_server(asio::io_context& io, const issued& identity)
      : acceptor_(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    const auto& p = certificates();
    server_tls_material m{{"test", "server cert", identity.cert_pem},
                          {"test", "server key", identity.key_pem},
                          {"test", "ca", p.ca.cert_pem},
                          true};
    ctx_ = make_server_context(m);
    asio::co_spawn(io, serve(), asio::detached);
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  std::string response;
  bool answer = true;
  std::string request;          // the head the client sent
  std::string handshake_error;  // why the server's handshake failed, if it did

 private:
  asio::awaitable<void> serve() {
    auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
    if (ec) co_return;
    auto shaken = co_await server_handshake(std::move(socket), *ctx_,
                                            steady::now() + std::chrono::seconds(10));
    if (!shaken.stream) {
      handshake_error = shaken.error;
      co_return;
    }
    transport& t = *shaken.stream;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos || !answer) {
      auto [read_ec, n] = co_await t.read_some(asio::buffer(buf));
      if (read_ec) co_return;
      request.append(buf, n);
    }
    co_await t.write(asio::buffer(response));
    t.close();
  }

  tcp::acceptor acceptor_;
  std::shared_ptr<asio::ssl::context> ctx_;
};

std::string http_ok(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string local_answer = metadata_json(
    R"({"type": "sni_proxy", "local_dc": "dc1", "contact_points": ["host-1", "host-2"],
        "sni_proxy_address": "127.0.0.1:29042"})");

secure_bundle loopback_bundle(const std::string& host, std::uint16_t port,
                              const issued& client = certificates().client) {
  secure_bundle b;
  b.path = "test.zip";
  b.ca = {key_name, "test.zip: ca.crt", certificates().ca.cert_pem};
  b.certificate = {key_name, "test.zip: cert", client.cert_pem};
  b.private_key = {key_name, "test.zip: key", client.key_pem};
  b.host = host;
  b.port = port;
  return b;
}

struct fetched {
  std::optional<bundle_metadata> metadata;
  std::string error;
};

fetched fetch(asio::io_context& io, const secure_bundle& b,
              std::chrono::milliseconds budget = std::chrono::seconds(10)) {
  const auto ctx = make_client_context(tls_material(b));
  fetched out;
  asio::co_spawn(io, fetch_bundle_metadata(b, *ctx, steady::now() + budget),
                 [&](std::exception_ptr e, bundle_metadata m) {
                   if (!e) {
                     out.metadata = std::move(m);
                   } else {
                     try {
                       std::rethrow_exception(e);
                     } catch (const tls_error& t) {
                       out.error = t.what();
                     } catch (const std::exception& x) {
                       out.error = std::string("not a tls_error: ") + x.what();
                     }
                   }
                   io.stop();  // the server may still be waiting for a connection
                 });
  io.run();
  return out;
}

TEST(FetchBundleMetadata, ReadsTheBundleAndFetchesOverMutualTls) {
  asio::io_context io;
  https_server server(io, certificates().server);
  server.response = http_ok(local_answer);
  temp_dir dir;
  auto files =
      bundle_files(R"({"host": "localhost", "port": )" + std::to_string(server.port()) + "}");
  files["ca.crt"] = certificates().ca.cert_pem;
  files["cert"] = certificates().client.cert_pem;
  files["key"] = certificates().client.key_pem;
  const auto b = read_secure_bundle(key_name, dir.write("scb.zip", zip_of(files)));

  const auto r = fetch(io, b);
  ASSERT_TRUE(r.metadata) << r.error;
  EXPECT_EQ(r.metadata->local_dc, "dc1");
  EXPECT_EQ(r.metadata->host_ids, (std::vector<std::string>{"host-1", "host-2"}));
  EXPECT_EQ(r.metadata->sni_proxy_host, "127.0.0.1");
  EXPECT_EQ(r.metadata->sni_proxy_port, 29042);
  EXPECT_TRUE(server.request.starts_with("GET /metadata HTTP/1.1\r\n")) << server.request;
  EXPECT_NE(server.request.find("\r\nHost: localhost:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos)
      << server.request;
}

TEST(FetchBundleMetadata, IpAddressHostAndABodyEndedByClose) {
  asio::io_context io;
  https_server server(io, certificates().server);
  server.response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + local_answer;
  const auto r = fetch(io, loopback_bundle("127.0.0.1", server.port()));
  ASSERT_TRUE(r.metadata) << r.error;
  EXPECT_EQ(r.metadata->host_ids.size(), 2u);
}

TEST(FetchBundleMetadata, WrongServerNameIsRefused) {
  asio::io_context io;
  https_server server(io, certificates().wrong_name);
  server.response = http_ok(local_answer);
  const auto r = fetch(io, loopback_bundle("localhost", server.port()));
  ASSERT_FALSE(r.metadata);
  const std::string prefix =
      "https://localhost:" + std::to_string(server.port()) + "/metadata: TLS handshake with";
  EXPECT_TRUE(r.error.starts_with(prefix)) << r.error;
  EXPECT_NE(r.error.find("hostname mismatch"), std::string::npos) << r.error;
}

TEST(FetchBundleMetadata, UntrustedClientCertificateIsReported) {
  asio::io_context io;
  https_server server(io, certificates().server);
  server.response = http_ok(local_answer);
  auto b = loopback_bundle("localhost", server.port(), certificates().stranger);
  const auto r = fetch(io, b);
  ASSERT_FALSE(r.metadata);
  // TLS 1.3 finishes the client's handshake before the server checks the client's certificate:
  // the refusal arrives as an alert when the answer is read.
  EXPECT_TRUE(r.error.starts_with(metadata_url(b) + ": ")) << r.error;
  EXPECT_NE(r.error.find("alert unknown ca"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("it may not accept the bundle's certificate"), std::string::npos)
      << r.error;
}

TEST(FetchBundleMetadata, HttpErrorStatusIsReported) {
  asio::io_context io;
  https_server server(io, certificates().server);
  server.response = "HTTP/1.1 404 Not Found\r\nContent-Length: 14\r\n\r\nno such\r\nthing";
  const auto b = loopback_bundle("localhost", server.port());
  const auto r = fetch(io, b);
  ASSERT_FALSE(r.metadata);
  EXPECT_EQ(r.error, metadata_url(b) + ": HTTP 404 Not Found: no such  thing");
}

TEST(FetchBundleMetadata, MalformedAnswerIsReported) {
  asio::io_context io;
  https_server server(io, certificates().server);
  server.response = http_ok("<html>maintenance</html>");
  const auto b = loopback_bundle("localhost", server.port());
  const auto r = fetch(io, b);
  EXPECT_EQ(r.error, metadata_url(b) + ": the answer is not JSON: expected value (line 1)");

  asio::io_context io2;
  https_server truncated(io2, certificates().server);
  truncated.response = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"contact_info\": ";
  const auto t = loopback_bundle("localhost", truncated.port());
  EXPECT_EQ(fetch(io2, t).error,
            metadata_url(t) + ": the server closed the connection before the answer was complete");

  asio::io_context io3;
  https_server garbage(io3, certificates().server);
  garbage.response = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
  const auto g = loopback_bundle("localhost", garbage.port());
  EXPECT_TRUE(fetch(io3, g).error.starts_with(metadata_url(g) + ": the answer is not HTTP: "));
}

TEST(FetchBundleMetadata, ConnectionRefusedIsReported) {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    tcp::acceptor closed(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = closed.local_endpoint().port();
  }
  const auto b = loopback_bundle("127.0.0.1", port);
  const auto r = fetch(io, b);
  const std::string endpoint = "127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(r.error, metadata_url(b) + ": cannot connect to " + endpoint + " (" + endpoint +
                         "): Connection refused");
}

TEST(FetchBundleMetadata, NoAnswerByTheDeadline) {
  asio::io_context io;
  https_server server(io, certificates().server);
  server.answer = false;
  const auto b = loopback_bundle("localhost", server.port());
  const auto r = fetch(io, b, std::chrono::milliseconds(1000));
  EXPECT_EQ(r.error, metadata_url(b) + ": no answer in time (waiting for the answer)");
}

}  // namespace secure_bundle_test

}  // namespace
