#include "cqlshift/net/secure_bundle.hpp"

#include "cqlshift/net/transport.hpp"
#include "cqlshift/net/zip_reader.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
// Property Tree's JSON reader is templates only. Boost.JSON would need <boost/json/src.hpp>
// compiled into this library, and the proxy (endpoints.cpp) and cqlsim (json_impl.cpp) compile it
// already: a binary linking two copies fails with multiple definitions.
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <openssl/err.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>
#include <variant>

namespace cqlshift::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace pt = boost::property_tree;
using namespace asio::experimental::awaitable_operators;

// A bundle is a few KiB; the bound keeps a wrong path (a disk image, say) from being read whole.
constexpr std::uintmax_t max_bundle_size = 64u << 20;
// The metadata answer is a few hundred bytes per node.
constexpr std::uint64_t max_metadata_size = 1u << 20;
// How much of an error answer's body a message quotes.
constexpr std::size_t quoted_body_size = 200;

std::string read_bundle_file(const std::string& prefix, const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status))
    throw tls_error(prefix + ": '" + path + "' is a directory, not a zip file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw tls_error(prefix + ": cannot read '" + path + "': " + std::strerror(err));
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bundle_size) {
    throw tls_error(prefix + ": '" + path + "' is " + std::to_string(size) +
                    " bytes, too large for a secure connect bundle (limit " +
                    std::to_string(max_bundle_size) + ")");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw tls_error(prefix + ": cannot read '" + path + "'");
  return std::move(bytes).str();
}

std::string double_quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

pt::ptree parse_json(std::string_view text, const std::string& what) {
  pt::ptree tree;
  std::istringstream in{std::string(text)};
  try {
    pt::read_json(in, tree);
  } catch (const pt::json_parser_error& e) {
    throw tls_error(what + " is not JSON: " + e.message() + " (line " + std::to_string(e.line()) +
                    ")");
  }
  // A top-level array reads as children with empty names.
  if (!tree.empty() && tree.front().first.empty()) throw tls_error(what + " is not a JSON object");
  return tree;
}

// Named fields of a JSON object read into a property tree (which keeps numbers as text).
class json_fields {
 public:
  json_fields(const pt::ptree& tree, std::string what) : tree_(tree), what_(std::move(what)) {}

  // The text of a string or number field; null if absent. Throws if it is an object or a list.
  std::optional<std::string> text(const char* name) const {
    const auto child = tree_.get_child_optional(name);
    if (!child) return std::nullopt;
    if (!child->empty()) throw tls_error(what_ + ": " + double_quoted(name) + " is not a string");
    return child->data();
  }
  std::string required_text(const char* name) const {
    auto t = text(name);
    if (!t) throw tls_error(what_ + " has no " + double_quoted(name));
    if (t->empty()) throw tls_error(what_ + ": " + double_quoted(name) + " is empty");
    return std::move(*t);
  }
  std::optional<std::uint16_t> port(const char* name) const {
    const auto t = text(name);
    if (!t) return std::nullopt;
    return parse_port(*t, double_quoted(name));
  }
  std::uint16_t required_port(const char* name) const {
    const auto p = port(name);
    if (!p) throw tls_error(what_ + " has no " + double_quoted(name));
    return *p;
  }
  // A list of non-empty strings; throws when absent, not a list, or empty.
  std::vector<std::string> required_texts(const char* name) const {
    const auto child = tree_.get_child_optional(name);
    if (!child) throw tls_error(what_ + " has no " + double_quoted(name));
    if (child->empty() && !child->data().empty())
      throw tls_error(what_ + ": " + double_quoted(name) + " is not a list");
    std::vector<std::string> out;
    for (const auto& [key, item] : *child) {
      if (!key.empty()) throw tls_error(what_ + ": " + double_quoted(name) + " is not a list");
      if (!item.empty() || item.data().empty())
        throw tls_error(what_ + ": " + double_quoted(name) + " holds an item that is not a name");
      out.push_back(item.data());
    }
    if (out.empty()) throw tls_error(what_ + ": " + double_quoted(name) + " is empty");
    return out;
  }

  std::uint16_t parse_port(std::string_view t, const std::string& field) const {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc() || end != t.data() + t.size() || value == 0 || value > 65535) {
      throw tls_error(what_ + ": " + field + " is not a port number (1-65535): '" + std::string(t) +
                      "'");
    }
    return static_cast<std::uint16_t>(value);
  }

 private:
  const pt::ptree& tree_;
  std::string what_;
};

// The entry config.json names (a location such as "./ca.crt"), else `fallback`.
std::string entry_name(const zip_archive& zip, const std::optional<std::string>& location,
                       const std::string& fallback) {
  if (!location) return fallback;
  std::string_view name(*location);
  while (name.starts_with("./"))
    name.remove_prefix(2);
  if (!name.empty() && zip.find(name) != nullptr) return std::string(name);
  return fallback;
}

