// The admin HTTP API over a real socket: the server runs on its own thread with a real
// database and fault registry; the tests talk to it with a small Beast client whose every
// operation has a deadline, so a server that fails to answer fails the test instead of
// hanging it.

#include "cqlshift/sim/admin.hpp"
#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/faults.hpp"
#include "cqlshift/sim/parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace cqlshift::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using response = http::response<http::string_body>;
using testing::HasSubstr;

constexpr auto deadline = std::chrono::seconds(10);

topology one_node() {
  node_info n;
  n.address = "127.0.0.1";
  n.port = 9042;
  n.datacenter = "dc1";
  n.rack = "r1";
  n.host_id = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
               0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  n.tokens = {-100, 100};
  topology t;
  t.cluster_name = "admin_test";
  t.nodes.push_back(n);
  return t;
}

// A client connection; every operation runs on the client's own io_context with a deadline.
class client {
 public:
  explicit client(const tcp::endpoint& server) : socket_(io_) { socket_.connect(server); }

  response send(http::verb method, std::string target, std::string body = {},
                std::string content_type = "application/json") {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(http::field::content_type, content_type);
      req.body() = std::move(body);
    }
    req.prepare_payload();
    write(req);
    return read();
  }

  template <class Message>
  void write(Message& m) {
    auto ec = run([&](auto handler) { http::async_write(socket_, m, handler); });
    if (ec) throw beast::system_error(ec);
  }

  void write_raw(std::string_view bytes) {
    auto ec = run([&](auto handler) { asio::async_write(socket_, asio::buffer(bytes), handler); });
    if (ec) throw beast::system_error(ec);
  }

  response read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    auto ec = run([&](auto handler) { http::async_read(socket_, buffer_, parser, handler); });
    if (ec) throw beast::system_error(ec);
    return parser.release();
  }

  // True when the server ended the connection (end of stream or reset) before sending
  // anything more.
  bool closed_by_server() {
    char c = 0;
    if (buffer_.size() > 0) return false;
    auto ec = run([&](auto handler) { socket_.async_read_some(asio::buffer(&c, 1), handler); });
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  template <class Start>
  beast::error_code run(Start start) {
    std::optional<beast::error_code> result;
    start([&](beast::error_code ec, std::size_t) { result = ec; });
    io_.restart();
    io_.run_for(deadline);
    if (!result) {
      beast::error_code ignored;
      socket_.close(ignored);
      io_.restart();
      io_.run();
      ADD_FAILURE() << "no answer from the admin server within the deadline";
      return asio::error::timed_out;
    }
    return *result;
  }

  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

json::value body_of(const response& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body(), ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body();
  return v;
}

std::string error_of(const response& r) {
  auto v = body_of(r);
  if (!v.is_object() || !v.as_object().contains("error") || !v.at("error").is_string()) {
    ADD_FAILURE() << "no {\"error\": \"...\"} in " << r.body();
    return {};
  }
  return std::string(v.at("error").as_string());
}

class Admin : public testing::Test {
 protected:
  Admin() : db_(one_node()), faults_(1000, 1) {
    server_.emplace(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), db_, faults_);
    endpoint_ = server_->local_endpoint();
    runner_ = std::thread([this] {
      io_.run();
      stopped_.set_value();
    });
  }

  ~Admin() override {
    stop_server();
    server_.reset();
  }

  // Stops the server; false when io_context::run() did not return (the test has failed then).
  bool stop_server() {
    if (!runner_.joinable()) return true;
    server_->stop();
    bool returned = stopped_future_.wait_for(deadline) == std::future_status::ready;
    EXPECT_TRUE(returned) << "io_context::run() still running after stop()";
    if (!returned) io_.stop();
    runner_.join();
    return returned;
  }

  // Runs f on the server's thread: the database and the registry are single-threaded.
  template <class F>
  auto on_server(F f) {
    using result = std::invoke_result_t<F>;
    std::promise<result> done;
    asio::post(io_, [&] {
      if constexpr (std::is_void_v<result>) {
        f();
        done.set_value();
      } else {
        done.set_value(f());
      }
    });
    return done.get_future().get();
  }

  std::uint64_t record(std::size_t node, std::string opcode, std::string statement) {
    return on_server([&] {
      request_record r;
      r.node = node;
      r.connection = 7;
      r.opcode = opcode;
      r.statement = statement;
      r.keyspace = "ks";
      r.table = "t";
      r.consistency = "LOCAL_QUORUM";
      r.stream = 42;
      r.time_micros = 1700000000123456;
      return faults_.record(r);
    });
  }

  std::vector<fault_rule> rules() {
    return on_server([&] { return faults_.rules(); });
  }

  response post_fault(std::string body) {
    client c(endpoint_);
    return c.send(http::verb::post, "/faults", std::move(body));
  }

  response get(std::string target) {
    client c(endpoint_);
    return c.send(http::verb::get, std::move(target));
  }

  database db_;
  fault_registry faults_;
  asio::io_context io_;
  std::optional<admin_server> server_;
  tcp::endpoint endpoint_;
  std::promise<void> stopped_;
  std::future<void> stopped_future_ = stopped_.get_future();
  std::thread runner_;
};

