#include "cqlshift/proxy/virtual_tables.hpp"

#include "cqlshift/cql/lexer.hpp"
#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/md5.hpp"
#include "cqlshift/protocol/timeuuid.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <utility>

namespace cqlshift::proxy {

namespace {

using protocol::bytes;
using protocol::column_spec;
using protocol::cql_value;
using protocol::data_type;
using protocol::protocol_version;
using protocol::type_id;
using cell = std::optional<bytes>;
using row = std::vector<cell>;

constexpr std::string_view system_keyspace = "system";
constexpr std::string_view proxy_rack = "rack0";
constexpr std::string_view murmur3_partitioner = "org.apache.cassandra.dht.Murmur3Partitioner";

// ---------------------------------------------------------------------------------------------
// The tables.

column_spec spec(std::string_view table, std::string_view name, data_type type) {
  return {std::string(system_keyspace), std::string(table), std::string(name), std::move(type)};
}

data_type text_type() {
  return data_type::of(type_id::varchar);  // what Cassandra sends for text columns
}

// Cassandra 4.1's columns, in its `*` order (as cqlsim's system_keyspaces.cpp defines them).
// system.local uses them for what the real row lacks; system.peers is exactly this.
std::vector<column_spec> local_schema() {
  const auto inet = data_type::of(type_id::inet);
  const auto integer = data_type::of(type_id::int_);
  const auto uuid = data_type::of(type_id::uuid);
  const auto text = text_type();
  return {spec("local", "key", text),
          spec("local", "bootstrapped", text),
          spec("local", "broadcast_address", inet),
          spec("local", "broadcast_port", integer),
          spec("local", "cluster_name", text),
          spec("local", "cql_version", text),
          spec("local", "data_center", text),
          spec("local", "gossip_generation", integer),
          spec("local", "host_id", uuid),
          spec("local", "listen_address", inet),
          spec("local", "listen_port", integer),
          spec("local", "native_protocol_version", text),
          spec("local", "partitioner", text),
          spec("local", "rack", text),
          spec("local", "release_version", text),
          spec("local", "rpc_address", inet),
          spec("local", "rpc_port", integer),
          spec("local", "schema_version", uuid),
          spec("local", "tokens", data_type::set_of(text)),
          spec("local", "truncated_at", data_type::map_of(uuid, data_type::of(type_id::blob)))};
}

std::vector<column_spec> peers_schema() {
  const auto inet = data_type::of(type_id::inet);
  const auto uuid = data_type::of(type_id::uuid);
  const auto text = text_type();
  return {spec("peers", "peer", inet),
          spec("peers", "data_center", text),
          spec("peers", "host_id", uuid),
          spec("peers", "preferred_ip", inet),
          spec("peers", "rack", text),
          spec("peers", "release_version", text),
          spec("peers", "rpc_address", inet),
          spec("peers", "schema_version", uuid),
          spec("peers", "tokens", data_type::set_of(text))};
}

std::optional<std::size_t> find_column(const std::vector<column_spec>& columns,
                                       std::string_view name) {
  for (std::size_t k = 0; k < columns.size(); ++k)
    if (columns[k].name == name) return k;
  return std::nullopt;
}

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

cql_value inet_value(const std::string& address) {
  unsigned char buf[16];
  protocol::inet out;
  if (::inet_pton(AF_INET, address.c_str(), buf) == 1) {
    out.address.assign(buf, buf + 4);
  } else if (::inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    out.address.assign(buf, buf + 16);
  } else {
    return cql_value::null();  // not an IP literal: config validation should have said so
  }
  return cql_value{std::move(out)};
}

// set<text> of the decimal tokens in text order, the order Cassandra stores a set<text> in.
cql_value tokens_value(const std::vector<std::int64_t>& tokens) {
  std::vector<std::string> texts;
  texts.reserve(tokens.size());
  for (std::int64_t t : tokens)
    texts.push_back(std::to_string(t));
  std::sort(texts.begin(), texts.end());
  protocol::cql_list out;
  out.reserve(texts.size());
  for (auto& t : texts)
    out.push_back(cql_value{std::move(t)});
  return cql_value{std::move(out)};
}

// The proxy's own value for a column of an instance's row, nullopt for a column copied from
// the real row. Port columns get the proxy's port: only the native port matters to drivers, and
// the internode ones have no meaning for a proxy. native_address / native_transport_address
// are DSE's spelling of rpc_address.
std::optional<cql_value> proxy_value(std::string_view column, const proxy_instance& instance,
                                     std::uint16_t port) {
  if (column == "key") return cql_value{std::string("local")};
  if (is_one_of(column, {"peer", "preferred_ip", "broadcast_address", "listen_address",
                         "rpc_address", "native_address", "native_transport_address"})) {
    return inet_value(instance.address);
  }
  if (is_one_of(column, {"broadcast_port", "listen_port", "rpc_port", "native_port",
                         "native_transport_port"})) {
    return cql_value{static_cast<std::int32_t>(port)};
  }
  if (column == "host_id") return cql_value{instance.host_id};
  if (column == "tokens") return tokens_value(instance.tokens);
  if (column == "rack") return cql_value{std::string(proxy_rack)};
  if (column == "partitioner") return cql_value{std::string(murmur3_partitioner)};
  return std::nullopt;
}

// Encoded for the column's own type, so a real row that types a column differently still
// gets a value its metadata describes; a value that does not fit the type is null.
cell encode_cell(const data_type& type, const cql_value& val, protocol_version v) {
  auto encoded = protocol::encode_as_value(type, val, v);
  if (!encoded || encoded->kind != protocol::value_kind::set) return std::nullopt;
  return std::move(encoded->data);
}

bool is_collection(type_id id) {
  return id == type_id::list || id == type_id::set || id == type_id::map;
}

// A copied value, re-encoded for a v2 client whose collections have [short] sizes.
cell copy_cell(const data_type& type, const cell& real, protocol_version v) {
  if (!real || protocol::has_int_collection_sizes(v) || !is_collection(type.id)) return real;
  auto decoded = protocol::decode_value(type, *real, protocol_version::v4);
  if (!decoded) return std::nullopt;
  return encode_cell(type, *decoded, v);
}

const cell* real_value(const local_row& real, const column_spec& column, bool same_type) {
  static const cell missing;
  for (std::size_t k = 0; k < real.columns.size() && k < real.values.size(); ++k) {
    if (real.columns[k].name != column.name) continue;
    if (same_type && real.columns[k].type != column.type) return &missing;
    return &real.values[k];
  }
  return &missing;
}

struct virtual_table {
  std::string name;
  std::vector<column_spec> columns;
  std::size_t partition_key = 0;
  std::vector<row> rows;
};

row instance_row(const std::vector<column_spec>& columns, const proxy_instance& instance,
                 const proxy_topology& topo, const local_row& real, bool same_type,
                 protocol_version v) {
  row r;
  r.reserve(columns.size());
  for (const auto& c : columns) {
    if (auto own = proxy_value(c.name, instance, topo.port)) {
      r.push_back(encode_cell(c.type, *own, v));
    } else {
      r.push_back(copy_cell(c.type, *real_value(real, c, same_type), v));
    }
  }
  return r;
}

// Every column of the real row with its type (drivers of that cluster expect them), then the
// Cassandra 4.1 columns it lacks.
virtual_table local_table(const proxy_topology& topo, const local_row& real, protocol_version v) {
  virtual_table t{"local", {}, 0, {}};
  for (const auto& c : real.columns)
    t.columns.push_back(spec("local", c.name, c.type));
  for (auto& c : local_schema())
    if (!find_column(t.columns, c.name)) t.columns.push_back(std::move(c));
  t.partition_key = find_column(t.columns, "key").value_or(0);
  if (topo.self < topo.instances.size()) {
    t.rows.push_back(instance_row(t.columns, topo.instances[topo.self], topo, real, false, v));
  }
  return t;
}

virtual_table peers_table(const proxy_topology& topo, const local_row& real, protocol_version v) {
  virtual_table t{"peers", peers_schema(), 0, {}};
  for (std::size_t i = 0; i < topo.instances.size(); ++i) {
    if (i == topo.self) continue;
    t.rows.push_back(instance_row(t.columns, topo.instances[i], topo, real, true, v));
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// The statement.

cql_failure invalid(std::string message) {
  return {cql_error_code::invalid, std::move(message)};
}

cql_failure unsupported(std::string_view what) {
  return invalid("cqlshift does not support " + std::string(what) +
                 " in queries of system.local and system.peers");
}

struct raw_selector {
  bool count = false;
  std::string column;
  std::string alias;
};

struct raw_condition {
  std::string column;
  cql::token term;
  std::optional<std::size_t> marker;
};

struct raw_select {
  bool star = false;
  std::vector<raw_selector> selectors;
  std::string keyspace;
  std::string table;
  std::vector<raw_condition> where;
  std::optional<cql::token> limit;
  std::optional<std::size_t> limit_marker;
  std::size_t marker_count = 0;
};

bool is_name(const cql::token& t) {
  return t.kind == cql::token_kind::identifier || t.kind == cql::token_kind::quoted_identifier;
}

bool is_marker(const cql::token& t) {
  return t.kind == cql::token_kind::positional_marker || t.kind == cql::token_kind::named_marker;
}

// A recursive-descent reader of the one statement shape these tables support. Failures are
// returned, never thrown; the token list always ends with an end token, so peek() is safe.
class select_reader {
 public:
  select_reader(std::string_view cql, std::vector<cql::token> tokens)
      : cql_(cql), tokens_(std::move(tokens)) {}

  std::variant<raw_select, cql_failure> read() {
    raw_select out;
    if (!keyword("select")) return syntax_error();
    if (peek().is_keyword("distinct") || peek().is_keyword("json")) {
      return unsupported("SELECT " + peek().text);
    }
    if (auto f = read_selection(out)) return *f;
    if (!keyword("from")) return syntax_error();
    if (auto f = read_table(out)) return *f;
    if (keyword("where")) {
      if (auto f = read_where(out)) return *f;
    }
    if (peek().is_keyword("order")) return unsupported("ORDER BY");
    if (peek().is_keyword("group")) return unsupported("GROUP BY");
    if (peek().is_keyword("per")) return unsupported("PER PARTITION LIMIT");
    if (keyword("limit")) {
      if (auto f = read_limit(out)) return *f;
    }
    if (keyword("allow") && !keyword("filtering")) return syntax_error();
    symbol(";");
    if (peek().kind != cql::token_kind::end) return syntax_error();
    return out;
  }

 private:
  const cql::token& peek() const { return tokens_[pos_]; }
  const cql::token& take() {
    const cql::token& t = tokens_[pos_];
    if (t.kind != cql::token_kind::end) ++pos_;
    return t;
  }
  bool keyword(std::string_view lower) {
    if (!peek().is_keyword(lower)) return false;
    take();
    return true;
  }
  bool symbol(std::string_view s) {
    if (!peek().is_punctuation(s)) return false;
    take();
    return true;
  }

  // Cassandra's wording: "line 1:14 no viable alternative at input 'x'".
  cql_failure syntax_error() const {
    const cql::token& t = peek();
    std::size_t line = 1;
    std::size_t column = 0;
    for (std::size_t k = 0; k < t.offset && k < cql_.size(); ++k) {
      if (cql_[k] == '\n') {
        ++line;
        column = 0;
      } else {
        ++column;
      }
    }
    const std::string input =
        t.kind == cql::token_kind::end ? "<EOF>" : std::string(t.source(cql_));
    return {cql_error_code::syntax_error, "line " + std::to_string(line) + ":" +
                                              std::to_string(column) +
                                              " no viable alternative at input '" + input + "'"};
  }

  std::optional<cql_failure> read_selection(raw_select& out) {
    if (symbol("*")) {
      out.star = true;
      return std::nullopt;
    }
    do {
      if (!is_name(peek())) return syntax_error();
      const cql::token& name = take();
      raw_selector s;
      if (peek().is_punctuation("(")) {
        if (name.kind != cql::token_kind::identifier || !name.is_keyword("count")) {
          return unsupported("the function " + name.text + "()");
        }
        take();
        const bool counts_rows =
            symbol("*") || (peek().kind == cql::token_kind::integer && take().text == "1");
        if (!counts_rows) return unsupported("count() of a column");
        if (!symbol(")")) return syntax_error();
        s.count = true;
      } else {
        s.column = name.name();
      }
      if (keyword("as")) {
        if (!is_name(peek())) return syntax_error();
        s.alias = take().name();
      }
      out.selectors.push_back(std::move(s));
    } while (symbol(","));
    return std::nullopt;
  }

  std::optional<cql_failure> read_table(raw_select& out) {
    if (!is_name(peek())) return syntax_error();
    out.table = take().name();
    if (symbol(".")) {
      if (!is_name(peek())) return syntax_error();
      out.keyspace = std::exchange(out.table, take().name());
    }
    return std::nullopt;
  }

  std::optional<cql_failure> read_where(raw_select& out) {
    do {
      if (!is_name(peek())) {
        return peek().is_punctuation("(") ? unsupported("multi-column restrictions")
                                          : syntax_error();
      }
      raw_condition c;
      c.column = take().name();
      if (peek().is_punctuation("(")) return unsupported("functions in WHERE");
      if (!symbol("=")) {
        if (peek().kind == cql::token_kind::end) return syntax_error();
        return unsupported("the operator " + peek().text);
      }
      switch (peek().kind) {
        case cql::token_kind::string:
        case cql::token_kind::integer:
        case cql::token_kind::floating:
        case cql::token_kind::uuid:
        case cql::token_kind::hex_blob:
        case cql::token_kind::duration:
          break;
        case cql::token_kind::positional_marker:
        case cql::token_kind::named_marker:
          c.marker = out.marker_count++;
          break;
        case cql::token_kind::identifier:
          return unsupported("the term " + peek().text);
        default:
          return syntax_error();
      }
      c.term = take();
      out.where.push_back(std::move(c));
    } while (keyword("and"));
    return std::nullopt;
  }

  std::optional<cql_failure> read_limit(raw_select& out) {
    if (peek().kind != cql::token_kind::integer && !is_marker(peek())) return syntax_error();
    if (is_marker(peek())) out.limit_marker = out.marker_count++;
    out.limit = take();
    return std::nullopt;
  }

  std::string_view cql_;
  std::vector<cql::token> tokens_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The statement resolved against its table.

std::string_view constant_kind(cql::token_kind k) {
  switch (k) {
    case cql::token_kind::string:
      return "STRING";
    case cql::token_kind::integer:
      return "INTEGER";
    case cql::token_kind::floating:
      return "FLOAT";
    case cql::token_kind::uuid:
      return "UUID";
    case cql::token_kind::hex_blob:
      return "HEX";
    case cql::token_kind::duration:
      return "DURATION";
    default:
      return "CONSTANT";
  }
}

template <class T>
std::optional<T> parse_integer(std::string_view text) {
  T out{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return out;
}

// The bytes of a literal compared with a column of type `t`, nullopt when the literal cannot
// be one. Only the types of these tables' columns.
cell literal_bytes(const data_type& t, const cql::token& tok) {
  using cql::token_kind;
  switch (t.id) {
    case type_id::ascii:
    case type_id::text:
    case type_id::varchar:
      if (tok.kind == token_kind::string) return bytes(tok.text.begin(), tok.text.end());
      return std::nullopt;
    case type_id::inet: {
      if (tok.kind != token_kind::string) return std::nullopt;
      const cql_value inet = inet_value(tok.text);
      if (inet.is_null()) return std::nullopt;
      return std::get<protocol::inet>(inet.v).address;
    }
    case type_id::uuid:
    case type_id::timeuuid: {
      if (tok.kind != token_kind::uuid) return std::nullopt;
      const auto u = protocol::parse_uuid(tok.text);
      if (!u) return std::nullopt;
      return protocol::encode_uuid(*u);
    }
    case type_id::int_: {
      const auto n =
          tok.kind == token_kind::integer ? parse_integer<std::int32_t>(tok.text) : std::nullopt;
      if (!n) return std::nullopt;
      return protocol::encode_int(*n);
    }
    case type_id::bigint: {
      const auto n =
          tok.kind == token_kind::integer ? parse_integer<std::int64_t>(tok.text) : std::nullopt;
      if (!n) return std::nullopt;
      return protocol::encode_bigint(*n);
    }
    default:
      return std::nullopt;
  }
}

struct output {
  std::optional<std::size_t> column;  // nullopt: count(*)
};

struct condition {
  std::size_t column = 0;
  cell literal;
  std::optional<std::size_t> marker;
};

struct select_plan {
  virtual_table table;
  std::vector<output> outputs;
  std::vector<column_spec> result_columns;
  std::vector<condition> conditions;
  std::optional<std::int32_t> limit;
  std::optional<std::size_t> limit_marker;
  std::vector<column_spec> variables;  // one per marker, in order
  std::optional<std::uint16_t> partition_key_marker;
  bool aggregate = false;
};

std::variant<raw_select, cql_failure> read_select(std::string_view cql) {
  auto tokens = cql::tokenize(cql);
  if (!tokens) return cql_failure{cql_error_code::syntax_error, tokens.error().message()};
  return select_reader(cql, std::move(*tokens)).read();
}

std::optional<cql_failure> resolve_selection(const raw_select& raw, select_plan& plan) {
  const auto& columns = plan.table.columns;
  if (raw.star) {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      plan.outputs.push_back({k});
      plan.result_columns.push_back(columns[k]);
    }
    return std::nullopt;
  }
  for (const auto& s : raw.selectors) {
    if (s.count) {
      plan.aggregate = true;
      plan.outputs.push_back({std::nullopt});
      plan.result_columns.push_back(spec(plan.table.name, s.alias.empty() ? "count" : s.alias,
                                         data_type::of(type_id::bigint)));
      continue;
    }
    const auto k = find_column(columns, s.column);
    if (!k) return invalid("Undefined column name " + s.column);
    plan.outputs.push_back({*k});
    plan.result_columns.push_back(
        spec(plan.table.name, s.alias.empty() ? s.column : s.alias, columns[*k].type));
  }
  return std::nullopt;
}

std::optional<cql_failure> resolve_restrictions(const raw_select& raw, protocol_version v,
                                                select_plan& plan) {
  const auto& columns = plan.table.columns;
  plan.variables.resize(raw.marker_count);
  for (const auto& c : raw.where) {
    const auto k = find_column(columns, c.column);
    if (!k) return invalid("Undefined column name " + c.column);
    condition cond{*k, std::nullopt, c.marker};
    if (c.marker) {
      plan.variables[*c.marker] = columns[*k];
      if (*k == plan.table.partition_key && protocol::has_pk_indices(v)) {
        plan.partition_key_marker = static_cast<std::uint16_t>(*c.marker);
      }
    } else {
      cond.literal = literal_bytes(columns[*k].type, c.term);
      if (!cond.literal) {
        return invalid("Invalid " + std::string(constant_kind(c.term.kind)) + " constant (" +
                       c.term.text + ") for \"" + c.column + "\" of type " +
                       protocol::to_cql(columns[*k].type));
      }
    }
    plan.conditions.push_back(std::move(cond));
  }
  if (raw.limit_marker) {
    plan.limit_marker = raw.limit_marker;
    plan.variables[*raw.limit_marker] =
        spec(plan.table.name, "[limit]", data_type::of(type_id::int_));
  } else if (raw.limit) {
    plan.limit = parse_integer<std::int32_t>(raw.limit->text);
    if (!plan.limit || *plan.limit <= 0) return invalid("LIMIT must be strictly positive");
  }
  return std::nullopt;
}

std::variant<select_plan, cql_failure> plan_select(std::string_view cql, const proxy_topology& topo,
                                                   const local_row& real, protocol_version v) {
  auto raw_or_failure = read_select(cql);
  if (auto* f = std::get_if<cql_failure>(&raw_or_failure)) return std::move(*f);
  const raw_select& raw = std::get<raw_select>(raw_or_failure);

  select_plan plan;
  if (!raw.keyspace.empty() && raw.keyspace != system_keyspace) {
    return invalid("unconfigured table " + raw.table);
  }
  if (raw.table == "local") {
    plan.table = local_table(topo, real, v);
  } else if (raw.table == "peers") {
    plan.table = peers_table(topo, real, v);
  } else {
    // peers_v2 among others: drivers fall back to system.peers on this INVALID.
    return invalid("unconfigured table " + raw.table);
  }
  if (auto f = resolve_selection(raw, plan)) return std::move(*f);
  if (auto f = resolve_restrictions(raw, v, plan)) return std::move(*f);
  return plan;
}

protocol::rows_metadata result_metadata(const select_plan& plan) {
  protocol::rows_metadata m;
  m.global_table_spec = !plan.result_columns.empty();
  m.column_count = static_cast<std::int32_t>(plan.result_columns.size());
  m.columns = plan.result_columns;
  return m;
}

bool matches(const row& r, const condition& c, std::span<const cell> values) {
  const cell& wanted = c.marker ? values[*c.marker] : c.literal;
  return r[c.column].has_value() && r[c.column] == wanted;
}

std::variant<protocol::rows_result, cql_failure> execute(const select_plan& plan,
                                                         std::span<const cell> values) {
  if (values.size() != plan.variables.size()) {
    return invalid("Invalid amount of bind variables: expected " +
                   std::to_string(plan.variables.size()) + ", got " +
                   std::to_string(values.size()));
  }
  for (const auto& c : plan.conditions) {
    if (c.marker && !values[*c.marker]) {
      return invalid("Invalid null value in condition for column " +
                     plan.table.columns[c.column].name);
    }
  }
  std::optional<std::int32_t> limit = plan.limit;
  if (plan.limit_marker) {
    const cell& bound = values[*plan.limit_marker];
    if (!bound || bound->size() != 4) return invalid("Invalid limit value");
    limit = static_cast<std::int32_t>((std::uint32_t{(*bound)[0]} << 24) |
                                      (std::uint32_t{(*bound)[1]} << 16) |
                                      (std::uint32_t{(*bound)[2]} << 8) | (*bound)[3]);
    if (*limit <= 0) return invalid("LIMIT must be strictly positive");
  }

  std::vector<const row*> selected;
  for (const auto& r : plan.table.rows) {
    const bool keep = std::all_of(plan.conditions.begin(), plan.conditions.end(),
                                  [&](const condition& c) { return matches(r, c, values); });
    if (keep) selected.push_back(&r);
  }

  protocol::rows_result out;
  out.metadata = result_metadata(plan);
  auto project = [&](const row* source) {
    row projected;
    projected.reserve(plan.outputs.size());
    for (const auto& o : plan.outputs) {
      if (!o.column) {
        projected.push_back(protocol::encode_bigint(static_cast<std::int64_t>(selected.size())));
      } else {
        projected.push_back(source ? (*source)[*o.column] : std::nullopt);
      }
    }
    out.rows.push_back(std::move(projected));
  };
  if (plan.aggregate) {
    // One row; plain columns beside count(*) show the first row's values, as in Cassandra.
    project(selected.empty() ? nullptr : selected.front());
  } else {
    const std::size_t n = limit ? std::min<std::size_t>(selected.size(), *limit) : selected.size();
    for (std::size_t k = 0; k < n; ++k)
      project(selected[k]);
  }
  return out;
}

bytes digest_of(protocol::byte_view data) {
  const protocol::md5_digest d = protocol::md5(data);
  return bytes(d.begin(), d.end());
}

}  // namespace

local_row local_row_from(const protocol::rows_result& system_local) {
  local_row out;
  out.columns = system_local.metadata.columns;
  for (auto& c : out.columns) {
    c.keyspace = system_keyspace;
    c.table = "local";
  }
  if (!system_local.rows.empty()) out.values = system_local.rows.front();
  out.values.resize(out.columns.size());
  return out;
}

std::variant<protocol::rows_result, cql_failure> answer_select(
    std::string_view cql, const proxy_topology& topo, const local_row& real,
    protocol::protocol_version v, std::span<const std::optional<protocol::bytes>> values) {
  auto plan = plan_select(cql, topo, real, v);
  if (auto* f = std::get_if<cql_failure>(&plan)) return std::move(*f);
  return execute(std::get<select_plan>(plan), values);
}

std::variant<protocol::prepared_result, cql_failure> prepare_select(std::string_view cql,
                                                                    const proxy_topology& topo,
                                                                    const local_row& real,
                                                                    protocol::protocol_version v) {
  auto planned = plan_select(cql, topo, real, v);
  if (auto* f = std::get_if<cql_failure>(&planned)) return std::move(*f);
  const select_plan& plan = std::get<select_plan>(planned);

  protocol::prepared_result out;
  out.id = digest_of({reinterpret_cast<const std::uint8_t*>(cql.data()), cql.size()});
  out.variables.global_table_spec = !plan.variables.empty();
  out.variables.columns = plan.variables;
  if (plan.partition_key_marker) out.variables.pk_indices.push_back(*plan.partition_key_marker);
  out.result_metadata = result_metadata(plan);
  if (protocol::has_result_metadata_id(v)) {
    // Identifies the result columns, as Cassandra's id does: same columns, same id.
    bytes encoded;
    protocol::writer w(encoded);
    protocol::write_rows_metadata(out.result_metadata, v, w);
    out.result_metadata_id = digest_of(encoded);
  }
  return out;
}

}  // namespace cqlshift::proxy
