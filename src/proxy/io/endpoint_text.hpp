#pragma once
// "ip:port" of a cluster node or client, as sessions write it in logs and node metric labels.

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace cqlshift::proxy {

inline std::string endpoint_text(const boost::asio::ip::tcp::endpoint& e) {
  return e.address().to_string() + ":" + std::to_string(e.port());
}

}  // namespace cqlshift::proxy
