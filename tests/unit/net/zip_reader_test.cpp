// net::zip_archive on archives written by the test (test_zip_writer.hpp): stored and deflated
// entries read back; then one field or byte at a time made wrong, each refused with the specific
// reason, and every truncation and every single-byte corruption refused with zip_error only.

#include "cqlshift/net/zip_reader.hpp"

#include "test_zip_writer.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace {

namespace zip_reader_test {

using cqlshift::net::zip_archive;
using cqlshift::net::zip_error;
using namespace cqlshift::net::test_support;

// Text that deflates well, so a bomb and size checks have something to chew on.
std::string repeated(std::size_t size) {
  std::string s;
  while (s.size() < size)
    s += "cqlshift secure connect bundle ";
  s.resize(size);
  return s;
}

// The message of the zip_error that `f` throws, or "" (and a test failure) when it throws none.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const zip_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no zip_error";
  return "";
}

std::string read_entry(const std::string& bytes, const std::string& name,
                       std::uint32_t limit = zip_archive::default_entry_limit) {
  zip_archive zip(bytes, limit);
  const auto* e = zip.find(name);
  if (e == nullptr) throw std::runtime_error("no entry " + name);
  return zip.read(*e);
}

const std::vector<zip_input> sample = {
    {"ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", true},
    {"cert", repeated(5000), false},
    {"key", repeated(3000), true, true},
    {"empty", "", true},
    {"empty-stored", "", false},
    {"dir/", "", false},
};

TEST(ZipReader, ReadsStoredAndDeflatedEntries) {
  const auto z = write_zip(sample);
  zip_archive zip(z.bytes);
  ASSERT_EQ(zip.entries().size(), sample.size());
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const auto* e = zip.find(sample[i].name);
    ASSERT_NE(e, nullptr) << sample[i].name;
    EXPECT_EQ(e->name, sample[i].name);
    EXPECT_EQ(e->method, sample[i].deflate ? 8 : 0);
    EXPECT_EQ(e->uncompressed_size, sample[i].data.size());
    EXPECT_EQ(zip.read(*e), sample[i].data) << sample[i].name;
  }
  EXPECT_EQ(zip.find("config.json"), nullptr);
  EXPECT_EQ(zip.find("ca.crt "), nullptr);
}

TEST(ZipReader, FindsTheEndRecordBehindAComment) {
  // The comment holds an end-record signature of its own: only the record whose comment
  // reaches the end of the file is the real one.
  const std::string comment = std::string("PK\x05\x06", 4) + std::string(30, 'x');
  const auto z = write_zip(sample, comment);
  EXPECT_EQ(read_entry(z.bytes, "cert"), sample[1].data);
}

TEST(ZipReader, EmptyArchive) {
  zip_archive zip(write_zip({}).bytes);
  EXPECT_TRUE(zip.entries().empty());
}

TEST(ZipReader, NotAZip) {
  EXPECT_EQ(error_of([] { zip_archive z(std::string("short")); }), "not a zip archive (5 bytes)");
  EXPECT_EQ(error_of([] { zip_archive z(repeated(1000)); }),
            "not a zip archive (no end of central directory record)");
}

TEST(ZipReader, TruncatedArchiveHasNoEndRecord) {
  const auto z = write_zip(sample);
  const std::string cut = z.bytes.substr(0, z.bytes.size() - 5);
  EXPECT_EQ(error_of([&] { zip_archive a(cut); }),
            "not a zip archive (no end of central directory record)");
}

TEST(ZipReader, DirectoryOutsideTheFile) {
  auto z = write_zip(sample);
  put_u32(z.bytes, z.end_at + end_record::directory_at, static_cast<std::uint32_t>(z.end_at));
  EXPECT_EQ(error_of([&] { zip_archive a(z.bytes); }),
            "corrupt archive: the central directory lies outside the file");
}

TEST(ZipReader, DirectoryShorterThanItsCount) {
  auto z = write_zip(sample);
  put_u16(z.bytes, z.end_at + end_record::count, 7);
  put_u16(z.bytes, z.end_at + end_record::count_on_disk, 7);
  EXPECT_EQ(error_of([&] { zip_archive a(z.bytes); }),
            "corrupt archive: the central directory is shorter than its entry count");
}

