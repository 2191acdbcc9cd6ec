#include "executor_select.hpp"

#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/protocol/token.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace cqlshift::sim::exec {

namespace {

using protocol::type_id;
using kind = selector_plan::kind;

constexpr std::int64_t millis_per_day = 86400000;
constexpr std::int64_t date_epoch = std::int64_t{1} << 31;

struct native_name {
  std::string_view name;
  type_id id;
};

constexpr std::array<native_name, 21> native_types{{
    {"ascii", type_id::ascii},       {"bigint", type_id::bigint},
    {"blob", type_id::blob},         {"boolean", type_id::boolean},
    {"counter", type_id::counter},   {"decimal", type_id::decimal},
    {"double", type_id::double_},    {"float", type_id::float_},
    {"inet", type_id::inet},         {"int", type_id::int_},
    {"text", type_id::varchar},      {"timestamp", type_id::timestamp},
    {"uuid", type_id::uuid},         {"varchar", type_id::varchar},
    {"varint", type_id::varint},     {"timeuuid", type_id::timeuuid},
    {"date", type_id::date},         {"time", type_id::time},
    {"smallint", type_id::smallint}, {"tinyint", type_id::tinyint},
    {"duration", type_id::duration},
}};

std::optional<type_id> native_type(std::string_view name) {
  for (const auto& n : native_types) {
    if (n.name == name) return n.id;
  }
  return std::nullopt;
}

bool is_numeric(type_id id) noexcept {
  switch (id) {
    case type_id::tinyint:
    case type_id::smallint:
    case type_id::int_:
    case type_id::bigint:
    case type_id::counter:
    case type_id::varint:
    case type_id::float_:
    case type_id::double_:
    case type_id::decimal:
      return true;
    default:
      return false;
  }
}

// The no-argument native functions and their result types.
std::optional<type_id> nullary_function(std::string_view name) {
  if (name == "now" || name == "currenttimeuuid") return type_id::timeuuid;
  if (name == "uuid") return type_id::uuid;
  if (name == "currenttimestamp") return type_id::timestamp;
  if (name == "currentdate") return type_id::date;
  if (name == "currenttime") return type_id::time;
  return std::nullopt;
}

std::string function_column_name(std::string_view fn, const std::vector<selector_plan>& args) {
  std::string out = "system.";
  out += fn;
  out += "(";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += args[i].name;
  }
  return out + ")";
}

sim_result<protocol::data_type> scalar_result_type(std::string_view fn,
                                                   const std::vector<selector_plan>& args) {
  auto signature_error = [&]() -> cql_error {
    std::string got;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i > 0) got += ", ";
      got += protocol::to_cql(args[i].type);
    }
    return invalid_request("Invalid call to function " + std::string(fn) +
                           ", none of its type signatures match: (" + got + ")");
  };
  if (args.size() != 1) return signature_error();
  const type_id arg = args[0].type.id;
  if (fn == "tojson") return protocol::data_type::of(type_id::varchar);
  if (fn == "totimestamp" || fn == "dateof") {
    if (arg == type_id::timeuuid || (fn == "totimestamp" && (arg == type_id::date ||
                                                             arg == type_id::timestamp))) {
      return protocol::data_type::of(type_id::timestamp);
    }
    return signature_error();
  }
  if (fn == "todate") {
    if (arg == type_id::timeuuid || arg == type_id::timestamp || arg == type_id::date) {
      return protocol::data_type::of(type_id::date);
    }
    return signature_error();
  }
  if (fn == "tounixtimestamp" || fn == "unixtimestampof") {
    if (arg == type_id::timeuuid ||
        (fn == "tounixtimestamp" && (arg == type_id::timestamp || arg == type_id::date))) {
      return protocol::data_type::of(type_id::bigint);
    }
    return signature_error();
  }
  if (fn == "mintimeuuid" || fn == "maxtimeuuid") {
    if (arg == type_id::timestamp) return protocol::data_type::of(type_id::timeuuid);
    return signature_error();
  }
  if (fn.size() > 6 && fn.substr(0, 6) == "blobas") {
    auto target = native_type(fn.substr(6));
    if (!target || arg != type_id::blob) return signature_error();
    return protocol::data_type::of(*target);
  }
  if (fn.size() > 6 && fn.substr(fn.size() - 6) == "asblob") {
    auto source = native_type(fn.substr(0, fn.size() - 6));
    if (!source) return signature_error();
    return protocol::data_type::of(type_id::blob);
  }
  return invalid_request("Unknown function " + std::string(fn) + " called in selection clause");
}

