"""The demo (scripts/demo.sh): cqlshift between two in-memory clusters, an application using
the real DataStax Python driver through it, and a live flip of reads from Origin to Target.
Every step checks what it says; the first that does not exits non-zero. Everything started is
stopped on the way out.

    proxy_demo.py [BUILD_DIR]   (default build/release)
"""

import json
import pathlib
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "drivers" / "python"))

from cassandra.cluster import Cluster  # noqa: E402
from conftest import CqlSim  # noqa: E402

ROWS = 200
TARGET_ONLY_KEY = 1_000_000


def step(text):
    print(f"-- {text}", flush=True)


def check(condition, what):
    if not condition:
        print(f"demo FAILED: {what}", file=sys.stderr, flush=True)
        sys.exit(1)


def wait_until(condition, what, seconds=15):
    deadline = time.monotonic() + seconds
    while not condition():
        check(time.monotonic() < deadline, f"{what} (waited {seconds} s)")
        time.sleep(0.05)


class Cqlshift:
    """The proxy process, started on the demo's config; knows where it listens."""

    def __init__(self, binary, config_path):
        self.config_path = config_path
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([str(binary), "--config", str(config_path)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout] + [lines.put(None)],
                         daemon=True).start()
        self.listen = self.http = None
        deadline = time.monotonic() + 30
        while self.listen is None:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                check(False, "cqlshift did not start listening within 30 s" + self.log())
            check(line is not None, "cqlshift exited during start-up" + self.log())
            if m := re.match(r"^listening (\S+):(\d+)$", line.strip()):
                self.listen = (m.group(1), int(m.group(2)))
            elif m := re.match(r"^http (\S+)$", line.strip()):
                self.http = m.group(1)

    def log(self):
        self.stderr.seek(0)
        return ":\n" + self.stderr.read().decode(errors="replace")[-2000:]

    def get(self, path):
        with urllib.request.urlopen(f"http://{self.http}{path}", timeout=5) as r:
            return r.read().decode()

    def status(self):
        return json.loads(self.get("/status"))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Application:
    """The application: prepared writes and reads in a loop on its own thread, counting them."""

    def __init__(self, session):
        self.session = session
        self.insert = session.prepare("INSERT INTO demo.kv (k, v) VALUES (?, ?)")
        self.select = session.prepare("SELECT v FROM demo.kv WHERE k = ?")
        self.writes = self.reads = 0
        self.errors = []
        self.written = set()
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        k = ROWS
        while self.running:
            try:
                self.session.execute(self.insert, (k, f"value {k}"))
                self.written.add(k)
                self.writes += 1
                row = self.session.execute(self.select, (k,)).one()
                if row is None or row.v != f"value {k}":
                    self.errors.append(f"read of key {k} returned {row}")
                self.reads += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported
                self.errors.append(repr(e))
            k += 1


def keys(address, port):
    cluster = Cluster([address], port=port)
    try:
        return {row.k for row in cluster.connect().execute("SELECT k FROM demo.kv")}
    finally:
        cluster.shutdown()


