#include "endpoints.hpp"

#include <boost/json.hpp>
#include <boost/json/src.hpp>  // Boost.JSON compiled into this one file (header-only use)

#include <chrono>

namespace cqlshift::proxy {
namespace {

namespace json = boost::json;
using observability::http_response;

// SPEC 16, the reference's shape: a cluster is DOWN once its control connection failed
// heartbeat_failure_threshold times in a row, UP otherwise (STARTUP until it first came up).
std::string cluster_status(const control_connection& c, int threshold) {
  if (c.consecutive_failures() >= threshold) return "DOWN";
  return c.ever_up() ? "UP" : "STARTUP";
}

json::object cluster_health(const control_connection& c, int threshold) {
  return {{"Addr", c.address()},
          {"CurrentFailureCount", c.consecutive_failures()},
          {"FailureCountThreshold", threshold},
          {"Status", cluster_status(c, threshold)}};
}

http_response json_response(unsigned status, const json::value& v) {
  return {status, "application/json", json::serialize(v) + "\n"};
}

http_response readiness(const endpoint_sources& s) {
  const int threshold = s.ctx->settings.heartbeat_failure_threshold;
  const std::string origin = cluster_status(*s.origin, threshold);
  const std::string target = cluster_status(*s.target, threshold);
  std::string overall = "UP";
  if (!*s.serving) {
    overall = "STARTUP";
  } else if (origin == "DOWN" || target == "DOWN") {
    overall = "DOWN";
  }
  json::object body{{"OriginStatus", cluster_health(*s.origin, threshold)},
                    {"TargetStatus", cluster_health(*s.target, threshold)},
                    {"Status", overall}};
  return json_response(overall == "UP" ? 200 : 503, body);
}

// How the proxy reaches a cluster: "off", "one-way", "mutual" or "secure connect bundle", with
// ", hostname not verified" when *_tls_verify_hostname is false.
std::string tls_mode(const cluster_tls& tls, const config::settings& settings, cluster c) {
  if (!tls.context) return "off";
  const config::cluster_settings& cs = c == cluster::origin ? settings.origin : settings.target;
  std::string mode = tls.bundle                        ? "secure connect bundle"
                     : cs.tls_client_cert_path.empty() ? "one-way"
                                                       : "mutual";
  if (!tls.verify_hostname) mode += ", hostname not verified";
  return mode;
}

json::object cluster_state(const endpoint_sources& s, cluster c) {
  const control_connection& cc = c == cluster::origin ? *s.origin : *s.target;
  json::object o{{"status", cluster_status(cc, s.ctx->settings.heartbeat_failure_threshold)},
                 {"control_connection", cc.address()},
                 {"consecutive_failures", cc.consecutive_failures()},
                 {"tls", tls_mode(s.ctx->tls_of(c), s.ctx->settings, c)}};
  if (auto view = s.ctx->directory(c).view()) {
    o["protocol_version"] = std::string(protocol::to_string(cc.version()));
    o["datacenter"] = view->datacenter;
    json::array nodes;
    for (const auto& n : view->nodes)
      nodes.push_back(json::value(n.label()));
    o["nodes"] = std::move(nodes);
  }
  return o;
}

// SPEC 11: per table, how the secondary's answers compared with the primary's. `ready` is the
// operator's glance: every compared read matched and none failed on the secondary.
json::object shadow_state(const proxy_context& ctx) {
  using observability::shadow_outcome;
  json::object tables;
  std::uint64_t compared_total = 0;
  std::uint64_t mismatches_total = 0;
  std::uint64_t failures_total = 0;
  for (const auto& [table, counts] : ctx.metrics.shadow_totals()) {
    const auto n = [&](shadow_outcome o) { return counts[static_cast<std::size_t>(o)]; };
    const std::uint64_t compared = n(shadow_outcome::match) + n(shadow_outcome::mismatch);
    compared_total += compared;
    mismatches_total += n(shadow_outcome::mismatch);
    failures_total += n(shadow_outcome::error) + n(shadow_outcome::timeout);
    tables[table] = json::object{
        {"compared", compared},
        {"matches", n(shadow_outcome::match)},
        {"mismatches", n(shadow_outcome::mismatch)},
        {"mismatch_rate", compared == 0 ? 0.0
                                        : static_cast<double>(n(shadow_outcome::mismatch)) /
                                              static_cast<double>(compared)},
        {"errors", n(shadow_outcome::error)},
        {"timeouts", n(shadow_outcome::timeout)},
        {"dropped", n(shadow_outcome::dropped)},
        {"skipped", n(shadow_outcome::skipped)}};
  }
  const bool on = ctx.live.read_mode.load() == config::read_mode::dual_async_on_secondary;
  return {{"enabled", on},
          {"secondary", std::string(to_string(other(ctx.primary())))},
          {"compare", std::string(config::to_string(ctx.live.shadow_compare.load()))},
          {"sample_rate", ctx.live.shadow_sample_rate.load()},
          {"compared", compared_total},
          {"mismatches", mismatches_total},
          {"secondary_failures", failures_total},
          {"agreement", compared_total == 0
                            ? json::value(nullptr)
                            : json::value(1.0 - static_cast<double>(mismatches_total) /
                                                    static_cast<double>(compared_total))},
          {"tables", std::move(tables)}};
}

http_response status(const endpoint_sources& s) {
  const proxy_context& ctx = *s.ctx;
  const auto active = ctx.active();
  json::object settings;
  for (const auto& [key, value] : config::describe(*active))
    settings[key] = value;  // passwords are "***" already
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - ctx.started);
  json::object body{{"version", CQLSHIFT_VERSION},
                    {"uptime_seconds", uptime.count()},
                    {"serving", *s.serving},
                    {"listen", s.listen_address},
                    {"client_tls", !ctx.tls.clients                             ? "off"
                                   : ctx.settings.proxy_tls_require_client_auth ? "mutual"
                                                                                : "one-way"},
                    {"primary_cluster", std::string(to_string(ctx.primary()))},
                    {"read_mode", std::string(config::to_string(ctx.live.read_mode.load()))},
                    {"replace_cql_functions", ctx.live.replace_cql_functions.load()},
                    {"proxy_request_timeout_ms", ctx.live.request_timeout_ms.load()},
                    {"shadow_reads", shadow_state(ctx)},
                    {"origin", cluster_state(s, cluster::origin)},
                    {"target", cluster_state(s, cluster::target)},
                    {"client_connections", ctx.client_connections.load()},
                    {"inflight_requests", ctx.inflight_requests.load()},
                    {"prepared_statements", ctx.prepared.size()},
                    {"config_reloads", json::object{{"ok", ctx.metrics.reloads_ok.load()},
                                                    {"failed", ctx.metrics.reloads_failed.load()}}},
                    {"settings", std::move(settings)}};
  return json_response(200, body);
}

}  // namespace

observability::http_handler make_endpoints(std::shared_ptr<endpoint_sources> sources) {
  return [s = std::move(sources)](std::string_view path) -> http_response {
    if (path == "/health/liveness") return {200, "text/plain; charset=utf-8", "OK\n"};
    if (path == "/health/readiness") return readiness(*s);
    if (path == "/status") return status(*s);
    if (path == "/metrics") {
      if (!*s->serving) return {503, "text/plain; charset=utf-8", "starting up\n"};
      observability::process_gauges g;
      g.client_connections = s->ctx->client_connections.load(std::memory_order_relaxed);
      g.prepared_entries = static_cast<std::int64_t>(s->ctx->prepared.size());
      g.primary_cluster = std::string(to_string(s->ctx->primary()));
      return {200, "text/plain; version=0.0.4; charset=utf-8",
              s->ctx->metrics.text(s->ctx->settings.metrics_prefix, g)};
    }
    return {404, "text/plain; charset=utf-8",
            "not found; try /metrics, /health/liveness, /health/readiness, /status\n"};
  };
}

}  // namespace cqlshift::proxy