protocol::data_type literal_type(const term& t) {
  switch (t.kind) {
    case term_kind::integer: return protocol::data_type::of(type_id::int_);
    case term_kind::floating: return protocol::data_type::of(type_id::double_);
    case term_kind::boolean: return protocol::data_type::of(type_id::boolean);
    case term_kind::uuid: return protocol::data_type::of(type_id::uuid);
    case term_kind::blob: return protocol::data_type::of(type_id::blob);
    case term_kind::duration: return protocol::data_type::of(type_id::duration);
    default: return protocol::data_type::of(type_id::varchar);
  }
}

std::string literal_name(const term& t) {
  if (t.kind == term_kind::string) {
    std::string out = "'";
    for (char c : t.text) {
      if (c == '\'') out += '\'';
      out += c;
    }
    return out + "'";
  }
  if (t.kind == term_kind::null_) return "null";
  return t.text;
}

sim_result<selector_plan> plan_selector(const table_def& t, const selector& sel, binder* b);

sim_result<std::vector<selector_plan>> plan_args(const table_def& t, const selector& sel,
                                                 binder* b) {
  std::vector<selector_plan> out;
  for (const auto& a : sel.args) {
    auto p = plan_selector(t, a, b);
    if (!p) return p.error();
    out.push_back(std::move(*p));
  }
  return out;
}

sim_result<selector_plan> plan_function(const table_def& t, const selector& sel, binder* b) {
  const std::string& fn = sel.name;
  selector_plan p;
  if (fn == "count") {
    if (sel.args.size() == 1 && sel.args[0].what == selector::kind::term &&
        !sel.args[0].literal.empty() && sel.args[0].literal[0].kind == term_kind::integer &&
        sel.args[0].literal[0].text == "1") {
      p.what = kind::count_rows;
      p.type = protocol::data_type::of(type_id::bigint);
      p.name = "count";
      return p;
    }
    if (sel.args.size() == 1 && sel.args[0].what == selector::kind::star) {
      p.what = kind::count_rows;
      p.type = protocol::data_type::of(type_id::bigint);
      p.name = "count";
      return p;
    }
  }
  if (fn == "writetime" || fn == "ttl") {
    const bool writetime = fn == "writetime";
    if (sel.args.size() != 1 || sel.args[0].what != selector::kind::column) {
      return invalid_request("Invalid call to " + fn + ": it takes exactly one column");
    }
    auto ci = find_column(t, sel.args[0].name);
    if (!ci) return ci.error();
    const column_def& c = t.columns[*ci];
    if (c.is_primary_key()) {
      return invalid_request("Cannot use selection function " +
                             std::string(writetime ? "writeTime" : "ttl") +
                             " on PRIMARY KEY part " + c.name);
    }
    if (c.multi_cell) {
      return invalid_request("Cannot use selection function " +
                             std::string(writetime ? "writeTime" : "ttl") + " on non-frozen " +
                             (is_collection(c.type) ? "collection " : "UDT ") + c.name);
    }
    p.what = writetime ? kind::writetime : kind::ttl;
    p.column = *ci;
    p.type = protocol::data_type::of(writetime ? type_id::bigint : type_id::int_);
    p.name = fn + "(" + c.name + ")";
    return p;
  }
  auto args = plan_args(t, sel, b);
  if (!args) return args.error();
  p.args = std::move(*args);
  p.name = function_column_name(fn, p.args);
  if (fn == "token") {
    bool ok = p.args.size() == t.partition_key.size();
    for (std::size_t i = 0; ok && i < p.args.size(); ++i) {
      ok = p.args[i].what == kind::column && p.args[i].column == t.partition_key[i];
    }
    if (!ok) {
      return invalid_request("Type error: the token function arguments must be the partition key "
                             "columns in order");
    }
    p.what = kind::token;
    p.type = protocol::data_type::of(type_id::bigint);
    return p;
  }
  if (fn == "count" || fn == "min" || fn == "max" || fn == "sum" || fn == "avg") {
    if (p.args.size() != 1) {
      return invalid_request("Invalid number of arguments in call to function system." + fn +
                             ": 1 required but " + std::to_string(p.args.size()) + " provided");
    }
    if (fn == "count") {
      p.what = kind::count;
      p.type = protocol::data_type::of(type_id::bigint);
      return p;
    }
    p.type = p.args[0].type;
    if (fn == "min" || fn == "max") {
      p.what = fn == "min" ? kind::min : kind::max;
      return p;
    }
    const type_id id = p.type.id;
    if (!is_numeric(id) || id == type_id::decimal) {
      return invalid_request("Invalid call to function system." + fn +
                             ", none of its type signatures match (got " +
                             protocol::to_cql(p.type) + ")");
    }
    if (id == type_id::counter) p.type = protocol::data_type::of(type_id::bigint);
    p.what = fn == "sum" ? kind::sum : kind::avg;
    return p;
  }
  if (p.args.empty()) {
    auto r = nullary_function(fn);
    if (!r) return invalid_request("Unknown function " + fn + " called in selection clause");
    p.what = kind::scalar;
    p.function = fn;
    p.type = protocol::data_type::of(*r);
    return p;
  }
  auto rt = scalar_result_type(fn, p.args);
  if (!rt) return rt.error();
  p.what = kind::scalar;
  p.function = fn;
  p.type = std::move(*rt);
  return p;
}

