"""Live reload, metrics and health endpoints (SPEC 12, 15, 16): reads flip to Target with a
config change and SIGHUP while a driver keeps working; an invalid file changes nothing; the
Prometheus series count what the driver sent (and `metrics_prefix: zdm` gives the reference's
names); readiness follows the clusters; /status shows the active config without secrets."""

import json
import os
import signal
import socket
import threading
import time

import pytest
from conftest import CqlSim
from proxy_support import ORIGIN_ADDRESS, TARGET_ADDRESS, Proxy, wait_until
from test_proxy_writes import user_table_reads

KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")
FLIP_SECONDS = float(os.environ.get("DRIVER_TEST_FLIP_SECONDS", "20"))


def value(samples, name, **labels):
    key = (name, frozenset(labels.items()))
    assert key in samples, f"no sample {name}{labels}; series: {sorted({n for n, _ in samples})}"
    return samples[key]


def connection_of(session):
    """The driver's connection to the proxy (its single host)."""
    pool = next(iter(session._pools.values()))
    return pool._connection


def test_reads_flip_to_target_under_load_without_errors(proxy_env):
    env = proxy_env()
    session = env.connect_proxy(4)
    ks = "flip"
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
    select = session.prepare(f"SELECT v FROM {ks}.kv WHERE k = ?")
    connection = connection_of(session)

    done = [0]
    errors = []
    stop = threading.Event()

    def workload():
        k = 0
        while not stop.is_set():
            try:
                session.execute(insert, (k, f"v{k}"))
                got = session.execute(select, (k,)).one()
                if got != {"v": f"v{k}"}:
                    errors.append(f"read {k}: {got}")
                simple = session.execute(f"SELECT v FROM {ks}.kv WHERE k = {k // 2}").one()
                if simple != {"v": f"v{k // 2}"}:
                    errors.append(f"simple read {k // 2}: {simple}")
            except Exception as e:  # noqa: BLE001 - any error is what the test looks for
                errors.append(f"{k}: {type(e).__name__}: {e}")
            k += 1
            done[0] = k

    thread = threading.Thread(target=workload)
    started = time.monotonic()
    thread.start()
    try:
        time.sleep(FLIP_SECONDS / 2)  # the load the flip happens under, not a wait for an event
        env.proxy.reload(primary_cluster="TARGET")
        wait_until(lambda: env.proxy.get_json("/status")[1]["primary_cluster"] == "TARGET", 10,
                   "/status to show primary_cluster TARGET")
        # Requests sent before the flip are answered once a few more have completed (the
        # workload is sequential); from then on reads must reach Target only.
        flipped_at = done[0]
        wait_until(lambda: done[0] >= flipped_at + 5, 10, "the workload to go on")
        env.origin.admin.delete("/log")
        env.target.admin.delete("/log")
        after = done[0]
        remaining = FLIP_SECONDS - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        wait_until(lambda: done[0] >= after + 20, 10, "20 iterations after the flip")
    finally:
        stop.set()
        thread.join(30)
    assert not errors, f"the application saw {len(errors)} errors: {errors[:5]}"
    assert connection_of(session) is connection and not connection.is_defunct, \
        "the driver reconnected"
    assert user_table_reads(env.origin.admin, ks, "kv") == [], "Origin still received reads"
    assert len(user_table_reads(env.target.admin, ks, "kv")) >= 40
    assert "reload (SIGHUP): applied primary_cluster ORIGIN -> TARGET" in env.proxy.log_text()

    # An invalid file is rejected: routing stays on Target, the error names the key.
    env.proxy.write_config(env.proxy.config_path.read_text().replace(
        "primary_cluster: \"TARGET\"", "primary_cluster: \"SIDEWAYS\""))
    env.proxy.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: value(env.proxy.metrics(), "cqlshift_config_reloads_total",
                             result="failed") == 1, 10, "the failed reload to be counted")
    assert "key 'primary_cluster': got 'SIDEWAYS'" in env.proxy.log_text()
    assert env.proxy.get_json("/status")[1]["primary_cluster"] == "TARGET"
    env.origin.admin.delete("/log")
    assert session.execute(select, (1,)).one() == {"v": "v1"}
    assert user_table_reads(env.origin.admin, ks, "kv") == []


