"""Failures of one or both clusters as the client sees them (SPEC 4, 10), many concurrent
requests on few stream ids, and graceful shutdown (SPEC 13)."""

import concurrent.futures
import socket
import threading
import time

import pytest
from cassandra import InvalidRequest, OperationTimedOut, WriteTimeout
from cassandra.cluster import NoHostAvailable
from cassandra.connection import ConnectionException
from cassandra.policies import FallthroughRetryPolicy
from cassandra.protocol import OverloadedErrorMessage
from cassandra.query import BatchStatement, BatchType

from proxy_support import wait_until

KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")


def setup_table(session, ks="fail"):
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)")
    return ks


def connect_raw(env, **kwargs):
    """A proxy session whose driver rethrows every error as is (no retries)."""
    return env.connect_proxy(4, default_retry_policy=FallthroughRetryPolicy(), **kwargs)


def add_fault(sim, **rule):
    return sim.admin.post("/faults", rule)["id"]


def error_rule(error, message=None):
    rule = {"opcode": "QUERY", "statement": "insert into", "table": "fail.kv",
            "action": "error", "error": error}
    if message:
        rule["message"] = message
    return rule


def value_on(session, k):
    row = session.execute("SELECT v FROM fail.kv WHERE k = %s", (k,)).one()
    return row and row["v"]


def test_a_write_timeout_on_target_reaches_the_client(proxy_env):
    env = proxy_env()
    session = connect_raw(env)
    setup_table(session)
    add_fault(env.target, **error_rule("WRITE_TIMEOUT"))
    with pytest.raises(WriteTimeout):
        session.execute("INSERT INTO fail.kv (k, v) VALUES (1, 'x')")
    assert value_on(env.connect_origin(), 1) == "x", "Origin applied the write"
    # The same for a prepared statement and a batch.
    env.target.admin.delete("/faults")
    add_fault(env.target, opcode="EXECUTE", table="fail.kv", action="error",
              error="WRITE_TIMEOUT")
    add_fault(env.target, opcode="BATCH", action="error", error="WRITE_TIMEOUT")
    prepared = session.prepare("INSERT INTO fail.kv (k, v) VALUES (?, ?)")
    with pytest.raises(WriteTimeout):
        session.execute(prepared, (3, "p"))
    batch = BatchStatement(batch_type=BatchType.UNLOGGED)
    batch.add(prepared, (4, "b"))
    batch.add("INSERT INTO fail.kv (k, v) VALUES (5, 'b')")
    with pytest.raises(WriteTimeout):
        session.execute(batch)
    assert value_on(env.connect_origin(), 4) == "b"

    env.target.admin.delete("/faults")
    session.execute("INSERT INTO fail.kv (k, v) VALUES (2, 'y')")
    session.execute(prepared, (6, "z"))
    assert value_on(env.connect_target(), 2) == "y"
    assert value_on(env.connect_target(), 6) == "z"


@pytest.mark.parametrize("primary", ["ORIGIN", "TARGET"])
def test_the_failing_cluster_error_reaches_the_client(proxy_env, primary):
    env = proxy_env(primary=primary)
    session = connect_raw(env)
    setup_table(session)

    # Origin alone fails: Origin's error, whichever cluster is primary.
    rule = add_fault(env.origin, **error_rule("INVALID", "refused by origin"))
    with pytest.raises(InvalidRequest, match="refused by origin"):
        session.execute("INSERT INTO fail.kv (k, v) VALUES (1, 'x')")
    env.origin.admin.delete(f"/faults/{rule}")

    # Target alone fails: Target's error.
    rule = add_fault(env.target, **error_rule("INVALID", "refused by target"))
    with pytest.raises(InvalidRequest, match="refused by target"):
        session.execute("INSERT INTO fail.kv (k, v) VALUES (2, 'x')")
    env.target.admin.delete(f"/faults/{rule}")

    # Both fail: the primary's error.
    add_fault(env.origin, **error_rule("INVALID", "refused by origin"))
    add_fault(env.target, **error_rule("INVALID", "refused by target"))
    with pytest.raises(InvalidRequest, match=f"refused by {primary.lower()}"):
        session.execute("INSERT INTO fail.kv (k, v) VALUES (3, 'x')")


def test_a_target_that_never_replies_times_out_and_the_proxy_keeps_serving(proxy_env):
    env = proxy_env(proxy_request_timeout_ms=1000)
    session = connect_raw(env)
    setup_table(session)
    add_fault(env.target, opcode="QUERY", statement="insert into", table="fail.kv",
              action="no_reply")
    for k in range(3):
        start = time.monotonic()
        with pytest.raises(Exception) as e:
            session.execute(f"INSERT INTO fail.kv (k, v) VALUES ({k}, 'x')", timeout=10)
        elapsed = time.monotonic() - start
        assert not isinstance(e.value, OperationTimedOut), \
            f"the driver's own timeout fired: the proxy never answered ({e.value!r})"
        assert elapsed < 1.1, f"the error took {elapsed:.3f}s (timeout 1 s): {e.value!r}"
        if k == 0:
            print(f"no_reply answered after {elapsed:.3f}s with {e.value!r}")

    env.target.admin.delete("/faults")
    session.execute("INSERT INTO fail.kv (k, v) VALUES (10, 'after')")
    assert value_on(session, 10) == "after"
    assert value_on(env.connect_target(), 10) == "after"
    other = env.connect_proxy(4)
    assert value_on(other, 10) == "after"