pem_source pem_entry(const zip_archive& zip, const std::string& key, const std::string& path,
                     const std::string& prefix, const std::string& name) {
  const zip_entry* e = zip.find(name);
  if (e == nullptr) throw tls_error(prefix + ": '" + path + "' has no '" + name + "'");
  try {
    return pem_source{key, path + ": " + name, zip.read(*e)};
  } catch (const zip_error& err) {
    throw tls_error(prefix + ": '" + path + "': " + err.what());
  }
}

// "HOST:PORT" or "[V6]:PORT" split; throws naming `what`.
std::pair<std::string, std::uint16_t> split_address(const std::string& address,
                                                    const json_fields& fields,
                                                    const std::string& what) {
  std::string host;
  std::string_view port;
  if (address.starts_with('[')) {
    const auto close = address.find(']');
    if (close != std::string::npos && close + 1 < address.size() && address[close + 1] == ':') {
      host = address.substr(1, close - 1);
      port = std::string_view(address).substr(close + 2);
    }
  } else if (const auto colon = address.rfind(':'); colon != std::string::npos) {
    host = address.substr(0, colon);
    port = std::string_view(address).substr(colon + 1);
    if (host.find(':') != std::string::npos) host.clear();  // an IPv6 address needs brackets
  }
  if (host.empty()) {
    throw tls_error(what + ": \"contact_info.sni_proxy_address\" is not HOST:PORT: '" + address +
                    "'");
  }
  return {host, fields.parse_port(port, "the port of \"contact_info.sni_proxy_address\"")};
}

std::string printable_prefix(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, quoted_body_size))
    out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  if (body.size() > quoted_body_size) out += "...";
  return out;
}

// What one GET gave: the body of a 200 answer, or why there is none.
struct fetch_outcome {
  std::string body;
  std::string error;  // empty on success
};

// Never throws (an exception inside `||` would make it wait for the timer): failures are values.
asio::awaitable<fetch_outcome> get_metadata(const secure_bundle& b, asio::ssl::context& ctx,
                                            std::chrono::steady_clock::time_point deadline,
                                            std::string& stage) {
  using tcp = asio::ip::tcp;
  auto ex = co_await asio::this_coro::executor;
  const std::string endpoint = authority_text(b.host, b.port);

  stage = "resolving '" + b.host + "'";
  tcp::resolver resolver(ex);
  const std::string service = std::to_string(b.port);
  auto [resolve_ec, addresses] = co_await resolver.async_resolve(b.host, service, use_tuple);
  if (resolve_ec)
    co_return fetch_outcome{{}, "cannot resolve '" + b.host + "': " + resolve_ec.message()};

  stage = "connecting to " + endpoint;
  tcp::socket socket(ex);
  auto [connect_ec, peer] = co_await asio::async_connect(socket, addresses, use_tuple);
  if (connect_ec) {
    std::string tried;
    for (const auto& a : addresses) {
      std::ostringstream text;
      text << a.endpoint();
      tried += (tried.empty() ? "" : ", ") + text.str();
    }
    co_return fetch_outcome{
        {}, "cannot connect to " + endpoint + " (" + tried + "): " + connect_ec.message()};
  }

  stage = "in the TLS handshake with " + endpoint;
  // Named, not a temporary in the co_await expression: g++ 12 mishandles a temporary passed by
  // reference to an awaited coroutine (free(): invalid pointer at -O2).
  const tls_peer peer_name{b.host, b.host};
  auto shaken = co_await client_handshake(std::move(socket), ctx, peer_name, deadline);
  if (!shaken.stream)
    co_return fetch_outcome{{}, "TLS handshake with " + endpoint + " failed: " + shaken.error};
  transport& stream = *shaken.stream;

  stage = "sending the request";
  const std::string request = "GET /metadata HTTP/1.1\r\nHost: " + endpoint +
                              "\r\nAccept: application/json\r\nConnection: close\r\n"
                              "User-Agent: cqlshift\r\n\r\n";
  auto [write_ec, written] = co_await stream.write(asio::buffer(request));
  if (write_ec) {
    stream.close();
    co_return fetch_outcome{{}, "cannot send the request: " + write_ec.message()};
  }

  stage = "waiting for the answer";
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(max_metadata_size);
  beast::flat_buffer buffer;
  beast::error_code parse_ec;
  for (;;) {
    auto [ec, n] = co_await stream.read_some(buffer.prepare(64 * 1024));
    buffer.commit(n);
    while (buffer.size() > 0 && !parser.is_done() && !parse_ec)
      buffer.consume(parser.put(buffer.data(), parse_ec));
    if (parse_ec == http::error::need_more) parse_ec = {};
    if (parse_ec || parser.is_done()) break;
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      // Without Content-Length the body ends where the connection does; otherwise put_eof
      // reports partial_message.
      parser.put_eof(parse_ec);
      break;
    }
    if (ec) {
      stream.close();
      std::string text = "reading the answer failed: " + ec.message();
      if (ec.category() == asio::error::get_ssl_category()) {
        ERR_clear_error();
        // TLS 1.3 completes the client's handshake before the server checks the client's
        // certificate: a refusal arrives here, as an alert.
        if (text.find("alert") != std::string::npos)
          text += " (the server ended the TLS session; it may not accept the bundle's certificate)";
      }
      co_return fetch_outcome{{}, std::move(text)};
    }
  }
  stream.close();
  if (parse_ec == http::error::partial_message)
    co_return fetch_outcome{{}, "the server closed the connection before the answer was complete"};
  if (parse_ec == http::error::body_limit) {
    co_return fetch_outcome{
        {}, "the answer is larger than " + std::to_string(max_metadata_size) + " bytes"};
  }
  if (parse_ec) co_return fetch_outcome{{}, "the answer is not HTTP: " + parse_ec.message()};

  auto& response = parser.get();
  if (response.result() != http::status::ok) {
    std::string error = "HTTP " + std::to_string(response.result_int());
    if (!response.reason().empty()) error += " " + std::string(response.reason());
    if (!response.body().empty()) error += ": " + printable_prefix(response.body());
    co_return fetch_outcome{{}, std::move(error)};
  }
  co_return fetch_outcome{std::move(response.body()), {}};
}

}  // namespace

