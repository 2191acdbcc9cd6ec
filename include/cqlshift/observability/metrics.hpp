#pragma once
// The proxy's Prometheus metrics (SPEC.md section 15). The hot path only bumps relaxed atomics
// in memory its own worker thread owns (one shard per thread, and per thread and cluster node
// for the node series), so counting takes no lock and shares no cache line between threads; a
// scrape sums the shards and hands the families to prometheus-cpp's text serializer.
//
// Names are `<prefix>_<series>`: with prefix "zdm" they are the reference proxy's series
// exactly, so its dashboards keep working.

#include "cqlshift/protocol/error_response.hpp"

#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace cqlshift::observability {

// The `error` label of {origin,target}_requests_failed_total.
enum class request_error : std::uint8_t {
  client_timeout,  // the proxy's own deadline (proxy_request_timeout_ms) passed
  read_timeout,
  read_failure,
  write_timeout,
  write_failure,
  overloaded,
  unavailable,
  unprepared,
  other,
};
inline constexpr std::size_t request_error_count = 9;
std::string_view to_string(request_error e) noexcept;
request_error classify(protocol::error_code code) noexcept;

// A histogram of durations with fixed bounds (seconds, ascending). observe() is wait-free.
class histogram {
 public:
  explicit histogram(std::shared_ptr<const std::vector<double>> bounds_seconds);

  void observe(std::chrono::nanoseconds d) noexcept;

  // Adds this histogram's counts to a ClientMetric's (cumulative buckets, count, sum).
  void add_to(prometheus::ClientMetric::Histogram& out) const;
  const std::vector<double>& bounds() const noexcept { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, plus +Inf
  std::atomic<std::uint64_t> sum_ns_{0};
};

// The node series' clusters: origin and target (request connections), async (the shadow-read
// connections to the secondary, SPEC 11).
enum class cluster_index : std::uint8_t { origin = 0, target = 1, async = 2 };
// proxy_request_duration_seconds and proxy_inflight_requests_total `type`.
enum class request_type : std::uint8_t { reads_origin = 0, reads_target = 1, writes = 2 };
// proxy_failed_writes_total `failed_on`.
enum class failed_side : std::uint8_t { origin = 0, target = 1, both = 2 };

// One cluster node as seen by one worker thread.
struct node_metrics {
  explicit node_metrics(std::shared_ptr<const std::vector<double>> bounds)
      : reads(bounds), writes(std::move(bounds)) {}

  std::array<std::atomic<std::uint64_t>, request_error_count> failed{};
  histogram reads;
  histogram writes;
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::uint64_t> failed_connections{0};
  std::atomic<std::int64_t> used_stream_ids{0};
  std::atomic<std::int64_t> inflight{0};  // async_inflight_requests_total (async nodes only)

  void fail(request_error e) noexcept {
    failed[static_cast<std::size_t>(e)].fetch_add(1, std::memory_order_relaxed);
  }
};

// shadow_reads_total `outcome` (SPEC 11): compared and equal, compared and different, the
// secondary answered an error, the secondary did not answer in time, not sent (queue full or
// shadow connection unavailable), sent but not compared (sampling, shadow_compare off, or the
// primary failed).
enum class shadow_outcome : std::uint8_t { match, mismatch, error, timeout, dropped, skipped };
inline constexpr std::size_t shadow_outcome_count = 6;
std::string_view to_string(shadow_outcome o) noexcept;

// Counts by table ("ks.table") and one more label with N values, for one worker thread. Under
// the thread's own mutex, which only a scrape also takes (these count on paths off the
// client's: shadow-read outcomes, write failures). Past max_tables distinct tables, counted
// under "(other)", so that a client naming random tables cannot grow the series without bound.
template <std::size_t N>
class table_counts {
 public:
  using by_table = std::map<std::string, std::array<std::uint64_t, N>, std::less<>>;
  static constexpr std::size_t max_tables = 1000;

