// The value spellings each kind of key accepts: the reference proxy's, case-insensitive.

#include "config_test_support.hpp"

namespace cqlshift::config::test {
namespace {

using values = config_test;

TEST_F(values, cluster_names_are_case_insensitive) {
  EXPECT_EQ(load_overrides({{"primary_cluster", "target"}}).primary_cluster, cluster_name::target);
  EXPECT_EQ(load_overrides({{"primary_cluster", "Origin"}}).primary_cluster, cluster_name::origin);
  EXPECT_EQ(load_overrides({{"system_queries_mode", "tArGeT"}}).system_queries_mode,
            cluster_name::target);
}

TEST_F(values, read_modes_are_case_insensitive) {
  EXPECT_EQ(load_overrides({{"read_mode", "dual_async_on_secondary"}}).read_mode_,
            read_mode::dual_async_on_secondary);
  EXPECT_EQ(load_overrides({{"read_mode", "Primary_Only"}}).read_mode_, read_mode::primary_only);
}

TEST_F(values, log_levels_are_normalised_including_the_reference_names) {
  const std::map<std::string, std::string> expected{
      {"TRACE", "trace"},    {"Debug", "debug"}, {"INFO", "info"},         {"warn", "warn"},
      {"WARNING", "warn"},   {"ERROR", "error"}, {"critical", "critical"}, {"FATAL", "critical"},
      {"panic", "critical"}, {" info ", "info"}};
  for (const auto& [given, normalised] : expected) {
    EXPECT_EQ(load_overrides({{"log_level", given}}).log_level, normalised) << given;
  }
}

TEST_F(values, protocol_versions_accept_every_reference_spelling) {
  const std::map<std::string, std::uint8_t> expected{
      {"2", 2},        {"3", 3},        {"4", 4},         {"5", 5},         {"v2", 2},
      {"V3", 3},       {"v4", 4},       {"V5", 5},        {"DseV1", 0x41},  {"DseV2", 0x42},
      {"dsev1", 0x41}, {"DSEV2", 0x42}, {"Dse_V1", 0x41}, {"DSE_V2", 0x42}, {"dse_v1", 0x41}};
  for (const auto& [given, version] : expected) {
    EXPECT_EQ(load_overrides({{"control_conn_max_protocol_version", given}})
                  .control_conn_max_protocol_version,
              version)
        << given;
  }
}

TEST_F(values, blocked_versions_drop_empty_items_and_duplicates) {
  EXPECT_TRUE(
      load_overrides({{"blocked_protocol_versions", ", ,  ,"}}).blocked_protocol_versions.empty());
  EXPECT_EQ(load_overrides({{"blocked_protocol_versions", "2,v2,3,V3,DSEv1,DSE_V1,dsev2"}})
                .blocked_protocol_versions,
            (std::vector<std::uint8_t>{2, 3, 0x41, 0x42}));
}

TEST_F(values, booleans_accept_go_and_yaml_spellings) {
  for (const char* yes : {"true", "TRUE", "True", "t", "1", "yes", "on"}) {
    EXPECT_TRUE(load_overrides({{"replace_cql_functions", yes}}).replace_cql_functions) << yes;
  }
  for (const char* no : {"false", "FALSE", "f", "0", "no", "off"}) {
    EXPECT_FALSE(load_overrides({{"metrics_enabled", no}}).metrics_enabled) << no;
  }
}

TEST_F(values, contact_points_are_trimmed_and_empty_items_dropped) {
  EXPECT_EQ(load_overrides({{"origin_contact_points", " a , b,,c "}}).origin.contact_points,
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(values, topology_addresses_accept_ipv6) {
  EXPECT_EQ(load_overrides({{"proxy_topology_addresses", "::1,fe80::1"}}).proxy_topology_addresses,
            (std::vector<std::string>{"::1", "fe80::1"}));
}

TEST_F(values, port_zero_lets_the_os_choose_for_listeners) {
  const settings s = load_overrides({{"proxy_listen_port", "0"}, {"metrics_port", "0"}});
  EXPECT_EQ(s.proxy_listen_port, 0);
  EXPECT_EQ(s.metrics_port, 0);
}

TEST_F(values, integers_accept_surrounding_spaces_and_their_bounds) {
  const settings s = load_overrides({{"proxy_max_stream_ids", " 32768 "},
                                     {"proxy_topology_num_tokens", "256"},
                                     {"max_frame_size_bytes", "268435456"},
                                     {"shutdown_grace_ms", "0"}});
  EXPECT_EQ(s.proxy_max_stream_ids, 32768);
  EXPECT_EQ(s.proxy_topology_num_tokens, 256);
  EXPECT_EQ(s.max_frame_size_bytes, 268435456u);
  EXPECT_EQ(s.shutdown_grace_ms, 0);
}

TEST_F(values, strings_keep_inner_spaces) {
  EXPECT_EQ(load_overrides({{"origin_password", " p a s s "}}).origin.password, " p a s s ");
}

TEST_F(values, a_topology_index_within_the_addresses) {
  EXPECT_EQ(load_overrides({{"proxy_topology_addresses", "10.0.0.1,10.0.0.2,10.0.0.3"},
                            {"proxy_topology_index", "2"}})
                .proxy_topology_index,
            2);
}

}  // namespace
}  // namespace cqlshift::config::test
