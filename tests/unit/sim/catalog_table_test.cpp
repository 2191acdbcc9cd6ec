#include "catalog_test_support.hpp"

#include "cqlshift/sim/catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cqlshift::sim {
namespace {

using namespace test;
using protocol::data_type;
using protocol::error_code;
using protocol::schema_change;
using protocol::schema_change_target;
using protocol::schema_change_type;
using protocol::type_id;

std::vector<std::string> names_of(const table_def& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns)
    out.push_back(c.name);
  return out;
}

TEST(CatalogTable, CreateReportsCreatedTable) {
  catalog c = catalog_with_keyspace();
  auto r = c.apply(simple_table("ks", "t"), "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(
      *r->change,
      (schema_change{schema_change_type::created, schema_change_target::table, "ks", "t", {}}));
  auto t = c.find_table("ks", "t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->keyspace, "ks");
  EXPECT_EQ(t->name, "t");
  EXPECT_FALSE(t->is_virtual);
  EXPECT_FALSE(t->is_counter);
  EXPECT_NE(t->id, protocol::uuid{});
}

TEST(CatalogTable, UsesTheSessionKeyspaceForAnUnqualifiedName) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(c.apply(simple_table("", "t"), "ks").has_value());
  EXPECT_NE(c.find_table("ks", "t"), nullptr);
}

TEST(CatalogTable, UnqualifiedNameWithoutSessionKeyspace) {
  catalog c = catalog_with_keyspace();
  expect_error(
      c.apply(simple_table("", "t"), ""), error_code::invalid,
      "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
}

TEST(CatalogTable, ColumnsInSelectStarOrder) {
  catalog c = catalog_with_keyspace();
  auto s = create_table(
      "ks", "t",
      {col("z", ty("text")), col("c2", ty("int")), col("b", ty("int")), col("p2", ty("int")),
       col("s", ty("int"), true), col("a", ty("int")), col("c1", ty("int")), col("p1", ty("int"))},
      {"p1", "p2"}, {"c1", "c2"});
  ASSERT_TRUE(c.apply(s, "").has_value());
  auto t = c.find_table("ks", "t");
  EXPECT_THAT(names_of(*t), ::testing::ElementsAre("p1", "p2", "c1", "c2", "s", "a", "b", "z"));
  EXPECT_EQ(t->partition_key, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(t->clustering, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(t->columns[1].kind, column_kind::partition_key);
  EXPECT_EQ(t->columns[1].position, 1);
  EXPECT_EQ(t->columns[3].kind, column_kind::clustering);
  EXPECT_EQ(t->columns[3].position, 1);
  EXPECT_EQ(t->columns[4].kind, column_kind::static_);
  EXPECT_EQ(t->columns[5].kind, column_kind::regular);
  EXPECT_EQ(t->columns[5].position, -1);
  EXPECT_EQ(t->find("s"), &t->columns[4]);
  EXPECT_EQ(t->index_of("z"), 7u);
  EXPECT_EQ(t->find("nope"), nullptr);
  EXPECT_FALSE(t->index_of("nope").has_value());
}

TEST(CatalogTable, ColumnTypesAreResolved) {
  catalog c = catalog_with_keyspace();
  auto s = create_table("ks", "t",
                        {col("k", ty("varchar")), col("l", ty("list", {ty("int")})),
                         col("f", frozen(ty("set", {ty("text")})))},
                        {"k"});
  ASSERT_TRUE(c.apply(s, "").has_value());
  auto t = c.find_table("ks", "t");
  const column_def* k = t->find("k");
  EXPECT_EQ(k->type, data_type::of(type_id::varchar));
  EXPECT_EQ(k->cql_type, "text");
  const column_def* l = t->find("l");
  EXPECT_EQ(l->type, data_type::list_of(data_type::of(type_id::int_)));
  EXPECT_EQ(l->cql_type, "list<int>");
  EXPECT_TRUE(l->multi_cell);
  const column_def* f = t->find("f");
  EXPECT_EQ(f->cql_type, "frozen<set<text>>");
  EXPECT_FALSE(f->multi_cell);
}

TEST(CatalogTable, ClusteringOrderDescending) {
  catalog c = catalog_with_keyspace();
  auto s = create_table("ks", "t", {col("k", ty("int")), col("a", ty("int")), col("b", ty("int"))},
                        {"k"}, {"a", "b"});
  s.clustering_order = {{"a", true}, {"b", false}};
  ASSERT_TRUE(c.apply(s, "").has_value());
  auto t = c.find_table("ks", "t");
  EXPECT_TRUE(t->find("a")->descending);
  EXPECT_FALSE(t->find("b")->descending);
}

TEST(CatalogTable, ClusteringOrderOfANonClusteringColumn) {
  catalog c = catalog_with_keyspace();
  auto s = simple_table("ks", "t");
  s.clustering_order = {{"c", true}, {"v", true}};
  expect_error(c.apply(s, ""), error_code::invalid,
               "Only clustering columns can be defined in CLUSTERING ORDER directive");
}

TEST(CatalogTable, ClusteringOrderOutOfOrder) {
  catalog c = catalog_with_keyspace();
  auto s = create_table("ks", "t", {col("k", ty("int")), col("a", ty("int")), col("b", ty("int"))},
                        {"k"}, {"a", "b"});
  s.clustering_order = {{"b", true}, {"a", true}};
  expect_error(c.apply(s, ""), error_code::invalid,
               "The order of columns in the CLUSTERING ORDER directive must match that of the "
               "clustering columns (a must appear before b)");
  s.clustering_order = {{"b", true}};
  expect_error(c.apply(s, ""), error_code::invalid, "Missing CLUSTERING ORDER for column a");
}

TEST(CatalogTable, ExistingTableIsAlreadyExistsWithDetails) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(c.apply(simple_table("ks", "t"), "").has_value());
  auto r = c.apply(simple_table("ks", "t"), "");
  expect_error(r, error_code::already_exists,
               "Cannot add already existing table \"t\" to keyspace \"ks\"");
  EXPECT_EQ(r.error().details,
            (protocol::error_details{protocol::already_exists_details{"ks", "t"}}));
}

TEST(CatalogTable, IfNotExistsOnExistingTableChangesNothing) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(c.apply(simple_table("ks", "t"), "").has_value());
  const auto id = c.find_table("ks", "t")->id;
  auto s = create_table("ks", "t", {col("x", ty("int"))}, {"x"});
  s.if_not_exists = true;
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
  EXPECT_EQ(c.find_table("ks", "t")->id, id);
}

TEST(CatalogTable, MissingKeyspace) {
  catalog c;
  expect_error(c.apply(simple_table("nope", "t"), ""), error_code::invalid,
               "Keyspace 'nope' doesn't exist");
}

TEST(CatalogTable, NoPrimaryKey) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_table("ks", "t", {col("k", ty("int"))}, {}), ""), error_code::invalid,
               "No PRIMARY KEY specifed for table 'ks.t' (exactly one required)");
}

