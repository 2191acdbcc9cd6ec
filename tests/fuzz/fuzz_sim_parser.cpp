// cqlsim's CQL parser. Input: CQL text.
// Properties: never crashes, never recurses without bound; a failure carries a non-empty
// SyntaxError (or InvalidRequest) message; parsing is deterministic; on success every bind
// marker of the AST has a distinct index below marker_count(), every index is used once, and
// a marker's name is marker_names[index].

#include "cqlshift/sim/parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>
#include <vector>

using namespace cqlshift::sim;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

class marker_census {
 public:
  explicit marker_census(const parsed_statement& p) : p_(p), seen_(p.marker_count(), false) {}

  void term_(const term& t) {
    if (t.kind == term_kind::marker) {
      check(t.marker >= 0 && static_cast<std::size_t>(t.marker) < seen_.size());
      check(!seen_[t.marker]);
      seen_[t.marker] = true;
      check(p_.marker_names[t.marker] == t.text);
    } else {
      check(t.marker == -1);
    }
    for (const term& item : t.items)
      term_(item);
  }
  void term_(const std::optional<term>& t) {
    if (t) term_(*t);
  }
  void using_(const using_clause& u) {
    term_(u.ttl);
    term_(u.timestamp);
  }
  void selector_(const selector& s) {
    for (const term& t : s.literal)
      term_(t);
    for (const selector& a : s.args)
      selector_(a);
  }
  void where_(const std::vector<relation>& where) {
    for (const relation& r : where) {
      term_(r.key);
      term_(r.value);
      for (const term& t : r.in_values)
        term_(t);
    }
  }
  void conditions_(const std::vector<condition>& conditions) {
    for (const condition& c : conditions) {
      term_(c.element);
      term_(c.value);
      for (const term& t : c.in_values)
        term_(t);
    }
  }
  void operator()(const select_stmt& s) {
    for (const selection& sel : s.selections)
      selector_(sel.expr);
    where_(s.where);
    term_(s.per_partition_limit);
    term_(s.limit);
  }
  void operator()(const insert_stmt& s) {
    for (const term& t : s.values)
      term_(t);
    term_(s.json);
    using_(s.using_);
  }
  void operator()(const update_stmt& s) {
    using_(s.using_);
    for (const assignment& a : s.assignments) {
      term_(a.key);
      term_(a.value);
    }
    where_(s.where);
    conditions_(s.conditions);
  }
  void operator()(const delete_stmt& s) {
    for (const deletion& d : s.columns)
      term_(d.element);
    using_(s.using_);
    where_(s.where);
    conditions_(s.conditions);
  }
  void operator()(const batch_stmt& s) {
    using_(s.using_);
    for (const modification& m : s.statements)
      std::visit(*this, m);
  }
  template <class T>
  void operator()(const T&) {}

  bool complete() const {
    for (bool b : seen_) {
      if (!b) return false;
    }
    return true;
  }

 private:
  const parsed_statement& p_;
  std::vector<bool> seen_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view cql(reinterpret_cast<const char*>(data), size);
  const auto first = parse(cql);
  const auto second = parse(cql);
  check(first.has_value() == second.has_value());
  if (!first) {
    check(first.error() == second.error());
    check(!first.error().message.empty());
    check(first.error().code == cqlshift::protocol::error_code::syntax_error ||
          first.error().code == cqlshift::protocol::error_code::invalid);
    return 0;
  }
  check(*first == *second);
  marker_census census(*first);
  std::visit(census, first->stmt);
  check(census.complete());
  return 0;
}
