'use strict';
// The core flow of the DataStax Node.js driver against a three-node cqlsim: schema, prepared
// inserts, paged read-back of every row, batches, LWT, TTL and writetime, schema metadata and
// the hosts the driver discovered. Throws (assert) on the first mismatch.

const assert = require('node:assert/strict');
const cassandra = require('cassandra-driver');

const { types } = cassandra;
const { Long } = types;
const PAGE_SIZE = 100;
const ROWS_PER_PARTITION = 7;
const ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];

const COLUMNS = ['pk', 'ck', 'name', 'big', 'flag', 'score', 'ratio', 'amount', 'id', 'tid', 'ts',
  'day', 'data', 'ip', 'tags', 'nums', 'attrs', 'addr', 'vi', 'small', 'tiny', 'dur', 'tm', 'pair'];

const ITEMS_TABLE = `(pk int, ck int, name text, big bigint, flag boolean, score double,
  ratio float, amount decimal, id uuid, tid timeuuid, ts timestamp, day date, data blob, ip inet,
  tags set<text>, nums list<int>, attrs map<text, int>, addr frozen<address>, vi varint,
  small smallint, tiny tinyint, dur duration, tm time, pair frozen<tuple<int, text>>,
  PRIMARY KEY (pk, ck))`;

// Deterministic pseudo-random numbers for row n (a 32-bit xorshift).
function generator(seed) {
  let x = (seed * 2654435761 + 1) >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
  return {
    int: (n) => next() % n,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => next() & 0xff)),
  };
}

function rowFor(n) {
  const r = generator(n);
  const k = n % 4; // row 4m: empty collections, which Cassandra stores as null
  const uuidBytes = r.bytes(16);
  uuidBytes[6] = (uuidBytes[6] & 0x0f) | 0x40;
  uuidBytes[8] = (uuidBytes[8] & 0x3f) | 0x80;
  const tags = [...new Set(Array.from({ length: k }, () => `tag${r.int(50)}`))].sort();
  const attrs = {};
  for (let i = 0; i < k; i++) {
    attrs[`a${i}`] = r.int(1000) - 500;
  }
  return {
    pk: Math.floor(n / ROWS_PER_PARTITION),
    ck: n % ROWS_PER_PARTITION,
    name: n % 10 === 0 ? null : `item ${n} ü 'q' 😀`,
    big: Long.fromBits(r.int(2 ** 32), r.int(2 ** 32) | 0),
    flag: n % 3 === 0,
    score: (r.int(2 ** 31) - 2 ** 30) * 1.5e-7,
    ratio: (r.int(2 ** 20) - 2 ** 19) / 8, // exact in a 32-bit float
    amount: types.BigDecimal.fromString(`${r.int(1e9) - 5e8}.${String(r.int(1e4)).padStart(4, '0')}`),
    id: new types.Uuid(uuidBytes),
    tid: types.TimeUuid.fromDate(new Date(1600000000000 + n * 1000), r.int(10000), r.bytes(6),
      r.bytes(2)),
    ts: new Date((r.int(2 ** 31) - 2 ** 30) * 1000 + r.int(1000)),
    day: new types.LocalDate(1000 + r.int(8000), 1 + r.int(12), 1 + r.int(28)),
    data: r.bytes(n % 30),
    ip: types.InetAddress.fromString(n % 4 === 0 ? `2001:db8::${((n % 65535) + 1).toString(16)}` :
      `10.${n % 256}.${r.int(256)}.${r.int(256)}`),
    tags: tags.length ? tags : null,
    nums: k ? Array.from({ length: k }, () => r.int(2 ** 31) - 2 ** 30) : null,
    attrs: k ? attrs : null,
    addr: { street: `${n} Main St`, zip: 10000 + n },
    vi: types.Integer.fromString(`${n % 2 ? '-' : ''}${r.int(1e9)}${r.int(1e9)}${r.int(1e9)}`),
    small: r.int(65536) - 32768,
    tiny: r.int(256) - 128,
    dur: new types.Duration(r.int(100), r.int(100), Long.fromNumber(r.int(2 ** 31) * 1000)),
    tm: types.LocalTime.fromMilliseconds(r.int(86400000)),
    pair: new types.Tuple(n, `t${n}`),
  };
}

// Comparable plain values for a row as written (rowFor) or as read (a driver Row).
function normalize(row) {
  const text = (v) => (v === null || v === undefined ? null : v.toString());
  return {
    pk: row.pk, ck: row.ck, name: row.name, big: text(row.big), flag: row.flag, score: row.score,
    ratio: row.ratio, amount: text(row.amount), id: text(row.id), tid: text(row.tid),
    ts: row.ts && row.ts.getTime(), day: text(row.day), data: row.data && row.data.toString('hex'),
    ip: text(row.ip), tags: row.tags, nums: row.nums, attrs: row.attrs && { ...row.attrs },
    addr: row.addr && { street: row.addr.street, zip: row.addr.zip }, vi: text(row.vi),
    small: row.small, tiny: row.tiny, dur: text(row.dur), tm: text(row.tm),
    pair: row.pair && row.pair.elements,
  };
}

