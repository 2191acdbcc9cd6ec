// Shadow reads (SPEC 11): with read_mode DUAL_ASYNC_ON_SECONDARY every read of user data that
// goes to the primary also goes to the secondary, on the session's own connection to it (its
// own handshake, stream ids and keyspace). The client's answer never waits for it: the
// secondary's answer is only timed, counted and compared with the primary's, page by page.
//
// Bounds: at most shadow_queue_size shadow reads per client connection waiting or in flight
// (more are dropped and counted), and at most max_retained bytes of answers held for
// comparison (past it a read is sent but not compared).

#include "client_session.hpp"
#include "endpoint_text.hpp"
#include "sasl.hpp"

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace cqlshift::proxy {
namespace {

namespace asio = boost::asio;
using observability::shadow_outcome;
using protocol::opcode;

constexpr std::uint64_t use_marker = ~std::uint64_t{0};     // the link's USE in flight
constexpr std::uint64_t tombstone = ~std::uint64_t{0} - 1;  // timed out, answer still due
constexpr std::size_t max_retained = 32u << 20;             // answers held per session
constexpr std::size_t max_paging_states = 256;              // remembered per session
constexpr int mismatch_logs_per_minute = 10;                // per worker thread

std::string key_of(const protocol::bytes& b) {
  return std::string(b.begin(), b.end());
}

void set_stream(protocol::bytes& frame, std::int16_t stream) {
  // Protocol v3 and later: version, flags, then the stream id as a big-endian [short].
  frame[2] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(stream) >> 8);
  frame[3] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(stream) & 0xff);
}

bool sampled(double rate) {
  if (rate >= 1.0) return true;
  if (rate <= 0.0) return false;
  thread_local std::minstd_rand generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator) < rate;
}

// A keyspace name for USE, always quoted (a quoted name is taken verbatim).
std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// A cell as CQL text when its type is known, else as a blob literal (0x...).
std::string cell_text(const std::optional<protocol::bytes>& cell, const protocol::column_spec* spec,
                      protocol::protocol_version v) {
  if (!cell) return "null";
  if (spec != nullptr) {
    if (auto value = protocol::decode_value(spec->type,
                                            protocol::byte_view(cell->data(), cell->size()), v)) {
      if (auto text = protocol::to_cql_literal(spec->type, *value)) return *text;
    }
  }
  auto blob = protocol::to_cql_literal(protocol::data_type{}, protocol::cql_value{*cell});
  return blob ? *blob : "?";
}

// Allows a mismatch log line when this thread's budget for the current minute is not spent;
// says how many were held back when a new minute starts.
bool mismatch_log_allowed(std::size_t& held_back) {
  thread_local std::chrono::steady_clock::time_point window;
  thread_local int logged = 0;
  thread_local std::size_t suppressed = 0;
  const auto now = std::chrono::steady_clock::now();
  if (now - window >= std::chrono::minutes(1)) {
    window = now;
    logged = 0;
    held_back = suppressed;
    suppressed = 0;
  } else {
    held_back = 0;
  }
  if (logged >= mismatch_logs_per_minute) {
    ++suppressed;
    return false;
  }
  ++logged;
  return true;
}

}  // namespace

