#include "cqlshift/protocol/results.hpp"

#include <limits>

namespace cqlshift::protocol {

namespace {

// Smallest wire size of one cell: its [int] length (a null cell is nothing more).
constexpr std::size_t min_cell_size = 4;

}  // namespace

rows_result read_rows_result(reader& r, protocol_version v) {
  rows_result out;
  out.metadata = read_rows_metadata(r, v);
  const std::int32_t row_count = r.read_int();
  if (!r.ok()) return {};
  if (row_count < 0) {
    r.fail(errc::negative_length);
    return {};
  }
  const auto columns = static_cast<std::size_t>(out.metadata.column_count);
  if (row_count > 0 && columns == 0) {
    r.fail(errc::invalid_value);
    return {};
  }
  // Both factors are below 2^31, so the product cannot overflow 64 bits.
  const auto rows = static_cast<std::uint64_t>(row_count);
  if (!r.check_count(rows * columns, min_cell_size)) return {};
  out.rows.reserve(static_cast<std::size_t>(rows));
  for (std::uint64_t i = 0; i < rows && r.ok(); ++i) {
    auto& row = out.rows.emplace_back();
    row.reserve(columns);
    for (std::size_t k = 0; k < columns && r.ok(); ++k) {
      row.push_back(r.read_bytes());
    }
  }
  if (!r.ok()) return {};
  return out;
}

void write_rows_result(const rows_result& rows, protocol_version v, writer& w) {
  const std::int32_t columns = rows.metadata.column_count;
  if (!rows.rows.empty() && columns <= 0) return w.fail(errc::invalid_value);
  for (const auto& row : rows.rows) {
    if (row.size() != static_cast<std::size_t>(columns)) return w.fail(errc::invalid_value);
  }
  if (rows.rows.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    return w.fail(errc::value_too_large);
  }
  write_rows_metadata(rows.metadata, v, w);
  w.write_int(static_cast<std::int32_t>(rows.rows.size()));
  for (const auto& row : rows.rows) {
    for (const auto& cell : row) {
      w.write_bytes(cell);
    }
  }
}

prepared_result read_prepared_result(reader& r, protocol_version v) {
  prepared_result p;
  p.id = r.read_short_bytes();
  if (has_result_metadata_id(v)) p.result_metadata_id = r.read_short_bytes();
  p.variables = read_prepared_metadata(r, v);
  p.result_metadata = read_rows_metadata(r, v);
  if (!r.ok()) return {};
  return p;
}

void write_prepared_result(const prepared_result& p, protocol_version v, writer& w) {
  if (p.result_metadata_id.has_value() != has_result_metadata_id(v)) {
    return w.fail(p.result_metadata_id ? errc::not_at_this_version : errc::invalid_value);
  }
  w.write_short_bytes(p.id);
  if (p.result_metadata_id) w.write_short_bytes(*p.result_metadata_id);
  write_prepared_metadata(p.variables, v, w);
  write_rows_metadata(p.result_metadata, v, w);
}

}  // namespace cqlshift::protocol
