#include "cqlshift/sim/faults.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cqlshift::sim {
namespace {

request_record query(std::string statement, std::string keyspace = "ks", std::string table = "t",
                     std::size_t node = 0) {
  request_record r;
  r.node = node;
  r.opcode = "QUERY";
  r.statement = std::move(statement);
  r.keyspace = std::move(keyspace);
  r.table = std::move(table);
  return r;
}

fault error_fault(protocol::error_code code = protocol::error_code::unavailable) {
  fault f;
  f.action = fault_action::error;
  f.error_code = code;
  f.message = "injected";
  return f;
}

fault_rule rule_with(fault f) {
  fault_rule r;
  r.action = std::move(f);
  return r;
}

TEST(Faults, NoRuleMeansNone) {
  fault_registry reg;
  EXPECT_EQ(reg.decide(query("SELECT * FROM ks.t")).action, fault_action::none);
}

TEST(Faults, RuleWithoutCriteriaMatchesEverything) {
  fault_registry reg;
  reg.add_rule(rule_with(error_fault()));
  auto f = reg.decide(query("SELECT * FROM ks.t"));
  EXPECT_EQ(f.action, fault_action::error);
  EXPECT_EQ(f.error_code, protocol::error_code::unavailable);
  EXPECT_EQ(f.message, "injected");
  request_record startup;
  startup.opcode = "STARTUP";
  EXPECT_EQ(reg.decide(startup).action, fault_action::error);
}

TEST(Faults, MatchesByNode) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.node = 1;
  reg.add_rule(rule);
  EXPECT_EQ(reg.decide(query("SELECT 1", "ks", "t", 0)).action, fault_action::none);
  EXPECT_EQ(reg.decide(query("SELECT 1", "ks", "t", 1)).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("SELECT 1", "ks", "t", 2)).action, fault_action::none);
}

TEST(Faults, MatchesByOpcodeIgnoringCase) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.opcode = "execute";
  reg.add_rule(rule);
  auto r = query("SELECT * FROM ks.t");
  EXPECT_EQ(reg.decide(r).action, fault_action::none);
  r.opcode = "EXECUTE";
  EXPECT_EQ(reg.decide(r).action, fault_action::error);
}

TEST(Faults, MatchesStatementSubstringIgnoringCase) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.statement = "insert into KS.T";
  reg.add_rule(rule);
  EXPECT_EQ(reg.decide(query("INSERT INTO ks.t (k) VALUES (1)")).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("  Insert Into ks.t (k) VALUES (1)")).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("SELECT * FROM ks.t")).action, fault_action::none);
  EXPECT_EQ(reg.decide(query("INSERT INTO ks.t2 (k) VALUES (1)")).action, fault_action::error)
      << "a substring, not a whole-statement match";
  EXPECT_EQ(reg.decide(query("INSERT")).action, fault_action::none);
}

TEST(Faults, MatchesOneTable) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.table = "ks.t";
  reg.add_rule(rule);
  EXPECT_EQ(reg.decide(query("", "ks", "t")).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("", "ks", "t2")).action, fault_action::none);
  EXPECT_EQ(reg.decide(query("", "other", "t")).action, fault_action::none);
  EXPECT_EQ(reg.decide(query("", "ks", "")).action, fault_action::none);
}

TEST(Faults, MatchesEveryTableOfAKeyspace) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.table = "ks";
  reg.add_rule(rule);
  EXPECT_EQ(reg.decide(query("", "ks", "t")).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("", "ks", "u")).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("", "ks", "")).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("", "ks2", "t")).action, fault_action::none);
  EXPECT_EQ(reg.decide(query("", "", "")).action, fault_action::none);
}

TEST(Faults, EveryCriterionMustMatch) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.node = 0;
  rule.opcode = "QUERY";
  rule.statement = "SELECT";
  rule.table = "ks.t";
  reg.add_rule(rule);
  EXPECT_EQ(reg.decide(query("SELECT * FROM ks.t")).action, fault_action::error);
  EXPECT_EQ(reg.decide(query("SELECT * FROM ks.t", "ks", "t", 1)).action, fault_action::none);
  EXPECT_EQ(reg.decide(query("DELETE FROM ks.t")).action, fault_action::none);
  EXPECT_EQ(reg.decide(query("SELECT * FROM ks.u", "ks", "u")).action, fault_action::none);
  auto exec = query("SELECT * FROM ks.t");
  exec.opcode = "EXECUTE";
  EXPECT_EQ(reg.decide(exec).action, fault_action::none);
}

