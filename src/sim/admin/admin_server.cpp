#include "cqlshift/sim/admin.hpp"

#include "admin/routes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <string>
#include <unordered_map>
#include <utility>

namespace cqlshift::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// A rule is well under 1 KiB; 1 MiB leaves room for long statement patterns and bounds what
// one request can make the server hold.
constexpr std::uint64_t max_body_bytes = 1024 * 1024;
constexpr std::uint32_t max_header_bytes = 16 * 1024;
// Closing a socket with unread input makes the kernel send RST, which can destroy an error
// reply before the client reads it; so after a 400 the rest of the input is read and dropped,
// for at most this long and this much.
constexpr auto linger_time = std::chrono::seconds(1);
constexpr std::size_t max_linger_bytes = 1024 * 1024;
// accept() failing for lack of descriptors fails again at once: wait instead of spinning.
constexpr auto accept_retry_delay = std::chrono::milliseconds(100);

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

response json_response(http::status status, unsigned version, std::string body) {
  response res{status, version};
  res.set(http::field::server, "cqlsim");
  if (!body.empty()) {
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
  }
  // 204 carries no Content-Length (RFC 9110 8.6); every other reply is delimited by one.
  if (status != http::status::no_content) res.prepare_payload();
  return res;
}

std::string error_body(std::string message) {
  return boost::json::serialize(boost::json::object{{"error", std::move(message)}});
}

// A read error caused by what the client sent (worth a reply), not by the connection ending.
bool is_client_error(const beast::error_code& ec) {
  static const auto& http_category = http::make_error_code(http::error::bad_target).category();
  return ec.category() == http_category && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

http::status status_for(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;
  return http::status::bad_request;
}

std::string message_for(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return "body: larger than " + std::to_string(max_body_bytes) + " bytes";
  }
  if (ec == http::error::header_limit) {
    return "headers: larger than " + std::to_string(max_header_bytes) + " bytes";
  }
  return "malformed HTTP request: " + ec.message();
}

}  // namespace

// Lives as long as any of its coroutines: each holds a shared_ptr. Touched only on the
// io_context's thread, except stopped_, which stop() sets from any thread.
struct admin_server::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, const tcp::endpoint& endpoint, database& db, fault_registry& faults)
      : io_(io), acceptor_(io), retry_timer_(io), db_(db), faults_(faults) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    local_endpoint_ = acceptor_.local_endpoint();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  tcp::endpoint local_endpoint_;
  database& db_;
  fault_registry& faults_;
  std::atomic<bool> stopped_{false};
  std::uint64_t next_connection_id_ = 0;
  // The open connections, so stop() can close them; each entry is removed by its coroutine.
  std::unordered_map<std::uint64_t, beast::tcp_stream*> connections_;

  void close_all() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    for (auto& [id, stream] : connections_)
      stream->close();
  }

  response make_response(const request& req) {
    try {
      auto reply = admin::handle_request(req.method(), req.target(), req.body(), db_, faults_);
      auto res = json_response(reply.status, req.version(), std::move(reply.body));
      if (!reply.allow.empty()) res.set(http::field::allow, reply.allow);
      if (!reply.location.empty()) res.set(http::field::location, reply.location);
      res.keep_alive(req.keep_alive());
      return res;
    } catch (const std::exception& e) {
      // Only allocation can throw here; the connection survives it.
      auto res = json_response(http::status::internal_server_error, req.version(),
                               error_body(std::string("internal error: ") + e.what()));
      res.keep_alive(false);
      return res;
    }
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self) {
    for (;;) {
      auto [ec, socket] = co_await self->acceptor_.async_accept(nothrow);
      if (self->stopped_ || ec == asio::error::operation_aborted) co_return;
      if (ec) {
        self->retry_timer_.expires_after(accept_retry_delay);
        co_await self->retry_timer_.async_wait(nothrow);
        if (self->stopped_) co_return;
        continue;
      }
      asio::co_spawn(self->io_, serve(self, std::move(socket)), asio::detached);
    }
  }

  // One connection: requests are answered in order, as many as the client sends while it
  // keeps the connection alive.
  static asio::awaitable<void> serve(std::shared_ptr<impl> self, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    if (self->stopped_) co_return;
    auto id = self->next_connection_id_++;
    self->connections_.emplace(id, &stream);
    struct unregister {
      impl& owner;
      std::uint64_t id;
      ~unregister() { owner.connections_.erase(id); }
    } guard{*self, id};

    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(max_header_bytes);
      parser.body_limit(max_body_bytes);
      auto [ec, unused] = co_await http::async_read_header(stream, buffer, parser, nothrow);
      if (!ec && !self->stopped_ &&
          beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        auto [write_ec, written] = co_await http::async_write(stream, go_on, nothrow);
        ec = write_ec;
      }
      if (!ec && !parser.is_done() && !self->stopped_) {
        auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, nothrow);
        ec = read_ec;
      }
      if (self->stopped_) break;
      if (ec) {
        if (is_client_error(ec)) co_await reject(self, stream, status_for(ec), message_for(ec));
        break;
      }
      auto req = parser.release();
      auto res = self->make_response(req);
      auto [write_ec, written] = co_await http::async_write(stream, res, nothrow);
      if (write_ec || !res.keep_alive() || self->stopped_) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
  }

  // Answers a request that could not be read and ends the connection.
  static asio::awaitable<void> reject(std::shared_ptr<impl> self, beast::tcp_stream& stream,
                                      http::status status, std::string message) {
    auto res = json_response(status, 11, error_body(std::move(message)));
    res.keep_alive(false);
    auto [ec, unused] = co_await http::async_write(stream, res, nothrow);
    if (ec || self->stopped_) co_return;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(linger_time);
    std::array<char, 4096> sink;
    std::size_t drained = 0;
    while (drained < max_linger_bytes && !self->stopped_) {
      auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(sink), nothrow);
      if (read_ec) break;
      drained += n;
    }
  }
};

admin_server::admin_server(asio::io_context& io, const tcp::endpoint& endpoint, database& db,
                           fault_registry& faults)
    : impl_(std::make_shared<impl>(io, endpoint, db, faults)) {
  asio::co_spawn(io, impl::accept_loop(impl_), asio::detached);
}

admin_server::~admin_server() {
  stop();
}

tcp::endpoint admin_server::local_endpoint() const {
  return impl_->local_endpoint_;
}

void admin_server::stop() {
  impl_->stopped_ = true;
  asio::dispatch(impl_->io_, [self = impl_] { self->close_all(); });
}

}  // namespace cqlshift::sim