TEST_F(Admin, ListensOnTheChosenPort) {
  EXPECT_NE(endpoint_.port(), 0);
  EXPECT_EQ(endpoint_.address().to_string(), "127.0.0.1");
}

TEST_F(Admin, HealthIsOk) {
  auto r = get("/health");
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r[http::field::content_type], "application/json");
  EXPECT_EQ(body_of(r), json::parse(R"({"status":"ok"})"));
}

TEST_F(Admin, NodesListsTheTopology) {
  auto r = get("/nodes");
  ASSERT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(body_of(r), json::parse(R"([{"index":0, "address":"127.0.0.1", "port":9042,
      "host_id":"12345678-9abc-def0-0123-456789abcdef", "datacenter":"dc1", "rack":"r1"}])"));
}

TEST_F(Admin, PostFaultAddsARuleAndAnswers201WithItsId) {
  auto r = post_fault(R"({"node":0, "opcode":"query", "statement":"INSERT", "table":"ks.t",
      "action":"error", "error":"UNAVAILABLE", "message":"down", "probability":0.5, "count":3})");
  ASSERT_EQ(r.result(), http::status::created) << r.body();
  EXPECT_EQ(body_of(r), json::parse(R"({"id":1})"));
  EXPECT_EQ(r[http::field::location], "/faults/1");
  auto all = rules();
  ASSERT_EQ(all.size(), 1u);
  const auto& rule = all[0];
  EXPECT_EQ(rule.id, 1u);
  EXPECT_EQ(rule.node, std::optional<std::size_t>(0));
  EXPECT_EQ(rule.opcode, "QUERY");
  EXPECT_EQ(rule.statement, "INSERT");
  EXPECT_EQ(rule.table, "ks.t");
  EXPECT_EQ(rule.action.action, fault_action::error);
  EXPECT_EQ(rule.action.error_code, protocol::error_code::unavailable);
  EXPECT_EQ(rule.action.message, "down");
  EXPECT_EQ(rule.probability, 0.5);
  EXPECT_EQ(rule.count, 3u);
}

TEST_F(Admin, PostFaultWithOnlyAnActionMatchesEverything) {
  auto r = post_fault(R"({"action":"close"})");
  ASSERT_EQ(r.result(), http::status::created) << r.body();
  auto all = rules();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(all[0].node.has_value());
  EXPECT_EQ(all[0].opcode, "");
  EXPECT_EQ(all[0].statement, "");
  EXPECT_EQ(all[0].table, "");
  EXPECT_EQ(all[0].action.action, fault_action::close);
  EXPECT_EQ(all[0].probability, 1.0);
  EXPECT_EQ(all[0].count, 0u);
}

TEST_F(Admin, PostFaultDelayAndNoReply) {
  ASSERT_EQ(post_fault(R"({"action":"delay", "delay_ms":500})").result(), http::status::created);
  ASSERT_EQ(post_fault(R"({"action":"no_reply"})").result(), http::status::created);
  auto all = rules();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].action.action, fault_action::delay);
  EXPECT_EQ(all[0].action.delay_ms, 500);
  EXPECT_EQ(all[1].action.action, fault_action::no_reply);
  EXPECT_EQ(all[1].id, 2u);
}