TEST(Faults, ProbabilityZeroNeverFires) {
  fault_registry reg(100, 42);
  auto rule = rule_with(error_fault());
  rule.probability = 0.0;
  auto id = reg.add_rule(rule);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(reg.decide(query("SELECT 1")).action, fault_action::none);
  }
  EXPECT_EQ(reg.rules().at(0).id, id);
  EXPECT_EQ(reg.rules().at(0).fired, 0u);
}

TEST(Faults, ProbabilityOneAlwaysFires) {
  fault_registry reg(100, 42);
  auto rule = rule_with(error_fault());
  rule.probability = 1.0;
  reg.add_rule(rule);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(reg.decide(query("SELECT 1")).action, fault_action::error);
  }
  EXPECT_EQ(reg.rules().at(0).fired, 1000u);
}

TEST(Faults, ProbabilityInTheMiddleFiresAboutThatOften) {
  auto run = [](std::uint64_t seed) {
    fault_registry reg(100, seed);
    auto rule = rule_with(error_fault());
    rule.probability = 0.3;
    reg.add_rule(rule);
    int fired = 0;
    for (int i = 0; i < 10000; ++i) {
      if (reg.decide(query("SELECT 1")).action == fault_action::error) ++fired;
    }
    EXPECT_EQ(reg.rules().at(0).fired, static_cast<std::uint64_t>(fired));
    return fired;
  };
  int fired = run(7);
  // 10000 draws at p=0.3: mean 3000, sd ~46; +-300 is more than 6 sd.
  EXPECT_GT(fired, 2700);
  EXPECT_LT(fired, 3300);
  EXPECT_EQ(run(7), fired) << "the same seed gives the same decisions";
}

TEST(Faults, CountLimitsFiringThenFallsThroughToTheNextRule) {
  fault_registry reg;
  auto first = rule_with(error_fault(protocol::error_code::write_timeout));
  first.count = 2;
  reg.add_rule(first);
  fault close;
  close.action = fault_action::close;
  reg.add_rule(rule_with(close));
  auto r = query("INSERT INTO ks.t (k) VALUES (1)");
  auto f1 = reg.decide(r);
  auto f2 = reg.decide(r);
  EXPECT_EQ(f1.action, fault_action::error);
  EXPECT_EQ(f1.error_code, protocol::error_code::write_timeout);
  EXPECT_EQ(f2.action, fault_action::error);
  EXPECT_EQ(reg.decide(r).action, fault_action::close);
  EXPECT_EQ(reg.decide(r).action, fault_action::close);
  EXPECT_EQ(reg.rules().at(0).fired, 2u);
  EXPECT_EQ(reg.rules().at(1).fired, 2u);
}

TEST(Faults, RuleThatDoesNotMatchFallsThroughToTheNext) {
  fault_registry reg;
  auto first = rule_with(error_fault());
  first.table = "other";
  reg.add_rule(first);
  fault delay;
  delay.action = fault_action::delay;
  delay.delay_ms = 250;
  reg.add_rule(rule_with(delay));
  auto f = reg.decide(query("SELECT 1"));
  EXPECT_EQ(f.action, fault_action::delay);
  EXPECT_EQ(f.delay_ms, 250);
  EXPECT_EQ(reg.rules().at(0).fired, 0u);
}

TEST(Faults, RuleThatDoesNotFireByChanceFallsThroughToTheNext) {
  fault_registry reg;
  auto first = rule_with(error_fault());
  first.probability = 0.0;
  reg.add_rule(first);
  fault no_reply;
  no_reply.action = fault_action::no_reply;
  reg.add_rule(rule_with(no_reply));
  EXPECT_EQ(reg.decide(query("SELECT 1")).action, fault_action::no_reply);
}

TEST(Faults, ZeroCountIsUnlimited) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.count = 0;
  reg.add_rule(rule);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(reg.decide(query("SELECT 1")).action, fault_action::error);
  }
}

