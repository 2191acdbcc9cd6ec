// fuzz_seeds: writes the seed corpus of every fuzz target (tests/fuzz/CMakeLists.txt) from the
// real driver captures in tests/data/captures, plus a few hand-built messages the captures
// cannot hold (DSE-only bodies, REVISE_REQUEST, AUTH_CHALLENGE), taken from the unit tests'
// golden bytes. Every seed is an input its target accepts; each is named by a hash of its
// bytes, so rerunning gives the same files.
//
//   fuzz_seeds [--captures DIR] [--check] OUT
//
// Writes OUT/<target>/<hash>, first removing the files an earlier run generated there (names
// of 16 hex digits) and nothing else, so regression inputs kept next to them survive. With
// --check it writes nothing and fails when OUT differs from what it would write.

#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/data_type.hpp"
#include "cqlshift/protocol/md5.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "driver_capture.hpp"
#include "test_bytes.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace cqlshift::protocol;
using namespace cqlshift::protocol::driver_capture;
using test::concat;
using test::hex;
using test::text;

namespace {

// libFuzzer mutates small inputs faster, and ~200 seeds per target cover what the captures
// hold without slowing every fuzz run's corpus load.
constexpr std::size_t max_seed_size = 64 * 1024 - 1;
constexpr std::size_t max_seeds_per_target = 200;
constexpr std::size_t min_seeds_per_target = 3;

// The message targets' first byte indexes this table (tests/fuzz/fuzz_message.cpp).
constexpr protocol_version message_versions[] = {protocol_version::v3,     protocol_version::v4,
                                                 protocol_version::v5,     protocol_version::dse_v1,
                                                 protocol_version::dse_v2, protocol_version::v2};

// The targets of tests/fuzz/CMakeLists.txt, with the opcode each message target decodes.
struct message_target {
  const char* name;
  opcode op;
};
constexpr message_target message_targets[] = {
    {"fuzz_request_startup", opcode::startup},
    {"fuzz_request_options", opcode::options},
    {"fuzz_request_query", opcode::query},
    {"fuzz_request_prepare", opcode::prepare},
    {"fuzz_request_execute", opcode::execute},
    {"fuzz_request_register", opcode::register_},
    {"fuzz_request_batch", opcode::batch},
    {"fuzz_request_auth_response", opcode::auth_response},
    {"fuzz_request_revise", opcode::dse_revise_request},
    {"fuzz_response_error", opcode::error},
    {"fuzz_response_ready", opcode::ready},
    {"fuzz_response_authenticate", opcode::authenticate},
    {"fuzz_response_supported", opcode::supported},
    {"fuzz_response_result", opcode::result},
    {"fuzz_response_event", opcode::event},
    {"fuzz_response_auth_challenge", opcode::auth_challenge},
    {"fuzz_response_auth_success", opcode::auth_success},
};
constexpr const char* frame_reader_target = "fuzz_frame_reader";
constexpr const char* segment_reader_target = "fuzz_segment_reader";
constexpr const char* cql_value_target = "fuzz_cql_value";
constexpr const char* compression_target = "fuzz_compression";

// Chunk sizes for the reader targets (1 + selector % 64): whole 64-byte chunks, byte by
// byte, and sizes that cut headers apart.
constexpr std::uint8_t chunk_selectors[] = {63, 0, 7, 31, 2, 16};

// One target's candidate seeds, deduplicated. pick() takes the lower tiers first and, within
// a tier, one seed of each group in turn, so a cap keeps every capture (or type) represented.
class seed_set {
 public:
  void add(int tier, const std::string& group, bytes seed) {
    if (seed.size() > max_seed_size || !seen_.insert(seed).second) return;
    candidates_[tier][group].push_back(std::move(seed));
  }

  std::vector<bytes> pick(std::size_t cap) const {
    std::vector<bytes> out;
    for (const auto& [tier, groups] : candidates_) {
      for (std::size_t i = 0; out.size() < cap; ++i) {
        bool any = false;
        for (const auto& [group, seeds] : groups) {
          if (i < seeds.size() && out.size() < cap) {
            out.push_back(seeds[i]);
            any = true;
          }
        }
        if (!any) break;
      }
    }
    return out;
  }