TEST_F(Admin, ErrorCodeAsANumber) {
  ASSERT_EQ(post_fault(R"({"action":"error", "error_code":4096})").result(), http::status::created);
  ASSERT_EQ(post_fault(R"({"action":"error", "error_code":8704})").result(), http::status::created);
  auto all = rules();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].action.error_code, protocol::error_code::unavailable);
  EXPECT_EQ(all[1].action.error_code, protocol::error_code::invalid);
}

TEST_F(Admin, ErrorCodeByEveryDocumentedName) {
  const std::vector<std::pair<std::string, protocol::error_code>> names{
      {"UNAVAILABLE", protocol::error_code::unavailable},
      {"WRITE_TIMEOUT", protocol::error_code::write_timeout},
      {"READ_TIMEOUT", protocol::error_code::read_timeout},
      {"OVERLOADED", protocol::error_code::overloaded},
      {"SERVER_ERROR", protocol::error_code::server_error},
      {"INVALID", protocol::error_code::invalid},
      {"SYNTAX_ERROR", protocol::error_code::syntax_error},
      {"UNAUTHORIZED", protocol::error_code::unauthorized},
      {"IS_BOOTSTRAPPING", protocol::error_code::is_bootstrapping},
      {"TRUNCATE_ERROR", protocol::error_code::truncate_error},
      {"READ_FAILURE", protocol::error_code::read_failure},
      {"WRITE_FAILURE", protocol::error_code::write_failure},
  };
  client c(endpoint_);
  for (const auto& [name, code] : names) {
    auto r =
        c.send(http::verb::post, "/faults", R"({"action":"error", "error":")" + name + R"("})");
    ASSERT_EQ(r.result(), http::status::created) << name << ": " << r.body();
    auto id = body_of(r).at("id").as_int64();
    auto listed = c.send(http::verb::get, "/faults/" + std::to_string(id));
    ASSERT_EQ(listed.result(), http::status::ok);
    EXPECT_EQ(body_of(listed).at("error"), json::value(name));
    EXPECT_EQ(body_of(listed).at("error_code"), json::value(static_cast<std::int64_t>(code)));
  }
  auto all = rules();
  ASSERT_EQ(all.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(all[i].action.error_code, names[i].second) << names[i].first;
  }
}

TEST_F(Admin, ErrorNameIgnoresCase) {
  ASSERT_EQ(post_fault(R"({"action":"error", "error":"write_timeout"})").result(),
            http::status::created);
  EXPECT_EQ(rules().at(0).action.error_code, protocol::error_code::write_timeout);
}

TEST_F(Admin, ErrorWithoutCodeOrMessageIsServerErrorWithAnEmptyMessage) {
  // The server words an empty message as Cassandra would for the code.
  ASSERT_EQ(post_fault(R"({"action":"error"})").result(), http::status::created);
  auto rule = rules().at(0);
  EXPECT_EQ(rule.action.error_code, protocol::error_code::server_error);
  EXPECT_EQ(rule.action.message, "");
}

TEST_F(Admin, GetFaultsListsEveryRuleWithItsFields) {
  ASSERT_EQ(post_fault(R"({"node":0, "opcode":"EXECUTE", "statement":"SELECT", "table":"ks",
      "action":"error", "error_code":4352, "message":"slow", "count":2})")
                .result(),
            http::status::created);
  ASSERT_EQ(post_fault(R"({"action":"delay", "delay_ms":20, "probability":0.25})").result(),
            http::status::created);
  on_server([&] {
    request_record r;
    r.opcode = "EXECUTE";
    r.statement = "SELECT * FROM ks.t";
    r.keyspace = "ks";
    r.table = "t";
    faults_.decide(r);
  });
  auto r = get("/faults");
  ASSERT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(body_of(r), json::parse(R"([
      {"id":1, "node":0, "opcode":"EXECUTE", "statement":"SELECT", "table":"ks",
       "action":"error", "error_code":4352, "error":"WRITE_TIMEOUT", "message":"slow",
       "probability":1.0, "count":2, "fired":1},
      {"id":2, "node":null, "opcode":"", "statement":"", "table":"", "action":"delay",
       "delay_ms":20, "probability":0.25, "count":0, "fired":0}])"));
}

