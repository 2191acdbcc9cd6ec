// The CQL lexer against Cassandra's Lexer.g: golden token sequences for realistic
// statements, each literal kind, the ':' rule, comments, spans, errors with their offsets,
// and input sizes that would expose non-linear scanning.

#include "cqlshift/cql/lexer.hpp"

#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cqlshift::cql {
namespace {

std::string requote(std::string_view value, char q) {
  std::string out(1, q);
  for (char c : value) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

// One token as a short tag and its text: I identifier, Q quoted identifier, S string,
// N integer, F floating, X hex blob, U uuid, D duration, ? positional marker, M named marker
// (quoted name in double quotes), P punctuation, C comment.
std::string render(const token& t) {
  switch (t.kind) {
    case token_kind::identifier:
      return "I(" + t.text + ")";
    case token_kind::quoted_identifier:
      return "Q(" + t.text + ")";
    case token_kind::string:
      return "S(" + t.text + ")";
    case token_kind::integer:
      return "N(" + t.text + ")";
    case token_kind::floating:
      return "F(" + t.text + ")";
    case token_kind::hex_blob:
      return "X(" + t.text + ")";
    case token_kind::uuid:
      return "U(" + t.text + ")";
    case token_kind::duration:
      return "D(" + t.text + ")";
    case token_kind::positional_marker:
      return "?";
    case token_kind::named_marker:
      return t.quoted ? "M(\"" + t.text + "\")" : "M(" + t.text + ")";
    case token_kind::punctuation:
      return "P(" + t.text + ")";
    case token_kind::comment:
      return "C(" + t.text + ")";
    case token_kind::end:
      return "END";
  }
  return "?!";
}

// The span of every token must re-slice to the source the token stands for.
void expect_spans_spell_tokens(std::string_view cql, const std::vector<token>& tokens) {
  for (const token& t : tokens) {
    ASSERT_LE(t.offset + t.length, cql.size()) << render(t);
    const std::string_view src = t.source(cql);
    switch (t.kind) {
      case token_kind::quoted_identifier:
        EXPECT_EQ(src, requote(t.text, '"'));
        break;
      case token_kind::string:
        EXPECT_TRUE(src == requote(t.text, '\'') || src == "$$" + t.text + "$$") << src;
        break;
      case token_kind::named_marker:
        EXPECT_EQ(src, ":" + (t.quoted ? requote(t.text, '"') : t.text));
        break;
      default:
        EXPECT_EQ(src, t.text);
    }
  }
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.back().kind, token_kind::end);
  EXPECT_EQ(tokens.back().offset, cql.size());
}

// The tokens of `cql` rendered and joined by spaces, without the end token.
std::string lex(std::string_view cql, lex_options options = {}) {
  auto tokens = tokenize(cql, options);
  if (!tokens) return "error: " + tokens.error().message();
  expect_spans_spell_tokens(cql, *tokens);
  std::string out;
  for (const token& t : *tokens) {
    if (t.kind == token_kind::end) break;
    if (!out.empty()) out += ' ';
    out += render(t);
  }
  return out;
}

std::string lex_with_comments(std::string_view cql) {
  return lex(cql, {.keep_comments = true});
}

lex_error error_of(std::string_view cql) {
  auto tokens = tokenize(cql);
  if (tokens) return {};
  return tokens.error();
}

// --- Realistic statements -------------------------------------------------------------------

TEST(CqlLexerGolden, SelectJsonDistinctQuotedNamesAndComments) {
  EXPECT_EQ(lex("SELECT JSON DISTINCT \"UserId\", name AS n FROM ks.\"Users\" -- trailing\n"
                "WHERE id = 5 /* block */ ALLOW FILTERING;"),
            "I(SELECT) I(JSON) I(DISTINCT) Q(UserId) P(,) I(name) I(AS) I(n) I(FROM) I(ks) P(.) "
            "Q(Users) I(WHERE) I(id) P(=) N(5) I(ALLOW) I(FILTERING) P(;)");
}

TEST(CqlLexerGolden, SelectWithFunctionsSliceAndArithmetic) {
  EXPECT_EQ(lex("select count(*), writetime(v), m[1..3], a + b*2 from t where token(k) > -9 "
                "and c >= 1.5 order by c desc limit 10"),
            "I(select) I(count) P(() P(*) P()) P(,) I(writetime) P(() I(v) P()) P(,) I(m) P([) "
            "N(1) P(..) N(3) P(]) P(,) I(a) P(+) I(b) P(*) N(2) I(from) I(t) I(where) I(token) "
            "P(() I(k) P()) P(>) N(-9) I(and) I(c) P(>=) F(1.5) I(order) I(by) I(c) I(desc) "
            "I(limit) N(10)");
}

TEST(CqlLexerGolden, InsertWithEveryLiteralKind) {
  EXPECT_EQ(lex("INSERT INTO t (a, b, c, d, e, f, g, h, i, j, k, l) VALUES ('it''s', 42, -7, "
                "3.14, 1e-3, 0xCAFE, 123e4567-e89b-12d3-a456-426614174000, 1h30m, P1DT12H, true, "
                "NaN, null) IF NOT EXISTS"),
            "I(INSERT) I(INTO) I(t) P(() I(a) P(,) I(b) P(,) I(c) P(,) I(d) P(,) I(e) P(,) I(f) "
            "P(,) I(g) P(,) I(h) P(,) I(i) P(,) I(j) P(,) I(k) P(,) I(l) P()) I(VALUES) P(() "
            "S(it's) P(,) N(42) P(,) N(-7) P(,) F(3.14) P(,) F(1e-3) P(,) X(0xCAFE) P(,) "
            "U(123e4567-e89b-12d3-a456-426614174000) P(,) D(1h30m) P(,) D(P1DT12H) P(,) I(true) "
            "P(,) I(NaN) P(,) I(null) P()) I(IF) I(NOT) I(EXISTS)");
}

TEST(CqlLexerGolden, InsertJsonWithDollarString) {
  EXPECT_EQ(lex("INSERT INTO t JSON $${\"id\": 1, \"name\": 'x'}$$ DEFAULT UNSET"),
            "I(INSERT) I(INTO) I(t) I(JSON) S({\"id\": 1, \"name\": 'x'}) I(DEFAULT) I(UNSET)");
}

TEST(CqlLexerGolden, UpdateWithCollectionsAndUsingTtl) {
  EXPECT_EQ(lex("UPDATE ks.t USING TTL 86400 AND TIMESTAMP 1700000000000000 SET tags = tags + "
                "{'a', 'b'}, m['k'] = 'v', l = [1, 2] + l, c += 3, s -= {'x'}, u.f = 'y', "
                "mm = {'k1': 1, 'k2': 2}, tu = (1, 'a') WHERE id = ? IF m['k'] != 'w'"),
            "I(UPDATE) I(ks) P(.) I(t) I(USING) I(TTL) N(86400) I(AND) I(TIMESTAMP) "
            "N(1700000000000000) I(SET) I(tags) P(=) I(tags) P(+) P({) S(a) P(,) S(b) P(}) P(,) "
            "I(m) P([) S(k) P(]) P(=) S(v) P(,) I(l) P(=) P([) N(1) P(,) N(2) P(]) P(+) I(l) "
            "P(,) I(c) P(+=) N(3) P(,) I(s) P(-=) P({) S(x) P(}) P(,) I(u) P(.) I(f) P(=) S(y) "
            "P(,) I(mm) P(=) P({) S(k1) P(:) N(1) P(,) S(k2) P(:) N(2) P(}) P(,) I(tu) P(=) P(() "
            "N(1) P(,) S(a) P()) I(WHERE) I(id) P(=) ? I(IF) I(m) P([) S(k) P(]) P(!=) S(w)");
}

TEST(CqlLexerGolden, CounterUpdateSubtractsWithANegativeInteger) {
  // Lexer.g: INTEGER is '-'? DIGIT+, so `c - 1` and `c-1` differ (Parser.g relies on it).
  EXPECT_EQ(lex("UPDATE t SET c = c - 1, d = d-1, e = e + -1 WHERE k = 0"),
            "I(UPDATE) I(t) I(SET) I(c) P(=) I(c) P(-) N(1) P(,) I(d) P(=) I(d) N(-1) P(,) I(e) "
            "P(=) I(e) P(+) N(-1) I(WHERE) I(k) P(=) N(0)");
}

TEST(CqlLexerGolden, BatchText) {
  EXPECT_EQ(lex("BEGIN UNLOGGED BATCH USING TIMESTAMP 1\n"
                "  INSERT INTO t (k, v) VALUES (1, 'a');\n"
                "  DELETE v FROM t WHERE k = 2;\n"
                "APPLY BATCH;"),
            "I(BEGIN) I(UNLOGGED) I(BATCH) I(USING) I(TIMESTAMP) N(1) I(INSERT) I(INTO) I(t) P(() "
            "I(k) P(,) I(v) P()) I(VALUES) P(() N(1) P(,) S(a) P()) P(;) I(DELETE) I(v) I(FROM) "
            "I(t) I(WHERE) I(k) P(=) N(2) P(;) I(APPLY) I(BATCH) P(;)");
}

TEST(CqlLexerGolden, NowCallsWithNamedAndPositionalMarkers) {
  EXPECT_EQ(lex("INSERT INTO events (id, at, payload, m) VALUES (:id, now(), :\"Payload\", "
                "{'created':now()}) USING TTL ?"),
            "I(INSERT) I(INTO) I(events) P(() I(id) P(,) I(at) P(,) I(payload) P(,) I(m) P()) "
            "I(VALUES) P(() M(id) P(,) I(now) P(() P()) P(,) M(\"Payload\") P(,) P({) S(created) "
            "P(:) I(now) P(() P()) P(}) P()) I(USING) I(TTL) ?");
  EXPECT_EQ(lex("SELECT * FROM t WHERE k IN :keys AND c > :c AND t < now() LIMIT :lim"),
            "I(SELECT) P(*) I(FROM) I(t) I(WHERE) I(k) I(IN) M(keys) I(AND) I(c) P(>) M(c) I(AND) "
            "I(t) P(<) I(now) P(() P()) I(LIMIT) M(lim)");
}

TEST(CqlLexerGolden, CreateFunctionWithDollarBody) {
  EXPECT_EQ(lex("CREATE OR REPLACE FUNCTION ks.add_one(x int) CALLED ON NULL INPUT RETURNS int "
                "LANGUAGE java AS $$ return x + 1; // it's 'quoted' /* not a comment $$;"),
            "I(CREATE) I(OR) I(REPLACE) I(FUNCTION) I(ks) P(.) I(add_one) P(() I(x) I(int) P()) "
            "I(CALLED) I(ON) I(NULL) I(INPUT) I(RETURNS) I(int) I(LANGUAGE) I(java) I(AS) "
            "S( return x + 1; // it's 'quoted' /* not a comment ) P(;)");
}

TEST(CqlLexerGolden, CreateTableWithNestedTypesAndOptions) {
  EXPECT_EQ(lex("CREATE TABLE IF NOT EXISTS \"Ks\".t (k uuid PRIMARY KEY, m map<text, "
                "frozen<list<int>>>, d duration) WITH comment = 'x' AND compaction = "
                "{'class': 'LeveledCompactionStrategy'} AND default_time_to_live = 0;"),
            "I(CREATE) I(TABLE) I(IF) I(NOT) I(EXISTS) Q(Ks) P(.) I(t) P(() I(k) I(uuid) "
            "I(PRIMARY) I(KEY) P(,) I(m) I(map) P(<) I(text) P(,) I(frozen) P(<) I(list) P(<) "
            "I(int) P(>) P(>) P(>) P(,) I(d) I(duration) P()) I(WITH) I(comment) P(=) S(x) I(AND) "
            "I(compaction) P(=) P({) S(class) P(:) S(LeveledCompactionStrategy) P(}) I(AND) "
            "I(default_time_to_live) P(=) N(0) P(;)");
}

// --- Literals -------------------------------------------------------------------------------

TEST(CqlLexerLiterals, StringsUnescapeDoubledQuotes) {
  EXPECT_EQ(lex("'it''s'"), "S(it's)");
  EXPECT_EQ(lex("''"), "S()");
  EXPECT_EQ(lex("''''"), "S(')");
  EXPECT_EQ(lex("'a''''b'"), "S(a''b)");
  EXPECT_EQ(lex("'h\xC3\xA9llo \"x\" -- /* '"), "S(h\xC3\xA9llo \"x\" -- /* )");
  EXPECT_EQ(lex("'a' 'b'"), "S(a) S(b)");
  EXPECT_EQ(lex("'line\nbreak'"), "S(line\nbreak)");
}

TEST(CqlLexerLiterals, DollarStringsEndAtTheFirstDoubleDollar) {
  EXPECT_EQ(lex("$$$$"), "S()");
  EXPECT_EQ(lex("$$a'b\"c$$"), "S(a'b\"c)");
  EXPECT_EQ(lex("$$ $ x $$"), "S( $ x )");
  EXPECT_EQ(lex("$$a$$ $$b$$"), "S(a) S(b)");
}

TEST(CqlLexerLiterals, QuotedIdentifiersKeepCaseAndUnescape) {
  EXPECT_EQ(lex("\"My\"\"Col\""), "Q(My\"Col)");
  EXPECT_EQ(lex("\"\""), "Q()");
  EXPECT_EQ(lex("\"\"\"\""), "Q(\")");
  EXPECT_EQ(lex("\"select\" \"a b\" \"it's\""), "Q(select) Q(a b) Q(it's)");
}

TEST(CqlLexerLiterals, Integers) {
  EXPECT_EQ(lex("0 42 007 -7"), "N(0) N(42) N(007) N(-7)");
  EXPECT_EQ(lex("x-1 x - 1 x -1 2-3"), "I(x) N(-1) I(x) P(-) N(1) I(x) N(-1) N(2) N(-3)");
  EXPECT_EQ(lex("123abc"), "N(123) I(abc)");
  EXPECT_EQ(lex("+=-1"), "P(+=) N(-1)");
}

TEST(CqlLexerLiterals, FloatsFollowLexerG) {
  EXPECT_EQ(lex("1. 1.5 1e10 1.5E-3 2E+2 1.e5 -1.5"),
            "F(1.) F(1.5) F(1e10) F(1.5E-3) F(2E+2) F(1.e5) F(-1.5)");
  EXPECT_EQ(lex(".5"), "P(.) N(5)");
  EXPECT_EQ(lex("1..2"), "N(1) P(..) N(2)");
  EXPECT_EQ(lex("1...2"), "F(1.) P(..) N(2)");
  EXPECT_EQ(lex("1.5.6"), "F(1.5) P(.) N(6)");
  EXPECT_EQ(lex("1e 1e+"), "N(1) I(e) N(1) I(e) P(+)");
  EXPECT_EQ(lex("x-1.5"), "I(x) F(-1.5)");
}

TEST(CqlLexerLiterals, NanInfinityAndBooleansAreIdentifiers) {
  EXPECT_EQ(lex("NaN -NaN Infinity -Infinity true FALSE"),
            "I(NaN) P(-) I(NaN) I(Infinity) P(-) I(Infinity) I(true) I(FALSE)");
}

TEST(CqlLexerLiterals, HexBlobs) {
  EXPECT_EQ(lex("0xCAFE 0X00ff 0x"), "X(0xCAFE) X(0X00ff) X(0x)");
  EXPECT_EQ(lex("0xZZ 0x1g"), "X(0x) I(ZZ) X(0x1) I(g)");
}

TEST(CqlLexerLiterals, UuidsBeatNumbersAndNames) {
  EXPECT_EQ(lex("01234567-89ab-cdef-0123-456789ABCDEF"), "U(01234567-89ab-cdef-0123-456789ABCDEF)");
  EXPECT_EQ(lex("deadbeef-dead-beef-dead-beefdeadbeef"), "U(deadbeef-dead-beef-dead-beefdeadbeef)");
  EXPECT_EQ(lex("1d000000-0000-1000-8000-000000000000"), "U(1d000000-0000-1000-8000-000000000000)");
  EXPECT_EQ(lex("01234567-89ab-cdef-0123-456789abcdefg"),
            "U(01234567-89ab-cdef-0123-456789abcdef) I(g)");
  // One hex digit short: no uuid, and the '-' make negative integers.
  EXPECT_EQ(lex("12345678-1234-1234-1234-12345678901"),
            "N(12345678) N(-1234) N(-1234) N(-1234) N(-12345678901)");
  EXPECT_EQ(lex("deadbeef-dead"), "I(deadbeef) P(-) I(dead)");
}

TEST(CqlLexerLiterals, UnitDurations) {
  EXPECT_EQ(lex("1h30m 12MO 2w3d 1\xC2\xB5s 3ns 4us 5ms 6y 7s 8d 9Ms -2d"),
            "D(1h30m) D(12MO) D(2w3d) D(1\xC2\xB5s) D(3ns) D(4us) D(5ms) D(6y) D(7s) D(8d) "
            "D(9Ms) D(-2d)");
  EXPECT_EQ(lex("1y2mo3w4d5h6m7s8ms9us10ns"), "D(1y2mo3w4d5h6m7s8ms9us10ns)");
  EXPECT_EQ(lex("1hour"), "D(1h) I(our)");
  EXPECT_EQ(lex("1h30"), "D(1h) N(30)");
  EXPECT_EQ(lex("1u 0d"), "N(1) I(u) D(0d)");
}

TEST(CqlLexerLiterals, IsoDurations) {
  EXPECT_EQ(lex("P1Y2M3D P1Y P1M P1D P1DT2H PT5M PT1H2M3S P1Y2M3DT4H5M6S P2W"),
            "D(P1Y2M3D) D(P1Y) D(P1M) D(P1D) D(P1DT2H) D(PT5M) D(PT1H2M3S) D(P1Y2M3DT4H5M6S) "
            "D(P2W)");
  EXPECT_EQ(lex("-P1D -PT1S -P1W P2020-01-01T00:00:00 -P0001-02-03T04:05:06"),
            "D(-P1D) D(-PT1S) D(-P1W) D(P2020-01-01T00:00:00) D(-P0001-02-03T04:05:06)");
  // The longest candidate wins: these are names, as in Cassandra.
  EXPECT_EQ(lex("P1Dx P1DT p1d P PT P1D1Y P1W2D"),
            "I(P1Dx) I(P1DT) I(p1d) I(P) I(PT) I(P1D1Y) I(P1W2D)");
  EXPECT_EQ(lex("P1M T -P"), "D(P1M) I(T) P(-) I(P)");
}

TEST(CqlLexerLiterals, EveryPunctuation) {
  EXPECT_EQ(lex("( ) [ ] { } , ; . .. * / % + - = += -= < <= > >= != : ?"),
            "P(() P()) P([) P(]) P({) P(}) P(,) P(;) P(.) P(..) P(*) P(/) P(%) P(+) P(-) P(=) "
            "P(+=) P(-=) P(<) P(<=) P(>) P(>=) P(!=) P(:) ?");
  EXPECT_EQ(lex("a<=b>=c!=d>>e"), "I(a) P(<=) I(b) P(>=) I(c) P(!=) I(d) P(>) P(>) I(e)");
}

// --- Markers --------------------------------------------------------------------------------

TEST(CqlLexerMarkers, NamedMarkersPlainAndQuoted) {
  EXPECT_EQ(lex("VALUES (:\"Key\", :v1, :\"a\"\"b\", ?, ?)"),
            "I(VALUES) P(() M(\"Key\") P(,) M(v1) P(,) M(\"a\"b\") P(,) ? P(,) ? P())");
}

TEST(CqlLexerMarkers, ColonBetweenKeyAndValueInBracesIsPunctuation) {
  EXPECT_EQ(lex("{k:null}"), "P({) I(k) P(:) I(null) P(})");
  EXPECT_EQ(lex("{1:true, 2:false}"), "P({) N(1) P(:) I(true) P(,) N(2) P(:) I(false) P(})");
  EXPECT_EQ(lex("{'a': {'b':c}}"), "P({) S(a) P(:) P({) S(b) P(:) I(c) P(}) P(})");
  EXPECT_EQ(lex("{\"F\":\"G\"}"), "P({) Q(F) P(:) Q(G) P(})");
  EXPECT_EQ(lex("{(1):x, [2]:y, {3}:z, ?:w}"),
            "P({) P(() N(1) P()) P(:) I(x) P(,) P([) N(2) P(]) P(:) I(y) P(,) P({) N(3) P(}) "
            "P(:) I(z) P(,) ? P(:) I(w) P(})");
}

TEST(CqlLexerMarkers, MarkersInsideBraces) {
  EXPECT_EQ(lex("{:k::v}"), "P({) M(k) P(:) M(v) P(})");
  EXPECT_EQ(lex("{'a': :v}"), "P({) S(a) P(:) M(v) P(})");
  EXPECT_EQ(lex("{'a': f(:x), 'b': [:y]}"),
            "P({) S(a) P(:) I(f) P(() M(x) P()) P(,) S(b) P(:) P([) M(y) P(]) P(})");
  EXPECT_EQ(lex("SET m = {'a': 1} WHERE k=:k"),
            "I(SET) I(m) P(=) P({) S(a) P(:) N(1) P(}) I(WHERE) I(k) P(=) M(k)");
}

TEST(CqlLexerMarkers, ColonNotDirectlyBeforeANameStaysPunctuation) {
  EXPECT_EQ(lex("= : k"), "P(=) P(:) I(k)");
  EXPECT_EQ(lex("= :1"), "P(=) P(:) N(1)");
  EXPECT_EQ(lex("= :\"\""), "P(=) P(:) Q()");
}

// --- Comments -------------------------------------------------------------------------------

TEST(CqlLexerComments, SkippedByDefaultReportedWhenAsked) {
  const std::string_view cql = "SELECT a -- one\n, b // two\r\n, c /* three\n lines */ FROM t";
  EXPECT_EQ(lex(cql), "I(SELECT) I(a) P(,) I(b) P(,) I(c) I(FROM) I(t)");
  EXPECT_EQ(lex_with_comments(cql),
            "I(SELECT) I(a) C(-- one) P(,) I(b) C(// two) P(,) I(c) C(/* three\n lines */) "
            "I(FROM) I(t)");
  auto tokens = tokenize(cql, {.keep_comments = true});
  ASSERT_TRUE(tokens);
  EXPECT_EQ((*tokens)[2].offset, 9u);
  EXPECT_EQ((*tokens)[2].length, 6u);
  EXPECT_EQ((*tokens)[5].offset, 20u);
  EXPECT_EQ((*tokens)[5].length, 6u);
  EXPECT_EQ((*tokens)[8].offset, 32u);
  EXPECT_EQ((*tokens)[8].length, 18u);
}

TEST(CqlLexerComments, BlockCommentsDoNotNest) {
  EXPECT_EQ(lex("a /* x /* y */ b */"), "I(a) I(b) P(*) P(/)");
  EXPECT_EQ(lex("a/**/b"), "I(a) I(b)");
  // The '*' of "/*" cannot also close it.
  EXPECT_EQ(lex("a /*/ b */ c"), "I(a) I(c)");
}

TEST(CqlLexerComments, LineCommentsEndAtALineBreakOrTheEnd) {
  EXPECT_EQ(lex_with_comments("a -- x\rb"), "I(a) C(-- x) I(b)");
  EXPECT_EQ(lex_with_comments("a --"), "I(a) C(--)");
  EXPECT_EQ(lex("a //"), "I(a)");
  EXPECT_EQ(lex("x--1\ny"), "I(x) I(y)");
}

TEST(CqlLexerComments, CommentMarkersInsideLiteralsAreText) {
  EXPECT_EQ(lex("'-- no' \"/* no */\" $$// no$$"), "S(-- no) Q(/* no */) S(// no)");
}

// --- Spans, names, keywords -----------------------------------------------------------------

TEST(CqlLexerSpans, EveryTokenHasItsExactSourceSpan) {
  const std::string_view cql = "SELECT \"a\"\"b\", 'c''d', :\"E\" FROM t -- x";
  auto tokens = tokenize(cql);
  ASSERT_TRUE(tokens);
  const std::vector<std::pair<std::size_t, std::size_t>> expected = {
      {0, 6}, {7, 6}, {13, 1}, {15, 6}, {21, 1}, {23, 4}, {28, 4}, {33, 1}, {39, 0}};
  ASSERT_EQ(tokens->size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*tokens)[i].offset, expected[i].first) << i;
    EXPECT_EQ((*tokens)[i].length, expected[i].second) << i;
  }
  EXPECT_EQ((*tokens)[1].source(cql), "\"a\"\"b\"");
  EXPECT_EQ((*tokens)[5].source(cql), ":\"E\"");
  EXPECT_EQ((*tokens)[8].kind, token_kind::end);
}

