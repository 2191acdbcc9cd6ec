#include "control_connection.hpp"

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/sasl.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <random>

namespace cqlshift::proxy {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using net::use_tuple;
using protocol::opcode;
using protocol::protocol_version;

// Versions tried from the configured maximum down (SPEC 9).
const std::vector<protocol_version> version_order = {protocol_version::dse_v2,
                                                     protocol_version::dse_v1, protocol_version::v5,
                                                     protocol_version::v4, protocol_version::v3};

// The column of a row by name, or nullptr.
const std::optional<protocol::bytes>* cell(const protocol::rows_result& rows, std::size_t row,
                                           std::string_view column) {
  for (std::size_t k = 0; k < rows.metadata.columns.size(); ++k)
    if (rows.metadata.columns[k].name == column) return &rows.rows[row][k];
  return nullptr;
}

std::string text_cell(const protocol::rows_result& rows, std::size_t row, std::string_view col) {
  const auto* c = cell(rows, row, col);
  if (c == nullptr || !*c) return {};
  return std::string((*c)->begin(), (*c)->end());
}

std::optional<asio::ip::address> inet_cell(const protocol::rows_result& rows, std::size_t row,
                                           std::string_view col) {
  const auto* c = cell(rows, row, col);
  if (c == nullptr || !*c) return std::nullopt;
  const protocol::bytes& b = **c;
  if (b.size() == 4) {
    asio::ip::address_v4::bytes_type a;
    std::copy(b.begin(), b.end(), a.begin());
    return asio::ip::address_v4(a);
  }
  if (b.size() == 16) {
    asio::ip::address_v6::bytes_type a;
    std::copy(b.begin(), b.end(), a.begin());
    return asio::ip::address_v6(a);
  }
  return std::nullopt;
}

// A uuid column as text (8-4-4-4-12 hex digits), or nullopt.
std::optional<std::string> uuid_cell(const protocol::rows_result& rows, std::size_t row,
                                     std::string_view col) {
  const auto* c = cell(rows, row, col);
  if (c == nullptr || !*c || (*c)->size() != 16) return std::nullopt;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += digits[(**c)[i] >> 4];
    out += digits[(**c)[i] & 0xF];
  }
  return out;
}

}  // namespace

control_connection::control_connection(std::shared_ptr<proxy_context> ctx, cluster which,
                                       asio::io_context& io)
    : ctx_(std::move(ctx)), which_(which), io_(io) {}

const config::cluster_settings& control_connection::settings() const noexcept {
  return which_ == cluster::origin ? ctx_->settings.origin : ctx_->settings.target;
}

std::string control_connection::name() const {
  return std::string(to_string(which_));
}

void control_connection::start(std::function<void()> on_up) {
  on_up_ = std::move(on_up);
  asio::co_spawn(io_, run(shared_from_this()), asio::detached);
}

std::string control_connection::address() const {
  if (ever_up_) return connected_.label();
  const auto& s = settings();
  if (!s.secure_connect_bundle_path.empty())
    return "secure connect bundle " + s.secure_connect_bundle_path;
  const std::string host = s.contact_points.empty() ? std::string() : s.contact_points.front();
  return host + ":" + std::to_string(s.port);
}

void control_connection::stop() {
  stopped_ = true;
  if (stream_) stream_->close();
}

asio::awaitable<void> control_connection::run(
    [[maybe_unused]] std::shared_ptr<control_connection> self) {
  std::mt19937 rng(std::random_device{}());
  double backoff = ctx_->settings.heartbeat_retry_interval_min_ms;
  while (!stopped_) {
    try {
      co_await connect_once();
      failures_ = 0;
      backoff = ctx_->settings.heartbeat_retry_interval_min_ms;
      up_ = true;
      ever_up_ = true;
      if (on_up_) on_up_();
      co_await serve();
    } catch (const std::exception& e) {
      if (stopped_) break;
      ++failures_;
      spdlog::warn("control connection to {}: {} (failure {} in a row)", name(), e.what(),
                   failures_);
    }
    up_ = false;
    if (stream_) stream_->close();
    if (stopped_) break;
    // Jittered exponential backoff between attempts (SPEC 9).
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    asio::steady_timer wait(io_);
    wait.expires_after(std::chrono::milliseconds(static_cast<long>(backoff * jitter(rng))));
    co_await wait.async_wait(use_tuple);
    backoff = std::min<double>(backoff * ctx_->settings.heartbeat_retry_backoff_factor,
                               ctx_->settings.heartbeat_retry_interval_max_ms);
  }
}

