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

create_type_stmt create_type(std::string name,
                             std::vector<std::pair<std::string, type_expr>> fields) {
  create_type_stmt s;
  s.type = {"ks", std::move(name)};
  s.fields = std::move(fields);
  return s;
}

// ks with type address (street text, zip int).
catalog with_address() {
  catalog c = catalog_with_keyspace();
  EXPECT_TRUE(c.apply(create_type("address", {{"street", ty("text")}, {"zip", ty("int")}}), "")
                  .has_value());
  return c;
}

void expect_resolve_error(const catalog& c, const type_expr& t, const std::string& message) {
  auto r = c.resolve(t, "ks");
  ASSERT_TRUE(r.has_error()) << message;
  EXPECT_EQ(r.error().code, error_code::invalid);
  EXPECT_EQ(r.error().message, message);
}

TEST(CatalogResolve, NativeTypes) {
  const catalog c = catalog_with_keyspace();
  const std::vector<std::tuple<std::string, type_id, std::string>> cases{
      {"ascii", type_id::ascii, "ascii"},
      {"bigint", type_id::bigint, "bigint"},
      {"blob", type_id::blob, "blob"},
      {"boolean", type_id::boolean, "boolean"},
      {"counter", type_id::counter, "counter"},
      {"date", type_id::date, "date"},
      {"decimal", type_id::decimal, "decimal"},
      {"double", type_id::double_, "double"},
      {"duration", type_id::duration, "duration"},
      {"float", type_id::float_, "float"},
      {"inet", type_id::inet, "inet"},
      {"int", type_id::int_, "int"},
      {"smallint", type_id::smallint, "smallint"},
      {"text", type_id::varchar, "text"},
      {"time", type_id::time, "time"},
      {"timestamp", type_id::timestamp, "timestamp"},
      {"timeuuid", type_id::timeuuid, "timeuuid"},
      {"tinyint", type_id::tinyint, "tinyint"},
      {"uuid", type_id::uuid, "uuid"},
      {"varchar", type_id::varchar, "text"},
      {"varint", type_id::varint, "varint"}};
  for (const auto& [name, id, cql] : cases) {
    auto r = c.resolve(ty(name), "ks");
    ASSERT_TRUE(r.has_value()) << name;
    EXPECT_EQ(r->type, data_type::of(id)) << name;
    EXPECT_EQ(r->cql_type, cql) << name;
    EXPECT_FALSE(r->multi_cell) << name;
  }
}

TEST(CatalogResolve, NonFrozenCollectionsAreMultiCell) {
  const catalog c = catalog_with_keyspace();
  auto l = c.resolve(ty("list", {ty("int")}), "ks");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->type, data_type::list_of(data_type::of(type_id::int_)));
  EXPECT_EQ(l->cql_type, "list<int>");
  EXPECT_TRUE(l->multi_cell);
  auto s = c.resolve(ty("set", {ty("varchar")}), "ks");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->type, data_type::set_of(data_type::of(type_id::varchar)));
  EXPECT_EQ(s->cql_type, "set<text>");
  auto m = c.resolve(ty("map", {ty("text"), ty("bigint")}), "ks");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->type,
            data_type::map_of(data_type::of(type_id::varchar), data_type::of(type_id::bigint)));
  EXPECT_EQ(m->cql_type, "map<text, bigint>");
  EXPECT_TRUE(m->multi_cell);
}

TEST(CatalogResolve, FrozenCollections) {
  const catalog c = catalog_with_keyspace();
  auto f = c.resolve(frozen(ty("map", {ty("int"), ty("text")})), "ks");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->cql_type, "frozen<map<int, text>>");
  EXPECT_FALSE(f->multi_cell);
  auto nested = c.resolve(frozen(ty("list", {ty("list", {ty("int")})})), "ks");
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(nested->cql_type, "frozen<list<frozen<list<int>>>>");
  EXPECT_EQ(nested->type, data_type::list_of(data_type::list_of(data_type::of(type_id::int_))));
  auto inner = c.resolve(ty("map", {ty("text"), frozen(ty("set", {ty("int")}))}), "ks");
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->cql_type, "map<text, frozen<set<int>>>");
  EXPECT_TRUE(inner->multi_cell);
}

