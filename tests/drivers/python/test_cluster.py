"""What the driver learns about the cluster: hosts, tokens and routing, schema metadata,
authentication, protocol negotiation and prepared statement ids."""

import hashlib

import pytest
from cassandra import AuthenticationFailed
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import NoHostAvailable
from cassandra.cqltypes import Int32Type
from cassandra.metadata import Murmur3Token

from conftest import connect
from row_data import COLUMNS, UDT_DDL, table_ddl

VERSIONS = [3, 4, 5]
ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_driver_discovers_three_hosts_in_one_datacenter(sessions, cqlsim,
                                                        protocol_version):
    session = sessions(protocol_version)
    cluster = session.cluster
    hosts = sorted(cluster.metadata.all_hosts(), key=lambda h: h.address)
    assert [h.address for h in hosts] == ADDRESSES
    assert all(h.is_up for h in hosts)
    assert {(h.datacenter, h.rack) for h in hosts} == {("datacenter1", "rack1")}
    assert len({h.host_id for h in hosts}) == 3
    assert all(h.release_version for h in hosts)
    assert cluster.metadata.cluster_name == "cqlsim"
    assert sorted(h.address for h in session.get_pool_state()) == ADDRESSES, \
        "the driver opened a pool to every node"

    admin_nodes = {n["address"]: n for n in cqlsim.admin.nodes()}
    assert sorted(admin_nodes) == ADDRESSES
    for h in hosts:
        node = admin_nodes[h.address]
        assert (node["datacenter"], node["rack"]) == (h.datacenter, h.rack)
        assert str(node["host_id"]).lower() == str(h.host_id)

    token_map = cluster.metadata.token_map
    owners = {token_map.token_to_host_owner[t].address for t in token_map.ring}
    assert owners == set(ADDRESSES), "every node owns tokens"
    assert len(set(token_map.ring)) == len(token_map.ring)


def test_token_aware_routing_sends_each_request_to_the_replica(start_cqlsim, new_keyspace):
    sim = start_cqlsim(admin=True)  # its own, so that its request log is short
    cluster, session = connect(sim.port, 4)
    try:
        ks = new_keyspace(session, "routing")
        session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v int)")
        insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
        select_token = session.prepare(f"SELECT token(k) AS t FROM {ks}.kv WHERE k = ?")
        node_address = {n["index"]: n["address"] for n in sim.admin.nodes()}
        since = max((e["seq"] for e in sim.admin.log()), default=0)

        keys = list(range(60))
        for k in keys:
            session.execute(insert, (k, k))
        executed = [e for e in sim.admin.log(f"since={since}&opcode=EXECUTE")
                    if e["opcode"] == "EXECUTE" and e["statement"] == insert.query_string]
        assert len(executed) == len(keys)

        replicas = []
        for k, entry in zip(keys, sorted(executed, key=lambda e: e["seq"])):
            routing_key = Int32Type.serialize(k, 4)
            replica = cluster.metadata.get_replicas(ks, routing_key)
            assert len(replica) == 1
            replicas.append(replica[0].address)
            assert node_address[entry["node"]] == replica[0].address, f"key {k}"
            token = session.execute(select_token, (k,)).one()["t"]
            assert token == Murmur3Token.from_key(routing_key).value, f"token(k) of {k}"
        assert set(replicas) == set(ADDRESSES), "keys spread over every node"
    finally:
        cluster.shutdown()


