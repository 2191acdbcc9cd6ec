#include "admin/routes.hpp"

#include "admin/admin_json.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace cqlshift::sim::admin {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr std::string_view known_paths = "/health, /nodes, /faults, /faults/N, /log, /tls, /reset";

admin_reply json_reply(http::status status, const json::value& body) {
  admin_reply r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

admin_reply error_reply(http::status status, std::string message) {
  return json_reply(status, json::object{{"error", std::move(message)}});
}

admin_reply no_content() {
  admin_reply r;
  r.status = http::status::no_content;
  return r;
}

admin_reply method_not_allowed(http::verb method, std::string allow) {
  auto r =
      error_reply(http::status::method_not_allowed,
                  std::string(http::to_string(method)) + " not allowed here; allowed: " + allow);
  r.allow = std::move(allow);
  return r;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: %XX and '+' for a space.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] != '%') {
      out += s[i];
    } else {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_digit(s[i + 1]);
      int lo = hex_digit(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

using query_params = std::vector<std::pair<std::string, std::string>>;

parse_result<query_params> parse_query(std::string_view query) {
  query_params params;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    auto key = percent_decode(item.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
    if (!key || !value) {
      return field_error("query: bad percent-encoding in \"" + std::string(item) + "\"");
    }
    params.emplace_back(std::move(*key), std::move(*value));
  }
  return params;
}

struct log_filter {
  std::optional<std::size_t> node;
  std::uint64_t since = 0;
  std::string opcode;
  std::optional<std::uint64_t> limit;
};

parse_result<log_filter> parse_log_filter(std::string_view query) {
  auto params = parse_query(query);
  if (!params) return params.error();
  log_filter f;
  for (const auto& [key, value] : *params) {
    if (key == "node" || key == "since" || key == "limit") {
      auto n = parse_unsigned(value);
      if (!n) return field_error(key + ": expected a non-negative integer, got \"" + value + "\"");
      if (key == "node") f.node = static_cast<std::size_t>(*n);
      if (key == "since") f.since = *n;
      if (key == "limit") f.limit = *n;
    } else if (key == "opcode") {
      auto op = canonical_opcode(value);
      if (!op)
        return field_error("opcode: expected one of " + request_opcode_names() + ", got \"" +
                           value + "\"");
      f.opcode = std::move(*op);
    } else {
      return field_error("unknown parameter \"" + key + "\"; accepted: node, since, opcode, limit");
    }
  }
  return f;
}

admin_reply get_log(std::string_view query, const fault_registry& faults) {
  auto filter = parse_log_filter(query);
  if (!filter) return error_reply(http::status::bad_request, filter.error().message);
  json::array entries;
  for (const auto& r : faults.log()) {
    if (filter->limit && entries.size() >= *filter->limit) break;
    if (r.seq <= filter->since) continue;
    if (filter->node && r.node != *filter->node) continue;
    if (!filter->opcode.empty() && r.opcode != filter->opcode) continue;
    entries.push_back(to_json(r));
  }
  return json_reply(http::status::ok, entries);
}

// "server_names" repeats the accepted handshakes' SNI, so a test can compare one list.
admin_reply get_tls(const fault_registry& faults) {
  json::array server_names;
  json::array handshakes;
  for (const auto& h : faults.handshakes()) {
    if (h.accepted) server_names.emplace_back(h.server_name);
    handshakes.push_back(to_json(h));
  }
  return json_reply(http::status::ok, json::object{{"server_names", std::move(server_names)},
                                                   {"handshakes", std::move(handshakes)}});
}

admin_reply get_nodes(const database& db) {
  json::array nodes;
  const auto& topo = db.nodes();
  for (std::size_t i = 0; i < topo.nodes.size(); ++i)
    nodes.push_back(to_json(topo.nodes[i], i));
  return json_reply(http::status::ok, nodes);
}

admin_reply get_rules(const fault_registry& faults) {
  json::array rules;
  for (const auto& r : faults.rules())
    rules.push_back(to_json(r));
  return json_reply(http::status::ok, rules);
}

admin_reply post_rule(std::string_view body, const database& db, fault_registry& faults) {
  boost::system::error_code ec;
  // Boost.JSON's default depth limit (32) bounds the parser's recursion.
  auto value = json::parse(body, ec);
  if (ec) return error_reply(http::status::bad_request, "body: not valid JSON: " + ec.message());
  auto rule = parse_rule(value, db.nodes().nodes.size());
  if (!rule) return error_reply(http::status::bad_request, rule.error().message);
  auto id = faults.add_rule(std::move(*rule));
  auto r = json_reply(http::status::created, json::object{{"id", id}});
  r.location = "/faults/" + std::to_string(id);
  return r;
}

admin_reply rule_by_id(http::verb method, std::string_view id_text, fault_registry& faults) {
  auto id = parse_unsigned(id_text);
  if (!id) return error_reply(http::status::not_found, "no rule \"" + std::string(id_text) + "\"");
  if (method == http::verb::delete_) {
    if (!faults.remove_rule(*id)) {
      return error_reply(http::status::not_found, "no rule " + std::to_string(*id));
    }
    return no_content();
  }
  if (method != http::verb::get) return method_not_allowed(method, "GET, DELETE");
  for (const auto& r : faults.rules()) {
    if (r.id == *id) return json_reply(http::status::ok, to_json(r));
  }
  return error_reply(http::status::not_found, "no rule " + std::to_string(*id));
}

}  // namespace

admin_reply handle_request(http::verb method, std::string_view target, std::string_view body,
                           database& db, fault_registry& faults) {
  auto question = target.find('?');
  auto path = target.substr(0, question);
  auto query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);

  if (path == "/health") {
    if (method != http::verb::get) return method_not_allowed(method, "GET");
    return json_reply(http::status::ok, json::object{{"status", "ok"}});
  }
  if (path == "/nodes") {
    if (method != http::verb::get) return method_not_allowed(method, "GET");
    return get_nodes(db);
  }
  if (path == "/faults") {
    switch (method) {
      case http::verb::get:
        return get_rules(faults);
      case http::verb::post:
        return post_rule(body, db, faults);
      case http::verb::delete_:
        faults.clear_rules();
        return no_content();
      default:
        return method_not_allowed(method, "GET, POST, DELETE");
    }
  }
  constexpr std::string_view rule_prefix = "/faults/";
  if (path.substr(0, rule_prefix.size()) == rule_prefix) {
    return rule_by_id(method, path.substr(rule_prefix.size()), faults);
  }
  if (path == "/log") {
    switch (method) {
      case http::verb::get:
        return get_log(query, faults);
      case http::verb::delete_:
        faults.clear_log();
        return no_content();
      default:
        return method_not_allowed(method, "GET, DELETE");
    }
  }
  if (path == "/tls") {
    switch (method) {
      case http::verb::get:
        return get_tls(faults);
      case http::verb::delete_:
        faults.clear_handshakes();
        return no_content();
      default:
        return method_not_allowed(method, "GET, DELETE");
    }
  }
  if (path == "/reset") {
    if (method != http::verb::post) return method_not_allowed(method, "POST");
    faults.clear_rules();
    faults.clear_log();
    faults.clear_handshakes();
    db.reset();
    return no_content();
  }
  return error_reply(http::status::not_found,
                     "no such path: " + std::string(path) + "; paths: " + std::string(known_paths));
}

}  // namespace cqlshift::sim::admin
