// Requests after the handshake: routing (SPEC 3), forwarding with the cluster's stream ids
// (SPEC 10), combining the two answers of a write (SPEC 4), the prepared-statement map and
// its id rewriting (SPEC 5), now() replacement (SPEC 6), timeouts and virtual system tables
// (SPEC 7).

#include "client_session.hpp"

#include "cqlshift/cql/now_rewrite.hpp"
#include "cqlshift/protocol/md5.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/proxy/combine.hpp"
#include "cqlshift/proxy/virtual_tables.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace cqlshift::proxy {
namespace {

using protocol::opcode;

bool is_error(const std::optional<protocol::frame>& f) {
  return !f || f->header.op == opcode::error;
}

routing_settings routing_of(const proxy_context& ctx) {
  return routing_settings{ctx.primary(), ctx.system_queries(),
                          ctx.live.read_mode.load(std::memory_order_relaxed) ==
                              config::read_mode::dual_async_on_secondary};
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

// A request message decoded from a client frame, with the envelope it came in.
template <class Message>
struct decoded {
  protocol::envelope env;
  Message message;
  protocol::byte_view wire;  // the message's bytes in the body (valid while the body is)
};

template <class Message>
std::optional<decoded<Message>> decode_as(const std::optional<plain_body>& body,
                                          const protocol::frame_header& h,
                                          protocol::protocol_version v) {
  if (!body) return std::nullopt;
  auto opened = protocol::open_body(h, *body);
  if (!opened) return std::nullopt;
  auto m = protocol::decode_request(h.op, v, opened->message);
  if (!m) return std::nullopt;
  auto* message = std::get_if<Message>(&*m);
  if (message == nullptr) return std::nullopt;
  return decoded<Message>{std::move(opened->env), std::move(*message), opened->message};
}

// Target's EXECUTE body: the client's body with Target's statement id (and, at versions that
// have one, result metadata id when Target gave one) in place of Origin's. The envelope and the
// query parameters are copied as they are, not decoded and encoded again. `message` is the
// EXECUTE's bytes within `body`; nullopt when they do not read as an EXECUTE.
std::optional<protocol::bytes> execute_for_target(
    protocol::byte_view body, protocol::byte_view message, protocol::protocol_version v,
    const protocol::bytes& id, const std::optional<protocol::bytes>& result_metadata_id) {
  protocol::reader r(message);
  r.read_short_bytes();
  std::optional<protocol::bytes> client_result_metadata_id;
  if (protocol::has_result_metadata_id(v)) client_result_metadata_id = r.read_short_bytes();
  if (!r.ok()) return std::nullopt;
  const protocol::byte_view params = r.rest();
  const auto envelope = static_cast<std::size_t>(message.data() - body.data());
  protocol::bytes out;
  out.reserve(envelope + 4 + id.size() + (result_metadata_id ? result_metadata_id->size() : 16) +
              params.size());
  out.assign(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(envelope));
  protocol::writer w(out);
  w.write_short_bytes(id);
  if (client_result_metadata_id)
    w.write_short_bytes(result_metadata_id ? *result_metadata_id : *client_result_metadata_id);
  w.write_raw(params);
  if (!w.ok()) return std::nullopt;
  return out;
}

bool rewrites_now(const proxy_context& ctx, const cql::statement_info& s) {
  if (!ctx.live.replace_cql_functions.load(std::memory_order_relaxed)) return false;
  switch (s.kind) {
    case cql::statement_kind::insert:
    case cql::statement_kind::update:
    case cql::statement_kind::delete_:
    case cql::statement_kind::batch:
      return true;
    default:
      return false;  // reads are never rewritten (SPEC 6)
  }
}

// One generator per thread: sessions of a thread share it, each thread has its own node id.
protocol::uuid next_timeuuid() {
  thread_local protocol::timeuuid_generator generator;
  return generator.next();
}

// The text of a simple write with each now() call replaced by a fresh timeuuid literal;
// nullopt when there is no call (or the text does not lex: the cluster reports it).
std::optional<std::string> with_now_literals(std::string_view cql) {
  auto found = cql::find_now_calls(cql);
  if (!found || found->calls.empty()) return std::nullopt;
  std::vector<std::string> literals;
  literals.reserve(found->calls.size());
  for (std::size_t i = 0; i < found->calls.size(); ++i)
    literals.push_back(protocol::to_string(next_timeuuid()));
  return cql::replace_now_calls(cql, *found, literals);
}

// Fills the markers the proxy put in place of now() calls with fresh timeuuids: positional
// values at their bind indexes, or named values when the client names its values.
void fill_now_markers(const std::vector<now_marker>& markers, std::vector<protocol::value>& values,
                      std::vector<std::string>* names) {
  for (const now_marker& m : markers) {
    const protocol::uuid u = next_timeuuid();
    protocol::value v = protocol::value::of(protocol::bytes(u.begin(), u.end()));
    if (names != nullptr && !names->empty()) {
      names->push_back(m.name);
      values.push_back(std::move(v));
    } else {
      const auto at = std::min(m.bind_index, values.size());
      values.insert(values.begin() + static_cast<std::ptrdiff_t>(at), std::move(v));
    }
  }
}

}  // namespace

bool client_session::reencode(const protocol::frame_header& h, const protocol::envelope& env,
                              const protocol::request& r, std::string_view what,
                              std::optional<protocol::bytes>& out) {
  const auto v = *protocol::to_protocol_version(version_);
  auto message = protocol::encode_request(r, v);
  if (!message) {
    send_error(h.stream, protocol::error_code::server_error,
               "cqlshift: cannot re-encode the rewritten " + std::string(what) + ": " +
                   message.error().message());
    return false;
  }
  out = with_envelope(h, env, *message);
  return true;
}

std::optional<protocol::response> client_session::decode_answer(const protocol::frame& f) const {
  auto body = body_of(f);
  if (!body) return std::nullopt;
  auto opened = protocol::open_body(f.header, *body);
  if (!opened) return std::nullopt;
  auto m = protocol::decode_response(f.header.op, *protocol::to_protocol_version(version_),
                                     opened->message);
  if (!m) return std::nullopt;
  return std::move(*m);
}

std::optional<plain_body> client_session::body_of(const protocol::frame& f) const {
  if (!f.header.has(protocol::header_flag::compression) ||
      compression_ == protocol::compression_algorithm::none)
    return plain_body::borrow(f.body);
  auto plain = protocol::decompress_body(compression_, f.body, ctx_->settings.max_frame_size_bytes);
  if (!plain) return std::nullopt;
  return plain_body::own(std::move(*plain));
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
  const auto v = *protocol::to_protocol_version(version_);
  auto q = decode_as<protocol::query>(body_of(f), f.header, v);
  if (!q) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed QUERY message");
    return;
  }
  auto p = std::make_unique<pending>();
  p->statement = cql::read_statement(q->message.query_string);
  const auto& params = q->message.params;
  const std::string& ks = params.keyspace ? *params.keyspace : keyspace_;
  p->route = route_statement(*p->statement, ks, routing_of(*ctx_));
  if (p->route.to == destination::proxy) {
    std::vector<std::optional<protocol::bytes>> values;
    if (params.values)
      for (const auto& val : *params.values)
        values.push_back(val.kind == protocol::value_kind::set ? std::optional(val.data)
                                                               : std::nullopt);
    answer_virtual(f.header, q->message.query_string, values);
    return;
  }
  std::array<std::optional<protocol::bytes>, 2> bodies;
  if (rewrites_now(*ctx_, *p->statement)) {
    if (auto text = with_now_literals(q->message.query_string)) {
      // The same literals for both clusters (SPEC 6).
      protocol::query rewritten = std::move(q->message);
      rewritten.query_string = std::move(*text);
      if (!reencode(f.header, q->env, rewritten, "QUERY", bodies[0])) return;
      bodies[1] = bodies[0];
    }
  }
  std::unique_ptr<shadow_read> shadow;
  if (p->route.shadow) shadow = make_shadow(*p, f, q->env, std::move(q->message), nullptr);
  dispatch(std::move(p), f, bodies, std::move(shadow));
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
  const auto v = *protocol::to_protocol_version(version_);
  auto q = decode_as<protocol::prepare>(body_of(f), f.header, v);
  if (!q) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed PREPARE message");
    return;
  }
  auto p = std::make_unique<pending>();
  p->statement = cql::read_statement(q->message.query_string);
  p->query = q->message.query_string;
  const std::string& ks = q->message.keyspace ? *q->message.keyspace : keyspace_;
  const decision d = route_statement(*p->statement, ks, routing_of(*ctx_));
  if (d.to == destination::proxy) {
    auto view = ctx_->directory(ctx_->system_queries()).view();
    auto answer =
        prepare_select(q->message.query_string, ctx_->topology,
                       local_row_from(view ? view->system_local : protocol::rows_result{}), v);
    if (auto* failure = std::get_if<cql_failure>(&answer)) {
      send_error(f.header.stream, static_cast<protocol::error_code>(failure->code),
                 failure->message);
      return;
    }
    auto prepared = std::get<protocol::prepared_result>(std::move(answer));
    const std::string key = "cqlshift-virtual:" + ks + ":" + q->message.query_string;
    const auto digest = protocol::md5(
        protocol::byte_view(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
    prepared.id.assign(digest.begin(), digest.end());
    if (protocol::has_result_metadata_id(v)) prepared.result_metadata_id = prepared.id;
    auto e = std::make_shared<prepared_entry>();
    e->statement = *p->statement;
    e->query = q->message.query_string;
    e->virtual_table = true;
    ctx_->prepared.put(prepared.id, std::move(e));
    send_message(f.header.stream, std::move(prepared));
    return;
  }
  // PREPARE goes to both clusters whatever the statement is (SPEC 3).
  p->route = decision{destination::both, false, virtual_table::none};
  std::array<std::optional<protocol::bytes>, 2> bodies;
  if (rewrites_now(*ctx_, *p->statement)) {
    auto found = cql::find_now_calls(q->message.query_string);
    if (found && !found->calls.empty()) {
      // Both clusters prepare the text with markers; the client never sees them (SPEC 6).
      for (const auto& call : found->calls)
        p->now_indexes.push_back(call.bind_index);
      protocol::prepare rewritten = q->message;
      rewritten.query_string = cql::replace_now_with_markers(q->message.query_string, *found);
      if (!reencode(f.header, q->env, rewritten, "PREPARE", bodies[0])) return;
      bodies[1] = bodies[0];
    }
  }
  dispatch(std::move(p), f, bodies);
}

void client_session::send_unprepared(std::int16_t stream, const protocol::bytes& client_id) {
  // Unknown to the proxy (never prepared through it, or evicted): the driver re-prepares on
  // UNPREPARED with its own id (SPEC 5).
  observability::thread_metrics::add(metrics_.pscache_misses);
  protocol::error_response err;
  err.code = protocol::error_code::unprepared;
  err.message = "cqlshift: prepared statement not found (re-prepare it)";
  err.details = protocol::unprepared_details{client_id};
  send_error(stream, err);
}

void client_session::route_execute(protocol::frame f) {
  const auto v = *protocol::to_protocol_version(version_);
  const auto body = body_of(f);
  auto e = decode_as<protocol::execute>(body, f.header, v);
  if (!e) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed EXECUTE message");
    return;
  }
  auto entry = ctx_->prepared.find(e->message.id);
  if (!entry) {
    send_unprepared(f.header.stream, e->message.id);
    return;
  }
  const auto& params = e->message.params;
  if (entry->virtual_table) {
    std::vector<std::optional<protocol::bytes>> values;
    if (params.values)
      for (const auto& val : *params.values)
        values.push_back(val.kind == protocol::value_kind::set ? std::optional(val.data)
                                                               : std::nullopt);
    answer_virtual(f.header, entry->query, values);
    return;
  }
  auto p = std::make_unique<pending>();
  p->statement = entry->statement;
  const std::string& ks = params.keyspace ? *params.keyspace : keyspace_;
  p->route = route_statement(entry->statement, ks, routing_of(*ctx_));
  const bool to_target = p->route.to == destination::both || p->route.to == destination::target;
  protocol::execute message = std::move(e->message);
  if (!entry->now_markers.empty()) {
    // The now() markers get the same fresh timeuuids on both clusters (SPEC 6).
    if (!message.params.values) message.params.values.emplace();
    fill_now_markers(entry->now_markers, *message.params.values, &message.params.value_names);
  }
  std::unique_ptr<shadow_read> shadow;
  if (p->route.shadow) shadow = make_shadow(*p, f, e->env, message, entry);
  std::array<std::optional<protocol::bytes>, 2> bodies;
  if (!entry->now_markers.empty() && p->route.to != destination::target &&
      !reencode(f.header, e->env, message, "EXECUTE", bodies[0]))
    return;
  if (to_target) {
    p->target_ids.emplace_back(entry->target_id, message.id);
    // Without now() markers the values are the client's: only the ids change.
    if (entry->now_markers.empty())
      bodies[1] =
          execute_for_target(*body, e->wire, v, entry->target_id, entry->target_result_metadata_id);
    if (!bodies[1]) {
      message.id = entry->target_id;
      if (protocol::has_result_metadata_id(v) && entry->target_result_metadata_id)
        message.result_metadata_id = entry->target_result_metadata_id;
      if (!reencode(f.header, e->env, message, "EXECUTE", bodies[1])) return;
    }
  }
  dispatch(std::move(p), f, bodies, std::move(shadow));
}

