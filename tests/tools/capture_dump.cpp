// Prints a captured driver session (tests/data/captures) as the proxy's codec reads it: every
// frame of every connection, in order, decoded, with a one-line summary of its message.
//   capture_dump [--captures DIR] SCENARIO      e.g. capture_dump python-v5-lz4
// Exit status 1 when a frame does not decode or re-encode to the captured bytes.

#include "driver_capture.hpp"

#include "cqlshift/protocol/cql_value.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

using namespace cqlshift::protocol;
using namespace cqlshift::protocol::driver_capture;

namespace {

std::string shorten(std::string s, std::size_t max = 72) {
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return s.size() <= max ? s : s.substr(0, max - 3) + "...";
}

std::string hex_prefix(byte_view b, std::size_t max = 8) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t k = 0; k < b.size() && k < max; ++k) {
    s += digits[b[k] >> 4];
    s += digits[b[k] & 0xF];
  }
  return b.size() > max ? s + ".." : s;
}

std::string params_summary(const query_parameters& p) {
  std::ostringstream os;
  os << to_string(p.consistency_level);
  if (p.values) os << ", " << p.values->size() << " values";
  if (p.page_size) os << ", page " << *p.page_size;
  if (p.paging_state) os << ", paging state";
  if (p.serial_consistency) os << ", serial " << to_string(*p.serial_consistency);
  if (p.default_timestamp) os << ", timestamp";
  if (p.keyspace) os << ", keyspace " << *p.keyspace;
  return os.str();
}

struct summarize {
  std::string operator()(const startup& m) const {
    std::string s;
    for (const auto& [k, v] : m.options)
      s += k + "=" + v + " ";
    return s;
  }
  std::string operator()(const auth_response&) const { return "(credentials not shown)"; }
  std::string operator()(const options&) const { return ""; }
  std::string operator()(const query& m) const {
    return "\"" + shorten(m.query_string) + "\" [" + params_summary(m.params) + "]";
  }
  std::string operator()(const prepare& m) const { return "\"" + shorten(m.query_string) + "\""; }
  std::string operator()(const execute& m) const {
    return "id " + hex_prefix(m.id) + " [" + params_summary(m.params) + "]";
  }
  std::string operator()(const batch& m) const {
    return std::to_string(m.children.size()) + " statements, " +
           std::string(to_string(m.consistency_level));
  }
  std::string operator()(const register_request& m) const {
    std::string s;
    for (const auto& e : m.events)
      s += e + " ";
    return s;
  }
  std::string operator()(const revise_request& m) const {
    return "revision " + std::to_string(m.revision_type);
  }

  std::string operator()(const error_response& m) const {
    return std::string(to_string(m.code)) + ": " + shorten(m.message);
  }
  std::string operator()(const ready&) const { return ""; }
  std::string operator()(const authenticate& m) const { return m.authenticator; }
  std::string operator()(const supported& m) const {
    std::string s;
    for (const auto& [k, vs] : m.options)
      s += k + " ";
    return s;
  }
  std::string operator()(const void_result&) const { return "void"; }
  std::string operator()(const rows_result& m) const {
    std::string s = "rows: " + std::to_string(m.rows.size()) + " x " +
                    std::to_string(m.metadata.column_count) + " columns";
    if (!m.metadata.columns.empty()) {
      s += " (" + m.metadata.columns[0].table + ": ";
      for (std::size_t k = 0; k < m.metadata.columns.size() && k < 4; ++k) {
        s +=
            (k ? ", " : "") + m.metadata.columns[k].name + " " + to_cql(m.metadata.columns[k].type);
      }
      s += m.metadata.columns.size() > 4 ? ", ...)" : ")";
    }
    if (m.metadata.paging_state) s += ", more pages";
    return s;
  }
  std::string operator()(const set_keyspace_result& m) const { return "keyspace " + m.keyspace; }
  std::string operator()(const prepared_result& m) const {
    return "prepared id " + hex_prefix(m.id) + ", " + std::to_string(m.variables.columns.size()) +
           " bind markers";
  }
  std::string operator()(const schema_change_result& m) const { return (*this)(m.change); }
  std::string operator()(const schema_change& m) const {
    return std::string(to_string(m.change)) + " " + std::string(to_string(m.target)) + " " +
           m.keyspace + (m.name.empty() ? "" : "." + m.name);
  }
  std::string operator()(const event& m) const {
    return std::visit(
        [this](const auto& e) -> std::string {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, schema_change>) {
            return "SCHEMA_CHANGE " + (*this)(e);
          } else {
            return e.change + " " + to_string(e.address);
          }
        },
        m.body);
  }
  std::string operator()(const auth_challenge&) const { return ""; }
  std::string operator()(const auth_success&) const { return ""; }
};

void print_frame(const decoded_frame& d, char side, const scenario& s) {
  const std::string what =
      d.req ? std::visit(summarize{}, *d.req) : std::visit(summarize{}, *d.resp);
  std::printf("  %s stream %5d %-15s%s%s %s\n", side == client_side ? "app -> db" : "db -> app",
              d.header.stream, std::string(to_string(d.header.op)).c_str(),
              d.header.has(header_flag::compression) ? " [" : "",
              d.header.has(header_flag::compression)
                  ? (std::string(to_string(s.compression)) + "]").c_str()
                  : (d.segmented ? " [segment]" : ""),
              what.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string directory = CQLSHIFT_TEST_DATA_DIR "/captures";
  std::string name;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--captures" && k + 1 < argc) {
      directory = argv[++k];
    } else {
      name = arg;
    }
  }
  const auto s = find_scenario(name);
  if (!s) {
    std::cerr << "usage: capture_dump [--captures DIR] SCENARIO\nscenarios:";
    for (const auto& known : all_scenarios)
      std::cerr << ' ' << known.name;
    std::cerr << '\n';
    return 2;
  }
  const capture c = load_capture(directory, *s);
  std::vector<std::string> failures;
  const auto traffic = decode_capture(*s, c, failures);

  std::size_t frames = 0;
  std::size_t identical = 0;
  for (std::size_t conn = 0; conn < traffic.size(); ++conn) {
    const auto& t = traffic[conn];
    std::printf("connection %zu (%s, compression %s)\n", conn,
                std::string(to_string(s->version)).c_str(),
                std::string(to_string(s->compression)).c_str());
    // Requests in order, each followed by its answer; then unsolicited events.
    for (std::size_t k = 0; k < t.client.size(); ++k) {
      print_frame(t.client[k], client_side, *s);
      if (const decoded_frame* a = answer_to(t, k)) print_frame(*a, server_side, *s);
    }
    for (const auto& d : t.server) {
      if (d.header.stream < 0) print_frame(d, server_side, *s);
    }
    for (const auto* side : {&t.client, &t.server}) {
      for (const auto& d : *side) {
        ++frames;
        std::string why;
        const bytes again = reencode(*s, d, why);
        const bytes original = encode_frame(
            frame_header{d.header.version, d.header.response,
                         static_cast<std::uint8_t>(d.header.flags & ~header_flag::compression),
                         d.header.stream, d.header.op, 0},
            d.body);
        if (why.empty() && again == original) ++identical;
      }
    }
  }
  for (const auto& f : failures)
    std::printf("FAILED: %s\n", f.c_str());
  std::printf("%zu frames decoded, %zu re-encoded byte-identically, %zu failures\n", frames,
              identical, failures.size());
  return failures.empty() && identical == frames ? 0 : 1;
}