std::unique_ptr<client_session::shadow_read> client_session::make_shadow(
    const pending& p, const protocol::frame& f, const protocol::envelope& env,
    protocol::request message, std::shared_ptr<const prepared_entry> entry) {
  const cluster secondary =
      other(p.route.to == destination::origin ? cluster::origin : cluster::target);
  const cql::statement_info& statement = entry ? entry->statement : *p.statement;
  auto* q = std::get_if<protocol::query>(&message);
  auto* e = std::get_if<protocol::execute>(&message);
  protocol::query_parameters& params = q != nullptr ? q->params : e->params;
  std::string table = table_label(statement, params.keyspace);

  shadow_link* link = shadow_link_to(secondary);
  const auto limit = static_cast<std::size_t>(ctx_->settings.shadow_queue_size);
  if (link == nullptr || link->live >= limit) {
    metrics_.count_shadow(table, shadow_outcome::dropped);
    return nullptr;
  }
  auto r = std::make_unique<shadow_read>();
  r->to = secondary;
  bool rewrite = false;
  std::string awaiting;
  if (params.paging_state) {
    // A later page: the secondary continues from its own paging state for the previous page,
    // known once that page's shadow read answered (or soon: then this one waits for it).
    std::string key = key_of(*params.paging_state);
    auto known = shadow_pages_.find(key);
    if (known != shadow_pages_.end()) {
      params.paging_state = known->second;
      rewrite = true;
    } else if (page_owners_.contains(key)) {
      awaiting = std::move(key);
    } else {
      metrics_.count_shadow(table, shadow_outcome::dropped);
      return nullptr;
    }
  }
  if (e != nullptr && secondary == cluster::target) {
    e->id = entry->target_id;
    if (entry->target_result_metadata_id) e->result_metadata_id = entry->target_result_metadata_id;
    rewrite = true;
  }
  if (!awaiting.empty()) {
    r->awaiting_page = std::move(awaiting);
    r->deferred = message;
    r->deferred_header = f.header;
    r->deferred_env = env;
  } else if (rewrite) {
    if (!encode_shadow(*r, f.header, env, message)) {
      metrics_.count_shadow(table, shadow_outcome::dropped);
      return nullptr;
    }
  } else {
    r->frame = protocol::encode_frame(f.header, f.body);
  }
  r->table = std::move(table);
  if (statement.target.keyspace.empty() && !params.keyspace) r->keyspace = keyspace_;
  r->entry = e != nullptr ? std::move(entry) : nullptr;
  const auto compare = ctx_->live.shadow_compare.load(std::memory_order_relaxed);
  r->compare = compare != config::shadow_compare::off &&
               sampled(ctx_->live.shadow_sample_rate.load(std::memory_order_relaxed));
  r->mode = compare == config::shadow_compare::count ? compare_mode::count : compare_mode::rows;
  // Rows come in a defined order when the query orders them or reads one partition (its whole
  // partition key bound with =, which is when PREPARED lists the key's markers).
  r->ordered = statement.ordered || (r->entry && !r->entry->partition_key.empty());
  if (r->compare) {
    if (r->entry) {
      for (const auto& [index, spec] : r->entry->partition_key) {
        std::optional<protocol::bytes> v;
        if (params.values) {
          std::size_t at = index;
          if (!params.value_names.empty()) {
            at = params.values->size();
            for (std::size_t i = 0; i < params.value_names.size(); ++i)
              if (params.value_names[i] == spec.name) at = i;
          }
          if (at < params.values->size() && (*params.values)[at].kind == protocol::value_kind::set)
            v = (*params.values)[at].data;
        }
        r->pk_values.push_back(std::move(v));
      }
    } else if (q != nullptr) {
      r->query = std::move(q->query_string);
    }
  }
  return r;
}

bool client_session::encode_shadow(shadow_read& r, protocol::frame_header h,
                                   const protocol::envelope& env,
                                   const protocol::request& message) {
  auto encoded = protocol::encode_request(message, *protocol::to_protocol_version(version_));
  if (!encoded) return false;
  protocol::bytes body;
  protocol::writer w(body);
  protocol::write_envelope(h, env, w);
  body.insert(body.end(), encoded->begin(), encoded->end());
  h.flags = static_cast<std::uint8_t>(h.flags & ~protocol::header_flag::compression);
  r.frame = protocol::encode_frame(h, body);
  return true;
}

void client_session::start_shadow(pending& p, std::unique_ptr<shadow_read> r) {
  r->id = next_shadow_++;
  p.shadow = r->id;
  shadow_link& link = *shadow_links_[static_cast<int>(r->to)];
  ++link.live;
  const cluster c = r->to;
  const std::uint64_t id = r->id;
  if (!r->awaiting_page.empty()) {
    awaiting_pages_[r->awaiting_page].push_back(id);
    shadows_.emplace(id, std::move(r));
    return;
  }
  shadows_.emplace(id, std::move(r));
  link.waiting.push_back(id);
  flush_shadow(c);
}

client_session::shadow_link* client_session::shadow_link_to(cluster c) {
  auto& slot = shadow_links_[static_cast<int>(c)];
  if (slot) return slot->st == shadow_link::state::failed ? nullptr : slot.get();
  if (!startup_frame_) return nullptr;
  slot = std::make_unique<shadow_link>();
  slot->generation = next_shadow_++;
  asio::co_spawn(client_->get_executor(), run_shadow_link(shared_from_this(), c, slot->generation),
                 asio::detached);
  return slot.get();
}