void client_session::route_batch(protocol::frame f) {
  const auto v = *protocol::to_protocol_version(version_);
  auto b = decode_as<protocol::batch>(body_of(f), f.header, v);
  if (!b) {
    send_error(f.header.stream, protocol::error_code::protocol_error,
               "cqlshift: malformed BATCH message");
    return;
  }
  auto p = std::make_unique<pending>();
  p->route = route_message(opcode::batch);
  protocol::batch for_origin = std::move(b->message);
  const bool replace_now = ctx_->live.replace_cql_functions.load(std::memory_order_relaxed);
  bool origin_changed = false;
  std::vector<std::shared_ptr<const prepared_entry>> entries(for_origin.children.size());
  for (std::size_t i = 0; i < for_origin.children.size(); ++i) {
    auto& child = for_origin.children[i];
    if (!child.is_prepared) {
      if (!replace_now) continue;
      if (auto text = with_now_literals(child.query_string)) {
        child.query_string = std::move(*text);
        origin_changed = true;
      }
      continue;
    }
    entries[i] = ctx_->prepared.find(child.id);
    if (!entries[i]) {
      send_unprepared(f.header.stream, child.id);
      return;
    }
    if (entries[i]->virtual_table) {
      send_error(f.header.stream, protocol::error_code::invalid,
                 "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are "
                 "allowed.");
      return;
    }
    if (!entries[i]->now_markers.empty()) {
      fill_now_markers(entries[i]->now_markers, child.values, nullptr);
      origin_changed = true;
    }
  }
  // Target: the same children (the same now() values) under Target's ids (SPEC 5).
  protocol::batch for_target = for_origin;
  bool target_changed = origin_changed;
  for (std::size_t i = 0; i < for_target.children.size(); ++i) {
    if (!entries[i]) continue;
    p->target_ids.emplace_back(entries[i]->target_id, for_target.children[i].id);
    for_target.children[i].id = entries[i]->target_id;
    target_changed = true;
  }
  std::array<std::optional<protocol::bytes>, 2> bodies;
  if (origin_changed && !reencode(f.header, b->env, for_origin, "BATCH", bodies[0])) return;
  if (target_changed && !reencode(f.header, b->env, for_target, "BATCH", bodies[1])) return;
  dispatch(std::move(p), f, bodies);
}

