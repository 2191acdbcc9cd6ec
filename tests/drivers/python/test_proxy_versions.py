"""Protocol versions through cqlshift (SPEC 1), DSE_V1 and DSE_V2 included (cqlsim speaks their
framing when asked to): the proxy never translates between versions, so
the driver must settle, by its ordinary downgrade, on a version both clusters accept; blocked
and unknown versions get the PROTOCOL_ERROR drivers downgrade on; 5 MiB values cross the
proxy whole, compressed bodies on v4 and LZ4 segments on v5 (a frame larger than a segment is
split and put back together in both directions)."""

import os
import socket
import struct

import pytest

KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")


def versions(*vs):
    return ["--protocol-versions", ",".join(str(v) for v in vs)]


def prepared_round_trip(env, session, ks):
    """A prepared write and read through the proxy; the row is then read from each cluster."""
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
    select = session.prepare(f"SELECT v FROM {ks}.kv WHERE k = ?")
    for k in range(20):
        session.execute(insert, (k, f"value {k}"))
    assert [session.execute(select, (k,)).one()["v"] for k in range(20)] == \
        [f"value {k}" for k in range(20)]
    for name, direct in (("Origin", env.connect_origin(None)), ("Target", env.connect_target(None))):
        rows = {r["k"]: r["v"] for r in direct.execute(f"SELECT k, v FROM {ks}.kv")}
        assert rows == {k: f"value {k}" for k in range(20)}, f"{name} holds {rows}"


# (Origin's versions, Target's versions, blocked_protocol_versions, what the driver settles on)
MATRIX = [
    ((3, 4), (3, 4, 5), None, 4),
    ((3, 4, 5), (3, 4), None, 4),
    ((4, 5), (4, 5), None, 5),
    ((3, 4, 5), (3, 4, 5), "v5", 4),
    ((3,), (3, 4, 5), None, 3),
    ((3, 4, 5), (3, 4, 5), "v4, v5", 3),
    ((3, 4, 5, 65, 66), (3, 4, 5, 65, 66), None, 66),
    ((3, 4, 5, 65, 66), (3, 4, 5, 65), None, 65),
    ((3, 4, 5, 65, 66), (3, 4, 5), None, 5),
    ((3, 4, 5, 65, 66), (3, 4, 5, 65, 66), "DseV2", 65),
]


@pytest.mark.parametrize("origin_versions,target_versions,blocked,expected", MATRIX,
                         ids=[f"origin{''.join(map(str, o))}-target{''.join(map(str, t))}"
                              f"{'-blocked ' + b if b else ''}" for o, t, b, _ in MATRIX])
def test_driver_settles_on_a_version_both_clusters_accept(proxy_env, origin_versions,
                                                         target_versions, blocked, expected):
    config = {"blocked_protocol_versions": blocked} if blocked else {}
    env = proxy_env(origin_args=versions(*origin_versions),
                    target_args=versions(*target_versions), **config)
    session = env.connect_proxy(protocol_version=None)  # the driver negotiates
    assert session.cluster.protocol_version == expected
    prepared_round_trip(env, session, f"matrix_v{expected}")


@pytest.mark.parametrize("protocol_version", [65, 66], ids=["DSE_V1", "DSE_V2"])
def test_dse_versions_pass_through(proxy_env, protocol_version):
    dse = versions(3, 4, 5, 65, 66)
    env = proxy_env(origin_args=dse, target_args=dse)
    session = env.connect_proxy(protocol_version)
    assert session.cluster.protocol_version == protocol_version
    prepared_round_trip(env, session, f"dse_{protocol_version}")


def frame(version, opcode, body=b"", stream=0):
    if version < 3:
        return struct.pack(">BBbBI", version, 0, stream, opcode, len(body)) + body
    return struct.pack(">BBhBI", version, 0, stream, opcode, len(body)) + body


