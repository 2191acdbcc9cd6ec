// Requests after the handshake: routing (SPEC 3), forwarding with the cluster's stream ids
// (SPEC 10), combining the two answers of a write (SPEC 4), the prepared-statement map
// (SPEC 5, the part needed so prepared statements work; its bounds come with the next issue),
// timeouts and virtual system tables (SPEC 7).

#include "client_session.hpp"

#include "cqlshift/protocol/md5.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/proxy/combine.hpp"
#include "cqlshift/proxy/virtual_tables.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace cqlshift::proxy {
namespace {

using protocol::opcode;

bool is_error(const std::optional<protocol::frame>& f) {
  return !f || f->header.op == opcode::error;
}

routing_settings routing_of(const proxy_context& ctx) {
  return routing_settings{ctx.primary(), ctx.system_queries()};
}

// The message part of a request body rebuilt with the same envelope (custom payload).
protocol::bytes with_envelope(const protocol::frame_header& h, const protocol::envelope& env,
                              const protocol::bytes& message) {
  protocol::bytes out;
  protocol::writer w(out);
  protocol::write_envelope(h, env, w);
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

}  // namespace

std::optional<protocol::bytes> client_session::body_of(const protocol::frame& f) const {
  if (!f.header.has(protocol::header_flag::compression) ||
      compression_ == protocol::compression_algorithm::none)
    return f.body;
  auto plain = protocol::decompress_body(compression_, f.body, ctx_->settings.max_frame_size_bytes);
  if (!plain) return std::nullopt;
  return std::move(*plain);
}

void client_session::handle_request(protocol::frame f) {
  const std::int16_t stream = f.header.stream;
  if (stream < 0 || inflight_.contains(stream)) {
    // SPEC 10: a negative or duplicate in-flight stream id is a protocol error.
    send_error(stream < 0 ? 0 : stream, protocol::error_code::protocol_error,
               "Invalid stream id " + std::to_string(stream) +
                   (stream < 0 ? " (negative)" : " (already in flight)"));
    close();
    return;
  }
  if (ctx_->shutting_down.load(std::memory_order_relaxed)) {
    send_error(stream, protocol::error_code::overloaded,
               "cqlshift is shutting down, retry on next host");
    return;
  }
  switch (f.header.op) {
    case opcode::options:
      answer_options(stream);
      return;
    case opcode::query:
      route_query(std::move(f));
      return;
    case opcode::prepare:
      route_prepare(std::move(f));
      return;
    case opcode::execute:
      route_execute(std::move(f));
      return;
    case opcode::batch:
    case opcode::register_: {
      if (f.header.op == opcode::register_) {
        if (auto body = body_of(f)) {
          if (auto opened = protocol::open_body(f.header, *body)) {
            auto v = protocol::to_protocol_version(version_);
            if (auto m = protocol::decode_request(opcode::register_, *v, opened->message)) {
              for (const auto& e : std::get<protocol::register_request>(*m).events)
                if (e == "SCHEMA_CHANGE") schema_events_ = true;
            }
          }
        }
        auto p = std::make_unique<pending>();
        p->route = route_message(opcode::register_);
        dispatch(std::move(p), f);
        return;
      }
      route_batch(std::move(f));
      return;
    }
    default:
      send_error(stream, protocol::error_code::protocol_error,
                 std::string("Unexpected message ") +
                     std::string(protocol::to_string(f.header.op)) +
                     " after the connection is ready");
      return;
  }
}

void client_session::route_query(protocol::frame f) {
  auto body = body_of(f);
  auto v = protocol::to_protocol_version(version_);
  std::optional<protocol::query> q;
  if (body) {
    if (auto opened = protocol::open_body(f.header, *body)) {
      if (auto m = protocol::decode_request(opcode::query, *v, opened->message))
        q = std::get<protocol::query>(std::move(*m));
    }
  }
  if (!q) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed QUERY message");
    return;
  }
  auto p = std::make_unique<pending>();
  p->statement = cql::read_statement(q->query_string);
  const std::string& ks = q->params.keyspace ? *q->params.keyspace : keyspace_;
  p->route = route_statement(*p->statement, ks, routing_of(*ctx_));
  if (p->route.to == destination::proxy) {
    std::vector<std::optional<protocol::bytes>> values;
    if (q->params.values)
      for (const auto& val : *q->params.values)
        values.push_back(val.kind == protocol::value_kind::set ? std::optional(val.data)
                                                               : std::nullopt);
    answer_virtual(f.header, q->query_string, values);
    return;
  }
  dispatch(std::move(p), f);
}