asio::awaitable<void> client_session::run_shadow_link(
    [[maybe_unused]] std::shared_ptr<client_session> self, cluster c, std::uint64_t generation) {
  const auto limit = std::chrono::milliseconds(
      ctx_->live.async_handshake_timeout_ms.load(std::memory_order_relaxed));
  const auto node = ctx_->directory(c).next_node();
  if (!node) {
    fail_shadow_link(c, "no node of " + std::string(to_string(c)) + " is known");
    co_return;
  }
  {
    shadow_link& l = *shadow_links_[static_cast<int>(c)];
    l.node = *node;
    l.metrics = &ctx_->metrics.node(worker_, observability::cluster_index::async, node->label());
  }
  // Connecting (and the TLS handshake) and the CQL handshake share the limit.
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto connected = co_await connect_to_node(client_->get_executor(), ctx_->tls_of(c), *node, limit);
  // The link may have been closed (or replaced) meanwhile.
  const auto mine = [&]() -> shadow_link* {
    shadow_link* link = shadow_links_[static_cast<int>(c)].get();
    return phase_ != phase::closed && link != nullptr && link->generation == generation &&
                   link->st != shadow_link::state::failed
               ? link
               : nullptr;
  };
  shadow_link* l = mine();
  if (l == nullptr) co_return;
  if (!connected.stream) {
    observability::thread_metrics::add(l->metrics->failed_connections);
    fail_shadow_link(c, connected.timed_out
                            ? "connecting took longer than async_handshake_timeout_ms (" +
                                  std::to_string(limit.count()) + " ms)"
                            : connected.error);
    co_return;
  }
  l->metrics->connections.fetch_add(1, std::memory_order_relaxed);
  l->stream = std::make_shared<net::frame_stream>(std::move(*connected.stream),
                                                  ctx_->settings.max_frame_size_bytes);
  l->ids = std::make_unique<stream_ids>(ctx_->settings.proxy_max_stream_ids);
  l->stream->start();
  // The rest of the handshake within what is left of the limit.
  l->handshake_deadline = std::make_unique<asio::steady_timer>(client_->get_executor());
  l->handshake_deadline->expires_at(deadline);
  l->handshake_deadline->async_wait(
      [weak = weak_from_this(), c, limit, generation](const boost::system::error_code& ec) {
        if (ec) return;
        auto session = weak.lock();
        if (!session) return;
        const auto& link = session->shadow_links_[static_cast<int>(c)];
        if (link && link->generation == generation && link->st == shadow_link::state::connecting) {
          session->fail_shadow_link(c,
                                    "the handshake took longer than "
                                    "async_handshake_timeout_ms (" +
                                        std::to_string(limit.count()) + " ms)");
        }
      });
  const auto v = *protocol::to_protocol_version(version_);
  std::shared_ptr<net::frame_stream> stream = l->stream;
  stream->send(startup_frame_->header, startup_frame_->body);
  if (protocol::uses_segments(v)) stream->segments_out(v5_lz4_);
  bool authenticated = false;
  for (;;) {
    auto f = co_await stream->read();
    l = mine();
    if (l == nullptr) co_return;
    if (!f) {
      fail_shadow_link(c, "the connection closed: " + f.error().message());
      co_return;
    }
    if (l->st == shadow_link::state::ready) {
      on_shadow_frame(c, std::move(*f));
      continue;
    }
    // The handshake, as the client did it: the client's STARTUP, then its credentials for
    // the cluster it authenticates with, the configured ones for the other (SPEC 2).
    const opcode op = f->header.op;
    if ((op == opcode::ready || op == opcode::authenticate) && protocol::uses_segments(v) &&
        !authenticated)
      stream->segments_in(v5_lz4_);
    if (op == opcode::ready || op == opcode::auth_success) {
      on_shadow_ready(c);
      continue;
    }
    if (op == opcode::authenticate && !authenticated) {
      authenticated = true;
      const config::cluster_settings& creds =
          c == cluster::origin ? ctx_->settings.origin : ctx_->settings.target;
      stream->send(auth_response_frame(
          version_, auth_primary_ && *auth_primary_ == c
                        ? client_auth_token_
                        : protocol::sasl_plain_token(creds.username, creds.password)));
      continue;
    }
    std::string why = "it answered " + std::string(protocol::to_string(op));
    if (op == opcode::error) {
      if (auto m = decode_answer(*f))
        if (auto* err = std::get_if<protocol::error_response>(&*m)) why += ": " + err->message;
    }
    fail_shadow_link(c, "the handshake failed: " + why);
    co_return;
  }
}