def read_frame(sock):
    """(version byte, stream, opcode, body) of the next frame; v3+ header layout, which is
    how the proxy answers every version it refuses except v1/v2."""
    def exactly(n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise AssertionError(f"connection closed after {len(data)} of {n} bytes")
            data += chunk
        return data
    first = exactly(1)
    if first[0] & 0x7F < 3:
        rest = exactly(7)
        version, _flags, stream, opcode, length = struct.unpack(">BBbBI", first + rest)
    else:
        rest = exactly(8)
        version, _flags, stream, opcode, length = struct.unpack(">BBhBI", first + rest)
    return version, stream, opcode, exactly(length)


def error_of(body):
    code, length = struct.unpack(">iH", body[:6])
    return code, body[6:6 + length].decode()


STARTUP_BODY = struct.pack(">H", 1) + b"".join(
    struct.pack(">H", len(s)) + s for s in (b"CQL_VERSION", b"3.0.0"))


@pytest.mark.parametrize("version,blocked", [(6, None), (0x43, None), (5, "v5"), (2, None),
                                             (1, None)])
def test_refused_versions_get_a_protocol_error_the_driver_can_read(proxy_env, version, blocked):
    config = {"blocked_protocol_versions": blocked} if blocked else {}
    env = proxy_env(**config)
    with socket.create_connection((env.proxy.host, env.proxy.port), timeout=10) as sock:
        sock.sendall(frame(version, 0x01, STARTUP_BODY, stream=0))
        reply_version, stream, opcode, body = read_frame(sock)
        assert reply_version & 0x80, "a response"
        if version < 3:
            assert reply_version & 0x7F == version, "old clients get their own header layout"
        else:
            assert reply_version & 0x7F in (3, 4, 5) and reply_version & 0x7F != version
        assert (stream, opcode) == (0, 0x00), "an ERROR on stream 0"
        code, message = error_of(body)
        assert code == 0x000A, "PROTOCOL_ERROR"
        assert message == f"Invalid or unsupported protocol version ({version})"
        assert sock.recv(1) == b"", "the proxy closes the refused connection"
    # The proxy still serves everyone else.
    session = env.connect_proxy(4)
    assert session.execute("SELECT release_version FROM system.local").one()


BLOB = os.urandom(5 * 1024 * 1024 - 17)


@pytest.mark.parametrize("protocol_version,compression", [(4, "lz4"), (5, "lz4"), (5, None),
                                                          (3, "snappy")],
                         ids=["v4-lz4", "v5-lz4-segments", "v5-segments", "v3-snappy"])
def test_five_mib_values_round_trip(proxy_env, protocol_version, compression):
    env = proxy_env()
    session = env.connect_proxy(protocol_version, compression=compression or False)
    assert session.cluster.protocol_version == protocol_version
    ks = f"blobs_v{protocol_version}_{compression or 'plain'}"
    session.execute(KEYSPACE_DDL.format(ks=ks))
    session.execute(f"CREATE TABLE {ks}.files (k int PRIMARY KEY, data blob)")
    insert = session.prepare(f"INSERT INTO {ks}.files (k, data) VALUES (?, ?)")
    # Random bytes do not compress: each frame really is larger than a 128 KiB segment.
    values = {k: BLOB[k:] + bytes([k]) * k for k in range(3)}
    for k, data in values.items():
        session.execute(insert, (k, data), timeout=60)
    select = session.prepare(f"SELECT data FROM {ks}.files WHERE k = ?")
    for k, data in values.items():
        got = session.execute(select, (k,), timeout=60).one()["data"]
        assert len(got) == len(data) and got == data, f"blob {k} came back different"
    # Both clusters hold the same bytes.
    for name, direct in (("Origin", env.connect_origin(4)), ("Target", env.connect_target(4))):
        for k, data in values.items():
            got = direct.execute(f"SELECT data FROM {ks}.files WHERE k = {k}", timeout=60).one()
            assert got["data"] == data, f"{name}: blob {k} differs"
