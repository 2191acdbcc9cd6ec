// The metrics registry (SPEC 15): histogram buckets as Prometheus defines them (cumulative,
// `le`), shards of several threads summed, node series grouped by address, the prefix, and
// the text format prometheus-cpp writes.

#include "cqlshift/observability/metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cqlshift::observability {
namespace {

using namespace std::chrono_literals;

const prometheus::MetricFamily& family(const std::vector<prometheus::MetricFamily>& all,
                                       const std::string& name) {
  for (const auto& f : all)
    if (f.name == name) return f;
  throw std::runtime_error("no family " + name);
}

std::string label(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label)
    if (l.name == name) return l.value;
  return "";
}

metrics make(std::size_t threads) {
  return metrics(threads, {{1, 10, 100}, {2, 20}, {5, 50}});
}

TEST(Metrics, HistogramBucketsAreCumulativeAndInclusive) {
  auto m = make(1);
  auto& d = m.thread(0).durations[static_cast<std::size_t>(request_type::writes)];
  d.observe(500us);  // 0.5 ms: le 1
  d.observe(1ms);    // exactly 1 ms: le 1 (inclusive)
  d.observe(50ms);   // le 100
  d.observe(2s);     // +Inf only
  const auto all = m.collect("cqlshift", {});
  const auto& h = family(all, "cqlshift_proxy_request_duration_seconds");
  const prometheus::ClientMetric* writes = nullptr;
  for (const auto& metric : h.metric)
    if (label(metric, "type") == "writes") writes = &metric;
  ASSERT_NE(writes, nullptr);
  ASSERT_EQ(writes->histogram.bucket.size(), 4u);
  EXPECT_DOUBLE_EQ(writes->histogram.bucket[0].upper_bound, 0.001);
  EXPECT_EQ(writes->histogram.bucket[0].cumulative_count, 2u);
  EXPECT_EQ(writes->histogram.bucket[1].cumulative_count, 2u);
  EXPECT_EQ(writes->histogram.bucket[2].cumulative_count, 3u);
  EXPECT_EQ(writes->histogram.bucket[3].cumulative_count, 4u);
  EXPECT_EQ(writes->histogram.sample_count, 4u);
  EXPECT_NEAR(writes->histogram.sample_sum, 2.0515, 1e-9);
}

TEST(Metrics, AsyncNodesHaveTheirOwnSeriesAndBuckets) {
  auto m = make(2);
  auto& a0 = m.node(0, cluster_index::async, "10.0.1.1:9042");
  auto& a1 = m.node(1, cluster_index::async, "10.0.1.1:9042");
  a0.reads.observe(4ms);
  a0.inflight += 2;
  a1.inflight += 1;
  a1.fail(request_error::client_timeout);
  a1.connections += 1;
  const auto all = m.collect("zdm", {});
  const auto& inflight = family(all, "zdm_async_inflight_requests_total");
  ASSERT_EQ(inflight.metric.size(), 1u);
  EXPECT_EQ(label(inflight.metric[0], "node"), "10.0.1.1:9042");
  EXPECT_EQ(inflight.metric[0].gauge.value, 3);
  EXPECT_EQ(family(all, "zdm_async_connections_total").metric[0].gauge.value, 1);
  for (const auto& metric : family(all, "zdm_async_requests_failed_total").metric)
    EXPECT_EQ(metric.counter.value, label(metric, "error") == "client_timeout" ? 1 : 0);
  const auto& durations = family(all, "zdm_async_request_duration_seconds");
  for (const auto& metric : durations.metric) {
    if (label(metric, "type") != "reads") continue;
    ASSERT_EQ(metric.histogram.bucket.size(), 3u);  // 5 ms, 50 ms, +Inf
    EXPECT_DOUBLE_EQ(metric.histogram.bucket[0].upper_bound, 0.005);
    EXPECT_EQ(metric.histogram.bucket[0].cumulative_count, 1u);
  }
  // Origin and target series do not list async nodes.
  EXPECT_TRUE(family(all, "zdm_target_connections_total").metric.empty());
}

TEST(Metrics, ShadowReadsByTableAndOutcome) {
  auto m = make(2);
  m.thread(0).count_shadow("ks.a", shadow_outcome::match);
  m.thread(1).count_shadow("ks.a", shadow_outcome::match);
  m.thread(1).count_shadow("ks.a", shadow_outcome::mismatch);
  m.thread(0).count_shadow("ks.b", shadow_outcome::timeout);
  const auto totals = m.shadow_totals();
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals.at("ks.a")[static_cast<std::size_t>(shadow_outcome::match)], 2u);
  EXPECT_EQ(totals.at("ks.a")[static_cast<std::size_t>(shadow_outcome::mismatch)], 1u);
  const auto all = m.collect("cqlshift", {});
  const auto& shadow = family(all, "cqlshift_shadow_reads_total");
  EXPECT_EQ(shadow.metric.size(), 2 * shadow_outcome_count);
  for (const auto& metric : shadow.metric) {
    const std::string table = label(metric, "table");
    const std::string outcome = label(metric, "outcome");
    const double want = table == "ks.a" && outcome == "match"      ? 2
                        : table == "ks.a" && outcome == "mismatch" ? 1
                        : table == "ks.b" && outcome == "timeout"  ? 1
                                                                   : 0;
    EXPECT_EQ(metric.counter.value, want) << table << " " << outcome;
  }
}

