#include "cqlshift/protocol/error_response.hpp"

#include <type_traits>

namespace cqlshift::protocol {

namespace {

// Smallest wire size of one <reasonmap> entry: [inetaddr] of 4 bytes plus its size byte, and
// a [short] reason code.
constexpr std::size_t min_reason_entry_size = 1 + 4 + 2;

constexpr std::string_view cas_write_type = "CAS";

template <class T, class Variant>
struct alternative_index;
template <class T, class... Ts>
struct alternative_index<T, std::variant<Ts...>> {
  static constexpr std::size_t value = [] {
    std::size_t i = 0;
    (void)((std::is_same_v<T, Ts> ? false : (++i, true)) && ...);
    return i;
  }();
};
template <class T>
constexpr std::size_t index_of = alternative_index<T, error_details>::value;

// The details alternative each code carries; monostate for message-only and unknown codes.
std::size_t details_index_for(error_code c) noexcept {
  switch (c) {
    case error_code::unavailable:
      return index_of<unavailable_details>;
    case error_code::write_timeout:
      return index_of<write_timeout_details>;
    case error_code::read_timeout:
      return index_of<read_timeout_details>;
    case error_code::read_failure:
      return index_of<read_failure_details>;
    case error_code::write_failure:
      return index_of<write_failure_details>;
    case error_code::function_failure:
      return index_of<function_failure_details>;
    case error_code::already_exists:
      return index_of<already_exists_details>;
    case error_code::unprepared:
      return index_of<unprepared_details>;
    case error_code::cas_write_unknown:
      return index_of<cas_write_unknown_details>;
    default:
      return index_of<std::monostate>;
  }
}

bool has_contentions(protocol_version v, std::string_view write_type) noexcept {
  return has_write_timeout_contentions(v) && write_type == cas_write_type;
}

template <class Details>
void read_cl_received_block_for(reader& r, Details& d) {
  d.consistency = r.read_consistency();
  d.received = r.read_int();
  d.block_for = r.read_int();
}

template <class Details>
void write_cl_received_block_for(const Details& d, writer& w) {
  w.write_consistency(d.consistency);
  w.write_int(d.received);
  w.write_int(d.block_for);
}

// <numfailures>, or <reasonmap> from has_failure_reason_map(v) on.
template <class Details>
void read_failures(reader& r, protocol_version v, Details& d) {
  if (!has_failure_reason_map(v)) {
    d.num_failures = r.read_int();
    return;
  }
  const std::size_t n = r.read_int_count(min_reason_entry_size);
  d.reason_map.reserve(n);
  for (std::size_t k = 0; k < n && r.ok(); ++k) {
    bytes endpoint = r.read_inetaddr();
    const std::uint16_t reason = r.read_short();
    d.reason_map.emplace_back(std::move(endpoint), reason);
  }
  d.num_failures = static_cast<std::int32_t>(n);
}

template <class Details>
void write_failures(const Details& d, protocol_version v, writer& w) {
  if (!has_failure_reason_map(v)) {
    if (!d.reason_map.empty()) return w.fail(errc::not_at_this_version);
    w.write_int(d.num_failures);
    return;
  }
  if (d.num_failures < 0 || static_cast<std::size_t>(d.num_failures) != d.reason_map.size()) {
    return w.fail(errc::invalid_value);
  }
  w.write_int(d.num_failures);
  for (const auto& [endpoint, reason] : d.reason_map) {
    w.write_inetaddr(endpoint);
    w.write_short(reason);
  }
}

bool read_flag_byte(reader& r) noexcept {
  return r.read_byte() != 0;
}

struct details_writer {
  protocol_version v;
  writer& w;

