// now() replacement (cql/now_rewrite.hpp). Input: CQL text.
// Properties: never crashes; finds calls exactly when the text lexes; the calls are in order,
// do not overlap, lie inside the text and each ends with ')'; their bind indexes rise by at
// least one per call; the text with markers lexes, has no call left and has one marker more
// per call; the text with literals lexes and has no call left either.

#include "cqlshift/cql/lexer.hpp"
#include "cqlshift/cql/now_rewrite.hpp"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace cqlshift::cql;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// The bind index a now() call appended after the text gets, i.e. the markers the text holds
// plus its calls; nullopt when the appended call is not read as one (an open comment, say).
std::optional<std::size_t> index_after(std::string_view cql, std::size_t calls) {
  auto found = find_now_calls(std::string(cql) + "\n now()");
  if (!found || found->calls.size() != calls + 1) return std::nullopt;
  return found->calls.back().bind_index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view cql(reinterpret_cast<const char*>(data), size);
  const auto found = find_now_calls(cql);
  check(found.has_value() == tokenize(cql).has_value());
  if (!found) return 0;
  std::size_t end = 0;
  std::size_t last_index = 0;
  for (std::size_t i = 0; i < found->calls.size(); ++i) {
    const now_call& c = found->calls[i];
    check(c.offset >= end && c.length >= 5 && c.offset + c.length <= cql.size());
    check(cql[c.offset + c.length - 1] == ')');
    check(i == 0 || c.bind_index > last_index);
    end = c.offset + c.length;
    last_index = c.bind_index;
  }
  if (found->calls.empty()) return 0;

  const std::string with_markers = replace_now_with_markers(cql, *found);
  const auto again = find_now_calls(with_markers);
  check(again.has_value() && again->calls.empty());
  // Each call became one marker: a call appended after both texts gets the same index. (With
  // named markers a ':' the text puts where only a map literal allows one reads otherwise;
  // such text is invalid CQL whatever the proxy does.)
  if (!found->named_markers) {
    const auto before = index_after(cql, found->calls.size());
    if (before) check(index_after(with_markers, 0) == before);
  }
  std::vector<std::string> literals(found->calls.size(), "5f7ac8c0-0000-1000-8000-000000000000");
  const auto literal = find_now_calls(replace_now_calls(cql, *found, literals));
  check(literal.has_value() && literal->calls.empty());
  return 0;
}
