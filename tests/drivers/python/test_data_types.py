"""Every CQL type written with prepared and simple statements, read back with paging, over
each protocol version and compression the driver offers."""

import os

import pytest
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.cqltypes import Int32Type
from cassandra.metadata import Murmur3Token
from cassandra.query import SimpleStatement

from row_data import (COLUMN_NAMES, ROWS_PER_PARTITION, UDT_DDL, Address, diff_row,
                      expected_row, key_of, normalize, prepared_values, simple_values, table_ddl)

# (protocol version, compression, rows). Snappy does not exist in v5 (its segments use LZ4
# only). Two cases carry the 10,000-row load ($DRIVER_TEST_ROWS: fewer for a slow sanitizer
# build of cqlsim); the others check the same paths on fewer rows.
BIG = int(os.environ.get("DRIVER_TEST_ROWS", "10000"))
CASES = [
    (3, None, 700), (3, "lz4", 700), (3, "snappy", 700),
    (4, None, BIG), (4, "lz4", 700), (4, "snappy", 700),
    (5, None, 700), (5, "lz4", BIG),
]
PAGE_SIZE = 100
KEY_COLUMNS = ["pk", "ck"]


def token_of(pk):
    return Murmur3Token.from_key(Int32Type.serialize(pk, 4)).value


def insert_rows(session, ks, protocol_version, count):
    columns = KEY_COLUMNS + COLUMN_NAMES
    names = ", ".join(columns)
    prepared = session.prepare(
        f"INSERT INTO {ks}.all_types ({names}) VALUES ({', '.join('?' * len(columns))})")
    simple = SimpleStatement(
        f"INSERT INTO {ks}.all_types ({names}) VALUES ({', '.join(['%s'] * len(columns))})")
    # Even rows through a prepared statement, odd rows as CQL literals in simple statements.
    bound = [[v[c] for c in columns]
             for v in (prepared_values(n, protocol_version) for n in range(0, count, 2))]
    literal = [[v[c] for c in columns] for v in (simple_values(n) for n in range(1, count, 2))]
    execute_concurrent_with_args(session, prepared, bound, concurrency=64)
    execute_concurrent_with_args(session, simple, literal, concurrency=64)


def read_all_pages(session, statement, parameters=None):
    """Every page of `statement`; fails if a page exceeds the fetch size."""
    pages = []
    result = session.execute(statement, parameters)
    while True:
        rows = list(result.current_rows)
        assert len(rows) <= PAGE_SIZE, f"page {len(pages)} holds {len(rows)} rows"
        pages.append(rows)
        if not result.has_more_pages:
            return pages
        result.fetch_next_page()


