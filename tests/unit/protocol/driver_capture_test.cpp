// Golden tests from real traffic: every byte the DataStax Python driver 3.25 and a fake node
// exchanged for protocol v3, v4 and v5 (tests/data/captures, README.md there says how they
// were made). Each captured stream is split into frames (and v5 segments), every message is
// decoded and re-encoded, and the result must be the captured bytes. The rest asserts what a
// proxy author would check in such traffic: the opcodes, the STARTUP options, that EXECUTE
// ids come from PREPARED results, paging, the v5 additions. Loading, splitting and decoding
// the captures lives in driver_capture.hpp.

#include "driver_capture.hpp"
#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/segment.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::protocol {
namespace {

using namespace driver_capture;
using test::hex;
using test::to_hex;

std::string param_name(const testing::TestParamInfo<scenario>& info) {
  std::string n = info.param.name;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

capture load_capture(const scenario& s) {
  return driver_capture::load_capture(CQLSHIFT_TEST_DATA_DIR "/captures", s);
}

// Every frame of every connection, decoded; anything that does not decode fails the test.
std::vector<connection_traffic> decode_capture(const scenario& s) {
  std::vector<std::string> failures;
  auto traffic = driver_capture::decode_capture(s, load_capture(s), failures);
  for (const auto& f : failures)
    ADD_FAILURE() << f;
  return traffic;
}

std::string option_value(const string_map& m, std::string_view key) {
  for (const auto& [k, v] : m) {
    if (k == key) return v;
  }
  return "<absent>";
}

bool has_option(const string_map& m, std::string_view key) {
  return std::any_of(m.begin(), m.end(), [&](const auto& kv) { return kv.first == key; });
}

// The tracing id the fake server answers traced requests with.
uuid trace_id() {
  const bytes b = hex("0f1e2d3c 4b5a 11ee 8c99 0242ac120002");
  uuid u{};
  std::copy(b.begin(), b.end(), u.begin());
  return u;
}

bytes int_bytes(std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  return {static_cast<std::uint8_t>(u >> 24), static_cast<std::uint8_t>(u >> 16),
          static_cast<std::uint8_t>(u >> 8), static_cast<std::uint8_t>(u)};
}

// ---------------------------------------------------------------------------------------------
// Every capture: the codec reproduces every frame.

class DriverCaptureFrames : public testing::TestWithParam<scenario> {};

TEST_P(DriverCaptureFrames, EveryFrameDecodesAndReencodesByteForByte) {
  const scenario& s = GetParam();
  const capture c = load_capture(s);
  ASSERT_EQ(c.connections(), 2) << "control connection and one pool connection";
  std::size_t frames = 0;
  std::size_t compressed = 0;
  for (int conn = 0; conn < c.connections(); ++conn) {
    for (const bool from_server : {false, true}) {
      const bytes stream = c.stream(conn, from_server ? server_side : client_side);
      const split_result split = split_whole(s, from_server, stream);
      ASSERT_EQ(split.error, errc::ok)
          << s.name << " conn " << conn << ": " << describe(split.error);
      EXPECT_FALSE(split.partial_frame_left);
      for (std::size_t i = 0; i < split.frames.size(); ++i) {
        const wire_frame& wf = split.frames[i];
        const std::string where = describe_frame(s, conn, wf.f.header, i);
        EXPECT_EQ(wf.f.header.response, from_server) << where;
        decoded_frame d;
        const std::string why = decode_frame(s, wf, d);
        if (!why.empty()) {
          ADD_FAILURE() << where << ": " << why;
          continue;
        }
        std::string refused;
        const bytes again = reencode(s, d, refused);
        EXPECT_TRUE(refused.empty()) << where << ": " << refused;
        frame_header plain_header = wf.f.header;
        plain_header.flags =
            static_cast<std::uint8_t>(plain_header.flags & ~header_flag::compression);
        EXPECT_EQ(to_hex(again), to_hex(encode_frame(plain_header, d.body))) << where;
        if (wf.f.header.has(header_flag::compression)) {
          ++compressed;
          // Our compressor's output need not match the driver's; it must round trip.
          auto packed = compress_body(s.compression, d.body);
          ASSERT_TRUE(packed) << where;
          auto unpacked = decompress_body(s.compression, *packed, default_max_frame_size);
          ASSERT_TRUE(unpacked) << where;
          EXPECT_EQ(*unpacked, d.body) << where;
        }
        ++frames;
      }
    }
  }
  std::size_t listed = 0;
  for (const auto& [key, list] : c.listed_frames)
    listed += list.size();
  EXPECT_EQ(frames, listed);
  if (s.compression != compression_algorithm::none && !uses_segments(s.version)) {
    EXPECT_GT(compressed, frames / 2) << "most frames follow READY and have a body";
  } else {
    EXPECT_EQ(compressed, 0u);
  }
}

// The server's listing was written by an independent implementation: the frames we cut out
// of the byte streams must be exactly the frames it saw and sent.
TEST_P(DriverCaptureFrames, FramesMatchTheServerListing) {
  const scenario& s = GetParam();
  const capture c = load_capture(s);
  for (int conn = 0; conn < c.connections(); ++conn) {
    for (const char dir : {client_side, server_side}) {
      const split_result split = split_whole(s, dir == server_side, c.stream(conn, dir));
      ASSERT_EQ(split.error, errc::ok);
      std::vector<listed_frame> ours;
      for (const auto& wf : split.frames) {
        ours.push_back({wf.f.header.stream, std::string(to_string(wf.f.header.op)),
                        wf.f.header.flags, wf.f.header.length});
      }
      const auto it = c.listed_frames.find({conn, dir});
      ASSERT_NE(it, c.listed_frames.end());
      EXPECT_EQ(ours, it->second) << s.name << " conn " << conn << " " << dir;
    }
  }
}

TEST_P(DriverCaptureFrames, ByteByByteAndAsRecordedFeedingGiveTheSameFrames) {
  const scenario& s = GetParam();
  const capture c = load_capture(s);
  for (int conn = 0; conn < c.connections(); ++conn) {
    for (const char dir : {client_side, server_side}) {
      const bool from_server = dir == server_side;
      const bytes stream = c.stream(conn, dir);
      const split_result whole = split_whole(s, from_server, stream);
      ASSERT_EQ(whole.error, errc::ok);
      ASSERT_FALSE(whole.frames.empty());
      const split_result one_by_one = split_byte_by_byte(s, from_server, stream);
      EXPECT_EQ(one_by_one.error, errc::ok);
      EXPECT_TRUE(one_by_one.frames == whole.frames) << s.name << " conn " << conn << " " << dir;
      EXPECT_EQ(one_by_one.handshake_size, whole.handshake_size);
      const split_result recorded = split_chunks(s, from_server, c.chunks(conn, dir));
      EXPECT_EQ(recorded.error, errc::ok);
      EXPECT_TRUE(recorded.frames == whole.frames) << s.name << " conn " << conn << " " << dir;
    }
  }
}

TEST_P(DriverCaptureFrames, OpcodesAndResultKindsSeen) {
  const scenario& s = GetParam();
  std::set<opcode> client_ops, server_ops;
  std::set<std::size_t> result_kinds;
  for (const auto& t : decode_capture(s)) {
    for (const auto& f : t.client)
      client_ops.insert(f.header.op);
    for (const auto& f : t.server) {
      server_ops.insert(f.header.op);
      if (f.header.op == opcode::result) result_kinds.insert(f.resp->index());
    }
  }
  std::set<opcode> want_client{opcode::options, opcode::startup, opcode::register_, opcode::query,
                               opcode::prepare, opcode::execute, opcode::batch};
  std::set<opcode> want_server{opcode::supported, opcode::ready, opcode::result, opcode::error,
                               opcode::event};
  if (s.auth) {
    want_client.insert(opcode::auth_response);
    want_server.insert(opcode::authenticate);
    want_server.insert(opcode::auth_success);
  }
  EXPECT_EQ(client_ops, want_client);
  EXPECT_EQ(server_ops, want_server);
  const std::set<std::size_t> all_kinds{
      response(void_result{}).index(), response(rows_result{}).index(),
      response(set_keyspace_result{}).index(), response(prepared_result{}).index(),
      response(schema_change_result{}).index()};
  EXPECT_EQ(result_kinds, all_kinds);
}

TEST_P(DriverCaptureFrames, HandshakeAsksForTheNegotiatedCompression) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  for (std::size_t conn = 0; conn < traffic.size(); ++conn) {
    const auto& t = traffic[conn];
    ASSERT_GE(t.client.size(), 3u);
    EXPECT_NE(request_as<options>(t.client[0]), nullptr);
    const auto* supported_answer = response_as<supported>(*answer_to(t, 0));
    ASSERT_NE(supported_answer, nullptr);
    const startup* st = request_as<startup>(t.client[1]);
    ASSERT_NE(st, nullptr) << "STARTUP follows OPTIONS";
    EXPECT_EQ(option_value(st->options, "CQL_VERSION"), s.cql_version);
    EXPECT_EQ(option_value(st->options, "DRIVER_NAME"), "DataStax Python Driver");
    EXPECT_EQ(option_value(st->options, "DRIVER_VERSION"), "3.25.0");
    if (s.compression == compression_algorithm::none) {
      EXPECT_FALSE(has_option(st->options, "COMPRESSION"));
    } else {
      EXPECT_EQ(option_value(st->options, "COMPRESSION"), to_string(s.compression));
    }
    const decoded_frame* reply = answer_to(t, 1);
    ASSERT_NE(reply, nullptr);
    if (s.auth) {
      const auto* a = response_as<authenticate>(*reply);
      ASSERT_NE(a, nullptr);
      EXPECT_EQ(a->authenticator, "org.apache.cassandra.auth.PasswordAuthenticator");
      const auto* creds = request_as<auth_response>(t.client[2]);
      ASSERT_NE(creds, nullptr);
      const std::string_view token("\0cassandra\0cassandra", 20);
      ASSERT_TRUE(creds->token.has_value());
      EXPECT_EQ(*creds->token, bytes(token.begin(), token.end()));
      const auto* ok = response_as<auth_success>(*answer_to(t, 2));
      ASSERT_NE(ok, nullptr);
      EXPECT_FALSE(ok->token.has_value()) << "PasswordAuthenticator sends a null token";
    } else {
      EXPECT_NE(response_as<ready>(*reply), nullptr);
    }
    // v3/v4 compress every non-empty body after the handshake, both ways; v5 never sets the
    // flag (segments are compressed instead). Nothing before the handshake's end is compressed.
    for (const auto* side : {&t.client, &t.server}) {
      bool after_handshake = false;
      for (const auto& f : *side) {
        const bool want = after_handshake && !uses_segments(s.version) &&
                          s.compression != compression_algorithm::none && f.header.length > 0;
        EXPECT_EQ(f.header.has(header_flag::compression), want)
            << s.name << " conn " << conn << " " << to_string(f.header.op) << " stream "
            << f.header.stream;
        if (ends_handshake(f.header) || f.header.op == opcode::auth_response ||
            f.header.op == opcode::auth_success) {
          after_handshake = true;
        }
      }
    }
  }
}

TEST_P(DriverCaptureFrames, ExecuteIdsComeFromPreparedResults) {
  const scenario& s = GetParam();
  std::size_t executes = 0, prepared_children = 0;
  for (const auto& t : decode_capture(s)) {
    std::map<bytes, prepared_result> prepared;
    for (std::size_t i = 0; i < t.client.size(); ++i) {
      if (!request_as<prepare>(t.client[i])) continue;
      const decoded_frame* reply = answer_to(t, i);
      ASSERT_NE(reply, nullptr);
      if (const auto* p = response_as<prepared_result>(*reply)) prepared[p->id] = *p;
    }
    for (const auto& f : t.client) {
      if (const auto* e = request_as<execute>(f)) {
        ++executes;
        const auto it = prepared.find(e->id);
        ASSERT_NE(it, prepared.end()) << "EXECUTE of unknown id " << to_hex(e->id);
        if (has_result_metadata_id(s.version)) {
          ASSERT_TRUE(e->result_metadata_id.has_value());
          EXPECT_EQ(*e->result_metadata_id, *it->second.result_metadata_id);
        } else {
          EXPECT_FALSE(e->result_metadata_id.has_value());
        }
        EXPECT_EQ(e->params.values ? e->params.values->size() : 0u,
                  it->second.variables.columns.size());
        EXPECT_TRUE(e->params.default_timestamp.has_value());
      }
      if (const auto* b = request_as<batch>(f)) {
        for (const auto& child : b->children) {
          if (!child.is_prepared) continue;
          ++prepared_children;
          EXPECT_TRUE(prepared.count(child.id)) << "BATCH child of unknown id";
        }
      }
    }
  }
  EXPECT_GE(executes, 5u);
  EXPECT_EQ(prepared_children, 4u);
}

TEST_P(DriverCaptureFrames, UnpreparedLeadsToReprepareOnTheSameConnection) {
  const scenario& s = GetParam();
  std::size_t unprepared = 0;
  for (const auto& t : decode_capture(s)) {
    std::map<bytes, prepare> prepared_by;  // the first PREPARE that produced each id
    for (std::size_t i = 0; i < t.client.size(); ++i) {
      if (const auto* p = request_as<prepare>(t.client[i])) {
        if (const auto* r = response_as<prepared_result>(*answer_to(t, i))) {
          prepared_by.emplace(r->id, *p);
        }
      }
      const auto* e = request_as<execute>(t.client[i]);
      if (!e) continue;
      const auto* err = response_as<error_response>(*answer_to(t, i));
      if (!err) continue;
      ASSERT_EQ(err->code, error_code::unprepared);
      ++unprepared;
      EXPECT_EQ(std::get<unprepared_details>(err->details).id, e->id);
      ASSERT_LT(i + 2, t.client.size());
      const auto* again = request_as<prepare>(t.client[i + 1]);
      ASSERT_NE(again, nullptr) << "the driver re-prepares right away";
      // The same query string, and in v5 the keyspace the application passed to prepare().
      EXPECT_EQ(*again, prepared_by.at(e->id));
      const auto* retry = request_as<execute>(t.client[i + 2]);
      ASSERT_NE(retry, nullptr);
      EXPECT_EQ(retry->id, e->id);
      EXPECT_NE(response_as<rows_result>(*answer_to(t, i + 2)), nullptr);
    }
  }
  EXPECT_EQ(unprepared, uses_segments(s.version) ? 2u : 1u);
}

TEST_P(DriverCaptureFrames, PagingFollowsThePagingState) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  const auto& t = traffic.at(1);
  std::optional<bytes> expected_state;
  std::vector<std::int32_t> keys;
  int pages = 0;
  for (std::size_t i = 0; i < t.client.size(); ++i) {
    const auto* q = request_as<query>(t.client[i]);
    if (!q || q->query_string != "SELECT k, v FROM t") continue;
    ++pages;
    EXPECT_EQ(q->params.page_size, 2);
    EXPECT_EQ(q->params.paging_state, expected_state);
    const auto* rows = response_as<rows_result>(*answer_to(t, i));
    ASSERT_NE(rows, nullptr);
    for (const auto& row : rows->rows) {
      ASSERT_EQ(row.size(), 2u);
      const bytes& k = *row[0];
      keys.push_back((k[0] << 24) | (k[1] << 16) | (k[2] << 8) | k[3]);
    }
    expected_state = rows->metadata.paging_state;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_FALSE(expected_state.has_value()) << "the last page has no paging state";
  EXPECT_EQ(keys, (std::vector<std::int32_t>{1, 2, 3, 4, 5}));
}

TEST_P(DriverCaptureFrames, StatementParametersAsTheApplicationSetThem) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  const auto& t = traffic.at(1);
  bool saw_serial = false, saw_values = false, saw_null = false, saw_unset = false;
  int batches = 0;
  for (std::size_t i = 0; i < t.client.size(); ++i) {
    const decoded_frame& f = t.client[i];
    if (const auto* q = request_as<query>(f)) {
      // The session stamps every statement with a client timestamp; the driver's own queries
      // on this connection (schema agreement and refresh after a schema change, the USE it
      // sends to every pool connection) carry none.
      const bool internal = q->query_string.find(" FROM system") != std::string::npos ||
                            q->query_string == "USE \"ks\"";
      EXPECT_EQ(q->params.default_timestamp.has_value(), !internal) << q->query_string;
      if (q->query_string == "INSERT INTO t (k, v) VALUES (2, 'two') IF NOT EXISTS") {
        saw_serial = true;
        EXPECT_EQ(q->params.consistency_level, consistency::quorum);
        EXPECT_EQ(q->params.serial_consistency, consistency::local_serial);
        const auto* rows = response_as<rows_result>(*answer_to(t, i));
        ASSERT_NE(rows, nullptr);
        ASSERT_EQ(rows->metadata.columns.size(), 1u);
        EXPECT_EQ(rows->metadata.columns[0].name, "[applied]");
        EXPECT_EQ(rows->metadata.columns[0].type, data_type::of(type_id::boolean));
      }
      if (q->params.values) {
        saw_values = true;
        EXPECT_EQ(q->query_string, "SELECT k, v FROM t WHERE k = ?");
        EXPECT_EQ(*q->params.values, std::vector<value>{value::of(int_bytes(3))});
        EXPECT_EQ(q->params.page_size, 100);
        EXPECT_EQ(q->params.default_timestamp, 1700000000000000);
      }
    }
    if (const auto* e = request_as<execute>(f)) {
      for (const auto& v : e->params.values.value_or(std::vector<value>{})) {
        saw_null |= v.kind == value_kind::null;
        saw_unset |= v.kind == value_kind::unset;
      }
    }
    if (const auto* b = request_as<batch>(f)) {
      ++batches;
      EXPECT_TRUE(b->default_timestamp.has_value());
      if (b->type == batch_type::logged) {
        ASSERT_EQ(b->children.size(), 4u);
        EXPECT_TRUE(b->children[0].is_prepared);
        EXPECT_EQ(b->children[0].values.size(), 2u);
        EXPECT_FALSE(b->children[1].is_prepared);
        EXPECT_EQ(b->children[1].query_string, "INSERT INTO t (k, v) VALUES (7, 'seven')");
        EXPECT_TRUE(b->children[1].values.empty());
        EXPECT_FALSE(b->children[2].is_prepared);
        EXPECT_EQ(b->children[2].query_string, "UPDATE t SET v = 'x' WHERE k = 1");
        EXPECT_TRUE(b->children[3].is_prepared);
        EXPECT_FALSE(b->serial_consistency.has_value());
      } else {
        EXPECT_EQ(b->type, batch_type::unlogged);
        EXPECT_EQ(b->children.size(), 2u);
        EXPECT_EQ(b->serial_consistency, consistency::serial);
      }
      EXPECT_EQ(b->keyspace.has_value(), has_keyspace_flag(s.version));
    }
  }
  EXPECT_TRUE(saw_serial);
  EXPECT_TRUE(saw_values);
  EXPECT_TRUE(saw_null);
  EXPECT_EQ(saw_unset, has_unset_values(s.version));
  EXPECT_EQ(batches, 2);
}