TEST(CatalogResolve, NonFrozenCollectionInsideCollection) {
  const catalog c = catalog_with_keyspace();
  expect_resolve_error(c, ty("list", {ty("list", {ty("int")})}),
                       "Non-frozen collections are not allowed inside collections: "
                       "list<list<int>>");
  expect_resolve_error(c, ty("map", {ty("set", {ty("int")}), ty("int")}),
                       "Non-frozen collections are not allowed inside collections: "
                       "map<set<int>, int>");
}

TEST(CatalogResolve, CountersAndDurationsInCollections) {
  const catalog c = catalog_with_keyspace();
  expect_resolve_error(c, ty("list", {ty("counter")}),
                       "Counters are not allowed inside collections: list<counter>");
  expect_resolve_error(c, ty("set", {ty("duration")}),
                       "Durations are not allowed inside sets: set<duration>");
  expect_resolve_error(c, ty("map", {ty("duration"), ty("int")}),
                       "Durations are not allowed as map keys: map<duration, int>");
  auto ok = c.resolve(ty("list", {ty("duration")}), "ks");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->cql_type, "list<duration>");
}

TEST(CatalogResolve, TuplesAreAlwaysFrozen) {
  const catalog c = catalog_with_keyspace();
  auto t = c.resolve(ty("tuple", {ty("int"), ty("text")}), "ks");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->type,
            data_type::tuple_of({data_type::of(type_id::int_), data_type::of(type_id::varchar)}));
  EXPECT_EQ(t->cql_type, "frozen<tuple<int, text>>");
  EXPECT_FALSE(t->multi_cell);
  auto nested = c.resolve(ty("tuple", {ty("int"), ty("list", {ty("int")})}), "ks");
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(nested->cql_type, "frozen<tuple<int, frozen<list<int>>>>");
  auto in_list = c.resolve(ty("list", {ty("tuple", {ty("int")})}), "ks");
  ASSERT_TRUE(in_list.has_value());
  EXPECT_EQ(in_list->cql_type, "list<frozen<tuple<int>>>");
  expect_resolve_error(c, ty("tuple", {ty("counter")}), "Counters are not allowed inside tuples");
}

TEST(CatalogResolve, FrozenNativeType) {
  const catalog c = catalog_with_keyspace();
  expect_resolve_error(
      c, frozen(ty("int")),
      "frozen<> is only allowed on collections, tuples, and user-defined types (got int)");
}

TEST(CatalogResolve, UserTypes) {
  const catalog c = with_address();
  auto plain = c.resolve(udt("address"), "ks");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->cql_type, "address");
  EXPECT_EQ(plain->type.id, type_id::udt);
  EXPECT_EQ(plain->type.udt_keyspace, "ks");
  EXPECT_EQ(plain->type.udt_name, "address");
  EXPECT_EQ(plain->type.field_names, (std::vector<std::string>{"street", "zip"}));
  EXPECT_EQ(plain->type.params, (std::vector<data_type>{data_type::of(type_id::varchar),
                                                        data_type::of(type_id::int_)}));
  auto f = c.resolve(frozen(udt("address", "ks")), "ks");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->cql_type, "frozen<address>");
  auto in_list = c.resolve(ty("list", {frozen(udt("address"))}), "ks");
  ASSERT_TRUE(in_list.has_value());
  EXPECT_EQ(in_list->cql_type, "list<frozen<address>>");
  auto in_frozen = c.resolve(frozen(ty("list", {udt("address")})), "ks");
  ASSERT_TRUE(in_frozen.has_value());
  EXPECT_EQ(in_frozen->cql_type, "frozen<list<frozen<address>>>");
}