TEST_F(Admin, GetOneRule) {
  ASSERT_EQ(post_fault(R"({"action":"close"})").result(), http::status::created);
  auto r = get("/faults/1");
  ASSERT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(body_of(r).at("action"), json::value("close"));
  auto missing = get("/faults/9");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_THAT(error_of(missing), HasSubstr("9"));
}

TEST_F(Admin, DeleteOneRuleAnswers204ThenGone) {
  ASSERT_EQ(post_fault(R"({"action":"close"})").result(), http::status::created);
  ASSERT_EQ(post_fault(R"({"action":"no_reply"})").result(), http::status::created);
  client c(endpoint_);
  auto r = c.send(http::verb::delete_, "/faults/1");
  EXPECT_EQ(r.result(), http::status::no_content);
  EXPECT_TRUE(r.body().empty());
  auto all = rules();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, 2u);
  auto again = c.send(http::verb::delete_, "/faults/1");
  EXPECT_EQ(again.result(), http::status::not_found);
  EXPECT_THAT(error_of(again), HasSubstr("no rule 1"));
}

TEST_F(Admin, DeleteFaultsClearsEveryRule) {
  ASSERT_EQ(post_fault(R"({"action":"close"})").result(), http::status::created);
  ASSERT_EQ(post_fault(R"({"action":"no_reply"})").result(), http::status::created);
  client c(endpoint_);
  EXPECT_EQ(c.send(http::verb::delete_, "/faults").result(), http::status::no_content);
  EXPECT_TRUE(rules().empty());
  EXPECT_EQ(body_of(c.send(http::verb::get, "/faults")), json::array());
}

TEST_F(Admin, BadJsonIs400) {
  auto r = post_fault(R"({"action":"close")");
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_THAT(error_of(r), HasSubstr("not valid JSON"));
  EXPECT_TRUE(rules().empty());
}

TEST_F(Admin, EmptyBodyIs400) {
  auto r = post_fault("");
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_THAT(error_of(r), HasSubstr("body"));
}

TEST_F(Admin, BodyThatIsNotAnObjectIs400) {
  auto r = post_fault(R"(["close"])");
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_THAT(error_of(r), HasSubstr("body: expected a JSON object"));
}

struct bad_rule {
  std::string body;
  std::vector<std::string> message_parts;  // the field named, and what it accepts
};

TEST_F(Admin, BadFieldIs400NamingTheFieldAndWhatItAccepts) {
  const std::vector<bad_rule> cases{
      {R"({})", {"action: required", "delay, error, close or no_reply"}},
      {R"({"action":"explode"})",
       {"action: expected one of delay, error, close, no_reply", "\"explode\""}},
      {R"({"action":3})", {"action: expected one of"}},
      {R"({"action":"close", "colour":"red"})",
       {"unknown field \"colour\"", "accepted: node, opcode, statement, table, action"}},
      {R"({"action":"close", "node":1})", {"node: expected a node index below 1", "1"}},
      {R"({"action":"close", "node":-1})", {"node: expected a node index"}},
      {R"({"action":"close", "node":"0"})", {"node: expected a node index"}},
      {R"({"action":"close", "opcode":"SELECT"})",
       {"opcode: expected one of", "QUERY", "EXECUTE", "BATCH", "\"SELECT\""}},
      {R"({"action":"close", "statement":5})", {"statement: expected a string"}},
      {R"({"action":"close", "table":".t"})", {"table: expected \"keyspace\" or"}},
      {R"({"action":"close", "table":"ks."})", {"table: expected \"keyspace\" or"}},
      {R"({"action":"delay"})", {"delay_ms: required when action is delay"}},
      {R"({"action":"delay", "delay_ms":-5})", {"delay_ms: expected an integer from 0"}},
      {R"({"action":"delay", "delay_ms":1.5})", {"delay_ms: expected an integer"}},
      {R"({"action":"close", "delay_ms":10})", {"delay_ms: only for action delay"}},
      {R"({"action":"error", "error_code":1234})",
       {"error_code: expected a CQL error code", "UNAVAILABLE", "1234"}},
      {R"({"action":"error", "error":"BROKEN"})",
       {"error: expected one of", "UNAVAILABLE", "WRITE_TIMEOUT", "READ_TIMEOUT", "OVERLOADED",
        "SERVER_ERROR", "INVALID", "SYNTAX_ERROR", "UNAUTHORIZED", "IS_BOOTSTRAPPING",
        "TRUNCATE_ERROR", "READ_FAILURE", "WRITE_FAILURE", "\"BROKEN\""}},
      {R"({"action":"error", "error":4096})", {"error: expected one of"}},
      {R"({"action":"error", "error":"UNAVAILABLE", "error_code":4096})",
       {"error_code, error: give one of them"}},
      {R"({"action":"error", "message":7})", {"message: expected a string"}},
      {R"({"action":"close", "error":"UNAVAILABLE"})", {"error: only for action error"}},
      {R"({"action":"close", "message":"x"})", {"message: only for action error"}},
      {R"({"action":"close", "probability":1.5})", {"probability: expected a number from 0 to 1"}},
      {R"({"action":"close", "probability":-0.1})", {"probability: expected a number"}},
      {R"({"action":"close", "probability":"half"})", {"probability: expected a number"}},
      {R"({"action":"close", "count":-1})", {"count: expected a non-negative integer"}},
      {R"({"action":"close", "count":2.5})", {"count: expected a non-negative integer"}},
  };
  client c(endpoint_);
  for (const auto& [body, parts] : cases) {
    auto r = c.send(http::verb::post, "/faults", body);
    EXPECT_EQ(r.result(), http::status::bad_request) << body;
    auto message = error_of(r);
    for (const auto& part : parts)
      EXPECT_THAT(message, HasSubstr(part)) << body;
  }
  EXPECT_TRUE(rules().empty());
}

