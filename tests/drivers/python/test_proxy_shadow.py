"""Shadow reads (SPEC 11): with read_mode DUAL_ASYNC_ON_SECONDARY every read of user data also
goes to the secondary on the client connection's own shadow connection; cqlshift compares the
answers page by page and counts the outcome per table (shadow_reads_total, /status), logging
a sample of mismatches. The client's answers and errors never depend on the secondary."""

import threading
import time

import pytest
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import SimpleStatement
from proxy_support import wait_until

KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")
OUTCOMES = ("match", "mismatch", "error", "timeout", "dropped", "skipped")
SHADOW = {"read_mode": "DUAL_ASYNC_ON_SECONDARY"}


def shadow_counts(proxy, table):
    """{outcome: count} of shadow_reads_total for one table (zeros when not listed yet)."""
    samples = proxy.metrics()
    out = dict.fromkeys(OUTCOMES, 0)
    for (name, labels), value in samples.items():
        labels = dict(labels)
        if name == "cqlshift_shadow_reads_total" and labels.get("table") == table:
            out[labels["outcome"]] = int(value)
    return out


def series_total(proxy, name, **want):
    total = 0.0
    for (series, labels), value in proxy.metrics().items():
        if series == name and all(dict(labels).get(k) == v for k, v in want.items()):
            total += value
    return total


def wait_counted(proxy, table, total, timeout=30):
    """Waits until `total` shadow reads of `table` have an outcome; returns the counts."""
    return wait_until(
        lambda: (c := shadow_counts(proxy, table)) and sum(c.values()) >= total and c, timeout,
        f"{total} shadow reads of {table} to be counted (now {shadow_counts(proxy, table)})")


def make_table(session, ks, table="kv", rows=100, new_keyspace=True):
    if new_keyspace:
        session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.{table} (k int PRIMARY KEY, v text)")
    insert = session.prepare(f"INSERT INTO {ks}.{table} (k, v) VALUES (?, ?)")
    execute_concurrent_with_args(session, insert, [(k, f"v{k}") for k in range(rows)],
                                 concurrency=50, raise_on_first_error=True)


def test_identical_data_gives_only_matches(proxy_env):
    env = proxy_env(**SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "same")
    env.target.admin.delete("/log")
    select = session.prepare("SELECT k, v FROM same.kv WHERE k = ?")
    results = execute_concurrent_with_args(session, select, [(k % 100,) for k in range(10_000)],
                                           concurrency=64, raise_on_first_error=True)
    for i, (ok, rows) in enumerate(results):
        assert ok and rows.one() == {"k": i % 100, "v": f"v{i % 100}"}
    counts = wait_counted(env.proxy, "same.kv", 10_000)
    assert counts == {**dict.fromkeys(OUTCOMES, 0), "match": 10_000}, counts
    # The reads did reach Target, on the shadow connection, and were timed there.
    target_reads = [e for e in env.target.admin.log("opcode=EXECUTE") if e["table"] == "kv"]
    assert len(target_reads) == 10_000
    assert series_total(env.proxy, "cqlshift_async_request_duration_seconds_count",
                        type="reads") == 10_000
    assert series_total(env.proxy, "cqlshift_async_connections_total") >= 1
    status = env.proxy.get_json("/status")[1]["shadow_reads"]
    assert status["enabled"] and status["secondary"] == "TARGET"
    assert status["tables"]["same.kv"]["compared"] == 10_000
    assert status["tables"]["same.kv"]["mismatch_rate"] == 0
    assert status["agreement"] == 1.0


