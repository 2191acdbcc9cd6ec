#include "cqlshift/net/zip_reader.hpp"

#include <zlib.h>

#include <algorithm>

namespace cqlshift::net {
namespace {

// Record signatures and fixed sizes (PKWARE APPNOTE.TXT 4.3).
constexpr std::uint32_t local_header_signature = 0x04034b50;
constexpr std::uint32_t central_header_signature = 0x02014b50;
constexpr std::uint32_t end_of_directory_signature = 0x06054b50;
constexpr std::uint32_t zip64_locator_signature = 0x07064b50;
constexpr std::size_t local_header_size = 30;
constexpr std::size_t central_header_size = 46;
constexpr std::size_t end_of_directory_size = 22;
constexpr std::size_t zip64_locator_size = 20;
constexpr std::size_t max_comment_size = 0xffff;

constexpr std::uint16_t flag_encrypted = 1u << 0;
constexpr std::uint16_t flag_strong_encryption = 1u << 6;
constexpr std::uint16_t method_stored = 0;
constexpr std::uint16_t method_deflate = 8;

// Little-endian fields of one record, every read bounds-checked against the record's span.
class field_reader {
 public:
  field_reader(std::string_view bytes, std::size_t at, std::size_t size, const char* what)
      : bytes_(bytes), at_(at) {
    if (at > bytes.size() || size > bytes.size() - at)
      throw zip_error(std::string("truncated archive: ") + what + " runs past the end");
  }
  std::uint16_t u16(std::size_t off) const {
    return static_cast<std::uint16_t>(byte(off) | byte(off + 1) << 8);
  }
  std::uint32_t u32(std::size_t off) const {
    return static_cast<std::uint32_t>(byte(off)) | static_cast<std::uint32_t>(byte(off + 1)) << 8 |
           static_cast<std::uint32_t>(byte(off + 2)) << 16 |
           static_cast<std::uint32_t>(byte(off + 3)) << 24;
  }