TEST_F(Admin, UnknownPathIs404) {
  auto r = get("/nothing");
  EXPECT_EQ(r.result(), http::status::not_found);
  EXPECT_THAT(error_of(r), HasSubstr("/nothing"));
  EXPECT_EQ(get("/faults/abc").result(), http::status::not_found);
}

TEST_F(Admin, WrongMethodIs405WithAllow) {
  client c(endpoint_);
  auto r = c.send(http::verb::put, "/faults", R"({"action":"close"})");
  EXPECT_EQ(r.result(), http::status::method_not_allowed);
  EXPECT_EQ(r[http::field::allow], "GET, POST, DELETE");
  EXPECT_THAT(error_of(r), HasSubstr("GET, POST, DELETE"));
  auto health = c.send(http::verb::post, "/health");
  EXPECT_EQ(health.result(), http::status::method_not_allowed);
  EXPECT_EQ(health[http::field::allow], "GET");
  auto reset = c.send(http::verb::get, "/reset");
  EXPECT_EQ(reset.result(), http::status::method_not_allowed);
  EXPECT_EQ(reset[http::field::allow], "POST");
  auto log = c.send(http::verb::post, "/log");
  EXPECT_EQ(log.result(), http::status::method_not_allowed);
  EXPECT_EQ(log[http::field::allow], "GET, DELETE");
  auto rule = c.send(http::verb::post, "/faults/1");
  EXPECT_EQ(rule.result(), http::status::method_not_allowed);
  EXPECT_EQ(rule[http::field::allow], "GET, DELETE");
  EXPECT_TRUE(rules().empty());
}

TEST_F(Admin, LogListsEntriesInOrderWithEveryField) {
  record(0, "QUERY", "SELECT * FROM ks.t");
  record(0, "EXECUTE", "INSERT INTO ks.t (k) VALUES (?)");
  auto r = get("/log");
  ASSERT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(body_of(r), json::parse(R"js([
      {"seq":1, "node":0, "connection":7, "opcode":"QUERY", "statement":"SELECT * FROM ks.t",
       "keyspace":"ks", "table":"t", "consistency":"LOCAL_QUORUM", "stream":42,
       "time_micros":1700000000123456},
      {"seq":2, "node":0, "connection":7, "opcode":"EXECUTE",
       "statement":"INSERT INTO ks.t (k) VALUES (?)", "keyspace":"ks", "table":"t",
       "consistency":"LOCAL_QUORUM", "stream":42, "time_micros":1700000000123456}])js"));
}