def test_rows_missing_or_different_on_target_are_counted_per_table_and_logged(proxy_env):
    env = proxy_env(**SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "diff", "a")
    make_table(session, "diff", "b", new_keyspace=False)
    # Written straight to Origin: rows Target lacks, and a value Target does not have.
    origin = env.connect_origin(4)
    for k in range(100, 105):
        origin.execute("INSERT INTO diff.a (k, v) VALUES (%s, 'origin only')", (k,))
    origin.execute("UPDATE diff.a SET v = 'changed on origin' WHERE k = 5")

    select_a = session.prepare("SELECT k, v FROM diff.a WHERE k = ?")
    select_b = session.prepare("SELECT k, v FROM diff.b WHERE k = ?")
    for k in range(105):
        row = session.execute(select_a, (k,)).one()
        assert row is not None and row["k"] == k  # the client sees Origin's rows
    for k in range(100):
        session.execute(select_b, (k,))
    a = wait_counted(env.proxy, "diff.a", 105)
    b = wait_counted(env.proxy, "diff.b", 100)
    assert a["mismatch"] == 6 and a["match"] == 99, a
    assert b["mismatch"] == 0 and b["match"] == 100, b

    log = env.proxy.log_text()
    mismatch_lines = [line for line in log.splitlines() if "shadow read mismatch" in line]
    assert len(mismatch_lines) == 6, "\n".join(mismatch_lines)
    assert all("diff.a" in line for line in mismatch_lines)
    assert any("partition key k=5)" in line and "1 row differs in column v" in line
               for line in mismatch_lines), mismatch_lines
    for k in range(100, 105):
        assert any(f"partition key k={k})" in line and "1 row missing on TARGET" in line
                   for line in mismatch_lines), (k, mismatch_lines)
    # Values are not logged at INFO level.
    assert "changed on origin" not in log and "origin only" not in log

    # A simple statement is compared too; its log line says why it names no key.
    session.execute("SELECT k, v FROM diff.a WHERE k = 5")
    wait_counted(env.proxy, "diff.a", 106)
    assert shadow_counts(env.proxy, "diff.a")["mismatch"] == 7
    assert "partition key not known for a simple statement" in env.proxy.log_text()
    status = env.proxy.get_json("/status")[1]["shadow_reads"]["tables"]
    assert status["diff.a"]["mismatches"] == 7
    assert status["diff.a"]["mismatch_rate"] == pytest.approx(7 / 106)
    assert status["diff.b"]["mismatch_rate"] == 0


def test_values_are_logged_at_debug_level(proxy_env):
    env = proxy_env(log_level="debug", **SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "dbg", rows=3)
    env.connect_origin(4).execute("UPDATE dbg.kv SET v = 'secret-ish' WHERE k = 1")
    session.execute(session.prepare("SELECT k, v FROM dbg.kv WHERE k = ?"), (1,))
    wait_counted(env.proxy, "dbg.kv", 1)
    debug = [line for line in env.proxy.log_text().splitlines()
             if "shadow read mismatch on dbg.kv" in line and "'secret-ish'" in line]
    assert debug and "k=1, v='v1'" in debug[0], debug


def test_a_multi_partition_scan_compares(proxy_env):
    env = proxy_env(**SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "scan", rows=50)
    assert len(list(session.execute("SELECT * FROM scan.kv"))) == 50
    assert wait_counted(env.proxy, "scan.kv", 1)["match"] == 1


@pytest.mark.parametrize("fault,outcome", [
    ({"action": "delay", "delay_ms": 2000}, "timeout"),
    ({"action": "error", "error": "READ_TIMEOUT"}, "error"),
    ({"action": "no_reply"}, "timeout"),
])
def test_a_slow_failing_or_silent_target_changes_nothing_for_the_client(proxy_env, fault,
                                                                         outcome):
    env = proxy_env(proxy_request_timeout_ms=1000, **SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "slow", rows=20)
    env.target.admin.post("/faults", {"opcode": "EXECUTE", "table": "slow.kv", **fault})
    select = session.prepare("SELECT v FROM slow.kv WHERE k = ?")
    slowest = 0.0
    for k in range(20):
        started = time.monotonic()
        assert session.execute(select, (k,)).one() == {"v": f"v{k}"}
        slowest = max(slowest, time.monotonic() - started)
    # Target takes 2 s or never answers: the client never waits for it (its reads take
    # milliseconds; the bound is loose for shared machines, far below the 1 s timeout).
    assert slowest < 0.5, f"a read took {slowest:.3f} s"
    counts = wait_counted(env.proxy, "slow.kv", 20)
    assert counts[outcome] == 20 and counts["match"] == 0, counts
    error_label = "client_timeout" if outcome == "timeout" else "read_timeout"
    assert series_total(env.proxy, "cqlshift_async_requests_failed_total",
                        error=error_label) == 20
    assert series_total(env.proxy, "cqlshift_proxy_failed_reads_total") == 0


