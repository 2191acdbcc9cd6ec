#include "cqlshift/protocol/data_type.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace cqlshift::protocol {
namespace {

using test::hex;

bytes encode(const data_type& t) {
  bytes out;
  writer w(out);
  write_data_type(t, w);
  EXPECT_TRUE(w.ok());
  return out;
}

result<data_type> decode(const bytes& in) {
  reader r(in);
  data_type t = read_data_type(r);
  if (r.finish() != errc::ok) return r.error();
  return t;
}

TEST(DataType, GoldenBytes) {
  data_type udt = data_type::of(type_id::udt);
  udt.udt_keyspace = "ks";
  udt.udt_name = "addr";
  udt.field_names = {"street", "zip"};
  udt.params = {data_type::of(type_id::varchar), data_type::of(type_id::int_)};
  data_type custom = data_type::of(type_id::custom);
  custom.custom_class = "org.apache.cassandra.db.marshal.DateType";

  const std::pair<data_type, const char*> cases[] = {
      {data_type::of(type_id::int_), "0009"},
      {data_type::list_of(data_type::of(type_id::varchar)), "0020 000d"},
      {data_type::map_of(data_type::of(type_id::uuid),
                         data_type::set_of(data_type::of(type_id::bigint))),
       "0021 000c 0022 0002"},
      {data_type::tuple_of({data_type::of(type_id::inet), data_type::of(type_id::duration)}),
       "0031 0002 0010 0015"},
      {udt, "0030 0002 6b73 0004 61646472 0002 0006 737472656574 000d 0003 7a6970 0009"},
      {custom,
       "0000 0028 "
       "6f72672e6170616368652e63617373616e6472612e64622e6d61727368616c2e4461746554797065"},
  };
  for (const auto& [type, wire] : cases) {
    EXPECT_EQ(encode(type), hex(wire)) << to_cql(type);
    auto decoded = decode(hex(wire));
    ASSERT_TRUE(decoded) << wire;
    EXPECT_EQ(*decoded, type) << wire;
  }
}

TEST(DataType, CqlSpelling) {
  EXPECT_EQ(to_cql(data_type::map_of(data_type::of(type_id::varchar),
                                     data_type::list_of(data_type::of(type_id::int_)))),
            "map<text, list<int>>");
}

TEST(DataType, UnknownIdIsUnknownType) {
  for (const char* wire : {"0016", "0023", "00ff", "0020 0099"}) {
    auto t = decode(hex(wire));
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error(), errc::unknown_type) << wire;
  }
}

TEST(DataType, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  bytes deep;
  for (int k = 0; k < 100000; ++k)
    deep.insert(deep.end(), {0x00, 0x20});
  deep.insert(deep.end(), {0x00, 0x09});
  auto t = decode(deep);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), errc::nesting_too_deep);

  bytes ok;
  for (int k = 0; k < max_type_nesting; ++k)
    ok.insert(ok.end(), {0x00, 0x20});
  ok.insert(ok.end(), {0x00, 0x09});
  EXPECT_TRUE(decode(ok));
}

TEST(DataType, EveryTruncationFails) {
  const bytes full =
      hex("0030 0002 6b73 0004 61646472 0002 0006 737472656574 000d 0003 7a6970 0009");
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto t = decode(bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)));
    EXPECT_FALSE(t) << n;
  }
}

TEST(DataType, UdtFieldCountPastTheEndFailsBeforeAllocating) {
  auto t = decode(hex("0030 0002 6b73 0001 61 ffff"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), errc::length_out_of_bounds);
}

}  // namespace
}  // namespace cqlshift::protocol
