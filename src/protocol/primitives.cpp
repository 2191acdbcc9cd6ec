#include "cqlshift/protocol/primitives.hpp"

#include <bit>
#include <cstring>
#include <limits>

namespace cqlshift::protocol {

std::string_view to_string(consistency c) noexcept {
  switch (c) {
    case consistency::any:
      return "ANY";
    case consistency::one:
      return "ONE";
    case consistency::two:
      return "TWO";
    case consistency::three:
      return "THREE";
    case consistency::quorum:
      return "QUORUM";
    case consistency::all:
      return "ALL";
    case consistency::local_quorum:
      return "LOCAL_QUORUM";
    case consistency::each_quorum:
      return "EACH_QUORUM";
    case consistency::serial:
      return "SERIAL";
    case consistency::local_serial:
      return "LOCAL_SERIAL";
    case consistency::local_one:
      return "LOCAL_ONE";
  }
  return "UNKNOWN";
}

std::string to_string(const inet& i) {
  std::string out;
  if (i.address.size() == 4) {
    for (std::size_t k = 0; k < 4; ++k) {
      if (k) out += '.';
      out += std::to_string(i.address[k]);
    }
  } else {
    static constexpr char hex[] = "0123456789abcdef";
    out += '[';
    for (std::size_t k = 0; k < i.address.size(); ++k) {
      if (k && k % 2 == 0) out += ':';
      out += hex[i.address[k] >> 4];
      out += hex[i.address[k] & 0xF];
    }
    out += ']';
  }
  out += ':';
  out += std::to_string(i.port);
  return out;
}

bool is_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[k] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------- reader

bool reader::need(std::size_t n, errc if_short) noexcept {
  if (!ok()) return false;
  if (data_.size() - pos_ < n) {
    fail(if_short);
    return false;
  }
  return true;
}

std::uint8_t reader::read_byte() noexcept {
  if (!need(1, errc::truncated)) return 0;
  return data_[pos_++];
}

std::uint16_t reader::read_short() noexcept {
  if (!need(2, errc::truncated)) return 0;
  std::uint16_t v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::int32_t reader::read_int() noexcept {
  if (!need(4, errc::truncated)) return 0;
  std::uint32_t v = 0;
  for (int k = 0; k < 4; ++k)
    v = (v << 8) | data_[pos_ + k];
  pos_ += 4;
  return static_cast<std::int32_t>(v);
}

std::int64_t reader::read_long() noexcept {
  if (!need(8, errc::truncated)) return 0;
  std::uint64_t v = 0;
  for (int k = 0; k < 8; ++k)
    v = (v << 8) | data_[pos_ + k];
  pos_ += 8;
  return static_cast<std::int64_t>(v);
}

std::uint64_t reader::read_unsigned_vint() noexcept {
  if (!need(1, errc::truncated)) return 0;
  std::uint8_t first = data_[pos_];
  int extra = std::countl_one(first);
  if (!need(1 + static_cast<std::size_t>(extra), errc::truncated)) return 0;
  std::uint64_t v = extra == 8 ? 0 : (first & (0xFFu >> extra));
  for (int k = 1; k <= extra; ++k)
    v = (v << 8) | data_[pos_ + k];
  pos_ += 1 + static_cast<std::size_t>(extra);
  return v;
}

std::int64_t reader::read_vint() noexcept {
  std::uint64_t u = read_unsigned_vint();
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::string reader::read_string() {
  std::uint16_t n = read_short();
  if (!need(n, errc::length_out_of_bounds)) return {};
  std::string s(reinterpret_cast<const char*>(data_.data() + pos_), n);
  pos_ += n;
  if (!is_valid_utf8(s)) {
    fail(errc::invalid_utf8);
    return {};
  }
  return s;
}

std::string reader::read_long_string() {
  std::int32_t n = read_int();
  if (!ok()) return {};
  if (n < 0) {
    fail(errc::negative_length);
    return {};
  }
  if (!need(static_cast<std::size_t>(n), errc::length_out_of_bounds)) return {};
  std::string s(reinterpret_cast<const char*>(data_.data() + pos_), static_cast<std::size_t>(n));
  pos_ += static_cast<std::size_t>(n);
  if (!is_valid_utf8(s)) {
    fail(errc::invalid_utf8);
    return {};
  }
  return s;
}

uuid reader::read_uuid() noexcept {
  uuid u{};
  if (!need(16, errc::truncated)) return u;
  std::memcpy(u.data(), data_.data() + pos_, 16);
  pos_ += 16;
  return u;
}

std::vector<std::string> reader::read_string_list() {
  std::size_t n = read_short_count(2);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t k = 0; k < n && ok(); ++k)
    out.push_back(read_string());
  if (!ok()) out.clear();
  return out;
}

std::optional<bytes> reader::read_bytes() {
  std::int32_t n = read_int();
  if (!ok() || n == -1) return std::nullopt;
  if (n < 0) {
    fail(errc::negative_length);
    return std::nullopt;
  }
  if (!need(static_cast<std::size_t>(n), errc::length_out_of_bounds)) return std::nullopt;
  bytes b(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
          data_.begin() + static_cast<std::ptrdiff_t>(pos_) + n);
  pos_ += static_cast<std::size_t>(n);
  return b;
}

bytes reader::read_short_bytes() {
  std::uint16_t n = read_short();
  if (!need(n, errc::length_out_of_bounds)) return {};
  bytes b(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
          data_.begin() + static_cast<std::ptrdiff_t>(pos_) + n);
  pos_ += n;
  return b;
}

value reader::read_value() {
  std::int32_t n = read_int();
  if (!ok()) return {};
  if (n == -1) return value::null_value();
  if (n == -2) return value::unset_value();
  if (n < 0) {
    fail(errc::negative_length);
    return {};
  }
  if (!need(static_cast<std::size_t>(n), errc::length_out_of_bounds)) return {};
  value v;
  v.data.assign(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
                data_.begin() + static_cast<std::ptrdiff_t>(pos_) + n);
  pos_ += static_cast<std::size_t>(n);
  return v;
}

bytes reader::read_inetaddr() {
  std::uint8_t n = read_byte();
  if (!ok()) return {};
  if (n != 4 && n != 16) {
    fail(errc::invalid_value);
    return {};
  }
  if (!need(n, errc::length_out_of_bounds)) return {};
  bytes b(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
          data_.begin() + static_cast<std::ptrdiff_t>(pos_) + n);
  pos_ += n;
  return b;
}

inet reader::read_inet() {
  inet i;
  i.address = read_inetaddr();
  i.port = read_int();
  if (!ok()) return {};
  return i;
}

consistency reader::read_consistency() noexcept {
  std::uint16_t c = read_short();
  if (ok() && c > static_cast<std::uint16_t>(consistency::local_one)) {
    fail(errc::unknown_consistency);
    return consistency::any;
  }
  return static_cast<consistency>(c);
}

string_map reader::read_string_map() {
  std::size_t n = read_short_count(4);
  string_map m;
  m.reserve(n);
  for (std::size_t k = 0; k < n && ok(); ++k) {
    std::string key = read_string();
    std::string val = read_string();
    m.emplace_back(std::move(key), std::move(val));
  }
  if (!ok()) m.clear();
  return m;
}

string_multimap reader::read_string_multimap() {
  std::size_t n = read_short_count(4);
  string_multimap m;
  m.reserve(n);
  for (std::size_t k = 0; k < n && ok(); ++k) {
    std::string key = read_string();
    std::vector<std::string> vals = read_string_list();
    m.emplace_back(std::move(key), std::move(vals));
  }
  if (!ok()) m.clear();
  return m;
}

bytes_map reader::read_bytes_map() {
  std::size_t n = read_short_count(6);
  bytes_map m;
  m.reserve(n);
  for (std::size_t k = 0; k < n && ok(); ++k) {
    std::string key = read_string();
    std::optional<bytes> val = read_bytes();
    m.emplace_back(std::move(key), val ? std::move(*val) : bytes{});
  }
  if (!ok()) m.clear();
  return m;
}

byte_view reader::read_raw(std::size_t n) noexcept {
  if (!need(n, errc::length_out_of_bounds)) return {};
  byte_view v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

bool reader::check_count(std::uint64_t count, std::size_t min_element_size) noexcept {
  if (!ok()) return false;
  std::uint64_t left = data_.size() - pos_;
  if (min_element_size != 0 && count > left / min_element_size) {
    fail(errc::length_out_of_bounds);
    return false;
  }
  return true;
}

std::size_t reader::read_short_count(std::size_t min_element_size) noexcept {
  std::uint16_t n = read_short();
  return check_count(n, min_element_size) ? n : 0;
}

std::size_t reader::read_int_count(std::size_t min_element_size) noexcept {
  std::int32_t n = read_int();
  if (!ok()) return 0;
  if (n < 0) {
    fail(errc::negative_length);
    return 0;
  }
  return check_count(static_cast<std::uint64_t>(n), min_element_size) ? static_cast<std::size_t>(n)
                                                                      : 0;
}

// ---------------------------------------------------------------------------- writer

void writer::write_byte(std::uint8_t v) {
  out_.push_back(v);
}

void writer::write_short(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
}

void writer::write_int(std::int32_t v) {
  auto u = static_cast<std::uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8)
    out_.push_back(static_cast<std::uint8_t>(u >> shift));
}

void writer::write_long(std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8)
    out_.push_back(static_cast<std::uint8_t>(u >> shift));
}

void writer::write_unsigned_vint(std::uint64_t v) {
  // Size in bytes: 1 + one extra byte per 7 significant bits beyond the first 7, capped at 9.
  int bits = 64 - std::countl_zero(v | 1);
  int extra = bits <= 7 ? 0 : std::min(8, (bits - 1) / 7);
  if (extra == 8) {
    out_.push_back(0xFF);
  } else {
    auto first = static_cast<std::uint8_t>((0xFF00u >> extra) & 0xFF);
    out_.push_back(static_cast<std::uint8_t>(first | (v >> (8 * extra))));
  }
  for (int k = extra - 1; k >= 0; --k)
    out_.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
}

void writer::write_vint(std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  write_unsigned_vint((u << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void writer::write_string(std::string_view s) {
  if (s.size() > std::numeric_limits<std::uint16_t>::max()) {
    fail(errc::value_too_large);
    return;
  }
  write_short(static_cast<std::uint16_t>(s.size()));
  out_.insert(out_.end(), s.begin(), s.end());
}

void writer::write_long_string(std::string_view s) {
  if (s.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    fail(errc::value_too_large);
    return;
  }
  write_int(static_cast<std::int32_t>(s.size()));
  out_.insert(out_.end(), s.begin(), s.end());
}

void writer::write_uuid(const uuid& u) {
  out_.insert(out_.end(), u.begin(), u.end());
}

void writer::write_string_list(const std::vector<std::string>& l) {
  write_short_count(l.size());
  for (const auto& s : l)
    write_string(s);
}

void writer::write_bytes(const std::optional<bytes>& b) {
  if (!b) {
    write_null_bytes();
    return;
  }
  write_bytes(byte_view(*b));
}

void writer::write_bytes(byte_view b) {
  if (b.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    fail(errc::value_too_large);
    return;
  }
  write_int(static_cast<std::int32_t>(b.size()));
  write_raw(b);
}

void writer::write_null_bytes() {
  write_int(-1);
}

void writer::write_short_bytes(byte_view b) {
  if (b.size() > std::numeric_limits<std::uint16_t>::max()) {
    fail(errc::value_too_large);
    return;
  }
  write_short(static_cast<std::uint16_t>(b.size()));
  write_raw(b);
}

void writer::write_value(const value& v) {
  switch (v.kind) {
    case value_kind::null:
      write_int(-1);
      return;
    case value_kind::unset:
      write_int(-2);
      return;
    case value_kind::set:
      write_bytes(byte_view(v.data));
      return;
  }
}

void writer::write_inetaddr(byte_view address) {
  if (address.size() != 4 && address.size() != 16) {
    fail(errc::invalid_value);
    return;
  }
  write_byte(static_cast<std::uint8_t>(address.size()));
  write_raw(address);
}

void writer::write_inet(const inet& i) {
  write_inetaddr(i.address);
  write_int(i.port);
}

void writer::write_consistency(consistency c) {
  write_short(static_cast<std::uint16_t>(c));
}

void writer::write_string_map(const string_map& m) {
  write_short_count(m.size());
  for (const auto& [k, v] : m) {
    write_string(k);
    write_string(v);
  }
}

void writer::write_string_multimap(const string_multimap& m) {
  write_short_count(m.size());
  for (const auto& [k, v] : m) {
    write_string(k);
    write_string_list(v);
  }
}

void writer::write_bytes_map(const bytes_map& m) {
  write_short_count(m.size());
  for (const auto& [k, v] : m) {
    write_string(k);
    write_bytes(byte_view(v));
  }
}

void writer::write_raw(byte_view b) {
  out_.insert(out_.end(), b.begin(), b.end());
}

void writer::write_short_count(std::size_t n) {
  if (n > std::numeric_limits<std::uint16_t>::max()) {
    fail(errc::value_too_large);
    return;
  }
  write_short(static_cast<std::uint16_t>(n));
}

void writer::patch_int(std::size_t pos, std::int32_t v) noexcept {
  if (pos + 4 > out_.size()) {
    fail(errc::truncated);
    return;
  }
  auto u = static_cast<std::uint32_t>(v);
  for (int k = 0; k < 4; ++k)
    out_[pos + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(u >> (24 - 8 * k));
}

}  // namespace cqlshift::protocol