sim_result<selector_plan> plan_selector(const table_def& t, const selector& sel, binder* b) {
  selector_plan p;
  switch (sel.what) {
    case selector::kind::column: {
      auto ci = find_column(t, sel.name);
      if (!ci) return ci.error();
      p.what = kind::column;
      p.column = *ci;
      p.type = t.columns[*ci].type;
      p.name = t.columns[*ci].name;
      return p;
    }
    case selector::kind::star:
      p.what = kind::count_rows;
      p.type = protocol::data_type::of(type_id::bigint);
      p.name = "count";
      return p;
    case selector::kind::function:
      return plan_function(t, sel, b);
    case selector::kind::cast: {
      if (sel.args.size() != 1 || sel.cast_type.size() != 1) return invalid_request("Invalid CAST");
      auto arg = plan_selector(t, sel.args[0], b);
      if (!arg) return arg.error();
      auto target = native_type(sel.cast_type[0].name);
      if (!target) {
        return invalid_request("Invalid CAST target type " + sel.cast_type[0].name);
      }
      const type_id from = arg->type.id;
      const bool to_text = *target == type_id::varchar || *target == type_id::ascii;
      if (!(from == *target || to_text || (is_numeric(from) && is_numeric(*target)))) {
        return invalid_request(arg->name + " cannot be cast to " + sel.cast_type[0].name);
      }
      p.what = kind::cast;
      p.type = protocol::data_type::of(*target);
      p.name = "cast(" + arg->name + " as " + sel.cast_type[0].name + ")";
      p.args.push_back(std::move(*arg));
      return p;
    }
    case selector::kind::field: {
      if (sel.args.size() != 1) return invalid_request("Invalid field selection");
      auto base = plan_selector(t, sel.args[0], b);
      if (!base) return base.error();
      if (base->type.id != type_id::udt) {
        return invalid_request("Invalid field selection: " + base->name + " of type " +
                               protocol::to_cql(base->type) + " is not a user type");
      }
      const auto& names = base->type.field_names;
      auto it = std::find(names.begin(), names.end(), sel.field);
      if (it == names.end()) {
        return invalid_request(base->type.udt_name + " has no field " + sel.field);
      }
      p.what = kind::field;
      p.field = static_cast<std::size_t>(it - names.begin());
      p.type = base->type.params[p.field];
      p.name = base->name + "." + sel.field;
      p.args.push_back(std::move(*base));
      return p;
    }
    case selector::kind::term: {
      if (sel.literal.empty()) return invalid_request("Invalid selector");
      p.what = kind::literal;
      p.literal = &sel.literal[0];
      p.type = literal_type(sel.literal[0]);
      p.name = literal_name(sel.literal[0]);
      if (b != nullptr) b->bind(sel.literal[0], spec_named(t, p.name, p.type));
      return p;
    }
  }
  return invalid_request("Invalid selector");
}

