#include "workload.hpp"

#include "cqlshift/protocol/requests.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace cqlshift::bench {
namespace {

constexpr std::array<std::pair<std::string_view, workload>, 6> names = {{
    {"insert", workload::insert},
    {"select", workload::select},
    {"mix", workload::mix},
    {"insert-simple", workload::insert_simple},
    {"select-simple", workload::select_simple},
    {"mix-simple", workload::mix_simple},
}};

// Stands for the key while a prepared template is encoded, then found and patched.
constexpr std::uint64_t key_sentinel = 0x5A17C0DE'D15EA5E5ull;

protocol::bytes big_endian(std::uint64_t v) {
  protocol::bytes b(8);
  for (int i = 7; i >= 0; --i) {
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
  return b;
}

std::string hex(const protocol::bytes& b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * b.size());
  for (std::uint8_t x : b) {
    out += digits[x >> 4];
    out += digits[x & 0xF];
  }
  return out;
}

protocol::bytes frame_of(protocol::protocol_version v, const protocol::request& r) {
  auto body = protocol::encode_request(r, v);
  if (!body) throw std::runtime_error("cannot encode a request: " + body.error().message());
  protocol::frame_header h;
  h.version = raw(v);
  h.op = protocol::opcode_of(r);
  return protocol::encode_frame(h, *body);
}

}  // namespace

std::optional<workload> parse_workload(std::string_view name) {
  for (const auto& [n, w] : names)
    if (n == name) return w;
  return std::nullopt;
}

std::string_view to_string(workload w) noexcept {
  for (const auto& [n, x] : names)
    if (x == w) return n;
  return "?";
}

bool reads(workload w) noexcept {
  return w != workload::insert && w != workload::insert_simple;
}

bool writes(workload w) noexcept {
  return w != workload::select && w != workload::select_simple;
}

bool prepared(workload w) noexcept {
  return w == workload::insert || w == workload::select || w == workload::mix;
}

statements statements_for(const std::string& keyspace) {
  return {"CREATE KEYSPACE IF NOT EXISTS " + keyspace +
              " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
          "CREATE TABLE IF NOT EXISTS " + keyspace + ".kv (k bigint PRIMARY KEY, v blob)",
          "INSERT INTO " + keyspace + ".kv (k, v) VALUES (?, ?)",
          "SELECT v FROM " + keyspace + ".kv WHERE k = ?"};
}

simple_statement simple_insert(const std::string& keyspace, const protocol::bytes& value) {
  return {"INSERT INTO " + keyspace + ".kv (k, v) VALUES (", ", 0x" + hex(value) + ")"};
}

simple_statement simple_select(const std::string& keyspace) {
  return {"SELECT v FROM " + keyspace + ".kv WHERE k = ", ""};
}

request_template request_template::execute(protocol::protocol_version v, const protocol::bytes& id,
                                           const std::optional<protocol::bytes>& result_metadata_id,
                                           protocol::consistency cl, const protocol::bytes* value) {
  protocol::execute e;
  e.id = id;
  e.result_metadata_id = result_metadata_id;
  e.params.consistency_level = cl;
  e.params.skip_metadata = value == nullptr;  // reads: the columns are known from PREPARE
  std::vector<protocol::value> values{protocol::value::of(big_endian(key_sentinel))};
  if (value != nullptr) values.push_back(protocol::value::of(*value));
  e.params.values = std::move(values);
  request_template t;
  t.frame_ = frame_of(v, e);
  const protocol::bytes sentinel = big_endian(key_sentinel);
  const auto at = std::search(t.frame_.begin(), t.frame_.end(), sentinel.begin(), sentinel.end());
  if (at == t.frame_.end()) throw std::logic_error("the key is not in the EXECUTE frame");
  t.key_offset_ = static_cast<std::size_t>(at - t.frame_.begin());
  return t;
}

request_template request_template::query(protocol::protocol_version v, const std::string& prefix,
                                         const std::string& suffix, protocol::consistency cl) {
  protocol::query q;
  q.query_string = prefix + std::string(text_key_width, '0') + suffix;
  q.params.consistency_level = cl;
  request_template t;
  t.frame_ = frame_of(v, q);
  // Header, then the [long string]'s length, then the text.
  t.key_offset_ = protocol::header_size_for_raw_version(raw(v)) + 4 + prefix.size();
  t.text_key_ = true;
  return t;
}

void request_template::fill(std::int16_t stream, std::uint64_t key, protocol::bytes& out) const {
  out.assign(frame_.begin(), frame_.end());
  out[2] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(stream) >> 8);
  out[3] = static_cast<std::uint8_t>(stream);
  if (text_key_) {
    for (std::size_t i = text_key_width; i-- > 0;) {
      out[key_offset_ + i] = static_cast<std::uint8_t>('0' + key % 10);
      key /= 10;
    }
  } else {
    for (std::size_t i = 8; i-- > 0;) {
      out[key_offset_ + i] = static_cast<std::uint8_t>(key);
      key >>= 8;
    }
  }
}

}  // namespace cqlshift::bench