@pytest.mark.parametrize("prefix", ["cqlshift", "zdm"])
def test_metrics_count_what_the_driver_sent(proxy_env, prefix):
    env = proxy_env(metrics_prefix=prefix, proxy_request_timeout_ms=1000)
    # No schema or token reads by the driver's control connection: every request counted is
    # one of the test's.
    session = env.connect_proxy(4, schema_metadata_enabled=False, token_metadata_enabled=False)
    ks = f"metrics_{prefix}"
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
    select = session.prepare(f"SELECT v FROM {ks}.kv WHERE k = ?")
    before = env.proxy.metrics()
    for k in range(30):
        session.execute(insert, (k, "x"))
    for k in range(12):
        session.execute(select, (k,))
    # One write that Target fails (a cqlsim fault), so failures are labelled by side.
    env.target.admin.post("/faults", {"opcode": "EXECUTE", "action": "error",
                                      "error": "WRITE_TIMEOUT", "count": 1})
    with pytest.raises(Exception):
        session.execute(insert, (99, "y"))
    # And one Target does not answer at all: the proxy's deadline answers the client.
    env.target.admin.post("/faults", {"opcode": "EXECUTE", "action": "no_reply", "count": 1})
    with pytest.raises(Exception, match="no response from TARGET"):
        session.execute(insert, (98, "z"), timeout=10)
    after = env.proxy.metrics()

    def delta(name, **labels):
        return value(after, f"{prefix}_{name}", **labels) - before.get(
            (f"{prefix}_{name}", frozenset(labels.items())), 0)

    assert delta("proxy_request_duration_seconds_count", type="writes") == 32
    assert delta("proxy_request_duration_seconds_count", type="reads_origin") == 12
    assert delta("proxy_request_duration_seconds_count", type="reads_target") == 0
    assert delta("proxy_failed_writes_total", failed_on="target") == 2
    assert delta("proxy_failed_writes_total", failed_on="origin") == 0
    assert delta("failed_writes_by_table_total", table=f"{ks}.kv", failed_on="target") == 2
    assert delta("failed_writes_by_table_total", table=f"{ks}.kv", failed_on="origin") == 0
    assert delta("proxy_failed_reads_total", cluster="origin") == 0
    def per_node(series, **labels):
        """series summed over the nodes it has samples for (sessions spread over nodes)."""
        return sum(v for (name, ls), v in after.items() if name == f"{prefix}_{series}"
                   and all(dict(ls).get(k) == w for k, w in labels.items()))

    assert per_node("target_requests_failed_total", error="write_timeout") == 1
    assert per_node("target_requests_failed_total", error="client_timeout") == 1
    assert per_node("origin_requests_failed_total") == 0
    assert per_node("origin_request_duration_seconds_count", type="reads") >= 12
    assert per_node("target_request_duration_seconds_count", type="reads") == 0
    assert per_node("origin_connections_total") >= 1 and per_node("target_connections_total") >= 1
    nodes = {dict(ls)["node"] for (name, ls) in after if name == f"{prefix}_origin_connections_total"}
    assert nodes <= {f"{address}:{port}" for address, port in env.origin.nodes}, nodes
    # Buckets are cumulative and end at +Inf = count.
    buckets = sorted((float(dict(labels)["le"]), v) for (name, labels), v in after.items()
                     if name == f"{prefix}_proxy_request_duration_seconds_bucket"
                     and dict(labels).get("type") == "writes")
    assert [b for b, _ in buckets][:3] == [0.001, 0.004, 0.007], "the reference's buckets"
    counts = [v for _, v in buckets]
    assert counts == sorted(counts) and counts[-1] == value(
        after, f"{prefix}_proxy_request_duration_seconds_count", type="writes")
    assert value(after, f"{prefix}_client_connections_total") >= 1
    assert value(after, f"{prefix}_pscache_entries_total") >= 2
    assert value(after, f"{prefix}_primary_cluster", cluster="ORIGIN") == 1
    assert value(after, f"{prefix}_proxy_inflight_requests_total", type="writes") == 0
    names = {name for name, _ in after}
    assert all(n.startswith(prefix + "_") for n in names), names
    for series in ("proxy_failed_connections_total", "origin_used_stream_ids_total",
                   "target_failed_connections_total", "pscache_miss_total",
                   "config_reloads_total"):
        assert any(n == f"{prefix}_{series}" for n in names), series


