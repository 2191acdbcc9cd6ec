"""The demo's application: a small workload with the real DataStax Python driver against the
two in-memory clusters cqlsim runs (Origin and Target), showing what the proxy will build on.
Exits non-zero when a step does not do what it says.

    cqlsim_demo.py ORIGIN_PORT TARGET_PORT TARGET_ADMIN_PORT
"""

import json
import sys
import urllib.request

from cassandra import OperationTimedOut, Unavailable
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import FallthroughRetryPolicy


def step(text):
    print(f"-- {text}", flush=True)


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def admin(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode()
    return json.loads(text) if text.strip() else None


def connect(port):
    profile = ExecutionProfile(retry_policy=FallthroughRetryPolicy(), request_timeout=5)
    cluster = Cluster(["127.0.0.1"], port=port, execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return cluster, cluster.connect()


def main():
    origin_port, target_port, target_admin = (int(a) for a in sys.argv[1:4])
    origin, o = connect(origin_port)
    target, t = connect(target_port)

    hosts = sorted(h.address for h in origin.metadata.all_hosts())
    step(f"Origin: protocol v{origin.protocol_version}, nodes {', '.join(hosts)}")
    check(len(hosts) == 3, "Origin should have 3 nodes")
    hosts = sorted(h.address for h in target.metadata.all_hosts())
    step(f"Target: protocol v{target.protocol_version}, nodes {', '.join(hosts)}")

    schema = [
        "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE shop.orders (customer int, placed timeuuid, item text, qty int,"
        " PRIMARY KEY (customer, placed)) WITH CLUSTERING ORDER BY (placed DESC)",
    ]
    for session in (o, t):
        for ddl in schema:
            session.execute(ddl)
    step("schema created on both clusters (the migration's prerequisite)")
    check("orders" in target.metadata.keyspaces["shop"].tables, "driver metadata lacks the table")

    insert = o.prepare("INSERT INTO shop.orders (customer, placed, item, qty) VALUES (?, now(), ?, ?)")
    for i in range(100):
        o.execute(insert, (i % 10, f"item-{i}", i))
    rows = list(o.execute("SELECT item, qty, writetime(qty) AS wt FROM shop.orders WHERE customer = 3"))
    step(f"100 prepared writes on Origin; customer 3 has {len(rows)} orders, newest first: "
         f"{rows[0].item}, written at {rows[0].wt} us")
    check(len(rows) == 10 and rows[0].item == "item-93", "wrong rows read back")

    o.execute("INSERT INTO shop.orders (customer, placed, item, qty) VALUES "
              "(42, 8f5a6f60-4d8c-11ee-8000-000000000001, 'old', 1) USING TIMESTAMP 2000")
    o.execute("UPDATE shop.orders USING TIMESTAMP 1000 SET item = 'older' "
              "WHERE customer = 42 AND placed = 8f5a6f60-4d8c-11ee-8000-000000000001")
    item = o.execute("SELECT item FROM shop.orders WHERE customer = 42").one().item
    step(f"last write wins by timestamp: a write at ts 1000 after one at ts 2000 leaves '{item}'")
    check(item == "old", "last-write-wins violated")

    applied = o.execute("INSERT INTO shop.orders (customer, placed, item, qty) VALUES "
                        "(42, 8f5a6f60-4d8c-11ee-8000-000000000001, 'dup', 1) IF NOT EXISTS").one()
    step(f"LWT: INSERT IF NOT EXISTS on an existing row -> [applied]={applied[0]}")
    check(applied[0] is False, "LWT applied on an existing row")

    admin(target_admin, "POST", "/faults", {"opcode": "QUERY", "table": "shop.orders",
                                            "action": "error", "error": "UNAVAILABLE"})
    try:
        t.execute("SELECT * FROM shop.orders WHERE customer = 1")
        check(False, "the injected fault did not fire")
    except Unavailable as e:
        step(f"fault injection: Target answers UNAVAILABLE on demand ({type(e).__name__})")
    admin(target_admin, "DELETE", "/faults")
    admin(target_admin, "POST", "/faults", {"opcode": "QUERY", "table": "shop.orders",
                                            "action": "no_reply", "count": 1})
    try:
        t.execute("SELECT * FROM shop.orders WHERE customer = 1", timeout=1)
        check(False, "the silent node answered")
    except OperationTimedOut:
        step("fault injection: Target stays silent on demand (the driver times out)")
    log = admin(target_admin, "GET", "/log?opcode=QUERY")
    entries = log["entries"] if isinstance(log, dict) else log
    step(f"Target's request log holds {len(entries)} QUERY requests, the last: "
         f"{entries[-1]['statement'][:60]!r}")

    origin.shutdown()
    target.shutdown()
    print("demo finished: every step did what it said")


if __name__ == "__main__":
    main()
