// Cassandra's comparators (db/marshal/*Type.compare), and the sorted form of sets and maps that
// follows from them.

#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/sim/values.hpp"
#include "values_impl.hpp"

#include <algorithm>
#include <cmath>

namespace cqlshift::sim {

namespace {

using protocol::byte_view;
using protocol::bytes;
using protocol::cql_list;
using protocol::cql_map;
using protocol::cql_value;
using protocol::data_type;
using protocol::type_id;

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_unsigned(byte_view a, byte_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return three_way(a.size(), b.size());
}

int compare_text(const std::string& a, const std::string& b) {
  return compare_unsigned(byte_view(reinterpret_cast<const std::uint8_t*>(a.data()), a.size()),
                          byte_view(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()));
}

// Two's complement big-endian integers of any length (IntegerType.compareIntegers).
int compare_varint(byte_view a, byte_view b) {
  const bytes ma = protocol::minimal_varint(a);
  const bytes mb = protocol::minimal_varint(b);
  const bool na = !ma.empty() && (ma[0] & 0x80) != 0;
  const bool nb = !mb.empty() && (mb[0] & 0x80) != 0;
  if (na != nb) return na ? -1 : 1;
  if (ma.size() != mb.size()) {
    const int by_length = three_way(ma.size(), mb.size());
    return na ? -by_length : by_length;
  }
  return compare_unsigned(ma, mb);  // same sign and length: bytes order like the numbers
}

// BigDecimal.compareTo: by value, whatever the scales (1.0 equals 1.00).
int compare_decimal(const protocol::decimal_value& a, const protocol::decimal_value& b) {
  struct parts {
    int sign;
    std::string digits;     // no leading or trailing zeros
    std::int64_t exponent;  // of the leading digit
  };
  const auto split = [](const protocol::decimal_value& d) {
    std::string s = protocol::varint_to_string(d.unscaled);
    parts p{1, {}, 0};
    if (!s.empty() && s[0] == '-') {
      p.sign = -1;
      s.erase(0, 1);
    }
    const std::size_t first = s.find_first_not_of('0');
    if (first == std::string::npos) return parts{0, {}, 0};
    p.exponent = static_cast<std::int64_t>(s.size() - first) - 1 - d.scale;
    s.erase(0, first);
    s.erase(s.find_last_not_of('0') + 1);
    p.digits = std::move(s);
    return p;
  };
  const parts pa = split(a);
  const parts pb = split(b);
  if (pa.sign != pb.sign) return three_way(pa.sign, pb.sign);
  if (pa.sign == 0) return 0;
  int c = three_way(pa.exponent, pb.exponent);
  if (c == 0) c = pa.digits.compare(pb.digits) < 0 ? -1 : (pa.digits == pb.digits ? 0 : 1);
  return pa.sign * c;
}

// Java's Double.compare / Float.compare: -0.0 before 0.0, NaN after everything and equal to NaN.
template <class F>
int compare_floating(F a, F b) {
  if (a < b) return -1;
  if (a > b) return 1;
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? (std::isnan(b) ? 0 : 1) : -1;
  return three_way(std::signbit(b), std::signbit(a));
}

std::uint64_t high_word(const protocol::uuid& u) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < 8; ++k)
    v = (v << 8) | u[k];
  return v;
}

std::uint64_t low_word(const protocol::uuid& u) {
  std::uint64_t v = 0;
  for (std::size_t k = 8; k < 16; ++k)
    v = (v << 8) | u[k];
  return v;
}

// TimeUUIDType.reorderTimestampBytes: the 60-bit time (version nibble on top) as a number.
std::uint64_t reordered_time(std::uint64_t msb) {
  return (msb << 48) | ((msb << 16) & 0xFFFF00000000ULL) | (msb >> 32);
}

int compare_timeuuid(const protocol::uuid& a, const protocol::uuid& b) {
  if (int c = three_way(reordered_time(high_word(a)), reordered_time(high_word(b)))) return c;
  // The clock sequence and node compare as signed bytes, for compatibility.
  for (std::size_t k = 8; k < 16; ++k) {
    if (a[k] != b[k]) {
      return three_way(static_cast<std::int8_t>(a[k]), static_cast<std::int8_t>(b[k]));
    }
  }
  return 0;
}

