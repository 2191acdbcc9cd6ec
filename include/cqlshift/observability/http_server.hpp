#pragma once
// A small HTTP/1.1 server (Boost.Beast) for the metrics and health endpoints (SPEC.md section
// 16). It answers GET and HEAD through one handler, on the io_context it is given, so the
// handler may read state owned by that io_context's thread without locks. Connections are
// kept alive and closed after 30 s without a request; a request larger than 8 KiB or that
// does not parse closes its connection. Nothing a client sends can stop the server.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cqlshift::observability {

struct http_response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Called with the request target's path (the query string removed).
using http_handler = std::function<http_response(std::string_view path)>;

class http_server {
 public:
  // Binds and listens at once (throws boost::system::system_error when it cannot); serves
  // from then on while `io` runs.
  http_server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at,
              http_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Stops accepting and closes the connections being served.
  void stop();

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace cqlshift::observability