void client_session::dispatch(std::unique_ptr<pending> p, const protocol::frame& f,
                              const std::array<std::optional<protocol::bytes>, 2>& bodies,
                              std::unique_ptr<shadow_read> shadow) {
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
        if (ids[k]) legs_[k].ids->release(*ids[k]);  // never counted as used
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
    l.metrics->used_stream_ids.fetch_add(1, std::memory_order_relaxed);
    stream_slot(l.by_stream, *ids[c]) = raw;
    if (bodies[c]) {
      h.flags = static_cast<std::uint8_t>(h.flags & ~protocol::header_flag::compression);
      l.stream->send(h, *bodies[c]);
    } else {
      l.stream->send(h, f.body);
    }
  }
  raw->sent_at = std::chrono::steady_clock::now();
  raw->timeout_ms = ctx_->live.request_timeout_ms.load(std::memory_order_relaxed);
  if (!raw->route.is_read) {
    raw->type = observability::request_type::writes;
  } else {
    raw->type = to[0] ? observability::request_type::reads_origin
                      : observability::request_type::reads_target;
  }
  metrics_.inflight[static_cast<std::size_t>(raw->type)].fetch_add(1, std::memory_order_relaxed);
  raw->expires = raw->sent_at + std::chrono::milliseconds(raw->timeout_ms);
  arm_deadline(raw->expires);
  ctx_->inflight_requests.fetch_add(1, std::memory_order_relaxed);
  inflight_.emplace(f.header.stream, std::move(p));
  if (raw->route.is_read && (shadow_links_[0] || shadow_links_[1])) {
    std::optional<cluster> keep;
    if (raw->route.shadow) keep = to[0] ? cluster::target : cluster::origin;
    retire_idle_shadow_links(keep);
  }
  if (shadow) start_shadow(*raw, std::move(shadow));
}

