#include "executor_read.hpp"

#include <algorithm>
#include <utility>

namespace cqlshift::sim::exec {

namespace {

void fill_cell(fetched_cell& out, const store::row& r, int slot, const column_def& c,
               const store::deletion_time& shadowing, std::int32_t now) {
  if (slot < 0 || static_cast<std::size_t>(slot) >= r.columns.size()) return;
  const auto& data = r.columns[static_cast<std::size_t>(slot)];
  if (const auto* cell = std::get_if<store::cell>(&data)) {
    if (!store::cell_visible(*cell, shadowing, now)) return;
    out.ref = &cell->value;
    out.writetime = cell->timestamp;
    out.ttl = cell->ttl;
    out.expiry = cell->local_deletion_time;
  } else if (const auto* cc = std::get_if<store::complex_column>(&data)) {
    out.owned = store::serialize_collection(c.type, *cc, shadowing, now);
  }
}

bool is_partition_level(const column_def& c) noexcept {
  return c.kind == column_kind::partition_key || c.kind == column_kind::static_;
}

class reader {
 public:
  reader(const read_spec& spec, const std::function<void(fetched_row&)>& sink)
      : spec_(spec), t_(*spec.table), order_(*spec.storage->order()), sink_(sink) {
    for (const auto& f : spec_.filters) {
      (is_partition_level(t_.columns[f.column]) ? partition_filters_ : row_filters_).push_back(&f);
    }
  }

  read_outcome run() {
    if (spec_.limit <= 0) return out_;
    if (spec_.mode == where_plan::pk_mode::keys) {
      std::size_t start = 0;
      bool resuming = false;
      if (spec_.resume) {
        for (std::size_t i = 0; i < spec_.keys.size(); ++i) {
          if (spec_.keys[i].pos == spec_.resume->pos) {
            start = i;
            resuming = true;
            break;
          }
        }
      }
      for (std::size_t i = start; i < spec_.keys.size(); ++i) {
        const store::partition* p = spec_.storage->find(spec_.keys[i].pos);
        if (p == nullptr) continue;
        if (!process(spec_.keys[i].pos, *p, resuming && i == start)) break;
      }
      return out_;
    }
    auto& parts = spec_.storage->partitions;
    auto it = parts.begin();
    const bool token_mode = spec_.mode == where_plan::pk_mode::token;
    if (token_mode && spec_.range.empty) return out_;
    if (token_mode && spec_.range.start) {
      it = parts.lower_bound(store::partition_position{*spec_.range.start, {}});
    }
    if (spec_.resume) {
      auto r = parts.lower_bound(spec_.resume->pos);
      if (it == parts.end() || r == parts.end() || it->first < r->first) it = r;
    }
    for (; it != parts.end(); ++it) {
      if (token_mode) {
        const auto& range = spec_.range;
        if (range.end && (it->first.token > *range.end ||
                          (it->first.token == *range.end && !range.end_inclusive))) {
          break;
        }
        if (!range.contains(it->first.token)) continue;
      }
      const bool resumed = spec_.resume && it->first == spec_.resume->pos;
      if (!process(it->first, it->second, resumed)) break;
    }
    return out_;
  }

 private:
  // Returns false once the limit is reached.
  bool process(const store::partition_position& pos, const store::partition& p, bool resumed) {
    std::int64_t ppl = spec_.per_partition_limit;
    const std::vector<protocol::cql_value>* resume_ck = nullptr;
    if (resumed) {
      if (!spec_.resume->clustering || spec_.resume->remaining_in_partition <= 0) return true;
      ppl = spec_.resume->remaining_in_partition;
      resume_ck = &*spec_.resume->clustering;
    }

    store::deletion_time static_deletion = p.deletion;
    static_deletion.merge(p.static_row.deletion);
    for (const bound_filter* f : partition_filters_) {
      const column_def& c = t_.columns[f->column];
      protocol::cql_value v;
      if (c.kind == column_kind::partition_key) {
        v = p.key_values[static_cast<std::size_t>(c.position)];
      } else {
        fetched_cell fc;
        fill_cell(fc, p.static_row, spec_.slots[f->column], c, static_deletion, spec_.now);
        if (fc.present()) {
          auto d = protocol::decode_value(c.type, protocol::byte_view(*fc.get()),
                                          protocol::protocol_version::v4);
          if (d) v = std::move(*d);
        }
      }
      if (!filter_accepts(*f, c.type, v)) return true;
    }
    const bool static_live = store::row_is_live(p.static_row, static_deletion, spec_.now);

    if (spec_.distinct) {
      bool live = static_live;
      for (auto it = p.rows.begin(); !live && it != p.rows.end(); ++it) {
        live = store::row_is_live(it->second,
                                  store::row_deletion(p, order_, it->first, it->second), spec_.now);
      }
      if (!live) return true;
      return emit(pos, p, nullptr, nullptr, {}, static_deletion, 1);
    }

    std::int64_t in_partition = 0;
    bool any_live = false;
    auto visit = [&](const store::clustering_key& key, const store::row& r) -> int {
      const auto d = store::row_deletion(p, order_, key, r);
      if (!store::row_is_live(r, d, spec_.now)) return 0;
      any_live = true;
      fetched_row fr;
      build(fr, p, &key, &r, d, static_deletion);
      for (const bound_filter* f : row_filters_) {
        if (!filter_accepts(*f, t_.columns[f->column].type, row_value(fr, f->column))) return 0;
      }
      ++in_partition;
      if (!emit_built(pos, p, fr, ppl, in_partition)) return -1;  // limit reached
      return in_partition >= ppl ? 1 : 0;                          // partition done
    };

    const auto& rows = p.rows;
    const std::size_t n = spec_.slices.size();
    bool done = false;
    for (std::size_t si = 0; si < n && !done; ++si) {
      const auto& slice = spec_.slices[spec_.reversed ? n - 1 - si : si];
      auto lo = rows.lower_bound(store::prefix_position{&slice.prefix, false});
      auto hi = rows.upper_bound(store::prefix_position{&slice.prefix, true});
      if (resume_ck != nullptr) {
        if (!spec_.reversed) {
          auto r = rows.upper_bound(store::clustering_key{*resume_ck, {}});
          if (r == rows.end()) {
            lo = r;
          } else if (lo != rows.end() &&
                     order_.compare_prefix(lo->first.values, r->first.values) < 0) {
            lo = r;
          }
        } else {
          auto r = rows.lower_bound(store::clustering_key{*resume_ck, {}});
          if (hi == rows.end() || (r != rows.end() && order_.compare_prefix(r->first.values, hi->first.values) < 0)) {
            hi = r;
          }
        }
      }
      if (lo == rows.end() || (hi != rows.end() && order_.compare_prefix(hi->first.values, lo->first.values) <= 0)) {
        continue;
      }
      if (!spec_.reversed) {
        for (auto it = lo; it != hi; ++it) {
          if (!store::slice_contains(order_, slice, it->first.values)) continue;
          const int r = visit(it->first, it->second);
          if (r < 0) return false;
          if (r > 0) {
            done = true;
            break;
          }
        }
      } else {
        for (auto it = hi; it != lo;) {
          --it;
          if (!store::slice_contains(order_, slice, it->first.values)) continue;
          const int r = visit(it->first, it->second);
          if (r < 0) return false;
          if (r > 0) {
            done = true;
            break;
          }
        }
      }
    }
    if (in_partition == 0 && !any_live && resume_ck == nullptr &&
        spec_.static_content_for_empty && static_live) {
      return emit(pos, p, nullptr, nullptr, {}, static_deletion, ppl);
    }
    return true;
  }

