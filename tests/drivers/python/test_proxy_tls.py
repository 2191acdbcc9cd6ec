"""TLS on both sides of the proxy (issue 8), with certificates made by the openssl command
line at test time: the real Python driver with an SSL context, through a TLS proxy, to TLS
cqlsim clusters, one-way and mutual on each side; the refusals (missing, foreign, expired
client certificates; a cluster certificate that does not name the node), each with a log line
and the proxy still serving others; plaintext and TLS clients on the wrong listener; bad
certificate files at start-up; and a secure connect bundle pointing the proxy at a TLS cqlsim
through its (simulated) metadata service, with the node's host id as SNI."""

import http.server
import json
import pathlib
import ssl
import subprocess
import threading
import zipfile

import pytest
from cassandra.cluster import NoHostAvailable

from proxy_support import TARGET_ADDRESS, cqlshift_binary, wait_until

# Every address a test node listens on: Origin 127.0.0.1-3, Target 127.0.0.11-13.
NODE_ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.11", "127.0.0.12",
                  "127.0.0.13"]


def openssl(*args, cwd):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"openssl {' '.join(args)} failed:\n{result.stderr}"


class Pki:
    """Two CAs and the certificates the tests use, in one directory."""

    def __init__(self, directory):
        self.dir = pathlib.Path(directory)
        self.make_ca("ca", "cqlshift test CA")
        self.make_ca("other-ca", "some other CA")
        sans = ",".join(["DNS:localhost", *(f"IP:{a}" for a in NODE_ADDRESSES)])
        self.make_cert("server", "ca", "cqlsim node", sans)
        self.make_cert("wrong-name", "ca", "somewhere else", "DNS:wrong.example,IP:10.9.8.7")
        self.make_cert("client", "ca", "app client", None)
        self.make_cert("foreign-client", "other-ca", "foreign client", None)
        self.make_cert("expired-client", "ca", "expired client", None, days=-1)

    def path(self, name):
        return str(self.dir / name)

    def make_ca(self, name, subject):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
                "-subj", f"/CN={subject}", cwd=self.dir)

    def make_cert(self, name, ca, subject, sans, days=2):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={subject}",
                cwd=self.dir)
        extensions = self.dir / f"{name}.ext"
        extensions.write_text(f"subjectAltName={sans}\n" if sans else "basicConstraints=CA:FALSE\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", str(days), "-extfile",
                str(extensions), cwd=self.dir)

    def client_context(self, cert=None):
        """What an application would use: the CA, and a client certificate for mutual TLS."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(self.path("ca.pem"))
        if cert:
            context.load_cert_chain(self.path(f"{cert}.pem"), self.path(f"{cert}.key"))
        return context


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


def sim_tls_args(pki, mutual, cert="server"):
    args = ["--tls-cert", pki.path(f"{cert}.pem"), "--tls-key", pki.path(f"{cert}.key"),
            "--tls-ca", pki.path("ca.pem")]
    return args + ["--require-client-auth"] if mutual else args


def proxy_tls_config(pki, client_mutual, origin_mutual, target_mutual):
    config = {
        "proxy_tls_cert_path": pki.path("server.pem"),
        "proxy_tls_key_path": pki.path("server.key"),
        "proxy_tls_ca_path": pki.path("ca.pem"),
        "proxy_tls_require_client_auth": client_mutual,
    }
    for prefix, mutual in (("origin", origin_mutual), ("target", target_mutual)):
        config[f"{prefix}_tls_server_ca_path"] = pki.path("ca.pem")
        if mutual:
            config[f"{prefix}_tls_client_cert_path"] = pki.path("client.pem")
            config[f"{prefix}_tls_client_key_path"] = pki.path("client.key")
    return config


def run_prepared_workload(session, ks, rows=20):
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
    select = session.prepare(f"SELECT v FROM {ks}.kv WHERE k = ?")
    for k in range(rows):
        session.execute(insert, (k, f"value {k}"))
    for k in range(rows):
        assert session.execute(select, (k,)).one()["v"] == f"value {k}"


def assert_rows_on(session, ks, rows=20):
    found = {r["k"]: r["v"] for r in session.execute(f"SELECT k, v FROM {ks}.kv")}
    assert found == {k: f"value {k}" for k in range(rows)}


def shadow_matches(proxy):
    return sum(v for (name, labels), v in proxy.metrics().items()
               if name == "cqlshift_shadow_reads_total" and ("outcome", "match") in labels)


MATRIX = [(c, o, t) for c in (False, True) for o in (False, True) for t in (False, True)]


@pytest.mark.parametrize("client_mutual,origin_mutual,target_mutual", MATRIX,
                         ids=[f"client-{'mutual' if c else 'oneway'}"
                              f"-origin-{'mutual' if o else 'oneway'}"
                              f"-target-{'mutual' if t else 'oneway'}" for c, o, t in MATRIX])
def test_the_prepared_workload_passes_over_tls_on_every_side(pki, proxy_env, new_keyspace,
                                                             client_mutual, origin_mutual,
                                                             target_mutual):
    env = proxy_env(origin_args=sim_tls_args(pki, origin_mutual),
                    target_args=sim_tls_args(pki, target_mutual),
                    read_mode="DUAL_ASYNC_ON_SECONDARY",
                    **proxy_tls_config(pki, client_mutual, origin_mutual, target_mutual))
    session = env.connect_proxy(
        ssl_context=pki.client_context("client" if client_mutual else None))
    ks = new_keyspace(session, "tls")
    run_prepared_workload(session, ks)
    # The writes are on both clusters, read straight from each (over TLS: they take no other).
    assert_rows_on(env.connect_origin(ssl_context=pki.client_context("client")), ks)
    assert_rows_on(env.connect_target(ssl_context=pki.client_context("client")), ks)
    # Control, request and shadow connections all went through TLS: the shadow reads of the
    # 20 prepared reads were compared on Target.
    wait_until(lambda: shadow_matches(env.proxy) >= 20, 30, "20 matching shadow reads")
    log = env.proxy.log_text()
    assert "control connection to ORIGIN up" in log and "over TLS" in log


def tls_env(pki, proxy_env, client_mutual=True):
    return proxy_env(origin_args=sim_tls_args(pki, False), target_args=sim_tls_args(pki, False),
                     **proxy_tls_config(pki, client_mutual, False, False))


def assert_serves(env, pki, new_keyspace):
    session = env.connect_proxy(ssl_context=pki.client_context("client"))
    ks = new_keyspace(session, "still")
    run_prepared_workload(session, ks, rows=3)


@pytest.mark.parametrize("cert,reason", [
    (None, "peer did not return a certificate"),
    ("foreign-client", "unable to get local issuer certificate"),
    ("expired-client", "certificate has expired"),
], ids=["no-certificate", "another-ca", "expired"])
def test_a_client_certificate_that_does_not_pass_is_refused_and_logged(pki, proxy_env,
                                                                       new_keyspace, cert,
                                                                       reason):
    env = tls_env(pki, proxy_env)
    with pytest.raises(NoHostAvailable):
        env.connect_proxy(ssl_context=pki.client_context(cert), connect_timeout=5)
    env.shutdown_clients()
    wait_until(lambda: reason in env.proxy.log_text(), 10, f"'{reason}' in the proxy's log")
    assert "TLS handshake failed" in env.proxy.log_text()
    assert_serves(env, pki, new_keyspace)


def test_a_cluster_certificate_not_naming_the_node_is_refused_unless_verification_is_off(
        pki, proxy_env, start_proxy, new_keyspace):
    env = proxy_env(origin_args=sim_tls_args(pki, False),
                    target_args=sim_tls_args(pki, False, cert="wrong-name"),
                    target_tls_verify_hostname=False,
                    **proxy_tls_config(pki, False, False, False))
    # The proxy above skips the check for Target, so it serves.
    assert_serves(env, pki, new_keyspace)
    # With the default (verification on) the same certificate is refused, said in the log,
    # and the proxy never accepts clients.
    config = dict(env.proxy.config)
    del config["target_tls_verify_hostname"]
    checked = start_proxy(config, wait_for_clients=False)
    wait_until(lambda: "IP address mismatch" in checked.log_text(), 20,
               "the name mismatch in the log")
    log = checked.log_text()
    assert f"the certificate does not name '{TARGET_ADDRESS}'" in log
    assert "target_tls_verify_hostname: false" in log
    assert checked.get("/health/readiness")[0] == 503
    assert_serves(env, pki, new_keyspace)


def test_a_plaintext_client_on_the_tls_listener_gets_an_error_and_others_go_on(
        pki, proxy_env, new_keyspace):
    env = tls_env(pki, proxy_env, client_mutual=False)
    with pytest.raises(NoHostAvailable) as refused:
        env.connect_proxy(connect_timeout=5)
    assert "requires TLS" in str(refused.value)
    env.shutdown_clients()
    assert "connected without TLS to the TLS listener" in env.proxy.log_text()
    assert_serves(env, pki, new_keyspace)


def test_a_tls_client_on_the_plaintext_listener_fails_and_others_go_on(pki, proxy_env,
                                                                         new_keyspace):
    env = proxy_env()
    with pytest.raises(NoHostAvailable):
        env.connect_proxy(ssl_context=pki.client_context(), connect_timeout=5)
    env.shutdown_clients()
    wait_until(lambda: "started a TLS handshake, but this listener is plaintext"
               in env.proxy.log_text(), 10, "the log line")
    session = env.connect_proxy()
    run_prepared_workload(session, new_keyspace(session, "plain"), rows=3)


def check_config(tmp_path, **config):
    path = tmp_path / "check.yaml"
    base = {"origin_contact_points": "127.0.0.1", "target_contact_points": "127.0.0.11"}
    base.update(config)
    path.write_text("".join(f'{k}: "{v}"\n' for k, v in base.items()))
    return subprocess.run([str(cqlshift_binary()), "--check-config", str(path)],
                          capture_output=True, text=True, timeout=30)


def test_unusable_certificate_files_stop_start_up_with_the_key_file_and_reason(pki, tmp_path):
    def proxy_side(cert="server", key="server"):
        return {"proxy_tls_cert_path": pki.path(f"{cert}.pem"),
                "proxy_tls_key_path": pki.path(f"{key}.key"),
                "proxy_tls_ca_path": pki.path("ca.pem")}

    cases = [
        (dict(proxy_side(), proxy_tls_ca_path=pki.path("missing.pem")),
         f"key 'proxy_tls_ca_path': cannot read '{pki.path('missing.pem')}': No such file"),
        (proxy_side(key="client"),
         f"the private key in '{pki.path('client.key')}' (proxy_tls_key_path) does not belong "
         f"to the certificate in '{pki.path('server.pem')}' (proxy_tls_cert_path)"),
        (proxy_side(cert="expired-client", key="expired-client"),
         f"the certificate in '{pki.path('expired-client.pem')}' (proxy_tls_cert_path) "
         "(/CN=expired client) expired on"),
        ({"target_tls_server_ca_path": pki.path("server.key")},
         f"'{pki.path('server.key')}' (target_tls_server_ca_path) holds no PEM CA certificate"),
        ({"origin_tls_server_ca_path": pki.path("ca.pem"),
          "origin_tls_client_cert_path": pki.path("client.pem"),
          "origin_tls_client_key_path": pki.path("ca.key")},
         "does not belong to the certificate"),
    ]
    for config, message in cases:
        result = check_config(tmp_path, **config)
        assert result.returncode == 2, (config, result.stdout, result.stderr)
        assert message in result.stderr, (config, result.stderr)
    assert check_config(tmp_path, **proxy_side()).returncode == 0
    # Starting (not only checking) refuses too, before listening anywhere.
    path = tmp_path / "start.yaml"
    path.write_text("".join(f'{k}: "{v}"\n' for k, v in {
        "origin_contact_points": "127.0.0.1", "target_contact_points": "127.0.0.11",
        "metrics_enabled": "false", "proxy_listen_port": "0",
        **proxy_side(key="client")}.items()))
    result = subprocess.run([str(cqlshift_binary()), "--config", str(path)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "does not belong to the certificate" in result.stderr
    assert "listening" not in result.stdout


class MetadataService:
    """The bundle's metadata service: HTTPS with client certificates, GET /metadata."""

    def __init__(self, pki, document):
        body = json.dumps(document).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                if self.path != "/metadata":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki.path("server.pem"), pki.path("server.key"))
        context.load_verify_locations(pki.path("ca.pem"))
        context.verify_mode = ssl.CERT_REQUIRED
        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def host_ids(session):
    """The cluster's host ids, the one of the node at TARGET_ADDRESS first."""
    hosts = session.cluster.metadata.all_hosts()
    first = [str(h.host_id) for h in hosts if h.address == TARGET_ADDRESS]
    return first + [str(h.host_id) for h in hosts if h.address != TARGET_ADDRESS]


