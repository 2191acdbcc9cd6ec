// cqlshift-bench: a CQL load generator built on cqlshift's protocol library, for measuring
// what the proxy costs against a direct connection (bench/run.sh, docs/benchmarks.md).
//
// Each connection keeps up to --inflight requests outstanding. With --rate the schedule is
// fixed in advance (open loop): request i of a connection is due at start + i / rate, and its
// latency counts from when it was due, not from when it could be sent, so a stalled server
// shows up in the percentiles instead of slowing the load down (no coordinated omission).
// Without --rate every connection sends as fast as its in-flight window allows.

#include "histogram.hpp"
#include "workload.hpp"

#include "cqlshift/net/frame_stream.hpp"
#include "cqlshift/protocol/error_response.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/sasl.hpp"
#include "cqlshift/protocol/version.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace cqlshift;
using bench::latency_histogram;
using clock_type = std::chrono::steady_clock;
using cqlshift::net::use_tuple;
using protocol::opcode;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9042;
  int protocol = 4;
  int connections = 4;
  int inflight = 32;
  int threads = 1;
  double duration = 10;
  std::uint64_t requests = 0;
  double rate = 0;
  double warmup = 1;
  std::string workload = "insert";
  double read_ratio = 0.5;
  std::uint64_t keys = 10000;
  std::size_t value_size = 100;
  std::string keyspace = "cqlshift_bench";
  std::string consistency = "ONE";
  std::string username;
  std::string password;
  bool no_populate = false;
  double drain_seconds = 10;
};

struct failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What the connections share, fixed before they start.
struct plan {
  options opt;
  bench::workload load = bench::workload::insert;
  protocol::protocol_version version = protocol::protocol_version::v4;
  protocol::consistency cl = protocol::consistency::one;
  protocol::bytes value;
  clock_type::time_point start;
  clock_type::time_point measure_from;
  clock_type::time_point stop_at;  // duration mode
};

struct stats {
  latency_histogram latencies;
  std::uint64_t completed = 0;  // answered within the measured window
  std::uint64_t errors = 0;     // ERROR answers, unanswered requests, failed connections
  std::map<std::string, std::uint64_t> error_kinds;
  clock_type::time_point last_answer{};
  std::string connection_failure;

  void add(const stats& o) {
    latencies.add(o.latencies);
    completed += o.completed;
    errors += o.errors;
    for (const auto& [k, n] : o.error_kinds)
      error_kinds[k] += n;
    last_answer = std::max(last_answer, o.last_answer);
    if (connection_failure.empty()) connection_failure = o.connection_failure;
  }
};

std::string error_kind(const protocol::frame& f, protocol::protocol_version v) {
  auto opened = protocol::open_body(f.header, f.body);
  if (!opened) return "malformed ERROR";
  auto m = protocol::decode_response(opcode::error, v, opened->message);
  if (!m) return "malformed ERROR";
  const auto& e = std::get<protocol::error_response>(*m);
  return std::string(protocol::to_string(e.code));
}

// A connection that has completed STARTUP (and authentication).
class session {
 public:
  explicit session(asio::any_io_executor ex) : ex_(ex) {}

  asio::awaitable<void> open(const plan& p) {
    asio::ip::tcp::resolver resolver(ex_);
    auto [rec, endpoints] =
        co_await resolver.async_resolve(p.opt.host, std::to_string(p.opt.port), use_tuple);
    if (rec) throw failure("cannot resolve " + p.opt.host + ": " + rec.message());
    asio::ip::tcp::socket socket(ex_);
    auto [cec] = co_await socket.async_connect(endpoints.begin()->endpoint(), use_tuple);
    if (cec) {
      throw failure("cannot connect to " + p.opt.host + ":" + std::to_string(p.opt.port) + ": " +
                    cec.message());
    }
    stream_ =
        std::make_shared<net::frame_stream>(std::move(socket), protocol::default_max_frame_size);
    stream_->start();
    version_ = p.version;
    protocol::startup st;
    st.options = {{"CQL_VERSION", "3.0.0"}, {"DRIVER_NAME", "cqlshift-bench"}};
    auto answer = co_await exchange(st);
    if (protocol::uses_segments(version_) &&
        (answer.header.op == opcode::ready || answer.header.op == opcode::authenticate)) {
      stream_->segments_in(false);
    }
    if (answer.header.op == opcode::authenticate) {
      protocol::auth_response ar;
      ar.token = protocol::sasl_plain_token(p.opt.username, p.opt.password);
      answer = co_await exchange(ar);
      if (answer.header.op != opcode::auth_success)
        throw failure("authentication refused (--username/--password)");
    } else if (answer.header.op != opcode::ready) {
      throw failure("STARTUP answered with " + describe(answer));
    }
  }