  protocol::cql_value row_value(const fetched_row& fr, std::size_t column) const {
    const column_def& c = t_.columns[column];
    if (c.kind == column_kind::clustering && fr.clustering != nullptr) {
      return fr.clustering->values[static_cast<std::size_t>(c.position)];
    }
    return decoded_cell(t_, fr, column);
  }

  void build(fetched_row& fr, const store::partition& p, const store::clustering_key* key,
             const store::row* r, const store::deletion_time& row_del,
             const store::deletion_time& static_del) {
    fr.part = &p;
    fr.clustering = key;
    fr.cells.resize(t_.columns.size());
    for (std::size_t i = 0; i < t_.columns.size(); ++i) {
      const column_def& c = t_.columns[i];
      const bool needed = spec_.needed[i] ||
                          std::any_of(row_filters_.begin(), row_filters_.end(),
                                      [&](const bound_filter* f) { return f->column == i; });
      if (!needed) continue;
      auto& out = fr.cells[i];
      switch (c.kind) {
        case column_kind::partition_key:
          out.ref = &p.key_components[static_cast<std::size_t>(c.position)];
          break;
        case column_kind::clustering:
          if (key != nullptr) out.ref = &key->bytes[static_cast<std::size_t>(c.position)];
          break;
        case column_kind::regular:
          if (r != nullptr) fill_cell(out, *r, spec_.slots[i], c, row_del, spec_.now);
          break;
        case column_kind::static_:
          fill_cell(out, p.static_row, spec_.slots[i], c, static_del, spec_.now);
          break;
      }
    }
  }

  bool emit(const store::partition_position& pos, const store::partition& p,
            const store::clustering_key* key, const store::row* r,
            const store::deletion_time& row_del, const store::deletion_time& static_del,
            std::int64_t ppl) {
    fetched_row fr;
    build(fr, p, key, r, row_del, static_del);
    return emit_built(pos, p, fr, ppl, 1);
  }

  bool emit_built(const store::partition_position& pos, const store::partition& p,
                  fetched_row& fr, std::int64_t ppl, std::int64_t in_partition) {
    sink_(fr);
    ++out_.counted;
    out_.last_partition = &p;
    out_.last_pos = pos;
    if (fr.clustering != nullptr && !t_.clustering.empty()) {
      out_.last_clustering = fr.clustering->values;
    } else {
      out_.last_clustering.reset();
    }
    out_.counted_in_last_partition = in_partition;
    out_.per_partition_limit_of_last = ppl;
    return out_.counted < spec_.limit;
  }

  const read_spec& spec_;
  const table_def& t_;
  const store::clustering_order& order_;
  const std::function<void(fetched_row&)>& sink_;
  std::vector<const bound_filter*> partition_filters_;
  std::vector<const bound_filter*> row_filters_;
  read_outcome out_;
};

}  // namespace

read_outcome read_rows(const read_spec& spec, const std::function<void(fetched_row&)>& sink) {
  reader r(spec, sink);
  return r.run();
}

protocol::cql_value decoded_cell(const table_def& t, const fetched_row& r, std::size_t i) {
  if (i >= r.cells.size() || !r.cells[i].present()) return {};
  auto d = protocol::decode_value(t.columns[i].type, protocol::byte_view(*r.cells[i].get()),
                                  protocol::protocol_version::v4);
  return d ? std::move(*d) : protocol::cql_value{};
}

}  // namespace cqlshift::sim::exec
