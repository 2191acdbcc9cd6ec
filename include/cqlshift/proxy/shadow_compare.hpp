#pragma once
// Comparing a shadow read (SPEC.md section 11): the rows the secondary answered for one page
// against the rows the primary answered for the same page. Pure, so that what counts as a
// mismatch is tested as a table, apart from the sessions that collect the two answers.
//
// Cells compare by their wire bytes: both clusters serialize a value of a column type the same
// way (collections in their sorted order), so equal bytes are equal values and different
// bytes are a difference the application could see.

#include "cqlshift/protocol/primitives.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cqlshift::proxy {

using result_row = std::vector<std::optional<protocol::bytes>>;

enum class compare_mode : std::uint8_t {
  count,  // the number of rows only
  rows,   // the rows, cell by cell
};

struct shadow_difference {
  bool equal = true;
  std::size_t primary_rows = 0;
  std::size_t secondary_rows = 0;
  std::size_t primary_columns = 0;
  std::size_t secondary_columns = 0;
  // Rows mode. A row of one side that has no equal row on the other is paired, where it can
  // be, with the row of the other side it shares most cells with (a changed row); the rest
  // are missing (the primary has them, the secondary does not) or extra (the other way).
  std::size_t changed = 0;
  std::size_t missing = 0;
  std::size_t extra = 0;
  // Rows mode: the two sides answered with different numbers of columns (nothing else is
  // compared then).
  bool columns_differ = false;
  // The same rows in another order, when the order matters.
  bool order_differs = false;
  // Indexes of the columns that differ in changed rows, ascending.
  std::vector<std::size_t> columns;
  // The first changed (or missing, or extra) row of each side, for DEBUG logs.
  std::optional<std::size_t> sample_primary;
  std::optional<std::size_t> sample_secondary;
};

// `ordered`: the order of the rows is part of the answer (the query has ORDER BY, or reads
// one partition); otherwise rows compare as multisets, since a query that spans partitions
// may return them in another order from a cluster with other token ranges.
// `primary_columns` / `secondary_columns`: the column counts of each side's metadata.
shadow_difference compare_pages(const std::vector<result_row>& primary, std::size_t primary_columns,
                                const std::vector<result_row>& secondary,
                                std::size_t secondary_columns, compare_mode mode, bool ordered);

// One line for a log: "2 rows differ in columns v, w; 1 row missing on TARGET", with the
// column names given (a missing name prints as "#N", its index).
std::string describe(const shadow_difference& d, const std::vector<std::string>& column_names,
                     std::string_view secondary_name);

}  // namespace cqlshift::proxy
