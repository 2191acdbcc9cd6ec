#include "catalog_test_support.hpp"

#include "cqlshift/sim/catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cqlshift::sim {
namespace {

using namespace test;
using protocol::error_code;
using protocol::schema_change;
using protocol::schema_change_target;
using protocol::schema_change_type;

using replication_list = std::vector<std::pair<std::string, std::string>>;

TEST(CatalogKeyspace, CreateStoresFullClassNameAndReportsCreated) {
  catalog c;
  const auto version = c.schema_version();
  auto r = c.apply(create_keyspace("ks", {simple_replication(num("3"))}), "");
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->change.has_value());
  EXPECT_EQ(
      *r->change,
      (schema_change{schema_change_type::created, schema_change_target::keyspace, "ks", "", {}}));
  EXPECT_NE(c.schema_version(), version);
  const keyspace_def* ks = c.find_keyspace("ks");
  ASSERT_NE(ks, nullptr);
  EXPECT_EQ(ks->replication,
            (replication_list{{"class", "org.apache.cassandra.locator.SimpleStrategy"},
                              {"replication_factor", "3"}}));
  EXPECT_TRUE(ks->durable_writes);
  EXPECT_FALSE(ks->is_system);
}

TEST(CatalogKeyspace, ReplicationFactorGivenAsStringIsKeptAsString) {
  catalog c;
  ASSERT_TRUE(c.apply(create_keyspace("ks", {simple_replication(str("2"))}), "").has_value());
  EXPECT_EQ(c.find_keyspace("ks")->replication.back(),
            (std::pair<std::string, std::string>{"replication_factor", "2"}));
}

TEST(CatalogKeyspace, FullClassNameIsAccepted) {
  catalog c;
  auto r = c.apply(
      create_keyspace(
          "ks", {prop("replication",
                      map_of({{str("class"), str("org.apache.cassandra.locator.SimpleStrategy")},
                              {str("replication_factor"), num("1")}}))}),
      "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(c.find_keyspace("ks")->replication.front().second,
            "org.apache.cassandra.locator.SimpleStrategy");
}

TEST(CatalogKeyspace, NetworkTopologyStrategyKeepsDatacentersSortedAfterClass) {
  catalog c;
  auto r =
      c.apply(create_keyspace(
                  "ks", {prop("replication", map_of({{str("class"), str("NetworkTopologyStrategy")},
                                                     {str("dc2"), num("1")},
                                                     {str("dc1"), num("3")}}))}),
              "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(c.find_keyspace("ks")->replication,
            (replication_list{{"class", "org.apache.cassandra.locator.NetworkTopologyStrategy"},
                              {"dc1", "3"},
                              {"dc2", "1"}}));
}

TEST(CatalogKeyspace, NetworkTopologyReplicationFactorExpandsToTheDatacenter) {
  catalog c;
  auto r =
      c.apply(create_keyspace(
                  "ks", {prop("replication", map_of({{str("class"), str("NetworkTopologyStrategy")},
                                                     {str("replication_factor"), num("2")}}))}),
              "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(c.find_keyspace("ks")->replication,
            (replication_list{{"class", "org.apache.cassandra.locator.NetworkTopologyStrategy"},
                              {"datacenter1", "2"}}));
}

TEST(CatalogKeyspace, ReplicationFactorExpandsToEveryKnownDatacenter) {
  catalog c;
  c.set_datacenters({"dc2", "dc1"});
  auto r =
      c.apply(create_keyspace(
                  "ks", {prop("replication", map_of({{str("class"), str("NetworkTopologyStrategy")},
                                                     {str("replication_factor"), num("3")},
                                                     {str("dc2"), num("1")}}))}),
              "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(c.find_keyspace("ks")->replication,
            (replication_list{{"class", "org.apache.cassandra.locator.NetworkTopologyStrategy"},
                              {"dc1", "3"},
                              {"dc2", "1"}}));
}

TEST(CatalogKeyspace, NetworkTopologyWithoutDatacenters) {
  catalog c;
  expect_error(
      c.apply(create_keyspace(
                  "ks",
                  {prop("replication", map_of({{str("class"), str("NetworkTopologyStrategy")}}))}),
              ""),
      error_code::config_error, "Configuration for at least one datacenter must be present");
}

TEST(CatalogKeyspace, DurableWritesFalse) {
  catalog c;
  ASSERT_TRUE(c.apply(create_keyspace("ks", {simple_replication(num("1")),
                                             prop("durable_writes", boolean(false))}),
                      "")
                  .has_value());
  EXPECT_FALSE(c.find_keyspace("ks")->durable_writes);
}

