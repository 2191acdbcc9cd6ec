#pragma once
// A database with a fake clock, and helpers that run CQL text the way a client would and read
// results back as CQL literals, for the Executor* test suites.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::sim::testing {

inline protocol::value bound(protocol::type_id id, const protocol::cql_value& v) {
  auto b = protocol::encode_value(protocol::data_type::of(id), v, protocol::protocol_version::v4);
  return protocol::value::of(b ? *b : protocol::bytes{});
}
inline protocol::value int_value(std::int32_t v) {
  return bound(protocol::type_id::int_, {v});
}
inline protocol::value bigint_value(std::int64_t v) {
  return bound(protocol::type_id::bigint, {v});
}
inline protocol::value text_value(std::string v) {
  return bound(protocol::type_id::varchar, {std::move(v)});
}

class executor_test : public ::testing::Test {
 protected:
  // 2023-11-14T22:13:20Z, in microseconds.
  std::int64_t now_us = 1'700'000'000'000'000;
  database db{make_topology("test", {"127.0.0.1"}, {9042}), [this] { return now_us; }};
  session_state session;

  void SetUp() override {
    ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
       "'replication_factor': 1}");
    session.keyspace = "ks";
  }

  void advance_seconds(std::int64_t s) { now_us += s * 1'000'000; }

  sim_result<execution_result> run(std::string_view cql, const request_options& opts = {}) {
    auto parsed = parse(cql);
    if (!parsed) return parsed.error();
    return db.execute(*parsed, opts, session);
  }

  static request_options with_values(std::vector<protocol::value> values) {
    request_options o;
    o.values = std::move(values);
    return o;
  }

  execution_result ok(std::string_view cql, const request_options& opts = {}) {
    auto r = run(cql, opts);
    EXPECT_TRUE(r.has_value()) << cql << " -> "
                               << (r.has_value() ? "" : r.error().message);
    return r.has_value() ? *r : execution_result{};
  }

  cql_error error(std::string_view cql, const request_options& opts = {}) {
    auto r = run(cql, opts);
    EXPECT_FALSE(r.has_value()) << cql << " unexpectedly succeeded";
    return r.has_value() ? cql_error{} : r.error();
  }

  std::string message(std::string_view cql, const request_options& opts = {}) {
    return error(cql, opts).message;
  }

  protocol::rows_result rows(std::string_view cql, const request_options& opts = {}) {
    auto r = ok(cql, opts);
    auto* rows = std::get_if<protocol::rows_result>(&r);
    EXPECT_NE(rows, nullptr) << cql << " did not return rows";
    return rows != nullptr ? *rows : protocol::rows_result{};
  }

  // Each row as "v1, v2, ..." with every value written as a CQL literal.
  static std::vector<std::string> render(const protocol::rows_result& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += ", ";
        if (!row[i]) {
          line += "null";
          continue;
        }
        if (i >= r.metadata.columns.size()) {
          line += "<" + std::to_string(row[i]->size()) + " bytes>";
          continue;
        }
        const auto& type = r.metadata.columns[i].type;
        auto v = protocol::decode_value(type, protocol::byte_view(*row[i]),
                                        protocol::protocol_version::v4);
        if (!v) {
          line += "<undecodable>";
          continue;
        }
        auto lit = protocol::to_cql_literal(type, *v);
        line += lit ? *lit : "<no literal>";
      }
      out.push_back(line);
    }
    return out;
  }

  std::vector<std::string> query(std::string_view cql, const request_options& opts = {}) {
    return render(rows(cql, opts));
  }

  static std::vector<std::string> names(const protocol::rows_result& r) {
    std::vector<std::string> out;
    for (const auto& c : r.metadata.columns) out.push_back(c.name);
    return out;
  }
};

using strings = std::vector<std::string>;

}  // namespace cqlshift::sim::testing