  void operator()(const std::monostate&) const {}
  void operator()(const unavailable_details& d) const {
    w.write_consistency(d.consistency);
    w.write_int(d.required);
    w.write_int(d.alive);
  }
  void operator()(const write_timeout_details& d) const {
    if (d.contentions.has_value() != has_contentions(v, d.write_type)) {
      return w.fail(d.contentions ? errc::not_at_this_version : errc::invalid_value);
    }
    write_cl_received_block_for(d, w);
    w.write_string(d.write_type);
    if (d.contentions) w.write_short(static_cast<std::uint16_t>(*d.contentions));
  }
  void operator()(const read_timeout_details& d) const {
    write_cl_received_block_for(d, w);
    w.write_byte(d.data_present ? 1 : 0);
  }
  void operator()(const read_failure_details& d) const {
    write_cl_received_block_for(d, w);
    write_failures(d, v, w);
    w.write_byte(d.data_present ? 1 : 0);
  }
  void operator()(const write_failure_details& d) const {
    write_cl_received_block_for(d, w);
    write_failures(d, v, w);
    w.write_string(d.write_type);
  }
  void operator()(const function_failure_details& d) const {
    w.write_string(d.keyspace);
    w.write_string(d.function);
    w.write_string_list(d.arg_types);
  }
  void operator()(const already_exists_details& d) const {
    w.write_string(d.keyspace);
    w.write_string(d.table);
  }
  void operator()(const unprepared_details& d) const { w.write_short_bytes(d.id); }
  void operator()(const cas_write_unknown_details& d) const { write_cl_received_block_for(d, w); }
};

}  // namespace

std::string_view to_string(error_code c) noexcept {
  switch (c) {
    case error_code::server_error:
      return "SERVER_ERROR";
    case error_code::protocol_error:
      return "PROTOCOL_ERROR";
    case error_code::auth_error:
      return "AUTHENTICATION_ERROR";
    case error_code::unavailable:
      return "UNAVAILABLE";
    case error_code::overloaded:
      return "OVERLOADED";
    case error_code::is_bootstrapping:
      return "IS_BOOTSTRAPPING";
    case error_code::truncate_error:
      return "TRUNCATE_ERROR";
    case error_code::write_timeout:
      return "WRITE_TIMEOUT";
    case error_code::read_timeout:
      return "READ_TIMEOUT";
    case error_code::read_failure:
      return "READ_FAILURE";
    case error_code::function_failure:
      return "FUNCTION_FAILURE";
    case error_code::write_failure:
      return "WRITE_FAILURE";
    case error_code::cdc_write_failure:
      return "CDC_WRITE_FAILURE";
    case error_code::cas_write_unknown:
      return "CAS_WRITE_UNKNOWN";
    case error_code::syntax_error:
      return "SYNTAX_ERROR";
    case error_code::unauthorized:
      return "UNAUTHORIZED";
    case error_code::invalid:
      return "INVALID";
    case error_code::config_error:
      return "CONFIG_ERROR";
    case error_code::already_exists:
      return "ALREADY_EXISTS";
    case error_code::unprepared:
      return "UNPREPARED";
  }
  return "UNKNOWN";
}

error_response read_error_response(reader& r, protocol_version v) {
  error_response e;
  e.code = static_cast<error_code>(r.read_int());
  e.message = r.read_string();
  if (!r.ok()) return {};
  switch (e.code) {
    case error_code::unavailable: {
      unavailable_details d;
      d.consistency = r.read_consistency();
      d.required = r.read_int();
      d.alive = r.read_int();
      e.details = d;
      break;
    }
    case error_code::write_timeout: {
      write_timeout_details d;
      read_cl_received_block_for(r, d);
      d.write_type = r.read_string();
      if (r.ok() && has_contentions(v, d.write_type)) {
        d.contentions = static_cast<std::int16_t>(r.read_short());
      }
      e.details = std::move(d);
      break;
    }
    case error_code::read_timeout: {
      read_timeout_details d;
      read_cl_received_block_for(r, d);
      d.data_present = read_flag_byte(r);
      e.details = d;
      break;
    }
    case error_code::read_failure: {
      read_failure_details d;
      read_cl_received_block_for(r, d);
      read_failures(r, v, d);
      d.data_present = read_flag_byte(r);
      e.details = std::move(d);
      break;
    }
    case error_code::write_failure: {
      write_failure_details d;
      read_cl_received_block_for(r, d);
      read_failures(r, v, d);
      d.write_type = r.read_string();
      e.details = std::move(d);
      break;
    }
    case error_code::function_failure: {
      function_failure_details d;
      d.keyspace = r.read_string();
      d.function = r.read_string();
      d.arg_types = r.read_string_list();
      e.details = std::move(d);
      break;
    }
    case error_code::already_exists: {
      already_exists_details d;
      d.keyspace = r.read_string();
      d.table = r.read_string();
      e.details = std::move(d);
      break;
    }
    case error_code::unprepared:
      e.details = unprepared_details{r.read_short_bytes()};
      break;
    case error_code::cas_write_unknown: {
      cas_write_unknown_details d;
      read_cl_received_block_for(r, d);
      e.details = d;
      break;
    }
    default:
      break;
  }
  if (!r.ok()) return {};
  return e;
}

void write_error_response(const error_response& e, protocol_version v, writer& w) {
  if (e.details.index() != details_index_for(e.code)) return w.fail(errc::invalid_value);
  w.write_int(static_cast<std::int32_t>(e.code));
  w.write_string(e.message);
  std::visit(details_writer{v, w}, e.details);
}

}  // namespace cqlshift::protocol
