#include "storage.hpp"

#include "cqlshift/sim/values.hpp"

#include <algorithm>
#include <utility>

namespace cqlshift::sim::store {

bool liveness_info::supersedes(const liveness_info& other) const noexcept {
  if (timestamp != other.timestamp) return timestamp > other.timestamp;
  const bool expiring = ttl != 0;
  const bool other_expiring = other.ttl != 0;
  if (expiring == other_expiring) return local_expiration_time > other.local_expiration_time;
  return expiring;
}

bool wins_over(const cell& update, const cell& existing) noexcept {
  if (update.timestamp != existing.timestamp) return update.timestamp > existing.timestamp;
  const bool update_dead_or_expiring = update.local_deletion_time != no_deletion_time;
  const bool existing_dead_or_expiring = existing.local_deletion_time != no_deletion_time;
  if (update_dead_or_expiring || existing_dead_or_expiring) {
    // A tombstone or an expiring cell wins over a live cell of the same timestamp
    // (CASSANDRA-14592); a tombstone wins over an expiring cell; then the later deletion time.
    if (update_dead_or_expiring != existing_dead_or_expiring) return update_dead_or_expiring;
    const bool update_tombstone = !update.is_expiring();
    const bool existing_tombstone = !existing.is_expiring();
    if (update_tombstone != existing_tombstone) return update_tombstone;
    if (update.local_deletion_time != existing.local_deletion_time) {
      return update.local_deletion_time > existing.local_deletion_time;
    }
  }
  // Equal timestamps: the greater value wins; on equal values the existing cell stays
  // (Cells.reconcile keeps its left argument on >= 0, and the result is the same cell).
  return update.value > existing.value;
}

bool row::has_no_data() const noexcept {
  if (!liveness.empty()) return false;
  for (const auto& c : columns) {
    if (std::holds_alternative<cell>(c)) return false;
    if (const auto* cc = std::get_if<complex_column>(&c)) {
      if (!cc->cells.empty() || !cc->deletion.is_live()) return false;
    }
  }
  return true;
}

clustering_order::clustering_order(std::vector<protocol::data_type> types,
                                   std::vector<bool> descending)
    : types_(std::move(types)), descending_(std::move(descending)) {}

int clustering_order::compare_prefix(const std::vector<protocol::cql_value>& a,
                                     const std::vector<protocol::cql_value>& b) const {
  const std::size_t n = std::min({a.size(), b.size(), types_.size()});
  for (std::size_t i = 0; i < n; ++i) {
    int c = sim::compare(types_[i], a[i], b[i]);
    if (c != 0) return descending_[i] ? -c : c;
  }
  return 0;
}

bool row_less::operator()(const clustering_key& a, const prefix_position& b) const {
  const int c = order_->compare_prefix(a.values, *b.prefix);
  return c < 0 || (c == 0 && b.after);
}

bool row_less::operator()(const prefix_position& a, const clustering_key& b) const {
  const int c = order_->compare_prefix(b.values, *a.prefix);
  return c > 0 || (c == 0 && !a.after);
}

table_storage::table_storage(const table_def& table) {
  std::vector<protocol::data_type> types;
  std::vector<bool> descending;
  for (std::size_t i : table.clustering) {
    types.push_back(table.columns[i].type);
    descending.push_back(table.columns[i].descending);
  }
  order_ = std::make_shared<const clustering_order>(std::move(types), std::move(descending));
}

const std::vector<int>& table_storage::slots_for(const std::shared_ptr<const table_def>& table) {
  if (cached_def_ == table) return cached_slots_;
  std::vector<int> slots(table->columns.size(), -1);
  for (std::size_t i = 0; i < table->columns.size(); ++i) {
    const column_def& col = table->columns[i];
    if (col.is_primary_key()) continue;
    auto it = std::find(slot_names_.begin(), slot_names_.end(), col.name);
    if (it == slot_names_.end()) {
      slot_names_.push_back(col.name);
      it = slot_names_.end() - 1;
    }
    slots[i] = static_cast<int>(it - slot_names_.begin());
  }
  cached_def_ = table;
  cached_slots_ = std::move(slots);
  return cached_slots_;
}

namespace {

void clear_slot(row& r, std::size_t slot) {
  if (slot < r.columns.size()) r.columns[slot] = std::monostate{};
}

}  // namespace

void table_storage::drop_column(std::string_view name) {
  auto it = std::find(slot_names_.begin(), slot_names_.end(), name);
  if (it == slot_names_.end()) return;
  const auto slot = static_cast<std::size_t>(it - slot_names_.begin());
  it->clear();  // retired: a column added later under this name gets a fresh slot
  cached_def_.reset();
  for (auto& [pos, p] : partitions) {
    clear_slot(p.static_row, slot);
    for (auto& [key, r] : p.rows) clear_slot(r, slot);
  }
}

partition& table_storage::get_or_create(const partition_position& pos,
                                        const std::vector<protocol::bytes>& components,
                                        const std::vector<protocol::cql_value>& values) {
  if (partition* existing = find(pos)) return *existing;
  auto [it, inserted] = partitions.emplace(pos, partition(order_));
  it->second.key_components = components;
  it->second.key_values = values;
  index_.emplace(pos.token, it);
  return it->second;
}

partition* table_storage::find(const partition_position& pos) {
  auto [first, last] = index_.equal_range(pos.token);
  for (auto it = first; it != last; ++it) {
    if (it->second->first.key == pos.key) return &it->second->second;
  }
  return nullptr;
}

namespace {

// Natural tuple comparison of key[offset, offset + bound.size()) against bound.
int compare_tuple(const clustering_order& order, const std::vector<protocol::cql_value>& key,
                  std::size_t offset, const std::vector<protocol::cql_value>& bound) {
  for (std::size_t i = 0; i < bound.size(); ++i) {
    const std::size_t col = offset + i;
    if (col >= key.size() || col >= order.size()) return 0;
    const int c = sim::compare(order.type(col), key[col], bound[i]);
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace

bool slice_contains(const clustering_order& order, const clustering_slice& slice,
                    const std::vector<protocol::cql_value>& key) {
  const std::size_t n = slice.prefix.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= key.size() || sim::compare(order.type(i), key[i], slice.prefix[i]) != 0) {
      return false;
    }
  }
  if (slice.start) {
    const int c = compare_tuple(order, key, n, slice.start->values);
    if (c < 0 || (c == 0 && !slice.start->inclusive)) return false;
  }
  if (slice.end) {
    const int c = compare_tuple(order, key, n, slice.end->values);
    if (c > 0 || (c == 0 && !slice.end->inclusive)) return false;
  }
  return true;
}

bool path_less(const protocol::data_type& column_type, const complex_cell& a,
               const complex_cell& b) {
  if (column_type.id == protocol::type_id::list || column_type.params.empty()) {
    return a.path < b.path;
  }
  return sim::compare(column_type.params[0], a.key, b.key) < 0;
}

namespace {

column_data& slot_of(row& r, int slot) {
  const auto s = static_cast<std::size_t>(slot);
  if (r.columns.size() <= s) r.columns.resize(s + 1);
  return r.columns[s];
}

void purge_complex(complex_column& c, const deletion_time& d) {
  std::erase_if(c.cells, [&](const complex_cell& e) { return d.deletes(e.value.timestamp); });
}

// Drops everything `d` shadows from a row (not the row's own deletion).
void purge_row(row& r, const deletion_time& d) {
  if (d.is_live()) return;
  if (!r.liveness.empty() && d.deletes(r.liveness.timestamp)) r.liveness = {};
  for (auto& col : r.columns) {
    if (auto* c = std::get_if<cell>(&col)) {
      if (d.deletes(c->timestamp)) col = std::monostate{};
    } else if (auto* cc = std::get_if<complex_column>(&col)) {
      // A collection tombstone older than `d` is redundant: `d` stays and covers it.
      if (d.supersedes(cc->deletion)) cc->deletion = {};
      purge_complex(*cc, d);
      if (cc->cells.empty() && cc->deletion.is_live()) col = std::monostate{};
    }
  }
}

}  // namespace

void write_cell(row& r, int slot, cell c, const deletion_time& shadowing) {
  if (shadowing.deletes(c.timestamp)) return;
  column_data& data = slot_of(r, slot);
  if (auto* existing = std::get_if<cell>(&data)) {
    if (wins_over(c, *existing)) *existing = std::move(c);
    return;
  }
  data = std::move(c);
}

void write_counter(row& r, int slot, std::int64_t delta, std::int64_t timestamp,
                   const deletion_time& shadowing, std::int32_t now) {
  column_data& data = slot_of(r, slot);
  std::int64_t current = 0;
  if (auto* existing = std::get_if<cell>(&data)) {
    // No matter its timestamp, a counter tombstone wins (CASSANDRA-7346).
    if (existing->is_tombstone()) return;
    if (cell_visible(*existing, shadowing, now)) {
      auto v = protocol::decode_value(protocol::data_type::of(protocol::type_id::bigint),
                                      protocol::byte_view(existing->value),
                                      protocol::protocol_version::v4);
      if (v && std::holds_alternative<std::int64_t>(v->v)) current = std::get<std::int64_t>(v->v);
    }
    timestamp = std::max(timestamp, existing->timestamp);
  }
  cell c;
  c.value = protocol::encode_bigint(static_cast<std::int64_t>(
      static_cast<std::uint64_t>(current) + static_cast<std::uint64_t>(delta)));
  c.timestamp = timestamp;
  data = std::move(c);
}

void write_element(row& r, int slot, const protocol::data_type& column_type, complex_cell c,
                   const deletion_time& shadowing) {
  if (shadowing.deletes(c.value.timestamp)) return;
  column_data& data = slot_of(r, slot);
  if (!std::holds_alternative<complex_column>(data)) data = complex_column{};
  auto& col = std::get<complex_column>(data);
  if (col.deletion.deletes(c.value.timestamp)) return;
  auto less = [&](const complex_cell& a, const complex_cell& b) {
    return path_less(column_type, a, b);
  };
  auto it = std::lower_bound(col.cells.begin(), col.cells.end(), c, less);
  if (it != col.cells.end() && !less(c, *it)) {
    if (wins_over(c.value, it->value)) *it = std::move(c);
    return;
  }
  col.cells.insert(it, std::move(c));
}

void delete_collection(row& r, int slot, const deletion_time& d) {
  column_data& data = slot_of(r, slot);
  if (!std::holds_alternative<complex_column>(data)) data = complex_column{};
  auto& col = std::get<complex_column>(data);
  col.deletion.merge(d);
  purge_complex(col, col.deletion);
}

void write_liveness(row& r, const liveness_info& l, const deletion_time& shadowing) {
  if (shadowing.deletes(l.timestamp)) return;
  if (r.liveness.empty() || l.supersedes(r.liveness)) r.liveness = l;
}

void delete_row(row& r, const deletion_time& d) {
  r.deletion.merge(d);
  purge_row(r, r.deletion);
}

void delete_partition(partition& p, const deletion_time& d) {
  p.deletion.merge(d);
  purge_row(p.static_row, p.deletion);
  for (auto it = p.rows.begin(); it != p.rows.end();) {
    row& r = it->second;
    purge_row(r, p.deletion);
    if (p.deletion.supersedes(r.deletion)) r.deletion = {};  // redundant now
    if (r.has_no_data() && r.deletion.is_live()) {
      it = p.rows.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(p.range_tombstones,
                [&](const range_tombstone& rt) { return !rt.deletion.supersedes(p.deletion); });
}

void add_range_tombstone(partition& p, const clustering_order& order, range_tombstone rt) {
  if (!rt.deletion.supersedes(p.deletion)) return;
  for (auto& [key, r] : p.rows) {
    if (slice_contains(order, rt.slice, key.values)) purge_row(r, rt.deletion);
  }
  p.range_tombstones.push_back(std::move(rt));
}

deletion_time row_deletion(const partition& p, const clustering_order& order,
                           const clustering_key& key, const row& r) {
  deletion_time d = p.deletion;
  for (const auto& rt : p.range_tombstones) {
    if (rt.deletion.supersedes(d) && slice_contains(order, rt.slice, key.values)) {
      d = rt.deletion;
    }
  }
  d.merge(r.deletion);
  return d;
}

bool cell_visible(const cell& c, const deletion_time& shadowing, std::int32_t now) noexcept {
  return !shadowing.deletes(c.timestamp) && c.is_live(now);
}

bool row_is_live(const row& r, const deletion_time& shadowing, std::int32_t now) noexcept {
  if (r.liveness.is_live(now) && !shadowing.deletes(r.liveness.timestamp)) return true;
  for (const auto& col : r.columns) {
    if (const auto* c = std::get_if<cell>(&col)) {
      if (cell_visible(*c, shadowing, now)) return true;
    } else if (const auto* cc = std::get_if<complex_column>(&col)) {
      deletion_time d = shadowing;
      d.merge(cc->deletion);
      for (const auto& e : cc->cells) {
        if (cell_visible(e.value, d, now)) return true;
      }
    }
  }
  return false;
}

namespace {

void append_int(protocol::bytes& out, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  out.push_back(static_cast<std::uint8_t>(u >> 24));
  out.push_back(static_cast<std::uint8_t>(u >> 16));
  out.push_back(static_cast<std::uint8_t>(u >> 8));
  out.push_back(static_cast<std::uint8_t>(u));
}

void append_value(protocol::bytes& out, const protocol::bytes& v) {
  append_int(out, static_cast<std::int32_t>(v.size()));
  out.insert(out.end(), v.begin(), v.end());
}

}  // namespace

std::optional<protocol::bytes> serialize_collection(const protocol::data_type& column_type,
                                                    const complex_column& c,
                                                    const deletion_time& shadowing,
                                                    std::int32_t now) {
  deletion_time d = shadowing;
  d.merge(c.deletion);
  protocol::bytes out(4, 0);
  std::int32_t count = 0;
  for (const auto& e : c.cells) {
    if (!cell_visible(e.value, d, now)) continue;
    ++count;
    switch (column_type.id) {
      case protocol::type_id::list:
        append_value(out, e.value.value);
        break;
      case protocol::type_id::set:
        append_value(out, e.path);
        break;
      default:  // map
        append_value(out, e.path);
        append_value(out, e.value.value);
        break;
    }
  }
  if (count == 0) return std::nullopt;
  const auto u = static_cast<std::uint32_t>(count);
  out[0] = static_cast<std::uint8_t>(u >> 24);
  out[1] = static_cast<std::uint8_t>(u >> 16);
  out[2] = static_cast<std::uint8_t>(u >> 8);
  out[3] = static_cast<std::uint8_t>(u);
  return out;
}

}  // namespace cqlshift::sim::store