TEST(CatalogTable, DuplicateColumnDeclaration) {
  catalog c = catalog_with_keyspace();
  expect_error(
      c.apply(create_table("ks", "t", {col("k", ty("int")), col("k", ty("text"))}, {"k"}), ""),
      error_code::invalid, "Duplicate column 'k' declaration for table 'ks.t'");
}

TEST(CatalogTable, UnknownPrimaryKeyColumn) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_table("ks", "t", {col("k", ty("int"))}, {"x"}), ""),
               error_code::invalid, "Unknown column 'x' referenced in PRIMARY KEY for table 't'");
}

TEST(CatalogTable, DuplicatePrimaryKeyColumn) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_table("ks", "t", {col("k", ty("int"))}, {"k"}, {"k"}), ""),
               error_code::invalid, "Duplicate column 'k' in PRIMARY KEY clause for table 't'");
}

TEST(CatalogTable, NonFrozenCollectionInPrimaryKey) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_table("ks", "t", {col("k", ty("list", {ty("int")}))}, {"k"}), ""),
               error_code::invalid,
               "Invalid non-frozen collection type list<int> for PRIMARY KEY column 'k'");
  EXPECT_TRUE(
      c.apply(create_table("ks", "t", {col("k", frozen(ty("list", {ty("int")})))}, {"k"}), "")
          .has_value());
}

TEST(CatalogTable, CounterInPrimaryKey) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_table("ks", "t", {col("k", ty("counter"))}, {"k"}), ""),
               error_code::invalid, "counter type is not supported for PRIMARY KEY column 'k'");
}

TEST(CatalogTable, DurationInPrimaryKey) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_table("ks", "t", {col("k", ty("int")), col("d", ty("duration"))},
                                    {"k"}, {"d"}),
                       ""),
               error_code::invalid, "duration type is not supported for PRIMARY KEY column 'd'");
  expect_error(
      c.apply(create_table("ks", "t", {col("k", frozen(ty("list", {ty("duration")})))}, {"k"}), ""),
      error_code::invalid, "duration type is not supported for PRIMARY KEY column 'k'");
}

TEST(CatalogTable, StaticColumnInPrimaryKey) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_table("ks", "t", {col("k", ty("int")), col("c", ty("int"), true)},
                                    {"k"}, {"c"}),
                       ""),
               error_code::invalid, "Static column 'c' cannot be part of the PRIMARY KEY");
}

TEST(CatalogTable, StaticColumnWithoutClustering) {
  catalog c = catalog_with_keyspace();
  expect_error(
      c.apply(create_table("ks", "t", {col("k", ty("int")), col("s", ty("int"), true)}, {"k"}), ""),
      error_code::invalid,
      "Static columns are only useful (and thus allowed) if the table has at least one "
      "clustering column");
}

