"""now() replacement through cqlshift (SPEC 6): with replace_cql_functions on, each now() in
a write is replaced by a timeuuid the proxy makes, so that both clusters store the same value:
literals in simple statements, hidden bind markers in prepared ones (positional and named),
and both kinds of batch child. Reads are never rewritten. Without the option the clusters
would disagree, which the last test shows."""

import datetime
import uuid

import pytest
from cassandra.query import BatchStatement, BatchType, SimpleStatement

KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")
COLUMNS = "k, c, id, ts, other, note"


def setup_schema(session, ks):
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.t (k int, c int, id timeuuid, ts timestamp, "
                    "other timeuuid, note text, PRIMARY KEY (k, c))")


def rows_of(session, ks):
    return {(r["k"], r["c"]): r for r in session.execute(
        SimpleStatement(f"SELECT {COLUMNS} FROM {ks}.t", fetch_size=5000))}


def assert_same_on_both(env, ks, expected_keys):
    """Both clusters hold the same cells, and every now() produced a version 1 UUID."""
    origin, target = rows_of(env.connect_origin(4), ks), rows_of(env.connect_target(4), ks)
    assert set(origin) == set(expected_keys), f"Origin rows {sorted(origin)}"
    differences = [(key, origin[key], target.get(key)) for key in origin
                   if origin[key] != target.get(key)]
    assert not differences, f"{len(differences)} rows differ, first: {differences[:3]}"
    for key, row in origin.items():
        if row["id"] is not None:
            assert isinstance(row["id"], uuid.UUID) and row["id"].version == 1, (key, row)
    return origin


def test_now_in_simple_prepared_and_batch_statements_is_the_same_on_both(proxy_env):
    env = proxy_env(replace_cql_functions=True)
    session = env.connect_proxy(4)
    ks = "now_everywhere"
    setup_schema(session, ks)
    keys = []

    # Simple statements: literals, several calls per statement, system.now(), inside a
    # function call; a 'now()' inside a string stays text.
    for c in range(10):
        session.execute(f"INSERT INTO {ks}.t (k, c, id, ts, other, note) VALUES "
                        f"(1, {c}, now(), toTimestamp(now()), system.now(), 'now() stays')")
        keys.append((1, c))
    session.execute(f"UPDATE {ks}.t SET other = NOW ( ) WHERE k = 1 AND c = 0")

    # Prepared, positional markers around the call.
    positional = session.prepare(f"INSERT INTO {ks}.t (k, c, id, note) VALUES (?, ?, now(), ?) "
                                 "USING TTL ?")
    assert [col.name for col in positional.column_metadata] == ["k", "c", "note", "[ttl]"], \
        "the proxy's markers are hidden from the client"
    for c in range(20):
        session.execute(positional, (2, c, f"positional {c}", 100000))
        keys.append((2, c))

    # Prepared, inside a function (toTimestamp has a date and a timeuuid overload, so the
    # marker must carry its type) and into a uuid column.
    timed = session.prepare(f"UPDATE {ks}.t SET ts = toTimestamp(now()), other = now() "
                            "WHERE k = ? AND c = ?")
    assert [col.name for col in timed.column_metadata] == ["k", "c"]
    for c in range(5):
        session.execute(timed, (8, c))
        keys.append((8, c))

    # Prepared, named markers; the driver binds by name.
    named = session.prepare(f"UPDATE {ks}.t SET id = now(), other = :o, note = :n "
                            "WHERE k = :k AND c = :c")
    assert [col.name for col in named.column_metadata] == ["o", "n", "k", "c"]
    for c in range(20):
        session.execute(named, {"k": 3, "c": c, "n": f"named {c}", "o": uuid.uuid1()})
        keys.append((3, c))

    # Batches: a prepared child with a hidden marker, a simple child, a literal child.
    for c in range(10):
        batch = BatchStatement(batch_type=BatchType.LOGGED)
        batch.add(positional, (4, c, "in batch", 100000))
        batch.add(SimpleStatement(f"INSERT INTO {ks}.t (k, c, id, other) "
                                  "VALUES (%s, %s, now(), now())"), (5, c))
        batch.add(f"UPDATE {ks}.t SET ts = toTimestamp(now()) WHERE k = 6 AND c = {c}")
        session.execute(batch)
        keys += [(4, c), (5, c), (6, c)]
    # A BATCH written as one QUERY.
    session.execute(f"BEGIN UNLOGGED BATCH INSERT INTO {ks}.t (k, c, id) VALUES (7, 0, now()); "
                    f"INSERT INTO {ks}.t (k, c, id) VALUES (7, 1, now()); APPLY BATCH")
    keys += [(7, 0), (7, 1)]

    rows = assert_same_on_both(env, ks, keys)
    # Each call and each execution got its own timeuuid.
    ids = [row["id"] for key, row in rows.items() if row["id"] is not None]
    assert len(ids) == len(set(ids)), "a timeuuid was used twice"
    assert rows[(1, 3)]["id"] != rows[(1, 3)]["other"], "two calls, two values"
    assert rows[(1, 0)]["note"] == "now() stays"
    assert rows[(2, 5)]["note"] == "positional 5" and rows[(3, 5)]["note"] == "named 5"
    assert rows[(6, 2)]["ts"] is not None
    timed_row = rows[(8, 3)]
    assert timed_row["ts"] is not None and timed_row["other"] is not None