TEST_P(DriverCaptureFrames, TracingCustomPayloadAndWarningsTravelInTheEnvelope) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  const auto& t = traffic.at(1);
  int traced = 0, with_payload = 0, warned = 0;
  for (std::size_t i = 0; i < t.client.size(); ++i) {
    const decoded_frame& f = t.client[i];
    const decoded_frame& reply = *answer_to(t, i);
    if (f.header.has(header_flag::tracing)) {
      ++traced;
      EXPECT_EQ(request_as<query>(f)->query_string, "SELECT k, v FROM t WHERE k = 1");
      EXPECT_TRUE(reply.header.has(header_flag::tracing));
      EXPECT_EQ(reply.env.tracing_id, std::optional<uuid>(trace_id()));
    } else {
      EXPECT_FALSE(reply.env.tracing_id.has_value());
    }
    if (f.header.has(header_flag::custom_payload)) {
      ++with_payload;
      const bytes_map want{{"k1", hex("7631")}};
      EXPECT_EQ(f.env.custom_payload, want);
      EXPECT_EQ(reply.env.custom_payload, want);
      EXPECT_EQ(reply.env.warnings, std::vector<std::string>{"Echoing your custom payload"});
    }
    if (reply.header.has(header_flag::warning)) ++warned;
  }
  EXPECT_EQ(traced, 1);
  EXPECT_EQ(with_payload, has_custom_payload(s.version) ? 1 : 0);
  EXPECT_EQ(warned, has_warnings(s.version) ? 2 : 0) << "the custom payload echo and the batch";
}

