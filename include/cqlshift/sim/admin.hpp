#pragma once
// cqlsim's HTTP admin API (Boost.Beast, JSON), on the server's io_context:
//   GET    /nodes                  the nodes: index, address, port, host_id, datacenter, rack
//   GET    /faults                 the rules (with "fired": how often each has fired)
//   POST   /faults                 add a rule: {"node":0, "opcode":"QUERY",
//                                  "statement":"INSERT", "table":"ks.t",
//                                  "action":"delay"|"error"|"close"|"no_reply",
//                                  "delay_ms":500, "error_code":4096 | "error":"UNAVAILABLE",
//                                  "message":"...", "probability":1.0, "count":0}
//                                  -> 201 {"id":N}; 400 with {"error":"..."} naming the bad field
//   GET    /faults/N               one rule
//   DELETE /faults                 clear every rule;  DELETE /faults/N  one rule (404: none)
//   GET    /log[?node=N&since=SEQ&opcode=QUERY&limit=K]   request log entries as JSON: those
//                                  with seq > SEQ, oldest first, at most K
//   DELETE /log                    clear the log
//   GET    /tls                    TLS handshakes on the native protocol ports, oldest first:
//                                  {"server_names":["SNI", ...],   (accepted ones; "": none sent)
//                                   "handshakes":[{"node":0, "peer":"ADDRESS:PORT",
//                                   "accepted":true, "server_name":"...", "error":"...",
//                                   "time_micros":N}, ...]}  (refused ones too)
//   DELETE /tls                    clear the handshake log
//   POST   /reset                  drop all user data and schema, rules and logs
//   GET    /health                 {"status":"ok"}
// DELETE and POST /reset answer 204. Errors are {"error":"..."}: 400 (bad JSON, field or
// parameter; malformed HTTP, which also closes the connection), 404 (unknown path or rule),
// 405 (with Allow), 413 (body over 1 MiB). Connections are kept alive as HTTP/1.1 says.
// docs/cqlsim.md ("Admin API") has examples.

#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/faults.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>

namespace cqlshift::sim {

class admin_server {
 public:
  // Binds `endpoint` (port 0: the OS chooses) and starts accepting on `io`, which must be run
  // by one thread (the database and the registry are not thread-safe). Throws
  // boost::system::system_error when it cannot bind. `db` and `faults` must outlive the
  // io_context's last run.
  admin_server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
               database& db, fault_registry& faults);
  // Stops (see stop()). Destroy the server after its io_context's run() has returned or on
  // that thread: a request being handled on another thread would use `db` and `faults`.
  ~admin_server();
  admin_server(const admin_server&) = delete;
  admin_server& operator=(const admin_server&) = delete;

  // Callable from any thread, also after stop().
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Callable from any thread, more than once: stops accepting and closes every connection
  // (a request being read or answered is dropped), so run() returns once nothing else uses the
  // io_context. No request starts being handled after stop() has returned.
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace cqlshift::sim