int compare_uuid(const protocol::uuid& a, const protocol::uuid& b) {
  const int va = protocol::uuid_version(a);
  const int vb = protocol::uuid_version(b);
  if (va != vb) return three_way(va, vb);
  const int c = va == 1 ? three_way(reordered_time(high_word(a)), reordered_time(high_word(b)))
                        : three_way(high_word(a), high_word(b));
  if (c != 0) return c;
  return three_way(low_word(a), low_word(b));
}

int compare_at(const data_type& t, const cql_value& a, const cql_value& b);

// ListType.compareListOrSet and MapType.compareMaps: element by element, then the size.
int compare_lists(const data_type& element, const cql_list& a, const cql_list& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (int c = compare_at(element, a[k], b[k])) return c;
  }
  return three_way(a.size(), b.size());
}

int compare_maps(const data_type& key, const data_type& val, const cql_map& a, const cql_map& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (int c = compare_at(key, a[k].first, b[k].first)) return c;
    if (int c = compare_at(val, a[k].second, b[k].second)) return c;
  }
  return three_way(a.size(), b.size());
}

// TupleType.compare: null fields first; missing trailing fields equal null ones.
int compare_fields(const std::vector<data_type>& types, const cql_list& a, const cql_list& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (a[k].is_null() || b[k].is_null()) {
      if (a[k].is_null() && b[k].is_null()) continue;
      return a[k].is_null() ? -1 : 1;
    }
    const data_type& ft = types[std::min(k, types.size() - 1)];
    if (int c = compare_at(ft, a[k], b[k])) return c;
  }
  for (std::size_t k = n; k < a.size(); ++k)
    if (!a[k].is_null()) return 1;
  for (std::size_t k = n; k < b.size(); ++k)
    if (!b[k].is_null()) return -1;
  return 0;
}

template <class T>
const T* get(const cql_value& v) {
  return std::get_if<T>(&v.v);
}

int compare_at(const data_type& t, const cql_value& a, const cql_value& b) {
  // Null (a missing element), then the empty value, then values.
  const auto rank = [](const cql_value& v) { return v.is_null() ? 0 : v.is_empty() ? 1 : 2; };
  if (rank(a) != 2 || rank(b) != 2) return three_way(rank(a), rank(b));
  if (a.v.index() != b.v.index()) return three_way(a.v.index(), b.v.index());
  switch (t.id) {
    case type_id::list:
    case type_id::set:
      if (t.params.size() == 1 && get<cql_list>(a)) {
        return compare_lists(t.params[0], *get<cql_list>(a), *get<cql_list>(b));
      }
      break;
    case type_id::map:
      if (t.params.size() == 2 && get<cql_map>(a)) {
        return compare_maps(t.params[0], t.params[1], *get<cql_map>(a), *get<cql_map>(b));
      }
      break;
    case type_id::tuple:
    case type_id::udt:
      if (!t.params.empty() && get<cql_list>(a)) {
        return compare_fields(t.params, *get<cql_list>(a), *get<cql_list>(b));
      }
      break;
    case type_id::uuid:
      if (get<protocol::uuid>(a))
        return compare_uuid(*get<protocol::uuid>(a), *get<protocol::uuid>(b));
      break;
    case type_id::timeuuid:
      if (get<protocol::uuid>(a)) {
        return compare_timeuuid(*get<protocol::uuid>(a), *get<protocol::uuid>(b));
      }
      break;
    case type_id::varint:
      if (get<bytes>(a)) return compare_varint(*get<bytes>(a), *get<bytes>(b));
      break;
    case type_id::duration: {
      // DurationType compares the serialized bytes.
      const auto ea = protocol::encode_value(t, a, protocol::protocol_version::v4);
      const auto eb = protocol::encode_value(t, b, protocol::protocol_version::v4);
      if (ea && eb) return compare_unsigned(*ea, *eb);
      break;
    }
    default:
      break;
  }
  if (const auto* x = get<std::string>(a)) return compare_text(*x, *get<std::string>(b));
  if (const auto* x = get<bytes>(a)) return compare_unsigned(*x, *get<bytes>(b));
  if (const auto* x = get<bool>(a)) return three_way(*x, *get<bool>(b));
  if (const auto* x = get<std::int8_t>(a)) return three_way(*x, *get<std::int8_t>(b));
  if (const auto* x = get<std::int16_t>(a)) return three_way(*x, *get<std::int16_t>(b));
  if (const auto* x = get<std::int32_t>(a)) return three_way(*x, *get<std::int32_t>(b));
  if (const auto* x = get<std::int64_t>(a)) return three_way(*x, *get<std::int64_t>(b));
  if (const auto* x = get<std::uint32_t>(a)) return three_way(*x, *get<std::uint32_t>(b));
  if (const auto* x = get<float>(a)) return compare_floating(*x, *get<float>(b));
  if (const auto* x = get<double>(a)) return compare_floating(*x, *get<double>(b));
  if (const auto* x = get<protocol::decimal_value>(a)) {
    return compare_decimal(*x, *get<protocol::decimal_value>(b));
  }
  if (const auto* x = get<protocol::uuid>(a)) {
    return compare_unsigned(*x, *get<protocol::uuid>(b));
  }
  if (const auto* x = get<protocol::inet>(a)) {
    return compare_unsigned(x->address, get<protocol::inet>(b)->address);
  }
  if (const auto* x = get<protocol::duration_value>(a)) {
    const auto* y = get<protocol::duration_value>(b);
    if (int c = three_way(x->months, y->months)) return c;
    if (int c = three_way(x->days, y->days)) return c;
    return three_way(x->nanoseconds, y->nanoseconds);
  }
  // A value whose shape does not follow its type: any consistent order will do.
  if (const auto* x = get<cql_list>(a)) {
    return compare_lists(data_type::of(type_id::blob), *x, *get<cql_list>(b));
  }
  if (const auto* x = get<cql_map>(a)) {
    const data_type blob = data_type::of(type_id::blob);
    return compare_maps(blob, blob, *x, *get<cql_map>(b));
  }
  return 0;
}

}  // namespace

