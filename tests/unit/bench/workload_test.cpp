// The load generator's request templates: the frame for a stream id and key must decode, with
// the protocol library, to exactly the request a driver would send for that key.

#include "workload.hpp"

#include "cqlshift/protocol/requests.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

using namespace cqlshift;
using protocol::protocol_version;

protocol::request decode(const protocol::bytes& frame, protocol_version v) {
  auto header = protocol::decode_header(frame);
  EXPECT_TRUE(header);
  const std::size_t size = protocol::header_size_for_raw_version(frame[0]);
  EXPECT_EQ(frame.size(), size + header->length);
  auto opened = protocol::open_body(*header, protocol::byte_view(frame).subspan(size));
  EXPECT_TRUE(opened);
  auto r = protocol::decode_request(header->op, v, opened->message);
  EXPECT_TRUE(r) << r.error().message();
  return *r;
}

std::int16_t stream_of(const protocol::bytes& frame) {
  return protocol::decode_header(frame)->stream;
}

TEST(Workload, NamesRoundTripAndClassify) {
  for (auto name : {"insert", "select", "mix", "insert-simple", "select-simple", "mix-simple"})
    EXPECT_EQ(bench::to_string(*bench::parse_workload(name)), name);
  EXPECT_FALSE(bench::parse_workload("delete"));
  EXPECT_TRUE(bench::reads(bench::workload::mix) && bench::writes(bench::workload::mix));
  EXPECT_FALSE(bench::reads(bench::workload::insert_simple));
  EXPECT_FALSE(bench::writes(bench::workload::select));
  EXPECT_FALSE(bench::prepared(bench::workload::mix_simple));
}

TEST(Workload, AnExecuteCarriesTheStreamKeyAndValue) {
  for (auto v : {protocol_version::v3, protocol_version::v4, protocol_version::v5}) {
    const protocol::bytes id{1, 2, 3, 4};
    const std::optional<protocol::bytes> metadata_id =
        v == protocol_version::v5 ? std::optional<protocol::bytes>(protocol::bytes{9, 9})
                                  : std::nullopt;
    const protocol::bytes value(100, 0xAB);
    const auto t = bench::request_template::execute(v, id, metadata_id,
                                                    protocol::consistency::local_one, &value);
    protocol::bytes frame;
    t.fill(1234, 0x0102030405060708ull, frame);
    EXPECT_EQ(stream_of(frame), 1234);
    const auto e = std::get<protocol::execute>(decode(frame, v));
    EXPECT_EQ(e.id, id);
    EXPECT_EQ(e.result_metadata_id, metadata_id);
    EXPECT_EQ(e.params.consistency_level, protocol::consistency::local_one);
    ASSERT_TRUE(e.params.values);
    ASSERT_EQ(e.params.values->size(), 2u);
    EXPECT_EQ((*e.params.values)[0].data, (protocol::bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ((*e.params.values)[1].data, value);
    // The same template for another request: only the stream and the key change.
    t.fill(0x7FFF, 42, frame);
    const auto again = std::get<protocol::execute>(decode(frame, v));
    EXPECT_EQ(stream_of(frame), 0x7FFF);
    EXPECT_EQ((*again.params.values)[0].data, (protocol::bytes{0, 0, 0, 0, 0, 0, 0, 42}));
  }
}

TEST(Workload, AReadExecuteCarriesTheKeyOnly) {
  const auto t = bench::request_template::execute(protocol_version::v4, {7}, std::nullopt,
                                                  protocol::consistency::one, nullptr);
  protocol::bytes frame;
  t.fill(5, 99, frame);
  const auto e = std::get<protocol::execute>(decode(frame, protocol_version::v4));
  ASSERT_EQ(e.params.values->size(), 1u);
  EXPECT_EQ((*e.params.values)[0].data, (protocol::bytes{0, 0, 0, 0, 0, 0, 0, 99}));
  EXPECT_TRUE(e.params.skip_metadata);
}

TEST(Workload, ASimpleStatementSpellsTheKeyAsABigintLiteral) {
  const auto s = bench::simple_insert("ks", protocol::bytes{0xCA, 0xFE});
  const auto t = bench::request_template::query(protocol_version::v4, s.prefix, s.suffix,
                                                protocol::consistency::quorum);
  protocol::bytes frame;
  t.fill(77, 1234567, frame);
  EXPECT_EQ(stream_of(frame), 77);
  const auto q = std::get<protocol::query>(decode(frame, protocol_version::v4));
  EXPECT_EQ(q.query_string, "INSERT INTO ks.kv (k, v) VALUES (0000000000001234567, 0xcafe)");
  EXPECT_EQ(q.params.consistency_level, protocol::consistency::quorum);
  const auto sel = bench::simple_select("ks");
  const auto ts = bench::request_template::query(protocol_version::v5, sel.prefix, sel.suffix,
                                                 protocol::consistency::one);
  ts.fill(1, 999999999999999999ull, frame);
  EXPECT_EQ(std::get<protocol::query>(decode(frame, protocol_version::v5)).query_string,
            "SELECT v FROM ks.kv WHERE k = 0999999999999999999");
}

}  // namespace
