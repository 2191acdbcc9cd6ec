#pragma once
// An in-process cqlsim server on 127.0.0.1 port 0, run on its own thread, and a blocking test
// client that speaks the native protocol with the protocol library (frames, v3/v4 body
// compression, v5 segments), over plain TCP or TLS. Every wait has a deadline, so a server
// that does not answer fails the test instead of hanging it.

#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/segment.hpp"
#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/faults.hpp"
#include "server/server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace cqlshift::sim::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using protocol::protocol_version;

inline constexpr std::chrono::seconds wait_limit{10};

// `nodes` nodes on 127.0.0.1, ports chosen by the OS.
inline listen_options loopback(std::size_t nodes = 1) {
  listen_options l;
  l.address = "127.0.0.1";
  l.port = 0;
  l.nodes = nodes;
  l.port_per_node = true;
  return l;
}

class server_harness {
 public:
  explicit server_harness(server_options options = {}, listen_options listen = loopback()) {
    auto acceptors = bind_nodes(io_, listen);
    db_ = std::make_unique<database>(describe_nodes(acceptors, "cqlsim", "datacenter1"));
    server_ =
        std::make_unique<cql_server>(io_, std::move(acceptors), *db_, faults_, std::move(options));
    endpoints_ = server_->endpoints();
    server_->start();
    thread_ = std::thread([this] {
      io_.run();
      finished_.set_value();
    });
  }

  ~server_harness() {
    on_server([this] { server_->stop(); });
    // Once stopped, every coroutine of the server must finish by itself: a hang here is a
    // leaked connection, timer or coroutine.
    auto done = finished_.get_future();
    if (done.wait_for(wait_limit) != std::future_status::ready) {
      ADD_FAILURE() << "the server's coroutines did not finish after stop()";
      io_.stop();
    }
    thread_.join();
  }

  tcp::endpoint endpoint(std::size_t node = 0) const { return endpoints_.at(node); }

  // Runs `f` on the server's thread (the database and fault registry are not thread-safe) and
  // returns its result.
  template <class F>
  auto on_server(F f) -> decltype(f()) {
    using result = decltype(f());
    std::packaged_task<result()> task(std::move(f));
    auto future = task.get_future();
    asio::post(io_, [&task] { task(); });
    if (future.wait_for(wait_limit) != std::future_status::ready) {
      throw std::runtime_error("the server thread did not run a task in time");
    }
    return future.get();
  }