asio::awaitable<protocol::frame> control_connection::exchange(const protocol::request& r) {
  auto body = protocol::encode_request(r, version_);
  if (!body)
    throw failure("cannot encode " + std::string(protocol::to_string(protocol::opcode_of(r))));
  protocol::frame_header h;
  h.version = raw(version_);
  h.stream = next_stream_;
  h.op = protocol::opcode_of(r);
  next_stream_ = static_cast<std::int16_t>(next_stream_ % 1000 + 1);
  stream_->send(h, *body);
  asio::steady_timer timer(io_);
  timer.expires_after(std::chrono::milliseconds(settings().connection_timeout_ms));
  for (;;) {
    auto result = co_await (stream_->read() || timer.async_wait(use_tuple));
    if (result.index() == 1)
      throw failure("no answer within " + std::to_string(settings().connection_timeout_ms) + " ms");
    auto f = std::get<0>(std::move(result));
    if (!f) throw failure(f.error().message());
    if (f->header.stream == h.stream) co_return std::move(*f);
    if (f->header.op == opcode::event) refresh_needed_ = true;
  }
}

asio::awaitable<std::vector<node_address>> control_connection::contact_nodes() {
  const config::cluster_settings& s = settings();
  const cluster_tls& tls = ctx_->tls_of(which_);
  asio::ip::tcp::resolver resolver(io_);
  std::vector<node_address> nodes;
  if (tls.bundle) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(s.connection_timeout_ms);
    try {
      bundle_metadata_ = co_await net::fetch_bundle_metadata(*tls.bundle, *tls.context, deadline);
    } catch (const net::tls_error& e) {
      throw failure(e.what());
    }
    const net::bundle_metadata& m = *bundle_metadata_;
    auto [ec, endpoints] = co_await resolver.async_resolve(
        m.sni_proxy_host, std::to_string(m.sni_proxy_port), use_tuple);
    if (ec) throw failure("cannot resolve the SNI proxy " + m.sni_proxy_host + ": " + ec.message());
    if (m.host_ids.empty()) throw failure("the bundle's metadata service names no contact point");
    for (const std::string& id : m.host_ids)
      nodes.push_back(node_address{endpoints.begin()->endpoint(), id, true});
    co_return nodes;
  }
  if (s.contact_points.empty()) throw failure("no contact points configured");
  std::string last_error;
  for (const std::string& host : s.contact_points) {
    auto [ec, endpoints] = co_await resolver.async_resolve(host, std::to_string(s.port), use_tuple);
    if (ec) {
      last_error = "cannot resolve " + host + ": " + ec.message();
      continue;
    }
    for (const auto& entry : endpoints)
      nodes.push_back(node_address{entry.endpoint(), host, false});
  }
  if (nodes.empty()) throw failure(last_error);
  co_return nodes;
}

asio::awaitable<void> control_connection::connect_once() {
  const config::cluster_settings& s = settings();
  const std::vector<node_address> nodes = co_await contact_nodes();
  std::string last_error = "no contact point answered";
  const auto max_version = ctx_->settings.control_conn_max_protocol_version;
  for (const node_address& node : nodes) {
    for (protocol_version v : version_order) {
      if (raw(v) > max_version) continue;
      auto connected = co_await connect_to_node(io_.get_executor(), ctx_->tls_of(which_), node,
                                                std::chrono::milliseconds(s.connection_timeout_ms));
      if (!connected.stream) {
        last_error = "cannot connect to " + node.label() + ": " + connected.error;
        break;
      }
      asio::steady_timer timer(io_);
      stream_ = std::make_shared<net::frame_stream>(std::move(*connected.stream),
                                                    ctx_->settings.max_frame_size_bytes);
      stream_->start();
      version_ = v;
      protocol::startup st;
      st.options = {{"CQL_VERSION", "3.0.0"}, {"DRIVER_NAME", "cqlshift"}};
      auto body = protocol::encode_request(st, v);
      protocol::frame_header h;
      h.version = raw(v);
      h.stream = 0;
      h.op = opcode::startup;
      stream_->send(h, *body);
      if (protocol::uses_segments(v)) stream_->segments_out(false);
      timer.expires_after(std::chrono::milliseconds(s.connection_timeout_ms));
      auto answered = co_await (stream_->read() || timer.async_wait(use_tuple));
      if (answered.index() == 1) {
        // A node that does not answer: the next one may.
        last_error = node.label() + " did not answer STARTUP within " +
                     std::to_string(s.connection_timeout_ms) + " ms";
        stream_->close();
        break;
      }
      auto f = std::get<0>(std::move(answered));
      if (!f) {
        // Some servers close the connection on a version they do not speak.
        last_error = f.error().message();
        if (f.error() == asio::error::eof && !ctx_->tls_of(which_).context) {
          last_error += " (" + node.label() +
                        " closed the connection unanswered; if it requires TLS, set " +
                        ctx_->tls_of(which_).prefix + "_tls_server_ca_path)";
        }
        stream_->close();
        continue;
      }
      if (f->header.op == opcode::error) {
        // Any PROTOCOL_ERROR (whatever version its header carries) means "try lower".
        stream_->close();
        last_error = "refused protocol " + std::string(protocol::to_string(v));
        continue;
      }
      if (protocol::uses_segments(v)) stream_->segments_in(false);
      if (f->header.op == opcode::authenticate) {
        protocol::auth_response ar;
        ar.token = protocol::sasl_plain_token(s.username, s.password);
        auto reply = co_await exchange(ar);
        if (reply.header.op != opcode::auth_success)
          throw failure("authentication with the configured " +
                        std::string(which_ == cluster::origin ? "origin" : "target") +
                        "_username was refused");
      } else if (f->header.op != opcode::ready) {
        throw failure("unexpected answer to STARTUP");
      }
      connected_ = node;
      co_await refresh();
      protocol::register_request reg;
      reg.events = {"TOPOLOGY_CHANGE", "STATUS_CHANGE"};
      co_await exchange(reg);
      spdlog::info("control connection to {} up: {} protocol {}{}", name(), connected_.label(),
                   protocol::to_string(version_), stream_->is_tls() ? " over TLS" : "");
      co_return;
    }
  }
  throw failure(last_error);
}

