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

alter_table_stmt alter(alter_table_stmt::action what, std::string table = "t") {
  alter_table_stmt s;
  s.table = {"ks", std::move(table)};
  s.what = what;
  return s;
}

catalog with_table() {
  catalog c = catalog_with_keyspace();
  EXPECT_TRUE(c.apply(simple_table("ks", "t"), "").has_value());
  return c;
}

TEST(CatalogAlterTable, AddColumnsKeepsSelectStarOrder) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::add);
  s.added = {col("a", ty("set", {ty("int")})), col("s", ty("int"), true)};
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(
      *r->change,
      (schema_change{schema_change_type::updated, schema_change_target::table, "ks", "t", {}}));
  auto t = c.find_table("ks", "t");
  std::vector<std::string> names;
  for (const auto& col : t->columns)
    names.push_back(col.name);
  EXPECT_THAT(names, ::testing::ElementsAre("k", "c", "s", "a", "v"));
  EXPECT_EQ(t->find("s")->kind, column_kind::static_);
  EXPECT_TRUE(t->find("a")->multi_cell);
}

TEST(CatalogAlterTable, OldDefinitionStaysValidAfterAlter) {
  catalog c = with_table();
  auto before = c.find_table("ks", "t");
  auto s = alter(alter_table_stmt::action::add);
  s.added = {col("a", ty("int"))};
  ASSERT_TRUE(c.apply(s, "").has_value());
  EXPECT_EQ(before->columns.size(), 3u);
  EXPECT_EQ(c.find_table("ks", "t")->columns.size(), 4u);
  EXPECT_EQ(c.find_table("ks", "t")->id, before->id);
}

TEST(CatalogAlterTable, AddExistingColumn) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::add);
  s.added = {col("v", ty("int"))};
  expect_error(c.apply(s, ""), error_code::invalid, "Column with name 'v' already exists");
}

TEST(CatalogAlterTable, AddStaticWithoutClustering) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(c.apply(create_table("ks", "t", {col("k", ty("int"))}, {"k"}), "").has_value());
  auto s = alter(alter_table_stmt::action::add);
  s.added = {col("s", ty("int"), true)};
  expect_error(c.apply(s, ""), error_code::invalid,
               "Static columns are only useful (and thus allowed) if the table has at least one "
               "clustering column");
}

TEST(CatalogAlterTable, AddCounterToNonCounterTable) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::add);
  s.added = {col("n", ty("counter"))};
  expect_error(c.apply(s, ""), error_code::config_error,
               "Cannot have a counter column (\"n\") in a non counter table");
}

TEST(CatalogAlterTable, AddNonCounterToCounterTable) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(
      c.apply(create_table("ks", "t", {col("k", ty("int")), col("n", ty("counter"))}, {"k"}), "")
          .has_value());
  auto s = alter(alter_table_stmt::action::add);
  s.added = {col("v", ty("int"))};
  expect_error(c.apply(s, ""), error_code::config_error,
               "Cannot have a non counter column (\"v\") in a counter table");
}

TEST(CatalogAlterTable, AddWithUnknownType) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::add);
  s.added = {col("a", udt("nope"))};
  expect_error(c.apply(s, ""), error_code::invalid, "Unknown type ks.nope");
}

TEST(CatalogAlterTable, DropColumnReportsIt) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::drop);
  s.dropped = {"v"};
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->dropped_columns, std::vector<std::string>{"v"});
  EXPECT_EQ(c.find_table("ks", "t")->find("v"), nullptr);
  EXPECT_EQ(c.find_table("ks", "t")->columns.size(), 2u);
}

TEST(CatalogAlterTable, DropPrimaryKeyColumn) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::drop);
  s.dropped = {"c"};
  expect_error(c.apply(s, ""), error_code::invalid, "Cannot drop PRIMARY KEY column c");
}

TEST(CatalogAlterTable, DropUnknownColumn) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::drop);
  s.dropped = {"x"};
  expect_error(c.apply(s, ""), error_code::invalid, "Column x was not found in table 'ks.t'");
}

