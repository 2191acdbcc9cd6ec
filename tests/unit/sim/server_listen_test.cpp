// Where the nodes listen (bind_nodes, describe_nodes) and the cqlsim command line, run as a
// subprocess: the lines it prints once listening, its exit on SIGTERM/SIGINT, its answer
// to invalid options, and TLS from certificate files.

#include "server_test_support.hpp"
#include "tls_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace cqlshift::sim::test {
namespace {

using ::testing::HasSubstr;

TEST(ServerListen, NodesShareOnePortOnConsecutiveAddresses) {
  asio::io_context io;
  listen_options l;
  l.port = 0;
  l.nodes = 3;
  const auto acceptors = bind_nodes(io, l);
  ASSERT_EQ(acceptors.size(), 3u);
  const auto port = acceptors[0].local_endpoint().port();
  EXPECT_NE(port, 0);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(acceptors[i].local_endpoint().address().to_string(),
              "127.0.0." + std::to_string(i + 1));
    EXPECT_EQ(acceptors[i].local_endpoint().port(), port);
  }
}

TEST(ServerListen, PortPerNodeUsesOneAddress) {
  asio::io_context io;
  listen_options l;
  l.port = 0;
  l.nodes = 2;
  l.port_per_node = true;
  const auto acceptors = bind_nodes(io, l);
  ASSERT_EQ(acceptors.size(), 2u);
  EXPECT_EQ(acceptors[1].local_endpoint().address().to_string(), "127.0.0.1");
  EXPECT_NE(acceptors[0].local_endpoint().port(), acceptors[1].local_endpoint().port());
}

TEST(ServerListen, TakenPortIsAnError) {
  asio::io_context io;
  listen_options l;
  l.port = 0;
  const auto first = bind_nodes(io, l);
  l.port = first[0].local_endpoint().port();
  EXPECT_THROW(bind_nodes(io, l), boost::system::system_error);
  l.address = "not-an-address";
  EXPECT_THROW(bind_nodes(io, l), std::invalid_argument);
}

TEST(ServerListen, TopologyDescribesTheBoundNodes) {
  asio::io_context io;
  listen_options l;
  l.port = 0;
  l.nodes = 2;
  const auto acceptors = bind_nodes(io, l);
  const topology t = describe_nodes(acceptors, "demo", "dc-east");
  EXPECT_EQ(t.cluster_name, "demo");
  ASSERT_EQ(t.nodes.size(), 2u);
  EXPECT_EQ(t.nodes[1].address, "127.0.0.2");
  EXPECT_EQ(t.nodes[1].port, acceptors[1].local_endpoint().port());
  EXPECT_EQ(t.nodes[0].datacenter, "dc-east");
  EXPECT_NE(t.nodes[0].host_id, t.nodes[1].host_id);
}

TEST(ServerListen, EveryNodeServes) {
  server_harness server({}, loopback(3));
  for (std::size_t node = 0; node < 3; ++node) {
    client c(server.endpoint(node));
    EXPECT_EQ(c.startup(protocol_version::v4).header.op, protocol::opcode::ready);
  }
}

// The cqlsim binary as a child process with its stdout and stderr on pipes.
class cqlsim_process {
 public:
  explicit cqlsim_process(std::vector<std::string> args) {
    int out[2];
    int err[2];
    if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      // A crashing test must not leave a server behind.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(out[1], 1);
      dup2(err[1], 2);
      close(out[0]);
      close(err[0]);
      std::vector<char*> argv;
      std::string binary = CQLSIM_BINARY;
      argv.push_back(binary.data());
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~cqlsim_process() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
    close(err_);
  }

  // The next line of stdout, or nullopt at EOF or after the time limit.
  std::optional<std::string> line() {
    for (;;) {
      const auto nl = out_text_.find('\n');
      if (nl != std::string::npos) {
        std::string l = out_text_.substr(0, nl);
        out_text_.erase(0, nl + 1);
        return l;
      }
      if (!read_into(out_, out_text_)) return std::nullopt;
    }
  }
  // Everything on stderr until the process closes it.
  std::string all_stderr() {
    std::string text;
    while (read_into(err_, text)) {
    }
    return text;
  }
  // The exit status once the process ended (waits up to the time limit), -1 on a signal.
  int wait() {
    const auto deadline = std::chrono::steady_clock::now() + wait_limit;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) return -2;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  void signal(int sig) { kill(pid_, sig); }

 private:
  static bool read_into(int fd, std::string& text) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait_limit.count() * 1000)) <= 0) return false;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    text.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool exited_ = false;
  std::string out_text_;
};

tcp::endpoint parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  return {asio::ip::make_address(text.substr(0, colon)),
          static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)))};
}

TEST(ServerCli, PrintsOneLinePerNodeAndStopsOnSigterm) {
  cqlsim_process p({"--port", "0", "--nodes", "3", "--cluster-name", "cli"});
  std::vector<tcp::endpoint> nodes;
  for (int i = 0; i < 3; ++i) {
    const auto l = p.line();
    ASSERT_TRUE(l);
    nodes.push_back(parse_endpoint(*l));
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(nodes[i].address().to_string(), "127.0.0." + std::to_string(i + 1));
    EXPECT_EQ(nodes[i].port(), nodes[0].port());
    client c(nodes[i]);
    c.connect(protocol_version::v4);
    const auto& rows = c.query(protocol_version::v4, "SELECT cluster_name FROM system.local")
                           .as<protocol::rows_result>();
    ASSERT_EQ(rows.rows.size(), 1u);
    EXPECT_EQ(std::string(rows.rows[0][0]->begin(), rows.rows[0][0]->end()), "cli");
  }
  client open_connection(nodes[0]);
  open_connection.connect(protocol_version::v5);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
}

