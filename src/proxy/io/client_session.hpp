#pragma once
// One client connection and its two cluster connections (one node of Origin, one of Target).
//
// Coroutines, all on the session's io_context (no locks): the client reader decodes frames
// and dispatches them; one reader per cluster connection matches responses to requests by
// the cluster's stream id. Each request the client sends is one `pending` object keyed by
// the client's stream id, with exactly one completion path: the combined response, an error
// (timeout, broken cluster connection, overload), or being dropped when the session closes.
//
// The handshake (STARTUP, authentication matrix of SPEC 2) is handled in
// session_handshake.cpp; routing and combining of requests in session_requests.cpp.

#include "proxy_context.hpp"

#include "cqlshift/net/frame_stream.hpp"
#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/error_response.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/proxy/prepared_cache.hpp"
#include "cqlshift/proxy/routing.hpp"
#include "cqlshift/proxy/shadow_compare.hpp"
#include "cqlshift/proxy/stream_ids.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cqlshift::proxy {

// The slot of stream `id` in a table indexed by stream id, grown on demand: an idle connection
// keeps a small table, a busy one as many slots as the highest id it used.
template <typename T>
T& stream_slot(std::vector<T>& table, std::int16_t id) {
  const auto i = static_cast<std::size_t>(id);
  if (i >= table.size())
    table.resize(std::max<std::size_t>({i + 1, 2 * table.size(), std::size_t{16}}));
  return table[i];
}

// A frame's body as the codec reads it: the frame's own bytes when it is not compressed (no
// copy), else its decompressed copy.
class plain_body {
 public:
  static plain_body borrow(const protocol::bytes& frame_body) {
    plain_body b;
    b.borrowed_ = &frame_body;
    return b;
  }
  static plain_body own(protocol::bytes decompressed) {
    plain_body b;
    b.owned_ = std::move(decompressed);
    return b;
  }
  operator protocol::byte_view() const noexcept {
    return borrowed_ != nullptr ? protocol::byte_view(*borrowed_) : protocol::byte_view(owned_);
  }

 private:
  plain_body() = default;
  protocol::bytes owned_;
  const protocol::bytes* borrowed_ = nullptr;
};

class client_session : public std::enable_shared_from_this<client_session> {
 public:
  // `worker`: the index of the worker thread the session lives on (its metrics shard).
  // `refusal`, when not empty, is the error the client's first request gets before the
  // connection closes (a plaintext client on the TLS listener).
  client_session(std::shared_ptr<proxy_context> ctx, net::transport connection, std::size_t worker,
                 std::string refusal = {});
  ~client_session();

  void start();

 private:
  enum class phase : std::uint8_t { initial, starting, authenticating, ready, closed };

  // What a request waits for from each cluster.
  struct pending {
    std::uint64_t serial = 0;
    protocol::frame_header header;  // the client's header (stream = the client's id)
    decision route;
    std::array<bool, 2> sent{};      // sent to origin / target
    std::array<bool, 2> answered{};  // response received (or the leg failed)
    std::array<std::optional<protocol::frame>, 2> responses;
    std::array<std::int16_t, 2> cluster_stream{-1, -1};
    int timeout_ms = 0;  // proxy_request_timeout_ms when it was sent
    std::chrono::steady_clock::time_point sent_at;
    std::chrono::steady_clock::time_point expires;  // sent_at + timeout_ms
    observability::request_type type = observability::request_type::writes;
    // PREPARE: what to record when both answered; USE: the keyspace to track.
    std::optional<cql::statement_info> statement;
    std::string query;
    std::vector<std::size_t> now_indexes;  // PREPARE: the markers put in place of now()
    // EXECUTE, BATCH: Target's ids and the client's, to translate Target's UNPREPARED back.
    std::vector<std::pair<protocol::bytes, protocol::bytes>> target_ids;
    bool done = false;         // answered to the client; still waits for late cluster responses
    std::uint64_t shadow = 0;  // the shadow read sent with it (SPEC 11), 0 for none
  };