int compare(const data_type& type, const cql_value& a, const cql_value& b) {
  return compare_at(type, a, b);
}

namespace detail {

cql_value canonical(const data_type& t, cql_value v) {
  if (auto* l = std::get_if<cql_list>(&v.v)) {
    if ((t.id == type_id::list || t.id == type_id::set) && t.params.size() == 1) {
      for (auto& e : *l)
        e = canonical(t.params[0], std::move(e));
      if (t.id == type_id::set) {
        const data_type& et = t.params[0];
        std::stable_sort(l->begin(), l->end(), [&](const cql_value& a, const cql_value& b) {
          return compare_at(et, a, b) < 0;
        });
        // TreeSet.add keeps the element already there.
        l->erase(std::unique(l->begin(), l->end(),
                             [&](const cql_value& a, const cql_value& b) {
                               return compare_at(et, a, b) == 0;
                             }),
                 l->end());
      }
    } else if (t.id == type_id::tuple || t.id == type_id::udt) {
      for (std::size_t k = 0; k < l->size() && k < t.params.size(); ++k)
        (*l)[k] = canonical(t.params[k], std::move((*l)[k]));
    }
  } else if (auto* m = std::get_if<cql_map>(&v.v);
             m && t.id == type_id::map && t.params.size() == 2) {
    for (auto& e : *m) {
      e.first = canonical(t.params[0], std::move(e.first));
      e.second = canonical(t.params[1], std::move(e.second));
    }
    const data_type& kt = t.params[0];
    std::stable_sort(m->begin(), m->end(), [&](const auto& a, const auto& b) {
      return compare_at(kt, a.first, b.first) < 0;
    });
    // TreeMap.put keeps the first key and the last value.
    cql_map out;
    out.reserve(m->size());
    for (auto& e : *m) {
      if (!out.empty() && compare_at(kt, out.back().first, e.first) == 0) {
        out.back().second = std::move(e.second);
      } else {
        out.push_back(std::move(e));
      }
    }
    *m = std::move(out);
  }
  return v;
}

}  // namespace detail

cql_value canonical_value(const data_type& type, cql_value v) {
  return detail::canonical(type, std::move(v));
}

}  // namespace cqlshift::sim
