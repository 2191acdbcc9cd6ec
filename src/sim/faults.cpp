#include "cqlshift/sim/faults.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

namespace cqlshift::sim {
namespace {

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool icontains(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char x, char y) { return lower(x) == lower(y); });
  return it != haystack.end();
}

// "ks" matches every table of ks; "ks.t" one table. Keyspace names cannot hold a dot, so the
// first dot separates the two. Names compare exactly: they are stored as Cassandra stores them
// (unquoted identifiers lower case).
bool matches_table(std::string_view pattern, const request_record& r) noexcept {
  if (pattern.empty()) return true;
  auto dot = pattern.find('.');
  if (dot == std::string_view::npos) return r.keyspace == pattern;
  return r.keyspace == pattern.substr(0, dot) && r.table == pattern.substr(dot + 1);
}

bool matches(const fault_rule& rule, const request_record& r) noexcept {
  if (rule.node && *rule.node != r.node) return false;
  if (!rule.opcode.empty() && !iequals(rule.opcode, r.opcode)) return false;
  if (!icontains(r.statement, rule.statement)) return false;
  return matches_table(rule.table, r);
}

}  // namespace

fault_registry::fault_registry(std::size_t log_capacity, std::uint64_t seed)
    : log_capacity_(log_capacity), rng_(seed) {}

fault fault_registry::decide(const request_record& r) {
  for (auto& rule : rules_) {
    if (rule.count != 0 && rule.fired >= rule.count) continue;
    if (!matches(rule, r)) continue;
    // Draw only for a real chance, so rules of probability 0 or 1 leave the sequence alone.
    if (rule.probability <= 0.0) continue;
    if (rule.probability < 1.0 &&
        std::uniform_real_distribution<double>(0.0, 1.0)(rng_) >= rule.probability) {
      continue;
    }
    ++rule.fired;
    return rule.action;
  }
  return {};
}

std::uint64_t fault_registry::record(request_record r) {
  r.seq = next_seq_++;
  if (log_capacity_ == 0) return r.seq;
  while (log_.size() >= log_capacity_)
    log_.pop_front();
  log_.push_back(std::move(r));
  return log_.back().seq;
}

std::uint64_t fault_registry::add_rule(fault_rule rule) {
  rule.id = next_rule_id_++;
  rule.fired = 0;
  rules_.push_back(std::move(rule));
  return rules_.back().id;
}

bool fault_registry::remove_rule(std::uint64_t id) {
  auto it = std::find_if(rules_.begin(), rules_.end(), [id](const auto& r) { return r.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

void fault_registry::clear_rules() {
  rules_.clear();
}

void fault_registry::clear_log() {
  log_.clear();
}

void fault_registry::record_handshake(tls_handshake_record r) {
  if (log_capacity_ == 0) return;
  while (handshakes_.size() >= log_capacity_)
    handshakes_.pop_front();
  handshakes_.push_back(std::move(r));
}

void fault_registry::clear_handshakes() {
  handshakes_.clear();
}

}  // namespace cqlshift::sim
