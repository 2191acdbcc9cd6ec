#include "cqlshift/protocol/schema_change.hpp"

#include <array>
#include <optional>

namespace cqlshift::protocol {

namespace {

constexpr std::array change_types = {schema_change_type::created, schema_change_type::updated,
                                     schema_change_type::dropped};
constexpr std::array targets = {schema_change_target::keyspace, schema_change_target::table,
                                schema_change_target::type, schema_change_target::function,
                                schema_change_target::aggregate};

template <class E, std::size_t N>
std::optional<E> parse(const std::array<E, N>& values, std::string_view s) noexcept {
  for (E e : values) {
    if (to_string(e) == s) return e;
  }
  return std::nullopt;
}

bool is_function_like(schema_change_target t) noexcept {
  return t == schema_change_target::function || t == schema_change_target::aggregate;
}

}  // namespace

std::string_view to_string(schema_change_type t) noexcept {
  switch (t) {
    case schema_change_type::created:
      return "CREATED";
    case schema_change_type::updated:
      return "UPDATED";
    case schema_change_type::dropped:
      return "DROPPED";
  }
  return "UNKNOWN";
}

std::string_view to_string(schema_change_target t) noexcept {
  switch (t) {
    case schema_change_target::keyspace:
      return "KEYSPACE";
    case schema_change_target::table:
      return "TABLE";
    case schema_change_target::type:
      return "TYPE";
    case schema_change_target::function:
      return "FUNCTION";
    case schema_change_target::aggregate:
      return "AGGREGATE";
  }
  return "UNKNOWN";
}

schema_change read_schema_change(reader& r, protocol_version v) {
  schema_change c;
  const std::string change = r.read_string();
  if (!r.ok()) return {};
  if (auto t = parse(change_types, change)) {
    c.change = *t;
  } else {
    r.fail(errc::unknown_event);
    return {};
  }

  if (!has_schema_change_target(v)) {
    c.keyspace = r.read_string();
    c.name = r.read_string();
    c.target = c.name.empty() ? schema_change_target::keyspace : schema_change_target::table;
    if (!r.ok()) return {};
    return c;
  }

  const std::string target = r.read_string();
  if (!r.ok()) return {};
  if (auto t = parse(targets, target)) {
    c.target = *t;
  } else {
    r.fail(errc::invalid_value);
    return {};
  }
  if (is_function_like(c.target) && !has_function_schema_change(v)) {
    r.fail(errc::not_at_this_version);
    return {};
  }
  c.keyspace = r.read_string();
  if (c.target != schema_change_target::keyspace) c.name = r.read_string();
  if (is_function_like(c.target)) c.arg_types = r.read_string_list();
  if (!r.ok()) return {};
  return c;
}

void write_schema_change(const schema_change& c, protocol_version v, writer& w) {
  const bool function_like = is_function_like(c.target);
  if (!has_schema_change_target(v)) {
    if (c.target != schema_change_target::keyspace && c.target != schema_change_target::table) {
      return w.fail(errc::not_at_this_version);
    }
  } else if (function_like && !has_function_schema_change(v)) {
    return w.fail(errc::not_at_this_version);
  }
  if ((c.target == schema_change_target::keyspace && !c.name.empty()) ||
      (!function_like && !c.arg_types.empty()) ||
      (!has_schema_change_target(v) && c.target == schema_change_target::table && c.name.empty())) {
    return w.fail(errc::invalid_value);
  }

  w.write_string(to_string(c.change));
  if (!has_schema_change_target(v)) {
    w.write_string(c.keyspace);
    w.write_string(c.name);
    return;
  }
  w.write_string(to_string(c.target));
  w.write_string(c.keyspace);
  if (c.target != schema_change_target::keyspace) w.write_string(c.name);
  if (function_like) w.write_string_list(c.arg_types);
}

}  // namespace cqlshift::protocol