  // A read sent to the secondary as well (SPEC 11), on the session's shadow connection to that
  // cluster; compared with the primary's answer when both are in.
  struct shadow_read {
    std::uint64_t id = 0;
    cluster to = cluster::target;  // the secondary
    std::string table;             // "ks.table", the metrics label
    std::string keyspace;          // the USE keyspace the read needs on the link ("" none)
    protocol::bytes frame;         // the encoded request; its stream id is set when sent
    std::shared_ptr<const prepared_entry> entry;  // EXECUTE: to re-prepare on UNPREPARED
    bool reprepared = false;
    bool preparing = false;  // the link is re-preparing the statement for it
    bool sent = false;
    std::int16_t stream = -1;
    bool compare = false;  // sampled for comparison (shadow_compare and shadow_sample_rate)
    compare_mode mode = compare_mode::rows;
    bool ordered = false;                                   // rows compare in order
    std::vector<std::optional<protocol::bytes>> pk_values;  // bound partition key, as in entry
    std::string query;                                      // simple statements: for DEBUG logs
    bool secondary_done = false;  // answered with a result (errors and timeouts end the read)
    bool primary_done = false;
    bool primary_ok = false;                       // the primary answered with a result
    std::optional<protocol::bytes> primary_state;  // its paging state, if it has more pages
    std::optional<protocol::frame> primary;
    std::optional<protocol::frame> secondary;
    std::size_t retained = 0;  // bytes of the two answers held
    std::chrono::steady_clock::time_point sent_at;
    std::unique_ptr<boost::asio::steady_timer> deadline;
    // A next page asked for before the previous page's shadow read answered: the request
    // waits (not encoded yet) for the secondary's paging state of that page.
    std::string awaiting_page;  // the primary's paging state it continues from
    std::optional<protocol::request> deferred;
    protocol::frame_header deferred_header;
    protocol::envelope deferred_env;
    std::string owns_page;  // the primary's paging state this read will give the mapping of
  };

  // The session's own connection to one cluster for shadow reads: its own handshake, stream
  // ids and keyspace, so that nothing on it can delay or fail the client's requests.
  struct shadow_link {
    enum class state : std::uint8_t { connecting, ready, failed };
    state st = state::connecting;
    std::uint64_t generation = 0;  // tells its handshake coroutine from a later link's
    std::shared_ptr<net::frame_stream> stream;
    std::unique_ptr<stream_ids> ids;
    std::vector<std::uint64_t> by_stream;  // shadow read id per stream id; 0 free
    node_address node;
    observability::node_metrics* metrics = nullptr;
    std::unique_ptr<boost::asio::steady_timer> handshake_deadline;
    std::string keyspace;      // the link's USE keyspace
    std::string use_keyspace;  // a USE in flight sets this one
    std::int16_t use_stream = -1;
    std::deque<std::uint64_t> waiting;  // not sent yet (handshake, USE, no free stream id)
    std::size_t live = 0;               // waiting or in flight: at most shadow_queue_size
  };

  struct leg {
    std::shared_ptr<net::frame_stream> stream;
    std::unique_ptr<stream_ids> ids;
    std::vector<pending*> by_stream;  // indexed by the cluster's stream id
    node_address node;
    observability::node_metrics* metrics = nullptr;  // the node's shard on this thread
    bool startup_answered = false;
    bool ready = false;  // STARTUP (and auth) accepted
  };

  // session.cpp
  boost::asio::awaitable<void> run(std::shared_ptr<client_session> self);
  boost::asio::awaitable<void> read_cluster(std::shared_ptr<client_session> self, cluster c);
  void on_client_frame(protocol::frame f);
  void on_cluster_frame(cluster c, protocol::frame f);
  void on_cluster_closed(cluster c, const std::string& why);
  void close();
  leg& leg_of(cluster c) noexcept { return legs_[static_cast<int>(c)]; }
  std::string describe(cluster c) const;

  // Output to the client.
  void send_to_client(const protocol::frame_header& request, const protocol::frame& response);
  void send_message(std::int16_t stream, const protocol::response& message);
  void send_error(std::int16_t stream, protocol::error_code code, std::string message);
  void send_error(std::int16_t stream, const protocol::error_response& e);