TEST_P(DriverCaptureFrames, EventsArePushedOnTheRegisteredConnectionOnly) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  const auto* reg = request_as<register_request>(traffic.at(0).client.at(s.auth ? 3 : 2));
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(std::set<std::string>(reg->events.begin(), reg->events.end()),
            (std::set<std::string>{"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"}));
  for (const auto& f : traffic.at(1).server)
    EXPECT_NE(f.header.op, opcode::event);
  std::vector<event> events;
  for (const auto& f : traffic.at(0).server) {
    if (const auto* e = response_as<event>(f)) {
      EXPECT_EQ(f.header.stream, -1);
      events.push_back(*e);
    }
  }
  const inet node{hex("0a000009"), 9042};
  const std::vector<event> want_first{
      {schema_change{schema_change_type::created, schema_change_target::keyspace, "ks", "", {}}},
      {schema_change{schema_change_type::created, schema_change_target::table, "ks", "t", {}}},
      {status_change_event{"DOWN", node}},
      {topology_change_event{"NEW_NODE", node}},
  };
  ASSERT_GE(events.size(), want_first.size());
  EXPECT_EQ(std::vector<event>(events.begin(), events.begin() + 4), want_first);
}

TEST_P(DriverCaptureFrames, ErrorsCarryTheirCodeSpecificFields) {
  const scenario& s = GetParam();
  std::set<error_code> codes;
  for (const auto& t : decode_capture(s)) {
    for (const auto& f : t.server) {
      const auto* e = response_as<error_response>(f);
      if (!e) continue;
      codes.insert(e->code);
      if (e->code == error_code::write_timeout) {
        const auto& d = std::get<write_timeout_details>(e->details);
        EXPECT_EQ(d.consistency, consistency::quorum);
        EXPECT_EQ(d.received, 1);
        EXPECT_EQ(d.block_for, 2);
        if (has_write_timeout_contentions(s.version)) {
          EXPECT_EQ(d.write_type, "CAS");
          EXPECT_EQ(d.contentions, std::optional<std::int16_t>(3));
        } else {
          EXPECT_EQ(d.write_type, "SIMPLE");
          EXPECT_FALSE(d.contentions.has_value());
        }
      }
      if (e->code == error_code::read_failure) {
        const auto& d = std::get<read_failure_details>(e->details);
        EXPECT_EQ(d.num_failures, 1);
        if (has_failure_reason_map(s.version)) {
          EXPECT_EQ(d.reason_map, (failure_reason_map{{hex("7f000001"), 1}}));
        } else {
          EXPECT_TRUE(d.reason_map.empty());
        }
      }
      if (e->code == error_code::already_exists) {
        EXPECT_EQ(std::get<already_exists_details>(e->details),
                  (already_exists_details{"ks", "t2"}));
      }
      if (e->code == error_code::read_timeout) {
        EXPECT_EQ(std::get<read_timeout_details>(e->details),
                  (read_timeout_details{consistency::one, 0, 1, false}));
      }
      if (e->code == error_code::unavailable) {
        EXPECT_EQ(std::get<unavailable_details>(e->details),
                  (unavailable_details{consistency::quorum, 2, 1}));
      }
    }
  }
  EXPECT_EQ(codes, (std::set<error_code>{error_code::write_timeout, error_code::read_timeout,
                                         error_code::unavailable, error_code::read_failure,
                                         error_code::invalid, error_code::already_exists,
                                         error_code::unprepared, error_code::syntax_error}));
}