void mark_needed(const selector_plan& p, std::vector<bool>& needed, const table_def& t,
                 bool& reads_static, bool& reads_other) {
  if (p.what == kind::column || p.what == kind::writetime || p.what == kind::ttl) {
    needed[p.column] = true;
    const auto k = t.columns[p.column].kind;
    if (k == column_kind::static_) reads_static = true;
    if (k == column_kind::clustering || k == column_kind::regular) reads_other = true;
  }
  for (const auto& a : p.args) mark_needed(a, needed, t, reads_static, reads_other);
}

}  // namespace

sim_result<selection_plan> plan_selection(const table_def& t, const select_stmt& stmt, binder* b) {
  selection_plan s;
  s.json = stmt.json;
  s.needed.assign(t.columns.size(), false);
  if (stmt.star || stmt.selections.empty()) {
    s = columns_selection(t, [&] {
      std::vector<std::size_t> all(t.columns.size());
      for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
      return all;
    }());
    s.json = stmt.json;
    s.wildcard = true;
    return s;
  }
  bool reads_static = false;
  bool reads_other = false;
  for (const auto& sel : stmt.selections) {
    auto p = plan_selector(t, sel.expr, b);
    if (!p) return p.error();
    mark_needed(*p, s.needed, t, reads_static, reads_other);
    s.aggregate = s.aggregate || p->is_aggregate();
    s.specs.push_back(spec_named(t, sel.alias.empty() ? p->name : sel.alias, p->type));
    s.selectors.push_back(std::move(*p));
  }
  s.only_static = reads_static && !reads_other;
  return s;
}

selection_plan columns_selection(const table_def& t, const std::vector<std::size_t>& columns) {
  selection_plan s;
  s.needed.assign(t.columns.size(), false);
  for (std::size_t i : columns) {
    selector_plan p;
    p.what = kind::column;
    p.column = i;
    p.type = t.columns[i].type;
    p.name = t.columns[i].name;
    s.needed[i] = true;
    s.specs.push_back(spec_of(t, t.columns[i]));
    s.selectors.push_back(std::move(p));
  }
  return s;
}

protocol::rows_metadata result_metadata(const table_def& t, const selection_plan& s) {
  protocol::rows_metadata m;
  if (s.json) {
    m.columns.push_back(spec_named(t, "[json]", protocol::data_type::of(type_id::varchar)));
  } else {
    m.columns = s.specs;
  }
  m.column_count = static_cast<std::int32_t>(m.columns.size());
  m.global_table_spec = !m.columns.empty();
  return m;
}

// ---------------------------------------------------------------------------------------------