void client_session::on_shadow_ready(cluster c) {
  shadow_link& l = *shadow_links_[static_cast<int>(c)];
  l.st = shadow_link::state::ready;
  if (l.handshake_deadline) l.handshake_deadline->cancel();
  spdlog::debug("session {}: shadow connection to {} node {} ready",
                endpoint_text(client_->remote_endpoint()), to_string(c), l.node.label());
  flush_shadow(c);
}

void client_session::flush_shadow(cluster c) {
  shadow_link* l = shadow_links_[static_cast<int>(c)].get();
  if (l == nullptr || l->st != shadow_link::state::ready) return;
  while (!l->waiting.empty()) {
    auto it = shadows_.find(l->waiting.front());
    if (it == shadows_.end()) {
      l->waiting.pop_front();
      continue;
    }
    if (!send_shadow(*l, c, *it->second)) return;
    l->waiting.pop_front();
  }
}

bool client_session::send_shadow(shadow_link& l, cluster c, shadow_read& r) {
  if (!r.keyspace.empty() && r.keyspace != l.keyspace) {
    // The read needs the client's keyspace: USE it first; later reads wait behind it so that
    // none runs in the wrong keyspace.
    if (l.use_stream >= 0) return false;
    const auto id = l.ids->allocate();
    if (!id) return false;
    protocol::query use;
    use.query_string = "USE " + quote_identifier(r.keyspace);
    if (!send_link_request(l, *id, use_marker, use)) {
      fail_shadow_link(c, "cannot encode USE " + r.keyspace);
      return false;
    }
    l.use_stream = *id;
    l.use_keyspace = r.keyspace;
    return false;
  }
  const auto id = l.ids->allocate();
  if (!id) return false;
  r.stream = *id;
  r.sent = true;
  stream_slot(l.by_stream, *id) = r.id;
  l.metrics->used_stream_ids.fetch_add(1, std::memory_order_relaxed);
  l.metrics->inflight.fetch_add(1, std::memory_order_relaxed);
  set_stream(r.frame, *id);
  if (r.entry) {
    l.stream->send(r.frame);  // kept to send again after a re-prepare
  } else {
    l.stream->send(std::move(r.frame));
    r.frame = {};
  }
  r.sent_at = std::chrono::steady_clock::now();
  if (!r.deadline) r.deadline = std::make_unique<asio::steady_timer>(client_->get_executor());
  r.deadline->expires_after(
      std::chrono::milliseconds(ctx_->live.request_timeout_ms.load(std::memory_order_relaxed)));
  r.deadline->async_wait([weak = weak_from_this(), id = r.id](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_shadow_timeout(id);
  });
  return true;
}

bool client_session::send_link_request(shadow_link& l, std::int16_t id, std::uint64_t owner,
                                       const protocol::request& message) {
  auto body = protocol::encode_request(message, *protocol::to_protocol_version(version_));
  if (!body) return false;
  protocol::frame_header h;
  h.version = version_;
  h.stream = id;
  h.op = protocol::opcode_of(message);
  stream_slot(l.by_stream, id) = owner;
  l.metrics->used_stream_ids.fetch_add(1, std::memory_order_relaxed);
  l.stream->send(h, *body);
  return true;
}

