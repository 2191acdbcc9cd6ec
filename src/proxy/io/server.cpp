#include "cqlshift/proxy/server.hpp"

#include "client_session.hpp"
#include "control_connection.hpp"
#include "proxy_context.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <thread>
#include <vector>

namespace cqlshift::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct worker {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread;
};

std::string endpoint_text(const tcp::endpoint& e) {
  const std::string a = e.address().to_string();
  return (e.address().is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(e.port());
}

asio::awaitable<void> accept_loop(std::shared_ptr<proxy_context> ctx, tcp::acceptor& acceptor,
                                  std::vector<std::unique_ptr<worker>>& workers) {
  std::size_t next = 0;
  const int max_connections = ctx->settings.proxy_max_client_connections;
  for (;;) {
    worker& w = *workers[next++ % workers.size()];
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
    asio::post(w.io, [ctx, s = std::move(socket)]() mutable {
      auto session = std::make_shared<client_session>(ctx, std::move(s));
      session->start();
    });
  }
}

}  // namespace

int run_proxy(const config::settings& settings,
              const std::function<void(const std::string&)>& on_listening) {
  auto ctx = std::make_shared<proxy_context>(settings);
  // Declared before main_io so they outlive it: main_io's pending operations (an accept into
  // a socket of a worker's io_context) are destroyed with main_io and touch the worker's.
  std::vector<std::unique_ptr<worker>> workers;
  asio::io_context main_io(1);

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

  const unsigned thread_count = settings.threads > 0
                                    ? static_cast<unsigned>(settings.threads)
                                    : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned k = 0; k < thread_count; ++k)
    workers.push_back(std::make_unique<worker>());
  for (auto& w : workers)
    w->thread = std::thread([&io = w->io] { io.run(); });

  auto origin = std::make_shared<control_connection>(ctx, cluster::origin, main_io);
  auto target = std::make_shared<control_connection>(ctx, cluster::target, main_io);
  bool serving = false;
  const auto maybe_serve = [&] {
    // SPEC 9: serve only once both control connections are up.
    if (serving || !origin->up() || !target->up()) return;
    serving = true;
    asio::co_spawn(main_io, accept_loop(ctx, acceptor, workers), asio::detached);
    spdlog::info("cqlshift listening on {} ({} worker threads, primary {})", endpoint_text(bound),
                 thread_count, to_string(ctx->primary()));
    if (on_listening) on_listening(endpoint_text(bound));
  };
  origin->start(maybe_serve);
  target->start(maybe_serve);

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
