"""Prepared statements through cqlshift (SPEC 5): every protocol version the Python driver
speaks, with and without compression, against two clusters whose prepared ids differ (each
cqlsim hashes its own salt into them). Writes land identically on both; prepared SELECTs go
to the primary only; a restarted proxy (an empty prepared map) makes the driver re-prepare
without the application seeing an error; batches mix simple and prepared children."""

import threading
import time

import pytest
from cassandra import OperationTimedOut
from cassandra.cluster import NoHostAvailable
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.policies import ConstantReconnectionPolicy
from cassandra.query import BatchStatement, BatchType, SimpleStatement

from proxy_support import wait_until
from row_data import Address, COLUMN_NAMES, UDT_DDL, expected_row, key_of, normalize, prepared_values, \
    table_ddl
from test_proxy_writes import describe_differences, user_table_reads

KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")
ROWS = 120

# (protocol version, compression): the driver offers LZ4 and Snappy bodies on v3/v4 and LZ4
# segments on v5 (it has no Snappy for v5, as the protocol has none).
COMBINATIONS = [(3, None), (3, "lz4"), (3, "snappy"), (4, None), (4, "lz4"), (4, "snappy"),
                (5, None), (5, "lz4")]


def contents(session, ks, table="all_types"):
    rows = {}
    for row in session.execute(SimpleStatement(f"SELECT * FROM {ks}.{table}", fetch_size=1000)):
        rows[(row["pk"], row["ck"])] = {k: normalize(v) for k, v in row.items()}
    return rows


def compression_in_use(session):
    """What the driver negotiated on its connections to the proxy."""
    pool = next(iter(session._pools.values()))
    return pool._connection.compressor


@pytest.mark.parametrize("protocol_version,compression", COMBINATIONS,
                         ids=[f"v{v}-{c or 'plain'}" for v, c in COMBINATIONS])
def test_prepared_statements_of_every_type(proxy_env, protocol_version, compression):
    env = proxy_env()
    session = env.connect_proxy(protocol_version, compression=compression or False)
    assert session.cluster.protocol_version == protocol_version
    compressor = compression_in_use(session)
    assert (compressor is not None) == (compression is not None), \
        f"the driver compresses with {compressor}, asked for {compression}"
    ks = f"prepared_v{protocol_version}_{compression or 'plain'}"
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(UDT_DDL.format(ks=ks))
    session.execute(table_ddl(ks, "all_types"))
    session.cluster.register_user_type(ks, "address", Address)

    columns = ["pk", "ck"] + COLUMN_NAMES
    insert = session.prepare(f"INSERT INTO {ks}.all_types ({', '.join(columns)}) "
                             f"VALUES ({', '.join('?' * len(columns))})")
    results = execute_concurrent_with_args(
        session, insert, [[prepared_values(n, protocol_version)[c] for c in columns]
                          for n in range(ROWS)], concurrency=32, raise_on_first_error=False)
    assert all(ok for ok, _ in results), [r for ok, r in results if not ok][:3]
    update = session.prepare(f"UPDATE {ks}.all_types SET c_text = ?, c_list = c_list + ? "
                             "WHERE pk = ? AND ck = ?")
    for n in range(0, ROWS, 10):
        session.execute(update, (f"updated {n}", [n], *key_of(n)))
    delete_row = session.prepare(f"DELETE FROM {ks}.all_types WHERE pk = ? AND ck = ?")
    delete_cells = session.prepare(f"DELETE c_map, c_udt FROM {ks}.all_types "
                                   "WHERE pk = ? AND ck = ?")
    for n in range(3, ROWS, 17):
        session.execute(delete_row, key_of(n))
    for n in range(4, ROWS, 19):
        session.execute(delete_cells, key_of(n))

    # Prepared SELECTs through the proxy read back what was written, from the primary only.
    select = session.prepare(f"SELECT * FROM {ks}.all_types WHERE pk = ? AND ck = ?")
    env.origin.admin.delete("/log")
    env.target.admin.delete("/log")
    deleted = set(range(3, ROWS, 17))
    for n in range(0, ROWS, 3):
        row = session.execute(select, key_of(n)).one()
        if n in deleted:
            assert row is None, f"row {n} was deleted"
            continue
        got = {k: normalize(v) for k, v in row.items()}
        want = dict(expected_row(n))
        if n % 10 == 0:
            want["c_text"] = f"updated {n}"
            want["c_list"] = (want["c_list"] or []) + [n]
        if n % 19 == 4:
            want["c_map"] = None
            want["c_udt"] = None
        problems = [c for c in want if want[c] != got.get(c)]
        assert not problems, f"row {n}: {[(c, want[c], got.get(c)) for c in problems]}"
    on_origin = user_table_reads(env.origin.admin, ks, "all_types")
    on_target = user_table_reads(env.target.admin, ks, "all_types")
    assert len(on_origin) == len(range(0, ROWS, 3)) and on_target == [], \
        f"prepared SELECTs: {len(on_origin)} on Origin (primary), {len(on_target)} on Target"
    assert {e["opcode"].upper() for e in on_origin} == {"EXECUTE"}

    # Each cluster, read directly, holds the same rows.
    in_origin = contents(env.connect_origin(4), ks)
    in_target = contents(env.connect_target(4), ks)
    assert len(in_origin) == ROWS - len(deleted)
    problems = describe_differences(in_origin, in_target)
    assert not problems, "Origin and Target differ:\n  " + "\n  ".join(problems)


