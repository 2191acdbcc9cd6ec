"""A table with a column of every CQL type, deterministic values for row n, and the
normalisation that turns what the driver reads back into plain Python values to compare."""

import datetime
import decimal
import functools
import math
import random
import uuid

from cassandra.query import UNSET_VALUE
from cassandra.util import Date, Duration, OrderedMapSerializedKey, SortedSet, Time, uuid_from_time

ROWS_PER_PARTITION = 7  # not a divisor of the page size, so pages end inside partitions


class Address:
    """The Python class registered for the `address` UDT."""

    def __init__(self, street=None, zip=None, phones=None):
        self.street = street
        self.zip = zip
        self.phones = phones

    def __eq__(self, other):
        return isinstance(other, Address) and normalize_udt(self) == normalize_udt(other)

    def __repr__(self):
        return f"Address({self.street!r}, {self.zip!r}, {self.phones!r})"


class CqlLiteral(str):
    """Text the driver's simple-statement encoder inserts verbatim: its exact-type lookup
    falls back to str() for a str subclass. Used for values it cannot render itself
    (tuples become list literals, and UDT and duration have no encoder)."""


UDT_DDL = "CREATE TYPE {ks}.address (street text, zip int, phones frozen<list<text>>)"

# (column, CQL type as declared, type as system_schema and the driver's metadata show it)
COLUMNS = [
    ("c_ascii", "ascii", "ascii"),
    ("c_bigint", "bigint", "bigint"),
    ("c_blob", "blob", "blob"),
    ("c_boolean", "boolean", "boolean"),
    ("c_date", "date", "date"),
    ("c_decimal", "decimal", "decimal"),
    ("c_double", "double", "double"),
    ("c_duration", "duration", "duration"),
    ("c_float", "float", "float"),
    ("c_inet", "inet", "inet"),
    ("c_int", "int", "int"),
    ("c_smallint", "smallint", "smallint"),
    ("c_text", "text", "text"),
    ("c_time", "time", "time"),
    ("c_timestamp", "timestamp", "timestamp"),
    ("c_timeuuid", "timeuuid", "timeuuid"),
    ("c_tinyint", "tinyint", "tinyint"),
    ("c_uuid", "uuid", "uuid"),
    ("c_varchar", "varchar", "text"),
    ("c_varint", "varint", "varint"),
    ("c_list", "list<int>", "list<int>"),
    ("c_set", "set<text>", "set<text>"),
    ("c_map", "map<text, bigint>", "map<text, bigint>"),
    ("c_frozen_list", "frozen<list<double>>", "frozen<list<double>>"),
    ("c_frozen_set", "frozen<set<uuid>>", "frozen<set<uuid>>"),
    ("c_frozen_map", "frozen<map<int, text>>", "frozen<map<int, text>>"),
    ("c_tuple", "frozen<tuple<int, text, boolean>>", "frozen<tuple<int, text, boolean>>"),
    ("c_udt", "frozen<address>", "frozen<address>"),
    ("c_udt_map", "map<text, frozen<address>>", "map<text, frozen<address>>"),
    ("c_nested", "list<frozen<map<text, int>>>", "list<frozen<map<text, int>>>"),
]
COLUMN_NAMES = [c[0] for c in COLUMNS]
CQL_TYPES = {c[0]: c[1] for c in COLUMNS}
NON_FROZEN_COLLECTIONS = {"c_list", "c_set", "c_map", "c_udt_map", "c_nested"}


def table_ddl(ks, table):
    cols = ", ".join(f"{name} {cql}" for name, cql, _ in COLUMNS)
    return f"CREATE TABLE {ks}.{table} (pk int, ck int, {cols}, PRIMARY KEY (pk, ck))"


def key_of(n):
    return n // ROWS_PER_PARTITION, n % ROWS_PER_PARTITION