async function insertItems(client, ks, rows) {
  const insert = `INSERT INTO ${ks}.items (${COLUMNS.join(', ')}) ` +
    `VALUES (${COLUMNS.map(() => '?').join(', ')})`;
  const params = Array.from({ length: rows }, (_, n) => {
    const row = rowFor(n);
    return COLUMNS.map((c) => row[c]);
  });
  await cassandra.concurrent.executeConcurrent(client, insert, params, { concurrencyLevel: 32 });
}

async function readItems(client, ks, rows) {
  const seen = new Set();
  const problems = [];
  let pageState;
  let pages = 0;
  do {
    const result = await client.execute(`SELECT * FROM ${ks}.items`, [],
      { prepare: true, fetchSize: PAGE_SIZE, pageState });
    assert.ok(result.rows.length <= PAGE_SIZE, `page ${pages} holds ${result.rows.length} rows`);
    for (const row of result.rows) {
      const key = `${row.pk}/${row.ck}`;
      const n = row.pk * ROWS_PER_PARTITION + row.ck;
      if (seen.has(key)) {
        problems.push(`row ${key} returned twice`);
      } else if (row.ck < 0 || row.ck >= ROWS_PER_PARTITION || n < 0 || n >= rows) {
        problems.push(`unexpected row ${key}`);
      } else {
        try {
          assert.deepStrictEqual(normalize(row), normalize(rowFor(n)));
        } catch (e) {
          problems.push(`row ${key}: ${e.message}`);
        }
      }
      seen.add(key);
    }
    pageState = result.pageState;
    pages++;
  } while (pageState && problems.length < 5);
  assert.deepEqual(problems, [], 'paged read-back');
  assert.equal(seen.size, rows, 'distinct rows read');
  assert.ok(pages >= Math.ceil(rows / PAGE_SIZE), `${pages} pages for ${rows} rows`);

  // Automatic paging within one partition, in clustering order.
  const cks = [];
  for await (const row of client.stream(`SELECT ck FROM ${ks}.items WHERE pk = ?`, [1],
    { prepare: true, fetchSize: 3 })) {
    cks.push(row.ck);
  }
  assert.deepEqual(cks, [0, 1, 2, 3, 4, 5, 6], 'partition 1 in clustering order');
}

async function checkBatches(client, ks) {
  await client.execute(`CREATE TABLE ${ks}.kv (k int PRIMARY KEY, v text)`);
  await client.execute(`CREATE TABLE ${ks}.hits (k text PRIMARY KEY, n counter)`);
  for (const logged of [true, false]) {
    const queries = Array.from({ length: 10 }, (_, k) => ({
      query: `INSERT INTO ${ks}.kv (k, v) VALUES (?, ?)`, params: [k, `${logged} ${k}`],
    }));
    queries.push({ query: `DELETE FROM ${ks}.kv WHERE k = 9` });
    await client.batch(queries, { prepare: true, logged });
    const result = await client.execute(`SELECT k, v, writetime(v) FROM ${ks}.kv`);
    const got = Object.fromEntries(result.rows.map((r) => [r.k, r.v]));
    const want = Object.fromEntries(Array.from({ length: 9 }, (_, k) => [k, `${logged} ${k}`]));
    assert.deepEqual(got, want, `batch logged=${logged}`);
    const times = new Set(result.rows.map((r) => r['writetime(v)'].toString()));
    assert.equal(times.size, 1, 'one write time for the whole batch');
  }
  const counter = { query: `UPDATE ${ks}.hits SET n = n + ? WHERE k = ?` };
  for (let i = 0; i < 2; i++) {
    await client.batch([{ ...counter, params: [Long.fromNumber(5), 'a'] },
      { ...counter, params: [Long.fromNumber(-2), 'b'] }], { prepare: true, counter: true });
  }
  const counts = await client.execute(`SELECT k, n FROM ${ks}.hits`);
  assert.deepEqual(Object.fromEntries(counts.rows.map((r) => [r.k, r.n.toString()])),
    { a: '10', b: '-4' }, 'counters after two counter batches');
}

async function checkLWT(client, ks) {
  await client.execute(`CREATE TABLE ${ks}.users (id int PRIMARY KEY, name text, email text)`);
  const insert = `INSERT INTO ${ks}.users (id, name, email) VALUES (?, ?, ?) IF NOT EXISTS`;
  let result = await client.execute(insert, [1, 'ann', 'a@x'], { prepare: true });
  assert.equal(result.first()['[applied]'], true, 'first INSERT IF NOT EXISTS');
  result = await client.execute(insert, [1, 'bob', 'b@x'], { prepare: true });
  const row = result.first();
  assert.deepEqual(row.keys(), ['[applied]', 'id', 'email', 'name']);
  assert.deepEqual(row.values(), [false, 1, 'a@x', 'ann'], 'second INSERT IF NOT EXISTS');
  const update = `UPDATE ${ks}.users SET email = ? WHERE id = ? IF name = ?`;
  result = await client.execute(update, ['ann@x', 1, 'ann'], { prepare: true });
  assert.equal(result.first()['[applied]'], true, "UPDATE IF name = 'ann'");
  result = await client.execute(update, ['zed@x', 1, 'zed'], { prepare: true });
  assert.deepEqual([result.first()['[applied]'], result.first().name], [false, 'ann'],
    "UPDATE IF name = 'zed'");
  result = await client.execute(`SELECT email FROM ${ks}.users WHERE id = 1`);
  assert.equal(result.first().email, 'ann@x');
}

