'use strict';
// Runs the Node.js driver's core flow against cqlsim: protocol v3, v4 and a negotiated
// version, then password authentication and negotiation down to v3, then the proxy flow
// (proxy_flow.js: through cqlshift, $CQLSHIFT) over v4 and v3. Prints one PASS or FAIL line
// per scenario and "N passed, M failed"; exits non-zero on any failure.
//   CQLSIM=path/to/cqlsim CQLSHIFT=path/to/cqlshift node flow.js [rows]
// ONLY=text runs only the scenarios whose name contains it.

const cassandra = require('cassandra-driver');
const { startCqlsim } = require('./cqlsim');
const { coreFlow } = require('./core_flow');
const { proxyFlow } = require('./proxy_flow');

const ROWS = Number(process.argv[2] || 1200);

async function withCqlsim(args, body) {
  const sim = await startCqlsim(3, args);
  let failure = null;
  try {
    await body(sim);
  } catch (e) {
    failure = e;
  }
  try {
    await sim.stop();
  } catch (e) {
    failure = failure || e;
  }
  if (failure) {
    throw failure;
  }
}

async function authFlow() {
  await withCqlsim(['--auth', 'cassandra:cassandra'], async (sim) => {
    await coreFlow({
      port: sim.port, wantVersion: 4, rows: 200, keyspace: 'node_auth',
      authProvider: new cassandra.auth.PlainTextAuthProvider('cassandra', 'cassandra'),
    });
    for (const [user, password] of [['cassandra', 'wrong'], ['nobody', 'cassandra']]) {
      const client = new cassandra.Client({
        contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1',
        protocolOptions: { port: sim.port },
        authProvider: new cassandra.auth.PlainTextAuthProvider(user, password),
      });
      let error = null;
      try {
        await client.connect();
      } catch (e) {
        error = e;
      } finally {
        await client.shutdown();
      }
      const inner = error && error.innerErrors ? Object.values(error.innerErrors) : [];
      if (!inner.length || !inner.every((e) => e instanceof cassandra.errors.AuthenticationError)) {
        throw new Error(`user ${user} with password ${password}: want NoHostAvailableError ` +
          `with AuthenticationErrors, got ${error && error.stack}`);
      }
    }
  });
}

async function main() {
  let shared;
  try {
    shared = await startCqlsim(3);
  } catch (e) {
    console.log(`FAIL start cqlsim: ${e.message}\n0 passed, 1 failed`);
    process.exit(1);
  }
  const flow = (maxVersion, wantVersion) => () => coreFlow({
    port: shared.port, maxVersion, wantVersion, rows: ROWS,
    keyspace: `node_v${maxVersion || 0}_${wantVersion}`,
  });
  const scenarios = [
    ['core flow, protocol v3', flow(3, 3)],
    ['core flow, protocol v4', flow(4, 4)],
    ['core flow, protocol negotiated (v4)', flow(undefined, 4)],
    ['password authentication', authFlow],
    ['negotiation down to v3', () => withCqlsim(['--protocol-versions', '3'], (sim) => coreFlow({
      port: sim.port, wantVersion: 3, rows: 200, keyspace: 'node_downgrade',
    }))],
    ['proxy flow, protocol v4', () => proxyFlow(4)],
    ['proxy flow, protocol v3', () => proxyFlow(3)],
  ];

  let passed = 0;
  let failed = 0;
  for (const [name, run] of scenarios) {
    if (process.env.ONLY && !name.includes(process.env.ONLY)) {
      continue;
    }
    const start = Date.now();
    try {
      await run();
      console.log(`PASS ${name} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
      passed++;
    } catch (e) {
      console.log(`FAIL ${name}: ${e.stack || e}`);
      failed++;
    }
  }
  try {
    await shared.stop();
  } catch (e) {
    console.log(`FAIL stop cqlsim: ${e.message}`);
    failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
