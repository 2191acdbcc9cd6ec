#pragma once
// Fault injection and the logs of cqlsim. The server asks decide() for every request it
// received (after decoding, before executing) and records every request in the log, and every
// TLS handshake in the handshake log; the admin HTTP API (admin.hpp) adds, lists and clears
// rules and reads and clears the logs.
//
// A rule matches requests by node, opcode (any case), statement pattern (a substring of the
// CQL text, case-insensitive) and/or keyspace.table (names compared exactly, as Cassandra
// stores them: unquoted ones lower case); each criterion left empty matches everything. Rules
// are tried in the order they were added: a matching rule fires with its probability, at most
// `count` times (0: unlimited); when it does not fire, the next matching rule is tried. Rule
// ids and log seqs are never reused, not even after clearing. Not thread-safe: used from
// cqlsim's one thread.

#include "cqlshift/protocol/error_response.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace cqlshift::sim {

// What a node received: one entry per request frame.
struct request_record {
  std::uint64_t seq = 0;         // assigned by record(): 1, 2, ...
  std::size_t node = 0;          // index into the topology
  std::uint64_t connection = 0;  // the server's connection number
  std::string opcode;            // "QUERY", "EXECUTE", "BATCH", "PREPARE", "STARTUP", ...
  std::string statement;    // CQL text (EXECUTE: the prepared text; BATCH: texts joined by "; ")
  std::string keyspace;     // the statement's keyspace (explicit or the session's), if any
  std::string table;        // the statement's table, if any
  std::string consistency;  // "LOCAL_QUORUM", ...; empty when the message has none
  std::int16_t stream = 0;
  std::int64_t time_micros = 0;  // Unix time the request was received
};

// A TLS handshake on a node's native protocol port, accepted or refused.
struct tls_handshake_record {
  std::size_t node = 0;
  std::string peer;  // the client's "ADDRESS:PORT"
  bool accepted = false;
  std::string server_name;       // the SNI the client sent ("" if none)
  std::string error;             // why it was refused ("" when accepted)
  std::int64_t time_micros = 0;  // Unix time the handshake ended
};

enum class fault_action : std::uint8_t {
  none,      // handle normally
  delay,     // wait delay_ms, then handle normally
  error,     // reply with an ERROR of error_code and message instead of handling
  close,     // close the connection without replying
  no_reply,  // handle nothing and never reply (the connection stays open)
};

struct fault {
  fault_action action = fault_action::none;
  std::int32_t delay_ms = 0;
  protocol::error_code error_code = protocol::error_code::server_error;
  std::string message;
};

struct fault_rule {
  std::uint64_t id = 0;  // assigned by add_rule
  std::optional<std::size_t> node;
  std::string opcode;     // "" or "QUERY", "EXECUTE", ...
  std::string statement;  // substring, case-insensitive
  std::string table;      // "" or "ks.table" or "ks" (every table of the keyspace)
  fault action;
  double probability = 1.0;
  std::uint64_t count = 0;  // fires at most this many times; 0: unlimited
  std::uint64_t fired = 0;
};

class fault_registry {
 public:
  explicit fault_registry(std::size_t log_capacity = 100000, std::uint64_t seed = 0);

  // The fault to apply to a request; action none when no rule fires.
  fault decide(const request_record& r);
  // Appends to the log (the oldest entries go past the capacity) and returns the seq given.
  std::uint64_t record(request_record r);

  // Gives the rule the next id (the one passed is ignored) and a zero `fired`.
  std::uint64_t add_rule(fault_rule rule);
  bool remove_rule(std::uint64_t id);
  void clear_rules();
  const std::vector<fault_rule>& rules() const noexcept { return rules_; }

  const std::deque<request_record>& log() const noexcept { return log_; }
  void clear_log();

  // Appends to the handshake log, oldest first (it keeps as many entries as the request log).
  void record_handshake(tls_handshake_record r);
  const std::deque<tls_handshake_record>& handshakes() const noexcept { return handshakes_; }
  void clear_handshakes();

 private:
  std::vector<fault_rule> rules_;
  std::deque<request_record> log_;
  std::deque<tls_handshake_record> handshakes_;
  std::size_t log_capacity_;
  std::uint64_t next_rule_id_ = 1;
  std::uint64_t next_seq_ = 1;
  std::mt19937_64 rng_;
};

}  // namespace cqlshift::sim