TEST(CqlLexerSpans, EmptyAndBlankTextGiveOnlyTheEnd) {
  for (std::string_view cql : {"", " \t\r\n", "-- only a comment", "/* x */"}) {
    auto tokens = tokenize(cql);
    ASSERT_TRUE(tokens) << cql;
    ASSERT_EQ(tokens->size(), 1u) << cql;
    EXPECT_EQ(tokens->front().kind, token_kind::end);
    EXPECT_EQ(tokens->front().offset, cql.size());
  }
}

TEST(CqlLexerKeywords, IdentifiersCompareCaseInsensitively) {
  auto tokens = tokenize("SeLeCt \"select\" 'select' selects :Sel :\"Sel\" MyTable \"MyTable\"");
  ASSERT_TRUE(tokens);
  const auto& t = *tokens;
  EXPECT_TRUE(t[0].is_keyword("select"));
  EXPECT_EQ(t[0].text, "SeLeCt");  // the source spelling is kept
  EXPECT_FALSE(t[0].is_keyword("selects"));
  EXPECT_FALSE(t[0].is_keyword("from"));
  EXPECT_FALSE(t[1].is_keyword("select"));  // quoted: a name, never a keyword
  EXPECT_FALSE(t[2].is_keyword("select"));
  EXPECT_FALSE(t[3].is_keyword("select"));
  EXPECT_FALSE(t[4].is_keyword("sel"));  // a marker is not an identifier
  EXPECT_EQ(t[4].name(), "sel");
  EXPECT_EQ(t[5].name(), "Sel");
  EXPECT_EQ(t[6].name(), "mytable");
  EXPECT_EQ(t[7].name(), "MyTable");
}