void client_session::on_shadow_frame(cluster c, protocol::frame f) {
  shadow_link& l = *shadow_links_[static_cast<int>(c)];
  const auto sid = f.header.stream;
  if (sid < 0 || static_cast<std::size_t>(sid) >= l.by_stream.size()) return;  // events: none
  const std::uint64_t id = l.by_stream[static_cast<std::size_t>(sid)];
  if (id == 0) return;
  l.by_stream[static_cast<std::size_t>(sid)] = 0;
  if (l.ids->in_use(sid)) {
    l.ids->release(sid);
    l.metrics->used_stream_ids.fetch_sub(1, std::memory_order_relaxed);
  }
  if (id == tombstone) {
    flush_shadow(c);
    return;
  }
  if (id == use_marker) {
    l.use_stream = -1;
    if (f.header.op != opcode::result) {
      std::string why = "USE " + l.use_keyspace + " failed";
      if (auto m = decode_answer(f))
        if (auto* err = std::get_if<protocol::error_response>(&*m)) why += ": " + err->message;
      fail_shadow_link(c, why);
      return;
    }
    l.keyspace = l.use_keyspace;
    flush_shadow(c);
    return;
  }
  auto it = shadows_.find(id);
  if (it == shadows_.end()) {
    flush_shadow(c);
    return;
  }
  shadow_read& r = *it->second;
  l.metrics->inflight.fetch_sub(1, std::memory_order_relaxed);
  r.sent = false;
  if (r.preparing) {
    // The statement is prepared again on the secondary: send the read once more.
    r.preparing = false;
    std::optional<protocol::response> m;
    if (f.header.op == opcode::result) m = decode_answer(f);
    const auto* prepared = m ? std::get_if<protocol::prepared_result>(&*m) : nullptr;
    const protocol::bytes& used = r.to == cluster::target ? r.entry->target_id : protocol::bytes{};
    if (prepared == nullptr || (r.to == cluster::target && prepared->id != used)) {
      l.metrics->fail(observability::request_error::unprepared);
      spdlog::debug("session: shadow read on {}: {} did not prepare the statement again", r.table,
                    to_string(c));
      --l.live;
      end_shadow(id, shadow_outcome::error);
      flush_shadow(c);
      return;
    }
    if (!send_shadow(l, c, r)) l.waiting.push_front(id);
    return;
  }
  if (f.header.op == opcode::error) {
    const auto m = decode_answer(f);
    const auto* err = m ? std::get_if<protocol::error_response>(&*m) : nullptr;
    if (err != nullptr && err->code == protocol::error_code::unprepared && r.entry &&
        !r.reprepared) {
      // The secondary's node does not know the statement (it restarted, or only another node
      // prepared it): prepare it there and send the read again.
      const auto pid = l.ids->allocate();
      if (pid) {
        r.reprepared = true;
        r.preparing = true;
        r.sent = true;
        protocol::prepare prepare;
        prepare.query_string = r.entry->query;
        if (send_link_request(l, *pid, id, prepare)) {
          l.metrics->inflight.fetch_add(1, std::memory_order_relaxed);
          r.stream = *pid;
          return;
        }
        l.ids->release(*pid);
        r.sent = false;
        r.preparing = false;
      }
    }
    l.metrics->fail(err != nullptr ? observability::classify(err->code)
                                   : observability::request_error::other);
    spdlog::debug("session: shadow read on {}: {} answered an error: {}", r.table, to_string(c),
                  err != nullptr ? err->message : "(undecodable)");
    --l.live;
    end_shadow(id, shadow_outcome::error);
    flush_shadow(c);
    return;
  }
  l.metrics->reads.observe(std::chrono::steady_clock::now() - r.sent_at);
  r.secondary = std::move(f);
  shadow_secondary_done(l, r);
  flush_shadow(c);
}

void client_session::shadow_secondary_done(shadow_link& l, shadow_read& r) {
  --l.live;
  r.secondary_done = true;
  if (r.deadline) r.deadline->cancel();
  r.frame = {};
  const std::size_t size = r.secondary->body.size();
  if (shadow_retained_ + size > max_retained) {
    // Too much held already: the read was made, but is not compared.
    r.secondary.reset();
    r.compare = false;
  } else {
    r.retained += size;
    shadow_retained_ += size;
  }
  if (r.primary_done) conclude_shadow(r);
}

