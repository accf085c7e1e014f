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
// A Node.js child with args; a hung one is killed after 200 s (its result then has signal SIGKILL).
exports.run = (args, options = {}) => new Promise((resolve) => {
  const child = spawn(process.execPath, args, { timeout: 200000, killSignal: 'SIGKILL', ...options, stdio: ['ignore', 'pipe', 'pipe'] });
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

// A child process whose output is text: output holds its stdout; waitFor(regexp) resolves with the
// first match in it. Killed after the test if still running.
exports.spawnText = (command, args, options = {}) => {
  const child = spawn(command, args.map(String), { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.output = '';
  child.errors = '';
  let notify = () => {};
  child.stdout.on('data', (d) => { child.output += d; notify(); });
  child.stderr.on('data', (d) => { child.errors += d; });
  child.exited = new Promise((resolve) => child.on('exit', (code) => {
    children.delete(child);
    resolve(code);
    notify();
  }));
  child.waitFor = (regexp, ms = 120000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command}: waited ${ms} ms for ${regexp}; ` +
      `stdout: ${child.output.slice(-500)}; stderr: ${child.errors.slice(-500)}`)), ms);
    notify = () => {
      const m = child.output.match(regexp);
      if (m) { clearTimeout(timer); notify = () => {}; resolve(m); }
    };
    notify();
  });
  return child;
};

// A Python kernel-SCTP peer (test/peers/peer.py).
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
exports.python = python;
exports.pythonPeer = (...args) => exports.spawnJson(python, [path.join(__dirname, 'peers', 'peer.py'), ...args]);

// A program a test cannot do without: a missing one fails the test, naming the Debian package to
// install (CI installs them all; no test skips for want of one).
exports.need = (program, pkg) => {
  const found = (program.includes('/') ? [program]
    : (process.env.PATH || '').split(':').map((dir) => path.join(dir, program))).find((f) => fs.existsSync(f));
  if (!found) throw new Error(`${program} not found: install it with apt-get install ${pkg}`);
  return found;
};

// Runs a command to completion (killed after the test if still running); resolves with its stdout,
// rejects with its stderr when it fails.
exports.command = (file, args, options = {}) => new Promise((resolve, reject) => {
  const child = require('child_process').execFile(file, args.map(String),
    { maxBuffer: 64 * 1024 * 1024, ...options }, (err, stdout, stderr) => {
      children.delete(child);
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message} ${stderr}`)); else resolve(stdout);
    });
  if (options.input !== undefined) child.stdin.end(options.input); // what it reads from its stdin
  children.add(child);
});

