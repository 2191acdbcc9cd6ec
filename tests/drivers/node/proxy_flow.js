'use strict';
// The proxy flow: the Node.js driver through cqlshift in front of two three-node cqlsim
// clusters (Origin on 127.0.0.1-3, Target on 127.0.0.11-13, different cluster names and
// prepared ids). Schema, 1,000 inserts (simple and prepared), updates and deletes, then
// batches, counter batches and prepared SELECTs by key (proxyBatches) go through the proxy;
// then a client connected directly to each cluster checks that both hold the expected rows
// with the same write times, and that the driver saw one host, the proxy.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const util = require('node:util');
const cassandra = require('cassandra-driver');
const { startCqlsim } = require('./cqlsim');

const START_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 25000; // SIGTERM: in-flight requests get shutdown_grace_ms
const LISTENING = /^listening (\d+\.\d+\.\d+\.\d+):(\d+)$/;
const ROWS = 1000;
const { Long } = cassandra.types;

function defaultProxyBinary() {
  return process.env.CQLSHIFT ||
    path.join(__dirname, '..', '..', '..', 'build', 'release', 'bin', 'cqlshift');
}

// One cqlshift process, ready once it printed `listening ADDR:PORT`.
class Proxy {
  constructor(binary, originPort, targetPort) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cqlshift-'));
    this.config = path.join(this.dir, 'cqlshift.yaml');
    let config = [
      'origin_contact_points: 127.0.0.1', `origin_port: ${originPort}`,
      'target_contact_points: 127.0.0.11', `target_port: ${targetPort}`,
      'primary_cluster: ORIGIN', 'proxy_listen_address: 127.0.0.1', 'proxy_listen_port: 0',
      'metrics_port: 0', '',
    ].join('\n');
    if (process.env.DRIVER_TEST_PROXY_LOG_LEVEL) {
      config += `log_level: ${process.env.DRIVER_TEST_PROXY_LOG_LEVEL}\n`;
    }
    fs.writeFileSync(this.config, config);
    this.binary = binary;
    this.lines = [];
    this.output = ''; // tail of stdout and stderr
    // The test's config file alone: no ZDM_* or CQLSHIFT_* variables (configuration keys to
    // cqlshift) from the environment.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
      !k.startsWith('ZDM_') && !k.startsWith('CQLSHIFT_')));
    this.proc = spawn(binary, ['--config', this.config], { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => resolve({ code, signal }));
      this.proc.on('error', (err) => resolve({ code: null, signal: null, err }));
    });
    const keep = (chunk) => {
      this.output = (this.output + chunk).slice(-6000);
    };
    this.proc.stderr.on('data', keep);
    this.ready = new Promise((resolve) => {
      readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
        this.lines.push(line);
        keep(`${line}\n`);
        const m = LISTENING.exec(line);
        if (m && !this.port) {
          this.address = m[1];
          this.port = Number(m[2]);
          resolve();
        }
      });
    });
  }

  diagnostics() {
    return `\n  command: ${this.binary} --config ${this.config}` +
      `\n  output (tail):\n${this.output}`;
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async stop() {
    try {
      if (this.proc.exitCode === null && this.proc.signalCode === null) {
        this.proc.kill('SIGTERM');
      }
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
      });
      const result = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      if (result === null) {
        this.proc.kill('SIGKILL');
        await this.exited;
        throw new Error(`cqlshift ignored SIGTERM for ${STOP_TIMEOUT_MS} ms${this.diagnostics()}`);
      }
      if (result.code !== 0) {
        throw new Error(`cqlshift exited with code ${result.code} signal ${result.signal} ` +
          `after SIGTERM${this.diagnostics()}`);
      }
    } finally {
      this.cleanup();
    }
  }
}