TEST(CatalogAlterTable, RenamePrimaryKeyColumn) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::rename);
  s.renamed = {{"c", "c2"}, {"k", "id"}};
  ASSERT_TRUE(c.apply(s, "").has_value());
  auto t = c.find_table("ks", "t");
  EXPECT_EQ(t->columns[0].name, "id");
  EXPECT_EQ(t->columns[1].name, "c2");
  EXPECT_EQ(t->columns[1].kind, column_kind::clustering);
}

TEST(CatalogAlterTable, RenameRegularColumn) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::rename);
  s.renamed = {{"v", "w"}};
  expect_error(c.apply(s, ""), error_code::invalid, "Cannot rename non PRIMARY KEY column v");
}

TEST(CatalogAlterTable, RenameToExistingName) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::rename);
  s.renamed = {{"c", "v"}};
  expect_error(c.apply(s, ""), error_code::invalid,
               "Cannot rename column c to v in table 'ks.t'; another column with that name already "
               "exists");
}

TEST(CatalogAlterTable, RenameUnknownColumn) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::rename);
  s.renamed = {{"x", "y"}};
  expect_error(c.apply(s, ""), error_code::invalid, "Column x was not found in table ks.t");
}

TEST(CatalogAlterTable, AlterTypeIsNoLongerSupported) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::alter_type);
  s.retyped = {col("v", ty("blob"))};
  expect_error(c.apply(s, ""), error_code::invalid, "Altering column types is no longer supported");
}

TEST(CatalogAlterTable, WithChangesOptions) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::with);
  s.properties = {prop("default_time_to_live", num("3600")), prop("comment", str("hello"))};
  ASSERT_TRUE(c.apply(s, "").has_value());
  auto t = c.find_table("ks", "t");
  EXPECT_EQ(t->default_time_to_live, 3600);
  EXPECT_EQ(t->options.at("comment"), protocol::cql_value{std::string("hello")});
  EXPECT_EQ(t->options.at("default_time_to_live"), protocol::cql_value{std::int32_t{3600}});
}

TEST(CatalogAlterTable, WithSameOptionsChangesNothing) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::with);
  s.properties = {prop("gc_grace_seconds", num("864000"))};
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogAlterTable, WithTtlOnCounterTable) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(
      c.apply(create_table("ks", "t", {col("k", ty("int")), col("n", ty("counter"))}, {"k"}), "")
          .has_value());
  auto s = alter(alter_table_stmt::action::with);
  s.properties = {prop("default_time_to_live", num("1"))};
  expect_error(c.apply(s, ""), error_code::invalid,
               "Cannot set default_time_to_live on a table with counters");
}

TEST(CatalogAlterTable, WithIdIsRefused) {
  catalog c = with_table();
  auto s = alter(alter_table_stmt::action::with);
  s.properties = {prop("id", str("5a1c395e-b41f-11e5-9f22-ba0be0483c18"))};
  expect_error(c.apply(s, ""), error_code::config_error, "Cannot alter table id.");
}

TEST(CatalogAlterTable, MissingTable) {
  catalog c = catalog_with_keyspace();
  auto s = alter(alter_table_stmt::action::drop, "nope");
  s.dropped = {"v"};
  expect_error(c.apply(s, ""), error_code::invalid, "Table 'ks.nope' doesn't exist");
  s.if_exists = true;
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogAlterTable, SystemTablesAreUnauthorized) {
  catalog c;
  auto s = alter(alter_table_stmt::action::with);
  s.table = {"system", "local"};
  s.properties = {prop("comment", str("x"))};
  expect_error(c.apply(s, ""), error_code::unauthorized, "system keyspace is not user-modifiable.");
  s.table = {"system_auth", "roles"};
  expect_error(c.apply(s, ""), error_code::unauthorized, "Cannot ALTER <table system_auth.roles>");
}

}  // namespace
}  // namespace cqlshift::sim