data_type udt_address() {
  data_type t = data_type::of(type_id::udt);
  t.udt_keyspace = "ks";
  t.udt_name = "address";
  t.field_names = {"street", "zip"};
  t.params = {data_type::of(type_id::varchar), data_type::of(type_id::int_)};
  return t;
}

TEST_P(DriverCaptureFrames, RowsMetadataOfEveryColumnType) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  const auto& t = traffic.at(1);
  const rows_result* rows = nullptr;
  for (std::size_t i = 0; i < t.client.size(); ++i) {
    const auto* q = request_as<query>(t.client[i]);
    if (q && q->query_string == "SELECT * FROM all_types") {
      rows = response_as<rows_result>(*answer_to(t, i));
    }
  }
  ASSERT_NE(rows, nullptr);
  const rows_metadata& m = rows->metadata;
  EXPECT_FALSE(m.global_table_spec) << "this result names the table in every column spec";
  std::map<std::string, data_type> types;
  for (const auto& c : m.columns) {
    EXPECT_EQ(c.keyspace, "ks");
    EXPECT_EQ(c.table, "all_types");
    types[c.name] = c.type;
  }
  const std::size_t want_columns = raw(s.version) >= 5 ? 26 : raw(s.version) >= 4 ? 25 : 21;
  EXPECT_EQ(m.columns.size(), want_columns);
  EXPECT_EQ(m.column_count, static_cast<std::int32_t>(want_columns));
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].size(), want_columns);
  EXPECT_EQ(types["a_udt"], udt_address());
  EXPECT_EQ(types["a_nested"], data_type::list_of(data_type::map_of(
                                   data_type::of(type_id::varchar),
                                   data_type::list_of(data_type::of(type_id::int_)))));
  EXPECT_EQ(types["a_tuple"],
            data_type::tuple_of({data_type::of(type_id::int_), data_type::of(type_id::varchar)}));
  data_type custom = data_type::of(type_id::custom);
  custom.custom_class = "org.apache.cassandra.db.marshal.LexicalUUIDType";
  EXPECT_EQ(types["a_custom"], custom);
  EXPECT_EQ(types["a_map"],
            data_type::map_of(data_type::of(type_id::varchar), data_type::of(type_id::bigint)));
  EXPECT_EQ(types["a_varint"], data_type::of(type_id::varint));
  if (raw(s.version) >= 4) {
    EXPECT_EQ(types["a_tinyint"], data_type::of(type_id::tinyint));
  }
  if (raw(s.version) >= 5) {
    EXPECT_EQ(types["a_duration"], data_type::of(type_id::duration));
  }
  // The text cell is UTF-8 "tëxt"; the custom cell is null.
  const std::size_t text_at = 9, custom_at = 20;
  EXPECT_EQ(m.columns[text_at].name, "a_text");
  EXPECT_EQ(rows->rows[0][text_at], std::optional<bytes>(hex("74c3ab7874")));
  EXPECT_EQ(m.columns[custom_at].name, "a_custom");
  EXPECT_FALSE(rows->rows[0][custom_at].has_value());
}

