#pragma once
// Byte literals for golden bytes, shared by the protocol tests and the test tools (the fuzz
// seed generator), so this header has no gtest dependency.

#include "cqlshift/protocol/primitives.hpp"

#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cqlshift::protocol::test {

// The bytes of a string without any length prefix, so golden messages keep their length
// fields in hand-written hex and only the text in clear.
inline bytes text(std::string_view s) {
  return bytes(s.begin(), s.end());
}

// "00 01 ff" or "0001ff" -> bytes. Whitespace and '|' separators are ignored so golden
// bytes can be laid out field by field.
inline bytes hex(std::string_view text) {
  bytes out;
  int high = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '|') continue;
    int nibble;
    if (c >= '0' && c <= '9')
      nibble = c - '0';
    else if (c >= 'a' && c <= 'f')
      nibble = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      nibble = c - 'A' + 10;
    else
      throw std::invalid_argument("bad hex digit in test literal");
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + nibble));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits in test literal");
  return out;
}

inline std::string to_hex(byte_view b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s += digits[c >> 4];
    s += digits[c & 0xF];
  }
  return s;
}

// Deterministic incompressible bytes (a linear congruential generator), so tests that need
// noise are repeatable.
inline bytes pseudo_random(std::size_t n, std::uint32_t seed) {
  bytes out(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : out) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return out;
}

inline bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace cqlshift::protocol::test
