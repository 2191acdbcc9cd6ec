// What a connection does with each request frame: decoding, the request log and faults, the
// handshake messages, and the CQL requests through the request processor.

#include "server/connection.hpp"
#include "server/fault_reply.hpp"
#include "server/handshake.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <variant>

namespace cqlshift::sim {
namespace {

namespace asio = boost::asio;
using protocol::opcode;
using protocol::protocol_version;

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

std::int64_t now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// The version a reply's body is encoded in: v1 clients read v2's ERROR layout, which is the
// same.
protocol_version encoding_version(std::uint8_t raw_version) {
  if (raw_version <= 2) return protocol_version::v2;
  return protocol::to_protocol_version(raw_version).value_or(protocol_version::v4);
}

std::string malformed(opcode op, protocol::errc e) {
  return "Invalid " + std::string(protocol::to_string(op)) + " message: " + protocol::describe(e);
}

const protocol::envelope no_envelope{};

}  // namespace

void connection::on_frame(const protocol::frame_header& header, protocol::byte_view body) {
  reply_to to;
  to.version = header.version;
  to.stream = header.stream;
  to.op = header.op;
  if (!version_) {
    version_ = protocol::to_protocol_version(header.version);  // accepted by the framing
  } else if (protocol::raw(*version_) != header.version) {
    to.version = protocol::raw(*version_);
    const auto got = protocol::to_protocol_version(header.version);
    respond_error(
        to, protocol_error("Invalid message version. Got " +
                           (got ? describe_versions({*got}) : std::to_string(header.version)) +
                           " but previous messages on this connection had version " +
                           describe_versions({*version_})));
    return;
  }
  const protocol_version v = *version_;

  protocol::bytes decompressed;
  if (header.has(protocol::header_flag::compression)) {
    if (body_compression_ == protocol::compression_algorithm::none) {
      respond_error(to, protocol_error("Received a compressed " +
                                       std::string(protocol::to_string(header.op)) +
                                       " frame but no compression was negotiated in STARTUP"));
      return;
    }
    auto d = protocol::decompress_body(body_compression_, body, server_->options.max_frame_size);
    if (!d) {
      respond_error(
          to, protocol_error(malformed(header.op, static_cast<protocol::errc>(d.error().value()))));
      return;
    }
    decompressed = std::move(*d);
    body = decompressed;
  }
  auto opened = protocol::open_body(header, body);
  if (!opened) {
    respond_error(to, protocol_error(malformed(
                          header.op, static_cast<protocol::errc>(opened.error().value()))));
    return;
  }
  if (opened->env.custom_payload && protocol::has_custom_payload(v)) {
    to.custom_payload = std::move(opened->env.custom_payload);
  }
  auto message = protocol::decode_request(header.op, v, opened->message);
  if (!message) {
    respond_error(to, protocol_error(malformed(
                          header.op, static_cast<protocol::errc>(message.error().value()))));
    return;
  }

  if (protocol::uses_segments(v) && !segments_in_ && header.op == opcode::startup &&
      phase_ == phase::uninitialized) {
    // Whatever the answer, a v5 connection frames in segments after STARTUP (Cassandra
    // reconfigures its pipeline once the answer is written), LZ4 ones when asked for.
    const auto settings = check_startup(std::get<protocol::startup>(*message), v);
    const bool lz4 = settings && settings->compression == protocol::compression_algorithm::lz4;
    input_segments_after_frame_ = lz4;
    output_segments_after_startup_ = lz4;
  }

  planned_request request = server_->processor.plan(std::move(*message), session_);

  request_record record;
  record.node = node_;
  record.connection = id_;
  record.opcode = protocol::to_string(header.op);
  record.statement = std::move(request.statement);
  record.keyspace = request.keyspace;
  record.table = request.table;
  if (request.consistency) record.consistency = protocol::to_string(*request.consistency);
  record.stream = header.stream;
  record.time_micros = now_micros();
  const fault f = server_->faults.decide(record);
  server_->faults.record(std::move(record));

  switch (f.action) {
    case fault_action::none:
      handle(to, request);
      return;
    case fault_action::delay: {
      auto timer = std::make_shared<asio::steady_timer>(stream_.get_executor());
      timer->expires_after(std::chrono::milliseconds(std::max(0, f.delay_ms)));
      delays_.insert(timer.get());
      asio::co_spawn(stream_.get_executor(),
                     run_delayed(shared_from_this(), timer, std::move(to), std::move(request)),
                     asio::detached);
      return;
    }
    case fault_action::error: {
      fault_context c;
      c.version = v;
      c.consistency = request.consistency;
      c.replicas = server_->acceptors.size();
      c.node_address = server_->node_addresses[node_];
      c.keyspace = request.keyspace;
      c.table = request.table;
      if (const auto* b = std::get_if<protocol::batch>(&request.message)) {
        c.batch = b->type;
        for (const auto& child : b->children) {
          if (!child.is_prepared) continue;
          c.prepared_id = child.id;  // as Cassandra: the first child it does not know
          break;
        }
      }
      if (const auto* e = std::get_if<protocol::execute>(&request.message)) c.prepared_id = e->id;
      respond(to, fault_error(f, c));
      return;
    }
    case fault_action::close:
      close();
      return;
    case fault_action::no_reply:
      return;
  }
}

asio::awaitable<void> connection::run_delayed([[maybe_unused]] std::shared_ptr<connection> self,
                                              std::shared_ptr<asio::steady_timer> timer,
                                              reply_to to, planned_request request) {
  co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  delays_.erase(timer.get());
  if (closing_) co_return;
  handle(to, request);
}

std::optional<cql_error> connection::check_phase(opcode op) const {
  const std::string name(protocol::to_string(op));
  switch (phase_) {
    case phase::uninitialized:
      if (op != opcode::startup && op != opcode::options) {
        return protocol_error("Unexpected message " + name + ", expecting STARTUP or OPTIONS");
      }
      return std::nullopt;
    case phase::authentication:
      if (op != opcode::auth_response) {
        return protocol_error("Unexpected message " + name + ", expecting SASL_RESPONSE");
      }
      return std::nullopt;
    case phase::ready:
      if (op == opcode::startup) {
        return protocol_error("Unexpected message STARTUP, the connection is already initialized");
      }
      if (op == opcode::auth_response && server_->options.credentials.empty()) {
        return protocol_error(
            "Unexpected message AUTH_RESPONSE, the server does not require authentication");
      }
      return std::nullopt;
  }
  return std::nullopt;
}

void connection::handle(const reply_to& to, planned_request& request) {
  if (auto e = check_phase(to.op)) {
    respond_error(to, *e);
    return;
  }
  std::visit(overloaded{
                 [&](const protocol::options&) {
                   respond(to, supported_options(server_->options.versions));
                 },
                 [&](const protocol::startup& m) { handle_startup(to, m); },
                 [&](const protocol::auth_response& m) { handle_auth_response(to, m); },
                 [&](const protocol::register_request& m) { handle_register(to, m); },
                 [&](const protocol::revise_request&) {
                   respond_error(to, protocol_error("Unknown opcode 255"));
                 },
                 [&](const auto&) {
                   run_outcome outcome = server_->processor.run(request, session_, *version_);
                   respond(to, outcome.response);
                   if (outcome.change) server_->broadcast(*outcome.change);
                 },
             },
             request.message);
}

void connection::handle_startup(const reply_to& to, const protocol::startup& message) {
  auto settings = check_startup(message, *version_);
  if (!settings) {
    respond_error(to, settings.error());
    return;
  }
  if (server_->options.credentials.empty()) {
    phase_ = phase::ready;
    respond(to, protocol::ready{});
  } else {
    phase_ = phase::authentication;
    respond(to, protocol::authenticate{password_authenticator});
  }
  // The answer to STARTUP itself goes uncompressed; drivers compress from then on.
  if (!protocol::uses_segments(*version_)) body_compression_ = settings->compression;
}

void connection::handle_auth_response(const reply_to& to, const protocol::auth_response& message) {
  auto checked = check_credentials(message.token, server_->options.credentials);
  if (!checked) {
    respond_error(to, checked.error());
    return;
  }
  phase_ = phase::ready;
  respond(to, protocol::auth_success{});
}

void connection::handle_register(const reply_to& to, const protocol::register_request& message) {
  bool schema = false;
  for (const std::string& e : message.events) {
    if (e == "SCHEMA_CHANGE") {
      schema = true;
    } else if (e != "TOPOLOGY_CHANGE" && e != "STATUS_CHANGE") {
      respond_error(to, protocol_error("Invalid value '" + e + "' for Type"));
      return;
    }
  }
  // cqlsim's nodes never change or go down, so only schema changes are ever sent.
  if (schema) schema_events_ = true;
  respond(to, protocol::ready{});
}

void connection::push_schema_event(const protocol::schema_change& change) {
  if (!schema_events_ || closing_) return;
  auto body = protocol::encode_response(protocol::event{change}, *version_);
  if (!body) return;  // a change this version cannot express (FUNCTION in v3)
  queue_frame(protocol::raw(*version_), -1, opcode::event, *body, no_envelope);
  wake_writer();
}

void connection::respond_error(const reply_to& to, const cql_error& error) {
  respond(to, to_error_response(error));
}

void connection::respond(const reply_to& to, const protocol::response& response) {
  if (closed_) return;
  const protocol_version v = encoding_version(to.version);
  protocol::envelope env;
  if (to.custom_payload) env.custom_payload = to.custom_payload;
  const protocol::envelope& e = to.custom_payload ? env : no_envelope;
  auto body = protocol::encode_response(response, v);
  bool queued = false;
  if (body) queued = queue_frame(to.version, to.stream, protocol::opcode_of(response), *body, e);
  if (!queued) {
    // What the executor produced cannot be put on the wire (a value past its length prefix,
    // metadata the version cannot carry): the client gets a SERVER_ERROR instead.
    const protocol::errc why =
        body ? protocol::errc::value_too_large : static_cast<protocol::errc>(body.error().value());
    const protocol::error_response err{
        protocol::error_code::server_error,
        std::string("cqlsim could not encode the response: ") + protocol::describe(why),
        {}};
    auto err_body = protocol::encode_response(err, v);
    if (err_body) queue_frame(to.version, to.stream, opcode::error, *err_body, no_envelope);
  }
  if (to.op == opcode::startup && output_segments_after_startup_) {
    output_.use_segments(*output_segments_after_startup_);
    output_segments_after_startup_.reset();
  }
  wake_writer();
}

bool connection::queue_frame(std::uint8_t raw_version, std::int16_t stream, opcode op,
                             const protocol::bytes& message, const protocol::envelope& env) {
  protocol::frame_header h;
  h.version = raw_version;
  h.response = true;
  h.stream = stream;
  h.op = op;
  if (env.custom_payload) h.flags |= protocol::header_flag::custom_payload;
  return output_.append(h, env, message, body_compression_) == protocol::errc::ok;
}

}  // namespace cqlshift::sim