  // Sends one request on stream 0 and waits for its answer.
  asio::awaitable<protocol::frame> exchange(const protocol::request& r) {
    auto body = protocol::encode_request(r, version_);
    if (!body) throw failure("cannot encode a request: " + body.error().message());
    protocol::frame_header h;
    h.version = raw(version_);
    h.op = protocol::opcode_of(r);
    stream_->send(h, *body);
    if (std::holds_alternative<protocol::startup>(r) && protocol::uses_segments(version_))
      stream_->segments_out(false);
    for (;;) {
      auto f = co_await stream_->read();
      if (!f) throw failure("connection lost: " + f.error().message());
      if (f->header.stream == 0) co_return std::move(*f);
    }
  }

  asio::awaitable<void> query(const std::string& text) {
    protocol::query q;
    q.query_string = text;
    q.params.consistency_level = protocol::consistency::one;
    auto f = co_await exchange(q);
    if (f.header.op != opcode::result) throw failure(text + ": " + describe(f));
  }

  asio::awaitable<protocol::prepared_result> prepare(const std::string& text) {
    protocol::prepare pr;
    pr.query_string = text;
    auto f = co_await exchange(pr);
    auto opened = protocol::open_body(f.header, f.body);
    if (!opened || f.header.op != opcode::result) throw failure(text + ": " + describe(f));
    auto m = protocol::decode_response(opcode::result, version_, opened->message);
    if (!m || !std::holds_alternative<protocol::prepared_result>(*m))
      throw failure(text + ": not a PREPARED result");
    co_return std::get<protocol::prepared_result>(std::move(*m));
  }

  std::string describe(const protocol::frame& f) const {
    if (f.header.op == opcode::error) return "ERROR " + error_kind(f, version_);
    return std::string(protocol::to_string(f.header.op));
  }

  std::shared_ptr<net::frame_stream>& stream() { return stream_; }

 private:
  asio::any_io_executor ex_;
  std::shared_ptr<net::frame_stream> stream_;
  protocol::protocol_version version_ = protocol::protocol_version::v4;
};

struct templates {
  bench::request_template insert;
  bench::request_template select;
};

asio::awaitable<templates> make_templates(session& s, const plan& p) {
  templates t;
  const auto st = bench::statements_for(p.opt.keyspace);
  if (bench::prepared(p.load)) {
    if (bench::writes(p.load)) {
      auto r = co_await s.prepare(st.insert);
      t.insert =
          bench::request_template::execute(p.version, r.id, r.result_metadata_id, p.cl, &p.value);
    }
    if (bench::reads(p.load)) {
      auto r = co_await s.prepare(st.select);
      t.select =
          bench::request_template::execute(p.version, r.id, r.result_metadata_id, p.cl, nullptr);
    }
  } else {
    const auto ins = bench::simple_insert(p.opt.keyspace, p.value);
    const auto sel = bench::simple_select(p.opt.keyspace);
    t.insert = bench::request_template::query(p.version, ins.prefix, ins.suffix, p.cl);
    t.select = bench::request_template::query(p.version, sel.prefix, sel.suffix, p.cl);
  }
  co_return t;
}

// One measured connection: a sender following the schedule and a reader timing the answers.
class load_connection : public std::enable_shared_from_this<load_connection> {
 public:
  load_connection(asio::any_io_executor ex, const plan& p, std::uint64_t quota, unsigned seed)
      : ex_(ex),
        plan_(p),
        quota_(quota),
        rng_(seed),
        session_(ex),
        slot_free_(ex),
        drained_(ex),
        due_(static_cast<std::size_t>(p.opt.inflight)) {
    for (int i = p.opt.inflight - 1; i >= 0; --i)
      free_.push_back(static_cast<std::int16_t>(i + 1));  // stream 0 is the setup's
  }

  stats result;

  asio::awaitable<void> run(std::shared_ptr<load_connection> self) {
    try {
      co_await session_.open(plan_);
      tmpl_ = co_await make_templates(session_, plan_);
    } catch (const std::exception& e) {
      result.connection_failure = e.what();
      result.errors += 1;
      co_return;
    }
    asio::co_spawn(ex_, read_loop(self), asio::detached);
    co_await send_loop();
    // Wait for the answers still due, within the drain limit.
    if (inflight_ > 0) {
      drained_.expires_after(std::chrono::duration_cast<clock_type::duration>(
          std::chrono::duration<double>(plan_.opt.drain_seconds)));
      co_await drained_.async_wait(use_tuple);
    }
    if (inflight_ > 0) {
      result.errors += inflight_;
      result.error_kinds["no answer"] += inflight_;
    }
    stopped_ = true;
    session_.stream()->close();
  }