TEST(CatalogTable, CounterTable) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(
      c.apply(create_table("ks", "t",
                           {col("k", ty("int")), col("n", ty("counter")), col("m", ty("counter"))},
                           {"k"}),
              "")
          .has_value());
  auto t = c.find_table("ks", "t");
  EXPECT_TRUE(t->is_counter);
  EXPECT_EQ(t->find("n")->type, data_type::of(type_id::counter));
}

TEST(CatalogTable, CounterMixedWithOtherColumns) {
  catalog c = catalog_with_keyspace();
  expect_error(
      c.apply(
          create_table("ks", "t",
                       {col("k", ty("int")), col("n", ty("counter")), col("v", ty("text"))}, {"k"}),
          ""),
      error_code::invalid, "Cannot mix counter and non counter columns in the same table");
}

TEST(CatalogTable, CounterTableWithDefaultTtl) {
  catalog c = catalog_with_keyspace();
  auto s = create_table("ks", "t", {col("k", ty("int")), col("n", ty("counter"))}, {"k"});
  s.properties = {prop("default_time_to_live", num("10"))};
  expect_error(c.apply(s, ""), error_code::invalid,
               "Cannot set default_time_to_live on a table with counters");
}

TEST(CatalogTable, CompactStorageIsRefused) {
  catalog c = catalog_with_keyspace();
  auto s = simple_table("ks", "t");
  s.compact_storage = true;
  expect_error(c.apply(s, ""), error_code::invalid,
               "COMPACT STORAGE tables are not allowed starting with version 4.0");
}

TEST(CatalogTable, InvalidTableName) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(simple_table("ks", "my-table"), ""), error_code::config_error,
               "Table name must not be empty, more than 48 characters long, or contain "
               "non-alphanumeric-underscore characters (got \"my-table\")");
}

TEST(CatalogTable, UnknownTypeInColumn) {
  catalog c = catalog_with_keyspace();
  expect_error(
      c.apply(create_table("ks", "t", {col("k", ty("int")), col("a", udt("address"))}, {"k"}), ""),
      error_code::invalid, "Unknown type ks.address");
}

TEST(CatalogTable, DdlInLocalSystemKeyspaceIsUnauthorized) {
  catalog c;
  expect_error(c.apply(simple_table("system", "t"), ""), error_code::unauthorized,
               "system keyspace is not user-modifiable.");
  expect_error(c.apply(simple_table("", "t"), "system_schema"), error_code::unauthorized,
               "system_schema keyspace is not user-modifiable.");
  drop_table_stmt d;
  d.table = {"system", "local"};
  expect_error(c.apply(d, ""), error_code::unauthorized, "system keyspace is not user-modifiable.");
}

TEST(CatalogTable, DdlInReplicatedSystemKeyspaceIsUnauthorized) {
  catalog c;
  expect_error(c.apply(simple_table("system_auth", "t"), ""), error_code::unauthorized,
               "Cannot CREATE <keyspace system_auth>");
  drop_table_stmt d;
  d.table = {"system_traces", "events"};
  expect_error(c.apply(d, ""), error_code::unauthorized,
               "Cannot DROP <table system_traces.events>");
}

TEST(CatalogTable, DropReportsTheTableId) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(c.apply(simple_table("ks", "t"), "").has_value());
  const auto id = c.find_table("ks", "t")->id;
  drop_table_stmt d;
  d.table = {"", "t"};
  auto r = c.apply(d, "ks");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(
      *r->change,
      (schema_change{schema_change_type::dropped, schema_change_target::table, "ks", "t", {}}));
  EXPECT_EQ(r->dropped_tables, std::vector<protocol::uuid>{id});
  EXPECT_EQ(c.find_table("ks", "t"), nullptr);
}

TEST(CatalogTable, DropMissingTable) {
  catalog c = catalog_with_keyspace();
  drop_table_stmt d;
  d.table = {"ks", "nope"};
  expect_error(c.apply(d, ""), error_code::invalid, "Table 'ks.nope' doesn't exist");
  d.if_exists = true;
  auto r = c.apply(d, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogTable, EverySchemaChangeGetsANewVersion) {
  catalog c = catalog_with_keyspace();
  const auto v1 = c.schema_version();
  ASSERT_TRUE(c.apply(simple_table("ks", "t"), "").has_value());
  const auto v2 = c.schema_version();
  EXPECT_NE(v1, v2);
  drop_table_stmt d;
  d.table = {"ks", "t"};
  ASSERT_TRUE(c.apply(d, "").has_value());
  EXPECT_NE(c.schema_version(), v2);
}

}  // namespace
}  // namespace cqlshift::sim