def test_a_primary_that_never_answers_a_read_times_out(proxy_env):
    env = proxy_env(proxy_request_timeout_ms=1000)
    session = connect_raw(env)
    setup_table(session)
    session.execute("INSERT INTO fail.kv (k, v) VALUES (1, 'x')")
    add_fault(env.origin, opcode="QUERY", statement="select", table="fail.kv", action="no_reply")
    start = time.monotonic()
    with pytest.raises(Exception) as e:
        session.execute("SELECT v FROM fail.kv WHERE k = 1", timeout=10)
    elapsed = time.monotonic() - start
    assert not isinstance(e.value, OperationTimedOut), "the proxy never answered"
    assert elapsed < 1.1, f"the error took {elapsed:.3f}s (timeout 1 s): {e.value!r}"
    assert "origin" in str(e.value).lower(), f"the error should name Origin: {e.value}"
    env.origin.admin.delete("/faults")
    assert value_on(session, 1) == "x"


def test_late_responses_are_dropped_and_never_answer_another_request(proxy_env):
    """Target answers three INSERTs after the proxy's timeout. Their late responses must be
    dropped, not delivered to later requests reusing their stream ids (few per connection;
    the driver's start-up schema queries need about a dozen)."""
    env = proxy_env(proxy_request_timeout_ms=1000, proxy_max_stream_ids=32)
    session = connect_raw(env)
    setup_table(session)
    select = session.prepare("SELECT k, v FROM fail.kv WHERE k = ?")
    update = session.prepare("UPDATE fail.kv SET v = ? WHERE k = ?")
    for k in range(100):
        session.execute(update, (f"value {k}", k))
    add_fault(env.target, opcode="QUERY", statement="insert into", table="fail.kv",
              action="delay", delay_ms=1500, count=3)
    late = [session.execute_async(f"INSERT INTO fail.kv (k, v) VALUES ({1000 + k}, 'late')")
            for k in range(3)]
    for future in late:
        with pytest.raises(WriteTimeout):
            future.result()
    # Until well after the late responses arrived, every answer must be to its own request.
    problems, k = [], 0
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        k = (k + 1) % 100
        try:
            row = session.execute(select, (k,)).one()
            if row != {"k": k, "v": f"value {k}"}:
                problems.append(f"SELECT of {k} returned {row}")
            result = session.execute(update, (f"value {k}", k))
            if result.one() is not None:
                problems.append(f"UPDATE of {k} returned rows {result.all()}")
        except Exception as e:
            problems.append(f"key {k}: {e!r}")
        if len(problems) > 10:
            break
    assert not problems, "\n  ".join(["wrong answers after a timeout:"] + problems)
    wait_until(lambda: value_on(env.connect_target(), 1002) == "late", 10,
               "Target to apply the late INSERTs")


def test_a_target_node_closing_the_connection_closes_the_client_connection(proxy_env):
    env = proxy_env()
    session = connect_raw(env)
    setup_table(session)
    bystander = connect_raw(env)  # another client, whose connections must not be disturbed
    bystander_connection = next(iter(bystander._pools.values()))._connection
    pool = next(iter(session._pools.values()))  # the driver's one pool (private state)
    before = pool._connection
    add_fault(env.target, opcode="QUERY", statement="insert into", table="fail.kv",
              action="close", count=1)
    # The request in flight on the broken connection fails (with an error, not silence).
    with pytest.raises(Exception) as e:
        session.execute("INSERT INTO fail.kv (k, v) VALUES (1, 'x')", timeout=10)
    assert not isinstance(e.value, OperationTimedOut), "the proxy never answered"
    print(f"close answered with {e.value!r}")
    wait_until(lambda: before.is_closed or before.is_defunct, 10,
               "the client connection to be closed")

    def works():
        try:
            session.execute("INSERT INTO fail.kv (k, v) VALUES (2, 'again')")
            return True
        except (NoHostAvailable, ConnectionException, OperationTimedOut):
            return False
    wait_until(works, 30, "the driver to reconnect through the proxy", interval=0.2)
    assert pool._connection is not before or next(iter(session._pools.values())) is not pool
    assert value_on(session, 2) == "again"
    assert value_on(env.connect_target(), 2) == "again"
    bystander.execute("INSERT INTO fail.kv (k, v) VALUES (3, 'bystander')")
    assert next(iter(bystander._pools.values()))._connection is bystander_connection
    assert not bystander_connection.is_closed and not bystander_connection.is_defunct


CONNECTIONS = 50
REQUESTS = 2000


