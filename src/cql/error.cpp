#include "cqlshift/cql/error.hpp"

#include <string>

namespace cqlshift::cql {

const char* describe(errc e) noexcept {
  switch (e) {
    case errc::ok:
      return "ok";
    case errc::unterminated_string:
      return "unterminated string literal";
    case errc::unterminated_quoted_identifier:
      return "unterminated quoted identifier";
    case errc::unterminated_comment:
      return "unterminated comment";
    case errc::unexpected_character:
      return "unexpected character";
  }
  return "unknown cql error";
}

namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "cqlshift.cql"; }
  std::string message(int ev) const override { return describe(static_cast<errc>(ev)); }
};
}  // namespace

const boost::system::error_category& cql_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace cqlshift::cql
