#include "cqlshift/observability/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <list>

namespace cqlshift::observability {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto idle_limit = std::chrono::seconds(30);
constexpr std::size_t max_request_bytes = 8 * 1024;

}  // namespace

struct http_server::state : std::enable_shared_from_this<state> {
  state(asio::io_context& io, http_handler h) : acceptor(io), handler(std::move(h)) {}

  tcp::acceptor acceptor;
  http_handler handler;
  std::list<std::weak_ptr<beast::tcp_stream>> streams;  // to close them on stop()
  bool stopped = false;

  asio::awaitable<void> accept_loop(std::shared_ptr<state> self) {
    while (!stopped) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (stopped || ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. too many open files: keep serving the others
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      streams.remove_if([](const auto& w) { return w.expired(); });
      streams.push_back(stream);
      asio::co_spawn(acceptor.get_executor(), serve(self, stream), asio::detached);
    }
  }

  asio::awaitable<void> serve(std::shared_ptr<state> self, std::shared_ptr<beast::tcp_stream> s) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::empty_body> parser;
      parser.header_limit(max_request_bytes);
      parser.body_limit(max_request_bytes);
      s->expires_after(idle_limit);
      auto [read_ec, n] = co_await http::async_read(*s, buffer, parser, use_tuple);
      if (read_ec || stopped) break;
      const auto& request = parser.get();
      http::response<http::string_body> response;
      response.version(request.version());
      response.keep_alive(request.keep_alive());
      response.set(http::field::server, "cqlshift");
      if (request.method() != http::verb::get && request.method() != http::verb::head) {
        response.result(http::status::method_not_allowed);
        response.set(http::field::allow, "GET, HEAD");
        response.set(http::field::content_type, "text/plain; charset=utf-8");
        response.body() = "only GET and HEAD\n";
      } else {
        std::string_view target(request.target().data(), request.target().size());
        target = target.substr(0, target.find('?'));
        http_response r = self->handler(target);
        response.result(r.status);
        response.set(http::field::content_type, r.content_type);
        if (request.method() == http::verb::get) response.body() = std::move(r.body);
      }
      response.prepare_payload();
      auto [write_ec, written] = co_await http::async_write(*s, response, use_tuple);
      if (write_ec || !response.keep_alive() || stopped) break;
    }
    beast::error_code ignored;
    s->socket().shutdown(tcp::socket::shutdown_both, ignored);
    s->close();
  }
};

http_server::http_server(asio::io_context& io, const tcp::endpoint& at, http_handler handler)
    : state_(std::make_shared<state>(io, std::move(handler))) {
  state_->acceptor.open(at.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(at);
  state_->acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(io, state_->accept_loop(state_), asio::detached);
}

http_server::~http_server() {
  stop();
}

tcp::endpoint http_server::local_endpoint() const {
  return state_->acceptor.local_endpoint();
}

void http_server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  for (auto& weak : state_->streams)
    if (auto s = weak.lock()) s->close();
  state_->streams.clear();
}

}  // namespace cqlshift::observability
