// Combining the two responses to a request sent to both clusters (SPEC.md section 4): every
// pair of outcomes under either primary.

#include "cqlshift/proxy/combine.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cqlshift::proxy {
namespace {

constexpr outcome ok{false};
constexpr outcome error{true};

TEST(Combine, EveryOutcomeUnderEitherPrimary) {
  const struct {
    outcome origin;
    outcome target;
    cluster primary;
    combined want;
  } rows[] = {
      // Both succeeded: the primary's response.
      {ok, ok, cluster::origin, {cluster::origin, failed_on::none}},
      {ok, ok, cluster::target, {cluster::target, failed_on::none}},
      // One failed: that cluster's error, whichever is primary.
      {error, ok, cluster::origin, {cluster::origin, failed_on::origin}},
      {error, ok, cluster::target, {cluster::origin, failed_on::origin}},
      {ok, error, cluster::origin, {cluster::target, failed_on::target}},
      {ok, error, cluster::target, {cluster::target, failed_on::target}},
      // Both failed: the primary's error.
      {error, error, cluster::origin, {cluster::origin, failed_on::both}},
      {error, error, cluster::target, {cluster::target, failed_on::both}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string("origin ") + (r.origin.error ? "error" : "ok") + ", target " +
                 (r.target.error ? "error" : "ok") + ", primary " +
                 std::string(to_string(r.primary)));
    const combined got = combine(r.origin, r.target, r.primary);
    EXPECT_EQ(to_string(got.answer_from), to_string(r.want.answer_from));
    EXPECT_EQ(to_string(got.failure), to_string(r.want.failure));
    EXPECT_EQ(got, r.want);
  }
}

TEST(Combine, FailedOnMetricLabels) {
  EXPECT_EQ(to_string(failed_on::origin), "origin");
  EXPECT_EQ(to_string(failed_on::target), "target");
  EXPECT_EQ(to_string(failed_on::both), "both");
  EXPECT_EQ(to_string(failed_on::none), "none");
}

}  // namespace
}  // namespace cqlshift::proxy