  // session_handshake.cpp
  void on_first_frame(const protocol::frame& f);
  bool version_acceptable(std::uint8_t raw_version) const;
  void refuse_version(std::uint8_t raw_version);
  boost::asio::awaitable<void> open_clusters(std::shared_ptr<client_session> self,
                                             protocol::frame startup);
  void on_startup_answered(cluster c, protocol::frame f);
  void on_auth_answer(cluster c, protocol::frame f);
  void on_client_auth_response(protocol::frame f);
  void answer_options(std::int16_t stream);
  void maybe_finish_handshake();

  // session_requests.cpp
  void handle_request(protocol::frame f);
  // Valid while f is.
  std::optional<plain_body> body_of(const protocol::frame& f) const;
  // A cluster's answer decoded at the connection's version; nullopt when it does not decode.
  std::optional<protocol::response> decode_answer(const protocol::frame& f) const;
  void route_query(protocol::frame f);
  void route_prepare(protocol::frame f);
  void route_execute(protocol::frame f);
  void route_batch(protocol::frame f);
  void answer_virtual(const protocol::frame_header& h, std::string_view query,
                      std::span<const std::optional<protocol::bytes>> values);
  // Sends f to the clusters p->route names; bodies[c], when engaged, replaces f's body for
  // cluster c (a rewritten, uncompressed message with f's envelope).
  // `shadow`: the shadow read to send once the request is on its way (SPEC 11).
  void dispatch(std::unique_ptr<pending> p, const protocol::frame& f,
                const std::array<std::optional<protocol::bytes>, 2>& bodies = {},
                std::unique_ptr<shadow_read> shadow = nullptr);
  void send_unprepared(std::int16_t stream, const protocol::bytes& client_id);
  // Encodes a rewritten request with the client's envelope into out; when the codec refuses
  // it, answers the client with an error and returns false.
  bool reencode(const protocol::frame_header& h, const protocol::envelope& env,
                const protocol::request& r, std::string_view what,
                std::optional<protocol::bytes>& out);
  void record_prepared(pending& p);
  // Target's UNPREPARED for one of Target's ids, worded with the client's id (SPEC 5).
  std::optional<protocol::error_response> client_unprepared(const pending& p,
                                                            const protocol::frame& answer) const;
  void on_response(cluster c, pending& p, protocol::frame f);
  void release_stream(cluster c, std::int16_t id);
  // Once per request: the in-flight counters; the latency when the client got an answer.
  void count_done(const pending& p, bool answered);
  // A request the client got an error for: proxy_failed_reads_total (by cluster) or
  // proxy_failed_writes_total (by the side that failed).
  void count_failed(const pending& p, observability::failed_side side);
  static observability::failed_side side_of(cluster c) noexcept;
  // "ks.table" for metric labels: the statement's keyspace, else the request's (v5), else the
  // connection's USE keyspace.
  std::string table_label(const cql::statement_info& s,
                          const std::optional<std::string>& request_keyspace = {}) const;
  void complete(pending& p);
  // One timer per session for every request's deadline (not one per request): armed for the
  // earliest, and on expiry times out what is due and re-arms for the next.
  void arm_deadline(std::chrono::steady_clock::time_point at);
  void on_deadlines(std::uint64_t generation);
  void on_deadline(std::int16_t client_stream, std::uint64_t serial);
  void finish(pending& p);
  void forget(pending& p);