void client_session::answer_virtual(const protocol::frame_header& h, std::string_view query,
                                    std::span<const std::optional<protocol::bytes>> values) {
  auto view = ctx_->directory(ctx_->system_queries()).view();
  if (!view) {
    send_error(h.stream, protocol::error_code::server_error,
               "cqlshift: the system tables are not known yet");
    return;
  }
  const auto v = *protocol::to_protocol_version(version_);
  auto answer = answer_select(query, ctx_->topology, local_row_from(view->system_local), v, values);
  if (auto* failure = std::get_if<cql_failure>(&answer)) {
    send_error(h.stream, static_cast<protocol::error_code>(failure->code), failure->message);
    return;
  }
  send_message(h.stream, std::get<protocol::rows_result>(std::move(answer)));
}

void client_session::route_prepare(protocol::frame f) {
  auto body = body_of(f);
  auto v = protocol::to_protocol_version(version_);
  std::optional<protocol::prepare> q;
  if (body) {
    if (auto opened = protocol::open_body(f.header, *body)) {
      if (auto m = protocol::decode_request(opcode::prepare, *v, opened->message))
        q = std::get<protocol::prepare>(std::move(*m));
    }
  }
  if (!q) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed PREPARE message");
    return;
  }
  auto p = std::make_unique<pending>();
  p->statement = cql::read_statement(q->query_string);
  p->query = q->query_string;
  const std::string& ks = q->keyspace ? *q->keyspace : keyspace_;
  const decision d = route_statement(*p->statement, ks, routing_of(*ctx_));
  if (d.to == destination::proxy) {
    auto answer = prepare_select(
        q->query_string, ctx_->topology,
        local_row_from(ctx_->directory(ctx_->system_queries()).view()
                           ? ctx_->directory(ctx_->system_queries()).view()->system_local
                           : protocol::rows_result{}),
        *v);
    if (auto* failure = std::get_if<cql_failure>(&answer)) {
      send_error(f.header.stream, static_cast<protocol::error_code>(failure->code),
                 failure->message);
      return;
    }
    auto prepared = std::get<protocol::prepared_result>(std::move(answer));
    const std::string key = "cqlshift-virtual:" + ks + ":" + q->query_string;
    const auto digest = protocol::md5(
        protocol::byte_view(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
    prepared.id.assign(digest.begin(), digest.end());
    if (protocol::has_result_metadata_id(*v)) prepared.result_metadata_id = prepared.id;
    prepared_entry e;
    e.statement = *p->statement;
    e.query = q->query_string;
    e.virtual_table = true;
    ctx_->prepared.put(prepared.id, std::move(e));
    send_message(f.header.stream, std::move(prepared));
    return;
  }
  // PREPARE goes to both clusters whatever the statement is (SPEC 3).
  p->route = decision{destination::both, false, virtual_table::none};
  dispatch(std::move(p), f);
}

void client_session::route_execute(protocol::frame f) {
  auto body = body_of(f);
  auto v = protocol::to_protocol_version(version_);
  std::optional<protocol::opened_body> opened;
  std::optional<protocol::execute> e;
  if (body) {
    if (auto o = protocol::open_body(f.header, *body)) {
      opened = *o;
      if (auto m = protocol::decode_request(opcode::execute, *v, o->message))
        e = std::get<protocol::execute>(std::move(*m));
    }
  }
  if (!e) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed EXECUTE message");
    return;
  }
  auto entry = ctx_->prepared.find(e->id);
  if (!entry) {
    // Unknown to the proxy: the driver re-prepares on UNPREPARED with its own id (SPEC 5).
    protocol::error_response err;
    err.code = protocol::error_code::unprepared;
    err.message = "cqlshift: prepared statement not found (re-prepare it)";
    err.details = protocol::unprepared_details{e->id};
    send_error(f.header.stream, err);
    return;
  }
  if (entry->virtual_table) {
    std::vector<std::optional<protocol::bytes>> values;
    if (e->params.values)
      for (const auto& val : *e->params.values)
        values.push_back(val.kind == protocol::value_kind::set ? std::optional(val.data)
                                                               : std::nullopt);
    answer_virtual(f.header, entry->query, values);
    return;
  }
  auto p = std::make_unique<pending>();
  p->statement = entry->statement;
  const std::string& ks = e->params.keyspace ? *e->params.keyspace : keyspace_;
  p->route = route_statement(entry->statement, ks, routing_of(*ctx_));
  std::optional<protocol::bytes> target_body;
  if (p->route.to == destination::both || p->route.to == destination::target) {
    protocol::execute for_target = *e;
    for_target.id = entry->target_id;
    if (protocol::has_result_metadata_id(*v) && entry->target_result_metadata_id)
      for_target.result_metadata_id = entry->target_result_metadata_id;
    auto message = protocol::encode_request(for_target, *v);
    if (!message) {
      send_error(f.header.stream, protocol::error_code::server_error,
                 "cqlshift: cannot re-encode EXECUTE for TARGET");
      return;
    }
    target_body = with_envelope(f.header, opened->env, *message);
  }
  dispatch(std::move(p), f, target_body);
}

