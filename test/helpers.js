'use strict';
// Shared by the test files: ports, handles closed after each test, an inbox for onRecv.
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const sctp = require('..');

// Fixed ports (open() has no address() to learn an ephemeral one); 1000 per process.
let nextPort = 20000 + (process.pid % 40) * 1000;
exports.port = () => nextPort++;

const handles = [];
// sctp.open() whose handle is closed after the current test.
exports.open = (...args) => {
  const handle = sctp.open(...args);
  handles.push(handle);
  return handle;
};
// createSocket() whose socket is closed after the current test.
const sockets = [];
exports.socket = (options) => exports.track(sctp.createSocket(options));
exports.track = (s) => {
  sockets.push(s);
  return s;
};
afterEach(() => {
  while (handles.length) handles.pop().close();
  while (sockets.length) { // a one-to-many Socket or Server closes; a one-to-one socket is destroyed
    const s = sockets.pop();
    if (s.close) s.close(); else s.destroy();
  }
});

// An sctp4 socket bound to an ephemeral port on 127.0.0.1, once it is listening.
exports.bound = async (options = {}) => {
  const s = exports.socket({ type: 'sctp4', ...options });
  s.bind(0, '127.0.0.1');
  await exports.once(s, 'listening');
  return s;
};

// Runs a fixture as root inside a network namespace of its own with loopback up, after
// `setup` (arrays of arguments to `ip netns exec NS ...`, e.g. a tc qdisc); resolves with the
// JSON it prints, or null where namespaces cannot be made (not root, no iproute2).
exports.inNamespace = async (name, fixtureName, setup = [], args = []) => {
  const { execFileSync, execFile } = require('child_process');
  const ns = `sctp-${name}-${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: 'pipe' });
  } catch {
    return null;
  }
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    for (const command of setup) execFileSync('ip', ['netns', 'exec', ns, ...command]);
    const { stdout } = await require('util').promisify(execFile)('ip',
      ['netns', 'exec', ns, process.execPath, exports.fixture(fixtureName), ...args]);
    return JSON.parse(stdout);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
};

// Resolves with the arguments of the next `event` (rejects on 'error' first).
exports.once = (emitter, event) => require('events').once(emitter, event);

// Resolves with the arguments of a socket's 'close' (events.once would add an 'error' listener,
// which changes what a socket emits).
exports.closed = (socket) => new Promise((resolve) => socket.once('close', (...args) => resolve(args)));

// A one-to-one server on 127.0.0.1 (or `host`) whose connections go to `onConnection`.
exports.listening = async (onConnection = () => {}, options = {}, host = '127.0.0.1') => {
  const server = exports.track(sctp.createServer(options, onConnection));
  server.listen(0, host);
  await exports.once(server, 'listening');
  return server;
};

// Resolves with the next n 'data' chunks.
exports.chunks = (socket, n) => new Promise((resolve) => {
  const got = [];
  socket.on('data', function on(chunk) {
    got.push(chunk);
    if (got.length === n) {
      socket.off('data', on);
      resolve(got);
    }
  });
});

// A connected one-to-one client and the server's side of it.
exports.pair = async (options = {}, serverOptions = {}) => {
  let accepted;
  const got = new Promise((resolve) => { accepted = resolve; });
  const server = await exports.listening((s) => accepted(exports.track(s)), serverOptions);
  const client = exports.track(sctp.connect({ port: server.address().port, host: '127.0.0.1', ...options }));
  await exports.once(client, 'connect');
  return { server, client, peer: await got };
};

// Resolves with the first n [msg, rinfo] pairs a socket emits.
exports.messages = (s, n, ms = 60000) => new Promise((resolve, reject) => {
  const got = [];
  const timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${n} messages, got ${got.length}`)), ms);
  s.on('message', function on(msg, rinfo) {
    got.push([msg, rinfo]);
    if (got.length === n) {
      clearTimeout(timer);
      s.off('message', on);
      resolve(got);
    }
  });
});

// An onRecv that records what it gets; wait(n) resolves once n results have arrived.
exports.inbox = () => {
  const results = [];
  let waiting = null;
  const onRecv = (result) => {
    results.push(result);
    if (waiting && results.length >= waiting.n) waiting.resolve(results);
  };
  onRecv.results = results;
  onRecv.wait = (n, ms = 30000) =>
    results.length >= n
      ? Promise.resolve(results)
      : new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited ${ms} ms for ${n} results, got ${results.length}`)), ms);
        waiting = { n, resolve: (r) => { clearTimeout(timer); waiting = null; resolve(r); } };
      });
  return onRecv;
};

exports.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Blocks this thread: lets messages pile up in the kernel so one poll callback sees them all.
exports.block = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

exports.openFds = () => fs.readdirSync('/proc/self/fd').length;
exports.openSockets = () => fs.readdirSync('/proc/self/fd').filter((fd) => {
  try { return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:'); } catch { return false; }
}).length;

// Runs a Node script; resolves with { code, signal, stdout, stderr }.
exports.run = (args, options = {}) => new Promise((resolve) => {
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
});

exports.fixture = (name) => path.join(__dirname, 'fixtures', name);

// A child process that prints JSON lines: lines holds them; waitLines(n) resolves with the first
// n; waitFor(predicate) with the first line that matches. Killed after the test if still running.
const children = new Set();
afterEach(() => {
  for (const child of children) child.kill();
});
exports.spawnJson = (command, args) => {
  const child = spawn(command, args.map(String), { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  const lines = [];
  let buffered = '';
  let notify = () => {};
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, i)));
      buffered = buffered.slice(i + 1);
      notify();
    }
  });
  child.exited = new Promise((resolve) => child.on('exit', (code) => {
    children.delete(child);
    resolve(code);
  }));
  child.exited.then(() => notify());
  child.lines = lines;
  child.waitFor = (predicate, ms = 60000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command}: no line matched; got ${JSON.stringify(lines.slice(-5))}`)), ms);
    notify = () => {
      const line = lines.find(predicate);
      if (line !== undefined) { clearTimeout(timer); resolve(line); }
    };
    notify();
  });
  child.waitLines = (n, ms) => child.waitFor(() => lines.length >= n, ms).then(() => lines.slice(0, n));
  return child;
};

// A Python kernel-SCTP peer (test/peers/peer.py).
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
exports.python = python;
exports.pythonPeer = (...args) => exports.spawnJson(python, [path.join(__dirname, 'peers', 'peer.py'), ...args]);
