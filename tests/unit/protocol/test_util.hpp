#pragma once
// Helpers shared by the protocol tests: errc printing and checks, plus the byte literals of
// test_bytes.hpp.

#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "test_bytes.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace cqlshift::protocol {
// gtest prints errc values by name in failure messages.
inline void PrintTo(errc e, std::ostream* os) {
  *os << "errc(" << describe(e) << ")";
}
}  // namespace cqlshift::protocol

namespace cqlshift::protocol::test {

// The error of a result as an errc, or errc::ok.
template <class T>
errc error_of(const result<T>& r) {
  if (r) return errc::ok;
  EXPECT_EQ(&r.error().category(), &protocol_category());
  return static_cast<errc>(r.error().value());
}

}  // namespace cqlshift::protocol::test