TEST(CqlLexerKeywords, PunctuationCheck) {
  auto tokens = tokenize("<= (");
  ASSERT_TRUE(tokens);
  EXPECT_TRUE((*tokens)[0].is_punctuation("<="));
  EXPECT_FALSE((*tokens)[0].is_punctuation("<"));
  EXPECT_TRUE((*tokens)[1].is_punctuation("("));
}

// --- Errors ---------------------------------------------------------------------------------

TEST(CqlLexerErrors, UnterminatedStrings) {
  EXPECT_EQ(error_of("SELECT 'abc"), (lex_error{errc::unterminated_string, 7}));
  EXPECT_EQ(error_of("SELECT 'it''s"), (lex_error{errc::unterminated_string, 7}));
  EXPECT_EQ(error_of("x = $$abc$"), (lex_error{errc::unterminated_string, 4}));
  EXPECT_EQ(error_of("x = $$"), (lex_error{errc::unterminated_string, 4}));
  EXPECT_EQ(error_of("'"), (lex_error{errc::unterminated_string, 0}));
}

TEST(CqlLexerErrors, UnterminatedQuotedIdentifiers) {
  EXPECT_EQ(error_of("SELECT \"abc"), (lex_error{errc::unterminated_quoted_identifier, 7}));
  EXPECT_EQ(error_of("SELECT \"a\"\""), (lex_error{errc::unterminated_quoted_identifier, 7}));
  // A quoted marker name: the offset is its quote, after the ':'.
  EXPECT_EQ(error_of("WHERE k = :\"abc"), (lex_error{errc::unterminated_quoted_identifier, 11}));
}

