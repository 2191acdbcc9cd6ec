#include "cqlshift/proxy/shadow_compare.hpp"

#include <algorithm>
#include <numeric>

namespace cqlshift::proxy {
namespace {

// Rows of one side that are not on the other are paired by most cells in common; bounded so
// that two very different large pages cost at most this many rows squared.
constexpr std::size_t max_paired_rows = 256;

bool row_less(const result_row& a, const result_row& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

std::vector<std::size_t> sorted_indexes(const std::vector<result_row>& rows) {
  std::vector<std::size_t> out(rows.size());
  std::iota(out.begin(), out.end(), std::size_t{0});
  std::stable_sort(out.begin(), out.end(),
                   [&](std::size_t a, std::size_t b) { return row_less(rows[a], rows[b]); });
  return out;
}

std::size_t common_cells(const result_row& a, const result_row& b) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (a[i] == b[i]) ++n;
  return n;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

shadow_difference compare_pages(const std::vector<result_row>& primary, std::size_t primary_columns,
                                const std::vector<result_row>& secondary,
                                std::size_t secondary_columns, compare_mode mode, bool ordered) {
  shadow_difference d;
  d.primary_rows = primary.size();
  d.secondary_rows = secondary.size();
  d.primary_columns = primary_columns;
  d.secondary_columns = secondary_columns;
  if (mode == compare_mode::count) {
    d.equal = primary.size() == secondary.size();
    return d;
  }
  if (primary_columns != secondary_columns) {
    d.equal = false;
    d.columns_differ = true;
    return d;
  }
  if (primary == secondary) return d;

  // The rows each side has that the other does not (as multisets).
  const auto p_sorted = sorted_indexes(primary);
  const auto s_sorted = sorted_indexes(secondary);
  std::vector<std::size_t> only_primary;
  std::vector<std::size_t> only_secondary;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < p_sorted.size() || j < s_sorted.size()) {
    if (j == s_sorted.size() ||
        (i < p_sorted.size() && row_less(primary[p_sorted[i]], secondary[s_sorted[j]]))) {
      only_primary.push_back(p_sorted[i++]);
    } else if (i == p_sorted.size() || row_less(secondary[s_sorted[j]], primary[p_sorted[i]])) {
      only_secondary.push_back(s_sorted[j++]);
    } else {
      ++i;
      ++j;
    }
  }
  if (only_primary.empty() && only_secondary.empty()) {
    // The same rows in another order.
    d.equal = !ordered;
    d.order_differs = ordered;
    if (ordered) {
      for (std::size_t k = 0; k < primary.size(); ++k) {
        if (primary[k] != secondary[k]) {
          d.sample_primary = k;
          d.sample_secondary = k;
          break;
        }
      }
    }
    return d;
  }
  d.equal = false;
  // Report rows in the order the clusters sent them.
  std::sort(only_primary.begin(), only_primary.end());
  std::sort(only_secondary.begin(), only_secondary.end());

  std::vector<bool> column_differs(primary_columns, false);
  std::vector<bool> taken(only_secondary.size(), false);
  const std::size_t pairable_secondary = std::min(only_secondary.size(), max_paired_rows);
  for (std::size_t a = 0; a < only_primary.size(); ++a) {
    const result_row& p = primary[only_primary[a]];
    std::size_t best = 0;
    std::optional<std::size_t> best_at;
    if (a < max_paired_rows) {
      for (std::size_t b = 0; b < pairable_secondary; ++b) {
        if (taken[b]) continue;
        const std::size_t common = common_cells(p, secondary[only_secondary[b]]);
        if (common > best) {
          best = common;
          best_at = b;
        }
      }
    }
    if (!best_at) {
      ++d.missing;
      if (!d.sample_primary) d.sample_primary = only_primary[a];
      continue;
    }
    taken[*best_at] = true;
    ++d.changed;
    const result_row& s = secondary[only_secondary[*best_at]];
    for (std::size_t c = 0; c < primary_columns && c < p.size() && c < s.size(); ++c)
      if (p[c] != s[c]) column_differs[c] = true;
    if (d.changed == 1) {
      d.sample_primary = only_primary[a];
      d.sample_secondary = only_secondary[*best_at];
    }
  }
  for (std::size_t b = 0; b < only_secondary.size(); ++b) {
    if (b < taken.size() && taken[b]) continue;
    ++d.extra;
    if (!d.sample_secondary && d.changed == 0) d.sample_secondary = only_secondary[b];
  }
  for (std::size_t c = 0; c < column_differs.size(); ++c)
    if (column_differs[c]) d.columns.push_back(c);
  return d;
}

std::string describe(const shadow_difference& d, const std::vector<std::string>& column_names,
                     std::string_view secondary_name) {
  const std::string secondary(secondary_name);
  if (d.equal) return "same rows";
  if (d.columns_differ) {
    return plural(d.secondary_columns, "column", "columns") + " on " + secondary + " instead of " +
           std::to_string(d.primary_columns);
  }
  if (d.order_differs) return "the same rows in another order on " + secondary;
  std::string out;
  const auto add = [&out](const std::string& part) {
    if (!out.empty()) out += "; ";
    out += part;
  };
  if (d.changed > 0) {
    std::string cols;
    for (std::size_t c : d.columns) {
      if (!cols.empty()) cols += ", ";
      cols += c < column_names.size() && !column_names[c].empty() ? column_names[c]
                                                                  : "#" + std::to_string(c);
    }
    add(plural(d.changed, "row differs", "rows differ") + " in " +
        (d.columns.size() == 1 ? "column " : "columns ") + cols);
  }
  if (d.missing > 0) add(plural(d.missing, "row", "rows") + " missing on " + secondary);
  if (d.extra > 0) add(plural(d.extra, "row", "rows") + " only on " + secondary);
  if (out.empty()) {
    // Count mode.
    out = plural(d.secondary_rows, "row", "rows") + " on " + secondary + " instead of " +
          std::to_string(d.primary_rows);
  }
  return out;
}

}  // namespace cqlshift::proxy
