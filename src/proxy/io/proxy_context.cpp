#include "proxy_context.hpp"

namespace cqlshift::proxy {
namespace {

cluster cluster_of(config::cluster_name c) noexcept {
  return c == config::cluster_name::origin ? cluster::origin : cluster::target;
}

}  // namespace

live_settings::live_settings(const config::settings& s)
    : primary(cluster_of(s.primary_cluster)),
      read_mode(s.read_mode_),
      replace_cql_functions(s.replace_cql_functions),
      request_timeout_ms(s.proxy_request_timeout_ms),
      async_handshake_timeout_ms(s.async_handshake_timeout_ms),
      shadow_compare(s.shadow_compare_),
      shadow_sample_rate(s.shadow_sample_rate) {}

void live_settings::apply(const config::settings& s) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  primary.store(cluster_of(s.primary_cluster), relaxed);
  read_mode.store(s.read_mode_, relaxed);
  replace_cql_functions.store(s.replace_cql_functions, relaxed);
  request_timeout_ms.store(s.proxy_request_timeout_ms, relaxed);
  async_handshake_timeout_ms.store(s.async_handshake_timeout_ms, relaxed);
  shadow_compare.store(s.shadow_compare_, relaxed);
  shadow_sample_rate.store(s.shadow_sample_rate, relaxed);
}

proxy_context::proxy_context(config::settings s, std::size_t worker_threads)
    : settings(std::move(s)),
      live(settings),
      prepared(static_cast<std::size_t>(settings.prepared_cache_max_entries)),
      metrics(worker_threads, {settings.metrics_origin_latency_buckets_ms,
                               settings.metrics_target_latency_buckets_ms,
                               settings.metrics_async_read_latency_buckets_ms}),
      active_(std::make_shared<const config::settings>(settings)) {}

std::shared_ptr<const config::settings> proxy_context::active() const {
  std::lock_guard lock(active_mutex_);
  return active_;
}

void proxy_context::set_active(std::shared_ptr<const config::settings> s) {
  std::lock_guard lock(active_mutex_);
  active_ = std::move(s);
}

cluster proxy_context::system_queries() const noexcept {
  return cluster_of(settings.system_queries_mode);
}

}  // namespace cqlshift::proxy