  // session_shadow.cpp (SPEC 11)
  // The shadow read for a read about to go to the primary; null when none is sent (counted).
  // `message` is the client's decoded QUERY or EXECUTE; `entry` its prepared entry.
  std::unique_ptr<shadow_read> make_shadow(const pending& p, const protocol::frame& f,
                                           const protocol::envelope& env, protocol::request message,
                                           std::shared_ptr<const prepared_entry> entry);
  void start_shadow(pending& p, std::unique_ptr<shadow_read> r);
  void shadow_primary_done(pending& p);
  shadow_link* shadow_link_to(cluster c);
  boost::asio::awaitable<void> run_shadow_link(std::shared_ptr<client_session> self, cluster c,
                                               std::uint64_t generation);
  void on_shadow_ready(cluster c);
  void on_shadow_frame(cluster c, protocol::frame f);
  void on_shadow_timeout(std::uint64_t id);
  void fail_shadow_link(cluster c, const std::string& why);
  // Ends the reads still waiting for the link: counted (dropped, or error when sent) unless
  // the client connection itself is closing.
  void close_shadow_link(cluster c, bool count);
  void retire_idle_shadow_links(std::optional<cluster> keep);
  void flush_shadow(cluster c);
  bool send_shadow(shadow_link& l, cluster c, shadow_read& r);
  // A request of the proxy's own (USE, PREPARE) on stream `id` of the link, its answer going
  // to `owner` (a shadow read's id, or the USE marker). False when it does not encode.
  bool send_link_request(shadow_link& l, std::int16_t id, std::uint64_t owner,
                         const protocol::request& message);
  void shadow_secondary_done(shadow_link& l, shadow_read& r);
  void conclude_shadow(shadow_read& r);
  // A ROWS answer's paging state, from its metadata only; nullopt when none.
  std::optional<protocol::bytes> paging_state_of(const protocol::frame& f) const;
  void remember_page(const protocol::bytes& primary_state, protocol::bytes secondary_state);
  // Encodes the request for the secondary into r.frame (the client's header and envelope,
  // uncompressed); false when it does not encode.
  bool encode_shadow(shadow_read& r, protocol::frame_header h, const protocol::envelope& env,
                     const protocol::request& message);
  void end_shadow(std::uint64_t id, observability::shadow_outcome o);
  void log_mismatch(const shadow_read& r, const protocol::rows_result& primary,
                    const protocol::rows_result& secondary, const shadow_difference& d);

  std::shared_ptr<proxy_context> ctx_;
  observability::thread_metrics& metrics_;
  std::size_t worker_;
  std::shared_ptr<net::frame_stream> client_;
  std::array<leg, 2> legs_;
  phase phase_ = phase::initial;

  std::uint8_t version_ = 0;  // raw version byte fixed by the first frame
  protocol::compression_algorithm compression_ = protocol::compression_algorithm::none;
  bool v5_lz4_ = false;
  std::string keyspace_;
  bool schema_events_ = false;  // the client REGISTERed for SCHEMA_CHANGE

  // Authentication (SPEC 2).
  std::optional<cluster> auth_primary_;  // the cluster the client's credentials are for
  std::array<bool, 2> asked_auth_{};
  std::int16_t startup_stream_ = 0;
  std::array<std::optional<protocol::frame>, 2> startup_answers_;  // each cluster's STARTUP answer
  std::optional<protocol::frame>
      startup_reply_;  // auth-primary's AUTH_SUCCESS, sent when both done

  std::unordered_map<std::int16_t, std::unique_ptr<pending>> inflight_;
  boost::asio::steady_timer deadlines_;
  std::optional<std::chrono::steady_clock::time_point> deadline_armed_;  // when it fires
  std::uint64_t deadline_generation_ = 0;          // tells the current wait from a superseded one
  std::vector<std::unique_ptr<pending>> orphans_;  // answered, waiting for late responses
  std::uint64_t next_serial_ = 1;
  bool counted_ = false;
  const std::string refusal_;

  // Shadow reads (SPEC 11).
  std::optional<protocol::frame> startup_frame_;  // replayed on shadow connections
  protocol::bytes client_auth_token_;  // the client's first AUTH_RESPONSE token, likewise
  std::array<std::unique_ptr<shadow_link>, 2> shadow_links_;
  std::unordered_map<std::uint64_t, std::unique_ptr<shadow_read>> shadows_;
  std::uint64_t next_shadow_ = 1;
  std::size_t shadow_retained_ = 0;  // bytes of answers held for comparison
  // The primary's paging state -> the secondary's for the same page, so that the next page
  // of a paged read compares with the same page (oldest forgotten first).
  std::unordered_map<std::string, protocol::bytes> shadow_pages_;
  std::deque<std::string> shadow_pages_order_;
  // Paging states whose mapping a shadow read still in flight will give, and the next-page
  // reads waiting for it.
  std::unordered_map<std::string, std::uint64_t> page_owners_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> awaiting_pages_;
};

}  // namespace cqlshift::proxy
