#pragma once
// What cqlshift-bench sends: the schema it creates, and per workload the request frames, built
// once as templates whose stream id and key are patched in place for every request (no
// encoding, no allocation beyond the copy handed to the connection).

#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::bench {

enum class workload { insert, select, mix, insert_simple, select_simple, mix_simple };

std::optional<workload> parse_workload(std::string_view name);
std::string_view to_string(workload w) noexcept;
bool reads(workload w) noexcept;   // select or mix
bool writes(workload w) noexcept;  // insert or mix
bool prepared(workload w) noexcept;

// The statements of the benchmark table `KEYSPACE.kv (k bigint PRIMARY KEY, v blob)`.
struct statements {
  std::string create_keyspace;
  std::string create_table;
  std::string insert;  // with bind markers
  std::string select;
};
statements statements_for(const std::string& keyspace);

// One request frame with a slot for the key: the stream id at bytes 2-3 of the header, the
// key at `key_offset` (8 bytes big-endian for prepared statements, text_key_width decimal
// digits in simple ones).
class request_template {
 public:
  request_template() = default;
  // A prepared EXECUTE of `id` with the key and, when `value` is set, the value as variables.
  static request_template execute(protocol::protocol_version v, const protocol::bytes& id,
                                  const std::optional<protocol::bytes>& result_metadata_id,
                                  protocol::consistency cl, const protocol::bytes* value);
  // A QUERY of `prefix` KEY `suffix`, KEY being the key in text_key_width digits.
  static request_template query(protocol::protocol_version v, const std::string& prefix,
                                const std::string& suffix, protocol::consistency cl);

  // The frame for `stream` and `key`, written into `out` (resized to fit).
  void fill(std::int16_t stream, std::uint64_t key, protocol::bytes& out) const;
  bool empty() const noexcept { return frame_.empty(); }

 private:
  protocol::bytes frame_;
  std::size_t key_offset_ = 0;
  bool text_key_ = false;
};

// Simple statements: the text before and after the key (the key itself is written as
// text_key_width digits, zero padded: a bigint literal).
inline constexpr std::size_t text_key_width = 19;
struct simple_statement {
  std::string prefix;
  std::string suffix;
};
simple_statement simple_insert(const std::string& keyspace, const protocol::bytes& value);
simple_statement simple_select(const std::string& keyspace);

}  // namespace cqlshift::bench