void client_session::shadow_primary_done(pending& p) {
  const std::uint64_t id = p.shadow;
  p.shadow = 0;
  auto it = shadows_.find(id);
  if (it == shadows_.end()) return;
  shadow_read& r = *it->second;
  r.primary_done = true;
  const int c = p.sent[0] ? 0 : 1;
  auto& answer = p.responses[c];
  if (answer && answer->header.op == opcode::result) {
    r.primary_ok = true;
    r.primary_state = paging_state_of(*answer);
    if (!r.secondary_done && r.primary_state) {
      // The client may ask for the next page before the secondary answers this one: that
      // read will wait for the mapping this one gives.
      r.owns_page = key_of(*r.primary_state);
      page_owners_[r.owns_page] = r.id;
    }
    const std::size_t size = answer->body.size();
    if (shadow_retained_ + size <= max_retained) {
      r.retained += size;
      shadow_retained_ += size;
      r.primary = std::move(answer);
    } else {
      r.compare = false;
    }
  }
  if (r.secondary_done) conclude_shadow(r);
}

std::optional<protocol::bytes> client_session::paging_state_of(const protocol::frame& f) const {
  // The metadata alone, not the rows: what a read that is not compared needs.
  auto body = body_of(f);
  if (!body) return std::nullopt;
  auto opened = protocol::open_body(f.header, *body);
  if (!opened) return std::nullopt;
  protocol::reader in(opened->message);
  constexpr std::int32_t rows_kind = 2;
  if (in.read_int() != rows_kind || !in.ok()) return std::nullopt;
  auto metadata = protocol::read_rows_metadata(in, *protocol::to_protocol_version(version_));
  if (!in.ok()) return std::nullopt;
  return std::move(metadata.paging_state);
}

void client_session::remember_page(const protocol::bytes& primary_state,
                                   protocol::bytes secondary_state) {
  // The next page of this read compares with the secondary's next page.
  std::string key = key_of(primary_state);
  if (!shadow_pages_.contains(key)) {
    shadow_pages_order_.push_back(key);
    if (shadow_pages_order_.size() > max_paging_states) {
      shadow_pages_.erase(shadow_pages_order_.front());
      shadow_pages_order_.pop_front();
    }
  }
  shadow_pages_[key] = std::move(secondary_state);
  page_owners_.erase(key);
  // Next-page reads that waited for this mapping go out now.
  auto waiting = awaiting_pages_.extract(key);
  if (waiting.empty()) return;
  for (std::uint64_t id : waiting.mapped()) {
    auto it = shadows_.find(id);
    if (it == shadows_.end()) continue;
    shadow_read& r = *it->second;
    auto& message = *r.deferred;
    auto* q = std::get_if<protocol::query>(&message);
    protocol::query_parameters& params =
        q != nullptr ? q->params : std::get<protocol::execute>(message).params;
    params.paging_state = shadow_pages_[key];
    r.awaiting_page.clear();
    shadow_link* link = shadow_links_[static_cast<int>(r.to)].get();
    if (link == nullptr || !encode_shadow(r, r.deferred_header, r.deferred_env, message)) {
      if (link != nullptr) --link->live;
      end_shadow(id, shadow_outcome::dropped);
      continue;
    }
    r.deferred.reset();
    link->waiting.push_back(id);
    flush_shadow(r.to);
  }
}

void client_session::conclude_shadow(shadow_read& r) {
  // Both answers are in (or one of them could not be kept).
  if (!r.primary_ok || !r.primary || !r.secondary) {
    end_shadow(r.id, shadow_outcome::skipped);
    return;
  }
  // The same bytes are the same rows: no need to decode them (the common case once Target
  // holds the data, for reads that end within one page).
  const bool same =
      r.primary->header.flags == r.secondary->header.flags && r.primary->body == r.secondary->body;
  if (same || !r.compare) {
    if (r.primary_state) {
      auto secondary_state = same ? r.primary_state : paging_state_of(*r.secondary);
      if (secondary_state) remember_page(*r.primary_state, std::move(*secondary_state));
    }
    end_shadow(r.id, r.compare ? shadow_outcome::match : shadow_outcome::skipped);
    return;
  }
  auto pm = decode_answer(*r.primary);
  auto sm = decode_answer(*r.secondary);
  const auto* pr = pm ? std::get_if<protocol::rows_result>(&*pm) : nullptr;
  const auto* sr = sm ? std::get_if<protocol::rows_result>(&*sm) : nullptr;
  if (pr != nullptr && sr != nullptr && pr->metadata.paging_state && sr->metadata.paging_state)
    remember_page(*pr->metadata.paging_state, *sr->metadata.paging_state);
  if (pr == nullptr) {
    end_shadow(r.id, shadow_outcome::skipped);  // not rows on the primary: nothing to compare
    return;
  }
  if (sr == nullptr) {
    // Rows on the primary, another kind of result on the secondary.
    shadow_difference d;
    d.equal = false;
    d.primary_rows = pr->rows.size();
    log_mismatch(r, *pr, protocol::rows_result{}, d);
    end_shadow(r.id, shadow_outcome::mismatch);
    return;
  }
  const auto d =
      compare_pages(pr->rows, static_cast<std::size_t>(pr->metadata.column_count), sr->rows,
                    static_cast<std::size_t>(sr->metadata.column_count), r.mode, r.ordered);
  if (d.equal) {
    end_shadow(r.id, shadow_outcome::match);
    return;
  }
  log_mismatch(r, *pr, *sr, d);
  end_shadow(r.id, shadow_outcome::mismatch);
}