asio::awaitable<void> control_connection::refresh() {
  auto view = std::make_shared<cluster_view>();
  view->which = which_;
  view->version = version_;
  auto supported = co_await exchange(protocol::options{});
  const auto decode = [&](const protocol::frame& f) -> protocol::response {
    auto opened = protocol::open_body(f.header, f.body);
    if (!opened) throw failure("malformed response");
    auto m = protocol::decode_response(f.header.op, version_, opened->message);
    if (!m) throw failure("malformed response: " + m.error().message());
    if (auto* e = std::get_if<protocol::error_response>(&*m)) throw failure(e->message);
    return std::move(*m);
  };
  const protocol::response options_answer = decode(supported);
  if (const auto* s = std::get_if<protocol::supported>(&options_answer))
    view->supported = s->options;
  const auto query = [&](std::string text) -> asio::awaitable<protocol::rows_result> {
    protocol::query q;
    q.query_string = std::move(text);
    q.params.consistency_level = protocol::consistency::one;
    auto f = co_await exchange(q);
    auto m = decode(f);
    auto* rows = std::get_if<protocol::rows_result>(&m);
    if (rows == nullptr) throw failure("system table query returned no rows");
    co_return std::move(*rows);
  };
  view->system_local = co_await query("SELECT * FROM system.local WHERE key='local'");
  if (view->system_local.rows.empty()) throw failure("system.local is empty");
  const protocol::rows_result peers = co_await query("SELECT * FROM system.peers");
  const std::string own_dc = text_cell(view->system_local, 0, "data_center");
  view->datacenter = settings().local_datacenter;
  if (view->datacenter.empty())
    view->datacenter = bundle_metadata_ ? bundle_metadata_->local_dc : own_dc;
  const std::uint16_t port = settings().port;
  if (own_dc == view->datacenter) view->nodes.push_back(connected_);
  for (std::size_t r = 0; r < peers.rows.size(); ++r) {
    if (text_cell(peers, r, "data_center") != view->datacenter) continue;
    if (connected_.sni_routed) {
      // Behind the SNI proxy every node has its address; the host id picks the node.
      const auto id = uuid_cell(peers, r, "host_id");
      if (id) view->nodes.push_back(node_address{connected_.endpoint, *id, true});
      continue;
    }
    auto address = inet_cell(peers, r, "rpc_address");
    if (!address || address->is_unspecified()) address = inet_cell(peers, r, "peer");
    if (!address) continue;
    const asio::ip::tcp::endpoint e(*address, port);
    view->nodes.push_back(node_address{e, address->to_string(), false});
  }
  if (view->nodes.empty()) throw failure("no node in data center '" + view->datacenter + "'");
  ctx_->directory(which_).publish(std::move(view));
  refresh_needed_ = false;
}

asio::awaitable<void> control_connection::serve() {
  const auto interval = std::chrono::milliseconds(ctx_->settings.heartbeat_interval_ms);
  asio::steady_timer timer(io_);
  while (!stopped_) {
    timer.expires_after(interval);
    auto result = co_await (stream_->read() || timer.async_wait(use_tuple));
    if (stopped_) co_return;
    if (result.index() == 1) {
      // Heartbeat: OPTIONS must be answered.
      co_await exchange(protocol::options{});
    } else {
      auto f = std::get<0>(std::move(result));
      if (!f) throw failure("connection lost: " + f.error().message());
      if (f->header.op == opcode::event) refresh_needed_ = true;
    }
    if (refresh_needed_) co_await refresh();
  }
}

}  // namespace cqlshift::proxy