TEST(CatalogResolve, NonFrozenUserTypeInCollection) {
  const catalog c = with_address();
  expect_resolve_error(c, ty("list", {udt("address")}),
                       "Non-frozen UDTs are not allowed inside collections: list<address>");
}

TEST(CatalogResolve, UnknownType) {
  const catalog c = catalog_with_keyspace();
  expect_resolve_error(c, udt("nope"), "Unknown type ks.nope");
}

TEST(CatalogResolve, UserTypeOfAnotherKeyspace) {
  const catalog c = with_address();
  expect_resolve_error(c, udt("address", "other"),
                       "Statement on keyspace ks cannot refer to a user type in keyspace other; "
                       "user types can only be used in the keyspace they are defined in");
}

TEST(CatalogResolve, CustomTypes) {
  const catalog c = catalog_with_keyspace();
  type_expr utf8;
  utf8.name = "org.apache.cassandra.db.marshal.UTF8Type";
  utf8.custom = true;
  auto text = c.resolve(utf8, "ks");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->type, data_type::of(type_id::varchar));
  EXPECT_EQ(text->cql_type, "text");
  type_expr other;
  other.name = "com.example.MyType";
  other.custom = true;
  auto custom = c.resolve(other, "ks");
  ASSERT_TRUE(custom.has_value());
  EXPECT_EQ(custom->type.id, type_id::custom);
  EXPECT_EQ(custom->type.custom_class, "com.example.MyType");
  EXPECT_EQ(custom->cql_type, "'com.example.MyType'");
}

TEST(CatalogResolve, HostileNestingIsAnErrorNotACrash) {
  const catalog c = catalog_with_keyspace();
  type_expr t = ty("int");
  for (int i = 0; i < 1000; ++i) {
    type_expr outer = ty("list");
    outer.frozen = true;
    outer.params.push_back(std::move(t));
    t = std::move(outer);
  }
  auto r = c.resolve(t, "ks");
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().code, error_code::invalid);
}

TEST(CatalogUserType, CreateReportsCreatedType) {
  catalog c = catalog_with_keyspace();
  auto r = c.apply(
      create_type("address", {{"street", ty("varchar")}, {"tags", ty("set", {ty("text")})}}), "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r->change,
            (schema_change{
                schema_change_type::created, schema_change_target::type, "ks", "address", {}}));
  auto t = c.find_type("ks", "address");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->field_names, (std::vector<std::string>{"street", "tags"}));
  EXPECT_EQ(t->field_cql_types, (std::vector<std::string>{"text", "set<text>"}));
  const data_type dt = t->as_data_type();
  EXPECT_EQ(dt.id, type_id::udt);
  EXPECT_EQ(dt.udt_keyspace, "ks");
  EXPECT_EQ(dt.udt_name, "address");
  EXPECT_EQ(dt.field_names, t->field_names);
  EXPECT_EQ(dt.params, t->field_types);
  EXPECT_EQ(c.find_type("ks", "nope"), nullptr);
  EXPECT_EQ(c.find_type("nope", "address"), nullptr);
}

TEST(CatalogUserType, ExistingType) {
  catalog c = with_address();
  auto s = create_type("address", {{"a", ty("int")}});
  expect_error(c.apply(s, ""), error_code::invalid,
               "A user type with name 'address' already exists");
  s.if_not_exists = true;
  auto r = c.apply(s, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogUserType, DuplicateField) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_type("t", {{"a", ty("int")}, {"a", ty("text")}}), ""),
               error_code::invalid, "Duplicate field name 'a' in type 't'");
}

TEST(CatalogUserType, CounterField) {
  catalog c = catalog_with_keyspace();
  expect_error(c.apply(create_type("t", {{"a", ty("counter")}}), ""), error_code::invalid,
               "A user type cannot contain counters");
}

