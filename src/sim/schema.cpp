#include "cqlshift/sim/schema.hpp"

namespace cqlshift::sim {

const column_def* table_def::find(std::string_view column) const noexcept {
  for (const auto& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

std::optional<std::size_t> table_def::index_of(std::string_view column) const noexcept {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return i;
  }
  return std::nullopt;
}

protocol::data_type user_type_def::as_data_type() const {
  protocol::data_type t = protocol::data_type::of(protocol::type_id::udt);
  t.udt_keyspace = keyspace;
  t.udt_name = name;
  t.field_names = field_names;
  t.params = field_types;
  return t;
}

}  // namespace cqlshift::sim