void client_session::log_mismatch(const shadow_read& r, const protocol::rows_result& primary,
                                  const protocol::rows_result& secondary,
                                  const shadow_difference& d) {
  std::size_t held_back = 0;
  const bool allowed = mismatch_log_allowed(held_back);
  if (held_back > 0)
    spdlog::warn("shadow reads: {} more mismatches in the last minute were not logged", held_back);
  if (!allowed) return;
  const auto v = *protocol::to_protocol_version(version_);
  // Column names and types: from the answer, or from PREPARE when the client skips metadata.
  const std::vector<protocol::column_spec>* specs = &primary.metadata.columns;
  if (specs->empty() && r.entry) specs = &r.entry->result_columns;
  std::vector<std::string> names;
  for (const auto& spec : *specs)
    names.push_back(spec.name);
  std::string key;
  if (r.entry && !r.entry->partition_key.empty()) {
    for (std::size_t i = 0; i < r.entry->partition_key.size() && i < r.pk_values.size(); ++i) {
      const auto& spec = r.entry->partition_key[i].second;
      if (!key.empty()) key += ", ";
      key += spec.name + "=" + cell_text(r.pk_values[i], &spec, v);
    }
    key = "partition key " + key;
  } else if (r.entry) {
    key = "partition key not bound with = (the read may span partitions)";
  } else {
    key = "partition key not known for a simple statement; prepare it for keys in this log";
  }
  const cluster primary_cluster = other(r.to);
  spdlog::warn("shadow read mismatch on {} ({}): {} (rows on {}: {}, on {}: {})", r.table, key,
               proxy::describe(d, names, to_string(r.to)), to_string(primary_cluster),
               d.primary_rows, to_string(r.to), d.secondary_rows);
  if (!spdlog::should_log(spdlog::level::debug)) return;
  const auto row_text = [&](const protocol::rows_result& rows, std::optional<std::size_t> at) {
    if (!at || *at >= rows.rows.size()) return std::string("(none)");
    std::string out = "(";
    const auto& row = rows.rows[*at];
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ", ";
      if (c < names.size()) out += names[c] + "=";
      out += cell_text(row[c], c < specs->size() ? &(*specs)[c] : nullptr, v);
    }
    return out + ")";
  };
  spdlog::debug("shadow read mismatch on {}: {} row {}; {} row {}{}{}", r.table,
                to_string(primary_cluster), row_text(primary, d.sample_primary), to_string(r.to),
                row_text(secondary, d.sample_secondary),
                r.query.empty() ? "" : "; query: ", r.query);
}

void client_session::on_shadow_timeout(std::uint64_t id) {
  auto it = shadows_.find(id);
  if (it == shadows_.end()) return;
  shadow_read& r = *it->second;
  if (!r.sent) return;
  shadow_link* l = shadow_links_[static_cast<int>(r.to)].get();
  if (l == nullptr) return;
  // The answer may still come: its stream id stays taken until then.
  if (r.stream >= 0 && static_cast<std::size_t>(r.stream) < l->by_stream.size() &&
      l->by_stream[static_cast<std::size_t>(r.stream)] == id)
    l->by_stream[static_cast<std::size_t>(r.stream)] = tombstone;
  l->metrics->inflight.fetch_sub(1, std::memory_order_relaxed);
  l->metrics->fail(observability::request_error::client_timeout);
  --l->live;
  const cluster c = r.to;
  end_shadow(id, shadow_outcome::timeout);
  flush_shadow(c);
}