void client_session::release_stream(cluster c, std::int16_t id) {
  leg& l = legs_[static_cast<int>(c)];
  if (!l.ids->in_use(id)) return;
  l.ids->release(id);
  l.metrics->used_stream_ids.fetch_sub(1, std::memory_order_relaxed);
}

observability::failed_side client_session::side_of(cluster c) noexcept {
  return c == cluster::origin ? observability::failed_side::origin
                              : observability::failed_side::target;
}

std::string client_session::table_label(const cql::statement_info& s,
                                        const std::optional<std::string>& request_keyspace) const {
  std::string out = s.target.keyspace;
  if (out.empty()) out = request_keyspace ? *request_keyspace : keyspace_;
  return out + "." + s.target.table;
}

void client_session::count_failed(const pending& p, observability::failed_side side) {
  if (p.route.is_read) {
    // A read goes to one cluster: the side is that cluster.
    const std::size_t c = side == observability::failed_side::target ? 1 : 0;
    observability::thread_metrics::add(metrics_.failed_reads[c]);
  } else {
    observability::thread_metrics::add(metrics_.failed_writes[static_cast<std::size_t>(side)]);
    std::string table = "(batch)";
    if (p.statement && !p.statement->target.table.empty()) {
      table = table_label(*p.statement);
    } else if (p.header.op != opcode::batch) {
      table = "(other)";  // DDL of a keyspace, USE, REGISTER, a statement that did not lex
    }
    metrics_.count_failed_write(table, side);
  }
}