TEST(CatalogKeyspace, ExistingKeyspaceIsAlreadyExistsWithDetails) {
  catalog c = catalog_with_keyspace("ks");
  auto r = c.apply(create_keyspace("ks"), "");
  expect_error(r, error_code::already_exists, "Cannot add existing keyspace \"ks\"");
  EXPECT_EQ(r.error().details,
            (protocol::error_details{protocol::already_exists_details{"ks", ""}}));
}

TEST(CatalogKeyspace, IfNotExistsOnExistingKeyspaceChangesNothing) {
  catalog c = catalog_with_keyspace("ks");
  const auto version = c.schema_version();
  auto s = create_keyspace("ks");
  s.if_not_exists = true;
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
  EXPECT_EQ(c.schema_version(), version);
}

TEST(CatalogKeyspace, MissingReplicationIsInvalidRequest) {
  catalog c;
  expect_error(c.apply(create_keyspace("ks", {}), ""), error_code::invalid,
               "Missing mandatory option 'replication'");
}

TEST(CatalogKeyspace, MissingReplicationFactorIsConfigurationError) {
  catalog c;
  expect_error(
      c.apply(create_keyspace(
                  "ks", {prop("replication", map_of({{str("class"), str("SimpleStrategy")}}))}),
              ""),
      error_code::config_error, "SimpleStrategy requires a replication_factor strategy option.");
}

TEST(CatalogKeyspace, NonNumericReplicationFactorIsConfigurationError) {
  catalog c;
  expect_error(c.apply(create_keyspace("ks", {simple_replication(str("three"))}), ""),
               error_code::config_error, "For input string: \"three\"");
}

TEST(CatalogKeyspace, NegativeReplicationFactorIsConfigurationError) {
  catalog c;
  expect_error(c.apply(create_keyspace("ks", {simple_replication(num("-1"))}), ""),
               error_code::config_error, "Replication factor must be non-negative, found -1");
}

TEST(CatalogKeyspace, MissingClassIsConfigurationError) {
  catalog c;
  expect_error(
      c.apply(create_keyspace(
                  "ks", {prop("replication", map_of({{str("replication_factor"), num("1")}}))}),
              ""),
      error_code::config_error, "Missing replication strategy class");
}

TEST(CatalogKeyspace, UnknownStrategyIsConfigurationError) {
  catalog c;
  expect_error(c.apply(create_keyspace("ks", {prop("replication",
                                                   map_of({{str("class"), str("FooStrategy")}}))}),
                       ""),
               error_code::config_error,
               "Unable to find replication strategy class "
               "'org.apache.cassandra.locator.FooStrategy'");
}

TEST(CatalogKeyspace, UnknownSimpleStrategyOptionIsConfigurationError) {
  catalog c;
  expect_error(c.apply(create_keyspace(
                           "ks", {prop("replication", map_of({{str("class"), str("SimpleStrategy")},
                                                              {str("replication_factor"), num("1")},
                                                              {str("dc1"), num("1")}}))}),
                       ""),
               error_code::config_error,
               "Unrecognized strategy option {dc1} passed to SimpleStrategy for keyspace ks");
}

TEST(CatalogKeyspace, LocalStrategyIsReserved) {
  catalog c;
  expect_error(
      c.apply(create_keyspace(
                  "ks", {prop("replication", map_of({{str("class"), str("LocalStrategy")}}))}),
              ""),
      error_code::invalid,
      "Unable to use given strategy class: LocalStrategy is reserved for internal use.");
}

TEST(CatalogKeyspace, UnknownPropertyIsSyntaxError) {
  catalog c;
  expect_error(
      c.apply(create_keyspace("ks", {simple_replication(num("1")), prop("durable", boolean(true))}),
              ""),
      error_code::syntax_error, "Unknown property 'durable'");
}

TEST(CatalogKeyspace, ReplicationThatIsNotAMapIsSyntaxError) {
  catalog c;
  expect_error(c.apply(create_keyspace("ks", {prop("replication", str("SimpleStrategy"))}), ""),
               error_code::syntax_error,
               "Invalid value for property 'replication'. It should be a map.");
}

TEST(CatalogKeyspace, InvalidNamesAreRejected) {
  catalog c;
  const std::string message_head =
      "Keyspace name must not be empty, more than 48 characters long, or contain "
      "non-alphanumeric-underscore characters (got '";
  expect_error(c.apply(create_keyspace("my-ks"), ""), error_code::invalid,
               message_head + "my-ks')");
  const std::string long_name(49, 'k');
  expect_error(c.apply(create_keyspace(long_name), ""), error_code::invalid,
               message_head + long_name + "')");
  EXPECT_TRUE(c.apply(create_keyspace(std::string(48, 'k')), "").has_value());
}

TEST(CatalogKeyspace, CreatingASystemKeyspaceIsRefused) {
  catalog c;
  expect_error(c.apply(create_keyspace("system"), ""), error_code::invalid,
               "System keyspace 'system' is not user-modifiable");
  expect_error(c.apply(create_keyspace("system_auth"), ""), error_code::already_exists,
               "Cannot add existing keyspace \"system_auth\"");
}