void client_session::route_batch(protocol::frame f) {
  auto body = body_of(f);
  auto v = protocol::to_protocol_version(version_);
  std::optional<protocol::opened_body> opened;
  std::optional<protocol::batch> b;
  if (body) {
    if (auto o = protocol::open_body(f.header, *body)) {
      opened = *o;
      if (auto m = protocol::decode_request(opcode::batch, *v, o->message))
        b = std::get<protocol::batch>(std::move(*m));
    }
  }
  if (!b) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed BATCH message");
    return;
  }
  auto p = std::make_unique<pending>();
  p->route = route_message(opcode::batch);
  // Prepared children carry Origin's ids; Target gets its own (SPEC 5).
  bool rewritten = false;
  for (auto& child : b->children) {
    if (child.id.empty()) continue;
    auto entry = ctx_->prepared.find(child.id);
    if (!entry) {
      protocol::error_response err;
      err.code = protocol::error_code::unprepared;
      err.message = "cqlshift: prepared statement not found (re-prepare it)";
      err.details = protocol::unprepared_details{child.id};
      send_error(f.header.stream, err);
      return;
    }
    child.id = entry->target_id;
    rewritten = true;
  }
  std::optional<protocol::bytes> target_body;
  if (rewritten) {
    auto message = protocol::encode_request(*b, *v);
    if (!message) {
      send_error(f.header.stream, protocol::error_code::server_error,
                 "cqlshift: cannot re-encode BATCH for TARGET");
      return;
    }
    target_body = with_envelope(f.header, opened->env, *message);
  }
  dispatch(std::move(p), f, target_body);
}