def test_reads_keep_their_now(proxy_env):
    env = proxy_env(replace_cql_functions=True)
    session = env.connect_proxy(4)
    ks = "now_reads"
    setup_schema(session, ks)
    session.execute(f"INSERT INTO {ks}.t (k, c, id) VALUES (1, 1, now())")
    env.origin.admin.delete("/log")
    select = f"SELECT k FROM {ks}.t WHERE k = 1 AND c = 1 AND id < now() ALLOW FILTERING"
    assert session.execute(select).one() == {"k": 1}
    prepared = session.prepare(f"SELECT k FROM {ks}.t WHERE k = ? AND id < now() ALLOW FILTERING")
    assert [col.name for col in prepared.column_metadata] == ["k"]
    assert session.execute(prepared, (1,)).one() == {"k": 1}
    statements = [e.get("statement", "") for e in env.origin.admin.log()
                  if e.get("keyspace") == ks]
    assert sum("id < now()" in s for s in statements) >= 2, statements


def test_without_replacement_the_clusters_disagree(proxy_env):
    """The control: each cluster evaluates now() itself."""
    env = proxy_env(replace_cql_functions=False)
    session = env.connect_proxy(4)
    ks = "now_off"
    setup_schema(session, ks)
    session.execute(f"INSERT INTO {ks}.t (k, c, id) VALUES (1, 1, now())")
    origin = rows_of(env.connect_origin(4), ks)[(1, 1)]["id"]
    target = rows_of(env.connect_target(4), ks)[(1, 1)]["id"]
    assert origin != target


@pytest.mark.parametrize("protocol_version", [3, 5])
def test_now_markers_at_other_versions(proxy_env, protocol_version):
    env = proxy_env(replace_cql_functions=True)
    session = env.connect_proxy(protocol_version)
    ks = f"now_v{protocol_version}"
    setup_schema(session, ks)
    insert = session.prepare(f"INSERT INTO {ks}.t (k, c, id, ts) VALUES (?, ?, now(), ?)")
    when = datetime.datetime(2024, 5, 6, 7, 8, 9)
    for c in range(10):
        session.execute(insert, (1, c, when))
    batch = BatchStatement()
    batch.add(insert, (2, 0, when))
    batch.add(f"INSERT INTO {ks}.t (k, c, id) VALUES (2, 1, now())")
    session.execute(batch)
    rows = assert_same_on_both(env, ks, [(1, c) for c in range(10)] + [(2, 0), (2, 1)])
    assert rows[(1, 4)]["ts"] == when
