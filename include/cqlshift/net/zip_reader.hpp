#pragma once
// Reads a zip archive held in memory: the central directory, and entries stored or deflated
// (zlib's raw inflate), each checked against its declared sizes and CRC-32. Enough for secure
// connect bundles (secure_bundle.hpp); no libzip on the build machines.
//
// Refused with a zip_error that says why: zip64, multi-disk and encrypted archives, compression
// methods other than stored (0) and deflate (8), entries that inflate past a size limit (so a
// zip bomb cannot exhaust memory), and anything truncated, overlapping or corrupt.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::net {

// A zip archive that cannot be read; the message says what is wrong (not where the archive came
// from: the caller adds that).
class zip_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct zip_entry {
  std::string name;          // as stored in the central directory ("dir/file", '/' separated)
  std::uint16_t method = 0;  // 0 stored, 8 deflate
  std::uint32_t crc32 = 0;
  std::uint32_t compressed_size = 0;
  std::uint32_t uncompressed_size = 0;
  std::uint32_t local_header_offset = 0;
};

class zip_archive {
 public:
  // A secure connect bundle's entries are a few KiB; 16 MiB leaves room for a long certificate
  // chain while bounding what one entry can make us allocate.
  static constexpr std::uint32_t default_entry_limit = 16u << 20;

  // Parses the central directory of `bytes` (the whole archive); throws zip_error. Entries
  // whose declared uncompressed size exceeds `entry_limit` are listed but cannot be read.
  explicit zip_archive(std::string bytes, std::uint32_t entry_limit = default_entry_limit);

  const std::vector<zip_entry>& entries() const noexcept { return entries_; }
  // The first entry named exactly `name`, or null.
  const zip_entry* find(std::string_view name) const noexcept;
  // The entry's contents, inflated and checked (sizes, CRC-32); throws zip_error naming it.
  std::string read(const zip_entry& e) const;

 private:
  std::string bytes_;
  std::uint32_t entry_limit_;
  std::vector<zip_entry> entries_;
};

}  // namespace cqlshift::net
