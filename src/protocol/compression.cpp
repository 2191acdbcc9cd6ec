#include "cqlshift/protocol/compression.hpp"

#include <lz4.h>
#include <snappy.h>

#include <climits>
#include <cstddef>

namespace cqlshift::protocol {
namespace {

constexpr std::size_t lz4_length_prefix = 4;
// No LZ4 block expands more than 255-fold: every output byte beyond a sequence's few fixed
// ones costs an input byte (a literal) or is one of the 255 a length byte adds.
constexpr std::uint64_t lz4_max_expansion = 255;

const char* as_chars(const std::uint8_t* p) noexcept {
  return reinterpret_cast<const char*>(p);
}
char* as_chars(std::uint8_t* p) noexcept {
  return reinterpret_cast<char*>(p);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != b[i]) return false;
  }
  return true;
}

result<bytes> compress_lz4(byte_view body) {
  if (body.size() > LZ4_MAX_INPUT_SIZE) return errc::value_too_large;
  const int src_size = static_cast<int>(body.size());
  const int bound = LZ4_compressBound(src_size);
  bytes out;
  out.reserve(lz4_length_prefix + static_cast<std::size_t>(bound));
  writer w(out);
  w.write_int(static_cast<std::int32_t>(body.size()));
  out.resize(lz4_length_prefix + static_cast<std::size_t>(bound));
  const int n = LZ4_compress_default(as_chars(body.data()),
                                     as_chars(out.data() + lz4_length_prefix), src_size, bound);
  // With a compressBound-sized output LZ4 cannot fail; this guards the contract anyway.
  if (n <= 0) return errc::value_too_large;
  out.resize(lz4_length_prefix + static_cast<std::size_t>(n));
  return out;
}

result<bytes> decompress_lz4(byte_view body, std::uint32_t max_size) {
  reader r(body);
  const auto declared = static_cast<std::uint32_t>(r.read_int());
  if (!r.ok()) return errc::decompression_failed;
  if (declared > max_size) return errc::decompressed_too_large;
  const byte_view block = r.rest();
  if (declared > block.size() * lz4_max_expansion || declared > INT_MAX || block.size() > INT_MAX) {
    return errc::decompression_failed;
  }
  bytes out(declared);
  const int n = LZ4_decompress_safe(as_chars(block.data()), as_chars(out.data()),
                                    static_cast<int>(block.size()), static_cast<int>(declared));
  if (n < 0 || static_cast<std::uint32_t>(n) != declared) return errc::decompression_failed;
  return out;
}

result<bytes> compress_snappy(byte_view body) {
  bytes out(snappy::MaxCompressedLength(body.size()));
  std::size_t n = 0;
  snappy::RawCompress(as_chars(body.data()), body.size(), as_chars(out.data()), &n);
  out.resize(n);
  return out;
}

result<bytes> decompress_snappy(byte_view body, std::uint32_t max_size) {
  const char* data = as_chars(body.data());
  std::size_t declared = 0;
  if (!snappy::GetUncompressedLength(data, body.size(), &declared)) {
    return errc::decompression_failed;
  }
  if (declared > max_size) return errc::decompressed_too_large;
  // Validation walks the whole input without allocating, so a lying length costs nothing.
  if (!snappy::IsValidCompressedBuffer(data, body.size())) return errc::decompression_failed;
  bytes out(declared);
  if (!snappy::RawUncompress(data, body.size(), as_chars(out.data()))) {
    return errc::decompression_failed;
  }
  return out;
}

}  // namespace

std::optional<compression_algorithm> parse_compression(std::string_view startup_value) noexcept {
  if (iequals(startup_value, "lz4")) return compression_algorithm::lz4;
  if (iequals(startup_value, "snappy")) return compression_algorithm::snappy;
  return std::nullopt;
}

std::string_view to_string(compression_algorithm a) noexcept {
  switch (a) {
    case compression_algorithm::none:
      return "none";
    case compression_algorithm::lz4:
      return "lz4";
    case compression_algorithm::snappy:
      return "snappy";
  }
  return "unknown";
}

result<bytes> compress_body(compression_algorithm a, byte_view body) {
  switch (a) {
    case compression_algorithm::none:
      return bytes(body.begin(), body.end());
    case compression_algorithm::lz4:
      return compress_lz4(body);
    case compression_algorithm::snappy:
      return compress_snappy(body);
  }
  return errc::invalid_value;
}

result<bytes> decompress_body(compression_algorithm a, byte_view body, std::uint32_t max_size) {
  switch (a) {
    case compression_algorithm::none:
      return bytes(body.begin(), body.end());
    case compression_algorithm::lz4:
      return decompress_lz4(body, max_size);
    case compression_algorithm::snappy:
      return decompress_snappy(body, max_size);
  }
  return errc::invalid_value;
}

}  // namespace cqlshift::protocol