TEST(Metrics, ShadowTablesAreBounded) {
  auto m = make(1);
  constexpr std::size_t max = table_counts<shadow_outcome_count>::max_tables;
  for (std::size_t i = 0; i < max + 50; ++i)
    m.thread(0).count_shadow("ks.t" + std::to_string(i), shadow_outcome::skipped);
  const auto totals = m.shadow_totals();
  EXPECT_EQ(totals.size(), max + 1);
  EXPECT_EQ(totals.at("(other)")[static_cast<std::size_t>(shadow_outcome::skipped)], 50u);
}

TEST(Metrics, FailedWritesByTable) {
  auto m = make(2);
  m.thread(0).count_failed_write("ks.a", failed_side::target);
  m.thread(1).count_failed_write("ks.a", failed_side::target);
  m.thread(1).count_failed_write("(batch)", failed_side::both);
  const auto all = m.collect("zdm", {});
  const auto& f = family(all, "zdm_failed_writes_by_table_total");
  EXPECT_EQ(f.metric.size(), 6u);
  for (const auto& metric : f.metric) {
    const std::string table = label(metric, "table");
    const std::string side = label(metric, "failed_on");
    const double want = table == "ks.a" && side == "target"    ? 2
                        : table == "(batch)" && side == "both" ? 1
                                                               : 0;
    EXPECT_EQ(metric.counter.value, want) << table << " " << side;
  }
}

TEST(Metrics, ThreadsAreSummed) {
  auto m = make(3);
  for (std::size_t t = 0; t < 3; ++t) {
    thread_metrics::add(m.thread(t).failed_writes[static_cast<std::size_t>(failed_side::target)]);
    m.thread(t).inflight[static_cast<std::size_t>(request_type::reads_origin)] += 2;
  }
  const auto all = m.collect("zdm", {});
  for (const auto& metric : family(all, "zdm_proxy_failed_writes_total").metric) {
    EXPECT_EQ(metric.counter.value, label(metric, "failed_on") == "target" ? 3 : 0);
  }
  for (const auto& metric : family(all, "zdm_proxy_inflight_requests_total").metric) {
    EXPECT_EQ(metric.gauge.value, label(metric, "type") == "reads_origin" ? 6 : 0);
  }
}

TEST(Metrics, NodesAreGroupedByAddressAcrossThreads) {
  auto m = make(2);
  m.node(0, cluster_index::target, "10.0.1.1:9042").fail(request_error::write_timeout);
  m.node(1, cluster_index::target, "10.0.1.1:9042").fail(request_error::write_timeout);
  m.node(1, cluster_index::target, "10.0.1.2:9042").connections += 1;
  m.node(0, cluster_index::origin, "10.0.0.1:9042").writes.observe(3ms);
  EXPECT_EQ(&m.node(0, cluster_index::target, "10.0.1.1:9042"),
            &m.node(0, cluster_index::target, "10.0.1.1:9042"));
  const auto all = m.collect("cqlshift", {});
  double timeouts = 0;
  for (const auto& metric : family(all, "cqlshift_target_requests_failed_total").metric) {
    if (label(metric, "error") == "write_timeout" && label(metric, "node") == "10.0.1.1:9042")
      timeouts = metric.counter.value;
  }
  EXPECT_EQ(timeouts, 2);
  EXPECT_EQ(family(all, "cqlshift_target_connections_total").metric.size(), 2u);
  const auto& origin = family(all, "cqlshift_origin_request_duration_seconds");
  ASSERT_EQ(origin.metric.size(), 2u);  // reads and writes of the one node
  // Target's buckets are its own.
  EXPECT_DOUBLE_EQ(family(all, "cqlshift_target_request_duration_seconds")
                       .metric[0]
                       .histogram.bucket[0]
                       .upper_bound,
                   0.002);
}

TEST(Metrics, ErrorCodesMapToTheReferenceLabels) {
  EXPECT_EQ(classify(protocol::error_code::read_timeout), request_error::read_timeout);
  EXPECT_EQ(classify(protocol::error_code::overloaded), request_error::overloaded);
  EXPECT_EQ(classify(protocol::error_code::unprepared), request_error::unprepared);
  EXPECT_EQ(classify(protocol::error_code::invalid), request_error::other);
  EXPECT_EQ(to_string(request_error::client_timeout), "client_timeout");
}

TEST(Metrics, TextFormat) {
  auto m = make(1);
  m.reloads_ok += 1;
  process_gauges g;
  g.primary_cluster = "TARGET";
  g.client_connections = 5;
  const std::string text = m.text("zdm", g);
  EXPECT_NE(text.find("# TYPE zdm_proxy_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("zdm_proxy_request_duration_seconds_bucket{type=\"writes\",le=\"0.001\"} 0"),
            std::string::npos)
      << text.substr(0, 2000);
  EXPECT_NE(text.find("zdm_client_connections_total 5"), std::string::npos);
  EXPECT_NE(text.find("zdm_primary_cluster{cluster=\"TARGET\"} 1"), std::string::npos);
  EXPECT_NE(text.find("zdm_config_reloads_total{result=\"ok\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace cqlshift::observability