 private:
  asio::awaitable<void> send_loop() {
    const auto& o = plan_.opt;
    const bool by_rate = o.rate > 0;
    const auto interval =
        by_rate ? std::chrono::duration<double>(static_cast<double>(o.connections) / o.rate)
                : std::chrono::duration<double>(0);
    asio::steady_timer wait(ex_);
    std::uniform_int_distribution<std::uint64_t> key_of(0, o.keys - 1);
    std::bernoulli_distribution read_of(o.read_ratio);
    protocol::bytes frame;
    // Every connection starts at the same moment, once all have had time to connect.
    if (plan_.start > clock_type::now()) {
      wait.expires_at(plan_.start);
      co_await wait.async_wait(use_tuple);
    }
    for (std::uint64_t i = 0; (quota_ == 0 || i < quota_) && !stopped_; ++i) {
      auto due = clock_type::now();
      if (by_rate) {
        due = plan_.start +
              std::chrono::duration_cast<clock_type::duration>(interval * static_cast<double>(i));
        if (quota_ == 0 && due >= plan_.stop_at) break;
        if (due > clock_type::now()) {
          wait.expires_at(due);
          co_await wait.async_wait(use_tuple);
        }
      } else if (quota_ == 0 && due >= plan_.stop_at) {
        break;
      }
      while (free_.empty()) {
        slot_free_.expires_at(clock_type::time_point::max());
        co_await slot_free_.async_wait(use_tuple);
        if (stopped_) co_return;
      }
      if (!by_rate) due = clock_type::now();
      const std::int16_t stream = free_.back();
      free_.pop_back();
      const bool read = bench::reads(plan_.load) && (!bench::writes(plan_.load) || read_of(rng_));
      (read ? tmpl_.select : tmpl_.insert).fill(stream, key_of(rng_), frame);
      due_[static_cast<std::size_t>(stream - 1)] = due;
      ++inflight_;
      session_.stream()->send(frame);
    }
  }

  asio::awaitable<void> read_loop([[maybe_unused]] std::shared_ptr<load_connection> self) {
    while (!stopped_) {
      auto f = co_await session_.stream()->read();
      if (!f) {
        if (!stopped_) {
          // The server closed or broke the connection: what is in flight is lost.
          result.connection_failure = "connection lost: " + f.error().message();
          if (inflight_ > 0) {
            result.errors += inflight_;
            result.error_kinds["connection lost"] += inflight_;
            inflight_ = 0;
          }
          stopped_ = true;
          slot_free_.cancel();
          drained_.cancel();
        }
        co_return;
      }
      const std::int16_t stream = f->header.stream;
      if (stream < 1 || stream > plan_.opt.inflight) continue;  // events, stray answers
      const auto now = clock_type::now();
      const auto due = due_[static_cast<std::size_t>(stream - 1)];
      if (due >= plan_.measure_from) {
        if (f->header.op == opcode::error) {
          ++result.errors;
          ++result.error_kinds[error_kind(*f, plan_.version)];
        } else {
          result.latencies.record(static_cast<std::uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(now - due).count()));
          ++result.completed;
        }
        result.last_answer = now;
      }
      free_.push_back(stream);
      --inflight_;
      slot_free_.cancel();
      if (inflight_ == 0) drained_.cancel();
    }
    (void)self;
  }

  asio::any_io_executor ex_;
  const plan& plan_;
  const std::uint64_t quota_;  // 0: by duration
  std::mt19937_64 rng_;
  session session_;
  templates tmpl_;
  asio::steady_timer slot_free_;
  asio::steady_timer drained_;
  std::vector<clock_type::time_point> due_;  // per stream id - 1
  std::vector<std::int16_t> free_;
  std::uint64_t inflight_ = 0;
  bool stopped_ = false;
};

