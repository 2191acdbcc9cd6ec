#pragma once
// Column types as [option] (spec 4.2.5.2): an id, plus a class name for custom types and
// nested types for collections, tuples and UDTs. Shared by RESULT metadata and the value
// codecs.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::protocol {

enum class type_id : std::uint16_t {
  custom = 0x0000,
  ascii = 0x0001,
  bigint = 0x0002,
  blob = 0x0003,
  boolean = 0x0004,
  counter = 0x0005,
  decimal = 0x0006,
  double_ = 0x0007,
  float_ = 0x0008,
  int_ = 0x0009,
  text = 0x000A,  // v1/v2 only; varchar afterwards
  timestamp = 0x000B,
  uuid = 0x000C,
  varchar = 0x000D,
  varint = 0x000E,
  timeuuid = 0x000F,
  inet = 0x0010,
  date = 0x0011,
  time = 0x0012,
  smallint = 0x0013,
  tinyint = 0x0014,
  duration = 0x0015,
  list = 0x0020,
  map = 0x0021,
  set = 0x0022,
  udt = 0x0030,
  tuple = 0x0031,
};

// A bound on [option] nesting so a hostile frame cannot exhaust the stack
// (list<list<...>> 10,000 deep). Real schemas nest a handful of levels.
inline constexpr int max_type_nesting = 64;

struct data_type {
  type_id id = type_id::blob;
  std::string custom_class;              // custom
  std::vector<data_type> params;         // list/set: 1, map: 2, tuple: n, udt: field types
  std::string udt_keyspace;              // udt
  std::string udt_name;                  // udt
  std::vector<std::string> field_names;  // udt, parallel to params

  static data_type of(type_id id) { return data_type{id, {}, {}, {}, {}, {}}; }
  static data_type list_of(data_type element);
  static data_type set_of(data_type element);
  static data_type map_of(data_type key, data_type val);
  static data_type tuple_of(std::vector<data_type> elements);

  bool operator==(const data_type&) const = default;
};

// CQL spelling: "int", "list<text>", "frozen" is not tracked by the protocol.
std::string to_cql(const data_type& t);

// Reads an [option]; unknown ids fail with unknown_type, depth past max_type_nesting with
// nesting_too_deep.
data_type read_data_type(reader& r);
void write_data_type(const data_type& t, writer& w);

}  // namespace cqlshift::protocol
