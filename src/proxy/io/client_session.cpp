// The session's lifetime, its readers and its output to the client.

#include "client_session.hpp"
#include "endpoint_text.hpp"

#include "cqlshift/net/tls.hpp"
#include "cqlshift/protocol/responses.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cqlshift::proxy {
namespace {

namespace asio = boost::asio;

}  // namespace

client_session::client_session(std::shared_ptr<proxy_context> ctx, net::transport connection,
                               std::size_t worker, std::string refusal)
    : ctx_(std::move(ctx)),
      metrics_(ctx_->metrics.thread(worker)),
      worker_(worker),
      client_(std::make_shared<net::frame_stream>(std::move(connection),
                                                  ctx_->settings.max_frame_size_bytes)),
      deadlines_(client_->get_executor()),
      refusal_(std::move(refusal)) {}

client_session::~client_session() {
  for (cluster c : {cluster::origin, cluster::target})
    close_shadow_link(c, false);
  if (counted_) ctx_->client_connections.fetch_sub(1, std::memory_order_relaxed);
  for (leg& l : legs_) {
    if (l.metrics == nullptr) continue;
    l.metrics->connections.fetch_sub(1, std::memory_order_relaxed);
    l.metrics->used_stream_ids.fetch_sub(l.ids ? l.ids->used() : 0, std::memory_order_relaxed);
  }
}

void client_session::start() {
  counted_ = true;
  client_->start();
  asio::co_spawn(client_->get_executor(), run(shared_from_this()), asio::detached);
}

std::string client_session::describe(cluster c) const {
  const leg& l = legs_[static_cast<int>(c)];
  std::string s(to_string(c));
  if (l.stream) s += " node " + l.node.label();
  return s;
}

asio::awaitable<void> client_session::run([[maybe_unused]] std::shared_ptr<client_session> self) {
  while (phase_ != phase::closed) {
    auto f = co_await client_->read();
    if (!f) {
      const auto ec = f.error();
      if (phase_ == phase::initial && client_->front_version() == net::tls_record_first_byte) {
        // A TLS ClientHello: a CQL error would be garbage to it, so the connection just closes.
        spdlog::warn(
            "client {} started a TLS handshake, but this listener is plaintext: set "
            "proxy_tls_cert_path, proxy_tls_key_path and proxy_tls_ca_path to accept TLS",
            endpoint_text(client_->remote_endpoint()));
      } else if (ec.category() == protocol::protocol_category() && phase_ != phase::closed) {
        // A malformed stream: answer where the protocol allows it, then close (SPEC 1).
        const std::uint8_t v = version_ != 0 ? version_ : raw(protocol::protocol_version::v4);
        if (version_ == 0) version_ = v;
        send_error(0, protocol::error_code::protocol_error,
                   std::string("Invalid frame: ") +
                       protocol::describe(static_cast<protocol::errc>(ec.value())));
        client_->close_after_output();
      }
      close();
      break;
    }
    if (phase_ == phase::initial) {
      on_first_frame(*f);
      if (phase_ == phase::closed) break;
    }
    on_client_frame(std::move(*f));
  }
  co_return;
}

asio::awaitable<void> client_session::read_cluster(
    [[maybe_unused]] std::shared_ptr<client_session> self, cluster c) {
  std::shared_ptr<net::frame_stream> stream = leg_of(c).stream;
  for (;;) {
    auto f = co_await stream->read();
    if (phase_ == phase::closed) break;
    if (!f) {
      on_cluster_closed(c, f.error().message());
      break;
    }
    on_cluster_frame(c, std::move(*f));
  }
  co_return;
}