async function startProxy(binary, originPort, targetPort) {
  const proxy = new Proxy(binary, originPort, targetPort);
  let timer;
  const outcome = await Promise.race([
    proxy.ready.then(() => 'ready'),
    proxy.exited.then((r) => `exited (${r.err ? r.err.message : `code ${r.code} signal ${r.signal}`})`),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'ready') {
    return proxy;
  }
  proxy.proc.kill('SIGKILL');
  await proxy.exited;
  proxy.cleanup();
  const why = outcome === 'timeout' ? `printed no listening line within ${START_TIMEOUT_MS} ms` :
    `${outcome} before listening`;
  throw new Error(`cqlshift ${why}${proxy.diagnostics()}`);
}

// Starts Origin, Target and the proxy, runs body, stops all three (the proxy first); the
// first error wins.
async function withProxy(body) {
  const started = [];
  let failure = null;
  try {
    const origin = await startCqlsim(3, ['--cluster-name', 'origin', '--prepared-id-salt',
      'origin'], undefined, '127.0.0.1');
    started.push(origin);
    const target = await startCqlsim(3, ['--cluster-name', 'target', '--prepared-id-salt',
      'target'], undefined, '127.0.0.11');
    started.push(target);
    const proxy = await startProxy(defaultProxyBinary(), origin.port, target.port);
    started.push(proxy);
    await body(origin, target, proxy);
  } catch (e) {
    failure = e;
  }
  for (const p of started.reverse()) {
    try {
      await p.stop();
    } catch (e) {
      failure = failure || e;
    }
  }
  if (failure) {
    throw failure;
  }
}

function newClient(address, port, maxVersion) {
  const protocolOptions = { port };
  if (maxVersion) {
    protocolOptions.maxVersion = maxVersion;
  }
  return new cassandra.Client({
    contactPoints: [address], localDataCenter: 'datacenter1', protocolOptions,
    socketOptions: { readTimeout: 30000, connectTimeout: 10000 },
  });
}

// One row of a table shaped like t as "v|n|writetime(v)|writetime(n)".
function rowString(row) {
  const str = (x) => (x === null || x === undefined ? 'null' : x.toString());
  return [row.v, row.n, row['writetime(v)'], row['writetime(n)']].map(str).join('|');
}

// Every row of `table` (keyspace.name, shaped like t) as a map "pk/ck" -> rowString.
async function readTable(client, table) {
  const rows = new Map();
  const query = `SELECT pk, ck, v, n, writetime(v), writetime(n) FROM ${table}`;
  for await (const row of client.stream(query, [], { fetchSize: 300 })) {
    const key = `${row.pk}/${row.ck}`;
    assert.ok(!rows.has(key), `row ${key} returned twice`);
    rows.set(key, rowString(row));
  }
  return rows;
}

// Runs body with a client of its own connected to one cluster, bypassing the proxy.
async function withDirectClient(address, port, body) {
  const client = newClient(address, port);
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.shutdown();
  }
}

async function readDirect(address, port, ks) {
  return withDirectClient(address, port, (client) => readTable(client, `${ks}.t`));
}

// The keys whose rows differ between two maps, described; empty when they are equal.
function diffRows(a, b) {
  const out = [];
  for (const [k, v] of a) {
    if (!b.has(k)) {
      out.push(`${k} only in the first`);
    } else if (b.get(k) !== v) {
      out.push(`${k}: ${v} vs ${b.get(k)}`);
    }
  }
  for (const k of b.keys()) {
    if (!a.has(k)) {
      out.push(`${k} only in the second`);
    }
  }
  return out.sort();
}

function assertSameRows(a, b, what) {
  const diff = diffRows(a, b);
  if (diff.length) {
    throw new Error(`${what}: ${a.size} rows vs ${b.size} rows, ${diff.length} differ:\n  ` +
      diff.slice(0, 20).join('\n  '));
  }
}

// Rows as readTable returns them must hold exactly the expected values (want: "pk/ck" ->
// "v|n"), with a write time for v and for n where n is set.
function checkValues(want, rows, what) {
  const values = new Map([...rows].map(([k, r]) => [k, r.split('|').slice(0, 2).join('|')]));
  assertSameRows(want, values, `expected values vs ${what}`);
  for (const [k, r] of rows) {
    const [, n, wtv, wtn] = r.split('|');
    assert.ok(wtv !== 'null' && (n === 'null') === (wtn === 'null'),
      `${what}: ${k}: write times ${r}`);
  }
}