std::vector<std::int64_t> seqs(const json::value& entries) {
  std::vector<std::int64_t> out;
  for (const auto& e : entries.as_array())
    out.push_back(e.at("seq").as_int64());
  return out;
}

TEST_F(Admin, LogFilters) {
  record(0, "QUERY", "a");    // 1
  record(1, "QUERY", "b");    // 2
  record(0, "EXECUTE", "c");  // 3
  record(1, "BATCH", "d");    // 4
  record(0, "QUERY", "e");    // 5
  using v = std::vector<std::int64_t>;
  client c(endpoint_);
  auto fetch = [&](const std::string& target) {
    auto r = c.send(http::verb::get, target);
    EXPECT_EQ(r.result(), http::status::ok) << target << ": " << r.body();
    return seqs(body_of(r));
  };
  EXPECT_EQ(fetch("/log"), (v{1, 2, 3, 4, 5}));
  EXPECT_EQ(fetch("/log?node=1"), (v{2, 4}));
  EXPECT_EQ(fetch("/log?node=5"), (v{}));
  EXPECT_EQ(fetch("/log?since=3"), (v{4, 5})) << "since: entries after that seq";
  EXPECT_EQ(fetch("/log?since=0"), (v{1, 2, 3, 4, 5}));
  EXPECT_EQ(fetch("/log?opcode=QUERY"), (v{1, 2, 5}));
  EXPECT_EQ(fetch("/log?opcode=execute"), (v{3}));
  EXPECT_EQ(fetch("/log?limit=2"), (v{1, 2})) << "limit: the oldest entries";
  EXPECT_EQ(fetch("/log?limit=0"), (v{}));
  EXPECT_EQ(fetch("/log?node=0&since=1&opcode=QUERY&limit=1"), (v{5}));
  EXPECT_EQ(fetch("/log?node=0&opcode=QUERY&limit=1"), (v{1}));
  EXPECT_EQ(fetch("/log?op%63ode=BATCH"), (v{4})) << "names and values are percent-decoded";
}

TEST_F(Admin, BadLogParameterIs400NamingIt) {
  client c(endpoint_);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/log?node=x", "node: expected a non-negative integer"},
      {"/log?since=-1", "since: expected a non-negative integer"},
      {"/log?limit=", "limit: expected a non-negative integer"},
      {"/log?opcode=SELECT", "opcode: expected one of"},
      {"/log?order=desc", "unknown parameter \"order\"; accepted: node, since, opcode, limit"},
      {"/log?node=%zz", "bad percent-encoding"},
  };
  for (const auto& [target, message] : cases) {
    auto r = c.send(http::verb::get, target);
    EXPECT_EQ(r.result(), http::status::bad_request) << target;
    EXPECT_THAT(error_of(r), HasSubstr(message)) << target;
  }
}

TEST_F(Admin, DeleteLogClearsIt) {
  record(0, "QUERY", "a");
  record(0, "QUERY", "b");
  client c(endpoint_);
  EXPECT_EQ(c.send(http::verb::delete_, "/log").result(), http::status::no_content);
  EXPECT_EQ(on_server([&] { return faults_.log().size(); }), 0u);
  EXPECT_EQ(body_of(c.send(http::verb::get, "/log")), json::array());
  EXPECT_EQ(record(0, "QUERY", "c"), 3u);
  EXPECT_EQ(seqs(body_of(c.send(http::verb::get, "/log"))), std::vector<std::int64_t>{3});
}

TEST_F(Admin, TlsListsHandshakesAndTheServerNamesOfAcceptedOnes) {
  client c(endpoint_);
  EXPECT_EQ(body_of(c.send(http::verb::get, "/tls")),
            json::parse(R"({"server_names":[], "handshakes":[]})"));
  on_server([&] {
    faults_.record_handshake({0, "127.0.0.1:5000", true, "node0.example", "", 1700000000000001});
    faults_.record_handshake({1, "127.0.0.1:5001", false, "", "wrong version number", 2});
    faults_.record_handshake({1, "127.0.0.1:5002", true, "", "", 3});
  });
  auto r = c.send(http::verb::get, "/tls");
  ASSERT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(body_of(r), json::parse(R"js({"server_names":["node0.example", ""], "handshakes":[
      {"node":0, "peer":"127.0.0.1:5000", "accepted":true, "server_name":"node0.example",
       "error":"", "time_micros":1700000000000001},
      {"node":1, "peer":"127.0.0.1:5001", "accepted":false, "server_name":"",
       "error":"wrong version number", "time_micros":2},
      {"node":1, "peer":"127.0.0.1:5002", "accepted":true, "server_name":"", "error":"",
       "time_micros":3}]})js"));
  EXPECT_EQ(c.send(http::verb::delete_, "/tls").result(), http::status::no_content);
  EXPECT_EQ(on_server([&] { return faults_.handshakes().size(); }), 0u);
  auto post = c.send(http::verb::post, "/tls");
  EXPECT_EQ(post.result(), http::status::method_not_allowed);
  EXPECT_EQ(post[http::field::allow], "GET, DELETE");
}

