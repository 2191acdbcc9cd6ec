"""Batches, lightweight transactions, TTL and write timestamps, and the errors a user sees,
over protocol v3, v4 and v5."""

import time

import pytest
from cassandra import AlreadyExists, InvalidRequest
from cassandra.protocol import SyntaxException
from cassandra.query import BatchStatement, BatchType, SimpleStatement

VERSIONS = [3, 4, 5]


def now_micros():
    return int(time.time() * 1_000_000)


def one(session, query, parameters=None):
    rows = list(session.execute(query, parameters))
    assert len(rows) == 1, f"{query}: {len(rows)} rows"
    return rows[0]


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_logged_and_unlogged_batches_apply_every_statement_with_one_timestamp(
        sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"batch_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.kv (k int, c int, v text, PRIMARY KEY (k, c))")
    insert = session.prepare(f"INSERT INTO {ks}.kv (k, c, v) VALUES (?, ?, ?)")

    for batch_type, base in ((BatchType.LOGGED, 0), (BatchType.UNLOGGED, 100)):
        batch = BatchStatement(batch_type=batch_type)
        for i in range(10):
            batch.add(insert, (base + i, i, f"prepared {base + i}"))
        batch.add(SimpleStatement(f"INSERT INTO {ks}.kv (k, c, v) VALUES (%s, %s, %s)"),
                  (base + 50, 0, "simple with values"))
        batch.add(f"UPDATE {ks}.kv SET v = 'simple literal' WHERE k = {base + 51} AND c = 1")
        batch.add(f"DELETE FROM {ks}.kv WHERE k = {base} AND c = 0")
        session.execute(batch)

        rows = {(r["k"], r["c"]): r for r in session.execute(
            f"SELECT k, c, v, writetime(v) AS wt FROM {ks}.kv WHERE k IN "
            f"({', '.join(str(base + i) for i in [*range(10), 50, 51])})")}
        expected = {(base + i, i): f"prepared {base + i}" for i in range(1, 10)}
        expected[(base + 50, 0)] = "simple with values"
        expected[(base + 51, 1)] = "simple literal"
        assert {key: r["v"] for key, r in rows.items()} == expected, batch_type
        assert len({r["wt"] for r in rows.values()}) == 1, "one timestamp for the whole batch"


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_batch_timestamps_follow_using_timestamp_over_the_client_timestamp(
        sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"batch_ts_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.kv (k int PRIMARY KEY, v text)")
    # The driver sends its own default timestamp with every request; USING TIMESTAMP wins.
    session.execute(f"BEGIN UNLOGGED BATCH USING TIMESTAMP 1000 "
                    f"INSERT INTO {ks}.kv (k, v) VALUES (1, 'a'); "
                    f"INSERT INTO {ks}.kv (k, v) VALUES (2, 'b'); APPLY BATCH")
    batch = BatchStatement()
    batch.add(f"INSERT INTO {ks}.kv (k, v) VALUES (3, 'c') USING TIMESTAMP 42")
    batch.add(f"INSERT INTO {ks}.kv (k, v) VALUES (4, 'd')")
    before = now_micros()
    session.execute(batch)
    after = now_micros()

    times = {r["k"]: r["writetime(v)"] for r in session.execute(
        f"SELECT k, writetime(v) FROM {ks}.kv WHERE k IN (1, 2, 3, 4)")}
    assert times[1] == 1000 and times[2] == 1000
    assert times[3] == 42
    assert before - 1_000_000 <= times[4] <= after + 1_000_000


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_counter_batches(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"counter_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.hits (page text PRIMARY KEY, views counter, "
                    "errors counter)")
    bump = session.prepare(
        f"UPDATE {ks}.hits SET views = views + ?, errors = errors - ? WHERE page = ?")
    for _ in range(2):
        batch = BatchStatement(batch_type=BatchType.COUNTER)
        for i in range(5):
            batch.add(bump, (i + 1, i, f"/page/{i}"))
        session.execute(batch)
    session.execute(f"UPDATE {ks}.hits SET views = views + 100 WHERE page = '/page/0'")

    counts = {r["page"]: (r["views"], r["errors"]) for r in session.execute(
        f"SELECT * FROM {ks}.hits")}
    expected = {f"/page/{i}": (2 * (i + 1), -2 * i) for i in range(5)}
    expected["/page/0"] = (102, 0)
    assert counts == expected

    logged = BatchStatement(batch_type=BatchType.LOGGED)
    logged.add(bump, (1, 1, "/page/0"))
    with pytest.raises(InvalidRequest, match="(?i)counter"):
        session.execute(logged)
    with pytest.raises(InvalidRequest):
        session.execute(f"INSERT INTO {ks}.hits (page, views) VALUES ('/x', 1)")


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_lightweight_transactions(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"lwt_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.users (id int PRIMARY KEY, name text, email text)")
    users = f"{ks}.users"

    result = session.execute(f"INSERT INTO {users} (id, name, email) VALUES (1, 'ann', 'a@x') "
                             "IF NOT EXISTS")
    assert result.was_applied and result.one() == {"[applied]": True}
    result = session.execute(f"INSERT INTO {users} (id, name, email) VALUES (1, 'bob', 'b@x') "
                             "IF NOT EXISTS")
    row = result.one()
    assert not result.was_applied
    assert list(row) == ["[applied]", "id", "email", "name"]
    assert row == {"[applied]": False, "id": 1, "email": "a@x", "name": "ann"}

    result = session.execute(f"UPDATE {users} SET email = 'ann@x' WHERE id = 1 IF name = 'ann'")
    assert result.one() == {"[applied]": True}
    result = session.execute(f"UPDATE {users} SET email = 'zed@x' WHERE id = 1 IF name = 'zed'")
    assert result.one() == {"[applied]": False, "name": "ann"}
    result = session.execute(f"UPDATE {users} SET name = 'x' WHERE id = 1 "
                             "IF name = 'ann' AND email = 'wrong'")
    assert result.one() == {"[applied]": False, "name": "ann", "email": "ann@x"}
    result = session.execute(f"UPDATE {users} SET name = 'anne' WHERE id = 1 IF name != 'zed'")
    assert result.was_applied
    result = session.execute(f"UPDATE {users} SET name = 'x' WHERE id = 2 IF EXISTS")
    assert result.one() == {"[applied]": False}

    prepared = session.prepare(f"INSERT INTO {users} (id, name, email) VALUES (?, ?, ?) "
                               "IF NOT EXISTS")
    assert session.execute(prepared, (3, "cy", "c@x")).was_applied
    result = session.execute(prepared, (3, "dee", "d@x"))
    assert result.one() == {"[applied]": False, "id": 3, "email": "c@x", "name": "cy"}

    result = session.execute(f"DELETE FROM {users} WHERE id = 1 IF EXISTS")
    assert result.was_applied
    result = session.execute(f"DELETE FROM {users} WHERE id = 1 IF EXISTS")
    assert result.one() == {"[applied]": False}

    assert {r["id"]: (r["name"], r["email"]) for r in session.execute(f"SELECT * FROM {users}")} \
        == {3: ("cy", "c@x")}


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_conditional_batch_applies_all_or_nothing(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"lwt_batch_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.acct (owner text, item text, qty int, "
                    "PRIMARY KEY (owner, item))")
    session.execute(f"INSERT INTO {ks}.acct (owner, item, qty) VALUES ('o', 'apples', 5)")
    ok = session.execute(
        f"BEGIN BATCH UPDATE {ks}.acct SET qty = 4 WHERE owner = 'o' AND item = 'apples' "
        "IF qty = 5; "
        f"INSERT INTO {ks}.acct (owner, item, qty) VALUES ('o', 'pears', 1); APPLY BATCH")
    assert ok.was_applied
    failed = session.execute(
        f"BEGIN BATCH UPDATE {ks}.acct SET qty = 3 WHERE owner = 'o' AND item = 'apples' "
        "IF qty = 5; "
        f"INSERT INTO {ks}.acct (owner, item, qty) VALUES ('o', 'plums', 1); APPLY BATCH")
    assert not failed.was_applied
    assert {r["item"]: r["qty"] for r in session.execute(
        f"SELECT item, qty FROM {ks}.acct WHERE owner = 'o'")} == {"apples": 4, "pears": 1}


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_ttl_and_writetime(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"ttl_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.t (k int PRIMARY KEY, a text, b text)")
    t = f"{ks}.t"

    session.execute(f"INSERT INTO {t} (k, a, b) VALUES (1, 'x', 'y') "
                    "USING TTL 1000 AND TIMESTAMP 1234567890")
    row = one(session, f"SELECT ttl(a), writetime(a), ttl(b), writetime(b) FROM {t} WHERE k = 1")
    assert set(row) == {"ttl(a)", "writetime(a)", "ttl(b)", "writetime(b)"}
    assert 900 < row["ttl(a)"] <= 1000 and 900 < row["ttl(b)"] <= 1000
    assert row["writetime(a)"] == row["writetime(b)"] == 1234567890

    before = now_micros()
    session.execute(f"UPDATE {t} USING TTL 500 SET b = 'z' WHERE k = 1")
    after = now_micros()
    row = one(session, f"SELECT b, ttl(a) AS ta, ttl(b) AS tb, writetime(b) AS wb FROM {t} "
                       "WHERE k = 1")
    assert row["b"] == "z" and 900 < row["ta"] <= 1000 and 400 < row["tb"] <= 500
    assert before - 1_000_000 <= row["wb"] <= after + 1_000_000, "the driver's client timestamp"

    session.execute(f"INSERT INTO {t} (k, a) VALUES (2, 'no ttl')")
    session.execute(f"INSERT INTO {t} (k, a) VALUES (3, 'ttl 0') USING TTL 0")
    assert one(session, f"SELECT ttl(a) FROM {t} WHERE k = 2")["ttl(a)"] is None
    assert one(session, f"SELECT ttl(a) FROM {t} WHERE k = 3")["ttl(a)"] is None

    prepared = session.prepare(f"INSERT INTO {t} (k, a) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?")
    assert [c.name for c in prepared.column_metadata] == ["k", "a", "[ttl]", "[timestamp]"]
    session.execute(prepared, (4, "bound", 700, 999))
    row = one(session, f"SELECT ttl(a) AS ta, writetime(a) AS wa FROM {t} WHERE k = 4")
    assert 600 < row["ta"] <= 700 and row["wa"] == 999

    session.execute(f"CREATE TABLE {ks}.d (k int PRIMARY KEY, v text) "
                    "WITH default_time_to_live = 300")
    session.execute(f"INSERT INTO {ks}.d (k, v) VALUES (1, 'default ttl')")
    assert 200 < one(session, f"SELECT ttl(v) FROM {ks}.d WHERE k = 1")["ttl(v)"] <= 300


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_last_write_wins_by_timestamp(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"lww_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.t (k int PRIMARY KEY, v text)")
    t = f"{ks}.t"

    def value(k):
        rows = list(session.execute(f"SELECT v, writetime(v) AS wt FROM {t} WHERE k = {k}"))
        return (rows[0]["v"], rows[0]["wt"]) if rows else None

    session.execute(f"INSERT INTO {t} (k, v) VALUES (1, 'new') USING TIMESTAMP 2000")
    session.execute(f"INSERT INTO {t} (k, v) VALUES (1, 'old') USING TIMESTAMP 1000")
    assert value(1) == ("new", 2000), "an older write does not replace a newer one"
    session.execute(f"DELETE FROM {t} USING TIMESTAMP 1500 WHERE k = 1")
    assert value(1) == ("new", 2000), "an older delete does not shadow a newer write"
    session.execute(f"DELETE FROM {t} USING TIMESTAMP 2500 WHERE k = 1")
    assert value(1) is None
    session.execute(f"INSERT INTO {t} (k, v) VALUES (1, 'shadowed') USING TIMESTAMP 2400")
    assert value(1) is None, "the tombstone shadows older writes that arrive later"
    session.execute(f"INSERT INTO {t} (k, v) VALUES (1, 'after') USING TIMESTAMP 2600")
    assert value(1) == ("after", 2600)

    # Equal timestamps: the greater value wins, whatever the order of arrival.
    session.execute(f"INSERT INTO {t} (k, v) VALUES (2, 'bbb') USING TIMESTAMP 3000")
    session.execute(f"INSERT INTO {t} (k, v) VALUES (2, 'aaa') USING TIMESTAMP 3000")
    session.execute(f"INSERT INTO {t} (k, v) VALUES (3, 'aaa') USING TIMESTAMP 3000")
    session.execute(f"INSERT INTO {t} (k, v) VALUES (3, 'bbb') USING TIMESTAMP 3000")
    assert value(2) == ("bbb", 3000) and value(3) == ("bbb", 3000)