def test_a_full_shadow_queue_drops_shadow_reads_not_client_reads(proxy_env):
    env = proxy_env(shadow_queue_size=8, **SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "queue", rows=10)
    env.target.admin.post("/faults", {"opcode": "EXECUTE", "table": "queue.kv",
                                      "action": "no_reply"})
    select = session.prepare("SELECT v FROM queue.kv WHERE k = ?")
    results = execute_concurrent_with_args(session, select, [(k % 10,) for k in range(200)],
                                           concurrency=20, raise_on_first_error=True)
    assert all(ok for ok, _ in results)
    counts = shadow_counts(env.proxy, "queue.kv")
    assert counts["dropped"] >= 200 - 8, counts  # at most 8 waiting at a time
    assert series_total(env.proxy, "cqlshift_async_inflight_requests_total") <= 8


def test_a_failed_shadow_handshake_stops_shadow_reads_for_that_connection_only(proxy_env):
    env = proxy_env(async_handshake_timeout_ms=300, **SHADOW)
    first = env.connect_proxy(4)
    make_table(first, "hs", rows=10)
    rule = env.target.admin.post("/faults", {"opcode": "STARTUP", "action": "delay",
                                             "delay_ms": 3000})["id"]
    select = first.prepare("SELECT v FROM hs.kv WHERE k = ?")
    for k in range(10):
        assert first.execute(select, (k,)).one() == {"v": f"v{k}"}
    wait_until(lambda: "shadow reads to TARGET stop for this client connection" in
               env.proxy.log_text(), 10, "the shadow handshake to fail")
    for k in range(10):
        first.execute(select, (k,))
    counts = wait_counted(env.proxy, "hs.kv", 20)
    assert counts["match"] == 0 and counts["dropped"] == 20, counts
    assert series_total(env.proxy, "cqlshift_async_failed_connections_total") >= 1
    # Another client connection, made once Target answers handshakes again, compares.
    env.target.admin.delete(f"/faults/{rule}")
    second = env.connect_proxy(4)
    select2 = second.prepare("SELECT v FROM hs.kv WHERE k = ?")
    for k in range(10):
        second.execute(select2, (k,))
    assert wait_counted(env.proxy, "hs.kv", 30)["match"] == 10


def test_a_shadow_read_target_does_not_know_is_prepared_again(proxy_env):
    env = proxy_env(**SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "prep", rows=5)
    env.target.admin.post("/faults", {"opcode": "EXECUTE", "table": "prep.kv", "action": "error",
                                      "error": "UNPREPARED", "count": 1})
    select = session.prepare("SELECT v FROM prep.kv WHERE k = ?")
    for k in range(5):
        session.execute(select, (k,))
    counts = wait_counted(env.proxy, "prep.kv", 5)
    assert counts["match"] == 5, counts
    prepares = [e for e in env.target.admin.log("opcode=PREPARE")
                if e["statement"].startswith("SELECT v FROM prep.kv")]
    assert len(prepares) == 2, "the client's PREPARE, then the shadow connection's"


