// Cassandra's native scalar functions (cql3/functions: TimeFcts, UuidFcts, BytesConversionFcts,
// FromJsonFct, ToJsonFct) with FunctionResolver's overload rules.

#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/sim/values.hpp"
#include "values_impl.hpp"

#include <chrono>
#include <functional>
#include <random>

namespace cqlshift::sim {

namespace detail {

namespace {

using protocol::bytes;

// Runs a function on arguments already of its parameter types.
using implementation =
    std::function<sim_result<cql_value>(const std::vector<cql_value>&, const eval_context&)>;

struct native_function {
  std::string name;  // lower case, without the system keyspace
  std::vector<data_type> args;
  data_type result;
  implementation run;
  // Most native functions give null for a null argument; the time conversions also for an
  // empty one.
  bool null_on_empty = false;
};

constexpr std::int64_t millis_per_day = 86'400'000;
constexpr std::int64_t date_epoch = std::int64_t{1} << 31;
// 100 ns ticks between 1582-10-15 and 1970-01-01.
constexpr std::int64_t uuid_epoch_ticks = 0x01B2'1DD2'1381'4000;

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

protocol::uuid random_uuid() {
  protocol::uuid u{};
  auto& rng = random_engine();
  for (std::size_t k = 0; k < 16; k += 8) {
    std::uint64_t r = rng();
    for (std::size_t j = 0; j < 8; ++j, r >>= 8)
      u[k + j] = static_cast<std::uint8_t>(r);
  }
  u[6] = static_cast<std::uint8_t>((u[6] & 0x0F) | 0x40);
  u[8] = static_cast<std::uint8_t>((u[8] & 0x3F) | 0x80);
  return u;
}

protocol::uuid now_timeuuid(const eval_context& ctx) {
  const std::chrono::system_clock::time_point at{std::chrono::microseconds(ctx.now_micros)};
  if (ctx.timeuuids != nullptr) return ctx.timeuuids->next_at(at);
  thread_local protocol::timeuuid_generator fallback;
  return fallback.next_at(at);
}

// UUIDGen.minTimeUUID / maxTimeUUID: the smallest and largest timeuuid of a millisecond, with
// the clock sequence and node bytes Cassandra uses for them.
protocol::uuid bound_timeuuid(std::int64_t millis, bool max) {
  const auto ticks =
      static_cast<std::uint64_t>(millis * 10'000 + uuid_epoch_ticks + (max ? 9'999 : 0));
  protocol::uuid u{};
  const std::uint64_t msb = ((ticks & 0xFFFF'FFFF) << 32) | (((ticks >> 32) & 0xFFFF) << 16) |
                            0x1000 | ((ticks >> 48) & 0x0FFF);
  for (std::size_t k = 0; k < 8; ++k) {
    u[k] = static_cast<std::uint8_t>(msb >> (56 - 8 * k));
    u[8 + k] = max ? 0x7F : 0x80;
  }
  return u;
}

// SimpleDateSerializer.timeInMillisToDay: Duration.ofMillis(ms).toDays() truncates toward zero.
std::uint32_t day_of(std::int64_t millis) {
  const std::int64_t seconds = millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000);
  return static_cast<std::uint32_t>(seconds / 86'400 + date_epoch);
}

std::int64_t millis_of_day(std::uint32_t raw) {
  return (std::int64_t{raw} - date_epoch) * millis_per_day;
}

std::int64_t uuid_millis(const protocol::uuid& u) {
  // UUIDGen.unixTimestamp: Java's division truncates toward zero.
  return (protocol::timeuuid_ticks(u) - uuid_epoch_ticks) / 10'000;
}

template <class T>
const T& arg(const std::vector<cql_value>& a, std::size_t k) {
  return std::get<T>(a[k].v);
}

data_type type(type_id id) {
  return data_type::of(id);
}

std::string signature(const native_function& f) {
  std::string out = "system." + f.name + " : (";
  for (std::size_t k = 0; k < f.args.size(); ++k) {
    if (k) out += ", ";
    out += cql_type_name(f.args[k]);
  }
  return out + ") -> " + cql_type_name(f.result);
}

void add_time_functions(std::vector<native_function>& fs) {
  const data_type timeuuid = type(type_id::timeuuid);
  const data_type timestamp = type(type_id::timestamp);
  const data_type date = type(type_id::date);
  const data_type bigint = type(type_id::bigint);
  for (const char* name : {"now", "currenttimeuuid"}) {
    fs.push_back(
        {name, {}, timeuuid, [](const auto&, const eval_context& ctx) -> sim_result<cql_value> {
           return cql_value{now_timeuuid(ctx)};
         }});
  }
  fs.push_back({"currenttimestamp",
                {},
                timestamp,
                [](const auto&, const eval_context& ctx) -> sim_result<cql_value> {
                  return cql_value{ctx.now_micros >= 0 ? ctx.now_micros / 1000
                                                       : -((-ctx.now_micros + 999) / 1000)};
                }});
  fs.push_back(
      {"currentdate", {}, date, [](const auto&, const eval_context& ctx) -> sim_result<cql_value> {
         const std::int64_t ms = ctx.now_micros / 1000;
         return cql_value{day_of(ms)};
       }});
  fs.push_back({"currenttime",
                {},
                type(type_id::time),
                [](const auto&, const eval_context& ctx) -> sim_result<cql_value> {
                  constexpr std::int64_t micros_per_day = 86'400'000'000;
                  const std::int64_t in_day =
                      ((ctx.now_micros % micros_per_day) + micros_per_day) % micros_per_day;
                  return cql_value{in_day * 1000};
                }});
  fs.push_back({"uuid",
                {},
                type(type_id::uuid),
                [](const auto&, const eval_context&) -> sim_result<cql_value> {
                  return cql_value{random_uuid()};
                }});
  for (const bool max : {false, true}) {
    fs.push_back({max ? "maxtimeuuid" : "mintimeuuid",
                  {timestamp},
                  timeuuid,
                  [max](const auto& a, const eval_context&) -> sim_result<cql_value> {
                    return cql_value{bound_timeuuid(arg<std::int64_t>(a, 0), max)};
                  }});
  }
  const auto uuid_to_millis = [](const auto& a, const eval_context&) -> sim_result<cql_value> {
    return cql_value{uuid_millis(arg<protocol::uuid>(a, 0))};
  };
  const auto uuid_to_date = [](const auto& a, const eval_context&) -> sim_result<cql_value> {
    return cql_value{day_of(uuid_millis(arg<protocol::uuid>(a, 0)))};
  };
  const auto date_to_millis = [](const auto& a, const eval_context&) -> sim_result<cql_value> {
    return cql_value{millis_of_day(arg<std::uint32_t>(a, 0))};
  };
  const auto identity = [](const auto& a, const eval_context&) -> sim_result<cql_value> {
    return a[0];
  };
  fs.push_back({"dateof", {timeuuid}, timestamp, uuid_to_millis, true});
  fs.push_back({"unixtimestampof", {timeuuid}, bigint, uuid_to_millis, true});
  fs.push_back({"todate", {timeuuid}, date, uuid_to_date, true});
  fs.push_back({"totimestamp", {timeuuid}, timestamp, uuid_to_millis, true});
  fs.push_back({"tounixtimestamp", {timeuuid}, bigint, uuid_to_millis, true});
  fs.push_back({"tounixtimestamp", {timestamp}, bigint, identity, true});
  fs.push_back({"todate",
                {timestamp},
                date,
                [](const auto& a, const eval_context&) -> sim_result<cql_value> {
                  return cql_value{day_of(arg<std::int64_t>(a, 0))};
                },
                true});
  fs.push_back({"tounixtimestamp", {date}, bigint, date_to_millis, true});
  fs.push_back({"totimestamp", {date}, timestamp, date_to_millis, true});
}

void add_blob_functions(std::vector<native_function>& fs) {
  static constexpr std::pair<const char*, type_id> natives[] = {
      {"ascii", type_id::ascii},
      {"bigint", type_id::bigint},
      {"boolean", type_id::boolean},
      {"counter", type_id::counter},
      {"date", type_id::date},
      {"decimal", type_id::decimal},
      {"double", type_id::double_},
      {"duration", type_id::duration},
      {"float", type_id::float_},
      {"inet", type_id::inet},
      {"int", type_id::int_},
      {"smallint", type_id::smallint},
      {"text", type_id::varchar},
      {"time", type_id::time},
      {"timestamp", type_id::timestamp},
      {"timeuuid", type_id::timeuuid},
      {"tinyint", type_id::tinyint},
      {"uuid", type_id::uuid},
      {"varint", type_id::varint},
      {"varchar", type_id::varchar},
  };
  const data_type blob = type(type_id::blob);
  for (const auto& [n, id] : natives) {
    const data_type t = type(id);
    const std::string name = n;
    fs.push_back({name + "asblob",
                  {t},
                  blob,
                  [t](const auto& a, const eval_context&) -> sim_result<cql_value> {
                    auto b = protocol::encode_value(t, a[0], protocol::protocol_version::v4);
                    if (!b) return invalid_request("Invalid value for type " + cql_type_name(t));
                    return cql_value{std::move(*b)};
                  }});
    const bool validate = name != "varchar";  // BlobAsVarcharFct does not validate
    fs.push_back({"blobas" + name,
                  {blob},
                  t,
                  [t, name, validate](const auto& a, const eval_context&) -> sim_result<cql_value> {
                    const bytes& b = arg<bytes>(a, 0);
                    if (!validate) {
                      return cql_value{std::string(b.begin(), b.end())};
                    }
                    auto v = protocol::decode_value(t, protocol::byte_view(b),
                                                    protocol::protocol_version::v4);
                    if (!v) {
                      return invalid_request("In call to function system.blobas" + name +
                                             ", value 0x" + format_hex(b) +
                                             " is not a valid binary representation for type " +
                                             cql_type_name(t));
                    }
                    return std::move(*v);
                  }});
  }
}

const std::vector<native_function>& registry() {
  static const std::vector<native_function> functions = [] {
    std::vector<native_function> fs;
    add_time_functions(fs);
    add_blob_functions(fs);
    return fs;
  }();
  return functions;
}

// One argument of a call: a term (in a statement) or a typed value (a selector).
struct call_argument {
  const term* t = nullptr;
  const data_type* type = nullptr;
};

std::string argument_text(const call_argument& a) {
  return a.t != nullptr ? describe_term(*a.t) : cql_type_name(*a.type);
}

assignment test_argument(const call_argument& a, const data_type& param) {
  if (a.t != nullptr) return test_assignment(*a.t, param);
  if (*a.type == param) return assignment::exact;
  return is_value_compatible(param, *a.type) ? assignment::weakly : assignment::not_assignable;
}

bool is_marker(const call_argument& a) {
  return a.t != nullptr && a.t->kind == term_kind::marker;
}

// FunctionResolver.get over the native functions.
sim_result<const native_function*> resolve(std::string_view name,
                                           const std::vector<call_argument>& args) {
  std::vector<const native_function*> candidates;
  for (const auto& f : registry())
    if (f.name == name) candidates.push_back(&f);
  if (candidates.empty())
    return invalid_request("Unknown function " + std::string(name) + " called");
  const std::string qualified = "system." + std::string(name);
  if (candidates.size() == 1) {
    const native_function& f = *candidates[0];
    if (f.args.size() != args.size()) {
      return invalid_request("Invalid number of arguments in call to function " + qualified + ": " +
                             std::to_string(f.args.size()) + " required but " +
                             std::to_string(args.size()) + " provided");
    }
    for (std::size_t k = 0; k < args.size(); ++k) {
      if (is_marker(args[k])) continue;
      if (test_argument(args[k], f.args[k]) == assignment::not_assignable) {
        return invalid_request("Type error: " + argument_text(args[k]) +
                               " cannot be passed as argument " + std::to_string(k) +
                               " of function " + qualified + " of type " +
                               cql_type_name(f.args[k]));
      }
    }
    return &f;
  }
  std::vector<const native_function*> compatible;
  for (const native_function* f : candidates) {
    if (f->args.size() != args.size()) continue;
    assignment result = assignment::exact;
    for (std::size_t k = 0; k < args.size() && result != assignment::not_assignable; ++k) {
      const assignment a =
          is_marker(args[k]) ? assignment::weakly : test_argument(args[k], f->args[k]);
      if (a == assignment::not_assignable || a == assignment::weakly) result = a;
    }
    if (result == assignment::exact) return f;
    if (result == assignment::weakly) compatible.push_back(f);
  }
  const auto list = [](const std::vector<const native_function*>& fs) {
    std::string out;
    for (std::size_t k = 0; k < fs.size(); ++k) {
      if (k) out += ", ";
      out += signature(*fs[k]);
    }
    return out;
  };
  if (compatible.empty()) {
    return invalid_request(
        "Invalid call to function " + qualified +
        ", none of its type signatures match (known type signatures: " + list(candidates) + ")");
  }
  if (compatible.size() > 1) {
    return invalid_request("Ambiguous call to function " + qualified +
                           " (can be matched by following signatures: " + list(compatible) +
                           "): use type casts to disambiguate");
  }
  return compatible[0];
}

// The value of `from` as a value of the compatible type `to` (same bytes, read as `to`).
sim_result<cql_value> convert(const data_type& from, const data_type& to, cql_value v) {
  if (from == to || v.is_null()) return v;
  auto b = protocol::encode_value(from, v, protocol::protocol_version::v4);
  if (!b) return invalid_request("Invalid value of type " + cql_type_name(from));
  auto out = protocol::decode_value(to, protocol::byte_view(*b), protocol::protocol_version::v4);
  if (!out) return invalid_request(describe_invalid_value(to, *b, protocol::protocol_version::v4));
  return std::move(*out);
}

sim_result<cql_value> run(const native_function& f, std::vector<cql_value> values,
                          const eval_context& ctx) {
  for (const auto& v : values) {
    // Zero bytes of a type with an empty value: xAsBlob gives an empty blob, the rest null.
    if (v.is_null() || (v.is_empty() && (f.null_on_empty || f.result.id != type_id::blob))) {
      return cql_value::null();
    }
  }
  return f.run(values, ctx);
}

sim_result<cql_value> json_argument_to_value(const data_type& result, const cql_value& text) {
  const auto* s = std::get_if<std::string>(&text.v);
  if (s == nullptr) return cql_value::null();
  auto v = from_json(result, *s, "");
  if (!v) {
    // FunctionExecutionException: the message of the JSON error without its column prefix.
    std::string message = v.error().message;
    const std::string prefix = "Error decoding JSON value for : ";
    if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
    cql_error e{protocol::error_code::function_failure,
                "execution of 'system.fromjson[text]' failed: " + message,
                protocol::function_failure_details{"system", "fromjson", {"text"}}};
    return e;
  }
  return std::move(*v);
}

}  // namespace

sim_result<evaluated> evaluate_function(const term& t, const data_type& receiver,
                                        std::string_view receiver_name, const eval_context& ctx,
                                        int depth) {
  const std::string& name = t.text;
  if (name == "tojson") {
    return invalid_request(
        "toJson() may only be used within the selection clause of SELECT statements");
  }
  if (name == "fromjson") {
    if (t.items.size() != 1) {
      return invalid_request(
          "Invalid number of arguments in call to function system.fromjson: 1 "
          "required but " +
          std::to_string(t.items.size()) + " provided");
    }
    const data_type text = data_type::of(type_id::varchar);
    if (test_assignment(t.items[0], text) == assignment::not_assignable) {
      return invalid_request("Type error: " + describe_term(t.items[0]) +
                             " cannot be passed as argument 0 of function system.fromjson of type "
                             "text");
    }
    auto a = evaluate_at(t.items[0], text, "arg0(system.fromjson)", ctx, depth + 1);
    if (!a) return a.error();
    if (a->unset) {
      return invalid_request("Invalid unset value for argument in call to function fromjson");
    }
    auto v = json_argument_to_value(receiver, a->value);
    if (!v) return v.error();
    return evaluated{std::move(*v), false};
  }
  std::vector<call_argument> args;
  for (const term& item : t.items)
    args.push_back({&item, nullptr});
  auto f = resolve(name, args);
  if (!f) return f.error();
  const native_function& fn = **f;
  if (!(fn.result == receiver) && !is_value_compatible(receiver, fn.result)) {
    return invalid_request("Type error: cannot assign result of function system." + fn.name +
                           " (type " + cql_type_name(fn.result) + ") to " +
                           std::string(receiver_name) + " (type " + cql_type_name(receiver) + ")");
  }
  std::vector<cql_value> values;
  for (std::size_t k = 0; k < t.items.size(); ++k) {
    auto a = evaluate_at(t.items[k], fn.args[k],
                         "arg" + std::to_string(k) + "(system." + fn.name + ")", ctx, depth + 1);
    if (!a) return a.error();
    if (a->unset) {
      return invalid_request("Invalid unset value for argument in call to function " + fn.name);
    }
    values.push_back(std::move(a->value));
  }
  auto result = run(fn, std::move(values), ctx);
  if (!result) return result.error();
  auto converted = convert(fn.result, receiver, std::move(*result));
  if (!converted) return converted.error();
  return evaluated{std::move(*converted), false};
}

std::optional<data_type> function_term_type(const term& t, const data_type& receiver) {
  if (t.text == "fromjson") return receiver;
  if (t.text == "tojson") return data_type::of(type_id::varchar);
  std::vector<call_argument> args;
  for (const term& item : t.items)
    args.push_back({&item, nullptr});
  auto f = resolve(t.text, args);
  if (!f) return std::nullopt;
  return (*f)->result;
}

}  // namespace detail

sim_result<protocol::data_type> function_type(std::string_view name,
                                              std::span<const protocol::data_type> arg_types) {
  if (name == "fromjson") {
    return invalid_request(
        "fromJson() cannot be used in the selection clause of a SELECT statement");
  }
  if (name == "tojson") {
    if (arg_types.size() != 1) {
      return invalid_request("toJson() only accepts one argument");
    }
    return protocol::data_type::of(protocol::type_id::varchar);
  }
  std::vector<detail::call_argument> args;
  for (const auto& t : arg_types)
    args.push_back({nullptr, &t});
  auto f = detail::resolve(name, args);
  if (!f) return f.error();
  return (*f)->result;
}

sim_result<typed_value> apply_function(std::string_view name, std::span<const typed_value> args,
                                       const eval_context& ctx) {
  using protocol::type_id;
  if (name == "tojson" && args.size() == 1) {
    return typed_value{protocol::data_type::of(type_id::varchar),
                       protocol::cql_value{to_json(args[0].type, args[0].value)}};
  }
  std::vector<protocol::data_type> types;
  for (const auto& a : args)
    types.push_back(a.type);
  auto result_type = function_type(name, types);
  if (!result_type) return result_type.error();
  std::vector<detail::call_argument> call_args;
  for (const auto& t : types)
    call_args.push_back({nullptr, &t});
  auto f = detail::resolve(name, call_args);
  if (!f) return f.error();
  std::vector<protocol::cql_value> values;
  for (std::size_t k = 0; k < args.size(); ++k) {
    auto v = detail::convert(args[k].type, (*f)->args[k], args[k].value);
    if (!v) return v.error();
    values.push_back(std::move(*v));
  }
  auto v = detail::run(**f, std::move(values), ctx);
  if (!v) return v.error();
  return typed_value{(*f)->result, std::move(*v)};
}

}  // namespace cqlshift::sim