def test_prepared_select_follows_the_primary_and_target_ids_differ(proxy_env):
    env = proxy_env(primary="TARGET")
    session = env.connect_proxy(4)
    session.execute(KEYSPACE_DDL.format(ks="ids"))
    session.execute("CREATE TABLE ids.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare("INSERT INTO ids.kv (k, v) VALUES (?, ?)")
    for k in range(10):
        session.execute(insert, (k, f"v{k}"))
    env.connect_origin(4).execute("INSERT INTO ids.kv (k, v) VALUES (100, 'origin only')")
    select = session.prepare("SELECT v FROM ids.kv WHERE k = ?")
    # The driver holds Origin's id; Target knows the statement under another id.
    origin_id = env.connect_origin(4).prepare("SELECT v FROM ids.kv WHERE k = ?").query_id
    target_id = env.connect_target(4).prepare("SELECT v FROM ids.kv WHERE k = ?").query_id
    assert origin_id != target_id, "the clusters' salts must make their ids differ"
    assert select.query_id == origin_id
    env.origin.admin.delete("/log")
    env.target.admin.delete("/log")
    for k in range(10):
        assert session.execute(select, (k,)).one() == {"v": f"v{k}"}
    assert session.execute(select, (100,)).one() is None, "Target is primary"
    assert user_table_reads(env.origin.admin, "ids", "kv") == []
    assert len(user_table_reads(env.target.admin, "ids", "kv")) == 11


def test_restarted_proxy_makes_the_driver_reprepare(proxy_env, start_proxy):
    """A new proxy process knows none of the driver's prepared ids: it answers UNPREPARED and
    the driver re-prepares. The application's loop retries only while no proxy listens."""
    env = proxy_env()
    session = env.connect_proxy(
        4, reconnection_policy=ConstantReconnectionPolicy(0.1, max_attempts=None))
    session.execute(KEYSPACE_DDL.format(ks="restart"))
    session.execute("CREATE TABLE restart.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare("INSERT INTO restart.kv (k, v) VALUES (?, ?)")
    select = session.prepare("SELECT v FROM restart.kv WHERE k = ?")

    acknowledged = []
    unexpected = []
    unavailable = [0]
    stop = threading.Event()

    def workload():
        k = 0
        while not stop.is_set():
            try:
                session.execute(insert, (k, f"v{k}"), timeout=5)
                row = session.execute(select, (k,), timeout=5).one()
                if row != {"v": f"v{k}"}:
                    unexpected.append(f"read {k}: {row}")
                acknowledged.append(k)
                k += 1
            except (NoHostAvailable, OperationTimedOut):
                unavailable[0] += 1  # no proxy listening: the application retries the same k
                time.sleep(0.02)
            except Exception as e:  # noqa: BLE001 - anything else is what the test looks for
                unexpected.append(f"{k}: {type(e).__name__}: {e}")
                k += 1

    thread = threading.Thread(target=workload)
    thread.start()
    try:
        wait_until(lambda: len(acknowledged) >= 200, 30, "200 statements before the restart")
        config = dict(env.proxy.config)
        config["proxy_listen_port"] = env.proxy.port  # the same address for the driver
        env.proxy.stop()
        env.proxy = start_proxy(config)
        before = len(acknowledged)
        wait_until(lambda: len(acknowledged) >= before + 200, 60,
                   "200 statements after the restart")
    finally:
        stop.set()
        thread.join(30)
    assert not unexpected, f"the application saw errors: {unexpected[:5]}"
    origin_rows = {r["k"] for r in env.connect_origin(4).execute("SELECT k FROM restart.kv")}
    target_rows = {r["k"] for r in env.connect_target(4).execute("SELECT k FROM restart.kv")}
    missing = [k for k in acknowledged if k not in origin_rows or k not in target_rows]
    assert not missing, f"acknowledged writes missing on a cluster: {missing[:10]}"


@pytest.mark.parametrize("protocol_version", [3, 4, 5])
def test_batches_mixing_simple_and_prepared_children(proxy_env, protocol_version):
    env = proxy_env()
    session = env.connect_proxy(protocol_version)
    ks = f"batches_v{protocol_version}"
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.kv (k int, c int, v text, PRIMARY KEY (k, c))")
    session.execute(f"CREATE TABLE {ks}.counts (k int PRIMARY KEY, n counter, m counter)")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, c, v) VALUES (?, ?, ?)")
    update = session.prepare(f"UPDATE {ks}.kv SET v = ? WHERE k = ? AND c = ?")
    delete = session.prepare(f"DELETE FROM {ks}.kv WHERE k = ? AND c = ?")
    bump = session.prepare(f"UPDATE {ks}.counts SET n = n + ? WHERE k = ?")

    for k in range(20):
        for base in (0, 100):
            session.execute(insert, (k, base + 4, "to delete"))
    for k in range(20):
        for batch_type in (BatchType.LOGGED, BatchType.UNLOGGED):
            batch = BatchStatement(batch_type=batch_type)
            base = 0 if batch_type == BatchType.LOGGED else 100
            batch.add(insert, (k, base + 1, f"prepared {k}"))
            batch.add(SimpleStatement(f"INSERT INTO {ks}.kv (k, c, v) VALUES (%s, %s, %s)"),
                      (k, base + 2, f"simple {k}"))
            batch.add(f"INSERT INTO {ks}.kv (k, c, v) VALUES ({k}, {base + 3}, 'literal')")
            batch.add(update, (f"updated {k}", k, base + 5))
            batch.add(delete, (k, base + 4))
            session.execute(batch)
        counter_batch = BatchStatement(batch_type=BatchType.COUNTER)
        counter_batch.add(bump, (k + 1, k))
        counter_batch.add(SimpleStatement(f"UPDATE {ks}.counts SET m = m + %s WHERE k = %s"),
                          (2 * k + 1, k))
        counter_batch.add(bump, (10, k))
        session.execute(counter_batch)

    origin, target = env.connect_origin(4), env.connect_target(4)
    for name, query in (("kv", f"SELECT k, c, v, writetime(v) AS wt FROM {ks}.kv"),
                        ("counts", f"SELECT k, n, m FROM {ks}.counts")):
        o = sorted(tuple(r.values()) for r in origin.execute(query))
        t = sorted(tuple(r.values()) for r in target.execute(query))
        assert o == t, f"{name} differs between Origin and Target"
    rows = {(r["k"], r["c"]): r["v"] for r in origin.execute(f"SELECT k, c, v FROM {ks}.kv")}
    for k in range(20):
        for base in (0, 100):
            assert rows.get((k, base + 1)) == f"prepared {k}"
            assert rows.get((k, base + 5)) == f"updated {k}"
            assert rows.get((k, base + 2)) == f"simple {k}"
            assert rows.get((k, base + 3)) == "literal"
            assert (k, base + 4) not in rows
    counts = {r["k"]: (r["n"], r["m"]) for r in origin.execute(f"SELECT k, n, m FROM {ks}.counts")}
    assert counts == {k: (k + 11, 2 * k + 1) for k in range(20)}


def test_evicted_statements_are_prepared_again(proxy_env):
    """prepared_cache_max_entries bounds the map; an EXECUTE of an evicted id gets UNPREPARED
    and the driver prepares again, so the application sees nothing."""
    env = proxy_env(prepared_cache_max_entries=3)
    session = env.connect_proxy(4)
    session.execute(KEYSPACE_DDL.format(ks="evict"))
    session.execute("CREATE TABLE evict.kv (k int, c int, v text, PRIMARY KEY (k, c))")
    statements = [session.prepare(f"INSERT INTO evict.kv (k, c, v) VALUES (?, ?, 'stmt {i}')")
                  for i in range(10)]
    env.origin.admin.delete("/log")
    for round_ in range(5):
        for i, statement in enumerate(statements):
            session.execute(statement, (i, round_))
    expected = {(i, r): f"stmt {i}" for i in range(10) for r in range(5)}
    for name, direct in (("Origin", env.connect_origin(4)), ("Target", env.connect_target(4))):
        rows = {(r["k"], r["c"]): r["v"] for r in direct.execute("SELECT k, c, v FROM evict.kv")}
        assert rows == expected, f"{name} holds {len(rows)} of {len(expected)} rows"
    # The driver did prepare again: Origin saw PREPAREs after the first ten.
    prepares = [e for e in env.origin.admin.log() if e.get("opcode", "").upper() == "PREPARE"]
    assert len(prepares) >= 10, f"only {len(prepares)} re-prepares with 3 entries for 10 statements"


def test_target_unprepared_reaches_the_client_with_its_own_id(proxy_env):
    """Target forgot a statement (a restarted node): its UNPREPARED names Target's id, which
    the driver never saw; the proxy words it with the client's id so the driver re-prepares."""
    env = proxy_env()
    session = env.connect_proxy(4)
    session.execute(KEYSPACE_DDL.format(ks="tunprep"))
    session.execute("CREATE TABLE tunprep.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare("INSERT INTO tunprep.kv (k, v) VALUES (?, ?)")
    session.execute(insert, (0, "before"))
    for opcode in ("EXECUTE", "BATCH"):
        env.target.admin.post("/faults", {"opcode": opcode, "action": "error",
                                          "error": "UNPREPARED", "count": 1})
    env.target.admin.delete("/log")
    session.execute(insert, (1, "after"))
    batch = BatchStatement()
    batch.add(insert, (2, "batched"))
    session.execute(batch)
    rules = env.target.admin.get("/faults")
    assert [r["fired"] for r in rules] == [1, 1]
    prepares = [e for e in env.target.admin.log() if e.get("opcode", "").upper() == "PREPARE"]
    assert len(prepares) >= 1, "the driver prepared the statement again"
    for name, direct in (("Origin", env.connect_origin(4)), ("Target", env.connect_target(4))):
        rows = {r["k"]: r["v"] for r in direct.execute("SELECT k, v FROM tunprep.kv")}
        assert rows == {0: "before", 1: "after", 2: "batched"}, f"{name} holds {rows}"