def test_paged_reads_compare_page_by_page(proxy_env):
    env = proxy_env(**SHADOW)
    session = env.connect_proxy(4)
    session.execute(KEYSPACE_DDL.format(ks="pages"))
    session.execute("CREATE TABLE pages.wide (p int, c int, v text, PRIMARY KEY (p, c))")
    insert = session.prepare("INSERT INTO pages.wide (p, c, v) VALUES (1, ?, ?)")
    execute_concurrent_with_args(session, insert, [(c, f"v{c}") for c in range(5000)],
                                 concurrency=100, raise_on_first_error=True)
    select = session.prepare("SELECT c, v FROM pages.wide WHERE p = ?")
    select.fetch_size = 100

    def read_all(statement, params=None):
        """Reads every page; returns (rows, pages the primary served)."""
        env.origin.admin.delete("/log")
        rows = list(session.execute(statement, params))
        pages = [e for e in env.origin.admin.log() if e["table"] == "wide"
                 and e["opcode"] in ("QUERY", "EXECUTE")]
        return rows, len(pages)

    rows, pages = read_all(select, (1,))
    assert [r["c"] for r in rows] == list(range(5000))
    assert pages >= 50
    counts = wait_counted(env.proxy, "pages.wide", pages)
    assert counts == {**dict.fromkeys(OUTCOMES, 0), "match": pages}, counts

    # One value changed on Origin only: exactly the page holding it differs.
    env.connect_origin(4).execute("UPDATE pages.wide SET v = 'x' WHERE p = 1 AND c = 2550")
    rows, more = read_all(select, (1,))
    assert len(rows) == 5000
    counts = wait_counted(env.proxy, "pages.wide", pages + more)
    assert counts["match"] == pages + more - 1 and counts["mismatch"] == 1, counts
    assert "1 row differs in column v" in env.proxy.log_text()

    # Simple statements page the same way.
    rows, simple = read_all(SimpleStatement("SELECT c FROM pages.wide WHERE p = 1",
                                            fetch_size=1000))
    assert len(rows) == 5000 and simple >= 5
    total = pages + more + simple
    counts = wait_counted(env.proxy, "pages.wide", total)
    assert counts["match"] == total - 1 and counts["dropped"] == 0, counts

    # Target slower than Origin: the driver asks for each next page before Target answered
    # the previous one; that page's shadow read waits for Target's paging state.
    env.target.admin.post("/faults", {"opcode": "QUERY", "table": "pages.wide",
                                      "action": "delay", "delay_ms": 30})
    rows, slow = read_all(SimpleStatement("SELECT c FROM pages.wide WHERE p = 1",
                                          fetch_size=500))
    assert len(rows) == 5000 and slow >= 10
    counts = wait_counted(env.proxy, "pages.wide", total + slow)
    assert counts["match"] == total + slow - 1 and counts["dropped"] == 0, counts


def test_reload_switches_shadow_reads_and_comparison_under_load(proxy_env):
    env = proxy_env()
    session = env.connect_proxy(4)
    make_table(session, "live", rows=50)
    select = session.prepare("SELECT v FROM live.kv WHERE k = ?")
    insert = session.prepare("INSERT INTO live.kv (k, v) VALUES (?, ?)")
    errors = []
    done = [0]
    stop = threading.Event()

    def workload():
        k = 0
        while not stop.is_set():
            try:
                session.execute(insert, (k % 50, f"v{k % 50}"))
                if session.execute(select, (k % 50,)).one() != {"v": f"v{k % 50}"}:
                    errors.append(f"read {k}")
            except Exception as e:  # noqa: BLE001 - any error is what the test looks for
                errors.append(f"{k}: {type(e).__name__}: {e}")
            k += 1
            done[0] = k

    def reads_after(count):
        start = done[0]
        wait_until(lambda: done[0] >= start + count, 30, f"{count} more workload rounds")

    thread = threading.Thread(target=workload)
    thread.start()
    try:
        reads_after(50)
        assert sum(shadow_counts(env.proxy, "live.kv").values()) == 0
        env.proxy.reload(read_mode="DUAL_ASYNC_ON_SECONDARY")
        wait_until(lambda: shadow_counts(env.proxy, "live.kv")["match"] >= 50, 30,
                   "shadow reads to start")
        env.proxy.reload(shadow_compare="off")
        wait_until(lambda: shadow_counts(env.proxy, "live.kv")["skipped"] >= 50, 30,
                   "shadow reads to go on uncompared")
        env.proxy.reload(read_mode="PRIMARY_ONLY")
        wait_until(lambda: env.proxy.get_json("/status")[1]["read_mode"] == "PRIMARY_ONLY", 10,
                   "the reload")
        reads_after(5)  # reads sent before the reload are in
        before = sum(shadow_counts(env.proxy, "live.kv").values())
        reads_after(100)
        assert sum(shadow_counts(env.proxy, "live.kv").values()) == before
        # The idle shadow connection closes once shadow reads are off.
        wait_until(lambda: series_total(env.proxy, "cqlshift_async_connections_total") == 0, 10,
                   "the shadow connection to close")
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert series_total(env.proxy, "cqlshift_proxy_failed_reads_total") == 0