// Runs `count` calls of fn(i) with at most `width` in flight.
async function parallel(count, width, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

// The batch part of the proxy flow, on a table shaped like t, `batched`: partition 1 gets
// LOGGED batches, partition 2 UNLOGGED ones. Rows ck 0-3 are inserted first, one statement
// each. The driver prepares either every child of a batch or none, so each partition gets two
// batches: one of prepared statements (an INSERT of ck 10, an UPDATE of ck 0, a DELETE of row
// ck 2) and one of simple statements (an INSERT of ck 11 with inlined values, an UPDATE of
// ck 1 with values bound but not prepared, a DELETE of column n of ck 3). The deleted rows are
// not inserted by the batch itself: an insert and a delete of one cell at one timestamp would
// leave the outcome to tie-breaking rules.
const BATCH_TYPES = [['LOGGED', true, 1], ['UNLOGGED', false, 2]];
const BATCH_CKS = [0, 1, 2, 3, 10, 11]; // every clustering key written, the deleted row included
// COUNTER_BATCHES prepared COUNTER batches each add (1, -2) to key x and (10, 20) to y with
// bound values, and as many simple ones (100, -1) to z, in table `hits` (counter columns a and
// b). Repeated, so that an increment applied twice or lost shows in the totals.
const COUNTER_BATCHES = 3;
const COUNTER_WANT = {
  x: [1 * COUNTER_BATCHES, -2 * COUNTER_BATCHES],
  y: [10 * COUNTER_BATCHES, 20 * COUNTER_BATCHES],
  z: [100 * COUNTER_BATCHES, -1 * COUNTER_BATCHES],
};

// The expected contents of `batched`: "pk/ck" -> "v|n".
function batchWant() {
  const want = new Map();
  for (const [, , p] of BATCH_TYPES) {
    want.set(`${p}/0`, `prepared update ${p}|${p * 100}`);
    want.set(`${p}/1`, `simple update ${p}|${-p}`);
    want.set(`${p}/3`, `seed ${p}/3|null`);
    want.set(`${p}/10`, `prepared ${p}|${p * 100 + 10}`);
    want.set(`${p}/11`, `simple ${p}|${p * 100 + 11}`);
  }
  return want;
}

// Counter rows (k, a, b) must be exactly COUNTER_WANT.
function checkCounters(rows, what) {
  const got = Object.fromEntries(rows.map((r) => [r.k, [r.a, r.b].map(String)]));
  const want = Object.fromEntries(Object.entries(COUNTER_WANT).map(([k, v]) =>
    [k, v.map(String)]));
  if (!util.isDeepStrictEqual(got, want)) {
    throw new Error(`${what}: counters [a, b] by key ${JSON.stringify(got)}, want ` +
      JSON.stringify(want));
  }
}

// Runs the batches and counter batches through the proxy, then reads both tables back through
// it with prepared SELECTs by key, which must return the expected values. Returns the rows so
// read (readTable's form), for comparison with Origin's (the primary serves reads).
async function proxyBatches(client, ks) {
  const table = `${ks}.batched`;
  const hits = `${ks}.hits`;
  await client.execute(`CREATE TABLE ${table} (pk int, ck int, v text, n bigint, ` +
    'PRIMARY KEY (pk, ck))');
  await client.execute(`CREATE TABLE ${hits} (k text PRIMARY KEY, a counter, b counter)`);
  const insert = `INSERT INTO ${table} (pk, ck, v, n) VALUES (?, ?, ?, ?)`;
  for (const [name, logged, p] of BATCH_TYPES) {
    for (let ck = 0; ck < 4; ck++) {
      await client.execute(insert, [p, ck, `seed ${p}/${ck}`, Long.fromNumber(p * 100 + ck)],
        { prepare: true });
    }
    try {
      await client.batch([
        { query: insert, params: [p, 10, `prepared ${p}`, Long.fromNumber(p * 100 + 10)] },
        { query: `UPDATE ${table} SET v = ? WHERE pk = ? AND ck = ?`,
          params: [`prepared update ${p}`, p, 0] },
        { query: `DELETE FROM ${table} WHERE pk = ? AND ck = ?`, params: [p, 2] },
      ], { prepare: true, logged });
    } catch (e) {
      throw new Error(`${name} batch of prepared statements (partition ${p} of ${table}): ` +
        e.message);
    }
    try {
      // Unprepared bound values need type hints: the driver would send a number as a double.
      await client.batch([
        `INSERT INTO ${table} (pk, ck, v, n) VALUES (${p}, 11, 'simple ${p}', ${p * 100 + 11})`,
        { query: `UPDATE ${table} SET v = ?, n = ? WHERE pk = ? AND ck = ?`,
          params: [`simple update ${p}`, Long.fromNumber(-p), p, 1] },
        `DELETE n FROM ${table} WHERE pk = ${p} AND ck = 3`,
      ], { prepare: false, logged, hints: [null, ['text', 'bigint', 'int', 'int'], null] });
    } catch (e) {
      throw new Error(`${name} batch of simple statements (partition ${p} of ${table}): ` +
        e.message);
    }
  }
  const increment = `UPDATE ${hits} SET a = a + ?, b = b + ? WHERE k = ?`;
  for (let i = 1; i <= COUNTER_BATCHES; i++) {
    try {
      await client.batch([
        { query: increment, params: [Long.fromNumber(1), Long.fromNumber(-2), 'x'] },
        { query: increment, params: [Long.fromNumber(10), Long.fromNumber(20), 'y'] },
      ], { prepare: true, counter: true });
      await client.batch([`UPDATE ${hits} SET a = a + 100, b = b - 1 WHERE k = 'z'`],
        { counter: true });
    } catch (e) {
      throw new Error(`COUNTER batches ${i} of ${COUNTER_BATCHES} on ${hits}: ${e.message}`);
    }
  }

  const selectRow = `SELECT v, n, writetime(v), writetime(n) FROM ${table} ` +
    'WHERE pk = ? AND ck = ?';
  const rows = new Map();
  for (const [, , p] of BATCH_TYPES) {
    for (const ck of BATCH_CKS) {
      const row = (await client.execute(selectRow, [p, ck], { prepare: true })).first();
      if (row) {
        rows.set(`${p}/${ck}`, rowString(row));
      }
    }
  }
  checkValues(batchWant(), rows, `prepared SELECTs by key of ${table} through the proxy`);
  const counters = [];
  for (const k of Object.keys(COUNTER_WANT)) {
    const row = (await client.execute(`SELECT a, b FROM ${hits} WHERE k = ?`, [k],
      { prepare: true })).first();
    if (row) {
      counters.push({ k, a: row.a, b: row.b });
    }
  }
  checkCounters(counters, `prepared SELECTs by key of ${hits} through the proxy`);
  return rows;
}

// One cluster, read directly, must hold exactly the batch part's expected rows and counters;
// returns the rows (readTable's form).
async function readBatchTables(name, address, port, ks) {
  return withDirectClient(address, port, async (client) => {
    const rows = await readTable(client, `${ks}.batched`);
    checkValues(batchWant(), rows, `${name}, ${ks}.batched`);
    checkCounters((await client.execute(`SELECT k, a, b FROM ${ks}.hits`)).rows,
      `${name}, ${ks}.hits`);
    return rows;
  });
}

async function proxyFlow(maxVersion) {
  await withProxy(async (origin, target, proxy) => {
    const client = newClient(proxy.address, proxy.port, maxVersion);
    await client.connect();
    const ks = `node_proxy_v${maxVersion}`;
    try {
      await client.execute(`CREATE KEYSPACE ${ks} WITH replication = ` +
        "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      await client.execute(`CREATE TABLE ${ks}.t (pk int, ck int, v text, n bigint, ` +
        'PRIMARY KEY (pk, ck))');
      // Even rows as simple statements with inlined values, odd rows prepared.
      const insert = `INSERT INTO ${ks}.t (pk, ck, v, n) VALUES (?, ?, ?, ?)`;
      await parallel(ROWS, 16, async (i) => {
        const pk = Math.floor(i / 10);
        const ck = i % 10;
        try {
          if (i % 2 === 0) {
            await client.execute(`INSERT INTO ${ks}.t (pk, ck, v, n) VALUES ` +
              `(${pk}, ${ck}, 'row ${i}', ${i * 1000003})`);
          } else {
            await client.execute(insert, [pk, ck, `row ${i}`,
              cassandra.types.Long.fromNumber(i * 1000003)], { prepare: true });
          }
        } catch (e) {
          throw new Error(`insert ${i}: ${e.message}`);
        }
      });
      for (let i = 0; i < ROWS; i += 7) {
        const pk = Math.floor(i / 10);
        const ck = i % 10;
        if (i % 2 === 0) {
          await client.execute(`UPDATE ${ks}.t SET v = ? WHERE pk = ? AND ck = ?`,
            [`updated ${i}`, pk, ck], { prepare: true });
        } else {
          await client.execute(`UPDATE ${ks}.t SET v = 'updated ${i}', n = -1 ` +
            `WHERE pk = ${pk} AND ck = ${ck}`);
        }
      }
      for (let i = 3; i < ROWS; i += 50) {
        await client.execute(`DELETE FROM ${ks}.t WHERE pk = ? AND ck = ?`,
          [Math.floor(i / 10), i % 10], { prepare: true });
      }
      for (let i = 5; i < ROWS; i += 40) {
        await client.execute(`DELETE n FROM ${ks}.t WHERE pk = ${Math.floor(i / 10)} ` +
          `AND ck = ${i % 10}`);
      }
      const batchedViaProxy = await proxyBatches(client, ks);

      // Expected values (write times come from the driver's clock).
      const want = new Map();
      for (let i = 0; i < ROWS; i++) {
        if (i % 50 === 3) {
          continue;
        }
        let v = `row ${i}`;
        let n = String(i * 1000003);
        if (i % 7 === 0) {
          v = `updated ${i}`;
          if (i % 2 === 1) {
            n = '-1';
          }
        }
        if (i % 40 === 5) {
          n = 'null';
        }
        want.set(`${Math.floor(i / 10)}/${i % 10}`, `${v}|${n}`);
      }

      const viaProxy = await readTable(client, `${ks}.t`);
      const originRows = await readDirect('127.0.0.1', origin.port, ks);
      const targetRows = await readDirect('127.0.0.11', target.port, ks);
      checkValues(want, originRows, 'Origin');
      assertSameRows(originRows, viaProxy, 'Origin vs through the proxy');
      assertSameRows(originRows, targetRows, 'Origin vs Target (values and write times)');
      const originBatched = await readBatchTables('Origin', '127.0.0.1', origin.port, ks);
      const targetBatched = await readBatchTables('Target', '127.0.0.11', target.port, ks);
      assertSameRows(originBatched, targetBatched,
        `${ks}.batched: Origin vs Target (values and write times)`);
      assertSameRows(originBatched, batchedViaProxy,
        `${ks}.batched: Origin vs prepared SELECTs through the proxy`);

      // One host, the proxy, at the requested version.
      const hosts = client.hosts.values();
      assert.deepEqual(hosts.map((h) => h.address), [`${proxy.address}:${proxy.port}`],
        'hosts discovered through the proxy');
      assert.equal(hosts[0].datacenter, 'datacenter1');
      assert.ok(hosts[0].isUp(), 'the proxy host is up');
      assert.deepEqual(client.getState().getConnectedHosts().map((h) => h.address),
        [`${proxy.address}:${proxy.port}`], 'connected hosts');
      assert.equal(client.controlConnection.protocolVersion, maxVersion, 'protocol version');
    } finally {
      await client.shutdown();
    }
  });
}

module.exports = { proxyFlow, defaultProxyBinary };
