#include "cqlshift/sim/ast.hpp"

#include <type_traits>

namespace cqlshift::sim {

std::optional<qualified_name> target_of(const statement& s) {
  return std::visit(
      [](const auto& stmt) -> std::optional<qualified_name> {
        using type = std::decay_t<decltype(stmt)>;
        if constexpr (std::is_same_v<type, create_type_stmt> ||
                      std::is_same_v<type, drop_type_stmt>) {
          return stmt.type;
        } else if constexpr (requires { stmt.table; }) {
          return stmt.table;
        } else {
          return std::nullopt;
        }
      },
      s);
}

}  // namespace cqlshift::sim