TEST(ZipReader, BadCentralSignature) {
  auto z = write_zip(sample);
  z.bytes[z.central_at[1]] = 'X';
  EXPECT_EQ(error_of([&] { zip_archive a(z.bytes); }),
            "corrupt archive: bad central directory entry signature");
}

TEST(ZipReader, BadLocalHeader) {
  auto z = write_zip(sample);
  put_u32(z.bytes, z.central_at[0] + central::local_offset, 3);
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "ca.crt"); }),
            "corrupt archive: entry 'ca.crt' has no local header where the directory says");
}

TEST(ZipReader, DataPastTheEnd) {
  auto z = write_zip(sample);
  put_u32(z.bytes, z.central_at[1] + central::compressed, 1u << 30);
  put_u32(z.bytes, z.central_at[1] + central::uncompressed, 1u << 30);
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "cert", 2u << 30); }),
            "truncated archive: entry 'cert' runs past the end");
}

TEST(ZipReader, CrcMismatch) {
  auto z = write_zip(sample);
  z.bytes[z.data_at[1] + 10] ^= 1;  // stored: the bytes read back are the bytes in the file
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "cert"); }),
            "entry 'cert' fails its CRC-32 check (corrupt archive)");
  auto y = write_zip(sample);
  put_u32(y.bytes, y.central_at[0] + central::crc, 12345);
  EXPECT_EQ(error_of([&] { read_entry(y.bytes, "ca.crt"); }),
            "entry 'ca.crt' fails its CRC-32 check (corrupt archive)");
}

TEST(ZipReader, CorruptDeflateStream) {
  auto z = write_zip(sample);
  z.bytes[z.data_at[0]] = static_cast<char>(0xff);  // final block of the reserved type 3
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "ca.crt"); }),
            "entry 'ca.crt' is corrupt (zlib: invalid block type)");
}

TEST(ZipReader, DeflateStreamCutShort) {
  auto z = write_zip(sample);
  const auto size = static_cast<std::uint32_t>(deflate_raw(sample[0].data).size());
  put_u32(z.bytes, z.central_at[0] + central::compressed, size / 2);
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "ca.crt"); }),
            "entry 'ca.crt' is truncated (its deflate stream ends early)");
}

TEST(ZipReader, DataAfterTheDeflateStream) {
  auto z = write_zip(sample);
  const auto size = static_cast<std::uint32_t>(deflate_raw(sample[0].data).size());
  // The next local header follows: one more byte is read as part of this entry's data.
  put_u32(z.bytes, z.central_at[0] + central::compressed, size + 1);
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "ca.crt"); }),
            "entry 'ca.crt' has data after its deflate stream ends");
}

TEST(ZipReader, InflatesToLessThanDeclared) {
  auto z = write_zip(sample);
  const auto size = static_cast<std::uint32_t>(sample[0].data.size());
  put_u32(z.bytes, z.central_at[0] + central::uncompressed, size + 10);
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "ca.crt"); }),
            "entry 'ca.crt' inflates to " + std::to_string(size) + " bytes, not the " +
                std::to_string(size + 10) + " its header declares");
}

TEST(ZipReader, BombInflatingPastItsDeclaredSizeStopsThere) {
  // 8 MiB of one byte deflates to about 8 KiB; the directory claims 100 bytes.
  auto z = write_zip({{"bomb", std::string(8u << 20, 'A'), true}});
  EXPECT_LT(z.bytes.size(), 64u << 10);
  put_u32(z.bytes, z.central_at[0] + central::uncompressed, 100);
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "bomb"); }),
            "entry 'bomb' inflates to more than the 100 bytes its header declares");
}