def test_a_secure_connect_bundle_points_the_proxy_at_a_tls_cluster(pki, proxy_env, start_proxy,
                                                                   new_keyspace, tmp_path):
    env = proxy_env(target_args=sim_tls_args(pki, True),
                    target_tls_server_ca_path=pki.path("ca.pem"),
                    target_tls_client_cert_path=pki.path("client.pem"),
                    target_tls_client_key_path=pki.path("client.key"))
    ids = host_ids(env.connect_target(ssl_context=pki.client_context("client")))
    env.shutdown_clients()
    # Every node is reached through the "SNI proxy" with its host id as the server name. Here
    # the SNI proxy is Target's first node, which serves whatever name it is asked for, so the
    # metadata service names that node as the contact point and the rest come from its
    # system.peers, as behind a real SNI proxy.
    service = MetadataService(pki, {
        "version": 1, "region": "local",
        "contact_info": {"type": "sni_proxy", "local_dc": "datacenter1",
                         "contact_points": ids[:1],
                         "sni_proxy_address": f"{TARGET_ADDRESS}:{env.target.port}"}})
    try:
        bundle = tmp_path / "secure-connect-test.zip"
        with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.write(pki.path("ca.pem"), "ca.crt")
            z.write(pki.path("client.pem"), "cert")
            z.write(pki.path("client.key"), "key")
            z.writestr("config.json", json.dumps({
                "host": "localhost", "port": service.port, "cql_port": env.target.port,
                "keyspace": "ks", "localDC": "datacenter1", "caCertLocation": "./ca.crt",
                "keyLocation": "./key", "certLocation": "./cert"}))
        config = dict(env.proxy.config)
        for key in ("target_contact_points", "target_port", "target_tls_server_ca_path",
                    "target_tls_client_cert_path", "target_tls_client_key_path"):
            del config[key]
        config["target_secure_connect_bundle_path"] = str(bundle)
        proxy = start_proxy(config)
        session = env.connect_proxy(proxy=proxy)
        ks = new_keyspace(session, "bundle")
        run_prepared_workload(session, ks)
        # A second application instance: its client connections' request connections go to
        # the next nodes round-robin, so every node is reached by its host id.
        run_prepared_workload(env.connect_proxy(proxy=proxy), new_keyspace(session, "bundle2"))
        assert_rows_on(env.connect_target(ssl_context=pki.client_context("client")), ks)
        names = [n for n in env.target.admin.get("/tls")["server_names"] if n]
        # The contact point the metadata service named, then the nodes system.peers listed.
        assert names[0] == ids[0], names
        assert set(names) == set(ids), names
        assert f"{TARGET_ADDRESS}:{env.target.port}/{ids[0]}" in proxy.log_text()
        env.shutdown_clients()
    finally:
        service.stop()