INSTANTIATE_TEST_SUITE_P(DriverCapture, DriverCaptureFrames, testing::ValuesIn(all_scenarios),
                         param_name);

// ---------------------------------------------------------------------------------------------
// v5: segments and the fields v5 added.

class DriverCaptureV5 : public testing::TestWithParam<scenario> {};

TEST_P(DriverCaptureV5, SegmentsStartRightAfterTheHandshake) {
  const scenario& s = GetParam();
  const capture c = load_capture(s);
  for (int conn = 0; conn < c.connections(); ++conn) {
    for (const char dir : {client_side, server_side}) {
      const split_result split = split_whole(s, dir == server_side, c.stream(conn, dir));
      ASSERT_EQ(split.error, errc::ok);
      std::vector<opcode> plain;
      for (const auto& wf : split.frames) {
        if (!wf.segmented) {
          plain.push_back(wf.f.header.op);
        } else {
          break;
        }
      }
      const std::size_t segmented = static_cast<std::size_t>(std::count_if(
          split.frames.begin(), split.frames.end(), [](const auto& wf) { return wf.segmented; }));
      EXPECT_EQ(segmented + plain.size(), split.frames.size()) << "no plain frame after segments";
      if (dir == client_side) {
        EXPECT_EQ(plain, (std::vector<opcode>{opcode::options, opcode::startup}));
      } else {
        EXPECT_EQ(plain, (std::vector<opcode>{opcode::supported,
                                              s.auth ? opcode::authenticate : opcode::ready}));
      }
      EXPECT_GT(segmented, 0u);
    }
  }
}

