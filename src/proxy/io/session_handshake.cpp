// The client handshake (SPEC 1 and 2): version check, OPTIONS, STARTUP to both clusters, and
// the authentication matrix: the client's credentials go to the "auth-primary" cluster, the
// proxy logs in to the other with the configured credentials, and the client hears READY or
// AUTH_SUCCESS only when both clusters accepted.

#include "client_session.hpp"
#include "sasl.hpp"

#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>

namespace cqlshift::proxy {
namespace {

namespace asio = boost::asio;
using net::use_tuple;
using protocol::opcode;

const std::vector<std::uint8_t> known_versions = {3, 4, 5, 0x41, 0x42};

}  // namespace

bool client_session::version_acceptable(std::uint8_t raw_version) const {
  if (std::find(known_versions.begin(), known_versions.end(), raw_version) == known_versions.end())
    return false;
  const auto& blocked = ctx_->settings.blocked_protocol_versions;
  return std::find(blocked.begin(), blocked.end(), raw_version) == blocked.end();
}

void client_session::refuse_version(std::uint8_t raw_version) {
  // Answer at a version the client reads so it downgrades (SPEC 1): an old client its own
  // version, anything else the newest non-DSE version the proxy accepts.
  std::uint8_t reply = 4;
  for (std::uint8_t v : {5, 4, 3}) {
    if (version_acceptable(v)) {
      reply = v;
      break;
    }
  }
  if (raw_version >= 1 && raw_version < 3) reply = raw_version;
  version_ = reply;
  send_error(0, protocol::error_code::protocol_error,
             "Invalid or unsupported protocol version (" + std::to_string(raw_version) + ")");
  client_->close_after_output();
  phase_ = phase::closed;
  for (leg& l : legs_)
    if (l.stream) l.stream->close();
}

void client_session::on_first_frame(const protocol::frame& f) {
  if (!version_acceptable(f.header.version)) {
    refuse_version(f.header.version);
    return;
  }
  version_ = f.header.version;
  if (!refusal_.empty()) {
    send_error(f.header.stream, protocol::error_code::protocol_error, refusal_);
    client_->close_after_output();
    phase_ = phase::closed;
    return;
  }
  phase_ = phase::starting;
}

void client_session::answer_options(std::int16_t stream) {
  // Target's options (SPEC 2), COMPRESSION narrowed to what both clusters accept.
  auto origin = ctx_->directory(cluster::origin).view();
  auto target = ctx_->directory(cluster::target).view();
  protocol::supported s;
  if (target) s.options = target->supported;
  const auto compressions_of = [](const std::shared_ptr<const cluster_view>& v) {
    std::vector<std::string> out;
    if (!v) return out;
    for (const auto& [key, values] : v->supported)
      if (key == "COMPRESSION") out = values;
    return out;
  };
  const auto a = compressions_of(origin);
  const auto b = compressions_of(target);
  std::vector<std::string> both;
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) != b.end()) both.push_back(x);
  bool replaced = false;
  for (auto& [key, values] : s.options) {
    if (key == "COMPRESSION") {
      values = both;
      replaced = true;
    }
  }
  if (!replaced) s.options.emplace_back("COMPRESSION", both);
  send_message(stream, s);
}

void client_session::on_client_frame(protocol::frame f) {
  if (phase_ == phase::closed) return;
  if (f.header.version != version_) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "Invalid message version: got " + std::to_string(f.header.version) +
                   " but the connection uses " + std::to_string(version_));
    close();
    return;
  }
  if (phase_ == phase::ready) {
    handle_request(std::move(f));
    return;
  }
  switch (f.header.op) {
    case opcode::options:
      answer_options(f.header.stream);
      return;
    case opcode::startup:
      if (phase_ != phase::starting || legs_[0].stream) break;
      startup_stream_ = f.header.stream;
      startup_frame_ = f;  // shadow connections replay it (SPEC 11)
      asio::co_spawn(client_->get_executor(), open_clusters(shared_from_this(), std::move(f)),
                     asio::detached);
      return;
    case opcode::auth_response:
      if (phase_ != phase::authenticating) break;
      on_client_auth_response(std::move(f));
      return;
    default:
      break;
  }
  send_error(f.header.stream, protocol::error_code::protocol_error,
             std::string("Unexpected message ") + std::string(protocol::to_string(f.header.op)) +
                 " before the connection is ready");
  close();
}