void client_session::count_done(const pending& p, bool answered) {
  ctx_->inflight_requests.fetch_sub(1, std::memory_order_relaxed);
  const auto type = static_cast<std::size_t>(p.type);
  metrics_.inflight[type].fetch_sub(1, std::memory_order_relaxed);
  if (answered) metrics_.durations[type].observe(std::chrono::steady_clock::now() - p.sent_at);
}

void client_session::on_response(cluster c, pending& p, protocol::frame f) {
  const int k = static_cast<int>(c);
  if (observability::node_metrics* node = legs_[k].metrics) {
    if (!p.done) {
      const auto took = std::chrono::steady_clock::now() - p.sent_at;
      (p.route.is_read ? node->reads : node->writes).observe(took);
    }
    if (f.header.op == opcode::error) {
      const auto m = decode_answer(f);
      const auto* e = m ? std::get_if<protocol::error_response>(&*m) : nullptr;
      node->fail(e != nullptr ? observability::classify(e->code)
                              : observability::request_error::other);
    }
  }
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
      count_failed(p, r.failure == failed_on::both     ? observability::failed_side::both
                      : r.failure == failed_on::origin ? observability::failed_side::origin
                                                       : observability::failed_side::target);
    }
    if (r.failure == failed_on::none && p.statement && p.statement->conditional) {
      // SPEC 4: a conditional write applied on one cluster and not on the other is reported
      // (the clusters now differ for that row), not turned into an error.
      const auto applied_on = [&](int c) -> std::optional<bool> {
        auto m = decode_answer(*p.responses[c]);
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
        observability::thread_metrics::add(metrics_.conditional_disagreements);
        spdlog::warn(
            "conditional write on {}.{} applied on {} only: the clusters differ for "
            "that row",
            p.statement->target.keyspace.empty() ? keyspace_ : p.statement->target.keyspace,
            p.statement->target.table, *origin_applied ? "ORIGIN" : "TARGET");
      }
    }
    if (p.header.op == opcode::prepare && r.failure == failed_on::none) {
      record_prepared(p);
      return;
    }
  } else {
    const int c = p.sent[0] ? 0 : 1;
    answer = &*p.responses[c];
    if (answer->header.op == opcode::error) count_failed(p, side_of(static_cast<cluster>(c)));
  }
  if (p.statement && p.statement->kind == cql::statement_kind::use &&
      answer->header.op == opcode::result)
    keyspace_ = p.statement->use_keyspace;
  if (p.responses[1] && answer == &*p.responses[1] && answer->header.op == opcode::error &&
      !p.target_ids.empty()) {
    if (auto translated = client_unprepared(p, *answer)) {
      spdlog::debug("session: {} does not know a prepared statement; the client re-prepares",
                    describe(cluster::target));
      send_error(p.header.stream, *translated);
      finish(p);
      return;
    }
  }
  send_to_client(p.header, *answer);
  finish(p);
}