@functools.lru_cache(maxsize=None)
def row_values(n):
    """The values written for row n (cached: callers copy, never modify). Row kinds: every
    13th row (n % 13 == 5) has only its key and c_int set, the rest null; every 13th
    (n % 13 == 7) has empty collections and blob; the others have random values with the
    types' extremes mixed in."""
    rnd = random.Random(n)
    pk, ck = key_of(n)
    v = {"pk": pk, "ck": ck}
    if n % 13 == 5:
        v.update({name: None for name in COLUMN_NAMES})
        v["c_int"] = n
        return v
    empty = n % 13 == 7
    v["c_ascii"] = "ascii ~!" * (n % 4) + str(n)
    v["c_bigint"] = [-2**63, 2**63 - 1, 0][n % 3] if n % 50 < 3 else rnd.randint(-2**63, 2**63 - 1)
    v["c_blob"] = b"" if empty else bytes(rnd.getrandbits(8) for _ in range(n % 40))
    v["c_boolean"] = n % 3 == 0
    # Years 1000..9999: the driver renders dates with strftime, which does not pad years.
    v["c_date"] = datetime.date(1970, 1, 1) + datetime.timedelta(days=rnd.randint(-354000, 2932000))
    v["c_decimal"] = decimal.Decimal(rnd.randint(-10**25, 10**25)).scaleb(-rnd.randint(0, 12))
    if n % 97 < 3:
        v["c_double"] = [math.nan, math.inf, -math.inf][n % 97]
    else:
        v["c_double"] = rnd.uniform(-1.0, 1.0) * 10.0 ** rnd.randint(-300, 300)
    sign = -1 if n % 5 == 0 else 1
    nanos = rnd.randint(0, 10**15)
    if n % 4 == 1:
        nanos -= nanos % 10**9  # whole seconds: written in the ISO 8601 form
    v["c_duration"] = Duration(sign * rnd.randint(0, 1000), sign * rnd.randint(0, 1000),
                               sign * nanos)
    v["c_float"] = rnd.randint(-2**20, 2**20) / 8.0  # exact in a 32-bit float
    if n % 5 == 0:
        v["c_inet"] = f"2001:db8::{n % 65535 + 1:x}"
    else:
        v["c_inet"] = f"10.{n % 256}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}"
    v["c_int"] = n
    v["c_smallint"] = rnd.randint(-32768, 32767)
    v["c_text"] = f"row {n} ü€ 'quoted' \"dq\" 😀" + "x" * (n % 30)
    v["c_time"] = Time(rnd.randint(0, 86400 * 10**9 - 1))
    v["c_timestamp"] = (datetime.datetime(1970, 1, 1)
                        + datetime.timedelta(milliseconds=rnd.randint(-2**41, 2**41)))
    v["c_timeuuid"] = uuid_from_time(1_600_000_000 + n, node=rnd.getrandbits(48),
                                     clock_seq=rnd.getrandbits(14))
    v["c_tinyint"] = rnd.randint(-128, 127)
    v["c_uuid"] = uuid.UUID(int=rnd.getrandbits(128), version=4)
    v["c_varchar"] = f"varchar {n}"
    v["c_varint"] = rnd.choice([0, -1, 2**64, -(2**127) - 1, rnd.randint(-10**40, 10**40)])
    k = 0 if empty else rnd.randint(1, 5)
    v["c_list"] = [rnd.randint(-2**31, 2**31 - 1) for _ in range(k)] + ([7, 7] if k else [])
    v["c_set"] = {f"s{rnd.randint(0, 99)}" for _ in range(k)}
    v["c_map"] = {f"k{i}": rnd.randint(-2**63, 2**63 - 1) for i in range(k)}
    v["c_frozen_list"] = [rnd.uniform(-1e6, 1e6) for _ in range(k)]
    v["c_frozen_set"] = {uuid.UUID(int=rnd.getrandbits(128), version=4) for _ in range(k)}
    v["c_frozen_map"] = {rnd.randint(-1000, 1000): f"v{i}" for i in range(k)}
    v["c_tuple"] = (n, None if n % 6 == 0 else f"t{n}", n % 2 == 0)
    v["c_udt"] = Address(f"{n} Main St", None if n % 8 == 0 else 10000 + n, [f"+1-555-{n:04d}"])
    v["c_udt_map"] = {f"home{i}": Address(f"street {i}", i, []) for i in range(k)}
    v["c_nested"] = [{f"a{i}": i, "b": -i} for i in range(k)]
    return v