@pytest.mark.parametrize("protocol_version", [4, 5])
def test_concurrent_requests_on_few_stream_ids_all_match(proxy_env, protocol_version):
    env = proxy_env(proxy_max_stream_ids=64)
    loader = env.connect_proxy(protocol_version)
    setup_table(loader, "conc")
    insert = loader.prepare("INSERT INTO conc.kv (k, v) VALUES (?, ?)")
    from cassandra.concurrent import execute_concurrent_with_args
    execute_concurrent_with_args(loader, insert, [(k, f"value {k}") for k in range(REQUESTS)],
                                 concurrency=50)

    light = dict(schema_metadata_enabled=False, token_metadata_enabled=False,
                 default_retry_policy=FallthroughRetryPolicy())
    sessions = [env.connect_proxy(protocol_version, **light) for _ in range(CONNECTIONS)]
    connections = {id(next(iter(s._pools.values()))._connection) for s in sessions}
    assert len(connections) == CONNECTIONS
    selects = [s.prepare("SELECT k, v FROM conc.kv WHERE k = ?") for s in sessions]
    updates = [s.prepare("UPDATE conc.kv SET v = ? WHERE k = ?") for s in sessions]

    # Uneven spread: ten connections carry more requests than there are stream ids.
    def connection_of(i):
        return i % 10 if i < REQUESTS // 2 else 10 + i % (CONNECTIONS - 10)

    futures = []
    for i in range(REQUESTS):
        c = connection_of(i)
        if i % 4 == 3:
            futures.append((i, "write", sessions[c].execute_async(updates[c],
                                                                  (f"new {i}", i))))
        else:
            futures.append((i, "read", sessions[c].execute_async(selects[c], (i,))))

    overloaded, ok, wrong = 0, 0, []
    written = set()
    for i, kind, future in futures:
        try:
            rows = future.result()
        except OverloadedErrorMessage:
            overloaded += 1
            continue
        except Exception as e:  # anything else is a failure of the test
            wrong.append(f"request {i} ({kind}): {e!r}")
            continue
        ok += 1
        if kind == "read":
            got = rows.all()
            if got != [{"k": i, "v": f"value {i}"}]:
                wrong.append(f"request {i}: SELECT of key {i} returned {got}")
        else:
            written.add(i)
    print(f"{ok} ok, {overloaded} OVERLOADED of {REQUESTS}")
    assert not wrong, f"{len(wrong)} wrong responses:\n  " + "\n  ".join(wrong[:20])
    assert ok + overloaded == REQUESTS
    assert ok > REQUESTS // 2

    for name, direct in (("Origin", env.connect_origin()), ("Target", env.connect_target())):
        values = {r["k"]: r["v"] for r in direct.execute("SELECT k, v FROM conc.kv")}
        bad = [k for k in written if values.get(k) != f"new {k}"]
        assert not bad, f"{name} lacks acknowledged writes {bad[:10]}"


def test_sigterm_lets_in_flight_requests_finish_and_refuses_new_ones(proxy_env):
    env = proxy_env(shutdown_grace_ms=10000)
    session = connect_raw(env)
    setup_table(session)
    select = session.prepare("SELECT v FROM fail.kv WHERE k = ?")
    session.execute("INSERT INTO fail.kv (k, v) VALUES (-1, 'before')")
    # Target answers INSERTs 1.5 s late, so they are in flight when SIGTERM comes.
    add_fault(env.target, opcode="QUERY", statement="insert into", table="fail.kv",
              action="delay", delay_ms=1500)
    in_flight = [session.execute_async(f"INSERT INTO fail.kv (k, v) VALUES ({k}, 'in flight')")
                 for k in range(100)]
    wait_until(lambda: len([e for e in env.target.admin.log("opcode=QUERY")
                            if "in flight" in e.get("statement", "")]) == 100,
               10, "Target to receive the 100 INSERTs")
    env.proxy.terminate()

    # New requests are refused with OVERLOADED, or the connection is gone.
    refusal = None
    deadline = time.monotonic() + 5
    while refusal is None and time.monotonic() < deadline:
        try:
            session.execute(select, (-1,), timeout=5)
        except Exception as e:
            refusal = e
    assert refusal is not None, "requests after SIGTERM kept succeeding"
    assert isinstance(refusal, (OverloadedErrorMessage, NoHostAvailable, ConnectionException)), \
        repr(refusal)
    if isinstance(refusal, OverloadedErrorMessage):
        assert "shutting down" in str(refusal), str(refusal)
    print(f"after SIGTERM: {refusal!r}")

    failures = []
    for k, future in enumerate(in_flight):
        try:
            future.result()
        except Exception as e:
            failures.append(f"INSERT {k}: {e!r}")
    assert not failures, (f"{len(failures)} in-flight requests failed:\n  "
                          + "\n  ".join(failures[:10]) + env.proxy.diagnostics())
    status = env.proxy.wait(timeout=20)
    assert status == 0, f"exit status {status}" + env.proxy.diagnostics()

    # Nothing listens any more.
    with pytest.raises(OSError):
        socket.create_connection((env.proxy.host, env.proxy.port), timeout=2).close()
    for name, direct in (("Origin", env.connect_origin()), ("Target", env.connect_target())):
        count = direct.execute("SELECT count(*) FROM fail.kv").one()["count"]
        assert count == 101, f"{name} holds {count} rows"
