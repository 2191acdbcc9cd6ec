#include "cqlshift/protocol/query_parameters.hpp"

#include "request_codec.hpp"

namespace cqlshift::protocol {

namespace {

// The flag bits version v defines for QUERY/EXECUTE; any other bit is rejected, because
// a bit we do not know may announce a field we would not skip.
std::uint32_t defined_query_flags(protocol_version v) noexcept {
  std::uint32_t defined = query_flag::values | query_flag::skip_metadata | query_flag::page_size |
                          query_flag::paging_state | query_flag::serial_consistency;
  if (has_timestamp_and_names(v)) {
    defined |= query_flag::default_timestamp | query_flag::names_for_values;
  }
  if (has_keyspace_flag(v)) defined |= query_flag::keyspace;
  if (has_now_in_seconds(v)) defined |= query_flag::now_in_seconds;
  if (has_continuous_paging(v)) {
    defined |= query_flag::page_size_bytes | query_flag::continuous_paging;
  }
  return defined;
}

std::uint32_t flags_of(const query_parameters& p) noexcept {
  std::uint32_t flags = 0;
  if (p.values) flags |= query_flag::values;
  if (p.skip_metadata) flags |= query_flag::skip_metadata;
  if (p.page_size) flags |= query_flag::page_size;
  if (p.paging_state) flags |= query_flag::paging_state;
  if (p.serial_consistency) flags |= query_flag::serial_consistency;
  if (p.default_timestamp) flags |= query_flag::default_timestamp;
  if (!p.value_names.empty()) flags |= query_flag::names_for_values;
  if (p.keyspace) flags |= query_flag::keyspace;
  if (p.now_in_seconds) flags |= query_flag::now_in_seconds;
  if (p.page_size_in_bytes) flags |= query_flag::page_size_bytes;
  if (p.continuous_paging) flags |= query_flag::continuous_paging;
  return flags;
}

void read_values(reader& r, protocol_version v, bool named, query_parameters& p) {
  // A value is at least its [int] length; a named one also has a [short] name length.
  const std::size_t n = r.read_short_count(named ? 6 : 4);
  // The spec lets NAMES_FOR_VALUES ride along with zero values, but then value_names would be
  // empty and the flag lost on re-encoding. No driver sends it.
  if (named && n == 0) r.fail(errc::invalid_value);
  if (!r.ok()) return;
  p.values.emplace();
  p.values->reserve(n);
  if (named) p.value_names.reserve(n);
  for (std::size_t k = 0; k < n && r.ok(); ++k) {
    if (named) p.value_names.push_back(r.read_string());
    p.values->push_back(detail::read_bound_value(r, v));
  }
}

continuous_paging_options read_continuous_paging(reader& r, protocol_version v) {
  continuous_paging_options o;
  o.max_pages = r.read_int();
  o.pages_per_second = r.read_int();
  if (has_continuous_paging_next_pages(v)) o.next_pages = r.read_int();
  return o;
}

}  // namespace

query_parameters read_query_parameters(reader& r, protocol_version v) {
  query_parameters p;
  p.consistency_level = r.read_consistency();
  const std::uint32_t flags = detail::read_flags(r, v);
  if (!r.ok()) return {};
  if ((flags & ~defined_query_flags(v)) != 0) {
    r.fail(errc::invalid_value);
    return {};
  }
  auto has = [flags](std::uint32_t f) { return (flags & f) != 0; };

  if (has(query_flag::values)) {
    read_values(r, v, has(query_flag::names_for_values), p);
  } else if (has(query_flag::names_for_values)) {
    // Ignored by the spec without VALUES; rejected for the same reason as zero named values.
    r.fail(errc::invalid_value);
  }
  p.skip_metadata = has(query_flag::skip_metadata);
  if (has(query_flag::page_size)) p.page_size = r.read_int();
  p.page_size_in_bytes = has(query_flag::page_size_bytes);
  // Cassandra treats a null paging state like an absent one; the struct cannot tell them apart.
  if (has(query_flag::paging_state)) p.paging_state = detail::read_non_null_bytes(r);
  if (has(query_flag::serial_consistency))
    p.serial_consistency = detail::read_serial_consistency(r);
  if (has(query_flag::default_timestamp)) p.default_timestamp = r.read_long();
  if (has(query_flag::keyspace)) p.keyspace = r.read_string();
  if (has(query_flag::now_in_seconds)) p.now_in_seconds = r.read_int();
  if (has(query_flag::continuous_paging)) p.continuous_paging = read_continuous_paging(r, v);
  if (!r.ok()) return {};
  return p;
}

void write_query_parameters(const query_parameters& p, protocol_version v, writer& w) {
  const std::uint32_t flags = flags_of(p);
  if ((flags & ~defined_query_flags(v)) != 0) {
    w.fail(errc::not_at_this_version);
    return;
  }
  if (!p.value_names.empty() && (!p.values || p.value_names.size() != p.values->size())) {
    w.fail(errc::invalid_value);
    return;
  }
  if (p.continuous_paging &&
      p.continuous_paging->next_pages.has_value() != has_continuous_paging_next_pages(v)) {
    w.fail(p.continuous_paging->next_pages ? errc::not_at_this_version : errc::invalid_value);
    return;
  }

  detail::write_known_consistency(p.consistency_level, w);
  detail::write_flags(flags, v, w);
  if (p.values) {
    w.write_short_count(p.values->size());
    for (std::size_t k = 0; k < p.values->size(); ++k) {
      if (!p.value_names.empty()) w.write_string(p.value_names[k]);
      detail::write_bound_value((*p.values)[k], v, w);
    }
  }
  if (p.page_size) w.write_int(*p.page_size);
  if (p.paging_state) w.write_bytes(byte_view(*p.paging_state));
  if (p.serial_consistency) detail::write_serial_consistency(*p.serial_consistency, w);
  if (p.default_timestamp) w.write_long(*p.default_timestamp);
  if (p.keyspace) w.write_string(*p.keyspace);
  if (p.now_in_seconds) w.write_int(*p.now_in_seconds);
  if (const auto& cp = p.continuous_paging) {
    w.write_int(cp->max_pages);
    w.write_int(cp->pages_per_second);
    if (cp->next_pages) w.write_int(*cp->next_pages);
  }
}

}  // namespace cqlshift::protocol