def test_token_range_scan_returns_each_row_once(sessions, new_keyspace):
    session = sessions(4)
    ks = new_keyspace(session, "token_scan")
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v int)")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
    for k in range(200):
        session.execute(insert, (k, -k))
    ring = sorted(t.value for t in session.cluster.metadata.token_map.ring)
    scan = session.prepare(f"SELECT k, v FROM {ks}.kv WHERE token(k) > ? AND token(k) <= ?")
    # The ranges (previous token, token], and the one that wraps around the ring in two parts.
    seen = [r["k"] for r in session.execute(f"SELECT k FROM {ks}.kv WHERE token(k) <= {ring[0]}")]
    for low, high in [*zip(ring, ring[1:]), (ring[-1], 2**63 - 1)]:
        seen += [r["k"] for r in session.execute(scan, (low, high))]
    assert sorted(seen) == list(range(200))


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_schema_metadata_as_the_driver_sees_it(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    cluster = session.cluster
    ks = new_keyspace(session, f"meta_v{protocol_version}")
    session.execute(UDT_DDL.format(ks=ks))
    session.execute(table_ddl(ks, "all_types"))
    session.execute(f"CREATE TABLE {ks}.composite (a text, b int, c timeuuid, d text, v blob, "
                    "PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)")

    keyspace = cluster.metadata.keyspaces[ks]
    assert keyspace.replication_strategy.name == "SimpleStrategy"
    assert keyspace.replication_strategy.replication_factor == 1
    assert keyspace.durable_writes

    address = keyspace.user_types["address"]
    assert address.field_names == ["street", "zip", "phones"]
    assert address.field_types == ["text", "int", "frozen<list<text>>"]

    table = keyspace.tables["all_types"]
    assert [c.name for c in table.partition_key] == ["pk"]
    assert [c.name for c in table.clustering_key] == ["ck"]
    assert {name: c.cql_type for name, c in table.columns.items()} == \
        {"pk": "int", "ck": "int", **{name: shown for name, _, shown in COLUMNS}}

    composite = keyspace.tables["composite"]
    assert [c.name for c in composite.partition_key] == ["a", "b"]
    assert [c.name for c in composite.clustering_key] == ["c", "d"]
    assert [c.is_reversed for c in composite.clustering_key] == [True, False]
    assert "CLUSTERING ORDER BY (c DESC, d ASC)" in composite.export_as_string()
    assert keyspace.export_as_string()  # renders every table and type

    session.execute(f"ALTER TABLE {ks}.composite ADD extra map<text, int>")
    assert cluster.metadata.keyspaces[ks].tables["composite"].columns["extra"].cql_type == \
        "map<text, int>"
    session.execute(f"DROP TABLE {ks}.composite")
    assert "composite" not in cluster.metadata.keyspaces[ks].tables
    session.execute(f"DROP KEYSPACE {ks}")
    assert ks not in cluster.metadata.keyspaces


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_password_authentication(start_cqlsim, protocol_version):
    sim = start_cqlsim("--auth", "cassandra:cassandra", "--auth", "reader:s3cret")
    for user, password in (("cassandra", "cassandra"), ("reader", "s3cret")):
        cluster, session = connect(sim.port, protocol_version,
                                   auth_provider=PlainTextAuthProvider(user, password))
        try:
            assert sorted(h.address for h in session.get_pool_state()) == ADDRESSES
            assert session.execute("SELECT release_version FROM system.local").one()
        finally:
            cluster.shutdown()

    for provider in (PlainTextAuthProvider("cassandra", "wrong"),
                     PlainTextAuthProvider("nobody", "cassandra"), None):
        with pytest.raises(NoHostAvailable) as failure:
            connect(sim.port, protocol_version, auth_provider=provider)
        errors = list(failure.value.errors.values())
        assert errors and all(isinstance(e, AuthenticationFailed) for e in errors), errors


@pytest.mark.parametrize("versions,expected", [(None, 5), ("3,4", 4), ("3", 3)])
def test_driver_negotiates_the_highest_common_protocol_version(start_cqlsim, versions,
                                                               expected):
    sim = start_cqlsim(*(["--protocol-versions", versions] if versions else []), nodes=1)
    cluster, session = connect(sim.port)
    try:
        assert cluster.protocol_version == expected
        assert session.execute("SELECT cluster_name FROM system.local").one()
    finally:
        cluster.shutdown()
    if versions:
        with pytest.raises(NoHostAvailable):
            connect(sim.port, expected + 1)


def test_cluster_name_option(start_cqlsim):
    sim = start_cqlsim("--cluster-name", "Migration Source", nodes=1)
    cluster, session = connect(sim.port, 4)
    try:
        assert cluster.metadata.cluster_name == "Migration Source"
        assert session.execute("SELECT cluster_name FROM system.local").one() == \
            {"cluster_name": "Migration Source"}
    finally:
        cluster.shutdown()


def prepared_id(sim, query, keyspace_ddl, table_ddl_text):
    cluster, session = connect(sim.port, 4)
    try:
        session.execute(keyspace_ddl)
        session.execute(table_ddl_text)
        return session.prepare(query).query_id
    finally:
        cluster.shutdown()


def test_prepared_id_salt(start_cqlsim):
    keyspace_ddl = ("CREATE KEYSPACE salted WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    table = "CREATE TABLE salted.t (k int PRIMARY KEY, v text)"
    query = "SELECT v FROM salted.t WHERE k = ?"
    ids = {}
    for name, args in (("a1", ["--prepared-id-salt", "alpha"]),
                       ("a2", ["--prepared-id-salt", "alpha"]),
                       ("b", ["--prepared-id-salt", "beta"]),
                       ("none", [])):
        ids[name] = prepared_id(start_cqlsim(*args, nodes=1), query, keyspace_ddl, table)
    assert ids["a1"] == ids["a2"], "the same salt gives the same id"
    assert ids["a1"] != ids["b"], "another salt gives another id"
    # Without a salt, the id is Cassandra's: MD5 of the query text (no session keyspace).
    assert ids["none"] == hashlib.md5(query.encode()).digest()
