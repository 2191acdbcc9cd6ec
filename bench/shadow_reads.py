#!/usr/bin/env python3
"""What shadow reads cost the client: read latency through cqlshift with read_mode
PRIMARY_ONLY against DUAL_ASYNC_ON_SECONDARY (shadow_compare rows, every read compared), in
alternating rounds of the same run, switched by a config reload (no restart, same
connections). Also a direct connection to Origin as the floor.

Two loads: one read at a time (latency without queueing), and 32 reads in flight through the
driver's async API (the proxy thread then also does the shadow work between client reads).
Prints each round, then the median p50/p99 per setting and the ratios shadow-on / shadow-off.

Usage: bench/shadow_reads.py [--rounds 5] [--reads 3000]
Needs build/release (cqlshift, cqlsim) and the Python driver (scripts/test.sh installs both).
"""

import argparse
import pathlib
import statistics
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "drivers" / "python"))

from conftest import CqlSim, connect  # noqa: E402
from proxy_support import Proxy, base_config, wait_until  # noqa: E402


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def sequential(session, select, reads):
    took = []
    for i in range(reads):
        start = time.perf_counter_ns()
        session.execute(select, (i % 1000,))
        took.append(time.perf_counter_ns() - start)
    return took


def concurrent(session, select, reads, in_flight=32):
    took = []
    lock = threading.Lock()
    done = threading.Event()
    issued = [0]

    def issue():
        with lock:
            if issued[0] >= reads:
                return
            i = issued[0]
            issued[0] += 1
        start = time.perf_counter_ns()
        future = session.execute_async(select, (i % 1000,))

        def finished(_result, start=start):
            with lock:
                took.append(time.perf_counter_ns() - start)
                if len(took) == reads:
                    done.set()
            issue()

        def failed(error):
            print(f"read failed: {error}", file=sys.stderr)
            finished(None)

        future.add_callbacks(finished, failed)

    for _ in range(in_flight):
        issue()
    done.wait(300)
    return took


def summary(took):
    s = sorted(took)
    return percentile(s, 0.50) / 1000, percentile(s, 0.99) / 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reads", type=int, default=3000)
    args = parser.parse_args()

    origin = CqlSim(nodes=1, address="127.0.0.1")
    target = CqlSim(nodes=1, address="127.0.0.11")
    config = base_config(origin, target)
    config.update({"log_level": "warn", "shadow_compare": "rows", "shadow_sample_rate": 1})
    proxy = Proxy(config)
    clusters = []
    try:
        cluster, session = connect(proxy.port, 4, contact_points=[proxy.host])
        clusters.append(cluster)
        session.execute("CREATE KEYSPACE bench WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE TABLE bench.kv (k int PRIMARY KEY, v text)")
        insert = session.prepare("INSERT INTO bench.kv (k, v) VALUES (?, ?)")
        for k in range(1000):
            session.execute(insert, (k, "x" * 64))
        select = session.prepare("SELECT k, v FROM bench.kv WHERE k = ?")
        direct_cluster, direct = connect(origin.port, 4, contact_points=[origin.nodes[0][0]])
        clusters.append(direct_cluster)
        direct_select = direct.prepare("SELECT k, v FROM bench.kv WHERE k = ?")

        results = {}  # (load, setting) -> [(p50, p99)]
        for r in range(args.rounds):
            for setting in ("direct", "shadow off", "shadow on"):
                if setting != "direct":
                    mode = "DUAL_ASYNC_ON_SECONDARY" if setting == "shadow on" else "PRIMARY_ONLY"
                    proxy.reload(read_mode=mode)
                    wait_until(lambda mode=mode: proxy.get_json("/status")[1]["read_mode"] == mode,
                               10, "the reload")
                s, sel = (direct, direct_select) if setting == "direct" else (session, select)
                sequential(s, sel, 300)  # warm-up
                for load, run in (("1 in flight", sequential), ("32 in flight", concurrent)):
                    p50, p99 = summary(run(s, sel, args.reads))
                    results.setdefault((load, setting), []).append((p50, p99))
                    print(f"round {r + 1} {load:>12} {setting:>10}: p50 {p50:7.1f} us  "
                          f"p99 {p99:7.1f} us", flush=True)
        shadow = proxy.get_json("/status")[1]["shadow_reads"]["tables"].get("bench.kv", {})
        print(f"\nshadow reads of bench.kv: {shadow}")
        print("\nmedians over rounds (microseconds, client-side, Python driver):")
        for load in ("1 in flight", "32 in flight"):
            med = {}
            for setting in ("direct", "shadow off", "shadow on"):
                rows = results[(load, setting)]
                med[setting] = (statistics.median(p for p, _ in rows),
                                statistics.median(q for _, q in rows))
                print(f"  {load:>12} {setting:>10}: p50 {med[setting][0]:7.1f}  "
                      f"p99 {med[setting][1]:7.1f}")
            print(f"  {load:>12} shadow on / off: p50 x{med['shadow on'][0] / med['shadow off'][0]:.3f}"
                  f"  p99 x{med['shadow on'][1] / med['shadow off'][1]:.3f}")
        if shadow.get("mismatches", 0) or not shadow.get("compared", 0):
            print("error: shadow reads did not all compare equal", file=sys.stderr)
            return 1
        return 0
    finally:
        for c in clusters:
            c.shutdown()
        proxy.stop()
        target.stop()
        origin.stop()


if __name__ == "__main__":
    sys.exit(main())