std::optional<protocol::error_response> client_session::client_unprepared(
    const pending& p, const protocol::frame& answer) const {
  auto m = decode_answer(answer);
  if (!m) return std::nullopt;
  auto* e = std::get_if<protocol::error_response>(&*m);
  if (e == nullptr || e->code != protocol::error_code::unprepared) return std::nullopt;
  auto* details = std::get_if<protocol::unprepared_details>(&e->details);
  if (details == nullptr) return std::nullopt;
  for (const auto& [target_id, client_id] : p.target_ids) {
    if (target_id == details->id) {
      protocol::error_response out = *e;
      out.details = protocol::unprepared_details{client_id};
      return out;
    }
  }
  return std::nullopt;
}

void client_session::record_prepared(pending& p) {
  // Both clusters prepared the statement: record Target's ids under Origin's, which the
  // client sees (SPEC 5), and answer with Origin's PREPARED, without the now() markers.
  std::array<std::optional<protocol::prepared_result>, 2> results;
  for (int c = 0; c < 2; ++c) {
    auto m = decode_answer(*p.responses[c]);
    if (!m) continue;
    if (auto* pr = std::get_if<protocol::prepared_result>(&*m)) results[c] = std::move(*pr);
  }
  if (!results[0] || !results[1]) {
    send_error(p.header.stream, protocol::error_code::server_error,
               std::string("cqlshift: ") + (results[0] ? "TARGET" : "ORIGIN") +
                   " answered PREPARE with something other than a prepared result");
    finish(p);
    return;
  }
  auto e = std::make_shared<prepared_entry>();
  e->target_id = results[1]->id;
  e->target_result_metadata_id = results[1]->result_metadata_id;
  e->statement = p.statement.value_or(cql::statement_info{});
  e->query = p.query;
  protocol::prepared_result& origin = *results[0];
  if (!p.now_indexes.empty()) {
    // Each marker the proxy added must be a timeuuid on both clusters; anything else means
    // the statement was not read as Cassandra reads it, and filling it would write a wrong
    // value, so the client gets an error instead.
    for (const auto& result : results) {
      const auto& columns = result->variables.columns;
      for (std::size_t index : p.now_indexes) {
        if (index >= columns.size() || columns[index].type.id != protocol::type_id::timeuuid) {
          spdlog::warn(
              "session: cannot replace now() in a prepared statement (bind markers "
              "do not line up): {}",
              p.query);
          send_error(p.header.stream, protocol::error_code::invalid,
                     "cqlshift: cannot replace now() in this statement (replace_cql_functions); "
                     "bind the value in the application or set replace_cql_functions: false");
          finish(p);
          return;
        }
      }
    }
    for (std::size_t index : p.now_indexes)
      e->now_markers.push_back(now_marker{index, origin.variables.columns[index].name});
    // Hide the markers: the client binds only its own values (SPEC 6).
    std::vector<protocol::column_spec> visible;
    std::vector<std::uint16_t> new_position(origin.variables.columns.size(), 0);
    std::vector<bool> hidden(origin.variables.columns.size(), false);
    for (std::size_t index : p.now_indexes)
      hidden[index] = true;
    for (std::size_t i = 0; i < origin.variables.columns.size(); ++i) {
      if (hidden[i]) continue;
      new_position[i] = static_cast<std::uint16_t>(visible.size());
      visible.push_back(std::move(origin.variables.columns[i]));
    }
    std::vector<std::uint16_t> pk;
    bool pk_hidden = false;
    for (std::uint16_t i : origin.variables.pk_indices) {
      if (i < hidden.size() && hidden[i]) {
        pk_hidden = true;
      } else if (i < new_position.size()) {
        pk.push_back(new_position[i]);
      }
    }
    // A partition key bound by now() cannot be computed by the client: no routing key then.
    origin.variables.pk_indices = pk_hidden ? std::vector<std::uint16_t>{} : std::move(pk);
    origin.variables.columns = std::move(visible);
    if (origin.variables.columns.empty()) origin.variables.global_table_spec = false;
  }
  if (e->statement.kind == cql::statement_kind::select) {
    for (std::uint16_t i : origin.variables.pk_indices)
      if (i < origin.variables.columns.size())
        e->partition_key.emplace_back(i, origin.variables.columns[i]);
    e->result_columns = origin.result_metadata.columns;
  }
  ctx_->prepared.put(origin.id, std::move(e));
  if (p.now_indexes.empty()) {
    send_to_client(p.header, *p.responses[0]);
  } else {
    send_message(p.header.stream, std::move(origin));
  }
  finish(p);
}