// Valid CRCs, the segment boundaries the server listed, and our encoder reproducing the
// driver's uncompressed segments bit for bit (CRC24 and CRC32 included).
TEST_P(DriverCaptureV5, SegmentsHaveValidCrcsAndReencode) {
  const scenario& s = GetParam();
  const bool lz4 = segments_lz4(s);
  const capture c = load_capture(s);
  for (int conn = 0; conn < c.connections(); ++conn) {
    for (const char dir : {client_side, server_side}) {
      const bytes stream = c.stream(conn, dir);
      const split_result split = split_whole(s, dir == server_side, stream);
      ASSERT_EQ(split.error, errc::ok);
      const byte_view wire = byte_view(stream).subspan(split.handshake_size);
      errc error = errc::ok;
      std::size_t left = 0;
      const std::vector<segment> segments = read_segments(lz4, wire, error, left);
      ASSERT_EQ(error, errc::ok) << s.name << " conn " << conn << " " << dir << ": "
                                 << describe(error);
      EXPECT_EQ(left, 0u);
      std::vector<listed_segment> ours;
      for (const auto& seg : segments)
        ours.push_back({seg.self_contained, seg.payload.size()});
      EXPECT_EQ(ours, c.listed_segments.at({conn, dir}))
          << s.name << " conn " << conn << " " << dir;

      bytes again;
      for (const auto& seg : segments)
        encode_segment(seg.payload, seg.self_contained, lz4, again);
      if (!lz4) {
        EXPECT_EQ(to_hex(again), to_hex(wire)) << s.name << " conn " << conn << " " << dir;
      }
      std::size_t again_left = 0;
      EXPECT_EQ(read_segments(lz4, again, error, again_left), segments);
      EXPECT_EQ(error, errc::ok);

      // The frames inside, packed our way, read back the same.
      std::vector<bytes> encoded;
      std::vector<frame> inside;
      for (const auto& wf : split.frames) {
        if (!wf.segmented) continue;
        encoded.push_back(encode_frame(wf.f.header, wf.f.body));
        inside.push_back(wf.f);
      }
      segmented_frame_reader reader(lz4);
      reader.feed(encode_frames_as_segments(encoded, lz4));
      std::vector<frame> back;
      for (;;) {
        auto next = reader.next();
        ASSERT_TRUE(next) << describe(static_cast<errc>(next.error().value()));
        if (!*next) break;
        back.push_back(std::move(**next));
      }
      EXPECT_TRUE(back == inside);
    }
  }
}

