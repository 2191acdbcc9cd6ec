"""Writes through cqlshift reach both clusters identically; reads go to the primary only."""

import os

import pytest
from cassandra.concurrent import execute_concurrent, execute_concurrent_with_args
from cassandra.query import SimpleStatement

from row_data import (COLUMN_NAMES, NON_FROZEN_COLLECTIONS, UDT_DDL, key_of, normalize,
                      prepared_values, simple_values, table_ddl)

ROWS = int(os.environ.get("DRIVER_TEST_ROWS", "10000"))
KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")
# writetime() exists for every column but the keys and non-frozen collections.
TIMED_COLUMNS = [c for c in COLUMN_NAMES if c not in NON_FROZEN_COLLECTIONS]
SELECT_ALL = ("SELECT pk, ck, " + ", ".join(COLUMN_NAMES) + ", "
              + ", ".join(f"writetime({c}) AS wt_{c}" for c in TIMED_COLUMNS)
              + " FROM {ks}.all_types")


def run_all(session, statements_and_params, what):
    results = execute_concurrent(session, statements_and_params, concurrency=64,
                                 raise_on_first_error=False)
    failures = [(i, r) for i, (ok, r) in enumerate(results) if not ok]
    assert not failures, f"{what}: {len(failures)} failed, first: {failures[:3]}"


def table_contents(session, ks):
    """{(pk, ck): {column: normalised value}} of all_types, with every cell's writetime."""
    rows = {}
    for row in session.execute(SimpleStatement(SELECT_ALL.format(ks=ks), fetch_size=2000)):
        rows[(row["pk"], row["ck"])] = {k: normalize(v) for k, v in row.items()}
    return rows


def describe_differences(origin, target, limit=20):
    problems = []
    for key in sorted(set(origin) | set(target)):
        o, t = origin.get(key), target.get(key)
        if o is None or t is None:
            problems.append(f"row {key} only on {'Target' if o is None else 'Origin'}")
        elif o != t:
            problems += [f"row {key} {c}: Origin {o[c]!r}, Target {t[c]!r}"
                         for c in sorted(o) if o[c] != t.get(c)]
        if len(problems) >= limit:
            break
    return problems


ALL_TYPES_ROWS = min(ROWS, 700)  # every CQL type; the bulk of the load is on `events`


def kv_contents(session, query):
    return {tuple(r.values())[:2]: tuple(normalize(v) for v in r.values())
            for r in session.execute(SimpleStatement(query, fetch_size=5000))}


