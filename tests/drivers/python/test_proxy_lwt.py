"""Conditional writes through the proxy (SPEC 4): both clusters get them, the client sees the
primary's [applied], and a disagreement between the clusters is reported, not hidden."""

import pytest

from proxy_support import wait_until

KEYSPACE_DDL = ("CREATE KEYSPACE {ks} WITH replication = "
                "{{'class': 'SimpleStrategy', 'replication_factor': 1}}")


@pytest.mark.parametrize("protocol_version", [4, 5])
def test_a_conditional_write_that_applies_on_one_cluster_only_is_reported(proxy_env,
                                                                          protocol_version):
    env = proxy_env(primary="ORIGIN")
    session = env.connect_proxy(protocol_version)
    session.execute(KEYSPACE_DDL.format(ks="lwt"))
    session.execute("CREATE TABLE lwt.t (k int PRIMARY KEY, v text)")

    # Applied on both: the client sees [applied] true and both clusters hold the row.
    first = session.execute("INSERT INTO lwt.t (k, v) VALUES (1, 'both') IF NOT EXISTS").one()
    assert first["[applied]"] is True
    for direct in (env.connect_origin(protocol_version), env.connect_target(protocol_version)):
        assert direct.execute("SELECT v FROM lwt.t WHERE k = 1").one()["v"] == "both"

    # A row only Origin has: IF NOT EXISTS fails on Origin (the primary, whose answer the
    # client gets) and applies on Target. The proxy must say so.
    env.connect_origin(protocol_version).execute(
        "INSERT INTO lwt.t (k, v) VALUES (2, 'origin only')")
    second = session.execute("INSERT INTO lwt.t (k, v) VALUES (2, 'new') IF NOT EXISTS").one()
    assert second["[applied]"] is False, "the client gets the primary's (Origin's) answer"
    assert second["v"] == "origin only"
    wait_until(lambda: "applied on TARGET only" in env.proxy.log_text(), 10,
               "the proxy to report the conditional write that applied on Target only")
    assert "lwt.t" in env.proxy.log_text()