asio::awaitable<void> client_session::open_clusters(std::shared_ptr<client_session> self,
                                                    protocol::frame startup) {
  // The STARTUP fixes the connection's compression: v3/v4 bodies, or v5 segments.
  const auto v = protocol::to_protocol_version(version_);
  bool lz4 = false;
  if (auto body = body_of(startup)) {
    if (auto opened = protocol::open_body(startup.header, *body)) {
      if (auto m = protocol::decode_request(opcode::startup, *v, opened->message)) {
        for (const auto& [key, value] : std::get<protocol::startup>(*m).options) {
          if (key != "COMPRESSION") continue;
          const auto algo = protocol::parse_compression(value);
          if (!algo) continue;
          if (protocol::uses_segments(*v)) {
            lz4 = *algo == protocol::compression_algorithm::lz4;
          } else {
            compression_ = *algo;
          }
        }
      }
    }
  }
  v5_lz4_ = lz4;
  if (protocol::uses_segments(*v)) client_->segments_in(lz4);

  const std::chrono::milliseconds limits[2] = {
      std::chrono::milliseconds(ctx_->settings.origin.connection_timeout_ms),
      std::chrono::milliseconds(ctx_->settings.target.connection_timeout_ms)};
  for (cluster c : {cluster::origin, cluster::target}) {
    auto node = ctx_->directory(c).next_node();
    if (!node) {
      send_error(startup_stream_, protocol::error_code::server_error,
                 std::string("cqlshift: no node of ") + std::string(to_string(c)) +
                     " is known yet (its control connection is not up)");
      close();
      co_return;
    }
    auto connected = co_await connect_to_node(client_->get_executor(), ctx_->tls_of(c), *node,
                                              limits[static_cast<int>(c)]);
    if (phase_ == phase::closed) co_return;
    observability::node_metrics& node_metrics =
        ctx_->metrics.node(worker_, static_cast<observability::cluster_index>(c), node->label());
    if (!connected.stream) {
      observability::thread_metrics::add(metrics_.failed_connections[static_cast<std::size_t>(c)]);
      observability::thread_metrics::add(node_metrics.failed_connections);
      spdlog::warn("session: cannot connect to {} node {}: {}", to_string(c), node->label(),
                   connected.error);
      send_error(startup_stream_, protocol::error_code::server_error,
                 std::string("cqlshift: cannot connect to ") + std::string(to_string(c)) +
                     " node " + node->label() + ": " + connected.error);
      close();
      co_return;
    }
    leg& l = leg_of(c);
    l.node = *node;
    l.metrics = &node_metrics;
    node_metrics.connections.fetch_add(1, std::memory_order_relaxed);
    l.stream = std::make_shared<net::frame_stream>(std::move(*connected.stream),
                                                   ctx_->settings.max_frame_size_bytes);
    l.ids = std::make_unique<stream_ids>(ctx_->settings.proxy_max_stream_ids);
    l.stream->start();
  }
  for (cluster c : {cluster::origin, cluster::target}) {
    leg& l = leg_of(c);
    l.stream->send(startup.header, startup.body);
    if (protocol::uses_segments(*v)) l.stream->segments_out(lz4);
    asio::co_spawn(client_->get_executor(), read_cluster(self, c), asio::detached);
  }
}

