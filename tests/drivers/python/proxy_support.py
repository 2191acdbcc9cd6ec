"""Runs cqlshift between two cqlsim clusters for the proxy tests.

The proxy binary comes from $CQLSHIFT (default: build/release/bin/cqlshift under the
repository root). `Proxy` writes a YAML config into a temporary directory, starts the proxy,
waits for its `listening ADDRESS:PORT` line on stdout (never on sleeps), and stops it with
SIGTERM, failing unless it exits with status 0. Its stderr (the logs) is kept for failure
messages and for tests that check what the proxy logs.

Fixtures (imported by conftest.py):
  proxy_env     -- proxy_env(primary="ORIGIN", origin_auth=None, target_auth=None, **config)
                   starts Origin (127.0.0.1-3) and Target (127.0.0.11-13), three nodes each,
                   with distinct cluster names and prepared-id salts, and one proxy between
                   them; returns a ProxyEnv. Everything is stopped after the test.
  start_proxy   -- start_proxy(config, wait_for_clients=True, env=None) starts extra proxies;
                   stopped after the test.
"""

import http.client
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

import pytest
from cassandra.auth import PlainTextAuthProvider

from conftest import REPO_ROOT, CqlSim, connect

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
LISTENING_LINE = re.compile(r"^listening (\S+):(\d+)$")
HTTP_LINE = re.compile(r"^http (\S+):(\d+)$")

ORIGIN_ADDRESS = "127.0.0.1"
TARGET_ADDRESS = "127.0.0.11"


def cqlshift_binary():
    path = pathlib.Path(os.environ.get("CQLSHIFT") or REPO_ROOT / "build/release/bin/cqlshift")
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not os.access(path, os.X_OK):
        pytest.fail(f"cqlshift binary not found or not executable: {path} (set CQLSHIFT)")
    return path


def yaml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