  void add(std::string_view table, std::size_t index) {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(table);
    if (it == counts_.end()) {
      const std::string_view key = counts_.size() < max_tables ? table : "(other)";
      it = counts_.try_emplace(std::string(key)).first;
    }
    ++it->second[index];
  }
  // Adds these counts to `out` (a scrape sums the threads).
  void add_to(by_table& out) const {
    std::lock_guard lock(mutex_);
    for (const auto& [table, counts] : counts_) {
      auto& sum = out[table];
      for (std::size_t i = 0; i < N; ++i)
        sum[i] += counts[i];
    }
  }

 private:
  mutable std::mutex mutex_;
  by_table counts_;
};

// The proxy-level series as seen by one worker thread.
struct thread_metrics {
  thread_metrics(std::shared_ptr<const std::vector<double>> origin_bounds,
                 std::shared_ptr<const std::vector<double>> target_bounds);

  std::array<std::atomic<std::uint64_t>, 2> failed_connections{};  // by cluster
  std::array<std::atomic<std::uint64_t>, 2> failed_reads{};        // by cluster
  std::array<std::atomic<std::uint64_t>, 3> failed_writes{};       // by failed_side
  std::array<histogram, 3> durations;                              // by request_type
  std::array<std::atomic<std::int64_t>, 3> inflight{};             // by request_type
  std::atomic<std::uint64_t> pscache_misses{0};
  std::atomic<std::uint64_t> conditional_disagreements{0};  // LWT applied on one side only

  static void add(std::atomic<std::uint64_t>& c) noexcept {
    c.fetch_add(1, std::memory_order_relaxed);
  }

  // One shadow read's outcome, by table (shadow_reads_total).
  void count_shadow(std::string_view table, shadow_outcome o) {
    shadow.add(table, static_cast<std::size_t>(o));
  }
  // One write (a request sent to both clusters) that failed, by table and failed_on
  // (failed_writes_by_table_total, SPEC 15's per-table write failures).
  void count_failed_write(std::string_view table, failed_side side) {
    failed_writes_by_table.add(table, static_cast<std::size_t>(side));
  }

  table_counts<shadow_outcome_count> shadow;
  table_counts<3> failed_writes_by_table;
};

// Values the process knows at scrape time rather than counts.
struct process_gauges {
  std::int64_t client_connections = 0;
  std::int64_t prepared_entries = 0;
  std::string primary_cluster = "ORIGIN";  // ORIGIN or TARGET
};

class metrics {
 public:
  struct buckets_ms {
    std::vector<double> origin;
    std::vector<double> target;
    std::vector<double> async;  // empty: the origin buckets
  };

  metrics(std::size_t threads, const buckets_ms& buckets);

  thread_metrics& thread(std::size_t index) noexcept { return *threads_[index]; }
  std::size_t thread_count() const noexcept { return threads_.size(); }
  // The shard of one node (address "ip:port") for one thread; made on first use (under a
  // lock: sessions call it once per cluster connection, not per request). Never freed, so
  // the reference stays valid for the process's life.
  node_metrics& node(std::size_t thread, cluster_index cluster, const std::string& address);

  // shadow_reads_total summed over the threads, by table.
  table_counts<shadow_outcome_count>::by_table shadow_totals() const;

  std::atomic<std::uint64_t> reloads_ok{0};
  std::atomic<std::uint64_t> reloads_failed{0};

  // Every family, summed over the shards, named <prefix>_<series>.
  std::vector<prometheus::MetricFamily> collect(std::string_view prefix,
                                                const process_gauges& gauges) const;
  // collect() in the Prometheus text exposition format.
  std::string text(std::string_view prefix, const process_gauges& gauges) const;

 private:
  std::shared_ptr<const std::vector<double>> origin_bounds_;
  std::shared_ptr<const std::vector<double>> target_bounds_;
  std::shared_ptr<const std::vector<double>> async_bounds_;
  std::vector<std::unique_ptr<thread_metrics>> threads_;

  mutable std::mutex nodes_mutex_;
  // (cluster, address, thread) -> shard; a std::map so that scrapes list nodes in order.
  std::map<std::tuple<int, std::string, std::size_t>, std::unique_ptr<node_metrics>> nodes_;
};

}  // namespace cqlshift::observability