// Creates the keyspace and table and, for reading workloads, writes every key once (pipelined).
asio::awaitable<void> set_up(asio::any_io_executor ex, const plan& p, std::string& error) {
  try {
    session s(ex);
    co_await s.open(p);
    const auto st = bench::statements_for(p.opt.keyspace);
    co_await s.query(st.create_keyspace);
    co_await s.query(st.create_table);
    if (!bench::reads(p.load) || p.opt.no_populate) {
      s.stream()->close();
      co_return;
    }
    auto r = co_await s.prepare(st.insert);
    const auto insert =
        bench::request_template::execute(p.version, r.id, r.result_metadata_id, p.cl, &p.value);
    // Up to 256 inserts in flight, on stream ids 1 to 256.
    std::vector<std::int16_t> free_ids;
    for (std::int16_t id = 256; id >= 1; --id)
      free_ids.push_back(id);
    std::uint64_t sent = 0;
    std::uint64_t answered = 0;
    protocol::bytes frame;
    while (answered < p.opt.keys) {
      while (sent < p.opt.keys && !free_ids.empty()) {
        insert.fill(free_ids.back(), sent, frame);
        free_ids.pop_back();
        s.stream()->send(frame);
        ++sent;
      }
      auto f = co_await s.stream()->read();
      if (!f) throw failure("populating: connection lost: " + f.error().message());
      if (f->header.op == opcode::error) throw failure("populating: " + s.describe(*f));
      free_ids.push_back(f->header.stream);
      ++answered;
    }
    s.stream()->close();
  } catch (const std::exception& e) {
    error = e.what();
  }
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "cqlshift-bench - a CQL load generator: prepared or simple INSERTs and SELECTs by key "
      "against one host:port (a node, cqlshift, or any relay), open loop at a fixed rate or "
      "as fast as the in-flight window allows; prints throughput, errors and latency "
      "percentiles, then one JSON line."};
  options o;
  app.add_option("--host", o.host, "Host name or address to connect to")->capture_default_str();
  app.add_option("--port", o.port, "Port")->capture_default_str();
  app.add_option("--protocol", o.protocol, "Protocol version: 3, 4 or 5")
      ->check(CLI::IsMember({3, 4, 5}))
      ->capture_default_str();
  app.add_option("--connections", o.connections, "Connections")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--inflight", o.inflight, "Requests outstanding per connection at most")
      ->check(CLI::Range(1, 32767))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Threads (the connections are spread over them)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--duration", o.duration, "Seconds of load after the warm-up")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--requests", o.requests,
                 "Stop after this many requests in all instead of after --duration");
  app.add_option("--rate", o.rate,
                 "Requests per second in all, on a fixed schedule (open loop; latency counts "
                 "from when a request was due). 0: as fast as possible")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--warmup", o.warmup, "Seconds at the start whose requests are not counted")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--workload", o.workload,
                 "insert, select or mix (prepared statements); insert-simple, select-simple or "
                 "mix-simple (QUERY with literals)")
      ->check(CLI::IsMember(
          {"insert", "select", "mix", "insert-simple", "select-simple", "mix-simple"}))
      ->capture_default_str();
  app.add_option("--read-ratio", o.read_ratio, "Share of reads in the mix workloads")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--keys", o.keys, "Keys (uniformly random from 0 to keys - 1)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{999999999999999999}))
      ->capture_default_str();
  app.add_option("--value-size", o.value_size, "Bytes of the blob each row holds")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20))
      ->capture_default_str();
  app.add_option("--keyspace", o.keyspace, "Keyspace of the table kv (created if missing)")
      ->capture_default_str();
  app.add_option("--consistency", o.consistency, "Consistency level: ONE, LOCAL_ONE, QUORUM, ...")
      ->capture_default_str();
  app.add_option("--username", o.username, "PLAIN authentication");
  app.add_option("--password", o.password, "PLAIN authentication");
  app.add_flag("--no-populate", o.no_populate,
               "Reading workloads: do not write every key before measuring");
  app.add_option("--drain", o.drain_seconds,
                 "Seconds to wait for the last answers; those missing count as errors")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  plan p;
  p.opt = o;
  p.load = *bench::parse_workload(o.workload);
  p.version = *protocol::to_protocol_version(static_cast<std::uint8_t>(o.protocol));
  bool known_cl = false;
  for (int c = 0; c <= 0x0A; ++c) {
    if (protocol::to_string(static_cast<protocol::consistency>(c)) == o.consistency) {
      p.cl = static_cast<protocol::consistency>(c);
      known_cl = true;
    }
  }
  if (!known_cl) {
    std::cerr << "--consistency: unknown level '" << o.consistency << "'\n";
    return 2;
  }
  std::mt19937_64 value_rng(42);
  p.value.resize(o.value_size);
  for (auto& b : p.value)
    b = static_cast<std::uint8_t>(value_rng());

  {
    asio::io_context io;
    std::string error;
    asio::co_spawn(io, set_up(io.get_executor(), p, error), asio::detached);
    io.run();
    if (!error.empty()) {
      std::cerr << "cqlshift-bench: setup failed: " << error << "\n";
      return 1;
    }
  }

  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (int t = 0; t < o.threads; ++t)
    ios.push_back(std::make_unique<asio::io_context>(1));
  p.start = clock_type::now() + std::chrono::milliseconds(200);  // time to connect
  p.measure_from = p.start + std::chrono::duration_cast<clock_type::duration>(
                                 std::chrono::duration<double>(o.warmup));
  p.stop_at = p.measure_from + std::chrono::duration_cast<clock_type::duration>(
                                   std::chrono::duration<double>(o.duration));
  if (o.requests > 0) p.measure_from = p.start;  // a request count measures every request
  std::vector<std::shared_ptr<load_connection>> conns;
  for (int c = 0; c < o.connections; ++c) {
    std::uint64_t quota = 0;
    if (o.requests > 0) {
      quota =
          o.requests / static_cast<std::uint64_t>(o.connections) +
          (static_cast<std::uint64_t>(c) < o.requests % static_cast<std::uint64_t>(o.connections)
               ? 1
               : 0);
      if (quota == 0) continue;
    }
    auto& io = *ios[static_cast<std::size_t>(c % o.threads)];
    auto conn = std::make_shared<load_connection>(io.get_executor(), p, quota,
                                                  static_cast<unsigned>(c + 1));
    asio::co_spawn(io, conn->run(conn), asio::detached);
    conns.push_back(std::move(conn));
  }
  std::vector<std::thread> threads;
  for (auto& io : ios)
    threads.emplace_back([&io] { io->run(); });
  for (auto& t : threads)
    t.join();

  stats total;
  for (const auto& c : conns)
    total.add(c->result);
  const double seconds = o.requests > 0
                             ? std::chrono::duration<double>(
                                   std::max(total.last_answer, p.measure_from) - p.measure_from)
                                   .count()
                             : o.duration;
  const double throughput = seconds > 0 ? static_cast<double>(total.completed) / seconds : 0;
  const auto us = [&](double percent) {
    return static_cast<double>(total.latencies.percentile(percent)) / 1000.0;
  };
  std::ostringstream head;
  head << "cqlshift-bench: " << o.workload << " against " << o.host << ":" << o.port
       << ", protocol v" << o.protocol << ", " << o.connections << " connections x " << o.inflight
       << " in flight, " << o.threads << " thread(s), "
       << (o.rate > 0 ? fixed(o.rate, 0) + " requests/s scheduled" : std::string("unbounded"))
       << ", " << fixed(seconds, 2) << " s measured";
  std::cout << head.str() << "\n";
  std::cout << "requests " << total.completed << "  errors " << total.errors << "  throughput "
            << fixed(throughput, 0) << " requests/s\n";
  std::cout << "latency us  p50 " << fixed(us(50), 1) << "  p90 " << fixed(us(90), 1) << "  p99 "
            << fixed(us(99), 1) << "  p99.9 " << fixed(us(99.9), 1) << "  max "
            << fixed(static_cast<double>(total.latencies.max()) / 1000.0, 1) << "\n";
  for (const auto& [kind, n] : total.error_kinds)
    std::cout << "errors " << kind << ": " << n << "\n";
  if (!total.connection_failure.empty())
    std::cout << "a connection failed: " << total.connection_failure << "\n";
  std::cout << "{\"workload\":" << json_string(o.workload)
            << ",\"target\":" << json_string(o.host + ":" + std::to_string(o.port))
            << ",\"protocol\":" << o.protocol << ",\"connections\":" << o.connections
            << ",\"inflight\":" << o.inflight << ",\"threads\":" << o.threads
            << ",\"rate\":" << fixed(o.rate, 1) << ",\"seconds\":" << fixed(seconds, 3)
            << ",\"requests\":" << total.completed << ",\"errors\":" << total.errors
            << ",\"throughput\":" << fixed(throughput, 1) << ",\"p50_us\":" << fixed(us(50), 1)
            << ",\"p90_us\":" << fixed(us(90), 1) << ",\"p99_us\":" << fixed(us(99), 1)
            << ",\"p999_us\":" << fixed(us(99.9), 1)
            << ",\"max_us\":" << fixed(static_cast<double>(total.latencies.max()) / 1000.0, 1)
            << "}\n";
  return total.completed == 0 ? 1 : 0;
}