void client_session::end_shadow(std::uint64_t id, shadow_outcome o) {
  auto it = shadows_.find(id);
  if (it == shadows_.end()) return;
  shadow_read& r = *it->second;
  metrics_.count_shadow(r.table, o);
  shadow_retained_ -= r.retained;
  if (r.deadline) r.deadline->cancel();
  std::string owned = std::move(r.owns_page);
  // A client request still waiting for the primary forgets it through the id lookup.
  shadows_.erase(it);
  if (owned.empty() || shadow_pages_.contains(owned)) return;
  // This page's shadow read ended without the secondary's paging state: the next-page reads
  // waiting for it cannot be sent.
  page_owners_.erase(owned);
  auto waiting = awaiting_pages_.extract(owned);
  if (waiting.empty()) return;
  for (std::uint64_t next : waiting.mapped()) {
    auto w = shadows_.find(next);
    if (w == shadows_.end()) continue;
    if (shadow_link* link = shadow_links_[static_cast<int>(w->second->to)].get()) --link->live;
    end_shadow(next, shadow_outcome::dropped);
  }
}

void client_session::fail_shadow_link(cluster c, const std::string& why) {
  shadow_link* l = shadow_links_[static_cast<int>(c)].get();
  if (l == nullptr || l->st == shadow_link::state::failed) return;
  const bool was_ready = l->st == shadow_link::state::ready;
  spdlog::warn("session {}: shadow reads to {} stop for this client connection: {}",
               endpoint_text(client_->remote_endpoint()), to_string(c), why);
  if (!was_ready && l->metrics != nullptr && l->stream)
    observability::thread_metrics::add(l->metrics->failed_connections);
  close_shadow_link(c, true);
  // Kept, failed, so that this connection sends no more shadow reads there (they count as
  // dropped); other client connections are not affected.
  shadow_links_[static_cast<int>(c)] = std::make_unique<shadow_link>();
  shadow_links_[static_cast<int>(c)]->st = shadow_link::state::failed;
}

void client_session::close_shadow_link(cluster c, bool count) {
  auto& slot = shadow_links_[static_cast<int>(c)];
  if (!slot) return;
  shadow_link& l = *slot;
  if (l.handshake_deadline) l.handshake_deadline->cancel();
  // Reads still waiting for this link: never sent, dropped; sent and unanswered, errors.
  std::vector<std::pair<std::uint64_t, shadow_outcome>> ended;
  for (const auto& [id, r] : shadows_) {
    if (r->to != c || r->secondary_done) continue;
    if (r->sent) {
      ended.emplace_back(id, shadow_outcome::error);
      if (l.metrics != nullptr) l.metrics->inflight.fetch_sub(1, std::memory_order_relaxed);
    } else {
      ended.emplace_back(id, shadow_outcome::dropped);
    }
  }
  if (l.metrics != nullptr && l.ids) {
    l.metrics->used_stream_ids.fetch_sub(l.ids->used(), std::memory_order_relaxed);
  }
  if (l.stream) {
    if (l.metrics != nullptr) l.metrics->connections.fetch_sub(1, std::memory_order_relaxed);
    l.stream->close();
  }
  slot.reset();
  for (const auto& [id, o] : ended) {
    if (count) {
      end_shadow(id, o);
    } else {
      auto it = shadows_.find(id);
      if (it != shadows_.end()) {
        shadow_retained_ -= it->second->retained;
        shadows_.erase(it);
      }
    }
  }
}

void client_session::retire_idle_shadow_links(std::optional<cluster> keep) {
  // A link nobody will use (shadow reads switched off, or the primary flipped) closes once
  // idle, so the secondary does not keep one connection per client for nothing.
  for (cluster c : {cluster::origin, cluster::target}) {
    auto& slot = shadow_links_[static_cast<int>(c)];
    if (!slot || (keep && *keep == c)) continue;
    if (slot->st == shadow_link::state::failed) continue;  // stays: disables shadow reads
    if (slot->live == 0 && slot->use_stream < 0) close_shadow_link(c, true);
  }
}

}  // namespace cqlshift::proxy