def test_after_the_flip_origin_is_the_shadow(proxy_env):
    env = proxy_env(primary="TARGET", **SHADOW)
    session = env.connect_proxy(4)
    make_table(session, "flipped", rows=10)
    env.origin.admin.delete("/log")
    select = session.prepare("SELECT v FROM flipped.kv WHERE k = ?")
    for k in range(10):
        session.execute(select, (k,))
    assert wait_counted(env.proxy, "flipped.kv", 10)["match"] == 10
    assert len([e for e in env.origin.admin.log("opcode=EXECUTE") if e["table"] == "kv"]) == 10
    assert env.proxy.get_json("/status")[1]["shadow_reads"]["secondary"] == "ORIGIN"


@pytest.mark.parametrize("protocol_version,compression", [(3, None), (4, "lz4"), (5, None),
                                                          (5, "lz4")],
                         ids=["v3", "v4-lz4", "v5-segments", "v5-lz4-segments"])
def test_shadow_connections_speak_the_client_protocol(proxy_env, protocol_version, compression):
    env = proxy_env(**SHADOW)
    session = env.connect_proxy(protocol_version, compression=compression or False)
    ks = f"proto_v{protocol_version}_{compression or 'plain'}"
    make_table(session, ks, rows=20)
    session.set_keyspace(ks)  # the shadow connection follows the client's USE
    select = session.prepare("SELECT k, v FROM kv WHERE k = ?")
    for k in range(20):
        session.execute(select, (k,))
        session.execute(f"SELECT v FROM kv WHERE k = {k}")
    counts = wait_counted(env.proxy, f"{ks}.kv", 40)
    assert counts["match"] == 40, counts


def test_shadow_connections_log_in_like_the_client(proxy_env):
    # Both clusters ask for credentials: the client's go to Target (the auth-primary by default),
    # the configured ones to Origin, on the shadow connection as on the request connections.
    env = proxy_env(origin_auth=("ouser", "opass"), target_auth=("tuser", "tpass"),
                    primary="TARGET", **SHADOW)
    session = env.connect_proxy(4, credentials=("tuser", "tpass"))
    make_table(session, "auth", rows=10)
    select = session.prepare("SELECT v FROM auth.kv WHERE k = ?")
    for k in range(10):
        session.execute(select, (k,))
    assert wait_counted(env.proxy, "auth.kv", 10)["match"] == 10
    env.proxy.reload(primary_cluster="ORIGIN")
    wait_until(lambda: env.proxy.get_json("/status")[1]["primary_cluster"] == "ORIGIN", 10,
               "the flip")
    for k in range(10):
        session.execute(select, (k,))
    # Now the shadow connection goes to Target with the client's own credentials.
    assert wait_counted(env.proxy, "auth.kv", 20)["match"] == 20
    log = env.proxy.log_text()
    assert "tpass" not in log and "opass" not in log