def main():
    build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/release")
    if not build.is_absolute():
        build = REPO / build
    started = []
    work = tempfile.TemporaryDirectory(prefix="cqlshift-demo-")
    try:
        origin = CqlSim(nodes=3, admin=False, address="127.0.0.1",
                        args=["--cluster-name", "origin"])
        started.append(origin)
        target = CqlSim(nodes=3, admin=False, address="127.0.0.11",
                        args=["--cluster-name", "target"])
        started.append(target)
        step(f"Origin: a 3-node in-memory cluster (cqlsim) on 127.0.0.1-3, port {origin.port}")
        step(f"Target: another on 127.0.0.11-13, port {target.port}")

        config = (REPO / "config" / "demo.yaml").read_text()
        for name, value in {"ORIGIN_ADDRESS": "127.0.0.1", "ORIGIN_PORT": origin.port,
                            "TARGET_ADDRESS": "127.0.0.11", "TARGET_PORT": target.port}.items():
            config = config.replace(f"@{name}@", str(value))
        config_path = pathlib.Path(work.name) / "cqlshift.yaml"
        config_path.write_text(config)
        proxy = Cqlshift(build / "bin" / "cqlshift", config_path)
        started.append(proxy)
        host, port = proxy.listen
        step(f"cqlshift (config/demo.yaml) listens on {host}:{port}; /status and /metrics "
             f"on http://{proxy.http}; primary cluster: {proxy.status()['primary_cluster']}")

        cluster = Cluster([host], port=port)
        session = cluster.connect()
        step("the application connects to cqlshift with the DataStax Python driver and creates "
             "its schema (on both clusters)")
        session.execute("CREATE KEYSPACE demo WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE TABLE demo.kv (k int PRIMARY KEY, v text)")
        app = Application(session)
        for k in range(ROWS):
            session.execute(app.insert, (k, f"value {k}"))
            app.written.add(k)
        rows = list(session.execute("SELECT k FROM demo.kv"))
        check(len(rows) == ROWS, f"{ROWS} rows read back through cqlshift, got {len(rows)}")
        step(f"it writes {ROWS} rows through cqlshift (prepared INSERTs) and reads them back")

        on_origin = keys("127.0.0.1", origin.port)
        on_target = keys("127.0.0.11", target.port)
        check(on_origin == on_target == app.written,
              f"both clusters hold the rows: Origin {len(on_origin)}, Target {len(on_target)}")
        step(f"read straight from each cluster: Origin holds {len(on_origin)} rows, Target "
             f"{len(on_target)}, the same keys (every write went to both)")

        direct = Cluster(["127.0.0.11"], port=target.port)
        direct.connect().execute("INSERT INTO demo.kv (k, v) VALUES (%s, 'on Target only')",
                                 (TARGET_ONLY_KEY,))
        direct.shutdown()
        probe = session.prepare("SELECT v FROM demo.kv WHERE k = ?")
        check(session.execute(probe, (TARGET_ONLY_KEY,)).one() is None,
              "reads go to Origin, which lacks the row written on Target only")
        step("a row written on Target only (behind the proxy) is not visible through cqlshift: "
             "reads go to Origin")

        app.thread.start()
        wait_until(lambda: app.writes >= 50, "the application is running")
        step("the application keeps writing and reading in the background ...")
        before_flip = app.writes
        config_path.write_text(config.replace("primary_cluster: ORIGIN",
                                              "primary_cluster: TARGET"))
        proxy.proc.send_signal(signal.SIGHUP)
        step(f"flip: primary_cluster: TARGET in the config file, then SIGHUP to cqlshift "
             f"(pid {proxy.proc.pid}); no restart, no dropped connection")
        wait_until(lambda: proxy.status()["primary_cluster"] == "TARGET",
                   "/status shows primary_cluster TARGET after the reload")
        step("/status: \"primary_cluster\": \"TARGET\"")
        row = session.execute(probe, (TARGET_ONLY_KEY,)).one()
        check(row is not None and row.v == "on Target only",
              f"reads go to Target after the flip (got {row})")
        step("the Target-only row is now visible through cqlshift: reads go to Target")

        wait_until(lambda: app.writes >= before_flip + 200,
                   "the application goes on after the flip")
        app.running = False
        app.thread.join(timeout=30)
        check(not app.errors, f"the application saw no error: {app.errors[:3]}")
        step(f"the application ran through the flip: {app.writes} writes and {app.reads} reads, "
             "0 errors")

        metrics = [line for line in proxy.get("/metrics").splitlines()
                   if line.startswith(("cqlshift_primary_cluster",
                                       "cqlshift_proxy_request_duration_seconds_count"))]
        reads = {m.group(1): float(m.group(2)) for line in metrics
                 if (m := re.search(r'type="(\w+)"\} (\S+)', line))}
        check(reads.get("reads_origin", 0) > 0 and reads.get("reads_target", 0) > 0,
              f"/metrics counts reads on Origin and then on Target: {metrics}")
        check('cqlshift_primary_cluster{cluster="TARGET"} 1' in metrics,
              f"/metrics shows Target as the primary: {metrics}")
        step("/metrics:")
        for line in metrics:
            print(f"     {line}")

        cluster.shutdown()
        on_origin = keys("127.0.0.1", origin.port) - {TARGET_ONLY_KEY}
        on_target = keys("127.0.0.11", target.port) - {TARGET_ONLY_KEY}
        check(on_origin == on_target == app.written,
              f"every row the application wrote is on both clusters: {len(app.written)} "
              f"written, Origin {len(on_origin)}, Target {len(on_target)}")
        step(f"every one of the {len(app.written)} rows the application wrote is on both "
             "clusters")
        print("demo passed: stopping cqlshift and both clusters", flush=True)
    finally:
        for s in reversed(started):
            s.stop()
        work.cleanup()


if __name__ == "__main__":
    main()
