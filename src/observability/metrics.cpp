#include "cqlshift/observability/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <sstream>

namespace cqlshift::observability {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr std::array<std::string_view, 3> cluster_labels = {"origin", "target", "async"};
constexpr std::array<std::string_view, 3> type_labels = {"reads_origin", "reads_target", "writes"};
constexpr std::array<std::string_view, 3> side_labels = {"origin", "target", "both"};

std::shared_ptr<const std::vector<double>> seconds_of(const std::vector<double>& ms) {
  auto out = std::make_shared<std::vector<double>>();
  for (double b : ms)
    out->push_back(b / 1000.0);
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return out;
}

double load(const std::atomic<std::uint64_t>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}
double load(const std::atomic<std::int64_t>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}

MetricFamily family(std::string_view prefix, std::string_view name, std::string help,
                    MetricType type) {
  MetricFamily f;
  f.name = std::string(prefix) + "_" + std::string(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

ClientMetric labelled(std::vector<ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  return m;
}

ClientMetric counter(std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m = labelled(std::move(labels));
  m.counter.value = value;
  return m;
}

ClientMetric gauge(std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m = labelled(std::move(labels));
  m.gauge.value = value;
  return m;
}

// A histogram metric with every bucket present (zero counts included), so that a dashboard's
// query has series to read before the first request.
ClientMetric empty_histogram(std::vector<ClientMetric::Label> labels,
                             const std::vector<double>& bounds) {
  ClientMetric m = labelled(std::move(labels));
  for (double b : bounds)
    m.histogram.bucket.push_back({0, b});
  m.histogram.bucket.push_back({0, std::numeric_limits<double>::infinity()});
  return m;
}

}  // namespace

std::string_view to_string(request_error e) noexcept {
  switch (e) {
    case request_error::client_timeout:
      return "client_timeout";
    case request_error::read_timeout:
      return "read_timeout";
    case request_error::read_failure:
      return "read_failure";
    case request_error::write_timeout:
      return "write_timeout";
    case request_error::write_failure:
      return "write_failure";
    case request_error::overloaded:
      return "overloaded";
    case request_error::unavailable:
      return "unavailable";
    case request_error::unprepared:
      return "unprepared";
    case request_error::other:
      return "other";
  }
  return "other";
}

request_error classify(protocol::error_code code) noexcept {
  using protocol::error_code;
  switch (code) {
    case error_code::read_timeout:
      return request_error::read_timeout;
    case error_code::read_failure:
      return request_error::read_failure;
    case error_code::write_timeout:
      return request_error::write_timeout;
    case error_code::write_failure:
      return request_error::write_failure;
    case error_code::overloaded:
      return request_error::overloaded;
    case error_code::unavailable:
      return request_error::unavailable;
    case error_code::unprepared:
      return request_error::unprepared;
    default:
      return request_error::other;
  }
}

histogram::histogram(std::shared_ptr<const std::vector<double>> bounds_seconds)
    : bounds_(std::move(bounds_seconds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_->size() + 1)) {}

void histogram::observe(std::chrono::nanoseconds d) noexcept {
  const double seconds = std::chrono::duration<double>(d).count();
  // Prometheus buckets are `le`: a value equal to a bound belongs to it.
  const auto it = std::lower_bound(bounds_->begin(), bounds_->end(), seconds);
  counts_[static_cast<std::size_t>(it - bounds_->begin())].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(d.count(), 0)),
                    std::memory_order_relaxed);
}

void histogram::add_to(ClientMetric::Histogram& out) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_->size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    out.bucket[i].cumulative_count += cumulative;
  }
  out.sample_count += cumulative;
  out.sample_sum += static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

std::string_view to_string(shadow_outcome o) noexcept {
  switch (o) {
    case shadow_outcome::match:
      return "match";
    case shadow_outcome::mismatch:
      return "mismatch";
    case shadow_outcome::error:
      return "error";
    case shadow_outcome::timeout:
      return "timeout";
    case shadow_outcome::dropped:
      return "dropped";
    case shadow_outcome::skipped:
      return "skipped";
  }
  return "unknown";
}

thread_metrics::thread_metrics(std::shared_ptr<const std::vector<double>> origin_bounds,
                               std::shared_ptr<const std::vector<double>> target_bounds)
    : durations{histogram(origin_bounds), histogram(target_bounds), histogram(origin_bounds)} {}

metrics::metrics(std::size_t threads, const buckets_ms& buckets)
    : origin_bounds_(seconds_of(buckets.origin)),
      target_bounds_(seconds_of(buckets.target)),
      async_bounds_(seconds_of(buckets.async.empty() ? buckets.origin : buckets.async)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
    threads_.push_back(std::make_unique<thread_metrics>(origin_bounds_, target_bounds_));
}