// Packet captures, for the tests that check what the wire carries (interop/wire.test.js, interop/usrsctp.test.js):
// dumpcap records loopback while a test runs, then tshark (Wireshark's dissectors, not our idea of
// the protocol) decodes it. `udpPorts`: UDP ports whose datagrams tshark decodes as SCTP (RFC 6951).
// packets() stops the capture and resolves with one object per SCTP packet, its chunks in order.
const wireFields = {
  frame: 'frame.number',
  ipProto: 'ip.proto',
  udpSrc: 'udp.srcport',
  udpDst: 'udp.dstport',
  src: 'sctp.srcport',
  dst: 'sctp.dstport',
  chunks: 'sctp.chunk_type',
  streams: 'sctp.data_sid',
  ppids: 'sctp.data_payload_proto_id',
  supported: 'sctp.supported_chunk_type', // in INIT and INIT ACK: the extensions the end offers
  hmacs: 'sctp.hmac_id', // INIT and INIT ACK: the HMACs the end takes, in its order; AUTH: the one used
  keys: 'sctp.shared_key_id',
};
// Over the VM's 9p root (cache=none) the loader pages in tshark's 160 MB of libraries one fault at a
// time: a minute or two per run. Copied once into the guest's tmpfs, a run takes seconds.
let tsharkEnv = null;
const tsharkEnvironment = () => {
  if (tsharkEnv) return tsharkEnv;
  tsharkEnv = process.env;
  if (process.env.SCTP_VM_GUEST && fs.existsSync('/dev/shm')) {
    const ldd = require('child_process').execFileSync('ldd', [exports.need('tshark', 'tshark')]).toString();
    const dir = fs.mkdtempSync('/dev/shm/tshark-libs-');
    for (const [, lib] of ldd.matchAll(/=> (\/\S+)/g)) fs.copyFileSync(lib, path.join(dir, path.basename(lib)));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    tsharkEnv = { ...process.env, LD_LIBRARY_PATH: dir };
  }
  return tsharkEnv;
};
let captures = 0;
exports.capture = async (udpPorts = []) => {
  exports.need('dumpcap', 'tshark');
  exports.need('tshark', 'tshark');
  tsharkEnvironment();
  const file = path.join(require('os').tmpdir(), `sctp-napi-wire-${process.pid}-${captures++}.pcapng`);
  const dumpcap = spawn('dumpcap', ['-q', '-i', 'lo', '-f', 'ip proto 132 or udp', '-w', file],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(dumpcap);
  const exited = new Promise((resolve) => dumpcap.on('exit', (code) => {
    children.delete(dumpcap);
    resolve(code);
  }));
  let stderr = '';
  await new Promise((resolve, reject) => {
    dumpcap.stderr.on('data', (d) => {
      stderr += d;
      if (/File: /.test(stderr)) resolve(); // capturing
    });
    exited.then((code) => reject(new Error(`dumpcap exited (${code}): ${stderr}`)));
  });
  return {
    async packets() {
      await exports.sleep(2000); // dumpcap reads the last packets
      dumpcap.kill('SIGINT');
      await exited;
      const names = Object.keys(wireFields);
      const stdout = await exports.command('tshark', ['-r', file, '-n',
        ...udpPorts.flatMap((p) => ['-d', `udp.port==${p},sctp`]), '-Y', 'sctp', '-T', 'fields',
        '-E', 'occurrence=a', '-E', 'aggregator=,', ...names.flatMap((n) => ['-e', wireFields[n]])],
      { env: tsharkEnvironment(), timeout: 300000 });
      fs.rmSync(file, { force: true });
      return stdout.split('\n').filter((l) => l !== '').map((line) => {
        const values = line.split('\t');
        const packet = {};
        names.forEach((n, i) => {
          const all = values[i] ? values[i].split(',').map(Number) : [];
          packet[n] = ['frame', 'ipProto', 'udpSrc', 'udpDst', 'src', 'dst'].includes(n) ? (all[0] ?? null) : all;
        });
        return packet;
      });
    },
  };
};

// Runs fn with `loss` (e.g. '20%') of the packets on loopback dropped (tc netem); removed after.
// SCTP chunk types (RFC 9260, 4895, 3758, 8260), as tshark's sctp.chunk_type gives them.
exports.CHUNK = { DATA: 0, INIT: 1, INIT_ACK: 2, AUTH: 15, I_DATA: 64, FORWARD_TSN: 192, I_FORWARD_TSN: 194 };
// Send defaults of a fully reliable, ordered socket.
exports.reliable = { defaults: { unordered: false, ttl: 0 } };

exports.lossyLoopback = async (loss, fn) => {
  const { execFileSync } = require('child_process');
  execFileSync('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', loss]);
  try {
    return await fn();
  } finally {
    execFileSync('tc', ['qdisc', 'del', 'dev', 'lo', 'root']);
  }
};

// The command line, lib/cli/main.js, run to its end: resolves with { code, stdout, stderr, records }
// (records: stdout's JSON lines, parsed, when it printed JSON). `input` is written to its stdin;
// `main`: another copy of lib/cli/main.js.
exports.CLI = path.join(__dirname, '..', 'lib', 'cli', 'main.js');
exports.cli = (args, { input = '', main = exports.CLI, ...options } = {}) => new Promise((resolve) => {
  const child = spawn(process.execPath, [main, ...args.map(String)], { timeout: 200000, killSignal: 'SIGKILL', ...options });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdin.on('error', () => {}); // a command that does not read its stdin
  child.stdin.end(input);
  child.on('close', (code, signal) => {
    children.delete(child);
    let records = null;
    try { records = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)); } catch { /* text */ }
    resolve({ code, signal, stdout, stderr, records });
  });
});
// `sctp-napi listen --json ...` running: resolves once it listens, with the child (spawnJson's) and its port.
exports.cliListen = async (...args) => {
  const host = args.includes('--host') ? [] : ['--host', '127.0.0.1'];
  const child = exports.spawnJson(process.execPath, [exports.CLI, 'listen', '--json', ...host, ...args]);
  const { port } = await child.waitFor((l) => l.type === 'listening');
  child.port = port;
  return child;
};