 private:
  std::set<bytes> seen_;
  std::map<int, std::map<std::string, std::vector<bytes>>> candidates_;
};

using corpus = std::map<std::string, seed_set>;

bytes with_selector(std::uint8_t selector, byte_view rest) {
  bytes out(1 +
            rest.size());  // sized up front: insert after `{selector}` trips g++ 12 -Warray-bounds
  out[0] = selector;
  std::copy(rest.begin(), rest.end(), out.begin() + 1);
  return out;
}

std::uint8_t next_chunk_selector(std::size_t& rotation) {
  return chunk_selectors[rotation++ % std::size(chunk_selectors)];
}

// Whether `message` decodes at v and encodes back to the same bytes, i.e. is a valid message
// of that version as it stands.
bool valid_as_is(bool response, opcode op, protocol_version v, byte_view message) {
  if (response) {
    auto m = decode_response(op, v, message);
    if (!m) return false;
    auto again = encode_response(*m, v);
    return again && std::equal(again->begin(), again->end(), message.begin(), message.end());
  }
  auto m = decode_request(op, v, message);
  if (!m) return false;
  auto again = encode_request(*m, v);
  return again && std::equal(again->begin(), again->end(), message.begin(), message.end());
}

const char* target_of(bool response, opcode op) {
  for (const auto& t : message_targets) {
    const bool is_response = std::string_view(t.name).starts_with("fuzz_response_");
    if (t.op == op && is_response == response) return t.name;
  }
  throw std::runtime_error("no fuzz target for opcode " + std::string(to_string(op)));
}

// Tier 0: the message at the version it was captured at; tier 1: the same bytes at every
// other version where they are valid as they stand.
void add_message(corpus& out, const std::string& group, bool response, opcode op,
                 protocol_version captured, byte_view message) {
  for (std::size_t i = 0; i < std::size(message_versions); ++i) {
    const protocol_version v = message_versions[i];
    if (!valid_as_is(response, op, v, message)) continue;
    out[target_of(response, op)].add(v == captured ? 0 : 1, group,
                                     with_selector(static_cast<std::uint8_t>(i), message));
  }
}

// fuzz_cql_value: odd selects v4 (the value layout of v3 and later), even v2. Cells of a
// collection written at v3+ are valid at v2 only by accident, so v2 keeps exact round trips.
void add_cells(corpus& out, const rows_result& rows) {
  if (rows.metadata.no_metadata) return;
  for (const auto& row : rows.rows) {
    for (std::size_t c = 0; c < row.size() && c < rows.metadata.columns.size(); ++c) {
      if (!row[c]) continue;
      const data_type& t = rows.metadata.columns[c].type;
      bytes option;
      writer w(option);
      write_data_type(t, w);
      if (!w.ok()) continue;
      const bytes input = concat({option, *row[c]});
      if (decode_value(t, *row[c], protocol_version::v4)) {
        out[cql_value_target].add(0, to_cql(t), with_selector(1, input));
      }
      auto v2 = decode_value(t, *row[c], protocol_version::v2);
      if (!v2) continue;
      auto again = encode_value(t, *v2, protocol_version::v2);
      if (again && *again == *row[c])
        out[cql_value_target].add(1, to_cql(t), with_selector(0, input));
    }
  }
}

void add_direction(corpus& out, const scenario& s, const capture& c, int conn, char dir,
                   std::size_t& rotation) {
  const bool from_server = dir == server_side;
  const bytes stream = c.stream(conn, dir);
  const split_result split = split_whole(s, from_server, stream);
  if (split.error != errc::ok) {
    throw std::runtime_error(std::string(s.name) +
                             ": stream does not split: " + describe(split.error));
  }
  const byte_view plain = byte_view(stream).first(split.handshake_size);
  const byte_view segmented = byte_view(stream).subspan(split.handshake_size);

  // The frame reader: the plain part whole, then each plain frame alone.
  seed_set& frames = out[frame_reader_target];
  frames.add(0, s.name, with_selector(next_chunk_selector(rotation), plain));
  for (const wire_frame& wf : split.frames) {
    if (wf.segmented) continue;
    frames.add(1, s.name,
               with_selector(next_chunk_selector(rotation), encode_frame(wf.f.header, wf.f.body)));
  }

  // The segment reader: the segmented part whole, then each segment alone.
  if (!segmented.empty()) {
    const std::uint8_t lz4_bit = segments_lz4(s) ? 0x80 : 0x00;
    seed_set& segments = out[segment_reader_target];
    segments.add(0, s.name,
                 with_selector(static_cast<std::uint8_t>(lz4_bit | next_chunk_selector(rotation)),
                               segmented));
    std::size_t at = 0;
    for (const std::size_t size : segment_sizes(segments_lz4(s), segmented)) {
      segments.add(1, s.name,
                   with_selector(static_cast<std::uint8_t>(lz4_bit | next_chunk_selector(rotation)),
                                 segmented.subspan(at, size)));
      at += size;
    }
  }

  // Compressed bodies as the driver and server wrote them.
  for (const wire_frame& wf : split.frames) {
    if (!wf.f.header.has(header_flag::compression)) continue;
    const std::uint8_t selector = s.compression == compression_algorithm::lz4 ? 1 : 0;
    out[compression_target].add(0, s.name, with_selector(selector, wf.f.body));
  }
}

void add_capture(corpus& out, const std::string& directory, const scenario& s) {
  const capture c = load_capture(directory, s);
  std::size_t rotation = 0;
  for (int conn = 0; conn < c.connections(); ++conn) {
    for (const char dir : {client_side, server_side})
      add_direction(out, s, c, conn, dir, rotation);
  }
  std::vector<std::string> failures;
  const auto traffic = decode_capture(s, c, failures);
  if (!failures.empty()) throw std::runtime_error(failures.front());
  for (const auto& t : traffic) {
    for (const auto* side : {&t.client, &t.server}) {
      for (const decoded_frame& f : *side) {
        add_message(out, s.name, f.header.response, f.header.op, s.version, f.message());
        if (const auto* rows = response_as<rows_result>(f)) add_cells(out, *rows);
      }
    }
  }
}

// Messages no capture holds, from the unit tests' golden bytes (query_request_test.cpp,
// batch_request_test.cpp, requests_test.cpp, responses_test.cpp, rows_response_test.cpp).
struct golden_message {
  bool response;
  opcode op;
  protocol_version version;
  bytes message;
};

std::vector<golden_message> golden_messages() {
  using v = protocol_version;
  const bytes select = concat({hex("0000000f"), text("SELECT * FROM t")});
  const bytes v4_fields = hex(
      "0002 0001 6b 00000001 01 0001 76 fffffffe 00001388 00000003 010203 0009 0005f0a1b2c3d4e5");
  const bytes batch_children =
      concat({hex("01 0002 00 0000001c"), text("INSERT INTO t (k) VALUES (?)"),
              hex("0001 00000001 07 01 0004 cafebabe 0002 00000001 08 fffffffe")});
  return {
      {false, opcode::query, v::dse_v1, concat({select, hex("0001 00000000")})},
      {false, opcode::query, v::dse_v1,
       concat({select, hex("0006 c000007f"), v4_fields, hex("0000000a 00000002")})},
      {false, opcode::query, v::dse_v2,
       concat(
           {select, hex("0006 c00000ff"), v4_fields, hex("0002 6b73 0000000a 00000002 00000003")})},
      {false, opcode::query, v::v2,
       concat({select, hex("0006 1f 0002 00000001 01 ffffffff 00001388 00000003 010203 0008")})},
      {false, opcode::execute, v::dse_v1,
       hex("0004 cafebabe 0001 00000001 0001 00000004 0000002a")},
      {false, opcode::execute, v::dse_v2,
       hex("0004 cafebabe 0002 abcd 0001 00000001 0001 00000004 0000002a")},
      {false, opcode::batch, v::dse_v1,
       concat({batch_children, hex("0004 00000030 0008 0005f0a1b2c3d4e5")})},
      {false, opcode::batch, v::dse_v2,
       concat({batch_children, hex("0004 000000b0 0008 0005f0a1b2c3d4e5 0002 6b73")})},
      {false, opcode::prepare, v::dse_v2, concat({select, hex("00000001 0002 6b73")})},
      {false, opcode::dse_revise_request, v::dse_v1, hex("00000001 00000005")},
      {false, opcode::dse_revise_request, v::dse_v2, hex("00000001 00000005")},
      {false, opcode::dse_revise_request, v::dse_v2, hex("00000002 00000005 0000000a")},
      {true, opcode::auth_challenge, v::v4, hex("00000003 616263")},
      {true, opcode::auth_challenge, v::v4, hex("00000000")},
      {true, opcode::auth_challenge, v::v4, hex("ffffffff")},
      {true, opcode::result, v::dse_v1,
       hex("00000002 c0000004 00000001 00000003 00000001 00000000")},
      {true, opcode::result, v::dse_v2,
       hex("00000002 4000000e 00000001 00000001 aa 0001 bb 00000007 00000000")},
  };
}

void add_golden_messages(corpus& out) {
  for (const golden_message& g : golden_messages()) {
    if (!valid_as_is(g.response, g.op, g.version, g.message)) {
      throw std::runtime_error("hand-built " + std::string(to_string(g.op)) + " at " +
                               std::string(to_string(g.version)) + " no longer decodes");
    }
    add_message(out, "golden", g.response, g.op, g.version, g.message);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing.

std::string name_of(byte_view seed) {
  const md5_digest d = md5(seed);
  return test::to_hex(byte_view(d.data(), 8));
}

bool is_generated_name(const std::string& name) {
  return name.size() == 16 && std::all_of(name.begin(), name.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

bytes read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> all_targets() {
  std::vector<std::string> names{frame_reader_target, segment_reader_target, cql_value_target,
                                 compression_target};
  for (const auto& t : message_targets)
    names.emplace_back(t.name);
  return names;
}

// Returns the number of differences found (check) or 0 after writing.
int emit(const corpus& seeds, const fs::path& out, bool check) {
  int differences = 0;
  std::size_t total_files = 0, total_bytes = 0;
  for (const std::string& target : all_targets()) {
    const auto it = seeds.find(target);
    const std::vector<bytes> picked =
        it == seeds.end() ? std::vector<bytes>{} : it->second.pick(max_seeds_per_target);
    if (picked.size() < min_seeds_per_target) {
      throw std::runtime_error(target + ": only " + std::to_string(picked.size()) + " seeds");
    }
    std::map<std::string, bytes> want;
    for (const bytes& seed : picked)
      want.emplace(name_of(seed), seed);

    const fs::path dir = out / target;
    std::map<std::string, fs::path> have;
    if (fs::is_directory(dir)) {
      for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && is_generated_name(name)) have.emplace(name, entry.path());
      }
    }
    if (check) {
      for (const auto& [name, seed] : want) {
        const auto h = have.find(name);
        if (h == have.end() || read_file(h->second) != seed) {
          std::cerr << "fuzz_seeds: " << (dir / name).string() << " missing or different\n";
          ++differences;
        }
      }
      for (const auto& [name, path] : have) {
        if (!want.count(name)) {
          std::cerr << "fuzz_seeds: " << path.string() << " is no longer generated\n";
          ++differences;
        }
      }
    } else {
      fs::create_directories(dir);
      for (const auto& [name, path] : have)
        fs::remove(path);
      for (const auto& [name, seed] : want) {
        std::ofstream f(dir / name, std::ios::binary);
        f.write(reinterpret_cast<const char*>(seed.data()),
                static_cast<std::streamsize>(seed.size()));
        if (!f) throw std::runtime_error("cannot write " + (dir / name).string());
      }
    }
    std::size_t target_bytes = 0;
    for (const auto& [name, seed] : want)
      target_bytes += seed.size();
    std::printf("%-30s %4zu seeds %8zu bytes\n", target.c_str(), want.size(), target_bytes);
    total_files += want.size();
    total_bytes += target_bytes;
  }
  std::printf("%-30s %4zu seeds %8zu bytes\n", "total", total_files, total_bytes);
  return differences;
}

int run(int argc, char** argv) {
  std::string captures = CQLSHIFT_TEST_DATA_DIR "/captures";
  bool check = false;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--captures" && i + 1 < argc) {
      captures = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else if (!arg.starts_with("-") && out.empty()) {
      out = arg;
    } else {
      out.clear();
      break;
    }
  }
  if (out.empty()) {
    std::cerr << "usage: fuzz_seeds [--captures DIR] [--check] OUT\n";
    return 2;
  }

  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(captures)) {
    if (entry.path().extension() == ".cap") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());  // directory order is unspecified
  if (names.empty()) throw std::runtime_error("no .cap files in " + captures);

  corpus seeds;
  for (const std::string& name : names) {
    const auto s = find_scenario(name);
    if (!s) {
      throw std::runtime_error(name + ".cap is not a known scenario (driver_capture.hpp)");
    }
    add_capture(seeds, captures, *s);
  }
  add_golden_messages(seeds);

  const int differences = emit(seeds, out, check);
  if (differences != 0) {
    std::cerr << "fuzz_seeds: " << differences << " differences; regenerate with fuzz_seeds " << out
              << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
}
