'use strict';
// Runs one cqlsim process with --port 0 and waits for its listening lines ("ADDRESS:PORT" per
// node); stop() sends SIGTERM and fails unless cqlsim exits cleanly within STOP_TIMEOUT_MS.

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

// A sanitizer build on a loaded two-core machine takes a few seconds to bind its sockets.
const START_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 10000;
const NODE_LINE = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/;

function defaultBinary() {
  return process.env.CQLSIM ||
    path.join(__dirname, '..', '..', '..', 'build', 'release', 'bin', 'cqlsim');
}

class Cqlsim {
  constructor(binary, nodes, args, address) {
    this.args = ['--address', address, '--port', '0', '--nodes', String(nodes), ...args];
    this.binary = binary;
    this.lines = [];
    this.nodes = [];
    this.stderr = '';
    this.proc = spawn(binary, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => resolve({ code, signal }));
      this.proc.on('error', (err) => resolve({ code: null, signal: null, err }));
    });
    this.proc.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.ready = new Promise((resolve) => {
      readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
        this.lines.push(line);
        const m = NODE_LINE.exec(line);
        if (m && this.nodes.length < nodes) {
          this.nodes.push({ address: m[1], port: Number(m[2]) });
          if (this.nodes.length === nodes) {
            resolve();
          }
        }
      });
    });
  }

  get port() {
    return this.nodes[0].port;
  }

  diagnostics() {
    return `\n  command: ${this.binary} ${this.args.join(' ')}\n  stdout: ${JSON.stringify(this.lines)}` +
      `\n  stderr (tail):\n${this.stderr}`;
  }

  async stop() {
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
      throw new Error(`cqlsim ignored SIGTERM for ${STOP_TIMEOUT_MS} ms${this.diagnostics()}`);
    }
    if (result.code !== 0 && result.signal !== 'SIGTERM') {
      throw new Error(`cqlsim exited with code ${result.code} signal ${result.signal}` +
        this.diagnostics());
    }
  }
}

// Node 0 listens on `address`, node i on address + i.
async function startCqlsim(nodes, args = [], binary = defaultBinary(), address = '127.0.0.1') {
  const sim = new Cqlsim(binary, nodes, args, address);
  let timer;
  const outcome = await Promise.race([
    sim.ready.then(() => 'ready'),
    sim.exited.then((r) => `exited (${r.err ? r.err.message : `code ${r.code} signal ${r.signal}`})`),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'ready') {
    return sim;
  }
  sim.proc.kill('SIGKILL');
  const why = outcome === 'timeout' ? `printed no listening lines within ${START_TIMEOUT_MS} ms` :
    `${outcome} before listening`;
  throw new Error(`cqlsim ${why}${sim.diagnostics()}`);
}

module.exports = { startCqlsim, defaultBinary };
