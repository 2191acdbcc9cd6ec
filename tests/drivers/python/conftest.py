"""Runs cqlsim for the Python driver tests.

The binary comes from $CQLSIM (default: build/release/bin/cqlsim under the repository root).
cqlsim binds port 0 and prints one `ADDRESS:PORT` line per node, then `admin ADDRESS:PORT`
when asked for the admin API; the fixtures wait on those lines (never on sleeps) and stop
the process with SIGTERM, then SIGKILL after STOP_TIMEOUT. A cqlsim that does not stop on
SIGTERM, or exits with a failure status (an ASan report, say), fails the test that owns it.
"""

import json
import os
import pathlib
import queue
import re
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest
from cassandra.cluster import Cluster
from cassandra.query import dict_factory

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
# A sanitizer build on a loaded two-core machine takes a few seconds to bind its sockets.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

NODE_LINE = re.compile(r"^(\d+\.\d+\.\d+\.\d+):(\d+)$")
ADMIN_LINE = re.compile(r"^admin (\S+):(\d+)$")


def cqlsim_binary():
    path = pathlib.Path(os.environ.get("CQLSIM") or REPO_ROOT / "build/release/bin/cqlsim")
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not os.access(path, os.X_OK):
        pytest.fail(f"cqlsim binary not found or not executable: {path} (set CQLSIM)")
    return path


class Admin:
    """The admin HTTP API of one cqlsim (include/cqlshift/sim/admin.hpp)."""

    def __init__(self, host, port):
        self.base = f"http://{host}:{port}"

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                text = resp.read().decode()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"admin {method} {path}: HTTP {e.code}: {e.read().decode()}")
        return json.loads(text) if text.strip() else None

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body=None):
        return self.request("POST", path, body if body is not None else {})

    def delete(self, path):
        return self.request("DELETE", path)

    def log(self, query=""):
        """The request log entries, oldest first, whether the API wraps them or not."""
        body = self.get("/log" + (f"?{query}" if query else ""))
        if isinstance(body, dict):
            for key in ("entries", "log", "requests"):
                if isinstance(body.get(key), list):
                    return body[key]
            raise AssertionError(f"admin GET /log: no entry list in {body!r}")
        return body

    def nodes(self):
        body = self.get("/nodes")
        return body["nodes"] if isinstance(body, dict) else body

    def tls(self):
        """GET /tls: {"server_names": [SNI of each accepted TLS connection, "" when none was
        sent], "handshakes": [{"node", "peer", "accepted", "server_name", "error",
        "time_micros"}, ...]}, oldest first."""
        return self.get("/tls")


def tls_args(tls):
    """cqlsim options for `tls`: None (plaintext) or a dict with "cert" and "key" (PEM files,
    required), "ca" (PEM file that client certificates are verified against) and
    "require_client_auth" (bool; needs "ca")."""
    if not tls:
        return []
    unknown = set(tls) - {"cert", "key", "ca", "require_client_auth"}
    if unknown:
        raise ValueError(f"unknown tls keys: {sorted(unknown)}")
    args = ["--tls-cert", str(tls["cert"]), "--tls-key", str(tls["key"])]
    if tls.get("ca"):
        args += ["--tls-ca", str(tls["ca"])]
    if tls.get("require_client_auth"):
        args.append("--require-client-auth")
    return args


