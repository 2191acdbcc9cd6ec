#pragma once
// The notation of the native protocol spec, section 3: [int], [string], [bytes], [value], ...
// `reader` is a bounds-checked cursor with a sticky error: after the first failure every read
// returns an empty value and the error stays, so a decoder reads all its fields and checks
// once. Counts are validated against the bytes left before anything is allocated, so a
// hostile length can never make a decoder reserve more than the input could hold.

#include "cqlshift/protocol/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cqlshift::protocol {

using bytes = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;
using uuid = std::array<std::uint8_t, 16>;
using string_map = std::vector<std::pair<std::string, std::string>>;  // wire order kept
using string_multimap = std::vector<std::pair<std::string, std::vector<std::string>>>;
using bytes_map = std::vector<std::pair<std::string, bytes>>;  // custom payloads; null -> empty

enum class consistency : std::uint16_t {
  any = 0x0000,
  one = 0x0001,
  two = 0x0002,
  three = 0x0003,
  quorum = 0x0004,
  all = 0x0005,
  local_quorum = 0x0006,
  each_quorum = 0x0007,
  serial = 0x0008,
  local_serial = 0x0009,
  local_one = 0x000A,
};
std::string_view to_string(consistency c) noexcept;

// [value]: bytes, or null (-1), or unset (-2, v4+).
enum class value_kind : std::uint8_t { set, null, unset };
struct value {
  value_kind kind = value_kind::set;
  bytes data;

  static value null_value() { return {value_kind::null, {}}; }
  static value unset_value() { return {value_kind::unset, {}}; }
  static value of(bytes b) { return {value_kind::set, std::move(b)}; }
  bool operator==(const value&) const = default;
};

// [inet]: an address of 4 or 16 bytes and a port.
struct inet {
  bytes address;
  std::int32_t port = 0;
  bool operator==(const inet&) const = default;
};
std::string to_string(const inet& i);

bool is_valid_utf8(std::string_view s) noexcept;

class reader {
 public:
  explicit reader(byte_view data) noexcept : data_(data) {}

  std::uint8_t read_byte() noexcept;
  std::uint16_t read_short() noexcept;
  std::int32_t read_int() noexcept;
  std::int64_t read_long() noexcept;
  std::uint64_t read_unsigned_vint() noexcept;
  std::int64_t read_vint() noexcept;  // zigzag-encoded
  std::string read_string();          // [short] n + n UTF-8 bytes
  std::string read_long_string();     // [int] n + n UTF-8 bytes
  uuid read_uuid() noexcept;
  std::vector<std::string> read_string_list();
  // [int] n + n bytes; -1 is null. The spec calls any negative n null, but every driver and
  // server writes -1, and refusing the rest (negative_length) keeps decode-then-encode
  // byte-identical, which a proxy that forwards what it decoded relies on.
  std::optional<bytes> read_bytes();
  bytes read_short_bytes();  // [short] n + n bytes
  value read_value();        // [int] n: n >= 0 bytes, -1 null, -2 unset
  inet read_inet();          // [byte] size + address + [int] port
  bytes read_inetaddr();     // [byte] size + address
  consistency read_consistency() noexcept;
  string_map read_string_map();
  string_multimap read_string_multimap();
  bytes_map read_bytes_map();
  byte_view read_raw(std::size_t n) noexcept;  // a view into the input, no copy

  // Reads a [short] count and checks that `count * min_element_size` bytes are left.
  std::size_t read_short_count(std::size_t min_element_size) noexcept;
  // Reads an [int] count (negative is an error) and checks it the same way.
  std::size_t read_int_count(std::size_t min_element_size) noexcept;
  // Fails with length_out_of_bounds unless `count * min_element_size` bytes are left.
  bool check_count(std::uint64_t count, std::size_t min_element_size) noexcept;

  std::size_t remaining() const noexcept { return ok() ? data_.size() - pos_ : 0; }
  std::size_t position() const noexcept { return pos_; }
  byte_view rest() const noexcept { return data_.subspan(ok() ? pos_ : data_.size()); }
  bool empty() const noexcept { return remaining() == 0; }
  bool ok() const noexcept { return error_ == errc::ok; }
  errc error() const noexcept { return error_; }
  // Records the first error; later ones are ignored so the root cause is reported.
  void fail(errc e) noexcept {
    if (error_ == errc::ok) error_ = e;
  }
  // The common end of every decoder: the reader's error, else trailing_bytes if any left.
  errc finish() noexcept {
    if (ok() && pos_ != data_.size()) fail(errc::trailing_bytes);
    return error_;
  }

 private:
  bool need(std::size_t n, errc if_short) noexcept;

  byte_view data_;
  std::size_t pos_ = 0;
  errc error_ = errc::ok;
};

// Appends to a byte vector it does not own. Like `reader`, it has a sticky error: a value
// that does not fit its length prefix ([string] over 65535 bytes, ...) records
// value_too_large and the caller checks ok() once at the end.
class writer {
 public:
  explicit writer(bytes& out) noexcept : out_(out) {}

  void write_byte(std::uint8_t v);
  void write_short(std::uint16_t v);
  void write_int(std::int32_t v);
  void write_long(std::int64_t v);
  void write_unsigned_vint(std::uint64_t v);
  void write_vint(std::int64_t v);
  void write_string(std::string_view s);
  void write_long_string(std::string_view s);
  void write_uuid(const uuid& u);
  void write_string_list(const std::vector<std::string>& l);
  void write_bytes(const std::optional<bytes>& b);
  void write_bytes(byte_view b);  // never null
  void write_null_bytes();
  void write_short_bytes(byte_view b);
  void write_value(const value& v);
  void write_inet(const inet& i);
  void write_inetaddr(byte_view address);
  void write_consistency(consistency c);
  void write_string_map(const string_map& m);
  void write_string_multimap(const string_multimap& m);
  void write_bytes_map(const bytes_map& m);
  void write_raw(byte_view b);
  void write_short_count(std::size_t n);  // fails with value_too_large above 65535

  // Overwrites 4 bytes at `pos` (for lengths known only after the body is written).
  void patch_int(std::size_t pos, std::int32_t v) noexcept;

  std::size_t size() const noexcept { return out_.size(); }
  bool ok() const noexcept { return error_ == errc::ok; }
  errc error() const noexcept { return error_; }
  void fail(errc e) noexcept {
    if (error_ == errc::ok) error_ = e;
  }

 private:
  bytes& out_;
  errc error_ = errc::ok;
};

}  // namespace cqlshift::protocol