def check_scan(pages, count, what):
    """Each of rows 0..count-1 exactly once, with its values, in token then clustering order."""
    assert len(pages) >= -(-count // PAGE_SIZE), f"{what}: {len(pages)} pages for {count} rows"
    expected_order = KEY_COLUMNS + sorted(COLUMN_NAMES)
    seen = set()
    problems = []
    previous = None
    for page_number, page in enumerate(pages):
        for row in page:
            if list(row) != expected_order:
                problems.append(f"columns {list(row)}, expected {expected_order}")
            key = (row["pk"], row["ck"])
            if key in seen:
                problems.append(f"row {key} returned twice (page {page_number})")
            seen.add(key)
            order = (token_of(row["pk"]), row["pk"], row["ck"])
            if previous is not None and order <= previous:
                problems.append(
                    f"row {key} (token {order[0]}) after {previous} (page {page_number})")
            previous = order
            n = key[0] * ROWS_PER_PARTITION + key[1]
            if key_of(n) != key or not 0 <= n < count:
                problems.append(f"unexpected row {key}")
                continue
            actual = {name: normalize(value) for name, value in row.items()}
            if isinstance(row["c_udt"], tuple):
                problems.append(f"row {key}: c_udt decoded as {type(row['c_udt'])}, not the "
                                "registered class")
            problems += [f"row {key} (n={n}) {d}" for d in diff_row(expected_row(n), actual)]
            if len(problems) > 20:
                break
    missing = sorted(set(map(key_of, range(count))) - seen)
    if missing:
        problems.append(f"{len(missing)} rows never returned, first {missing[:10]}")
    assert not problems, f"{what}:\n  " + "\n  ".join(problems[:30])


def check_wire_format(session, protocol_version, compression):
    """The pools really use the compression asked for, and v5 really uses segments: the driver
    silently falls back to no compression when the server does not offer it. (Reads the
    driver's private connection state; there is no public accessor.)"""
    connections = [pool._connection for pool in session._pools.values()]
    assert len(connections) == 3
    for conn in connections:
        assert conn.protocol_version == protocol_version
        assert conn._compression_type == compression, conn.endpoint
        assert (conn.compressor is not None) == (compression is not None), conn.endpoint
        assert conn._is_checksumming_enabled == (protocol_version >= 5), conn.endpoint


@pytest.mark.parametrize("protocol_version,compression,count", CASES,
                         ids=[f"v{v}-{c or 'none'}-{n}" for v, c, n in CASES])
def test_every_type_round_trips_through_paged_reads(sessions, protocol_version, compression,
                                                    count, new_keyspace):
    session = sessions(protocol_version, compression)
    check_wire_format(session, protocol_version, compression)
    ks = new_keyspace(session, f"types_v{protocol_version}_{compression}")
    session.execute(UDT_DDL.format(ks=ks))
    session.cluster.register_user_type(ks, "address", Address)
    session.execute(table_ddl(ks, "all_types"))

    insert_rows(session, ks, protocol_version, count)

    simple = SimpleStatement(f"SELECT * FROM {ks}.all_types", fetch_size=PAGE_SIZE)
    check_scan(read_all_pages(session, simple), count, "simple SELECT *")
    prepared = session.prepare(f"SELECT * FROM {ks}.all_types")
    prepared.fetch_size = PAGE_SIZE
    check_scan(read_all_pages(session, prepared), count, "prepared SELECT *")


@pytest.mark.parametrize("protocol_version", [3, 4, 5])
def test_partition_reads_page_in_clustering_order(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"partition_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.events (day int, seq int, body text, "
                    "PRIMARY KEY (day, seq)) WITH CLUSTERING ORDER BY (seq DESC)")
    insert = session.prepare(f"INSERT INTO {ks}.events (day, seq, body) VALUES (?, ?, ?)")
    rows = [(day, seq, f"{day}/{seq}") for day in range(3) for seq in range(25)]
    execute_concurrent_with_args(session, insert, rows)

    select = session.prepare(f"SELECT seq, body FROM {ks}.events WHERE day = ?")
    select.fetch_size = 4
    result = session.execute(select, (1,))
    assert len(result.current_rows) == 4 and result.has_more_pages
    rows = list(result)  # from the first row; fetches the remaining pages
    assert [r["seq"] for r in rows] == list(range(24, -1, -1)), "DESC clustering order"
    assert all(r["body"] == f"1/{r['seq']}" for r in rows)

    ranged = session.execute(
        f"SELECT seq FROM {ks}.events WHERE day = %s AND seq >= %s AND seq < %s ORDER BY seq ASC",
        (2, 10, 15))
    assert [r["seq"] for r in ranged] == [10, 11, 12, 13, 14]
    limited = session.execute(f"SELECT seq FROM {ks}.events WHERE day = 0 LIMIT 3")
    assert [r["seq"] for r in limited] == [24, 23, 22]
    in_query = session.execute(f"SELECT day, seq FROM {ks}.events WHERE day IN (0, 2) AND seq = 7")
    assert sorted((r["day"], r["seq"]) for r in in_query) == [(0, 7), (2, 7)]
    none = session.execute(f"SELECT * FROM {ks}.events WHERE day = 99")
    assert list(none) == []