TEST_F(Admin, ResetClearsRulesLogAndData) {
  on_server([&] {
    auto stmt = parse(
        "CREATE KEYSPACE reset_ks WITH replication = {'class': 'SimpleStrategy', "
        "'replication_factor': 1}");
    ASSERT_TRUE(stmt.has_value()) << stmt.error().message;
    auto done = db_.execute(*stmt, request_options{}, session_state{});
    ASSERT_TRUE(done.has_value()) << done.error().message;
  });
  ASSERT_TRUE(on_server([&] { return db_.schema().find_keyspace("reset_ks") != nullptr; }));
  ASSERT_EQ(post_fault(R"({"action":"close"})").result(), http::status::created);
  record(0, "QUERY", "a");
  on_server([&] { faults_.record_handshake({0, "127.0.0.1:5000", true, "", "", 1}); });
  client c(endpoint_);
  auto r = c.send(http::verb::post, "/reset");
  EXPECT_EQ(r.result(), http::status::no_content);
  EXPECT_TRUE(rules().empty());
  EXPECT_EQ(on_server([&] { return faults_.log().size(); }), 0u);
  EXPECT_EQ(on_server([&] { return faults_.handshakes().size(); }), 0u);
  EXPECT_EQ(on_server([&] { return db_.schema().find_keyspace("reset_ks"); }), nullptr);
  EXPECT_NE(on_server([&] { return db_.schema().find_keyspace("system"); }), nullptr)
      << "reset keeps the system keyspaces";
}

TEST_F(Admin, ManyRequestsOnOneConnection) {
  client c(endpoint_);
  for (int i = 0; i < 200; ++i) {
    auto r = c.send(http::verb::post, "/faults", R"({"action":"close"})");
    ASSERT_EQ(r.result(), http::status::created);
    ASSERT_TRUE(r.keep_alive());
    ASSERT_EQ(body_of(r).at("id").as_int64(), i + 1);
  }
  EXPECT_EQ(rules().size(), 200u);
}

TEST_F(Admin, PipelinedRequestsAreAnsweredInOrder) {
  client c(endpoint_);
  c.write_raw(
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /faults HTTP/1.1\r\nHost: x\r\nContent-Length: 18\r\n\r\n{\"action\":\"close\"}"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read().result(), http::status::ok);
  EXPECT_EQ(c.read().result(), http::status::created);
  EXPECT_EQ(c.read().result(), http::status::not_found);
}

TEST_F(Admin, ConcurrentConnectionsAreServedIndependently) {
  // Half the connections stop in the middle of a request; the others are served meanwhile,
  // then the stalled ones finish theirs.
  std::vector<std::unique_ptr<client>> stalled;
  std::vector<std::unique_ptr<client>> active;
  for (int i = 0; i < 10; ++i) {
    stalled.push_back(std::make_unique<client>(endpoint_));
    active.push_back(std::make_unique<client>(endpoint_));
  }
  for (auto& c : stalled) {
    c->write_raw("POST /faults HTTP/1.1\r\nHost: x\r\nContent-Length: 18\r\n\r\n{\"action\":");
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& c : active) {
      ASSERT_EQ(c->send(http::verb::get, "/health").result(), http::status::ok);
    }
  }
  EXPECT_TRUE(rules().empty());
  for (auto& c : stalled) {
    c->write_raw("\"close\"}");
    ASSERT_EQ(c->read().result(), http::status::created);
  }
  EXPECT_EQ(rules().size(), 10u);
}