def free_port(address):
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def test_readiness_follows_the_clusters(start_proxy):
    """503 STARTUP before the clusters are reachable, 200 UP once both are, 503 DOWN when one
    stops answering heartbeats, 200 again when it is back."""
    origin_port, target_port = free_port(ORIGIN_ADDRESS), free_port(TARGET_ADDRESS)
    config = {
        "origin_contact_points": ORIGIN_ADDRESS, "origin_port": origin_port,
        "target_contact_points": TARGET_ADDRESS, "target_port": target_port,
        "proxy_listen_address": "127.0.0.1", "proxy_listen_port": 0,
        "metrics_address": "127.0.0.1", "metrics_port": 0,
        "heartbeat_interval_ms": 200, "heartbeat_retry_interval_min_ms": 50,
        "heartbeat_retry_interval_max_ms": 200, "heartbeat_failure_threshold": 2,
    }
    proxy = start_proxy(config, wait_for_clients=False)
    sims = []
    try:
        status, body = proxy.get_json("/health/readiness")
        assert status == 503 and body["Status"] == "STARTUP", body
        assert proxy.get("/health/liveness")[0] == 200
        assert proxy.get("/metrics")[0] == 503
        sims.append(CqlSim(nodes=1, admin=False, address=ORIGIN_ADDRESS, port=origin_port))
        target = CqlSim(nodes=1, admin=False, address=TARGET_ADDRESS, port=target_port)
        sims.append(target)
        proxy.wait_listening()
        status, body = proxy.get_json("/health/readiness")
        assert status == 200 and body["Status"] == "UP", body
        assert body["OriginStatus"] == {"Addr": f"{ORIGIN_ADDRESS}:{origin_port}",
                                        "CurrentFailureCount": 0, "FailureCountThreshold": 2,
                                        "Status": "UP"}
        assert body["TargetStatus"]["Status"] == "UP"

        target.stop()
        sims.remove(target)
        wait_until(lambda: proxy.get("/health/readiness")[0] == 503, 15, "readiness 503")
        status, body = proxy.get_json("/health/readiness")
        assert body["Status"] == "DOWN" and body["TargetStatus"]["Status"] == "DOWN", body
        assert body["TargetStatus"]["CurrentFailureCount"] >= 2
        assert body["OriginStatus"]["Status"] == "UP"

        sims.append(CqlSim(nodes=1, admin=False, address=TARGET_ADDRESS, port=target_port))
        wait_until(lambda: proxy.get("/health/readiness")[0] == 200, 15, "readiness 200 again")
        assert proxy.get_json("/health/readiness")[1]["TargetStatus"]["CurrentFailureCount"] == 0
    finally:
        for sim in sims:
            sim.stop()


def test_status_shows_the_active_config_and_never_secrets(proxy_env):
    env = proxy_env(origin_auth=("ouser", "origin-secret"), target_auth=("tuser", "target-secret"))
    session = env.connect_proxy(4, credentials=("tuser", "target-secret"))
    session.execute("SELECT release_version FROM system.local")
    status, body = env.proxy.get_json("/status")
    assert status == 200
    assert body["serving"] is True and body["primary_cluster"] == "ORIGIN"
    assert body["listen"] == f"{env.proxy.host}:{env.proxy.port}"
    assert body["origin"]["status"] == "UP" and body["target"]["status"] == "UP"
    assert body["client_connections"] >= 1
    assert body["settings"]["origin_username"] == "ouser"
    assert body["settings"]["origin_password"] == "***"
    text = json.dumps(body) + env.proxy.get("/metrics")[2] + env.proxy.log_text()
    assert "origin-secret" not in text and "target-secret" not in text

    # Keys that cannot change live are reported, not applied.
    env.proxy.reload(proxy_max_stream_ids=100, read_mode="PRIMARY_ONLY", log_level="debug")
    wait_until(lambda: "needs a restart" in env.proxy.log_text(), 10, "the reload log line")
    assert "applied log_level info -> debug" in env.proxy.log_text()
    assert "needs a restart (ignored until then): proxy_max_stream_ids" in env.proxy.log_text()
    settings = env.proxy.get_json("/status")[1]["settings"]
    assert settings["log_level"] == "debug" and settings["proxy_max_stream_ids"] == "2048"


def test_json_logs_and_config_watch(proxy_env):
    env = proxy_env(log_format="json", config_watch=True)
    session = env.connect_proxy(4)
    session.execute("SELECT release_version FROM system.local")
    lines = [line for line in env.proxy.log_text().splitlines() if line.strip()]
    assert lines, "the proxy logged nothing"
    for line in lines:
        entry = json.loads(line)
        assert set(entry) == {"time", "level", "message"}, entry
    assert any("listening on" in json.loads(line)["message"] for line in lines)
    # config_watch: a change of the file is a reload, no signal needed.
    env.proxy.config["primary_cluster"] = "TARGET"
    env.proxy.write_config()
    wait_until(lambda: env.proxy.get_json("/status")[1]["primary_cluster"] == "TARGET", 15,
               "the file change to be picked up")
    assert value(env.proxy.metrics(), "cqlshift_config_reloads_total", result="ok") == 1


def test_a_busy_metrics_port_is_a_clear_error(proxy_env):
    env = proxy_env()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        config = dict(env.proxy.config)
        config["metrics_port"] = taken.getsockname()[1]
        with pytest.raises(AssertionError) as failure:
            Proxy(config)
    message = str(failure.value)
    assert "exited with status 1" in message
    assert (f"cannot serve the metrics and health endpoints on 127.0.0.1:{config['metrics_port']} "
            "(metrics_address, metrics_port): Address already in use") in message
