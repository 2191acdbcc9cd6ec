#pragma once
// A minimal zip writer for the tests (zip_reader_test, secure_bundle_test): stored or deflated
// entries, optionally with a data descriptor, and the offset of every record so a test can
// corrupt one field.

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::net::test_support {

struct zip_input {
  std::string name;
  std::string data;
  bool deflate = true;
  bool data_descriptor = false;  // flag bit 3: sizes and CRC after the data, zero in the header
};

struct zip_layout {
  std::string bytes;
  std::vector<std::size_t> local_at;    // each entry's local header
  std::vector<std::size_t> data_at;     // each entry's (compressed) data
  std::vector<std::size_t> central_at;  // each entry's central directory header
  std::size_t end_at = 0;               // the end of central directory record
};

// Offsets of fields inside a central directory header and the end record.
namespace central {
constexpr std::size_t flags = 8, method = 10, crc = 16, compressed = 20, uncompressed = 24,
                      local_offset = 42;
}
namespace end_record {
constexpr std::size_t count_on_disk = 8, count = 10, directory_size = 12, directory_at = 16;
}

inline void put_u16(std::string& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<char>(v & 0xff);
  b[at + 1] = static_cast<char>(v >> 8);
}
inline void put_u32(std::string& b, std::size_t at, std::uint32_t v) {
  put_u16(b, at, static_cast<std::uint16_t>(v & 0xffff));
  put_u16(b, at + 2, static_cast<std::uint16_t>(v >> 16));
}
inline void append_u16(std::string& b, std::uint16_t v) {
  b.append(2, '\0');
  put_u16(b, b.size() - 2, v);
}
inline void append_u32(std::string& b, std::uint32_t v) {
  b.append(4, '\0');
  put_u32(b, b.size() - 4, v);
}

// Raw deflate (no zlib header), as zip stores it.
inline std::string deflate_raw(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
  return out;
}

inline std::uint32_t crc_of(std::string_view data) {
  return static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0),
                                          reinterpret_cast<const Bytef*>(data.data()),
                                          static_cast<uInt>(data.size())));
}

inline zip_layout write_zip(const std::vector<zip_input>& entries, std::string_view comment = {}) {
  zip_layout z;
  std::string& b = z.bytes;
  std::vector<std::string> centrals;
  for (const auto& e : entries) {
    const std::string stored = e.deflate ? deflate_raw(e.data) : e.data;
    const std::uint16_t flags = e.data_descriptor ? 0x0008 : 0;
    const std::uint16_t method = e.deflate ? 8 : 0;
    const std::uint32_t crc = crc_of(e.data);
    const auto csize = static_cast<std::uint32_t>(stored.size());
    const auto usize = static_cast<std::uint32_t>(e.data.size());
    const auto local_at = b.size();
    z.local_at.push_back(local_at);
    append_u32(b, 0x04034b50);
    append_u16(b, 20);  // version needed
    append_u16(b, flags);
    append_u16(b, method);
    append_u16(b, 0);     // time
    append_u16(b, 0x21);  // date: 1980-01-01
    append_u32(b, e.data_descriptor ? 0 : crc);
    append_u32(b, e.data_descriptor ? 0 : csize);
    append_u32(b, e.data_descriptor ? 0 : usize);
    append_u16(b, static_cast<std::uint16_t>(e.name.size()));
    append_u16(b, 0);  // extra
    b += e.name;
    z.data_at.push_back(b.size());
    b += stored;
    if (e.data_descriptor) {
      append_u32(b, 0x08074b50);
      append_u32(b, crc);
      append_u32(b, csize);
      append_u32(b, usize);
    }
    std::string c;
    append_u32(c, 0x02014b50);
    append_u16(c, 0x031e);  // made by: Unix, 3.0
    append_u16(c, 20);
    append_u16(c, flags);
    append_u16(c, method);
    append_u16(c, 0);
    append_u16(c, 0x21);
    append_u32(c, crc);
    append_u32(c, csize);
    append_u32(c, usize);
    append_u16(c, static_cast<std::uint16_t>(e.name.size()));
    append_u16(c, 0);  // extra
    append_u16(c, 0);  // comment
    append_u16(c, 0);  // disk
    append_u16(c, 0);  // internal attributes
    append_u32(c, 0);  // external attributes
    append_u32(c, static_cast<std::uint32_t>(local_at));
    c += e.name;
    centrals.push_back(std::move(c));
  }
  const auto directory_at = b.size();
  for (const auto& c : centrals) {
    z.central_at.push_back(b.size());
    b += c;
  }
  const auto directory_size = b.size() - directory_at;
  z.end_at = b.size();
  append_u32(b, 0x06054b50);
  append_u16(b, 0);
  append_u16(b, 0);
  append_u16(b, static_cast<std::uint16_t>(entries.size()));
  append_u16(b, static_cast<std::uint16_t>(entries.size()));
  append_u32(b, static_cast<std::uint32_t>(directory_size));
  append_u32(b, static_cast<std::uint32_t>(directory_at));
  append_u16(b, static_cast<std::uint16_t>(comment.size()));
  b += comment;
  return z;
}

}  // namespace cqlshift::net::test_support