TEST(CatalogUserType, NonFrozenUserTypeField) {
  catalog c = with_address();
  expect_error(c.apply(create_type("person", {{"home", udt("address")}}), ""), error_code::invalid,
               "A user type cannot contain non-frozen UDTs");
  EXPECT_TRUE(c.apply(create_type("person", {{"home", frozen(udt("address"))}}), "").has_value());
}

TEST(CatalogUserType, MissingKeyspace) {
  catalog c;
  auto s = create_type("t", {{"a", ty("int")}});
  s.type.keyspace = "nope";
  expect_error(c.apply(s, ""), error_code::invalid, "Keyspace 'nope' doesn't exist");
}

TEST(CatalogUserType, NonFrozenUserTypeWithCollectionFieldAsColumn) {
  catalog c = catalog_with_keyspace();
  ASSERT_TRUE(c.apply(create_type("tagged", {{"tags", ty("list", {ty("int")})}}), "").has_value());
  expect_error(
      c.apply(create_table("ks", "t", {col("k", ty("int")), col("x", udt("tagged"))}, {"k"}), ""),
      error_code::invalid, "Non-frozen UDTs with nested non-frozen collections are not supported");
  EXPECT_TRUE(c.apply(create_table("ks", "t",
                                   {col("k", ty("int")), col("x", frozen(udt("tagged")))}, {"k"}),
                      "")
                  .has_value());
}

TEST(CatalogUserType, NonFrozenUserTypeInPrimaryKey) {
  catalog c = with_address();
  expect_error(c.apply(create_table("ks", "t", {col("k", udt("address"))}, {"k"}), ""),
               error_code::invalid,
               "Invalid non-frozen user-defined type address for PRIMARY KEY column 'k'");
}

TEST(CatalogUserType, DropTypeInUseByTable) {
  catalog c = with_address();
  ASSERT_TRUE(c.apply(create_table("ks", "users",
                                   {col("k", ty("int")),
                                    col("a", ty("map", {ty("text"), frozen(udt("address"))}))},
                                   {"k"}),
                      "")
                  .has_value());
  drop_type_stmt d;
  d.type = {"ks", "address"};
  expect_error(c.apply(d, ""), error_code::invalid,
               "Cannot drop user type 'ks.address' as it is still used by tables users");
}

TEST(CatalogUserType, DropTypeInUseByType) {
  catalog c = with_address();
  ASSERT_TRUE(c.apply(create_type("person", {{"home", frozen(udt("address"))}}), "").has_value());
  drop_type_stmt d;
  d.type = {"ks", "address"};
  expect_error(c.apply(d, ""), error_code::invalid,
               "Cannot drop user type 'ks.address' as it is still used by user types person");
}

TEST(CatalogUserType, DropReportsDroppedType) {
  catalog c = with_address();
  drop_type_stmt d;
  d.type = {"", "address"};
  auto r = c.apply(d, "ks");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r->change,
            (schema_change{
                schema_change_type::dropped, schema_change_target::type, "ks", "address", {}}));
  EXPECT_EQ(c.find_type("ks", "address"), nullptr);
}

TEST(CatalogUserType, DropMissingType) {
  catalog c = catalog_with_keyspace();
  drop_type_stmt d;
  d.type = {"ks", "nope"};
  expect_error(c.apply(d, ""), error_code::invalid, "Type 'ks.nope' doesn't exist");
  d.if_exists = true;
  auto r = c.apply(d, "");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->change.has_value());
}

TEST(CatalogUserType, TypeDdlInSystemKeyspace) {
  catalog c;
  auto s = create_type("t", {{"a", ty("int")}});
  s.type.keyspace = "system";
  expect_error(c.apply(s, ""), error_code::unauthorized, "system keyspace is not user-modifiable.");
  s.type.keyspace = "system_auth";
  expect_error(c.apply(s, ""), error_code::unauthorized,
               "Cannot CREATE <all tables in system_auth>");
}

}  // namespace
}  // namespace cqlshift::sim