class CqlSim:
    """One cqlsim process. `nodes` holds (address, port) per node, `admin` the admin API."""

    def __init__(self, nodes=3, admin=True, args=(), address="127.0.0.1", port=0, tls=None):
        # `address`: node 0's address (the proxy tests put Origin and Target on different ranges).
        # `port`: 0 lets the OS choose; a test restarting a cluster gives the port it had.
        # `args`: any other cqlsim options; `tls`: see tls_args() (the admin API stays HTTP).
        self.args = [str(cqlsim_binary()), "--address", address, "--port", str(port),
                     "--nodes", str(nodes), *args, *tls_args(tls)]
        if admin:
            self.args += ["--admin-port", "0"]
        self.stderr = tempfile.TemporaryFile()
        self.output = []  # every stdout line, for failure messages
        self.lines = queue.Queue()
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.nodes = []
        self.admin = None
        try:
            self._wait_ready(nodes, admin)
        except BaseException:
            self.stop(check=False)
            raise

    @property
    def port(self):
        return self.nodes[0][1]

    def _read_stdout(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _wait_ready(self, node_count, want_admin):
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.nodes) < node_count or (want_admin and self.admin is None):
            remaining = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(remaining, 0.001))
            except queue.Empty:
                raise AssertionError(f"cqlsim printed no listening lines within {START_TIMEOUT}s"
                                     + self.diagnostics()) from None
            if line is None:
                self.proc.wait()
                raise AssertionError(f"cqlsim exited with status {self.proc.returncode} "
                                     "before listening" + self.diagnostics())
            self.output.append(line)
            if m := NODE_LINE.match(line):
                self.nodes.append((m.group(1), int(m.group(2))))
            elif m := ADMIN_LINE.match(line):
                self.admin = Admin(m.group(1), int(m.group(2)))

    def diagnostics(self):
        self.stderr.seek(0)
        err = self.stderr.read().decode(errors="replace")[-4000:]
        return (f"\n  command: {' '.join(self.args)}\n  stdout: {self.output!r}"
                f"\n  stderr (tail):\n{err}")

    def stop(self, check=True):
        """SIGTERM, then SIGKILL. With `check`, fails unless it stopped cleanly on SIGTERM."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                if check:
                    raise AssertionError(f"cqlsim ignored SIGTERM for {STOP_TIMEOUT}s"
                                         + self.diagnostics())
                return
        if check and self.proc.returncode not in (0, -signal.SIGTERM):
            raise AssertionError(f"cqlsim exited with status {self.proc.returncode}"
                                 + self.diagnostics())


def connect(port, protocol_version=None, compression=None, **kwargs):
    """A Cluster with the driver's defaults apart from the port, the protocol version (None:
    negotiate) and compression (None: off), and a session returning dict rows."""
    options = dict(contact_points=["127.0.0.1"], port=port,
                   compression=compression if compression else False)
    if protocol_version is not None:
        options["protocol_version"] = protocol_version
    options.update(kwargs)
    cluster = Cluster(**options)
    try:
        session = cluster.connect(wait_for_all_pools=True)
    except BaseException:
        cluster.shutdown()
        raise
    session.row_factory = dict_factory
    return cluster, session


_keyspace_numbers = iter(range(1, 1 << 30))


@pytest.fixture
def new_keyspace():
    """Creates fresh SimpleStrategy RF 1 keyspaces: new_keyspace(session, label) -> name.
    Drops them after the test, so that the shared cqlsim's schema, which every driver
    re-reads on (re)connection, stays small."""
    created = []

    def create(session, label):
        name = f"{re.sub(r'[^a-z0-9_]', '_', label.lower())[:30]}_{next(_keyspace_numbers)}"
        session.execute(f"CREATE KEYSPACE {name} WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        created.append((session, name))
        return name

    yield create
    for session, name in created:
        if not session.is_shutdown:
            session.execute(f"DROP KEYSPACE IF EXISTS {name}")


@pytest.fixture(scope="session")
def cqlsim():
    """The shared three-node cqlsim with the admin API. Tests use their own keyspaces."""
    sim = CqlSim(nodes=3, admin=True)
    yield sim
    sim.stop()


@pytest.fixture
def start_cqlsim():
    """Starts extra cqlsims with the given options; stops them after the test:
    start_cqlsim(*cqlsim_options, nodes=3, admin=False, tls=None) -> CqlSim (`tls`: see
    tls_args)."""
    started = []

    def start(*args, nodes=3, admin=False, tls=None):
        sim = CqlSim(nodes=nodes, admin=admin, args=[str(a) for a in args], tls=tls)
        started.append(sim)
        return sim

    yield start
    errors = []
    for sim in started:
        try:
            sim.stop()
        except AssertionError as e:
            errors.append(str(e))
    if errors:
        pytest.fail("\n".join(errors))


@pytest.fixture(scope="session")
def sessions(cqlsim):
    """One connected session per (protocol version, compression), reused across tests."""
    clusters = {}

    def get(protocol_version, compression=None):
        key = (protocol_version, compression)
        if key not in clusters:
            clusters[key] = connect(cqlsim.port, protocol_version, compression)
        cluster, session = clusters[key]
        assert cluster.protocol_version == protocol_version
        return session

    yield get
    for cluster, _ in clusters.values():
        cluster.shutdown()


# The proxy tests' fixtures (two cqlsim clusters and cqlshift between them).
from proxy_support import proxy_env, start_proxy  # noqa: E402,F401