TEST(ZipReader, EntryOverTheLimit) {
  const auto z = write_zip({{"big", repeated(1001), true}, {"small", repeated(1000), false}});
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "big", 1000); }),
            "entry 'big' is too large (1001 bytes; the limit is 1000)");
  EXPECT_EQ(read_entry(z.bytes, "small", 1000), repeated(1000));
  // The default limit: 16 MiB.
  auto huge = write_zip({{"huge", "x", false}});
  put_u32(huge.bytes, huge.central_at[0] + central::uncompressed, (16u << 20) + 1);
  EXPECT_EQ(error_of([&] { read_entry(huge.bytes, "huge"); }),
            "entry 'huge' is too large (16777217 bytes; the limit is 16777216)");
}

TEST(ZipReader, StoredSizesDisagree) {
  auto z = write_zip(sample);
  put_u32(z.bytes, z.central_at[1] + central::uncompressed, 4999);
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "cert"); }),
            "corrupt archive: stored entry 'cert' declares 5000 bytes stored but 4999 "
            "uncompressed");
}

TEST(ZipReader, UnsupportedMethod) {
  auto z = write_zip(sample);
  put_u16(z.bytes, z.central_at[0] + central::method, 12);  // bzip2
  EXPECT_EQ(error_of([&] { read_entry(z.bytes, "ca.crt"); }),
            "entry 'ca.crt' uses compression method 12 (only stored and deflate are supported)");
}

TEST(ZipReader, EncryptedEntry) {
  auto z = write_zip(sample);
  put_u16(z.bytes, z.central_at[2] + central::flags, 0x0009);
  EXPECT_EQ(error_of([&] { zip_archive a(z.bytes); }),
            "entry 'key' is encrypted, which is not supported");
}

TEST(ZipReader, Zip64Refused) {
  auto count = write_zip(sample);
  put_u16(count.bytes, count.end_at + end_record::count, 0xffff);
  EXPECT_EQ(error_of([&] { zip_archive a(count.bytes); }), "zip64 archives are not supported");

  auto entry = write_zip(sample);
  put_u32(entry.bytes, entry.central_at[1] + central::uncompressed, 0xffffffff);
  EXPECT_EQ(error_of([&] { zip_archive a(entry.bytes); }),
            "entry 'cert' uses zip64 extensions, which are not supported");

  // A zip64 end-of-directory locator just before the end record.
  auto locator = write_zip(sample);
  std::string l;
  append_u32(l, 0x07064b50);
  l.append(16, '\0');
  locator.bytes.insert(locator.end_at, l);
  EXPECT_EQ(error_of([&] { zip_archive a(locator.bytes); }), "zip64 archives are not supported");
}

TEST(ZipReader, MultiDiskRefused) {
  auto z = write_zip(sample);
  put_u16(z.bytes, z.end_at + 4, 1);
  EXPECT_EQ(error_of([&] { zip_archive a(z.bytes); }),
            "multi-disk (split) archives are not supported");
}

// Reads every entry; true if all read, false on zip_error; anything else escapes.
bool read_all(const std::string& bytes) {
  try {
    zip_archive zip(bytes);
    for (const auto& e : zip.entries())
      zip.read(e);
    return true;
  } catch (const zip_error&) {
    return false;
  }
}

TEST(ZipReader, EveryTruncationIsRefused) {
  const auto z = write_zip({sample[0], sample[2], sample[3]});
  for (std::size_t n = 0; n < z.bytes.size(); ++n)
    EXPECT_FALSE(read_all(z.bytes.substr(0, n))) << "kept " << n << " bytes";
  EXPECT_TRUE(read_all(z.bytes));
}

TEST(ZipReader, EveryByteCorruptedReadsOrIsRefused) {
  // Each byte flipped in turn: the result is the entries, different names, or a zip_error;
  // never a crash or another exception (the ASan build checks the bounds).
  const auto z = write_zip({sample[0], sample[2], sample[4]});
  for (std::size_t i = 0; i < z.bytes.size(); ++i) {
    for (const char mask : {'\x01', '\x80', '\xff'}) {
      std::string bytes = z.bytes;
      bytes[i] ^= mask;
      EXPECT_NO_THROW(read_all(bytes)) << "byte " << i;
    }
  }
}

}  // namespace zip_reader_test

}  // namespace