TEST_P(DriverCaptureV5, CorruptedSegmentBytesAreCaught) {
  const scenario& s = GetParam();
  const capture c = load_capture(s);
  const bytes stream = c.stream(1, client_side);
  const split_result split = split_whole(s, false, stream);
  ASSERT_EQ(split.error, errc::ok);
  const std::size_t header_bytes = segments_lz4(s) ? 5 + 3 : 3 + 3;
  const struct {
    std::size_t offset;
    errc expected;
  } cases[] = {{0, errc::bad_header_crc},
               {header_bytes - 1, errc::bad_header_crc},
               {header_bytes, errc::bad_payload_crc}};
  for (const auto& k : cases) {
    bytes broken = stream;
    broken[split.handshake_size + k.offset] ^= 0x01;
    const split_result r = split_whole(s, false, broken);
    EXPECT_EQ(r.error, k.expected) << "flipped byte " << k.offset << " of the first segment";
    EXPECT_EQ(r.frames.size(), 2u) << "OPTIONS and STARTUP came before the bad segment";
  }
}

TEST_P(DriverCaptureV5, ExecuteCarriesTheResultMetadataIdAndMetadataChanges) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  const auto& t = traffic.at(1);
  int changed = 0;
  for (std::size_t i = 0; i < t.client.size(); ++i) {
    const auto* e = request_as<execute>(t.client[i]);
    if (!e) continue;
    ASSERT_TRUE(e->result_metadata_id.has_value());
    EXPECT_EQ(e->result_metadata_id->size(), 16u) << "Cassandra's ids are MD5 digests";
    const auto* rows = response_as<rows_result>(*answer_to(t, i));
    if (!rows || !rows->metadata.new_metadata_id) continue;
    ++changed;
    EXPECT_NE(*rows->metadata.new_metadata_id, *e->result_metadata_id);
    ASSERT_EQ(rows->metadata.columns.size(), 3u);
    EXPECT_EQ(rows->metadata.columns[2].name, "w") << "the column ALTER TABLE added";
    EXPECT_FALSE(rows->metadata.no_metadata);
  }
  // Driver 3.25 keeps sending the old id, so every EXECUTE after the ALTER sees the change:
  // two, and in python-v5-lz4 also the one that reads the large value back.
  EXPECT_EQ(changed, std::string_view(s.name) == v5_lz4.name ? 3 : 2);
}