void client_session::arm_deadline(std::chrono::steady_clock::time_point at) {
  if (deadline_armed_ && *deadline_armed_ <= at) return;
  deadline_armed_ = at;
  // Re-arming cancels the earlier wait; its handler, or one already queued, is told apart by
  // the generation.
  deadlines_.expires_at(at);
  deadlines_.async_wait([weak = weak_from_this(),
                         generation = ++deadline_generation_](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_deadlines(generation);
  });
}

void client_session::on_deadlines(std::uint64_t generation) {
  if (generation != deadline_generation_ || phase_ == phase::closed) return;
  deadline_armed_.reset();
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<std::int16_t, std::uint64_t>> due;
  std::optional<std::chrono::steady_clock::time_point> next;
  for (const auto& [stream, p] : inflight_) {
    if (p->done) continue;
    if (p->expires <= now) {
      due.emplace_back(stream, p->serial);
    } else if (!next || p->expires < *next) {
      next = p->expires;
    }
  }
  for (const auto& [stream, serial] : due)
    on_deadline(stream, serial);
  if (next && phase_ != phase::closed) arm_deadline(*next);
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
  e.message = "cqlshift: no response from " + silent + " within " + std::to_string(p.timeout_ms) +
              " ms (proxy_request_timeout_ms)";
  for (int c = 0; c < 2; ++c) {
    if (p.sent[c] && !p.answered[c] && legs_[c].metrics != nullptr)
      legs_[c].metrics->fail(observability::request_error::client_timeout);
  }
  const bool origin_silent = p.sent[0] && !p.answered[0];
  const bool target_silent = p.sent[1] && !p.answered[1];
  count_failed(p, origin_silent && target_silent ? observability::failed_side::both
                  : origin_silent                ? observability::failed_side::origin
                                                 : observability::failed_side::target);
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
  if (p.shadow != 0) shadow_primary_done(p);
  p.done = true;
  count_done(p, true);
  orphans_.push_back(std::move(it->second));
  inflight_.erase(it);
}

void client_session::finish(pending& p) {
  if (p.shadow != 0) shadow_primary_done(p);
  p.done = true;
  count_done(p, true);
  // Remove the stream ids still held (none when both answered).
  for (int c = 0; c < 2; ++c) {
    if (p.sent[c] && !p.answered[c]) {
      leg& l = legs_[c];
      const auto id = p.cluster_stream[c];
      if (id >= 0 && static_cast<std::size_t>(id) < l.by_stream.size() &&
          l.by_stream[static_cast<std::size_t>(id)] == &p) {
        l.by_stream[static_cast<std::size_t>(id)] = nullptr;
        release_stream(static_cast<cluster>(c), id);
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