TEST(ServerCli, AdminLineAndPortPerNodeAndSigint) {
  cqlsim_process p({"--port", "0", "--port-per-node", "--nodes", "2", "--admin-port", "0", "--auth",
                    "u:p", "--protocol-versions", "4"});
  const auto n0 = p.line();
  const auto n1 = p.line();
  const auto admin = p.line();
  ASSERT_TRUE(n0 && n1 && admin);
  EXPECT_EQ(parse_endpoint(*n0).address(), parse_endpoint(*n1).address());
  EXPECT_THAT(*admin, ::testing::StartsWith("admin 127.0.0.1:"));
  client c(parse_endpoint(*n1));
  EXPECT_EQ(c.startup(protocol_version::v4).header.op, protocol::opcode::authenticate);
  client v5(parse_endpoint(*n0));
  v5.send(protocol_version::v5, 0, protocol::options{});
  EXPECT_EQ(v5.receive().error().message,
            "Invalid or unsupported protocol version (5); supported versions are (4/v4)");
  p.signal(SIGINT);
  EXPECT_EQ(p.wait(), 0);
}

TEST(ServerCli, InvalidOptionsExitWithStatus2NamingTheOption) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--nodes", "0"}, "--nodes"},
      {{"--protocol-versions", "2,4"}, "--protocol-versions"},
      {{"--auth", "nouser"}, "--auth"},
      {{"--port", "70000"}, "--port"},
      {{"--max-frame-size", "12"}, "--max-frame-size"},
      {{"--bogus"}, "--bogus"},
      {{"--address", "nowhere", "--port", "0"}, "nowhere"},
      {{"--tls-cert", "cert.pem"}, "--tls-key"},
      {{"--tls-key", "key.pem"}, "--tls-cert"},
      {{"--tls-cert", "cert.pem", "--tls-key", "key.pem", "--require-client-auth"}, "--tls-ca"},
      {{"--tls-cert", "/nonexistent/cqlsim-cert.pem", "--tls-key", "/nonexistent/key.pem"},
       "cannot read '/nonexistent/cqlsim-cert.pem'"},
  };
  for (const auto& [args, expected] : cases) {
    cqlsim_process p(args);
    EXPECT_THAT(p.all_stderr(), HasSubstr(expected)) << args[0];
    EXPECT_EQ(p.wait(), 2) << args[0];
  }
}

TEST(ServerCli, VersionAndHelp) {
  cqlsim_process version({"--version"});
  EXPECT_THAT(version.line().value_or(""),
              ::testing::MatchesRegex("cqlsim [0-9]+\\.[0-9]+\\.[0-9]+"));
  EXPECT_EQ(version.wait(), 0);
  cqlsim_process help({"--help"});
  std::string text;
  while (auto l = help.line())
    text += *l + "\n";
  for (const char* option :
       {"--address", "--port", "--nodes", "--port-per-node", "--cluster-name", "--datacenter",
        "--protocol-versions", "--auth", "--prepared-id-salt", "--admin-address", "--admin-port",
        "--max-frame-size", "--version", "--tls-cert", "--tls-key", "--tls-ca",
        "--require-client-auth", "/tls"}) {
    EXPECT_THAT(text, HasSubstr(option));
  }
  EXPECT_EQ(help.wait(), 0);
}

// A directory of its own under $TMPDIR, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/cqlsim-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

TEST(ServerCli, TlsFromFilesAndALineForARefusedClient) {
  const test_pki pki = make_test_pki();
  temp_dir dir;
  cqlsim_process p({"--port", "0", "--tls-cert", dir.write("server.pem", pki.server_cert),
                    "--tls-key", dir.write("server.key", pki.server_key)});
  const auto node = p.line();
  ASSERT_TRUE(node);
  auto ctx = client_context(pki);
  client c(parse_endpoint(*node), *ctx, "cli.cqlsim.test");
  c.connect(protocol_version::v4);
  EXPECT_EQ(c.query(protocol_version::v4, "SELECT key FROM system.local")
                .as<protocol::rows_result>()
                .rows.size(),
            1u);
  client plain(parse_endpoint(*node));
  const auto peer = plain.local_endpoint();
  plain.send(protocol_version::v4, 0, protocol::options{});
  EXPECT_TRUE(plain.ended_by_server());
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
  EXPECT_THAT(p.all_stderr(), HasSubstr("cqlsim: node 0 (" + *node + "): TLS handshake with " +
                                        peer.address().to_string() + ":" +
                                        std::to_string(peer.port()) + " failed: "));
}

TEST(ServerCli, TlsKeyOfAnotherCertificateExitsWithStatus2) {
  const test_pki pki = make_test_pki();
  temp_dir dir;
  cqlsim_process p({"--port", "0", "--tls-cert", dir.write("server.pem", pki.server_cert),
                    "--tls-key", dir.write("client.key", pki.client_key)});
  EXPECT_THAT(p.all_stderr(), HasSubstr("does not belong to the certificate"));
  EXPECT_EQ(p.wait(), 2);
}

}  // namespace
}  // namespace cqlshift::sim::test