  std::size_t connection_count() {
    return on_server([this] { return server_->connection_count(); });
  }
  // Waits until the server holds `n` connections (closing is asynchronous).
  bool wait_for_connections(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + wait_limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (connection_count() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  std::uint64_t add_rule(fault_rule rule) {
    return on_server([this, rule] { return faults_.add_rule(rule); });
  }
  std::vector<request_record> log() {
    return on_server(
        [this] { return std::vector<request_record>(faults_.log().begin(), faults_.log().end()); });
  }
  std::vector<tls_handshake_record> handshakes() {
    return on_server([this] {
      return std::vector<tls_handshake_record>(faults_.handshakes().begin(),
                                               faults_.handshakes().end());
    });
  }
  // Waits until the handshake log holds `n` entries (a refusal is logged asynchronously).
  bool wait_for_handshakes(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + wait_limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (on_server([this] { return faults_.handshakes().size(); }) >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

 private:
  asio::io_context io_{1};
  std::unique_ptr<database> db_;
  fault_registry faults_;
  std::unique_ptr<cql_server> server_;
  std::vector<tcp::endpoint> endpoints_;
  std::promise<void> finished_;
  std::thread thread_;
};

struct received {
  protocol::frame_header header;
  protocol::envelope env;
  protocol::response message;

  // On a temporary (client.request(...).as<T>()) the message is moved out, so binding the
  // result to a const reference is safe.
  template <class T>
  const T& as() const& {
    if (const T* m = std::get_if<T>(&message)) return *m;
    throw std::runtime_error(describe_unexpected());
  }
  template <class T>
  T as() && {
    if (T* m = std::get_if<T>(&message)) return std::move(*m);
    throw std::runtime_error(describe_unexpected());
  }
  const protocol::error_response& error() const& { return as<protocol::error_response>(); }
  protocol::error_response error() && { return std::move(*this).as<protocol::error_response>(); }

 private:
  std::string describe_unexpected() const {
    std::string what = "unexpected response opcode " + std::string(protocol::to_string(header.op));
    if (const auto* e = std::get_if<protocol::error_response>(&message)) {
      what += ": " + std::string(protocol::to_string(e->code)) + " " + e->message;
    }
    return what;
  }
};

class client {
 public:
  explicit client(const tcp::endpoint& server) : socket_(io_) { socket_.connect(server); }

  // A TLS client: the server's certificate must be valid for the server's IP address.
  // `server_name` goes out as SNI unless empty. Throws when the handshake fails.
  client(const tcp::endpoint& server, asio::ssl::context& tls, const std::string& server_name = "")
      : socket_(io_) {
    socket_.connect(server);
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, tls);
    SSL* ssl = tls_->native_handle();
    if (!server_name.empty()) SSL_set_tlsext_host_name(ssl, server_name.c_str());
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server.address().to_string().c_str());
    tls_->set_verify_mode(asio::ssl::verify_peer);
    boost::system::error_code ec;
    bool done = false;
    tls_->async_handshake(asio::ssl::stream_base::client, [&](const boost::system::error_code& e) {
      ec = e;
      done = true;
    });
    io_.run_for(wait_limit);
    if (!done) {
      socket_.close();  // the handshake completes, aborted, before `ec` goes out of scope
      io_.restart();
      io_.run();
      throw std::runtime_error("TLS handshake: no answer from the server in time");
    }
    if (ec) throw std::runtime_error("TLS handshake: " + ec.message());
  }

  int native_handle() { return socket_.native_handle(); }
  tcp::endpoint local_endpoint() const { return socket_.local_endpoint(); }

  void send_raw(protocol::byte_view bytes) {
    if (tls_) {
      asio::write(*tls_, asio::buffer(bytes.data(), bytes.size()));
    } else {
      asio::write(socket_, asio::buffer(bytes.data(), bytes.size()));
    }
  }

  // The bytes of one request frame, as send() would put them in a frame (no segments).
  protocol::bytes frame_bytes(std::uint8_t raw_version, std::int16_t stream,
                              const protocol::request& r, std::uint8_t flags = 0,
                              const protocol::envelope& env = {}) {
    const auto v = protocol::to_protocol_version(raw_version).value_or(protocol_version::v4);
    auto message = protocol::encode_request(r, v);
    if (!message) throw std::runtime_error("cannot encode the test request");
    protocol::frame_header h;
    h.version = raw_version;
    h.flags = flags;
    h.stream = stream;
    h.op = protocol::opcode_of(r);
    protocol::bytes body;
    protocol::writer w(body);
    protocol::write_envelope(h, env, w);
    w.write_raw(*message);
    if (compression_ != protocol::compression_algorithm::none && !segments_) {
      body = protocol::compress_body(compression_, body).value();
      h.flags |= protocol::header_flag::compression;
    }
    return protocol::encode_frame(h, body);
  }

  void send(protocol_version v, std::int16_t stream, const protocol::request& r,
            std::uint8_t flags = 0, const protocol::envelope& env = {}) {
    send_frame_bytes(frame_bytes(protocol::raw(v), stream, r, flags, env));
  }

  // Sends whole frames, in segments once use_segments() was called.
  void send_frame_bytes(const protocol::bytes& frame) {
    if (segments_) {
      const std::vector<protocol::bytes> frames{frame};
      send_raw(protocol::encode_frames_as_segments(frames, lz4_));
    } else {
      send_raw(frame);
    }
  }

  // The next frame, its body decompressed and decoded.
  received receive() {
    protocol::frame f = next_frame();
    protocol::bytes body = std::move(f.body);
    if (f.header.has(protocol::header_flag::compression)) {
      body =
          protocol::decompress_body(compression_, body, protocol::default_max_frame_size).value();
    }
    auto opened = protocol::open_body(f.header, body);
    if (!opened) throw std::runtime_error("cannot open the response body");
    const auto v =
        f.header.version <= 2
            ? protocol_version::v2
            : protocol::to_protocol_version(f.header.version).value_or(protocol_version::v4);
    auto message = protocol::decode_response(f.header.op, v, opened->message);
    if (!message) {
      throw std::runtime_error(
          std::string("cannot decode the response: ") +
          protocol::describe(static_cast<protocol::errc>(message.error().value())));
    }
    return received{f.header, std::move(opened->env), std::move(*message)};
  }

  // Sends and waits for the answer on the same stream (events in between are skipped).
  received request(protocol_version v, const protocol::request& r, std::uint8_t flags = 0,
                   const protocol::envelope& env = {}) {
    const std::int16_t stream = next_stream_++;
    send(v, stream, r, flags, env);
    for (;;) {
      received got = receive();
      if (got.header.stream == stream) return got;
      if (got.header.stream >= 0) throw std::runtime_error("a response on another stream");
    }
  }

  // STARTUP (and the switch to compression or segments the answer implies); returns the answer.
  received startup(protocol_version v,
                   protocol::compression_algorithm c = protocol::compression_algorithm::none) {
    protocol::startup s;
    s.options = {{"CQL_VERSION", "3.0.0"}};
    if (c != protocol::compression_algorithm::none) {
      s.options.push_back({"COMPRESSION", std::string(protocol::to_string(c))});
    }
    received r = request(v, s);
    if (protocol::uses_segments(v)) {
      use_segments(c == protocol::compression_algorithm::lz4);
    } else {
      compression_ = c;
    }
    return r;
  }

  // A ready connection: STARTUP, then the password when asked for one.
  void connect(protocol_version v,
               protocol::compression_algorithm c = protocol::compression_algorithm::none,
               const std::string& user = "", const std::string& password = "") {
    received r = startup(v, c);
    if (r.header.op == protocol::opcode::authenticate) {
      r = request(v, protocol::auth_response{sasl_plain(user, password)});
    }
    if (r.header.op != protocol::opcode::ready && r.header.op != protocol::opcode::auth_success) {
      throw std::runtime_error("the connection did not become ready");
    }
  }

  static protocol::bytes sasl_plain(const std::string& user, const std::string& password) {
    protocol::bytes token{0};
    token.insert(token.end(), user.begin(), user.end());
    token.push_back(0);
    token.insert(token.end(), password.begin(), password.end());
    return token;
  }

  received query(protocol_version v, const std::string& cql,
                 protocol::consistency cl = protocol::consistency::one) {
    protocol::query q;
    q.query_string = cql;
    q.params.consistency_level = cl;
    return request(v, q);
  }

  void use_segments(bool lz4) {
    segments_.emplace(lz4, protocol::frame_reader::options{protocol::default_max_frame_size, true});
    lz4_ = lz4;
    // Bytes already read past the last frame belong to the segments.
    if (!unframed_.empty()) segments_->feed(unframed_);
    unframed_.clear();
  }
  void use_compression(protocol::compression_algorithm c) { compression_ = c; }

  // True once the server closed the connection (EOF or reset) within the time limit, with
  // no frame before it.
  bool closed_by_server() {
    std::uint8_t byte = 0;
    boost::system::error_code ec;
    read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  // True once the connection ended within the time limit (EOF, reset, or a TLS alert), whatever
  // arrived before.
  bool ended_by_server() {
    for (;;) {
      std::uint8_t buf[4096];
      boost::system::error_code ec;
      read_some(asio::buffer(buf), ec);
      if (ec) return ec != asio::error::timed_out;
    }
  }

  // True when nothing arrives within `d`.
  bool silent_for(std::chrono::milliseconds d) {
    std::uint8_t byte = 0;
    boost::system::error_code ec;
    const std::size_t n = read_some(asio::buffer(&byte, 1), ec, d);
    if (n == 1) pending_.push_back(byte);
    return ec == asio::error::timed_out;
  }

 private:
  std::size_t read_some(asio::mutable_buffer b, boost::system::error_code& ec,
                        std::chrono::steady_clock::duration limit = wait_limit) {
    std::size_t got = 0;
    bool done = false;
    auto on_read = [&](const boost::system::error_code& e, std::size_t n) {
      ec = e;
      got = n;
      done = true;
    };
    if (tls_) {
      tls_->async_read_some(b, on_read);
    } else {
      socket_.async_read_some(b, on_read);
    }
    io_.restart();
    io_.run_for(limit);
    if (!done) {
      socket_.cancel();
      io_.restart();
      io_.run();
      ec = asio::error::timed_out;
      return 0;
    }
    return got;
  }

  protocol::frame next_frame() {
    for (;;) {
      auto f = segments_ ? segments_->next() : frames_.next();
      if (!f) {
        throw std::runtime_error(
            std::string("bad frame from the server: ") +
            protocol::describe(static_cast<protocol::errc>(f.error().value())));
      }
      if (*f) {
        if (!segments_) {
          const std::size_t n =
              protocol::header_size_for_raw_version((*f)->header.version) + (*f)->body.size();
          unframed_.erase(unframed_.begin(), unframed_.begin() + static_cast<std::ptrdiff_t>(n));
        }
        return std::move(**f);
      }
      if (!pending_.empty()) {
        feed(pending_);
        pending_.clear();
        continue;
      }
      std::uint8_t buf[65536];
      boost::system::error_code ec;
      const std::size_t n = read_some(asio::buffer(buf), ec);
      if (ec) throw std::runtime_error("no frame from the server: " + ec.message());
      feed(protocol::byte_view(buf, n));
    }
  }

  void feed(protocol::byte_view data) {
    if (segments_) {
      segments_->feed(data);
    } else {
      frames_.feed(data);
      unframed_.insert(unframed_.end(), data.begin(), data.end());
    }
  }

  asio::io_context io_;
  tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;  // null for plain TCP
  protocol::frame_reader frames_{{protocol::default_max_frame_size, true}};
  std::optional<protocol::segmented_frame_reader> segments_;
  bool lz4_ = false;
  protocol::compression_algorithm compression_ = protocol::compression_algorithm::none;
  protocol::bytes pending_;
  protocol::bytes unframed_;  // read but not yet returned as a frame (before segments)
  std::int16_t next_stream_ = 1;
};

}  // namespace cqlshift::sim::test
