#pragma once
// The control connection to one cluster (SPEC 9): negotiates the highest protocol version the
// cluster accepts (a new TCP connection per try, downgrading on PROTOCOL_ERROR),
// authenticates with the configured credentials, caches SUPPORTED, reads system.local and
// system.peers, publishes the local-DC node list for request connections, registers for
// TOPOLOGY_CHANGE and refreshes on it, and sends OPTIONS every heartbeat_interval_ms. A lost
// connection is re-established with jittered exponential backoff.
//
// Runs on the main io_context; what it learns is published through cluster_directory.

#include "proxy_context.hpp"

#include "cqlshift/net/frame_stream.hpp"
#include "cqlshift/protocol/requests.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace cqlshift::proxy {

class control_connection : public std::enable_shared_from_this<control_connection> {
 public:
  control_connection(std::shared_ptr<proxy_context> ctx, cluster which,
                     boost::asio::io_context& io);

  // `on_up` runs (on the io_context) each time the connection comes up with a fresh view.
  void start(std::function<void()> on_up);
  void stop();
  bool up() const noexcept { return up_; }
  bool ever_up() const noexcept { return ever_up_; }
  int consecutive_failures() const noexcept { return failures_; }
  // The node it is (or was last) connected to, or the first contact point before that, as
  // "host:port".
  std::string address() const;
  protocol::protocol_version version() const noexcept { return version_; }

 private:
  struct failure : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  boost::asio::awaitable<void> run(std::shared_ptr<control_connection> self);
  boost::asio::awaitable<void> connect_once();
  // The nodes to try, in order: each contact point's addresses, or behind a bundle's SNI proxy
  // the host ids its metadata service names. Throws failure when there is none.
  boost::asio::awaitable<std::vector<node_address>> contact_nodes();
  boost::asio::awaitable<void> serve();
  boost::asio::awaitable<protocol::frame> exchange(const protocol::request& r);
  boost::asio::awaitable<void> refresh();
  const config::cluster_settings& settings() const noexcept;
  std::string name() const;

  std::shared_ptr<proxy_context> ctx_;
  const cluster which_;
  boost::asio::io_context& io_;
  std::shared_ptr<net::frame_stream> stream_;
  protocol::protocol_version version_ = protocol::protocol_version::v4;
  node_address connected_;
  // With a secure connect bundle: what the metadata service said at the last connection.
  std::optional<net::bundle_metadata> bundle_metadata_;
  std::function<void()> on_up_;
  bool stopped_ = false;
  bool up_ = false;
  bool ever_up_ = false;
  bool refresh_needed_ = false;
  int failures_ = 0;
  std::int16_t next_stream_ = 1;
};

}  // namespace cqlshift::proxy
