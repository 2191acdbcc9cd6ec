#pragma once
// Latencies in nanoseconds in an HDR-style log-linear histogram: exact below 256 ns, then 128
// sub-buckets per power of two, so any recorded value is reported within 0.8% (its bucket's
// upper bound) while the whole range up to 2^64 ns fits in 7424 counters. Recording is an
// index computation and an increment; histograms of several connections add up.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cqlshift::bench {

class latency_histogram {
 public:
  static constexpr int sub_bits = 7;
  static constexpr std::uint64_t exact_limit = std::uint64_t{2} << sub_bits;  // 256
  static constexpr std::size_t bucket_count = exact_limit + (63 - sub_bits) * (1u << sub_bits);

  latency_histogram() : counts_(bucket_count, 0) {}

  void record(std::uint64_t ns) noexcept {
    ++counts_[index_of(ns)];
    ++total_;
    max_ = std::max(max_, ns);
  }

  void add(const latency_histogram& other) noexcept {
    for (std::size_t i = 0; i < bucket_count; ++i)
      counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_ = std::max(max_, other.max_);
  }

  std::uint64_t count() const noexcept { return total_; }
  std::uint64_t max() const noexcept { return max_; }

  // The smallest recorded value v such that `percent`% of the values are <= v (as its
  // bucket's upper bound, never above the largest value recorded); 0 when empty.
  std::uint64_t percentile(double percent) const noexcept {
    if (total_ == 0) return 0;
    const auto wanted = static_cast<std::uint64_t>(
        std::max(1.0, std::ceil(percent / 100.0 * static_cast<double>(total_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
      seen += counts_[i];
      if (seen >= wanted) return std::min(upper_bound_of(i), max_);
    }
    return max_;
  }

  static std::size_t index_of(std::uint64_t v) noexcept {
    if (v < exact_limit) return static_cast<std::size_t>(v);
    const int msb = 63 - std::countl_zero(v);  // >= sub_bits + 1
    const int shift = msb - sub_bits;          // >= 1
    const std::uint64_t top = v >> shift;      // 128 .. 255
    return static_cast<std::size_t>(exact_limit + (shift - 1) * (1u << sub_bits) +
                                    (top - (1u << sub_bits)));
  }

  static std::uint64_t upper_bound_of(std::size_t index) noexcept {
    if (index < exact_limit) return index;
    const std::size_t rest = index - exact_limit;
    const int shift = static_cast<int>(rest >> sub_bits) + 1;
    const std::uint64_t top = (rest & ((1u << sub_bits) - 1)) + (1u << sub_bits);
    return ((top + 1) << shift) - 1;
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace cqlshift::bench
