#include "catalog_test_support.hpp"

#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/sim/catalog.hpp"

#include <gtest/gtest.h>

namespace cqlshift::sim {
namespace {

using namespace test;
using protocol::cql_value;
using protocol::error_code;

cql_value text_value(std::string s) {
  return cql_value{std::move(s)};
}
cql_value text_map(std::vector<std::pair<std::string, std::string>> entries) {
  protocol::cql_map m;
  for (auto& [k, v] : entries)
    m.push_back({text_value(k), text_value(v)});
  return cql_value{std::move(m)};
}

// The options of ks.t created WITH `props`.
std::map<std::string, cql_value> options_with(std::vector<property> props) {
  catalog c = catalog_with_keyspace();
  auto r = c.apply(simple_table("ks", "t", std::move(props)), "");
  EXPECT_TRUE(r.has_value()) << (r.has_error() ? r.error().message : "");
  auto t = c.find_table("ks", "t");
  return t ? t->options : std::map<std::string, cql_value>{};
}

sim_result<ddl_outcome> create_with(std::vector<property> props) {
  catalog c = catalog_with_keyspace();
  return c.apply(simple_table("ks", "t", std::move(props)), "");
}

TEST(CatalogTableOptions, DefaultsAreCassandras) {
  const auto o = options_with({});
  EXPECT_EQ(o.at("additional_write_policy"), text_value("99p"));
  EXPECT_EQ(o.at("bloom_filter_fp_chance"), cql_value{0.01});
  EXPECT_EQ(o.at("caching"), text_map({{"keys", "ALL"}, {"rows_per_partition", "NONE"}}));
  EXPECT_EQ(o.at("cdc"), cql_value{false});
  EXPECT_EQ(o.at("comment"), text_value(""));
  EXPECT_EQ(o.at("compaction"),
            text_map({{"class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"},
                      {"max_threshold", "32"},
                      {"min_threshold", "4"}}));
  EXPECT_EQ(o.at("compression"),
            text_map({{"chunk_length_in_kb", "16"},
                      {"class", "org.apache.cassandra.io.compress.LZ4Compressor"}}));
  EXPECT_EQ(o.at("crc_check_chance"), cql_value{1.0});
  EXPECT_EQ(o.at("default_time_to_live"), cql_value{std::int32_t{0}});
  EXPECT_EQ(o.at("extensions"), cql_value{protocol::cql_map{}});
  EXPECT_EQ(o.at("gc_grace_seconds"), cql_value{std::int32_t{864000}});
  EXPECT_EQ(o.at("max_index_interval"), cql_value{std::int32_t{2048}});
  EXPECT_EQ(o.at("memtable"), text_value("default"));
  EXPECT_EQ(o.at("memtable_flush_period_in_ms"), cql_value{std::int32_t{0}});
  EXPECT_EQ(o.at("min_index_interval"), cql_value{std::int32_t{128}});
  EXPECT_EQ(o.at("read_repair"), text_value("BLOCKING"));
  EXPECT_EQ(o.at("speculative_retry"), text_value("99p"));
}

TEST(CatalogTableOptions, SimpleValues) {
  const auto o =
      options_with({prop("comment", str("users")), prop("gc_grace_seconds", num("3600")),
                    prop("bloom_filter_fp_chance", flt("0.1")), prop("crc_check_chance", num("1")),
                    prop("cdc", boolean(true)), prop("read_repair", str("none"))});
  EXPECT_EQ(o.at("comment"), text_value("users"));
  EXPECT_EQ(o.at("gc_grace_seconds"), cql_value{std::int32_t{3600}});
  EXPECT_EQ(o.at("bloom_filter_fp_chance"), cql_value{0.1});
  EXPECT_EQ(o.at("crc_check_chance"), cql_value{1.0});
  EXPECT_EQ(o.at("cdc"), cql_value{true});
  EXPECT_EQ(o.at("read_repair"), text_value("NONE"));
}

TEST(CatalogTableOptions, DefaultTimeToLiveIsAlsoOnTheTable) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(c.apply(simple_table("ks", "t", {prop("default_time_to_live", num("86400"))}), "")
                  .has_value());
  EXPECT_EQ(c.find_table("ks", "t")->default_time_to_live, 86400);
}

TEST(CatalogTableOptions, CompactionGetsFullClassAndThresholds) {
  const auto o =
      options_with({prop("compaction", map_of({{str("class"), str("LeveledCompactionStrategy")},
                                               {str("sstable_size_in_mb"), num("160")}}))});
  EXPECT_EQ(o.at("compaction"),
            text_map({{"class", "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"},
                      {"max_threshold", "32"},
                      {"min_threshold", "4"},
                      {"sstable_size_in_mb", "160"}}));
}

TEST(CatalogTableOptions, CompactionErrors) {
  expect_error(create_with({prop("compaction", map_of({{str("min_threshold"), num("2")}}))}),
               error_code::config_error, "Missing sub-option 'class' for the 'compaction' option");
  expect_error(create_with({prop("compaction", map_of({{str("class"), str("FooStrategy")}}))}),
               error_code::config_error,
               "Unable to find compaction strategy class "
               "'org.apache.cassandra.db.compaction.FooStrategy'");
}

TEST(CatalogTableOptions, Compression) {
  EXPECT_EQ(options_with({prop("compression", map_of({{str("class"), str("ZstdCompressor")},
                                                      {str("chunk_length_in_kb"), num("64")}}))})
                .at("compression"),
            text_map({{"chunk_length_in_kb", "64"},
                      {"class", "org.apache.cassandra.io.compress.ZstdCompressor"}}));
  EXPECT_EQ(options_with({prop("compression", map_of({{str("enabled"), boolean(false)}}))})
                .at("compression"),
            text_map({{"enabled", "false"}}));
  expect_error(create_with({prop("compression", map_of({{str("chunk_length_in_kb"), num("64")}}))}),
               error_code::config_error,
               "Missing sub-option 'class' for the 'compression' option.");
  expect_error(create_with({prop("compression", map_of({{str("class"), str("LZ4Compressor")},
                                                        {str("chunk_length_in_kb"), num("3")}}))}),
               error_code::config_error, "chunk_length_in_kb must be a power of 2");
}

TEST(CatalogTableOptions, Caching) {
  EXPECT_EQ(options_with({prop("caching", map_of({{str("keys"), str("none")},
                                                  {str("rows_per_partition"), num("10")}}))})
                .at("caching"),
            text_map({{"keys", "NONE"}, {"rows_per_partition", "10"}}));
  expect_error(create_with({prop("caching", map_of({{str("rows"), str("ALL")}}))}),
               error_code::config_error,
               "Invalid caching sub-options [rows]: only 'keys' and 'rows_per_partition' are "
               "allowed");
  expect_error(create_with({prop("caching", map_of({{str("keys"), str("some")}}))}),
               error_code::config_error,
               "Invalid value 'some' for caching sub-option 'keys': only 'ALL' and 'NONE' are "
               "allowed");
}

TEST(CatalogTableOptions, SpeculativeRetryIsNormalised) {
  EXPECT_EQ(options_with({prop("speculative_retry", str("95PERCENTILE"))}).at("speculative_retry"),
            text_value("95p"));
  EXPECT_EQ(options_with({prop("speculative_retry", str("99.5p"))}).at("speculative_retry"),
            text_value("99.5p"));
  EXPECT_EQ(options_with({prop("speculative_retry", str("50ms"))}).at("speculative_retry"),
            text_value("50ms"));
  EXPECT_EQ(options_with({prop("speculative_retry", str("always"))}).at("speculative_retry"),
            text_value("ALWAYS"));
  EXPECT_EQ(options_with({prop("speculative_retry", str("none"))}).at("speculative_retry"),
            text_value("NEVER"));
  EXPECT_EQ(options_with({prop("additional_write_policy", str("min(99p,50ms)"))})
                .at("additional_write_policy"),
            text_value("MIN(99p,50ms)"));
  expect_error(create_with({prop("speculative_retry", str("soon"))}), error_code::config_error,
               "Invalid value soon for option 'speculative_retry'");
}

TEST(CatalogTableOptions, UnknownProperty) {
  expect_error(create_with({prop("foo", num("1"))}), error_code::syntax_error,
               "Unknown property 'foo'");
}

TEST(CatalogTableOptions, DuplicateProperty) {
  expect_error(create_with({prop("comment", str("a")), prop("comment", str("b"))}),
               error_code::syntax_error, "Multiple definition for property 'comment'");
}

TEST(CatalogTableOptions, ObsoleteReadRepairChanceIsIgnored) {
  const auto o = options_with({prop("read_repair_chance", flt("0.1"))});
  EXPECT_EQ(o.count("read_repair_chance"), 0u);
}

TEST(CatalogTableOptions, MalformedNumbersAreSyntaxErrors) {
  expect_error(create_with({prop("gc_grace_seconds", str("abc"))}), error_code::syntax_error,
               "Invalid integer value abc for 'gc_grace_seconds'");
  expect_error(create_with({prop("bloom_filter_fp_chance", str("x"))}), error_code::syntax_error,
               "Invalid double value x for 'bloom_filter_fp_chance'");
  expect_error(create_with({prop("comment", map_of({}))}), error_code::syntax_error,
               "Invalid value for property 'comment'. It should be a string");
  expect_error(create_with({prop("caching", str("ALL"))}), error_code::syntax_error,
               "Invalid value for property 'caching'. It should be a map.");
}

TEST(CatalogTableOptions, RangeChecksAreConfigurationErrors) {
  expect_error(create_with({prop("bloom_filter_fp_chance", num("2"))}), error_code::config_error,
               "bloom_filter_fp_chance must be larger than 6.710825130719425E-5 and less than or "
               "equal to 1.0 (got 2.0)");
  expect_error(create_with({prop("crc_check_chance", flt("1.5"))}), error_code::config_error,
               "crc_check_chance must be larger than or equal to 0 and smaller than or equal to "
               "1.0 (got 1.5)");
  expect_error(create_with({prop("default_time_to_live", num("-1"))}), error_code::config_error,
               "default_time_to_live must be greater than or equal to 0 (got -1)");
  expect_error(create_with({prop("default_time_to_live", num("630720001"))}),
               error_code::config_error,
               "default_time_to_live must be less than or equal to 630720000 (got 630720001)");
  expect_error(create_with({prop("gc_grace_seconds", num("-5"))}), error_code::config_error,
               "gc_grace_seconds must be greater than or equal to 0 (got -5)");
  expect_error(create_with({prop("min_index_interval", num("0"))}), error_code::config_error,
               "min_index_interval must be greater than or equal to 1 (got 0)");
  expect_error(create_with({prop("max_index_interval", num("64"))}), error_code::config_error,
               "max_index_interval must be greater than or equal to min_index_interval (128) (got "
               "64)");
  expect_error(create_with({prop("memtable_flush_period_in_ms", num("-1"))}),
               error_code::config_error,
               "memtable_flush_period_in_ms must be greater than or equal to 0 (got -1)");
}

TEST(CatalogTableOptions, Extensions) {
  term blob;
  blob.kind = term_kind::blob;
  blob.text = "0x01ff";
  EXPECT_EQ(
      options_with({prop("extensions", map_of({{str("k"), blob}}))}).at("extensions"),
      (cql_value{protocol::cql_map{{text_value("k"), cql_value{protocol::bytes{0x01, 0xff}}}}}));
  blob.text = "0xzz";
  expect_error(create_with({prop("extensions", map_of({{str("k"), blob}}))}),
               error_code::syntax_error, "Invalid blob in 'extensions'");
}

TEST(CatalogTableOptions, IdOptionSetsTheTableId) {
  catalog c = catalog_with_keyspace();
  const std::string id = "5a1c395e-b41f-11e5-9f22-ba0be0483c18";
  ASSERT_TRUE(c.apply(simple_table("ks", "t", {prop("id", str(id))}), "").has_value());
  EXPECT_EQ(protocol::to_string(c.find_table("ks", "t")->id), id);
}

}  // namespace
}  // namespace cqlshift::sim