void client_session::on_cluster_frame(cluster c, protocol::frame f) {
  if (phase_ == phase::starting || phase_ == phase::authenticating) {
    if (!leg_of(c).startup_answered) {
      on_startup_answered(c, std::move(f));
    } else {
      on_auth_answer(c, std::move(f));
    }
    return;
  }
  if (f.header.stream < 0) {
    // Events (SPEC 8): Origin's SCHEMA_CHANGE reaches a registered client; nothing else.
    if (c != cluster::origin || !schema_events_ || f.header.op != protocol::opcode::event) return;
    auto body = body_of(f);
    if (!body) return;
    auto opened = protocol::open_body(f.header, *body);
    if (!opened) return;
    const auto v = protocol::to_protocol_version(f.header.version);
    if (!v) return;
    auto message = protocol::decode_response(protocol::opcode::event, *v, opened->message);
    if (!message) return;
    const auto* e = std::get_if<protocol::event>(&*message);
    if (e == nullptr || !std::holds_alternative<protocol::schema_change>(e->body)) return;
    protocol::frame_header h = f.header;
    h.version = version_;
    client_->send(h, f.body);
    return;
  }
  leg& l = leg_of(c);
  const auto id = f.header.stream;
  if (static_cast<std::size_t>(id) >= l.by_stream.size() || l.by_stream[id] == nullptr) {
    spdlog::debug("session: {} answered unknown stream {}", describe(c), id);
    return;
  }
  pending* p = l.by_stream[id];
  l.by_stream[id] = nullptr;
  release_stream(c, id);
  on_response(c, *p, std::move(f));
}

void client_session::on_cluster_closed(cluster c, const std::string& why) {
  if (phase_ == phase::closed) return;
  spdlog::info("session {}: connection to {} closed ({}); closing the client connection",
               endpoint_text(client_->remote_endpoint()), describe(c), why);
  // Every request still waiting gets an error naming the cluster (SPEC 10), then the client
  // connection closes so the driver reconnects to a fresh pair.
  std::vector<std::int16_t> streams;
  for (const auto& [stream, p] : inflight_)
    if (!p->done) streams.push_back(stream);
  for (std::int16_t s : streams) {
    auto it = inflight_.find(s);
    if (it == inflight_.end()) continue;
    send_error(s, protocol::error_code::server_error,
               "cqlshift: the connection to " + describe(c) + " broke: " + why);
    // Counted against c when it was waiting for c (a request sent only to the other cluster
    // fails because the client connection closes, not because of that cluster).
    const pending& p = *it->second;
    const int k = static_cast<int>(c);
    if (p.sent[k] && !p.answered[k]) count_failed(p, side_of(c));
    finish(*it->second);
  }
  if (phase_ == phase::starting || phase_ == phase::authenticating) {
    send_error(
        startup_stream_, protocol::error_code::server_error,
        "cqlshift: the connection to " + describe(c) + " broke during the handshake: " + why);
  }
  client_->close_after_output();
  close();
}

void client_session::close() {
  if (phase_ == phase::closed) return;
  phase_ = phase::closed;
  for (cluster c : {cluster::origin, cluster::target})
    close_shadow_link(c, false);
  for (leg& l : legs_)
    if (l.stream) l.stream->close();
  deadlines_.cancel();
  for (auto& [stream, p] : inflight_)
    if (!p->done) count_done(*p, false);
  inflight_.clear();
  orphans_.clear();
  for (leg& l : legs_)
    std::fill(l.by_stream.begin(), l.by_stream.end(), nullptr);
  // Output already queued (a final error) is still written; close_after_output closes then.
  client_->close_after_output();
}

void client_session::send_to_client(const protocol::frame_header& request,
                                    const protocol::frame& response) {
  protocol::frame_header h = response.header;
  h.stream = request.stream;
  h.version = version_;
  client_->send(h, response.body);
}

void client_session::send_message(std::int16_t stream, const protocol::response& message) {
  const auto v = protocol::to_protocol_version(version_);
  auto body = protocol::encode_response(message, v.value_or(protocol::protocol_version::v4));
  if (!body) {
    spdlog::error("session: cannot encode a {} response: {}",
                  protocol::to_string(protocol::opcode_of(message)), body.error().message());
    return;
  }
  protocol::frame_header h;
  h.version = version_;
  h.response = true;
  h.stream = stream;
  h.op = protocol::opcode_of(message);
  client_->send(h, *body);
}

void client_session::send_error(std::int16_t stream, protocol::error_code code,
                                std::string message) {
  protocol::error_response e;
  e.code = code;
  e.message = std::move(message);
  send_error(stream, e);
}

void client_session::send_error(std::int16_t stream, const protocol::error_response& e) {
  send_message(stream, e);
}

}  // namespace cqlshift::proxy