TEST(CqlLexerErrors, UnterminatedComment) {
  EXPECT_EQ(error_of("SELECT 1 /* open"), (lex_error{errc::unterminated_comment, 9}));
  EXPECT_EQ(error_of("/*/"), (lex_error{errc::unterminated_comment, 0}));
  EXPECT_EQ(error_of("a /* x *"), (lex_error{errc::unterminated_comment, 2}));
}

TEST(CqlLexerErrors, UnexpectedCharacters) {
  using namespace std::string_view_literals;
  for (std::string_view bad : {"@"sv, "#"sv, "$"sv, "!"sv, "_"sv, "&"sv, "|"sv, "^"sv, "~"sv, "`"sv,
                               "\\"sv, "\f"sv, "\v"sv, "\xC3\xA9"sv, "\xB5"sv, "\0"sv}) {
    const std::string cql = "SELECT a " + std::string(bad) + "x";
    EXPECT_EQ(error_of(cql), (lex_error{errc::unexpected_character, 9})) << cql;
  }
  EXPECT_EQ(error_of("1\xC2\xB5"), (lex_error{errc::unexpected_character, 1}));  // µ without s
  EXPECT_EQ(error_of("a_b _c"), (lex_error{errc::unexpected_character, 4}));
}

TEST(CqlLexerErrors, ErrorsCarryAMessageAndACategory) {
  const lex_error e{errc::unterminated_string, 12};
  EXPECT_EQ(e.message(), "unterminated string literal at offset 12");
  const boost::system::error_code code = errc::unterminated_comment;
  EXPECT_EQ(code.category().name(), std::string("cqlshift.cql"));
  EXPECT_EQ(code.message(), "unterminated comment");
  try {
    (void)tokenize("SELECT 'x").value();
    ADD_FAILURE() << "value() did not throw";
  } catch (const boost::system::system_error& ex) {
    EXPECT_EQ(ex.code(), make_error_code(errc::unterminated_string));
    EXPECT_NE(std::string(ex.what()).find("at offset 7"), std::string::npos) << ex.what();
  }
}

