#include "cqlshift/protocol/rows_metadata.hpp"

#include <limits>

namespace cqlshift::protocol {

namespace {

// Smallest wire size of one <col_spec_i>: [string] name (2) and [option] id (2), plus two
// [string] (4) when each column carries its own keyspace and table.
constexpr std::size_t min_column_spec_size(bool global) noexcept {
  return global ? 4 : 8;
}

std::uint32_t defined_rows_flags(protocol_version v) noexcept {
  std::uint32_t mask =
      rows_flag::global_table_spec | rows_flag::has_more_pages | rows_flag::no_metadata;
  if (has_result_metadata_id(v)) mask |= rows_flag::metadata_changed;
  if (has_continuous_paging(v)) {
    mask |= rows_flag::dse_continuous_paging | rows_flag::dse_last_continuous_page;
  }
  return mask;
}

std::vector<column_spec> read_column_specs(reader& r, bool global, std::size_t count) {
  std::vector<column_spec> cols;
  std::string keyspace;
  std::string table;
  if (global) {
    keyspace = r.read_string();
    table = r.read_string();
  }
  if (!r.check_count(count, min_column_spec_size(global))) return cols;
  cols.reserve(count);
  for (std::size_t k = 0; k < count && r.ok(); ++k) {
    column_spec c;
    if (global) {
      c.keyspace = keyspace;
      c.table = table;
    } else {
      c.keyspace = r.read_string();
      c.table = r.read_string();
    }
    c.name = r.read_string();
    c.type = read_data_type(r);
    cols.push_back(std::move(c));
  }
  if (!r.ok()) cols.clear();
  return cols;
}

bool share_one_table(const std::vector<column_spec>& cols) noexcept {
  if (cols.empty()) return false;
  for (const auto& c : cols) {
    if (c.keyspace != cols.front().keyspace || c.table != cols.front().table) return false;
  }
  return true;
}

void write_column_specs(const std::vector<column_spec>& cols, bool global, writer& w) {
  if (global) {
    if (!share_one_table(cols)) {
      w.fail(errc::invalid_value);
      return;
    }
    w.write_string(cols.front().keyspace);
    w.write_string(cols.front().table);
  }
  for (const auto& c : cols) {
    if (!global) {
      w.write_string(c.keyspace);
      w.write_string(c.table);
    }
    w.write_string(c.name);
    write_data_type(c.type, w);
  }
}

std::int32_t read_column_count(reader& r) noexcept {
  const std::int32_t n = r.read_int();
  if (r.ok() && n < 0) r.fail(errc::negative_length);
  return r.ok() ? n : 0;
}

bool write_column_count(std::size_t n, writer& w) {
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    w.fail(errc::value_too_large);
    return false;
  }
  w.write_int(static_cast<std::int32_t>(n));
  return true;
}

}  // namespace

rows_metadata read_rows_metadata(reader& r, protocol_version v) {
  rows_metadata m;
  const auto flags = static_cast<std::uint32_t>(r.read_int());
  if (!r.ok()) return {};
  if ((flags & ~defined_rows_flags(v)) != 0 ||
      ((flags & rows_flag::dse_last_continuous_page) != 0 &&
       (flags & rows_flag::dse_continuous_paging) == 0)) {
    r.fail(errc::invalid_value);
    return {};
  }
  m.global_table_spec = (flags & rows_flag::global_table_spec) != 0;
  m.no_metadata = (flags & rows_flag::no_metadata) != 0;
  m.column_count = read_column_count(r);
  if (flags & rows_flag::has_more_pages) {
    m.paging_state = r.read_bytes();
    if (r.ok() && !m.paging_state) r.fail(errc::invalid_value);
  }
  if (flags & rows_flag::metadata_changed) m.new_metadata_id = r.read_short_bytes();
  if (flags & rows_flag::dse_continuous_paging) {
    m.continuous_page_number = r.read_int();
    m.last_continuous_page = (flags & rows_flag::dse_last_continuous_page) != 0;
  }
  if (!m.no_metadata && r.ok()) {
    if (m.global_table_spec && m.column_count == 0) {
      r.fail(errc::invalid_value);
      return {};
    }
    m.columns = read_column_specs(r, m.global_table_spec, static_cast<std::size_t>(m.column_count));
  }
  if (!r.ok()) return {};
  return m;
}

void write_rows_metadata(const rows_metadata& m, protocol_version v, writer& w) {
  if (m.new_metadata_id && !has_result_metadata_id(v)) return w.fail(errc::not_at_this_version);
  if ((m.continuous_page_number || m.last_continuous_page) && !has_continuous_paging(v)) {
    return w.fail(errc::not_at_this_version);
  }
  const bool consistent =
      m.column_count >= 0 && (!m.last_continuous_page || m.continuous_page_number) &&
      (m.no_metadata ? m.columns.empty()
                     : static_cast<std::size_t>(m.column_count) == m.columns.size());
  if (!consistent) return w.fail(errc::invalid_value);

  std::uint32_t flags = 0;
  if (m.global_table_spec) flags |= rows_flag::global_table_spec;
  if (m.paging_state) flags |= rows_flag::has_more_pages;
  if (m.no_metadata) flags |= rows_flag::no_metadata;
  if (m.new_metadata_id) flags |= rows_flag::metadata_changed;
  if (m.continuous_page_number) flags |= rows_flag::dse_continuous_paging;
  if (m.last_continuous_page) flags |= rows_flag::dse_last_continuous_page;
  w.write_int(static_cast<std::int32_t>(flags));
  w.write_int(m.column_count);
  if (m.paging_state) w.write_bytes(byte_view(*m.paging_state));
  if (m.new_metadata_id) w.write_short_bytes(*m.new_metadata_id);
  if (m.continuous_page_number) w.write_int(*m.continuous_page_number);
  if (!m.no_metadata) write_column_specs(m.columns, m.global_table_spec, w);
}

prepared_metadata read_prepared_metadata(reader& r, protocol_version v) {
  prepared_metadata m;
  const auto flags = static_cast<std::uint32_t>(r.read_int());
  if (r.ok() && (flags & ~rows_flag::global_table_spec) != 0) r.fail(errc::invalid_value);
  m.global_table_spec = (flags & rows_flag::global_table_spec) != 0;
  const std::int32_t column_count = read_column_count(r);
  if (has_pk_indices(v)) {
    const std::size_t pk_count = r.read_int_count(2);
    m.pk_indices.reserve(pk_count);
    for (std::size_t k = 0; k < pk_count && r.ok(); ++k) {
      m.pk_indices.push_back(r.read_short());
    }
  }
  if (!r.ok()) return {};
  if (m.global_table_spec && column_count == 0) {
    r.fail(errc::invalid_value);
    return {};
  }
  m.columns = read_column_specs(r, m.global_table_spec, static_cast<std::size_t>(column_count));
  if (!r.ok()) return {};
  return m;
}

void write_prepared_metadata(const prepared_metadata& m, protocol_version v, writer& w) {
  if (!m.pk_indices.empty() && !has_pk_indices(v)) return w.fail(errc::not_at_this_version);
  w.write_int(m.global_table_spec ? static_cast<std::int32_t>(rows_flag::global_table_spec) : 0);
  if (!write_column_count(m.columns.size(), w)) return;
  if (has_pk_indices(v)) {
    if (!write_column_count(m.pk_indices.size(), w)) return;
    for (std::uint16_t i : m.pk_indices)
      w.write_short(i);
  }
  write_column_specs(m.columns, m.global_table_spec, w);
}

}  // namespace cqlshift::protocol
