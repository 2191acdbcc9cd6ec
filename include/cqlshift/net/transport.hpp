#pragma once
// A connected byte stream: plain TCP, or TLS over TCP once its handshake is done (tls.hpp).
// frame_stream and cqlsim's connections read and write through it without knowing which.
//
// Reads and writes return Asio's awaitables directly (no coroutine frame of their own), so the
// plain path costs what a bare socket costs. One read and one write may be outstanding at once
// (TLS included: OpenSSL's state is touched only on the socket's executor).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>

namespace cqlshift::net {

// The completion token of every awaited Asio operation here: errors come back as values.
inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// "HOST:PORT" as a URL writes it: an IPv6 address in brackets ("[::1]:9042").
inline std::string authority_text(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}
inline std::string authority_text(const boost::asio::ip::tcp::endpoint& e) {
  return authority_text(e.address().to_string(), e.port());
}

class transport {
 public:
  using tcp_socket = boost::asio::ip::tcp::socket;
  using tls_stream = boost::asio::ssl::stream<tcp_socket>;
  using io_result = std::tuple<boost::system::error_code, std::size_t>;

  explicit transport(tcp_socket socket) : plain_(std::move(socket)) {}
  // A TLS stream whose handshake is complete.
  explicit transport(std::unique_ptr<tls_stream> tls)
      : plain_(tls->get_executor()), tls_(std::move(tls)) {}

  transport(transport&&) noexcept = default;
  transport& operator=(transport&&) noexcept = default;

  boost::asio::awaitable<io_result> read_some(boost::asio::mutable_buffer b) {
    return tls_ ? tls_->async_read_some(b, use_tuple) : plain_.async_read_some(b, use_tuple);
  }
  // Writes all of `b`.
  boost::asio::awaitable<io_result> write(boost::asio::const_buffer b) {
    return tls_ ? boost::asio::async_write(*tls_, b, use_tuple)
                : boost::asio::async_write(plain_, b, use_tuple);
  }

  // The TCP socket underneath (for options, endpoints, shutdown and close).
  tcp_socket& socket() noexcept { return tls_ ? tls_->next_layer() : plain_; }
  const tcp_socket& socket() const noexcept { return tls_ ? tls_->next_layer() : plain_; }
  boost::asio::any_io_executor get_executor() { return plain_.get_executor(); }
  bool is_tls() const noexcept { return tls_ != nullptr; }
  // The TLS version and cipher in use ("TLSv1.3 TLS_AES_256_GCM_SHA384"), or "plaintext".
  std::string security() const;

  // No more writes (TCP FIN); reads go on.
  void shutdown_send() noexcept;
  // Closes the connection at once (no TLS close_notify: the peer sees the TCP close).
  void close() noexcept;

 private:
  tcp_socket plain_;                 // the socket, or (with TLS) an empty one for its executor
  std::unique_ptr<tls_stream> tls_;  // null for plain TCP
};

}  // namespace cqlshift::net