@pytest.mark.parametrize("protocol_version", [4, 5])
def test_writes_through_the_proxy_reach_both_clusters_cell_for_cell(proxy_env, protocol_version):
    env = proxy_env()
    session = env.connect_proxy(protocol_version)
    assert session.cluster.protocol_version == protocol_version
    ks = f"writes_v{protocol_version}"

    # DDL through the proxy reaches both clusters.
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(UDT_DDL.format(ks=ks))
    session.execute(table_ddl(ks, "all_types"))
    session.execute(f"CREATE TABLE {ks}.events (pk int, ck int, v text, n bigint, "
                    "tags set<int>, PRIMARY KEY (pk, ck))")
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text, n bigint)")
    origin = env.connect_origin(protocol_version)
    target = env.connect_target(protocol_version)
    for name, direct in (("Origin", origin), ("Target", target)):
        tables = {r["table_name"] for r in direct.execute(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = %s", (ks,))}
        assert tables == {"all_types", "events", "kv"}, f"{name} has tables {tables}"
        types = {r["type_name"] for r in direct.execute(
            "SELECT type_name FROM system_schema.types WHERE keyspace_name = %s", (ks,))}
        assert types == {"address"}, f"{name} has types {types}"

    # The bulk: $DRIVER_TEST_ROWS simple-statement inserts, then updates and deletes.
    insert = SimpleStatement(f"INSERT INTO {ks}.events (pk, ck, v, n, tags) "
                             "VALUES (%s, %s, %s, %s, %s)")
    run_all(session, [(insert, (*key_of(i), f"event {i}", i * 7919, {i % 5, i % 11}))
                      for i in range(ROWS)], "simple inserts")
    update = SimpleStatement(f"UPDATE {ks}.events SET v = %s, tags = tags + %s "
                             "WHERE pk = %s AND ck = %s")
    run_all(session, [(update, (f"updated {i}", {-i}, *key_of(i))) for i in range(0, ROWS, 10)],
            "simple updates")
    deletes = [(f"DELETE FROM {ks}.events WHERE pk = {key_of(i)[0]} AND ck = {key_of(i)[1]}",
                None) for i in range(3, ROWS, 17)]
    deletes += [(f"DELETE n FROM {ks}.events WHERE pk = {key_of(i)[0]} AND ck = {key_of(i)[1]}",
                 None) for i in range(4, ROWS, 23)]
    deletes.append((f"DELETE FROM {ks}.events WHERE pk = {key_of(ROWS - 1)[0]}", None))
    run_all(session, deletes, "simple deletes")

    # Every CQL type with simple statements, then a few prepared statements.
    columns = ["pk", "ck"] + COLUMN_NAMES
    insert_all = SimpleStatement(f"INSERT INTO {ks}.all_types ({', '.join(columns)}) "
                                 f"VALUES ({', '.join(['%s'] * len(columns))})")
    run_all(session, [(insert_all, [simple_values(n)[c] for c in columns])
                      for n in range(ALL_TYPES_ROWS)], "simple inserts of every type")
    run_all(session, [(f"UPDATE {ks}.all_types SET c_text = 'updated', c_map['upd'] = {n} "
                       f"WHERE pk = {key_of(n)[0]} AND ck = {key_of(n)[1]}", None)
                      for n in range(0, ALL_TYPES_ROWS, 10)], "simple updates of every type")
    run_all(session, [(f"DELETE c_int, c_set FROM {ks}.all_types "
                       f"WHERE pk = {key_of(n)[0]} AND ck = {key_of(n)[1]}", None)
                      for n in range(4, ALL_TYPES_ROWS, 23)], "simple cell deletes")
    prepared_insert = session.prepare(f"INSERT INTO {ks}.all_types ({', '.join(columns)}) "
                                      f"VALUES ({', '.join('?' * len(columns))})")
    extra = range(ALL_TYPES_ROWS + 100, ALL_TYPES_ROWS + 130)
    execute_concurrent_with_args(
        session, prepared_insert,
        [[prepared_values(n, protocol_version)[c] for c in columns] for n in extra])
    prepared_update = session.prepare(
        f"UPDATE {ks}.all_types SET c_varchar = ? WHERE pk = ? AND ck = ?")
    for n in range(1, 200, 7):
        session.execute(prepared_update, (f"prepared update {n}", *key_of(n)))
    kv_insert = session.prepare(f"INSERT INTO {ks}.kv (k, v, n) VALUES (?, ?, ?)")
    execute_concurrent_with_args(session, kv_insert, [(k, f"v{k}", k * 1000) for k in range(200)])
    kv_delete = session.prepare(f"DELETE FROM {ks}.kv WHERE k = ?")
    for k in range(0, 200, 9):
        session.execute(kv_delete, (k,))
    # USE applies to both clusters: unqualified writes land in the keyspace on both.
    session.set_keyspace(ks)
    session.execute("INSERT INTO kv (k, v, n) VALUES (500, 'unqualified', 1)")
    session.execute(SimpleStatement("UPDATE kv SET n = %s WHERE k = %s"), (2, 500))

    # Each cluster, read directly, holds the same data, writetimes included.
    events_query = (f"SELECT pk, ck, v, n, tags, writetime(v) AS wt_v, writetime(n) AS wt_n "
                    f"FROM {ks}.events")
    events_origin = kv_contents(origin, events_query)
    events_target = kv_contents(target, events_query)
    if events_origin != events_target:
        problems = [f"{k}: Origin {events_origin.get(k)}, Target {events_target.get(k)}"
                    for k in sorted(set(events_origin) | set(events_target))
                    if events_origin.get(k) != events_target.get(k)]
        raise AssertionError(f"events differ in {len(problems)} rows:\n  "
                             + "\n  ".join(problems[:20]))
    deleted = {key_of(i) for i in range(3, ROWS, 17)}
    deleted |= {key_of(i) for i in range(ROWS) if key_of(i)[0] == key_of(ROWS - 1)[0]}
    assert set(events_origin) == {key_of(i) for i in range(ROWS)} - deleted
    row10 = events_origin[key_of(10)]
    assert row10[2] == "updated 10" and -10 in row10[4], row10
    if key_of(4) not in deleted:
        assert events_origin[key_of(4)][3] is None, "cell delete of n"
    assert len({r[5] for r in events_origin.values()}) > 1, \
        "writetimes are the driver's per-request timestamps"

    in_origin, in_target = table_contents(origin, ks), table_contents(target, ks)
    problems = describe_differences(in_origin, in_target)
    assert not problems, "all_types differs between Origin and Target:\n  " + "\n  ".join(problems)
    expected_keys = ({key_of(n) for n in range(ALL_TYPES_ROWS)} | {key_of(n) for n in extra}
                     | {key_of(n) for n in range(1, 200, 7)})  # UPDATE upserts
    assert set(in_origin) == expected_keys
    assert in_origin[key_of(10)]["c_text"] == "updated" and "upd" in in_origin[key_of(10)]["c_map"]
    assert in_origin[key_of(8)]["c_varchar"] == "prepared update 8"
    assert in_origin[key_of(4)]["c_int"] is None and in_origin[key_of(4)]["c_set"] is None

    kv_query = f"SELECT k, v, n, writetime(v) AS wt FROM {ks}.kv"
    kv_origin, kv_target = kv_contents(origin, kv_query), kv_contents(target, kv_query)
    assert kv_origin == kv_target
    assert {k for k, _ in kv_origin} == (set(range(200)) - set(range(0, 200, 9))) | {500}
    assert kv_origin[(500, "unqualified")][2] == 2

    # Dropping the keyspace through the proxy drops it on both.
    session.execute(f"DROP KEYSPACE {ks}")
    for name, direct in (("Origin", origin), ("Target", target)):
        left = list(direct.execute(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = %s", (ks,)))
        assert left == [], f"{ks} still exists on {name}"


def user_table_reads(admin, ks, table):
    """The SELECTs on ks.table a cluster executed (QUERY or EXECUTE of a prepared SELECT)."""
    return [e for e in admin.log()
            if e.get("opcode", "").upper() in ("QUERY", "EXECUTE")
            and e.get("keyspace") == ks and e.get("table") == table
            and e.get("statement", "").lstrip().upper().startswith("SELECT")]


@pytest.mark.parametrize("protocol_version", [4, 5])
@pytest.mark.parametrize("primary", ["ORIGIN", "TARGET"])
def test_reads_go_to_the_primary_only(proxy_env, primary, protocol_version):
    env = proxy_env(primary=primary)
    session = env.connect_proxy(protocol_version)
    ks = "reads"
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
    execute_concurrent_with_args(session, insert, [(k, f"both {k}") for k in range(50)])
    # A row written straight to Origin, which Target never gets.
    env.connect_origin(protocol_version).execute(f"INSERT INTO {ks}.kv (k, v) VALUES (1000, 'origin only')")
    select = session.prepare(f"SELECT v FROM {ks}.kv WHERE k = ?")
    env.origin.admin.delete("/log")
    env.target.admin.delete("/log")

    for k in range(20):
        assert session.execute(f"SELECT v FROM {ks}.kv WHERE k = {k}").one()["v"] == f"both {k}"
        assert session.execute(select, (k,)).one()["v"] == f"both {k}"
    simple_hit = session.execute(f"SELECT v FROM {ks}.kv WHERE k = 1000").one()
    prepared_hit = session.execute(select, (1000,)).one()
    count = session.execute(f"SELECT count(*) FROM {ks}.kv").one()["count"]

    if primary == "ORIGIN":
        assert simple_hit == {"v": "origin only"} and prepared_hit == {"v": "origin only"}, \
            "the row written to Origin only is visible when Origin is primary"
        assert count == 51
    else:
        assert simple_hit is None and prepared_hit is None, \
            "the row written to Origin only must not be visible when Target is primary"
        assert count == 50

    primary_admin, secondary_admin = ((env.origin.admin, env.target.admin)
                                      if primary == "ORIGIN"
                                      else (env.target.admin, env.origin.admin))
    on_primary = user_table_reads(primary_admin, ks, "kv")
    on_secondary = user_table_reads(secondary_admin, ks, "kv")
    assert len(on_primary) >= 43, f"{primary} (primary) logged {len(on_primary)} SELECTs"
    assert {e["opcode"].upper() for e in on_primary} == {"QUERY", "EXECUTE"}
    assert on_secondary == [], f"the secondary received reads: {on_secondary[:5]}"