TEST(CatalogKeyspace, AlterChangesReplicationAndReportsUpdated) {
  catalog c = catalog_with_keyspace("ks");
  alter_keyspace_stmt s;
  s.keyspace = "ks";
  s.properties = {simple_replication(num("3"))};
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(
      *r->change,
      (schema_change{schema_change_type::updated, schema_change_target::keyspace, "ks", "", {}}));
  EXPECT_EQ(c.find_keyspace("ks")->replication.back().second, "3");
}

TEST(CatalogKeyspace, AlterDurableWritesKeepsReplication) {
  catalog c = catalog_with_keyspace("ks");
  alter_keyspace_stmt s;
  s.keyspace = "ks";
  s.properties = {prop("durable_writes", boolean(false))};
  ASSERT_TRUE(c.apply(s, "").has_value());
  EXPECT_FALSE(c.find_keyspace("ks")->durable_writes);
  EXPECT_EQ(c.find_keyspace("ks")->replication.back().second, "1");
}

TEST(CatalogKeyspace, AlterToTheSameParametersChangesNothing) {
  catalog c = catalog_with_keyspace("ks");
  alter_keyspace_stmt s;
  s.keyspace = "ks";
  s.properties = {simple_replication(num("1"))};
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogKeyspace, AlterMissingKeyspace) {
  catalog c;
  alter_keyspace_stmt s;
  s.keyspace = "nope";
  s.properties = {simple_replication(num("1"))};
  expect_error(c.apply(s, ""), error_code::invalid, "Keyspace 'nope' doesn't exist");
  s.if_exists = true;
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogKeyspace, AlterOfReplicatedSystemKeyspaceIsAllowed) {
  catalog c;
  alter_keyspace_stmt s;
  s.keyspace = "system_auth";
  s.properties = {simple_replication(num("3"))};
  ASSERT_TRUE(c.apply(s, "").has_value());
  EXPECT_EQ(c.find_keyspace("system_auth")->replication.back().second, "3");
}

TEST(CatalogKeyspace, AlterOfLocalSystemKeyspaceIsUnauthorized) {
  catalog c;
  alter_keyspace_stmt s;
  s.keyspace = "system";
  s.properties = {prop("durable_writes", boolean(false))};
  expect_error(c.apply(s, ""), error_code::unauthorized, "system keyspace is not user-modifiable.");
}

TEST(CatalogKeyspace, DropReportsEveryTableDropped) {
  catalog c = catalog_with_keyspace("ks");
  ASSERT_TRUE(c.apply(simple_table("ks", "t1"), "").has_value());
  ASSERT_TRUE(c.apply(simple_table("ks", "t2"), "").has_value());
  const auto id1 = c.find_table("ks", "t1")->id;
  const auto id2 = c.find_table("ks", "t2")->id;
  drop_keyspace_stmt s;
  s.keyspace = "ks";
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(
      *r->change,
      (schema_change{schema_change_type::dropped, schema_change_target::keyspace, "ks", "", {}}));
  EXPECT_THAT(r->dropped_tables, ::testing::UnorderedElementsAre(id1, id2));
  EXPECT_EQ(c.find_keyspace("ks"), nullptr);
  EXPECT_EQ(c.find_table("ks", "t1"), nullptr);
}

TEST(CatalogKeyspace, DropMissingKeyspace) {
  catalog c;
  drop_keyspace_stmt s;
  s.keyspace = "nope";
  expect_error(c.apply(s, ""), error_code::invalid, "Keyspace 'nope' doesn't exist");
  s.if_exists = true;
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogKeyspace, DropOfSystemKeyspacesIsUnauthorized) {
  catalog c;
  drop_keyspace_stmt s;
  s.keyspace = "system_schema";
  expect_error(c.apply(s, ""), error_code::unauthorized,
               "system_schema keyspace is not user-modifiable.");
  s.keyspace = "system_traces";
  expect_error(c.apply(s, ""), error_code::unauthorized, "Cannot DROP <keyspace system_traces>");
}

TEST(CatalogKeyspace, ResetDropsOnlyUserKeyspaces) {
  catalog c = catalog_with_keyspace("ks");
  c.reset();
  EXPECT_EQ(c.find_keyspace("ks"), nullptr);
  for (const char* name : {"system", "system_schema", "system_auth", "system_distributed",
                           "system_traces", "system_virtual_schema"}) {
    EXPECT_NE(c.find_keyspace(name), nullptr) << name;
  }
}

TEST(CatalogKeyspace, NonDdlStatementIsRefused) {
  catalog c;
  auto r = c.apply(use_stmt{"ks"}, "");
  ASSERT_TRUE(r.has_error());
}

}  // namespace
}  // namespace cqlshift::sim