TEST_P(DriverCaptureV5, KeyspacePerRequest) {
  const scenario& s = GetParam();
  const auto traffic = decode_capture(s);
  const auto& t = traffic.at(1);
  int queries = 0, batches = 0;
  std::vector<std::string> prepared_in_ks;
  for (const auto& f : t.client) {
    if (const auto* q = request_as<query>(f); q && q->params.keyspace) {
      ++queries;
      EXPECT_EQ(*q->params.keyspace, "ks");
      EXPECT_EQ(q->query_string, "SELECT k, v FROM t WHERE k = 1");
    }
    if (const auto* p = request_as<prepare>(f); p && p->keyspace) {
      prepared_in_ks.push_back(p->query_string);
      EXPECT_EQ(*p->keyspace, "ks");
    }
    if (const auto* b = request_as<batch>(f); b && b->keyspace) {
      ++batches;
      EXPECT_EQ(*b->keyspace, "ks");
    }
  }
  EXPECT_EQ(queries, 1);
  // The PREPARE with a keyspace and its re-prepare after UNPREPARED; the statements prepared
  // without one are re-prepared without one.
  EXPECT_EQ(prepared_in_ks, (std::vector<std::string>{"SELECT k, v FROM t WHERE k = ?",
                                                      "SELECT k, v FROM t WHERE k = ?"}));
  EXPECT_EQ(batches, 2);
}

INSTANTIATE_TEST_SUITE_P(DriverCapture, DriverCaptureV5, testing::ValuesIn(v5_scenarios),
                         param_name);

TEST(DriverCaptureLargeFrame, FrameLargerThanASegmentSpansNonSelfContainedSegments) {
  const capture c = load_capture(v5_lz4);
  for (const char dir : {client_side, server_side}) {
    const bytes stream = c.stream(1, dir);
    const split_result split = split_whole(v5_lz4, dir == server_side, stream);
    ASSERT_EQ(split.error, errc::ok);
    const auto big = std::find_if(split.frames.begin(), split.frames.end(), [](const auto& wf) {
      return wf.f.body.size() > max_segment_payload;
    });
    ASSERT_NE(big, split.frames.end()) << dir;
    EXPECT_EQ(big->f.header.op, dir == client_side ? opcode::execute : opcode::result);
    errc error = errc::ok;
    std::size_t left = 0;
    const auto segments =
        read_segments(true, byte_view(stream).subspan(split.handshake_size), error, left);
    ASSERT_EQ(error, errc::ok);
    std::vector<std::size_t> cut;
    for (const auto& seg : segments) {
      if (!seg.self_contained) cut.push_back(seg.payload.size());
    }
    const std::size_t frame_size = 9 + big->f.body.size();
    EXPECT_EQ(cut,
              (std::vector<std::size_t>{max_segment_payload, frame_size - max_segment_payload}));
  }
}

// ---------------------------------------------------------------------------------------------
// Every split point of a client stream gives the same frames as the whole stream.

class DriverCaptureSplit : public testing::TestWithParam<scenario> {};

TEST_P(DriverCaptureSplit, EverySplitPointOfTheClientStreamGivesTheSameFrames) {
  const scenario& s = GetParam();
  const capture c = load_capture(s);
  for (int conn = 0; conn < c.connections(); ++conn) {
    const bytes stream = c.stream(conn, client_side);
    const byte_view all(stream);
    const split_result whole = split_whole(s, false, all);
    ASSERT_EQ(whole.error, errc::ok);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      const split_result r =
          split_chunks(s, false, std::vector<byte_view>{all.first(cut), all.subspan(cut)});
      ASSERT_EQ(r.error, errc::ok) << "split at " << cut;
      ASSERT_TRUE(r.frames == whole.frames) << s.name << " conn " << conn << " split at " << cut;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(DriverCapture, DriverCaptureSplit,
                         testing::Values(v3_plain, v4_lz4, v5_lz4, v5_auth), param_name);

}  // namespace
}  // namespace cqlshift::protocol
