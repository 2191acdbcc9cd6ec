"""Authentication through the proxy (SPEC 2): whose credentials the client sends, the proxy's
own login to the other cluster, failures naming the cluster, and no password in the logs."""

import pytest
from cassandra import AuthenticationFailed
from cassandra.cluster import NoHostAvailable

ORIGIN_CREDS = ("origin_user", "Origin-Secret-7431")
TARGET_CREDS = ("target_user", "Target-Secret-9265")
WRONG = "Wrong-Secret-5150"
ALL_SECRETS = [ORIGIN_CREDS[1], TARGET_CREDS[1], WRONG]

# (id, Origin requires auth, Target requires auth, forward_client_credentials_to_origin,
#  the cluster whose credentials the client sends: None when neither requires auth)
CASES = [
    ("none", False, False, False, None),
    ("target_only", False, True, False, "Target"),
    ("origin_only", True, False, False, "Origin"),
    ("both", True, True, False, "Target"),
    ("both_forward_to_origin", True, True, True, "Origin"),
]


def start(proxy_env, origin_auth, target_auth, forward, **creds):
    return proxy_env(origin_auth=ORIGIN_CREDS if origin_auth else None,
                     target_auth=TARGET_CREDS if target_auth else None,
                     forward_client_credentials_to_origin=forward,
                     log_level="debug", **creds)


def assert_no_secret_logged(env):
    log = env.proxy.log_text() + "\n".join(env.proxy.stdout_lines())  # stderr, and stdout too
    for secret in ALL_SECRETS:
        assert secret not in log, f"a password appears in the proxy's log:\n{log[-3000:]}"


def auth_failure(exc_info):
    """The AuthenticationFailed the driver reports (it wraps it in NoHostAvailable)."""
    err = exc_info.value
    if isinstance(err, NoHostAvailable):
        errors = list(err.errors.values())
        assert errors and all(isinstance(e, AuthenticationFailed) for e in errors), errors
        return errors[0]
    assert isinstance(err, AuthenticationFailed), repr(err)
    return err


@pytest.mark.parametrize("origin_auth,target_auth,forward,client_cluster",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_client_credentials_go_to_the_auth_primary(proxy_env, origin_auth, target_auth, forward,
                                                   client_cluster):
    env = start(proxy_env, origin_auth, target_auth, forward)
    creds = {"Origin": ORIGIN_CREDS, "Target": TARGET_CREDS, None: None}[client_cluster]
    session = env.connect_proxy(4, credentials=creds)
    session.execute("CREATE KEYSPACE auth WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE auth.kv (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO auth.kv (k, v) VALUES (1, 'through the proxy')")
    assert session.execute("SELECT v FROM auth.kv WHERE k = 1").one()["v"] == "through the proxy"
    origin = env.connect_origin(4, credentials=ORIGIN_CREDS if origin_auth else None)
    target = env.connect_target(4, credentials=TARGET_CREDS if target_auth else None)
    for name, direct in (("Origin", origin), ("Target", target)):
        row = direct.execute("SELECT v FROM auth.kv WHERE k = 1").one()
        assert row == {"v": "through the proxy"}, f"the write did not reach {name}"

    if client_cluster is not None:
        # The other cluster's credentials are not what the client must send.
        other = ORIGIN_CREDS if client_cluster == "Target" else TARGET_CREDS
        if origin_auth and target_auth:
            with pytest.raises((NoHostAvailable, AuthenticationFailed)) as e:
                env.connect_proxy(4, credentials=other)
            assert client_cluster.lower() in str(auth_failure(e)).lower()
    else:
        assert_no_secret_logged(env)
    assert_no_secret_logged(env)


@pytest.mark.parametrize("origin_auth,target_auth,forward,client_cluster",
                         [c[1:] for c in CASES[1:]], ids=[c[0] for c in CASES[1:]])
def test_a_wrong_client_password_names_the_cluster(proxy_env, origin_auth, target_auth, forward,
                                                   client_cluster):
    env = start(proxy_env, origin_auth, target_auth, forward)
    user = (ORIGIN_CREDS if client_cluster == "Origin" else TARGET_CREDS)[0]
    with pytest.raises((NoHostAvailable, AuthenticationFailed)) as e:
        env.connect_proxy(4, credentials=(user, WRONG))
    message = str(auth_failure(e))
    print(f"wrong {client_cluster} password: {message}")
    assert client_cluster.lower() in message.lower(), \
        f"the error should name {client_cluster}: {message}"
    # The proxy keeps serving clients with the right password.
    right = ORIGIN_CREDS if client_cluster == "Origin" else TARGET_CREDS
    session = env.connect_proxy(4, credentials=right)
    assert session.execute("SELECT cluster_name FROM system.local").one()
    assert_no_secret_logged(env)
