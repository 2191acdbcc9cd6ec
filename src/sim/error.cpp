#include "cqlshift/sim/error.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>
#include <string>

namespace cqlshift::sim {

void throw_exception_from_error(const cql_error& e, const boost::source_location& loc) {
  boost::throw_exception(
      std::runtime_error(std::string(protocol::to_string(e.code)) + ": " + e.message), loc);
}

}  // namespace cqlshift::sim