void client_session::on_startup_answered(cluster c, protocol::frame f) {
  leg& l = leg_of(c);
  l.startup_answered = true;
  const auto v = *protocol::to_protocol_version(version_);
  if (f.header.op == opcode::ready || f.header.op == opcode::authenticate) {
    if (protocol::uses_segments(v)) l.stream->segments_in(v5_lz4_);
  }
  if (f.header.op == opcode::ready) {
    l.ready = true;
  } else if (f.header.op == opcode::authenticate) {
    asked_auth_[static_cast<int>(c)] = true;
  }
  if (f.header.op == opcode::error) {
    // A refusal from either cluster reaches the client once (a PROTOCOL_ERROR makes the
    // driver downgrade); the session ends.
    if (phase_ == phase::closed) return;
    spdlog::info("session: {} refused STARTUP", describe(c));
    // On the client's STARTUP stream: a server refusing the version may answer on stream 0.
    protocol::frame_header request = f.header;
    request.stream = startup_stream_;
    send_to_client(request, f);
    close();
    return;
  }
  if (f.header.op != opcode::ready && f.header.op != opcode::authenticate) {
    send_error(startup_stream_, protocol::error_code::protocol_error,
               "cqlshift: " + describe(c) + " answered STARTUP with " +
                   std::string(protocol::to_string(f.header.op)));
    close();
    return;
  }
  startup_answers_[static_cast<int>(c)] = std::move(f);
  if (!legs_[0].startup_answered || !legs_[1].startup_answered) return;
  // Both answered: decide who gets the client's credentials.
  const bool origin_auth = asked_auth_[0];
  const bool target_auth = asked_auth_[1];
  if (!origin_auth && !target_auth) {
    phase_ = phase::ready;
    send_message(startup_stream_, protocol::ready{});
    if (protocol::uses_segments(v)) client_->segments_out(v5_lz4_);
    return;
  }
  if (origin_auth && target_auth) {
    auth_primary_ =
        ctx_->settings.forward_client_credentials_to_origin ? cluster::origin : cluster::target;
  } else {
    auth_primary_ = origin_auth ? cluster::origin : cluster::target;
  }
  const cluster other_cluster = other(*auth_primary_);
  if (asked_auth_[static_cast<int>(other_cluster)]) {
    // The proxy logs in to the other cluster itself (SASL PLAIN).
    const config::cluster_settings& creds =
        other_cluster == cluster::origin ? ctx_->settings.origin : ctx_->settings.target;
    leg_of(other_cluster)
        .stream->send(auth_response_frame(
            version_, protocol::sasl_plain_token(creds.username, creds.password)));
  }
  phase_ = phase::authenticating;
  // The client sees the auth-primary's own AUTHENTICATE (its authenticator class).
  const protocol::frame& challenge = *startup_answers_[static_cast<int>(*auth_primary_)];
  send_to_client(challenge.header, challenge);
  startup_answers_ = {};
  if (protocol::uses_segments(v)) client_->segments_out(v5_lz4_);
}

void client_session::on_client_auth_response(protocol::frame f) {
  if (client_auth_token_.empty()) {
    // Kept (in memory only, never logged) for the shadow connection's own handshake.
    if (auto body = body_of(f)) {
      if (auto opened = protocol::open_body(f.header, *body)) {
        const auto v = protocol::to_protocol_version(version_);
        if (auto m = protocol::decode_request(opcode::auth_response, *v, opened->message)) {
          if (auto& token = std::get<protocol::auth_response>(*m).token)
            client_auth_token_ = *token;
        }
      }
    }
  }
  leg& l = leg_of(*auth_primary_);
  l.stream->send(f.header, f.body);
}

void client_session::on_auth_answer(cluster c, protocol::frame f) {
  leg& l = leg_of(c);
  const bool from_auth_primary = auth_primary_ && c == *auth_primary_;
  switch (f.header.op) {
    case opcode::auth_success:
      l.ready = true;
      if (from_auth_primary) startup_reply_ = std::move(f);
      maybe_finish_handshake();
      return;
    case opcode::auth_challenge:
      if (from_auth_primary) {
        send_to_client(f.header, f);
        return;
      }
      break;
    case opcode::error: {
      // Name the cluster so the operator knows which credentials are wrong (SPEC 2); never
      // the credentials themselves.
      std::string why = "refused";
      if (auto body = body_of(f)) {
        if (auto opened = protocol::open_body(f.header, *body)) {
          const auto v = protocol::to_protocol_version(f.header.version);
          if (auto m = protocol::decode_response(opcode::error, *v, opened->message)) {
            why = std::get<protocol::error_response>(*m).message;
          }
        }
      }
      const std::string whose =
          from_auth_primary
              ? "the client's credentials"
              : std::string("the configured ") +
                    (c == cluster::origin ? "origin_username" : "target_username") + " credentials";
      spdlog::warn("session: {} refused {}: {}", describe(c), whose, why);
      send_error(from_auth_primary ? f.header.stream : startup_stream_,
                 protocol::error_code::auth_error,
                 "cqlshift: " + std::string(to_string(c)) + " refused " + whose + ": " + why);
      close();
      return;
    }
    default:
      break;
  }
  send_error(startup_stream_, protocol::error_code::protocol_error,
             "cqlshift: unexpected " + std::string(protocol::to_string(f.header.op)) + " from " +
                 describe(c) + " during authentication");
  close();
}

void client_session::maybe_finish_handshake() {
  if (!legs_[0].ready || !legs_[1].ready || !startup_reply_) return;
  phase_ = phase::ready;
  send_to_client(startup_reply_->header, *startup_reply_);
  startup_reply_.reset();
}

}  // namespace cqlshift::proxy
