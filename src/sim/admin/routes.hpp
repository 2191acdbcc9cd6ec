#pragma once
// The admin API's routing: one HTTP request in, one reply out. Pure (no I/O), so the
// connection code only reads and writes messages; runs on cqlsim's thread, as the database
// and the fault registry require.

#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/faults.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>

namespace cqlshift::sim::admin {

struct admin_reply {
  boost::beast::http::status status = boost::beast::http::status::ok;
  std::string body;      // JSON; empty for 204
  std::string allow;     // 405: the methods the path accepts ("GET, POST")
  std::string location;  // 201: the created resource
};

admin_reply handle_request(boost::beast::http::verb method, std::string_view target,
                           std::string_view body, database& db, fault_registry& faults);

}  // namespace cqlshift::sim::admin