def prepared_values(n, protocol_version):
    """row_values(n) as bound values; protocol v4+ leaves null columns unset on half the
    null rows (an unset value writes nothing, which reads back as null too)."""
    v = dict(row_values(n))
    if protocol_version >= 4 and n % 2 == 0:
        v = {k: (UNSET_VALUE if x is None else x) for k, x in v.items()}
    return v


def cql_literal(value):
    """A CQL literal for the values the driver's simple-statement encoder cannot render."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(cql_literal(x) for x in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(cql_literal(x) for x in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{cql_literal(k)}: {cql_literal(x)}" for k, x in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, Address):
        return (f"{{street: {cql_literal(value.street)}, zip: {cql_literal(value.zip)}, "
                f"phones: {cql_literal(value.phones)}}}")
    if isinstance(value, Duration):
        sign = "-" if min(value.months, value.days, value.nanoseconds) < 0 else ""
        months, days, nanos = abs(value.months), abs(value.days), abs(value.nanoseconds)
        if nanos % 10**9 == 0:  # the ISO 8601 form, which has no unit below seconds
            return f"{sign}P{months // 12}Y{months % 12}M{days}DT{nanos // 10**9}S"
        return f"{sign}{months}mo{days}d{nanos}ns"
    raise TypeError(f"no literal for {value!r}")


def simple_values(n):
    """row_values(n) as simple-statement parameters."""
    v = dict(row_values(n))
    for name in ("c_duration", "c_tuple", "c_udt", "c_udt_map"):
        if v[name] is not None:
            v[name] = CqlLiteral(cql_literal(v[name]))
    return v


def normalize_udt(a):
    return ("address", a.street, a.zip, normalize(a.phones))


def normalize(value):
    """Plain, comparable Python values; NaN becomes the string 'NaN'."""
    if value is None:
        return None
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else value
    if isinstance(value, decimal.Decimal):
        return ("decimal", str(value))  # keeps the scale: 1.10 != 1.1
    if isinstance(value, Date):
        return value.date()
    if isinstance(value, Time):
        return ("time", value.nanosecond_time)
    if isinstance(value, Duration):
        return ("duration", value.months, value.days, value.nanoseconds)
    if isinstance(value, Address):
        return normalize_udt(value)
    if isinstance(value, (set, frozenset, SortedSet)):
        return frozenset(normalize(x) for x in value)
    if isinstance(value, (dict, OrderedMapSerializedKey)):
        return {normalize(k): normalize(x) for k, x in value.items()}
    if isinstance(value, tuple):
        return tuple(normalize(x) for x in value)
    if isinstance(value, list):
        return [normalize(x) for x in value]
    return value


@functools.lru_cache(maxsize=None)
def expected_row(n):
    """What SELECT * reads back for row n, normalised: empty non-frozen collections are
    null in Cassandra, empty frozen ones and empty blobs are values."""
    v = row_values(n)
    out = {}
    for name, x in v.items():
        if name in NON_FROZEN_COLLECTIONS and x is not None and len(x) == 0:
            x = None
        out[name] = normalize(x)
    return out


def diff_row(expected, actual):
    """Column-by-column differences between two normalised rows."""
    names = sorted(set(expected) | set(actual))
    return [f"{k}: expected {expected.get(k, '<missing>')!r}, got {actual.get(k, '<missing>')!r}"
            for k in names if expected.get(k, "<missing>") != actual.get(k, "<missing>")]