TEST_F(Admin, MalformedRequestIs400AndCloses) {
  client c(endpoint_);
  c.write_raw("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.read();
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_FALSE(r.keep_alive());
  EXPECT_THAT(error_of(r), HasSubstr("malformed HTTP request"));
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Admin, BadHeaderLineIs400AndCloses) {
  client c(endpoint_);
  c.write_raw("GET /health HTTP/1.1\r\nHost x\r\n\r\n");
  auto r = c.read();
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Admin, MalformedRequestAfterAGoodOneOnTheSameConnection) {
  client c(endpoint_);
  EXPECT_EQ(c.send(http::verb::get, "/health").result(), http::status::ok);
  c.write_raw("GET /health HTTP/9\r\n\r\n");
  EXPECT_EQ(c.read().result(), http::status::bad_request);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Admin, BodyOverOneMebibyteIs413AndCloses) {
  client c(endpoint_);
  c.write_raw("POST /faults HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n");
  auto r = c.read();
  EXPECT_EQ(r.result(), http::status::payload_too_large);
  EXPECT_THAT(error_of(r), HasSubstr("1048576"));
  EXPECT_FALSE(r.keep_alive());
  EXPECT_TRUE(rules().empty());
}

TEST_F(Admin, ChunkedBodyOverTheLimitIs413) {
  client c(endpoint_);
  std::string chunk(512 * 1024, ' ');
  std::string request = "POST /faults HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i)
    request += "80000\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  c.write_raw(request);
  EXPECT_EQ(c.read().result(), http::status::payload_too_large);
}

TEST_F(Admin, BodyAtTheLimitIsAccepted) {
  std::string body = R"({"action":"close", "statement":")";
  body += std::string(1024 * 1024 - body.size() - 2, 'x');
  body += "\"}";
  ASSERT_EQ(body.size(), 1024u * 1024u);
  auto r = post_fault(body);
  EXPECT_EQ(r.result(), http::status::created) << r.body().substr(0, 200);
}

TEST_F(Admin, Http10WithoutKeepAliveCloses) {
  client c(endpoint_);
  c.write_raw("GET /health HTTP/1.0\r\n\r\n");
  auto r = c.read();
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r.version(), 10u);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Admin, ConnectionCloseIsHonoured) {
  client c(endpoint_);
  c.write_raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.read();
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_FALSE(r.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Admin, ExpectContinueGets100First) {
  client c(endpoint_);
  c.write_raw(
      "POST /faults HTTP/1.1\r\nHost: x\r\nContent-Length: 18\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.read().result(), http::status::continue_);
  c.write_raw(R"({"action":"close"})");
  EXPECT_EQ(c.read().result(), http::status::created);
}

TEST_F(Admin, StopClosesOpenConnectionsAndRunReturns) {
  client idle(endpoint_);
  client busy(endpoint_);
  EXPECT_EQ(busy.send(http::verb::get, "/health").result(), http::status::ok);
  client half(endpoint_);
  half.write_raw("POST /faults HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
  EXPECT_EQ(busy.send(http::verb::get, "/health").result(), http::status::ok);
  ASSERT_TRUE(stop_server());
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_TRUE(busy.closed_by_server());
  EXPECT_TRUE(half.closed_by_server());
  boost::system::error_code ec;
  tcp::socket late(io_);
  late.connect(endpoint_, ec);
  EXPECT_TRUE(ec) << "the listening socket is closed";
}

TEST(AdminStandalone, StopOnTheServerThreadBeforeRunReturnsAtOnce) {
  database db(one_node());
  fault_registry faults;
  asio::io_context io;
  admin_server server(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), db, faults);
  client c(server.local_endpoint());
  asio::post(io, [&] { server.stop(); });
  io.run_for(deadline);
  EXPECT_TRUE(io.stopped()) << "run() returns once the acceptor and every connection are gone";
}

TEST(AdminStandalone, BindingAPortInUseThrows) {
  database db(one_node());
  fault_registry faults;
  asio::io_context io;
  admin_server first(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), db, faults);
  EXPECT_THROW(admin_server(io, first.local_endpoint(), db, faults), boost::system::system_error);
}

}  // namespace
}  // namespace cqlshift::sim