 private:
  unsigned byte(std::size_t off) const { return static_cast<unsigned char>(bytes_[at_ + off]); }
  std::string_view bytes_;
  std::size_t at_;
};

std::uint32_t u32_at(std::string_view bytes, std::size_t at) {
  return field_reader(bytes, at, 4, "a record").u32(0);
}

// Where the end-of-central-directory record starts: the last signature from which a record and
// its comment exactly reach the end of the archive (a comment may itself contain the signature).
std::size_t find_end_of_directory(std::string_view bytes) {
  if (bytes.size() < end_of_directory_size)
    throw zip_error("not a zip archive (" + std::to_string(bytes.size()) + " bytes)");
  const std::size_t last = bytes.size() - end_of_directory_size;
  const std::size_t first = last > max_comment_size ? last - max_comment_size : 0;
  for (std::size_t at = last + 1; at-- > first;) {
    if (u32_at(bytes, at) != end_of_directory_signature) continue;
    const field_reader r(bytes, at, end_of_directory_size, "the end record");
    if (at + end_of_directory_size + r.u16(20) == bytes.size()) return at;
  }
  throw zip_error("not a zip archive (no end of central directory record)");
}

std::string single_quoted(std::string_view name) {
  return "'" + std::string(name) + "'";
}

std::string inflate_raw(std::string_view in, std::uint32_t size, const std::string& what) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw zip_error("zlib cannot start inflating");
  // One byte more than declared, so an entry that inflates to more is caught, not truncated.
  std::string out(static_cast<std::size_t>(size) + 1, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = Z_OK;
  while (rc == Z_OK)
    rc = inflate(&z, Z_FINISH);
  const std::string zlib_message = z.msg != nullptr ? z.msg : "";
  const uLong produced = z.total_out;
  const uInt left_in = z.avail_in;
  inflateEnd(&z);
  if (rc == Z_STREAM_END) {
    if (produced != size) {
      throw zip_error(what + " inflates to " + std::to_string(produced) + " bytes, not the " +
                      std::to_string(size) + " its header declares");
    }
    if (left_in != 0) throw zip_error(what + " has data after its deflate stream ends");
    out.resize(size);
    return out;
  }
  if (rc == Z_DATA_ERROR) throw zip_error(what + " is corrupt (zlib: " + zlib_message + ")");
  if (rc == Z_MEM_ERROR) throw zip_error("out of memory inflating " + what);
  if (produced > size) {
    throw zip_error(what + " inflates to more than the " + std::to_string(size) +
                    " bytes its header declares");
  }
  throw zip_error(what + " is truncated (its deflate stream ends early)");
}

}  // namespace

zip_archive::zip_archive(std::string bytes, std::uint32_t entry_limit)
    : bytes_(std::move(bytes)), entry_limit_(entry_limit) {
  const std::string_view all(bytes_);
  const std::size_t end_at = find_end_of_directory(all);
  const field_reader end(all, end_at, end_of_directory_size, "the end record");
  const std::uint16_t disk = end.u16(4);
  const std::uint16_t directory_disk = end.u16(6);
  const std::uint16_t disk_entries = end.u16(8);
  const std::uint16_t count = end.u16(10);
  const std::uint32_t directory_size = end.u32(12);
  const std::uint32_t directory_at = end.u32(16);
  if (end_at >= zip64_locator_size &&
      u32_at(all, end_at - zip64_locator_size) == zip64_locator_signature) {
    throw zip_error("zip64 archives are not supported");
  }
  if (count == 0xffff || directory_size == 0xffffffff || directory_at == 0xffffffff)
    throw zip_error("zip64 archives are not supported");
  if (disk != 0 || directory_disk != 0 || disk_entries != count)
    throw zip_error("multi-disk (split) archives are not supported");
  if (directory_at > end_at || directory_size > end_at - directory_at)
    throw zip_error("corrupt archive: the central directory lies outside the file");

  std::size_t at = directory_at;
  const std::size_t directory_end = static_cast<std::size_t>(directory_at) + directory_size;
  entries_.reserve(count);
  for (std::uint16_t i = 0; i < count; ++i) {
    if (directory_end - at < central_header_size)
      throw zip_error("corrupt archive: the central directory is shorter than its entry count");
    const field_reader h(all, at, central_header_size, "a central directory entry");
    if (h.u32(0) != central_header_signature)
      throw zip_error("corrupt archive: bad central directory entry signature");
    const std::uint16_t flags = h.u16(8);
    const std::size_t name_size = h.u16(28);
    const std::size_t variable_size = name_size + h.u16(30) + h.u16(32);
    if (directory_end - at - central_header_size < variable_size)
      throw zip_error("corrupt archive: a central directory entry runs past the directory");
    zip_entry e;
    e.name.assign(all.substr(at + central_header_size, name_size));
    e.method = h.u16(10);
    e.crc32 = h.u32(16);
    e.compressed_size = h.u32(20);
    e.uncompressed_size = h.u32(24);
    e.local_header_offset = h.u32(42);
    if (e.compressed_size == 0xffffffff || e.uncompressed_size == 0xffffffff ||
        e.local_header_offset == 0xffffffff) {
      throw zip_error("entry " + single_quoted(e.name) +
                      " uses zip64 extensions, which are not supported");
    }
    if ((flags & (flag_encrypted | flag_strong_encryption)) != 0)
      throw zip_error("entry " + single_quoted(e.name) + " is encrypted, which is not supported");
    at += central_header_size + variable_size;
    entries_.push_back(std::move(e));
  }
}

const zip_entry* zip_archive::find(std::string_view name) const noexcept {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const zip_entry& e) { return e.name == name; });
  return it == entries_.end() ? nullptr : &*it;
}

std::string zip_archive::read(const zip_entry& e) const {
  const std::string what = "entry " + single_quoted(e.name);
  if (e.uncompressed_size > entry_limit_) {
    throw zip_error(what + " is too large (" + std::to_string(e.uncompressed_size) +
                    " bytes; the limit is " + std::to_string(entry_limit_) + ")");
  }
  const std::string_view all(bytes_);
  const field_reader local(all, e.local_header_offset, local_header_size, what.c_str());
  if (local.u32(0) != local_header_signature)
    throw zip_error("corrupt archive: " + what + " has no local header where the directory says");
  // The local header's sizes may be zero (data descriptor, flag bit 3); the directory's are
  // authoritative. Only its name and extra field lengths are needed, to find the data.
  const std::size_t data_at = static_cast<std::size_t>(e.local_header_offset) + local_header_size +
                              local.u16(26) + local.u16(28);
  if (data_at > all.size() || e.compressed_size > all.size() - data_at)
    throw zip_error("truncated archive: " + what + " runs past the end");
  const std::string_view data = all.substr(data_at, e.compressed_size);

  std::string out;
  switch (e.method) {
    case method_stored:
      if (e.compressed_size != e.uncompressed_size) {
        throw zip_error("corrupt archive: stored " + what + " declares " +
                        std::to_string(e.compressed_size) + " bytes stored but " +
                        std::to_string(e.uncompressed_size) + " uncompressed");
      }
      out.assign(data);
      break;
    case method_deflate:
      out = inflate_raw(data, e.uncompressed_size, what);
      break;
    default:
      throw zip_error(what + " uses compression method " + std::to_string(e.method) +
                      " (only stored and deflate are supported)");
  }
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.data()),
                          static_cast<uInt>(out.size()));
  if (crc != e.crc32) throw zip_error(what + " fails its CRC-32 check (corrupt archive)");
  return out;
}

}  // namespace cqlshift::net