secure_bundle read_secure_bundle(std::string key, const std::string& path) {
  const std::string prefix = "key '" + key + "'";
  std::optional<zip_archive> zip;
  try {
    zip.emplace(read_bundle_file(prefix, path));
  } catch (const zip_error& e) {
    throw tls_error(prefix + ": '" + path + "' is not a usable zip file: " + e.what());
  }

  const std::string config_what = prefix + ": '" + path + ": config.json'";
  const pem_source config = pem_entry(*zip, key, path, prefix, "config.json");
  const pt::ptree tree = parse_json(config.text, config_what);
  const json_fields fields(tree, config_what);

  secure_bundle b;
  b.path = path;
  b.host = fields.required_text("host");
  b.port = fields.required_port("port");
  b.cql_port = fields.port("cql_port");
  b.local_dc = fields.text("localDC").value_or("");
  b.ca =
      pem_entry(*zip, key, path, prefix, entry_name(*zip, fields.text("caCertLocation"), "ca.crt"));
  b.certificate =
      pem_entry(*zip, key, path, prefix, entry_name(*zip, fields.text("certLocation"), "cert"));
  b.private_key =
      pem_entry(*zip, key, path, prefix, entry_name(*zip, fields.text("keyLocation"), "key"));
  return b;
}

client_tls_material tls_material(const secure_bundle& bundle) {
  return client_tls_material{bundle.ca, bundle.certificate, bundle.private_key};
}

bundle_metadata parse_bundle_metadata(std::string_view json, const std::string& source) {
  const std::string what = source + ": the answer";
  const pt::ptree tree = parse_json(json, what);
  if (!tree.get_child_optional("contact_info")) throw tls_error(what + " has no \"contact_info\"");
  const json_fields fields(tree, what);
  if (const auto type = fields.text("contact_info.type"); type && *type != "sni_proxy") {
    throw tls_error(what + ": \"contact_info.type\" is '" + *type +
                    "'; only 'sni_proxy' is supported");
  }
  bundle_metadata m;
  m.local_dc = fields.text("contact_info.local_dc").value_or("");
  m.host_ids = fields.required_texts("contact_info.contact_points");
  const std::string address = fields.required_text("contact_info.sni_proxy_address");
  std::tie(m.sni_proxy_host, m.sni_proxy_port) = split_address(address, fields, what);
  return m;
}

std::string metadata_url(const secure_bundle& bundle) {
  return "https://" + authority_text(bundle.host, bundle.port) + "/metadata";
}

asio::awaitable<bundle_metadata> fetch_bundle_metadata(
    const secure_bundle& bundle, asio::ssl::context& ctx,
    std::chrono::steady_clock::time_point deadline) {
  const std::string url = metadata_url(bundle);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(deadline);
  // `||` waits for the losing branch to finish its cancellation, so `stage` outlives it.
  std::string stage;
  auto outcome =
      co_await (get_metadata(bundle, ctx, deadline, stage) || timer.async_wait(use_tuple));
  if (outcome.index() == 1) throw tls_error(url + ": no answer in time (" + stage + ")");
  auto& fetched = std::get<0>(outcome);
  if (!fetched.error.empty()) throw tls_error(url + ": " + fetched.error);
  co_return parse_bundle_metadata(fetched.body, url);
}

}  // namespace cqlshift::net
