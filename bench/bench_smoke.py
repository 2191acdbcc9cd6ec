#!/usr/bin/env python3
"""A short run of cqlshift-bench so it cannot rot (scripts/test.sh): not a measurement.

Starts Origin and Target cqlsims and cqlshift between them, then runs cqlshift-bench for a
couple of seconds per case: straight at Origin, and through cqlshift with the prepared and
the simple-statement workloads. Fails unless every run answered requests with no error, and
unless the rows the bench wrote through the proxy are the same on both clusters.

Usage: bench/bench_smoke.py [--seconds 2] [--build build/release]
"""

import argparse
import json
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "drivers" / "python"))

from conftest import CqlSim, connect  # noqa: E402
from proxy_support import Proxy, base_config  # noqa: E402


def bench(binary, host, port, seconds, *args):
    command = [str(binary), "--host", host, "--port", str(port), "--duration", str(seconds),
               "--warmup", "0.2", "--connections", "2", "--inflight", "16", *args]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    print(run.stdout, end="")
    if run.returncode != 0:
        sys.exit(f"bench_smoke: {' '.join(command)} exited {run.returncode}:\n{run.stderr}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    if result["requests"] <= 0 or result["errors"] != 0:
        sys.exit(f"bench_smoke: {' '.join(command)}: {result['requests']} answered, "
                 f"{result['errors']} errors")
    return result


def keys(port, host, keyspace):
    cluster, session = connect(port, contact_points=[host])
    try:
        return {row["k"] for row in session.execute(f"SELECT k FROM {keyspace}.kv")}
    finally:
        cluster.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2)
    parser.add_argument("--build", default="build/release")
    args = parser.parse_args()
    binary = REPO / args.build / "bin" / "cqlshift-bench"
    origin = CqlSim(nodes=1, admin=False, address="127.0.0.1",
                    args=["--cluster-name", "origin"])
    target = CqlSim(nodes=1, admin=False, address="127.0.0.11",
                    args=["--cluster-name", "target"])
    proxy = None
    try:
        proxy = Proxy(dict(base_config(origin, target), log_level="warn"))
        bench(binary, origin.nodes[0][0], origin.port, args.seconds, "--workload", "mix",
              "--keyspace", "bench_direct", "--keys", "500")
        for workload in ("insert", "mix", "mix-simple"):
            bench(binary, proxy.host, proxy.port, args.seconds, "--workload", workload,
                  "--keyspace", "bench_proxy", "--keys", "500", "--protocol", "4")
        on_origin = keys(origin.port, origin.nodes[0][0], "bench_proxy")
        on_target = keys(target.port, target.nodes[0][0], "bench_proxy")
        if not on_origin or on_origin != on_target:
            sys.exit(f"bench_smoke: the clusters differ: {len(on_origin)} keys on Origin, "
                     f"{len(on_target)} on Target")
        print(f"bench_smoke: OK ({len(on_origin)} keys written through cqlshift, the same on "
              "both clusters)")
    finally:
        if proxy is not None:
            proxy.stop()
        target.stop()
        origin.stop()


if __name__ == "__main__":
    main()