async function checkTTL(client, ks) {
  await client.execute(`INSERT INTO ${ks}.kv (k, v) VALUES (100, 'ttl') USING TTL 1000 ` +
    'AND TIMESTAMP 1234567890');
  let row = (await client.execute(`SELECT ttl(v), writetime(v) FROM ${ks}.kv WHERE k = 100`)).first();
  assert.ok(row['ttl(v)'] > 900 && row['ttl(v)'] <= 1000, `ttl(v) = ${row['ttl(v)']}`);
  assert.equal(row['writetime(v)'].toString(), '1234567890');
  const before = Date.now() * 1000;
  await client.execute(`UPDATE ${ks}.kv USING TTL 50 SET v = 'later' WHERE k = 100`);
  const after = Date.now() * 1000;
  row = (await client.execute(`SELECT v, ttl(v) AS t, writetime(v) AS w FROM ${ks}.kv WHERE k = 100`))
    .first();
  assert.equal(row.v, 'later');
  assert.ok(row.t > 0 && row.t <= 50, `ttl after update: ${row.t}`);
  const written = Number(row.w.toString());
  assert.ok(written >= before - 1e6 && written <= after + 1e6,
    `writetime ${written}: the driver's client timestamp, between ${before} and ${after}`);
}

async function checkMetadata(client, ks) {
  const table = await client.metadata.getTable(ks, 'items');
  assert.ok(table, `table ${ks}.items in the driver's metadata`);
  assert.deepEqual(table.partitionKeys.map((c) => c.name), ['pk']);
  assert.deepEqual(table.clusteringKeys.map((c) => c.name), ['ck']);
  assert.deepEqual(table.columns.map((c) => c.name).sort(), [...COLUMNS].sort());
  const code = (name) => table.columnsByName[name].type.code;
  const { dataTypes } = types;
  assert.deepEqual(Object.fromEntries(COLUMNS.map((c) => [c, code(c)])), {
    pk: dataTypes.int, ck: dataTypes.int, name: dataTypes.text, big: dataTypes.bigint,
    flag: dataTypes.boolean, score: dataTypes.double, ratio: dataTypes.float,
    amount: dataTypes.decimal, id: dataTypes.uuid, tid: dataTypes.timeuuid,
    ts: dataTypes.timestamp, day: dataTypes.date, data: dataTypes.blob, ip: dataTypes.inet,
    tags: dataTypes.set, nums: dataTypes.list, attrs: dataTypes.map, addr: dataTypes.udt,
    vi: dataTypes.varint, small: dataTypes.smallint, tiny: dataTypes.tinyint,
    dur: dataTypes.duration, tm: dataTypes.time, pair: dataTypes.tuple,
  }, 'column type codes');
  const udt = await client.metadata.getUdt(ks, 'address');
  assert.ok(udt, 'user type address');
  assert.deepEqual(udt.fields.map((f) => [f.name, f.type.code]),
    [['street', dataTypes.text], ['zip', dataTypes.int]]);
}

function checkTopology(client, wantVersion) {
  const hosts = client.hosts.values();
  assert.deepEqual(hosts.map((h) => h.address.split(':')[0]).sort(), ADDRESSES, 'hosts');
  for (const h of hosts) {
    assert.equal(h.datacenter, 'datacenter1');
    assert.equal(h.rack, 'rack1');
    assert.ok(h.isUp(), `${h.address} is up`);
  }
  const state = client.getState();
  assert.deepEqual(state.getConnectedHosts().map((h) => h.address.split(':')[0]).sort(),
    ADDRESSES, 'a pool to every host');
  assert.equal(client.controlConnection.protocolVersion, wantVersion, 'negotiated protocol');
}

async function coreFlow({ port, maxVersion, wantVersion, rows, keyspace, authProvider }) {
  const protocolOptions = { port };
  if (maxVersion) {
    protocolOptions.maxVersion = maxVersion;
  }
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1', protocolOptions, authProvider,
    // The 12 s default read timeout is tight for a loaded two-core CI machine.
    socketOptions: { readTimeout: 30000, connectTimeout: 10000 },
  });
  await client.connect();
  try {
    await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = ` +
      "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute(`CREATE TYPE ${keyspace}.address (street text, zip int)`);
    await client.execute(`CREATE TABLE ${keyspace}.items ${ITEMS_TABLE}`);
    await insertItems(client, keyspace, rows);
    await readItems(client, keyspace, rows);
    await checkBatches(client, keyspace);
    await checkLWT(client, keyspace);
    await checkTTL(client, keyspace);
    await checkMetadata(client, keyspace);
    checkTopology(client, wantVersion);
  } finally {
    await client.shutdown();
  }
}

module.exports = { coreFlow };