@pytest.mark.parametrize("protocol_version", VERSIONS)
def test_errors_a_user_sees(sessions, protocol_version, new_keyspace):
    session = sessions(protocol_version)
    ks = new_keyspace(session, f"errors_v{protocol_version}")
    session.execute(f"CREATE TABLE {ks}.t (k int PRIMARY KEY, v text)")

    with pytest.raises(SyntaxException):
        session.execute(f"SELEC * FROM {ks}.t")
    with pytest.raises(SyntaxException):
        session.execute(f"INSERT INTO {ks}.t (k, v) VALUES (1, 'unterminated)")
    with pytest.raises(SyntaxException):
        session.prepare(f"SELECT * FROM {ks}.t WHERE")

    with pytest.raises(InvalidRequest, match="no_such_table"):
        session.execute(f"SELECT * FROM {ks}.no_such_table")
    with pytest.raises(InvalidRequest, match="no_such_ks"):
        session.execute("SELECT * FROM no_such_ks.t")
    with pytest.raises(InvalidRequest, match="no_such_column"):
        session.execute(f"SELECT no_such_column FROM {ks}.t")
    with pytest.raises(InvalidRequest):
        session.execute(f"INSERT INTO {ks}.t (k, v) VALUES ('not an int', 'x')")
    with pytest.raises(InvalidRequest):
        session.execute(f"INSERT INTO {ks}.t (v) VALUES ('no key')")
    with pytest.raises(InvalidRequest):
        session.execute(f"SELECT * FROM {ks}.t WHERE v = 'needs filtering'")
    with pytest.raises(InvalidRequest, match="no_such_table"):
        session.prepare(f"INSERT INTO {ks}.no_such_table (k) VALUES (?)")

    with pytest.raises(AlreadyExists) as exists:
        session.execute(f"CREATE KEYSPACE {ks} WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    assert exists.value.keyspace == ks and not exists.value.table
    with pytest.raises(AlreadyExists) as exists:
        session.execute(f"CREATE TABLE {ks}.t (k int PRIMARY KEY)")
    assert (exists.value.keyspace, exists.value.table) == (ks, "t")
    session.execute(f"CREATE TABLE IF NOT EXISTS {ks}.t (k int PRIMARY KEY)")
    session.execute(f"CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