node_metrics& metrics::node(std::size_t thread, cluster_index cluster, const std::string& address) {
  std::lock_guard lock(nodes_mutex_);
  auto& slot = nodes_[{static_cast<int>(cluster), address, thread}];
  if (!slot) {
    slot = std::make_unique<node_metrics>(cluster == cluster_index::origin   ? origin_bounds_
                                          : cluster == cluster_index::target ? target_bounds_
                                                                             : async_bounds_);
  }
  return *slot;
}

table_counts<shadow_outcome_count>::by_table metrics::shadow_totals() const {
  table_counts<shadow_outcome_count>::by_table out;
  for (const auto& t : threads_)
    t->shadow.add_to(out);
  return out;
}

std::vector<MetricFamily> metrics::collect(std::string_view prefix,
                                           const process_gauges& gauges) const {
  std::vector<MetricFamily> out;

  // Proxy level: sums over the worker threads.
  auto failed_connections = family(prefix, "proxy_failed_connections_total",
                                   "Failed connection attempts to a cluster", MetricType::Counter);
  auto failed_reads = family(prefix, "proxy_failed_reads_total",
                             "Reads that failed, by the cluster they went to", MetricType::Counter);
  auto failed_writes =
      family(prefix, "proxy_failed_writes_total",
             "Writes that failed, by the cluster(s) that failed them", MetricType::Counter);
  auto durations = family(prefix, "proxy_request_duration_seconds",
                          "Request latency as the client sees it", MetricType::Histogram);
  auto inflight =
      family(prefix, "proxy_inflight_requests_total", "Requests in flight", MetricType::Gauge);
  for (std::size_t c = 0; c < 2; ++c) {
    double conns = 0;
    double reads = 0;
    for (const auto& t : threads_) {
      conns += load(t->failed_connections[c]);
      reads += load(t->failed_reads[c]);
    }
    failed_connections.metric.push_back(
        counter({{"cluster", std::string(cluster_labels[c])}}, conns));
    failed_reads.metric.push_back(counter({{"cluster", std::string(cluster_labels[c])}}, reads));
  }
  for (std::size_t s = 0; s < 3; ++s) {
    double n = 0;
    for (const auto& t : threads_)
      n += load(t->failed_writes[s]);
    failed_writes.metric.push_back(counter({{"failed_on", std::string(side_labels[s])}}, n));
  }
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& bounds = threads_.front()->durations[k].bounds();
    ClientMetric h = empty_histogram({{"type", std::string(type_labels[k])}}, bounds);
    double in = 0;
    for (const auto& t : threads_) {
      t->durations[k].add_to(h.histogram);
      in += load(t->inflight[k]);
    }
    durations.metric.push_back(std::move(h));
    inflight.metric.push_back(gauge({{"type", std::string(type_labels[k])}}, in));
  }
  out.push_back(std::move(failed_connections));
  out.push_back(std::move(failed_reads));
  out.push_back(std::move(failed_writes));
  out.push_back(std::move(durations));
  out.push_back(std::move(inflight));

  double misses = 0;
  double disagreements = 0;
  for (const auto& t : threads_) {
    misses += load(t->pscache_misses);
    disagreements += load(t->conditional_disagreements);
  }
  auto entries = family(prefix, "pscache_entries_total", "Prepared statements the proxy knows",
                        MetricType::Gauge);
  entries.metric.push_back(gauge({}, static_cast<double>(gauges.prepared_entries)));
  out.push_back(std::move(entries));
  auto miss = family(prefix, "pscache_miss_total",
                     "EXECUTEs and BATCH children whose prepared id the proxy did not know",
                     MetricType::Counter);
  miss.metric.push_back(counter({}, misses));
  out.push_back(std::move(miss));
  auto clients =
      family(prefix, "client_connections_total", "Open client connections", MetricType::Gauge);
  clients.metric.push_back(gauge({}, static_cast<double>(gauges.client_connections)));
  out.push_back(std::move(clients));

  // Per node, for each cluster: the shards of every thread summed by address.
  std::lock_guard lock(nodes_mutex_);
  for (std::size_t c = 0; c < 3; ++c) {
    const bool async = c == static_cast<std::size_t>(cluster_index::async);
    const std::string side(cluster_labels[c]);
    auto failed = family(prefix, side + "_requests_failed_total",
                         "Requests a " + side + " node failed, by error", MetricType::Counter);
    auto node_durations = family(prefix, side + "_request_duration_seconds",
                                 "Latency of " + side + " nodes", MetricType::Histogram);
    auto connections = family(prefix, side + "_connections_total",
                              "Open connections to " + side + " nodes", MetricType::Gauge);
    auto failed_conns =
        family(prefix, side + "_failed_connections_total",
               "Failed connection attempts to " + side + " nodes", MetricType::Counter);
    auto stream_ids =
        family(prefix, side + "_used_stream_ids_total",
               "Stream ids in use on connections to " + side + " nodes", MetricType::Gauge);
    auto async_inflight = family(prefix, "async_inflight_requests_total",
                                 "Shadow reads in flight to a node", MetricType::Gauge);
    for (auto it = nodes_.begin(); it != nodes_.end();) {
      const auto& [key, first] = *it;
      if (std::get<0>(key) != static_cast<int>(c)) {
        ++it;
        continue;
      }
      const std::string address = std::get<1>(key);
      const auto& bounds = first->reads.bounds();
      std::array<double, request_error_count> errors{};
      ClientMetric reads = empty_histogram({{"node", address}, {"type", "reads"}}, bounds);
      ClientMetric writes = empty_histogram({{"node", address}, {"type", "writes"}}, bounds);
      double conns = 0;
      double failures = 0;
      double ids = 0;
      double in = 0;
      for (; it != nodes_.end() && std::get<0>(it->first) == static_cast<int>(c) &&
             std::get<1>(it->first) == address;
           ++it) {
        const node_metrics& n = *it->second;
        for (std::size_t e = 0; e < request_error_count; ++e)
          errors[e] += load(n.failed[e]);
        n.reads.add_to(reads.histogram);
        n.writes.add_to(writes.histogram);
        conns += load(n.connections);
        failures += load(n.failed_connections);
        ids += load(n.used_stream_ids);
        in += load(n.inflight);
      }
      for (std::size_t e = 0; e < request_error_count; ++e) {
        failed.metric.push_back(counter(
            {{"error", std::string(to_string(static_cast<request_error>(e)))}, {"node", address}},
            errors[e]));
      }
      node_durations.metric.push_back(std::move(reads));
      node_durations.metric.push_back(std::move(writes));
      connections.metric.push_back(gauge({{"node", address}}, conns));
      failed_conns.metric.push_back(counter({{"node", address}}, failures));
      stream_ids.metric.push_back(gauge({{"node", address}}, ids));
      if (async) async_inflight.metric.push_back(gauge({{"node", address}}, in));
    }
    out.push_back(std::move(failed));
    out.push_back(std::move(node_durations));
    out.push_back(std::move(connections));
    out.push_back(std::move(failed_conns));
    out.push_back(std::move(stream_ids));
    if (async) out.push_back(std::move(async_inflight));
  }

  // cqlshift's own series.
  auto reloads =
      family(prefix, "config_reloads_total", "Config reloads, by result", MetricType::Counter);
  reloads.metric.push_back(counter({{"result", "ok"}}, load(reloads_ok)));
  reloads.metric.push_back(counter({{"result", "failed"}}, load(reloads_failed)));
  out.push_back(std::move(reloads));
  auto primary =
      family(prefix, "primary_cluster",
             "1 for the cluster reads go to (primary_cluster), 0 for the other", MetricType::Gauge);
  for (std::string_view name : {"ORIGIN", "TARGET"})
    primary.metric.push_back(
        gauge({{"cluster", std::string(name)}}, gauges.primary_cluster == name ? 1 : 0));
  out.push_back(std::move(primary));
  auto lwt = family(prefix, "conditional_write_disagreements_total",
                    "Conditional writes (IF ...) applied on one cluster and not the other",
                    MetricType::Counter);
  lwt.metric.push_back(counter({}, disagreements));
  out.push_back(std::move(lwt));
  auto shadow = family(prefix, "shadow_reads_total",
                       "Shadow reads to the secondary by table and outcome: match, mismatch, "
                       "error, timeout, dropped (not sent), skipped (not compared)",
                       MetricType::Counter);
  for (const auto& [table, counts] : shadow_totals()) {
    for (std::size_t o = 0; o < shadow_outcome_count; ++o) {
      shadow.metric.push_back(counter(
          {{"outcome", std::string(to_string(static_cast<shadow_outcome>(o)))}, {"table", table}},
          static_cast<double>(counts[o])));
    }
  }
  out.push_back(std::move(shadow));
  auto by_table = family(prefix, "failed_writes_by_table_total",
                         "Writes that failed, by table (ks.table, or (batch) for BATCH "
                         "messages) and the cluster(s) that failed them",
                         MetricType::Counter);
  table_counts<3>::by_table writes;
  for (const auto& t : threads_)
    t->failed_writes_by_table.add_to(writes);
  for (const auto& [table, counts] : writes) {
    for (std::size_t side = 0; side < 3; ++side) {
      by_table.metric.push_back(
          counter({{"failed_on", std::string(side_labels[side])}, {"table", table}},
                  static_cast<double>(counts[side])));
    }
  }
  out.push_back(std::move(by_table));
  return out;
}

std::string metrics::text(std::string_view prefix, const process_gauges& gauges) const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, collect(prefix, gauges));
  return out.str();
}

}  // namespace cqlshift::observability
