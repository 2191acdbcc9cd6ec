#pragma once
// The real driver captures in tests/data/captures (README.md there): loading the files,
// splitting each direction's byte stream into frames as a proxy would (plain frames, then v5
// segments after the handshake), and decoding every frame. Shared by driver_capture_test.cpp
// and the fuzz seed generator (tests/fuzz/make_seeds.cpp), so it has no gtest dependency.
// Malformed capture files throw std::runtime_error; decoding problems are reported as text.

#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/segment.hpp"
#include "cqlshift/protocol/version.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cqlshift::protocol::driver_capture {

// ---------------------------------------------------------------------------------------------
// Scenarios: what each capture negotiated.

struct scenario {
  const char* name;  // the file name without extension
  protocol_version version;
  compression_algorithm compression;
  bool auth;
  const char* cql_version;  // what the fake server offered, hence what the driver asked for
};

inline constexpr scenario v3_plain{"python-v3", protocol_version::v3, compression_algorithm::none,
                                   false, "3.4.4"};
inline constexpr scenario v3_lz4{"python-v3-lz4", protocol_version::v3, compression_algorithm::lz4,
                                 false, "3.4.4"};
inline constexpr scenario v3_snappy{"python-v3-snappy", protocol_version::v3,
                                    compression_algorithm::snappy, false, "3.4.4"};
inline constexpr scenario v4_plain{"python-v4", protocol_version::v4, compression_algorithm::none,
                                   false, "3.4.5"};
inline constexpr scenario v4_lz4{"python-v4-lz4", protocol_version::v4, compression_algorithm::lz4,
                                 false, "3.4.5"};
inline constexpr scenario v4_snappy{"python-v4-snappy", protocol_version::v4,
                                    compression_algorithm::snappy, false, "3.4.5"};
inline constexpr scenario v4_auth{"python-v4-auth", protocol_version::v4,
                                  compression_algorithm::none, true, "3.4.5"};
inline constexpr scenario v5_plain{"python-v5", protocol_version::v5, compression_algorithm::none,
                                   false, "3.4.5"};
inline constexpr scenario v5_lz4{"python-v5-lz4", protocol_version::v5, compression_algorithm::lz4,
                                 false, "3.4.5"};
inline constexpr scenario v5_auth{"python-v5-auth", protocol_version::v5,
                                  compression_algorithm::none, true, "3.4.5"};

inline constexpr scenario all_scenarios[] = {v3_plain,  v3_lz4,  v3_snappy, v4_plain, v4_lz4,
                                             v4_snappy, v4_auth, v5_plain,  v5_lz4,   v5_auth};
inline constexpr scenario v5_scenarios[] = {v5_plain, v5_lz4, v5_auth};

// The scenario of a capture file name (without extension), if it is one of all_scenarios.
std::optional<scenario> find_scenario(std::string_view name);

// gtest prints test parameters with this.
std::ostream& operator<<(std::ostream& os, const scenario& s);

// v5 segments are LZ4-compressed exactly when the connection negotiated lz4.
constexpr bool segments_lz4(const scenario& s) noexcept {
  return s.compression == compression_algorithm::lz4;
}

// ---------------------------------------------------------------------------------------------
// The capture files.

inline constexpr char client_side = 'C';
inline constexpr char server_side = 'S';

// One server recv() ('C') or sendall() ('S').
struct record {
  char direction = client_side;
  std::uint8_t conn = 0;
  bytes data;
};

// One line of the fake server's own listing (<scenario>.frames).
struct listed_frame {
  std::int16_t stream = 0;
  std::string op;
  std::uint8_t flags = 0;
  std::uint32_t length = 0;
  bool operator==(const listed_frame&) const = default;
};
struct listed_segment {
  bool self_contained = false;
  std::size_t uncompressed_size = 0;
  bool operator==(const listed_segment&) const = default;
};

struct capture {
  std::vector<record> records;
  // Keyed by (connection, direction).
  std::map<std::pair<int, char>, std::vector<listed_frame>> listed_frames;
  std::map<std::pair<int, char>, std::vector<listed_segment>> listed_segments;

  int connections() const;
  // One connection's bytes in one direction, as sent.
  bytes stream(int conn, char direction) const;
  // The same bytes in the chunks they were recorded in.
  std::vector<bytes> chunks(int conn, char direction) const;
};

// Reads <directory>/<s.name>.cap and .frames. Throws std::runtime_error when a file is
// missing or malformed.
capture load_capture(const std::string& directory, const scenario& s);

