#include "cqlshift/proxy/server.hpp"

#include "client_session.hpp"
#include "control_connection.hpp"
#include "endpoints.hpp"
#include "proxy_context.hpp"

#include "cqlshift/config/load.hpp"
#include "cqlshift/net/tls.hpp"
#include "cqlshift/net/transport.hpp"
#include "cqlshift/observability/http_server.hpp"
#include "cqlshift/observability/logging.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace cqlshift::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using net::use_tuple;

struct worker {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread;
};

// How long a client has to complete the TLS handshake on the TLS listener.
constexpr std::chrono::seconds client_tls_handshake_limit{10};

// The TLS listener: a client that opens with a TLS handshake gets a session once it completes;
// a plaintext client's first request is answered with an error naming the cause (a CQL error
// it can read), then the connection closes.
asio::awaitable<void> start_tls_session(std::shared_ptr<proxy_context> ctx, tcp::socket socket,
                                        std::size_t index) {
  using namespace asio::experimental::awaitable_operators;
  boost::system::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  const std::string who = ec ? std::string("?") : net::authority_text(peer);
  const auto deadline = std::chrono::steady_clock::now() + client_tls_handshake_limit;
  std::uint8_t first = 0;
  asio::steady_timer timer(socket.get_executor());
  timer.expires_at(deadline);
  auto peeked = co_await (
      socket.async_receive(asio::buffer(&first, 1), tcp::socket::message_peek, use_tuple) ||
      timer.async_wait(use_tuple));
  const bool got_byte = peeked.index() == 0 && !std::get<0>(std::get<0>(peeked)) &&
                        std::get<1>(std::get<0>(peeked)) == 1;
  if (!got_byte) {
    if (peeked.index() == 1)
      spdlog::info("client {}: closed, it sent nothing within {} s of connecting", who,
                   client_tls_handshake_limit.count());
    ctx->client_connections.fetch_sub(1);
    co_return;
  }
  if (!net::starts_tls_handshake(first)) {
    spdlog::warn("client {} connected without TLS to the TLS listener: refused", who);
    auto session = std::make_shared<client_session>(
        ctx, net::transport(std::move(socket)), index,
        "cqlshift: this port requires TLS (the proxy has proxy_tls_cert_path set); connect "
        "with TLS");
    session->start();
    co_return;
  }
  auto h = co_await net::server_handshake(std::move(socket), *ctx->tls.clients, deadline);
  if (!h.stream) {
    spdlog::warn("client {}: TLS handshake failed: {}", who, h.error);
    ctx->client_connections.fetch_sub(1);
    co_return;
  }
  spdlog::debug("client {}: {}", who, h.stream->security());
  auto session = std::make_shared<client_session>(ctx, std::move(*h.stream), index);
  session->start();
}