class Proxy:
    """One cqlshift process. `host`/`port` is where it listens for clients, `http` the
    "host:port" of its metrics and health endpoints (when metrics_enabled).
    `wait_for_clients=False` returns once the HTTP endpoints listen, before the proxy has
    reached the clusters."""

    def __init__(self, config, wait_for_clients=True, env=None):
        self.config = dict(config)
        self.dir = tempfile.TemporaryDirectory(prefix="cqlshift-test-")
        self.config_path = pathlib.Path(self.dir.name) / "cqlshift.yaml"
        self.write_config()
        self.args = [str(cqlshift_binary()), "--config", str(self.config_path)]
        self.stderr = tempfile.TemporaryFile()
        self.output = []
        self.lines = queue.Queue()
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True,
                                     env=None if env is None else {**os.environ, **env})
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.host = None
        self.port = None
        self.http = None
        self.stopped = False
        try:
            self._wait_ready(lambda: self.port is not None if wait_for_clients
                             else self.http is not None)
        except BaseException:
            self.stop(check=False)
            raise

    def _read_stdout(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_listening(self):
        """Waits for the `listening` line (the proxy reached both clusters)."""
        self._wait_ready(lambda: self.port is not None)

    def _wait_ready(self, ready):
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise AssertionError(f"cqlshift printed no listening line within "
                                     f"{START_TIMEOUT}s" + self.diagnostics()) from None
            if line is None:
                self.proc.wait()
                raise AssertionError(f"cqlshift exited with status {self.proc.returncode} "
                                     "before listening" + self.diagnostics())
            self.output.append(line)
            if m := LISTENING_LINE.match(line):
                self.host, self.port = m.group(1), int(m.group(2))
            elif m := HTTP_LINE.match(line):
                self.http = f"{m.group(1)}:{m.group(2)}"

    def get(self, path):
        """(status, content type, body text) of GET http://<http><path>."""
        if self.http is None:
            raise AssertionError("the proxy has no HTTP endpoints (metrics_enabled: false?)")
        connection = http.client.HTTPConnection(self.http, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type"), response.read().decode()
        finally:
            connection.close()

    def get_json(self, path):
        status, _, body = self.get(path)
        return status, json.loads(body)

    def metrics(self):
        """{(name, frozenset(labels.items())): value} of every sample /metrics shows."""
        status, _, body = self.get("/metrics")
        assert status == 200, f"/metrics answered {status}: {body}"
        return parse_metrics(body)

    def reload(self, **changes):
        """Rewrites the config file with `changes` applied and sends SIGHUP."""
        self.config.update(changes)
        self.write_config()
        self.proc.send_signal(signal.SIGHUP)

    def write_config(self, text=None):
        self.config_path.write_text(text if text is not None else "".join(
            f"{k}: {yaml_value(v)}\n" for k, v in self.config.items()))

    def stdout_lines(self):
        """Every line the proxy printed on stdout so far."""
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return list(self.output)
            if line is not None:
                self.output.append(line)

    def log_text(self):
        """Everything the proxy wrote to stderr so far."""
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def diagnostics(self):
        config = self.config_path.read_text() if self.config_path.exists() else "?"
        config = re.sub(r"(password: ).*", r"\1***", config)
        return (f"\n  command: {' '.join(self.args)}\n  config:\n{config}"
                f"  stdout: {self.stdout_lines()!r}\n  stderr (tail):\n{self.log_text()[-6000:]}")

    def terminate(self):
        """Sends SIGTERM (the graceful shutdown) without waiting."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout=STOP_TIMEOUT):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, check=True):
        """SIGTERM, then SIGKILL. With `check`, fails unless it exited with status 0."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self.terminate()
            if self.wait() is None:
                self.proc.kill()
                self.proc.wait()
                if check:
                    raise AssertionError(f"cqlshift ignored SIGTERM for {STOP_TIMEOUT}s"
                                         + self.diagnostics())
                return
            if check and self.proc.returncode != 0:
                raise AssertionError(f"cqlshift exited with status {self.proc.returncode} "
                                     "after SIGTERM" + self.diagnostics())
        finally:
            self.dir.cleanup()


def base_config(origin, target, primary="ORIGIN", origin_creds=None, target_creds=None):
    config = {
        "origin_contact_points": origin.nodes[0][0],
        "origin_port": origin.port,
        "target_contact_points": target.nodes[0][0],
        "target_port": target.port,
        "primary_cluster": primary,
        "proxy_listen_address": "127.0.0.1",
        "proxy_listen_port": 0,
        "metrics_enabled": True,
        "metrics_address": "127.0.0.1",
        "metrics_port": 0,
        # $DRIVER_TEST_PROXY_LOG_LEVEL=debug for diagnosis (slower: a line per request).
        "log_level": os.environ.get("DRIVER_TEST_PROXY_LOG_LEVEL", "info"),
    }
    if origin_creds:
        config["origin_username"], config["origin_password"] = origin_creds
    if target_creds:
        config["target_username"], config["target_password"] = target_creds
    return config


class ProxyEnv:
    """Origin and Target cqlsims and the proxy between them."""

    def __init__(self, origin, target, proxy):
        self.origin = origin
        self.target = target
        self.proxy = proxy
        self.clusters = []

    def _connect(self, host, port, protocol_version, credentials, **kwargs):
        if credentials is not None:
            kwargs["auth_provider"] = PlainTextAuthProvider(*credentials)
        cluster, session = connect(port, protocol_version, contact_points=[host], **kwargs)
        self.clusters.append(cluster)
        return session

    def connect_proxy(self, protocol_version=4, credentials=None, proxy=None, **kwargs):
        proxy = proxy or self.proxy
        return self._connect(proxy.host, proxy.port, protocol_version, credentials, **kwargs)

    def connect_origin(self, protocol_version=4, credentials=None, **kwargs):
        return self._connect(self.origin.nodes[0][0], self.origin.port, protocol_version,
                             credentials, **kwargs)

    def connect_target(self, protocol_version=4, credentials=None, **kwargs):
        return self._connect(self.target.nodes[0][0], self.target.port, protocol_version,
                             credentials, **kwargs)

    def shutdown_clients(self):
        for cluster in self.clusters:
            cluster.shutdown()
        self.clusters = []


def auth_args(creds):
    return ["--auth", f"{creds[0]}:{creds[1]}"] if creds else []


@pytest.fixture
def proxy_env():
    """proxy_env(primary="ORIGIN", origin_auth=None, target_auth=None, origin_creds=None,
    target_creds=None, origin_args=(), target_args=(), origin_tls=None, target_tls=None,
    **config) -> ProxyEnv. `*_auth`: (user, password) the cluster requires; `*_creds`: what
    the proxy's config holds for it (default: the cluster's own credentials); `*_args`: extra
    cqlsim options (e.g. --protocol-versions); `*_tls`: the cluster's TLS (conftest.tls_args:
    dict(cert=, key=, ca=, require_client_auth=)); `config`: extra or overriding proxy config
    keys (the proxy's own TLS to the clusters is not set from `*_tls`)."""
    envs = []
    procs = []

    def make(primary="ORIGIN", origin_auth=None, target_auth=None, origin_creds=None,
             target_creds=None, origin_args=(), target_args=(), origin_tls=None, target_tls=None,
             **config):
        origin = CqlSim(nodes=3, admin=True, address=ORIGIN_ADDRESS,
                        args=["--cluster-name", "origin", "--prepared-id-salt", "origin-salt",
                              *auth_args(origin_auth), *origin_args], tls=origin_tls)
        procs.append(origin)
        target = CqlSim(nodes=3, admin=True, address=TARGET_ADDRESS,
                        args=["--cluster-name", "target", "--prepared-id-salt", "target-salt",
                              *auth_args(target_auth), *target_args], tls=target_tls)
        procs.append(target)
        full = base_config(origin, target, primary, origin_creds or origin_auth,
                           target_creds or target_auth)
        full.update(config)
        proxy = Proxy(full)
        procs.append(proxy)
        env = ProxyEnv(origin, target, proxy)
        envs.append(env)
        return env

    yield make
    for env in envs:
        env.shutdown_clients()
    errors = []
    for proc in reversed(procs):  # proxies before the clusters they connect to
        try:
            proc.stop()
        except AssertionError as e:
            errors.append(str(e))
    if errors:
        pytest.fail("\n".join(errors))


@pytest.fixture
def start_proxy():
    """start_proxy(config, **Proxy options) -> Proxy with exactly that config; stopped after
    the test."""
    started = []

    def start(config, **options):
        proxy = Proxy(config, **options)
        started.append(proxy)
        return proxy

    yield start
    errors = []
    for proxy in started:
        try:
            proxy.stop()
        except AssertionError as e:
            errors.append(str(e))
    if errors:
        pytest.fail("\n".join(errors))


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset of (label, value)): float}."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def wait_until(predicate, timeout, what, interval=0.05):
    """Polls `predicate` until it returns a true value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