namespace {

std::optional<protocol::cql_value> decode_v4(const protocol::data_type& type,
                                             const std::optional<protocol::bytes>& b) {
  if (!b) return std::nullopt;
  auto d = protocol::decode_value(type, protocol::byte_view(*b), protocol::protocol_version::v4);
  if (!d) return std::nullopt;
  return std::move(*d);
}

std::optional<protocol::bytes> encode_v4(const protocol::data_type& type,
                                         const protocol::cql_value& v) {
  if (v.is_null()) return std::nullopt;
  auto b = protocol::encode_value(type, v, protocol::protocol_version::v4);
  if (!b) return std::nullopt;
  return std::move(*b);
}

std::optional<std::int64_t> millis_of(const protocol::cql_value& v) {
  if (const auto* u = std::get_if<protocol::uuid>(&v.v)) return protocol::timeuuid_unix_millis(*u);
  if (const auto* ts = std::get_if<std::int64_t>(&v.v)) return *ts;
  if (const auto* d = std::get_if<std::uint32_t>(&v.v)) {
    return (static_cast<std::int64_t>(*d) - date_epoch) * millis_per_day;
  }
  return std::nullopt;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// A numeric value as int64 (integers, varint in range) or double.
struct number {
  bool floating = false;
  std::int64_t i = 0;
  double d = 0;
};

std::optional<number> to_number(const protocol::cql_value& v) {
  number n;
  if (const auto* a = std::get_if<std::int8_t>(&v.v)) {
    n.i = *a;
  } else if (const auto* b = std::get_if<std::int16_t>(&v.v)) {
    n.i = *b;
  } else if (const auto* c = std::get_if<std::int32_t>(&v.v)) {
    n.i = *c;
  } else if (const auto* d = std::get_if<std::int64_t>(&v.v)) {
    n.i = *d;
  } else if (const auto* e = std::get_if<float>(&v.v)) {
    n.floating = true;
    n.d = *e;
  } else if (const auto* f = std::get_if<double>(&v.v)) {
    n.floating = true;
    n.d = *f;
  } else if (const auto* g = std::get_if<protocol::bytes>(&v.v)) {
    auto i = protocol::varint_to_int64(protocol::byte_view(*g));
    if (!i) return std::nullopt;
    n.i = *i;
  } else {
    return std::nullopt;
  }
  return n;
}

protocol::cql_value from_number(type_id id, const number& n) {
  const auto as_int = n.floating ? static_cast<std::int64_t>(n.d) : n.i;
  const double as_double = n.floating ? n.d : static_cast<double>(n.i);
  switch (id) {
    case type_id::tinyint: return {static_cast<std::int8_t>(as_int)};
    case type_id::smallint: return {static_cast<std::int16_t>(as_int)};
    case type_id::int_: return {static_cast<std::int32_t>(as_int)};
    case type_id::bigint:
    case type_id::counter: return {as_int};
    case type_id::float_: return {static_cast<float>(as_double)};
    case type_id::double_: return {as_double};
    case type_id::varint: return {protocol::varint_from_int64(as_int)};
    case type_id::decimal:
      return {protocol::decimal_value{0, protocol::varint_from_int64(as_int)}};
    default: return {};
  }
}

number add_numbers(const number& a, const number& b) {
  number out;
  if (a.floating || b.floating) {
    out.floating = true;
    out.d = (a.floating ? a.d : static_cast<double>(a.i)) + (b.floating ? b.d : static_cast<double>(b.i));
  } else {
    out.i = static_cast<std::int64_t>(static_cast<std::uint64_t>(a.i) + static_cast<std::uint64_t>(b.i));
  }
  return out;
}

std::string text_of(const protocol::data_type& type, const protocol::cql_value& v) {
  if (const auto* s = std::get_if<std::string>(&v.v)) return *s;
  std::string j = sim::to_json(type, v);
  if (j.size() >= 2 && j.front() == '"' && j.back() == '"') return j.substr(1, j.size() - 2);
  return j;
}

}  // namespace

row_builder::row_builder(const table_def& t, const selection_plan& s, const request& rq)
    : t_(t), s_(s), rq_(rq), acc_(s.selectors.size()) {}

namespace {

std::optional<protocol::bytes> evaluate_selector(const selector_plan& p, const table_def& t,
                                                 const fetched_row& r, const request& rq) {
  switch (p.what) {
    case kind::column: {
      const auto* b = p.column < r.cells.size() ? r.cells[p.column].get() : nullptr;
      if (b == nullptr) return std::nullopt;
      return *b;
    }
    case kind::writetime: {
      const auto& c = r.cells[p.column];
      if (!c.present() || c.writetime == store::no_timestamp) return std::nullopt;
      return protocol::encode_bigint(c.writetime);
    }
    case kind::ttl: {
      const auto& c = r.cells[p.column];
      if (!c.present() || c.ttl == 0) return std::nullopt;
      return protocol::encode_int(c.expiry - rq.now_seconds);
    }
    case kind::token: {
      if (r.part == nullptr) return std::nullopt;
      auto key = protocol::routing_key(r.part->key_components);
      if (!key) return std::nullopt;
      return protocol::encode_bigint(protocol::murmur3_token(protocol::byte_view(*key)));
    }
    case kind::scalar: {
      if (p.args.empty()) {
        term fn;
        fn.kind = term_kind::function;
        fn.text = p.function;
        auto v = sim::evaluate(fn, p.type, p.name, rq.eval());
        if (!v) return std::nullopt;
        return encode_v4(p.type, v->value);
      }
      auto arg = evaluate_selector(p.args[0], t, r, rq);
      if (!arg) return std::nullopt;
      const auto& f = p.function;
      if (f.size() > 6 && f.substr(0, 6) == "blobas") {
        auto check = protocol::decode_value(p.type, protocol::byte_view(*arg),
                                            protocol::protocol_version::v4);
        if (!check) return std::nullopt;
        return arg;
      }
      if (f.size() > 6 && f.substr(f.size() - 6) == "asblob") return arg;
      auto v = decode_v4(p.args[0].type, arg);
      if (!v) return std::nullopt;
      if (f == "tojson") return protocol::encode_text(sim::to_json(p.args[0].type, *v));
      if (f == "mintimeuuid" || f == "maxtimeuuid") {
        auto ms = millis_of(*v);
        if (!ms) return std::nullopt;
        term call;
        call.kind = term_kind::function;
        call.text = f;
        term arg_term;
        arg_term.kind = term_kind::integer;
        arg_term.text = std::to_string(*ms);
        call.items.push_back(std::move(arg_term));
        auto out = sim::evaluate(call, p.type, p.name, rq.eval());
        if (!out) return std::nullopt;
        return encode_v4(p.type, out->value);
      }
      auto ms = millis_of(*v);
      if (!ms) return std::nullopt;
      if (p.type.id == type_id::date) {
        return encode_v4(p.type, protocol::cql_value{static_cast<std::uint32_t>(
                                     floor_div(*ms, millis_per_day) + date_epoch)});
      }
      return protocol::encode_bigint(*ms);  // timestamp and bigint share the encoding
    }
    case kind::cast: {
      auto arg = evaluate_selector(p.args[0], t, r, rq);
      auto v = decode_v4(p.args[0].type, arg);
      if (!v || v->is_empty()) return arg;
      if (p.type.id == p.args[0].type.id) return arg;
      if (p.type.id == type_id::varchar || p.type.id == type_id::ascii) {
        return protocol::encode_text(text_of(p.args[0].type, *v));
      }
      auto n = to_number(*v);
      if (!n) return std::nullopt;
      return encode_v4(p.type, from_number(p.type.id, *n));
    }
    case kind::field: {
      auto base = decode_v4(p.args[0].type, evaluate_selector(p.args[0], t, r, rq));
      if (!base) return std::nullopt;
      const auto* fields = std::get_if<protocol::cql_list>(&base->v);
      if (fields == nullptr || p.field >= fields->size()) return std::nullopt;
      return encode_v4(p.type, (*fields)[p.field]);
    }
    case kind::literal: {
      auto v = sim::evaluate(*p.literal, p.type, p.name, rq.eval());
      if (!v || v->unset) return std::nullopt;
      return encode_v4(p.type, v->value);
    }
    default:
      return std::nullopt;  // aggregates are accumulated, not evaluated per row
  }
}

}  // namespace

void row_builder::add(const fetched_row& r) {
  if (!s_.aggregate) {
    std::vector<std::optional<protocol::bytes>> out;
    out.reserve(s_.selectors.size());
    for (const auto& p : s_.selectors) out.push_back(evaluate_selector(p, t_, r, rq_));
    rows_.push_back(std::move(out));
    return;
  }
  for (std::size_t i = 0; i < s_.selectors.size(); ++i) {
    const auto& p = s_.selectors[i];
    auto& a = acc_[i];
    switch (p.what) {
      case kind::count_rows:
        ++a.count;
        break;
      case kind::count:
        if (evaluate_selector(p.args[0], t_, r, rq_)) ++a.count;
        break;
      case kind::min:
      case kind::max: {
        auto v = decode_v4(p.args[0].type, evaluate_selector(p.args[0], t_, r, rq_));
        if (!v || v->is_null()) break;
        if (!a.best) {
          a.best = std::move(*v);
        } else {
          const int c = sim::compare(p.type, *v, *a.best);
          if ((p.what == kind::min && c < 0) || (p.what == kind::max && c > 0)) a.best = std::move(*v);
        }
        break;
      }
      case kind::sum:
      case kind::avg: {
        auto v = decode_v4(p.args[0].type, evaluate_selector(p.args[0], t_, r, rq_));
        if (!v || v->is_null()) break;
        auto n = to_number(*v);
        if (!n) break;
        auto cur = to_number(a.sum);
        const number total = cur ? add_numbers(*cur, *n) : *n;
        a.sum = total.floating ? protocol::cql_value{total.d} : protocol::cql_value{total.i};
        ++a.count;
        break;
      }
      default:
        if (!a.first_set) {
          a.first_set = true;
          a.first = evaluate_selector(p, t_, r, rq_);
        }
        break;
    }
  }
}

std::vector<std::vector<std::optional<protocol::bytes>>> row_builder::finish() {
  if (s_.aggregate) {
    std::vector<std::optional<protocol::bytes>> out;
    for (std::size_t i = 0; i < s_.selectors.size(); ++i) {
      const auto& p = s_.selectors[i];
      const auto& a = acc_[i];
      switch (p.what) {
        case kind::count_rows:
        case kind::count:
          out.push_back(protocol::encode_bigint(a.count));
          break;
        case kind::min:
        case kind::max:
          out.push_back(a.best ? encode_v4(p.type, *a.best) : std::nullopt);
          break;
        case kind::sum:
        case kind::avg: {
          number total;
          if (auto n = to_number(a.sum)) total = *n;
          if (p.what == kind::avg && a.count > 0) {
            if (total.floating) {
              total.d /= static_cast<double>(a.count);
            } else if (p.type.id == type_id::float_ || p.type.id == type_id::double_) {
              total.floating = true;
              total.d = static_cast<double>(total.i) / static_cast<double>(a.count);
            } else {
              total.i /= a.count;
            }
          }
          out.push_back(encode_v4(p.type, from_number(p.type.id, total)));
          break;
        }
        default:
          out.push_back(a.first);
          break;
      }
    }
    rows_.clear();
    rows_.push_back(std::move(out));
  }
  if (s_.json) {
    for (auto& row : rows_) {
      std::string json = "{";
      for (std::size_t i = 0; i < row.size() && i < s_.specs.size(); ++i) {
        if (i > 0) json += ", ";
        std::string name = s_.specs[i].name;
        bool lower = std::none_of(name.begin(), name.end(),
                                  [](char c) { return c >= 'A' && c <= 'Z'; });
        if (!lower) name = "\"" + name + "\"";
        json += sim::to_json(protocol::data_type::of(type_id::varchar), protocol::cql_value{name});
        json += ": ";
        auto v = decode_v4(s_.specs[i].type, row[i]);
        json += v ? sim::to_json(s_.specs[i].type, *v) : "null";
      }
      json += "}";
      row.clear();
      row.push_back(protocol::encode_text(json));
    }
    return std::move(rows_);
  }
  if (!protocol::has_int_collection_sizes(rq_.version())) {
    for (auto& row : rows_) {
      for (std::size_t i = 0; i < row.size() && i < s_.specs.size(); ++i) {
        if (row[i]) row[i] = for_version(s_.specs[i].type, *row[i], rq_.version());
      }
    }
  }
  return std::move(rows_);
}

}  // namespace cqlshift::sim::exec