// ---------------------------------------------------------------------------------------------
// Splitting a byte stream into frames, as a proxy would: plain frames first, and on v5 the
// segment framing right after the handshake (the client's STARTUP, the server's READY or
// AUTHENTICATE).

struct wire_frame {
  frame f;  // body as on the wire (compressed when the header says so)
  bool segmented = false;
  bool operator==(const wire_frame&) const = default;
};

// The frame after which a v5 connection switches to segments.
bool ends_handshake(const frame_header& h) noexcept;

// Feeds one direction's bytes in any chunking; stops at the first error.
class stream_splitter {
 public:
  stream_splitter(const scenario& s, bool from_server);

  void feed(byte_view chunk);

  const std::vector<wire_frame>& frames() const { return frames_; }
  errc error() const { return error_; }
  // Bytes before the first segment (all of them when the stream never switched).
  std::size_t handshake_size() const {
    return switched_ ? consumed_ : consumed_ + plain_.buffered();
  }
  bool has_partial_plain_frame() const { return !switched_ && plain_.buffered() != 0; }

 private:
  void drain_plain();
  void drain_segmented();

  bool segments_after_handshake_;
  bool switched_ = false;
  frame_reader plain_;
  segmented_frame_reader segmented_;
  bytes seen_;  // plain bytes fed so far, to hand the unread rest to segmented_ on switching
  std::size_t consumed_ = 0;
  std::vector<wire_frame> frames_;
  errc error_ = errc::ok;
};

struct split_result {
  std::vector<wire_frame> frames;
  errc error = errc::ok;
  std::size_t handshake_size = 0;
  bool partial_frame_left = false;
};

split_result split_chunks(const scenario& s, bool from_server, std::span<const byte_view> chunks);
split_result split_chunks(const scenario& s, bool from_server, std::span<const bytes> chunks);
split_result split_whole(const scenario& s, bool from_server, byte_view stream);
split_result split_byte_by_byte(const scenario& s, bool from_server, byte_view stream);

// Every whole segment in `data`; `error` is set to the reader's error if it fails, and
// `left` to the bytes of an incomplete last segment.
std::vector<segment> read_segments(bool lz4, byte_view data, errc& error, std::size_t& left);

// The wire size of each whole segment at the start of `data`, in order, up to the first
// error or incomplete segment.
std::vector<std::size_t> segment_sizes(bool lz4, byte_view data);

// ---------------------------------------------------------------------------------------------
// Decoding every frame.

struct decoded_frame {
  frame_header header;  // as on the wire, compression flag included
  bool segmented = false;
  bytes body;                      // uncompressed
  std::size_t message_offset = 0;  // where the message starts in body, after the envelope
  envelope env;
  std::optional<request> req;    // client frames
  std::optional<response> resp;  // server frames

  byte_view message() const { return byte_view(body).subspan(message_offset); }
};

// "<scenario> conn <n> client|server frame #<i> <OPCODE> stream <id> flags <f>".
std::string describe_frame(const scenario& s, int conn, const frame_header& h, std::size_t index);

// Decodes `wf` into `out`; on failure returns why, with the first bytes that failed, and the
// empty string on success.
std::string decode_frame(const scenario& s, const wire_frame& wf, decoded_frame& out);

// The frame a proxy would write for the decoded message: envelope and message re-encoded,
// uncompressed. Empty with `why` set when an encoder refuses.
bytes reencode(const scenario& s, const decoded_frame& d, std::string& why);

struct connection_traffic {
  std::vector<decoded_frame> client;
  std::vector<decoded_frame> server;
  // For each client frame, the index of the server frame answering it: the k-th response on
  // a stream answers the k-th request on it, since the driver reuses a stream id only after
  // its answer arrived.
  std::vector<std::optional<std::size_t>> answer;
};

// Splits and decodes both directions of every connection. A direction that does not split
// cleanly and every frame that does not decode add a line to `failures`; such frames are left
// out of the traffic.
std::vector<connection_traffic> decode_capture(const scenario& s, const capture& c,
                                               std::vector<std::string>& failures);

template <class T>
const T* request_as(const decoded_frame& f) {
  return f.req ? std::get_if<T>(&*f.req) : nullptr;
}
template <class T>
const T* response_as(const decoded_frame& f) {
  return f.resp ? std::get_if<T>(&*f.resp) : nullptr;
}
// The server frame answering client frame `client_index`, or null.
const decoded_frame* answer_to(const connection_traffic& t, std::size_t client_index);

}  // namespace cqlshift::protocol::driver_capture