void client_session::dispatch(std::unique_ptr<pending> p, const protocol::frame& f,
                              const std::optional<protocol::bytes>& target_body) {
  p->header = f.header;
  p->serial = next_serial_++;
  std::array<bool, 2> to{};
  switch (p->route.to) {
    case destination::origin:
      to[0] = true;
      break;
    case destination::target:
      to[1] = true;
      break;
    case destination::both:
      to = {true, true};
      break;
    case destination::proxy:
      break;
  }
  std::array<std::optional<std::int16_t>, 2> ids;
  for (int c = 0; c < 2; ++c) {
    if (!to[c]) continue;
    ids[c] = legs_[c].ids->allocate();
    if (!ids[c]) {
      for (int k = 0; k < 2; ++k)
        if (ids[k]) legs_[k].ids->release(*ids[k]);
      send_error(f.header.stream, protocol::error_code::overloaded,
                 "cqlshift: too many requests in flight to " + describe(static_cast<cluster>(c)) +
                     " (proxy_max_stream_ids " +
                     std::to_string(ctx_->settings.proxy_max_stream_ids) + ")");
      return;
    }
  }
  pending* raw = p.get();
  for (int c = 0; c < 2; ++c) {
    if (!to[c]) continue;
    leg& l = legs_[c];
    protocol::frame_header h = f.header;
    h.stream = *ids[c];
    raw->sent[c] = true;
    raw->cluster_stream[c] = *ids[c];
    l.by_stream[static_cast<std::size_t>(*ids[c])] = raw;
    if (c == 1 && target_body) {
      h.flags = static_cast<std::uint8_t>(h.flags & ~protocol::header_flag::compression);
      l.stream->send(protocol::encode_frame(h, *target_body));
    } else {
      l.stream->send(protocol::encode_frame(h, f.body));
    }
  }
  raw->deadline = std::make_unique<boost::asio::steady_timer>(client_->get_executor());
  raw->deadline->expires_after(std::chrono::milliseconds(ctx_->settings.proxy_request_timeout_ms));
  raw->deadline->async_wait([weak = weak_from_this(), stream = f.header.stream,
                             serial = raw->serial](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_deadline(stream, serial);
  });
  ctx_->inflight_requests.fetch_add(1, std::memory_order_relaxed);
  inflight_.emplace(f.header.stream, std::move(p));
}

void client_session::on_response(cluster c, pending& p, protocol::frame f) {
  const int k = static_cast<int>(c);
  p.answered[k] = true;
  p.responses[k] = std::move(f);
  if (p.done) {
    forget(p);
    return;
  }
  if ((p.sent[0] && !p.answered[0]) || (p.sent[1] && !p.answered[1])) return;
  complete(p);
}

void client_session::complete(pending& p) {
  const cluster primary = ctx_->primary();
  const protocol::frame* answer = nullptr;
  if (p.sent[0] && p.sent[1]) {
    const combined r =
        combine(outcome{is_error(p.responses[0])}, outcome{is_error(p.responses[1])}, primary);
    answer = &*p.responses[static_cast<int>(r.answer_from)];
    if (r.failure != failed_on::none) {
      spdlog::debug("session: {} failed on {}", protocol::to_string(p.header.op),
                    to_string(r.failure));
    }
    if (r.failure == failed_on::none && p.statement && p.statement->conditional) {
      // SPEC 4: a conditional write applied on one cluster and not on the other is reported
      // (the clusters now differ for that row), not turned into an error.
      const auto applied_on = [&](int c) -> std::optional<bool> {
        const protocol::frame& fr = *p.responses[c];
        auto body = body_of(fr);
        if (!body) return std::nullopt;
        auto opened = protocol::open_body(fr.header, *body);
        if (!opened) return std::nullopt;
        const auto v = *protocol::to_protocol_version(version_);
        auto m = protocol::decode_response(opcode::result, v, opened->message);
        if (!m) return std::nullopt;
        const auto* rows = std::get_if<protocol::rows_result>(&*m);
        if (rows == nullptr || rows->rows.empty() || rows->rows[0].empty() || !rows->rows[0][0] ||
            rows->rows[0][0]->size() != 1)
          return std::nullopt;
        return (*rows->rows[0][0])[0] != 0;
      };
      const auto origin_applied = applied_on(0);
      const auto target_applied = applied_on(1);
      if (origin_applied && target_applied && *origin_applied != *target_applied) {
        spdlog::warn(
            "conditional write on {}.{} applied on {} only: the clusters differ for "
            "that row",
            p.statement->target.keyspace.empty() ? keyspace_ : p.statement->target.keyspace,
            p.statement->target.table, *origin_applied ? "ORIGIN" : "TARGET");
      }
    }
    if (p.header.op == opcode::prepare && r.failure == failed_on::none) {
      // Record Target's id under Origin's, which the client sees (SPEC 5).
      const auto v = *protocol::to_protocol_version(version_);
      std::array<std::optional<protocol::prepared_result>, 2> results;
      for (int c = 0; c < 2; ++c) {
        const protocol::frame& fr = *p.responses[c];
        auto body = body_of(fr);
        if (!body) continue;
        auto opened = protocol::open_body(fr.header, *body);
        if (!opened) continue;
        auto m = protocol::decode_response(opcode::result, v, opened->message);
        if (!m) continue;
        if (auto* pr = std::get_if<protocol::prepared_result>(&*m)) results[c] = std::move(*pr);
      }
      if (results[0] && results[1]) {
        prepared_entry e;
        e.target_id = results[1]->id;
        e.target_result_metadata_id = results[1]->result_metadata_id;
        e.statement = p.statement.value_or(cql::statement_info{});
        e.query = p.query;
        ctx_->prepared.put(results[0]->id, std::move(e));
      }
      answer = &*p.responses[0];
    }
  } else {
    answer = &*p.responses[p.sent[0] ? 0 : 1];
  }
  if (p.statement && p.statement->kind == cql::statement_kind::use &&
      answer->header.op == opcode::result)
    keyspace_ = p.statement->use_keyspace;
  send_to_client(p.header, *answer);
  finish(p);
}