asio::awaitable<void> accept_loop(std::shared_ptr<proxy_context> ctx, tcp::acceptor& acceptor,
                                  std::vector<std::unique_ptr<worker>>& workers) {
  std::size_t next = 0;
  const int max_connections = ctx->settings.proxy_max_client_connections;
  for (;;) {
    const std::size_t index = next++ % workers.size();
    worker& w = *workers[index];
    auto [ec, socket] = co_await acceptor.async_accept(w.io, use_tuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    if (ctx->shutting_down.load()) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    // SPEC 10: at proxy_max_client_connections, new connections are refused.
    if (ctx->client_connections.fetch_add(1) >= max_connections) {
      ctx->client_connections.fetch_sub(1);
      spdlog::warn("refusing a client connection: proxy_max_client_connections ({}) reached",
                   max_connections);
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    if (!ctx->tls.clients) {
      asio::post(w.io, [ctx, index, s = std::move(socket)]() mutable {
        auto session = std::make_shared<client_session>(ctx, net::transport(std::move(s)), index);
        session->start();
      });
    } else {
      asio::co_spawn(w.io, start_tls_session(ctx, std::move(socket), index), asio::detached);
    }
  }
}

// SPEC 12: the live keys take effect for new requests at once; other changed keys are
// reported as needing a restart; a config that does not load changes nothing.
void reload(proxy_context& ctx, const run_options& options, std::string_view why) {
  if (!options.reload) {
    spdlog::warn("reload ({}): ignored, cqlshift was started without a config to reload", why);
    return;
  }
  config::settings next;
  try {
    next = options.reload();
  } catch (const std::exception& e) {
    ctx.metrics.reloads_failed.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("reload ({}): rejected, the running configuration stays: {}", why, e.what());
    return;
  }
  const auto current = ctx.active();
  const auto before = config::describe(*current);
  const auto after = config::describe(next);
  std::string applied;
  std::string restart;
  for (std::size_t i = 0; i < before.size() && i < after.size(); ++i) {
    if (before[i].second == after[i].second) continue;
    const std::string& key = before[i].first;
    std::string& list = config::is_live_key(key) ? applied : restart;
    if (!list.empty()) list += ", ";
    list +=
        config::is_live_key(key) ? key + " " + before[i].second + " -> " + after[i].second : key;
  }
  auto merged = std::make_shared<config::settings>(*current);
  merged->primary_cluster = next.primary_cluster;
  merged->read_mode_ = next.read_mode_;
  merged->replace_cql_functions = next.replace_cql_functions;
  merged->log_level = next.log_level;
  merged->log_format_ = next.log_format_;
  merged->proxy_request_timeout_ms = next.proxy_request_timeout_ms;
  merged->async_handshake_timeout_ms = next.async_handshake_timeout_ms;
  merged->shadow_compare_ = next.shadow_compare_;
  merged->shadow_sample_rate = next.shadow_sample_rate;
  ctx.live.apply(*merged);
  observability::configure_logging(merged->log_level, merged->log_format_);
  ctx.set_active(std::move(merged));
  ctx.metrics.reloads_ok.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("reload ({}): {}{}", why,
               applied.empty() ? "no live setting changed" : "applied " + applied,
               restart.empty() ? std::string()
                               : "; changed but needs a restart (ignored until then): " + restart);
}

}  // namespace

void check_tls_material(const config::settings& settings) {
  load_tls(settings);
}

int run_proxy(const config::settings& settings, const run_options& options) {
  const unsigned thread_count = settings.threads > 0
                                    ? static_cast<unsigned>(settings.threads)
                                    : std::max(1u, std::thread::hardware_concurrency());
  tls_setup tls;
  try {
    tls = load_tls(settings);
  } catch (const net::tls_error& e) {
    spdlog::critical("config: {}", e.what());
    return 2;
  }
  auto ctx = std::make_shared<proxy_context>(settings, thread_count);
  ctx->tls = std::move(tls);
  // Declared before main_io so they outlive it: main_io's pending operations (an accept into
  // a socket of a worker's io_context) are destroyed with main_io and touch the worker's.
  std::vector<std::unique_ptr<worker>> workers;
  asio::io_context main_io(1);
  // SPEC 12: SIGHUP reloads. Caught from the start, so that one sent while the proxy is still
  // reaching the clusters does not end the process (the default action).
  asio::signal_set hangup(main_io, SIGHUP);
  std::function<void()> wait_for_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reload(*ctx, options, "SIGHUP");
      wait_for_hangup();
    });
  };
  wait_for_hangup();

  tcp::acceptor acceptor(main_io);
  tcp::endpoint listen;
  try {
    // A name such as the reference's default "localhost" is resolved; the first address wins.
    tcp::resolver resolver(main_io);
    listen =
        *resolver
             .resolve(settings.proxy_listen_address, std::to_string(settings.proxy_listen_port),
                      tcp::resolver::numeric_service)
             .begin();
    acceptor.open(listen.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(listen);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    spdlog::critical("cannot listen on {}:{}: {}", settings.proxy_listen_address,
                     settings.proxy_listen_port, e.what());
    return 1;
  }
  const tcp::endpoint bound = acceptor.local_endpoint();

  // The proxy topology (SPEC 7): this instance and its peers; without a configured list, a
  // single instance at the listen address (never 0.0.0.0: drivers would connect there).
  std::vector<std::string> addresses = settings.proxy_topology_addresses;
  std::size_t index = static_cast<std::size_t>(settings.proxy_topology_index);
  if (addresses.empty()) {
    std::string self = bound.address().to_string();
    if (bound.address().is_unspecified()) self = "127.0.0.1";
    addresses = {self};
    index = 0;
  }
  ctx->topology =
      make_proxy_topology(addresses, index, settings.proxy_topology_num_tokens, bound.port());

  auto origin = std::make_shared<control_connection>(ctx, cluster::origin, main_io);
  auto target = std::make_shared<control_connection>(ctx, cluster::target, main_io);
  bool serving = false;

  // The HTTP endpoints come first, so that readiness says STARTUP while the clusters are
  // being reached.
  std::unique_ptr<observability::http_server> http;
  auto sources = std::make_shared<endpoint_sources>();
  sources->ctx = ctx;
  sources->origin = origin;
  sources->target = target;
  sources->serving = &serving;
  if (settings.metrics_enabled) {
    try {
      tcp::resolver resolver(main_io);
      const tcp::endpoint at =
          *resolver
               .resolve(settings.metrics_address, std::to_string(settings.metrics_port),
                        tcp::resolver::numeric_service)
               .begin();
      http = std::make_unique<observability::http_server>(main_io, at, make_endpoints(sources));
    } catch (const boost::system::system_error& e) {
      spdlog::critical(
          "cannot serve the metrics and health endpoints on {}:{} (metrics_address, "
          "metrics_port): {}",
          settings.metrics_address, settings.metrics_port, e.code().message());
      return 1;
    }
    spdlog::info("metrics and health endpoints on http://{}",
                 net::authority_text(http->local_endpoint()));
    if (options.on_http) options.on_http(net::authority_text(http->local_endpoint()));
  }

  // Started last: from here on, returning means stopping and joining them (below).
  for (unsigned k = 0; k < thread_count; ++k)
    workers.push_back(std::make_unique<worker>());
  for (auto& w : workers)
    w->thread = std::thread([&io = w->io] { io.run(); });

  const auto maybe_serve = [&] {
    // SPEC 9: serve only once both control connections are up.
    if (serving || !origin->up() || !target->up()) return;
    serving = true;
    sources->listen_address = net::authority_text(bound);
    asio::co_spawn(main_io, accept_loop(ctx, acceptor, workers), asio::detached);
    spdlog::info("cqlshift listening on {} ({} worker threads, primary {})",
                 net::authority_text(bound), thread_count, to_string(ctx->primary()));
    if (options.on_listening) options.on_listening(net::authority_text(bound));
  };
  origin->start(maybe_serve);
  target->start(maybe_serve);

  // SPEC 12: a change of the file with config_watch reloads, as SIGHUP does.
  asio::steady_timer watch(main_io);
  std::optional<std::filesystem::file_time_type> seen;
  const auto modified = [&]() -> std::optional<std::filesystem::file_time_type> {
    std::error_code ec;
    auto t = std::filesystem::last_write_time(*options.config_file, ec);
    if (ec) return std::nullopt;
    return t;
  };
  std::function<void()> poll_file = [&] {
    watch.expires_after(std::chrono::seconds(1));
    watch.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      const auto now = modified();
      if (now && now != seen) {
        seen = now;
        reload(*ctx, options, "config file changed");
      }
      poll_file();
    });
  };
  if (settings.config_watch && options.config_file) {
    seen = modified();
    poll_file();
  }

  int exit_code = 0;
  asio::signal_set signals(main_io, SIGINT, SIGTERM);
  asio::steady_timer drain(main_io);
  const auto deadline =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  std::function<void()> wait_for_drain;
  wait_for_drain = [&] {
    // SPEC 13: in-flight requests finish or time out within shutdown_grace_ms.
    if (ctx->inflight_requests.load() <= 0 || std::chrono::steady_clock::now() >= *deadline) {
      if (ctx->inflight_requests.load() > 0)
        spdlog::warn("shutdown: {} requests still in flight after shutdown_grace_ms",
                     ctx->inflight_requests.load());
      origin->stop();
      target->stop();
      hangup.cancel();
      watch.cancel();
      main_io.stop();
      return;
    }
    drain.expires_after(std::chrono::milliseconds(20));
    drain.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) wait_for_drain();
    });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping (new requests get OVERLOADED, in-flight ones finish)",
                 signal);
    ctx->shutting_down.store(true);
    boost::system::error_code ignored;
    acceptor.close(ignored);
    *deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(settings.shutdown_grace_ms);
    wait_for_drain();
  });

  main_io.run();
  if (http) http->stop();
  for (auto& w : workers) {
    w->guard.reset();
    w->io.stop();
  }
  for (auto& w : workers)
    if (w->thread.joinable()) w->thread.join();
  spdlog::info("cqlshift stopped");
  return exit_code;
}

}  // namespace cqlshift::proxy