// --- Pull-style lexer -----------------------------------------------------------------------

TEST(CqlLexerPull, YieldsTokensThenEndForever) {
  lexer lex("a -- c\n,", {.keep_comments = true});
  EXPECT_EQ(render(lex.next().value()), "I(a)");
  EXPECT_EQ(render(lex.next().value()), "C(-- c)");
  EXPECT_EQ(render(lex.next().value()), "P(,)");
  for (int i = 0; i < 3; ++i) {
    auto t = lex.next();
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, token_kind::end);
    EXPECT_EQ(t->offset, 8u);
  }
}

TEST(CqlLexerPull, AnErrorIsSticky) {
  lexer lex("a, 'b");
  EXPECT_EQ(render(lex.next().value()), "I(a)");
  EXPECT_EQ(render(lex.next().value()), "P(,)");
  for (int i = 0; i < 3; ++i) {
    auto t = lex.next();
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error(), (lex_error{errc::unterminated_string, 3}));
  }
}

// --- Scale: exact results on inputs that would expose quadratic scanning --------------------

TEST(CqlLexerScale, TwoHundredThousandTokensExactly) {
  std::string cql;
  for (int i = 0; i < 100'000; ++i)
    cql += "a,";
  auto tokens = tokenize(cql);
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 200'001u);
  for (std::size_t i = 0; i + 1 < tokens->size(); ++i) {
    const token& t = (*tokens)[i];
    ASSERT_EQ(t.offset, i);
    ASSERT_EQ(t.length, 1u);
    ASSERT_EQ(t.kind, i % 2 == 0 ? token_kind::identifier : token_kind::punctuation);
  }
  EXPECT_EQ(tokens->back().offset, 200'000u);
}

TEST(CqlLexerScale, QuotesPairUpAcrossAHundredThousand) {
  // An odd count leaves the string open; an even one is one string of doubled quotes.
  EXPECT_EQ(error_of(std::string(100'001, '\'')), (lex_error{errc::unterminated_string, 0}));
  auto tokens = tokenize(std::string(100'000, '\''));
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].text, std::string(49'999, '\''));
  EXPECT_EQ(error_of(std::string(100'001, '"')),
            (lex_error{errc::unterminated_quoted_identifier, 0}));
}

TEST(CqlLexerScale, UnterminatedCommentOfAHundredThousandOpeners) {
  std::string cql = "/*";
  for (int i = 0; i < 100'000; ++i)
    cql += " /*";
  EXPECT_EQ(error_of(cql), (lex_error{errc::unterminated_comment, 0}));
}

TEST(CqlLexerScale, MegabyteTokens) {
  const std::size_t mb = 1 << 20;
  // A megabyte name; a duration then a megabyte of digits, which the duration scan reads
  // once and the integer once more; a megabyte dollar string.
  auto tokens = tokenize(std::string(mb, 'a'));
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].length, mb);
  tokens = tokenize("1h" + std::string(mb, '7'));
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[0].kind, token_kind::duration);
  EXPECT_EQ((*tokens)[1].kind, token_kind::integer);
  EXPECT_EQ((*tokens)[1].length, mb);
  tokens = tokenize("$$" + std::string(mb, 'x') + "$$");
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].text.size(), mb);
  // A hundred thousand open braces, then a marker: the ':' rule keeps a bracket stack.
  std::string braces(100'000, '{');
  EXPECT_EQ(tokenize(braces + ":m").value().at(100'000).kind, token_kind::named_marker);
}

}  // namespace
}  // namespace cqlshift::cql