void client_session::on_deadline(std::int16_t client_stream, std::uint64_t serial) {
  auto it = inflight_.find(client_stream);
  if (it == inflight_.end() || it->second->serial != serial || it->second->done) return;
  pending& p = *it->second;
  std::string silent;
  for (int c = 0; c < 2; ++c) {
    if (p.sent[c] && !p.answered[c]) {
      if (!silent.empty()) silent += " and ";
      silent += describe(static_cast<cluster>(c));
    }
  }
  // A coordinator-style timeout, so drivers' retry policies act as with a slow replica set:
  // READ_TIMEOUT for reads, WRITE_TIMEOUT (SIMPLE) for writes, none of them retried blindly
  // by default policies for a non-idempotent write. The message names the silent cluster.
  protocol::error_response e;
  e.message = "cqlshift: no response from " + silent + " within " +
              std::to_string(ctx_->settings.proxy_request_timeout_ms) +
              " ms (proxy_request_timeout_ms)";
  if (p.route.is_read) {
    e.code = protocol::error_code::read_timeout;
    e.details = protocol::read_timeout_details{protocol::consistency::one, 0, 1, false};
  } else {
    e.code = protocol::error_code::write_timeout;
    protocol::write_timeout_details d;
    d.consistency = protocol::consistency::one;
    d.received = 0;
    d.block_for = 1;
    d.write_type = p.header.op == opcode::batch ? "BATCH" : "SIMPLE";
    e.details = d;
  }
  spdlog::warn("session: {}", e.message);
  send_error(client_stream, e);
  // The request stays known to the cluster legs until their late answers free the ids.
  p.done = true;
  ctx_->inflight_requests.fetch_sub(1, std::memory_order_relaxed);
  orphans_.push_back(std::move(it->second));
  inflight_.erase(it);
}

void client_session::finish(pending& p) {
  if (p.deadline) p.deadline->cancel();
  p.done = true;
  ctx_->inflight_requests.fetch_sub(1, std::memory_order_relaxed);
  // Remove the stream ids still held (none when both answered).
  for (int c = 0; c < 2; ++c) {
    if (p.sent[c] && !p.answered[c]) {
      leg& l = legs_[c];
      const auto id = p.cluster_stream[c];
      if (id >= 0 && static_cast<std::size_t>(id) < l.by_stream.size() &&
          l.by_stream[static_cast<std::size_t>(id)] == &p) {
        l.by_stream[static_cast<std::size_t>(id)] = nullptr;
        l.ids->release(id);
      }
    }
  }
  inflight_.erase(p.header.stream);
}

void client_session::forget(pending& p) {
  if ((p.sent[0] && !p.answered[0]) || (p.sent[1] && !p.answered[1])) return;
  for (auto it = orphans_.begin(); it != orphans_.end(); ++it) {
    if (it->get() == &p) {
      orphans_.erase(it);
      return;
    }
  }
}

}  // namespace cqlshift::proxy