TEST(Faults, AddRuleAssignsIncreasingIdsAndResetsFired) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.id = 99;
  rule.fired = 5;
  auto a = reg.add_rule(rule);
  auto b = reg.add_rule(rule);
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  ASSERT_EQ(reg.rules().size(), 2u);
  EXPECT_EQ(reg.rules()[0].id, 1u);
  EXPECT_EQ(reg.rules()[0].fired, 0u);
  EXPECT_EQ(reg.rules()[1].id, 2u);
}

TEST(Faults, RemoveRuleStopsItFiring) {
  fault_registry reg;
  auto a = reg.add_rule(rule_with(error_fault()));
  fault close;
  close.action = fault_action::close;
  auto b = reg.add_rule(rule_with(close));
  EXPECT_TRUE(reg.remove_rule(a));
  EXPECT_FALSE(reg.remove_rule(a));
  EXPECT_FALSE(reg.remove_rule(12345));
  ASSERT_EQ(reg.rules().size(), 1u);
  EXPECT_EQ(reg.rules()[0].id, b);
  EXPECT_EQ(reg.decide(query("SELECT 1")).action, fault_action::close);
  auto c = reg.add_rule(rule_with(error_fault()));
  EXPECT_EQ(c, 3u) << "ids are never reused";
}

TEST(Faults, ClearRulesRemovesEveryRule) {
  fault_registry reg;
  reg.add_rule(rule_with(error_fault()));
  reg.add_rule(rule_with(error_fault()));
  reg.clear_rules();
  EXPECT_TRUE(reg.rules().empty());
  EXPECT_EQ(reg.decide(query("SELECT 1")).action, fault_action::none);
}

TEST(Faults, RecordAssignsSequenceNumbersInOrder) {
  fault_registry reg;
  auto r = query("SELECT 1");
  r.seq = 77;
  EXPECT_EQ(reg.record(r), 1u);
  EXPECT_EQ(reg.record(query("SELECT 2")), 2u);
  EXPECT_EQ(reg.record(query("SELECT 3")), 3u);
  ASSERT_EQ(reg.log().size(), 3u);
  EXPECT_EQ(reg.log()[0].seq, 1u);
  EXPECT_EQ(reg.log()[0].statement, "SELECT 1");
  EXPECT_EQ(reg.log()[2].seq, 3u);
  EXPECT_EQ(reg.log()[2].statement, "SELECT 3");
}

TEST(Faults, LogKeepsTheNewestEntriesUpToItsCapacity) {
  fault_registry reg(3);
  for (int i = 1; i <= 5; ++i)
    reg.record(query("SELECT " + std::to_string(i)));
  ASSERT_EQ(reg.log().size(), 3u);
  EXPECT_EQ(reg.log()[0].seq, 3u);
  EXPECT_EQ(reg.log()[0].statement, "SELECT 3");
  EXPECT_EQ(reg.log()[1].seq, 4u);
  EXPECT_EQ(reg.log()[2].seq, 5u);
}

TEST(Faults, LogOfCapacityZeroKeepsNothing) {
  fault_registry reg(0);
  EXPECT_EQ(reg.record(query("SELECT 1")), 1u);
  EXPECT_EQ(reg.record(query("SELECT 2")), 2u);
  EXPECT_TRUE(reg.log().empty());
}

TEST(Faults, ClearLogKeepsSequenceNumbersGrowing) {
  fault_registry reg;
  reg.record(query("SELECT 1"));
  reg.record(query("SELECT 2"));
  reg.clear_log();
  EXPECT_TRUE(reg.log().empty());
  EXPECT_EQ(reg.record(query("SELECT 3")), 3u)
      << "a poller reading the log with since=SEQ must not see old numbers again";
  ASSERT_EQ(reg.log().size(), 1u);
  EXPECT_EQ(reg.log()[0].seq, 3u);
}

TEST(Faults, RecordingDoesNotAffectDecisions) {
  fault_registry reg;
  auto rule = rule_with(error_fault());
  rule.count = 1;
  reg.add_rule(rule);
  reg.record(query("SELECT 1"));
  reg.record(query("SELECT 1"));
  EXPECT_EQ(reg.rules()[0].fired, 0u);
  EXPECT_EQ(reg.decide(query("SELECT 1")).action, fault_action::error);
}

}  // namespace
}  // namespace cqlshift::sim
