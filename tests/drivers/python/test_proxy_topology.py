"""Drivers see the proxy instances, not the clusters' nodes (SPEC 7)."""

import ipaddress

import pytest

PROXY_ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
NUM_TOKENS = 8  # proxy_topology_num_tokens' default
REAL_NODES = {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.11", "127.0.0.12", "127.0.0.13"}


def expected_tokens(index, count, num_tokens=NUM_TOKENS):
    """SPEC 7: floor(2^64 / (T*N)) * (t*N + i) - 2^63 for t in 0..T-1."""
    step = 2**64 // (num_tokens * count)
    return {str(step * (t * count + index) - 2**63) for t in range(num_tokens)}


def on(session, address, query):
    """Runs `query` on the host at `address` (the driver otherwise spreads queries)."""
    host = next(h for h in session.cluster.metadata.all_hosts() if h.endpoint.address == address)
    return session.execute(query, host=host)


def host_endpoints(session):
    return {(h.endpoint.address, h.endpoint.port) for h in session.cluster.metadata.all_hosts()}


@pytest.mark.parametrize("protocol_version", [4, 5])
def test_a_single_proxy_is_the_whole_cluster(proxy_env, protocol_version):
    env = proxy_env()
    session = env.connect_proxy(protocol_version)
    # stdout carries only the lines scripts wait for (the HTTP endpoints, then the clients'
    # listener); logs go to stderr.
    assert env.proxy.stdout_lines() == [f"http {env.proxy.http}",
                                        f"listening {env.proxy.host}:{env.proxy.port}"]
    assert host_endpoints(session) == {(env.proxy.host, env.proxy.port)}, \
        "the driver must see the proxy, not Origin's or Target's nodes"

    local = session.execute("SELECT * FROM system.local").one()
    assert str(local["rpc_address"]) == env.proxy.host
    assert str(local["broadcast_address"]) == env.proxy.host
    assert set(local["tokens"]) == expected_tokens(0, 1)
    assert local["cluster_name"] == "origin"  # copied from system_queries_mode's cluster
    assert local["data_center"] == "datacenter1" and local["rack"] == "rack0"
    assert local["partitioner"] == "org.apache.cassandra.dht.Murmur3Partitioner"
    assert list(session.execute("SELECT * FROM system.peers")) == []
    assert session.execute("SELECT count(*) FROM system.local").one()["count"] == 1

    # The driver's own view of the ring is the proxy's tokens.
    ring = session.cluster.metadata.token_map.ring
    assert {str(t.value) for t in ring} == expected_tokens(0, 1)


def test_three_proxies_show_each_other_as_peers(proxy_env, start_proxy):
    addresses = ", ".join(PROXY_ADDRESSES)
    env = proxy_env(proxy_topology_addresses=addresses, proxy_topology_index=0)
    port = env.proxy.port
    # Drivers take peers' ports from the contact point, so all three share one port.
    proxies = [env.proxy] + [
        start_proxy(dict(env.proxy.config, proxy_listen_address=PROXY_ADDRESSES[i],
                         proxy_listen_port=port, proxy_topology_index=i))
        for i in (1, 2)]
    assert [(p.host, p.port) for p in proxies] == [(a, port) for a in PROXY_ADDRESSES]

    locals_ = []
    for i, proxy in enumerate(proxies):
        session = env.connect_proxy(4, proxy=proxy)
        me = PROXY_ADDRESSES[i]
        local = on(session, me, "SELECT * FROM system.local").one()
        assert str(local["rpc_address"]) == me
        assert set(local["tokens"]) == expected_tokens(i, 3), f"proxy {i} tokens"
        locals_.append(local)

        peers = {str(r["peer"]): r for r in on(session, me, "SELECT * FROM system.peers")}
        others = [a for a in PROXY_ADDRESSES if a != PROXY_ADDRESSES[i]]
        assert sorted(peers) == others, f"system.peers through proxy {i}"
        for address, row in peers.items():
            j = PROXY_ADDRESSES.index(address)
            assert str(row["rpc_address"]) == address
            assert set(row["tokens"]) == expected_tokens(j, 3), f"tokens of {address}"
            assert row["data_center"] == local["data_center"]
            assert row["rack"] == "rack0"
        count = on(session, me, "SELECT count(*) FROM system.peers").one()["count"]
        assert count == 2
        selected = on(session, me, "SELECT peer, tokens AS t FROM system.peers").all()
        assert {str(r["peer"]) for r in selected} == set(others)
        assert all(set(r) == {"peer", "t"} for r in selected)

        # The driver sees three hosts, all proxies, and none of the real nodes.
        hosts = host_endpoints(session)
        assert hosts == {(a, port) for a in PROXY_ADDRESSES}, hosts
        assert all(h.is_up for h in session.cluster.metadata.all_hosts())
        ring = {str(t.value) for t in session.cluster.metadata.token_map.ring}
        assert ring == set().union(*(expected_tokens(j, 3) for j in range(3)))

    # host ids are per address, and every proxy names the same id for the same address.
    host_ids = [local["host_id"] for local in locals_]
    assert len(set(host_ids)) == 3
    peers_of_0 = {str(r["peer"]): r["host_id"] for r in
                  on(env.connect_proxy(4), PROXY_ADDRESSES[0], "SELECT * FROM system.peers")}
    assert peers_of_0 == {PROXY_ADDRESSES[1]: host_ids[1], PROXY_ADDRESSES[2]: host_ids[2]}

    # Requests through the three-proxy cluster are spread over all of them and work.
    session = env.connect_proxy(4)
    session.execute("CREATE KEYSPACE topo WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE topo.kv (k int PRIMARY KEY, v int)")
    insert = session.prepare("INSERT INTO topo.kv (k, v) VALUES (?, ?)")
    coordinators = set()
    for k in range(30):
        coordinators.add(session.execute(insert, (k, k)).response_future.coordinator_host)
    assert {str(ipaddress.ip_address(c.split(':')[0])) for c in map(str, coordinators)} \
        == set(PROXY_ADDRESSES)
    direct = env.connect_target(4)
    assert direct.execute("SELECT count(*) FROM topo.kv").one()["count"] == 30
