'use strict';
// Interop of the one-to-one API (createServer / connect, SOCK_STREAM) with SCTP programs nobody
// here wrote: Python's socket module, socat and ncat, each as server and as client, over IPv4
// and IPv6 loopback; and iperf3's server as a bulk peer, receiving from and sending to our SCTP
// data stream (its TCP control protocol is spoken here with net). A missing tool skips its
// tests, except on CI (process.env.CI), where it fails.
const assert = require('assert');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const sctp = require('../..');
const { port, track, once, fixture, sleep } = require('../helpers');

const FAMILIES = [['IPv4', '127.0.0.1'], ['IPv6', '::1']];
// How long to wait for a peer's step: generous, as the VM (TCG) shares this machine's cores.
const WAIT = 90000;

// The program's path, or null when it is not installed.
function which(name) {
  for (const dir of (process.env.PATH || '').split(':').concat('/usr/bin', '/usr/local/bin')) {
    const file = path.join(dir || '.', name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch { /* next */ }
  }
  return null;
}
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : which('python3');

// In a before hook: the tool's path; without it, skip (or fail on CI, which installs it).
function need(context, name) {
  const file = name === 'python3' ? PYTHON : which(name);
  if (file) return file;
  if (process.env.CI) throw new Error(`${name} is not installed (CI must install it for the interop tests)`);
  context.skip(`${name} is not installed`);
  return null;
}

// Children: each is killed after its own timeout and, if still running, after the test.
const children = new Set();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

// Spawns a program with piped stdio: child.out() is its stdout so far, child.exited resolves
// with { code, signal, stdout, stderr }, child.waitOutput(predicate) with the stdout that
// satisfies it (rejecting, with what was printed, after `ms` or when the child exits first).
function start(command, args, { timeout = 180000, env } = {}) {
  const child = spawn(command, args.map(String), { stdio: ['pipe', 'pipe', 'pipe'], env });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const watchers = new Set();
  const check = () => { for (const w of watchers) w(); };
  child.stdout.setEncoding('latin1');
  child.stdout.on('data', (d) => { stdout += d; check(); });
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdin.on('error', () => {}); // EPIPE when it has exited: its status tells
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
  let result = null;
  child.exited = new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    children.delete(child);
    result = { code, signal, stdout, stderr };
    resolve(result);
    check();
  }));
  child.out = () => stdout;
  const describeIt = () => `${path.basename(command)} ${args.join(' ')}: ` +
    `stdout ${JSON.stringify(stdout.slice(-300))}, ` +
    `stderr ${JSON.stringify(stderr.slice(-300))}${result ? `, exited ${result.code} ${result.signal}` : ''}`;
  child.waitOutput = (predicate, ms = WAIT) => new Promise((resolve, reject) => {
    const done = (err, value) => {
      watchers.delete(w);
      clearTimeout(t);
      if (err) reject(err); else resolve(value);
    };
    const w = () => {
      if (predicate(stdout)) done(null, stdout);
      else if (result) done(new Error(`exited before the expected output; ${describeIt()}`));
    };
    const t = setTimeout(() => done(new Error(`waited ${ms} ms for output; ${describeIt()}`)), ms);
    watchers.add(w);
    w();
  });
  child.describe = describeIt;
  return child;
}

// A Python peer (test/fixtures/interop-stream-peer.py): its JSON lines parsed.
function python(...args) {
  // -S: no site packages, whose directories every import would search (over 9p in the VM, many
  // seconds under TCG); the peer needs only the standard library.
  const child = start(PYTHON, ['-S', fixture('interop-stream-peer.py'), ...args]);
  child.lines = () => child.out().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  child.waitLines = async (n, ms) => {
    await child.waitOutput((s) => s.split('\n').filter(Boolean).length >= n, ms);
    return child.lines().slice(0, n);
  };
  return child;
}

// Resolves once something listens on SCTP port p (a line of /proc/net/sctp/eps with it as LPORT).
async function listening(p, child, ms = WAIT) {
  const deadline = Date.now() + ms;
  for (;;) {
    const eps = fs.readFileSync('/proc/net/sctp/eps', 'utf8').split('\n').slice(1);
    if (eps.some((line) => Number(line.trim().split(/\s+/)[5]) === p)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on SCTP port ${p}; ${child.describe()}`);
    await sleep(50);
  }
}

// Our client, connected.
async function connectTo(p, host) {
  const socket = track(sctp.connect({ port: p, host }));
  socket.on('error', (err) => { socket.failure = err; });
  await once(socket, 'connect');
  return socket;
}

// Our server, listening on host; resolves with [server, nextConnection()].
async function serve(host) {
  const server = track(sctp.createServer());
  const pending = [];
  const waiting = [];
  server.on('connection', (socket) => {
    track(socket);
    socket.on('error', (err) => { socket.failure = err; });
    if (waiting.length) waiting.shift()(socket); else pending.push(socket);
  });
  server.listen(0, host);
  await once(server, 'listening');
  const next = () => (pending.length ? Promise.resolve(pending.shift()) : new Promise((r) => waiting.push(r)));
  return [server, next];
}

// Collects a socket's messages: got.list is [Buffer], got.infos the 'message' infos (when
// asked), got.until(n) resolves with the first n messages.
function collect(socket, { infos = false } = {}) {
  const list = [];
  const infoList = [];
  const watchers = new Set();
  if (infos) socket.on('message', (msg, info) => infoList.push(info));
  socket.on('data', (msg) => {
    list.push(msg);
    for (const w of watchers) w();
  });
  return {
    list,
    infos: infoList,
    until: (n, ms = WAIT) => new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        watchers.delete(w);
        reject(new Error(`waited ${ms} ms for ${n} messages, got ${list.length}: ${list.map(String)}`));
      }, ms);
      const w = () => {
        if (list.length >= n) {
          clearTimeout(t);
          watchers.delete(w);
          resolve(list.slice(0, n));
        }
      };
      watchers.add(w);
      w();
    }),
  };
}

const closed = (socket) => (socket.destroyed ? Promise.resolve() : once(socket, 'close'));

// Payload bytes 0..255 repeated, offset by seed: any reordering or loss shows.
const pattern = (size, seed) => Buffer.from(Array.from({ length: size }, (_, i) => (i + seed) & 0xff));

// The queues of the association from local port lport to rport (/proc/net/sctp/assocs):
// { tx, rx } bytes held for sending (not yet acknowledged) and received but not yet read.
function queues(lport, rport) {
  const [header, ...rows] = fs.readFileSync('/proc/net/sctp/assocs', 'utf8').split('\n');
  const names = header.trim().split(/\s+/);
  const at = (name) => names.indexOf(name);
  for (const row of rows) {
    const f = row.trim().split(/\s+/);
    if (Number(f[at('LPORT')]) === lport && Number(f[at('RPORT')]) === rport) {
      return { tx: Number(f[at('TX_QUEUE')]), rx: Number(f[at('RX_QUEUE')]) };
    }
  }
  return null;
}

// Reads exact byte counts from a TCP socket: read(n) resolves with the next n bytes.
function reader(socket) {
  let buffered = Buffer.alloc(0);
  let want = null;
  let ended = false;
  const pump = () => {
    if (!want) return;
    if (buffered.length >= want.n) {
      const { n, resolve } = want;
      want = null;
      const out = buffered.subarray(0, n);
      buffered = buffered.subarray(n);
      resolve(out);
    } else if (ended) {
      want.reject(new Error(`iperf3's control connection ended; wanted ${want.n} bytes, had ${buffered.length}`));
      want = null;
    }
  };
  socket.on('data', (d) => { buffered = Buffer.concat([buffered, d]); pump(); });
  socket.on('close', () => { ended = true; pump(); });
  return (n) => new Promise((resolve, reject) => { want = { n, resolve, reject }; pump(); });
}

// iperf3's control messages (src/iperf_api.h) and its 37-byte cookie.
const IPERF = { TEST_START: 1, TEST_RUNNING: 2, TEST_END: 4, PARAM_EXCHANGE: 9, CREATE_STREAMS: 10,
  EXCHANGE_RESULTS: 13, DISPLAY_RESULTS: 14, IPERF_DONE: 16 };
const iperfCookie = () => Buffer.from(`${Array.from({ length: 36 },
  () => 'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(Math.random() * 32)]).join('')}\0`, 'latin1');

// An iperf3 client whose control connection is spoken here over TCP and whose one data stream is
// our SCTP socket. run(data) does the test's part between TEST_RUNNING and TEST_END; resolves
// with { data (our socket), results (the server's JSON results) }.
async function iperfClient(host, p, params, run) {
  const ctrl = track(net.connect(p, host));
  ctrl.on('error', () => {}); // a failure shows as a control connection that ended early
  const read = reader(ctrl);
  const state = async (expected) => {
    const [got] = await read(1);
    assert.strictEqual(got, expected, `iperf3 sent state ${got}, expected ${expected}`);
  };
  const writeJson = (obj) => {
    const json = Buffer.from(JSON.stringify(obj));
    const size = Buffer.alloc(4);
    size.writeUInt32BE(json.length);
    ctrl.write(Buffer.concat([size, json]));
  };
  await once(ctrl, 'connect');
  const cookie = iperfCookie();
  ctrl.write(cookie);
  await state(IPERF.PARAM_EXCHANGE);
  // time: iperf3's server ends a test on its own duration + 40 s after TEST_START; we end it
  // (TEST_END) well before, however slow the VM is.
  writeJson({ sctp: true, omit: 0, time: 600, num: 0, blockcount: 0, parallel: 1, pacing_timer: 1000,
    client_version: '3.12', ...params });
  await state(IPERF.CREATE_STREAMS);
  const data = await connectTo(p, host);
  data.resume(); // flowing, so that the stream's end is seen (a reverse test counts what arrives)
  data.write(cookie); // one message; iperf3 reads 37 bytes and compares
  await state(IPERF.TEST_START);
  await state(IPERF.TEST_RUNNING);
  const mine = await run(data);
  ctrl.write(Buffer.from([IPERF.TEST_END]));
  await state(IPERF.EXCHANGE_RESULTS);
  await closed(data); // iperf3 closed its end of the data stream at TEST_END
  writeJson({ cpu_util_total: 0, cpu_util_user: 0, cpu_util_system: 0, sender_has_retransmits: 0,
    streams: [{ id: 1, bytes: mine, retransmits: 0, jitter: 0, errors: 0, packets: 0, start_time: 0, end_time: 1 }] });
  const size = (await read(4)).readUInt32BE(0);
  const results = JSON.parse((await read(size)).toString());
  await state(IPERF.DISPLAY_RESULTS);
  ctrl.end(Buffer.from([IPERF.IPERF_DONE]));
  return { data, results };
}

describe('one-to-one interop with foreign SCTP stacks', function () {
  this.timeout(240000); // a peer's start-up alone can take tens of seconds in a loaded VM
  describe('Python socket.socket(..., SOCK_STREAM, IPPROTO_SCTP)', () => {
    before(function () { need(this, 'python3'); });

    for (const [family, host] of FAMILIES) {
      it(`${family}: Python server reads our three writes as three whole messages and echoes each`, async () => {
        const p = port();
        const py = python('server', host, p, 3);
        await py.waitLines(1);
        const client = await connectTo(p, host);
        const got = collect(client, { infos: true });
        // Written at once: they queue at the Python side, which reads after a second.
        client.write('one');
        client.send(Buffer.from('two'), { stream: 2, ppid: 7 });
        client.write(Buffer.from([0, 1, 2, 255, 0]));
        const accepted = (await py.waitLines(2))[1];
        assert.deepStrictEqual([accepted.host, accepted.port], [host, client.localPort]);
        const echoes = await got.until(3);
        assert.deepStrictEqual(echoes.map((m) => m.toString('latin1')),
          ['echo:one', 'echo:two', 'echo:\x00\x01\x02\xff\x00']);
        assert.deepStrictEqual(got.infos.map((i) => [i.stream, i.ppid]), [[0, 1], [2, 8], [0, 1]]);
        const lines = (await py.waitLines(5)).slice(2);
        assert.deepStrictEqual(lines, [
          { data: 'one', size: 3, eor: true, stream: 0, ppid: 0 },
          { data: 'two', size: 3, eor: true, stream: 2, ppid: 7 },
          { data: '\x00\x01\x02\xff\x00', size: 5, eor: true, stream: 0, ppid: 0 },
        ]);
        client.end(); // SHUTDOWN: Python reads its end of file and exits
        const { code } = await py.exited;
        assert.deepStrictEqual(py.lines().slice(5), [{ eof: true }]);
        assert.strictEqual(code, 0, py.describe());
        await closed(client);
        assert.strictEqual(client.failure, undefined);
        assert.strictEqual(client.bytesWritten, 11);
        assert.strictEqual(client.bytesRead, 11 + 3 * 5);
      });

      it(`${family}: Python client's three sends reach our server as three messages; it reads our replies`,
        async () => {
        const [server, next] = await serve(host);
        const py = python('client', host, server.address().port, 2, 'alpha', 'beta', 'x'.repeat(5000));
        const conn = await next();
        const got = collect(conn, { infos: true });
        const ready = (await py.waitLines(1))[0];
        assert.deepStrictEqual([conn.remoteAddress, conn.remotePort], [host, ready.port]);
        const msgs = await got.until(3);
        assert.deepStrictEqual(msgs.map(String), ['alpha', 'beta', 'x'.repeat(5000)]);
        assert.deepStrictEqual(got.infos.map((i) => [i.stream, i.ppid, i.size, i.address, i.port]),
          [[0, 100, 5, host, ready.port], [1, 101, 4, host, ready.port], [2, 102, 5000, host, ready.port]]);
        conn.write('first reply');
        conn.send(pattern(3000, 9), { stream: 1, ppid: 0xfffffffe });
        conn.end(); // after both replies: Python reads them, then its end of file
        const { code } = await py.exited;
        assert.deepStrictEqual(py.lines().slice(1), [
          { data: 'first reply', size: 11, eor: true, stream: 0, ppid: 0 },
          { data: pattern(3000, 9).toString('latin1'), size: 3000, eor: true, stream: 1, ppid: 0xfffffffe },
          { eof: true },
        ]);
        assert.strictEqual(code, 0, py.describe());
        await closed(conn);
        assert.strictEqual(conn.failure, undefined);
      });
    }
  });

  describe('socat SCTP-LISTEN / SCTP-CONNECT', () => {
    let socat;
    before(function () { socat = need(this, 'socat'); });

    for (const [family, host] of FAMILIES) {
      const v = family === 'IPv6' ? '6' : '';
      const bracketed = family === 'IPv6' ? `[${host}]` : host;

      it(`${family}: socat SCTP${v}-LISTEN with PIPE echoes our messages byte for byte`, async () => {
        const p = port();
        const child = start(socat, [`SCTP${v}-LISTEN:${p},bind=${bracketed},reuseaddr`, 'PIPE']);
        await listening(p, child);
        const client = await connectTo(p, host);
        const got = collect(client);
        // One at a time: socat reads one message per read() and writes it back as one.
        for (const text of ['hello', 'socat', '\x00binary\xff']) {
          const n = got.list.length;
          client.write(Buffer.from(text, 'latin1'));
          const echo = (await got.until(n + 1))[n];
          assert.strictEqual(echo.toString('latin1'), text);
        }
        // Many at once, one larger than socat's 8192-byte buffer: the bytes come back exact
        // (socat's pipe may join or split messages, so only the byte stream is compared).
        const burst = [pattern(1000, 1), pattern(20000, 2)];
        for (let i = 0; i < 30; i++) burst.push(pattern(100 + i, i));
        const total = Buffer.concat(burst);
        const before = got.list.length;
        for (const m of burst) client.write(m);
        await new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`echo of the burst incomplete: ${client.bytesRead}`)), WAIT);
          const check = () => {
            if (Buffer.concat(got.list.slice(before)).length >= total.length) {
              clearTimeout(t);
              client.off('data', check);
              resolve();
            }
          };
          client.on('data', check);
          check();
        });
        assert(Buffer.concat(got.list.slice(before)).equals(total));
        client.end();
        const result = await child.exited;
        assert.strictEqual(result.code, 0, child.describe());
        await closed(client);
        assert.strictEqual(client.failure, undefined);
        assert.strictEqual(client.bytesRead, client.bytesWritten);
      });

      it(`${family}: socat SCTP${v}-CONNECT sends its input to our server and prints our reply`, async () => {
        const [server, next] = await serve(host);
        const source = port();
        const target = `SCTP${v}-CONNECT:${bracketed}:${server.address().port},sourceport=${source}`;
        const child = start(socat, ['-', target]);
        const conn = await next();
        assert.deepStrictEqual([conn.remoteAddress, conn.remotePort], [host, source]);
        const got = collect(conn);
        // socat's stdin stays open (an end of file there would SHUTDOWN the association: SCTP
        // has no half-close); each line is written once the previous one has arrived.
        child.stdin.write('first line\n');
        assert.strictEqual(String((await got.until(1))[0]), 'first line\n');
        child.stdin.write('second\n');
        assert.strictEqual(String((await got.until(2))[1]), 'second\n');
        conn.write('reply one;');
        await child.waitOutput((s) => s === 'reply one;');
        conn.write(Buffer.from(' reply two\n'));
        conn.end(); // SHUTDOWN: socat reads its end of file and exits
        const result = await child.exited;
        assert.strictEqual(result.stdout, 'reply one; reply two\n');
        assert.strictEqual(result.code, 0, child.describe());
        await closed(conn);
        assert.strictEqual(conn.failure, undefined);
      });
    }
  });

  describe('ncat --sctp', () => {
    let ncat;
    before(function () { ncat = need(this, 'ncat'); });

    for (const [family, host] of FAMILIES) {
      const v = family === 'IPv6' ? '-6' : '-4';

      it(`${family}: ncat --sctp -l --exec /bin/cat echoes each message whole`, async () => {
        const p = port();
        const child = start(ncat, [v, '--sctp', '-l', host, p, '--exec', '/bin/cat']);
        await listening(p, child);
        const client = await connectTo(p, host);
        const got = collect(client);
        const sent = ['ping', 'ncat', pattern(4000, 3).toString('latin1'), 'last'];
        for (const text of sent) {
          const n = got.list.length;
          client.write(Buffer.from(text, 'latin1'));
          assert.strictEqual((await got.until(n + 1))[n].toString('latin1'), text);
        }
        client.end();
        const result = await child.exited;
        assert.strictEqual(result.code, 0, child.describe());
        await closed(client);
        assert.strictEqual(client.failure, undefined);
        assert.strictEqual(client.bytesRead, client.bytesWritten);
      });

      it(`${family}: ncat --sctp -l relays our messages to its stdout and its stdin to us`, async () => {
        const p = port();
        const child = start(ncat, [v, '--sctp', '-l', host, p]);
        await listening(p, child);
        const client = await connectTo(p, host);
        const got = collect(client);
        client.write('to ncat\n');
        await child.waitOutput((s) => s === 'to ncat\n');
        child.stdin.write('from ncat\n');
        assert.strictEqual(String((await got.until(1))[0]), 'from ncat\n');
        client.end();
        const result = await child.exited;
        assert.strictEqual(result.stdout, 'to ncat\n');
        assert.strictEqual(result.code, 0, child.describe());
        await closed(client);
        assert.strictEqual(client.failure, undefined);
      });

      it(`${family}: ncat --sctp connects to our server, sends its input and prints our reply`, async () => {
        const [server, next] = await serve(host);
        const source = port();
        const child = start(ncat, [v, '--sctp', '-p', source, host, server.address().port]);
        const conn = await next();
        assert.deepStrictEqual([conn.remoteAddress, conn.remotePort], [host, source]);
        const got = collect(conn);
        child.stdin.write('GET / SCTP\n');
        assert.strictEqual(String((await got.until(1))[0]), 'GET / SCTP\n');
        child.stdin.write('more\n');
        assert.strictEqual(String((await got.until(2))[1]), 'more\n');
        conn.write('200 OK\n');
        conn.end();
        const result = await child.exited;
        assert.strictEqual(result.stdout, '200 OK\n');
        assert.strictEqual(result.code, 0, child.describe());
        await closed(conn);
        assert.strictEqual(conn.failure, undefined);
      });
    }
  });

  describe('iperf3 -s (SCTP data stream)', () => {
    let iperf3;
    before(function () { iperf3 = need(this, 'iperf3'); });

    // iperf3 -s, one test, JSON report; its stream buffers go in a tmpfs (the VM's 9p root cannot
    // hold them: "unable to create a new stream").
    const iperfServer = async (host, p) => {
      const child = start(iperf3, ['-s', '-1', '-J', '-B', host, '-p', p],
        { env: { ...process.env, TMPDIR: fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir() } });
      // Its listening TCP socket (a probe connection would be taken for its one test).
      const hex = `:${p.toString(16).toUpperCase().padStart(4, '0')}`;
      for (const deadline = Date.now() + WAIT; ;) {
        const tables = ['tcp', 'tcp6'].map((t) => fs.readFileSync(`/proc/net/${t}`, 'utf8').split('\n').slice(1));
        const listens = (line) => {
          const f = line.trim().split(/\s+/);
          return f[1] !== undefined && f[1].endsWith(hex) && f[3] === '0A'; // local address, state LISTEN
        };
        if (tables.flat().some(listens)) break;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`iperf3 does not listen; ${child.describe()}`);
        }
        await sleep(50);
      }
      return child;
    };

    for (const [family, host] of FAMILIES) {
      it(`${family}: iperf3's server counts exactly the bytes our client sends`, async () => {
        const p = port();
        const child = await iperfServer(host, p);
        const blksize = 16384;
        const count = 100;
        const { data, results } = await iperfClient(host, p, { len: blksize }, async (socket) => {
          for (let i = 0; i < count - 1; i++) {
            if (!socket.write(pattern(blksize, i))) await once(socket, 'drain');
          }
          await new Promise((resolve, reject) => {
            socket.write(pattern(blksize, count - 1), (err) => (err ? reject(err) : resolve()));
          });
          // Before TEST_END (when iperf3 stops reading): everything acknowledged by iperf3's
          // kernel, then a moment for iperf3, which reads all the time, to take the last of it.
          for (const deadline = Date.now() + WAIT; ;) {
            const ours = queues(socket.localPort, p);
            if (ours && ours.tx === 0) break;
            if (Date.now() > deadline) throw new Error(`never all acknowledged: ${JSON.stringify(ours)}`);
            await sleep(50);
          }
          await sleep(1000);
          return socket.bytesWritten - 37;
        });
        assert.strictEqual(data.bytesWritten, 37 + count * blksize);
        assert.strictEqual(results.streams.length, 1);
        assert.strictEqual(results.streams[0].bytes, count * blksize);
        const result = await child.exited;
        assert.strictEqual(result.code, 0, child.describe());
        const report = JSON.parse(result.stdout);
        assert.strictEqual(report.end.sum_received.bytes, count * blksize);
        assert.strictEqual(data.failure, undefined);
      });

      it(`${family}: our client receives exactly the bytes iperf3's server sends (-R)`, async () => {
        const p = port();
        const child = await iperfServer(host, p);
        const blksize = 8192;
        const sizes = new Set();
        const { data, results } = await iperfClient(host, p, { len: blksize, reverse: true }, async (socket) => {
          socket.on('data', (msg) => sizes.add(msg.length));
          // iperf3 sends as fast as it can meanwhile: in the VM, in bursts a second apart (as it
          // does to its own client there), so only some hundreds of kilobytes.
          await sleep(2000);
          return socket.bytesRead;
        });
        // iperf3 stopped at TEST_END; what it had sent was all delivered before the stream's end.
        assert(data.bytesRead >= 16 * blksize, `only ${data.bytesRead} bytes arrived`);
        assert.strictEqual(results.streams[0].bytes, data.bytesRead);
        assert.deepStrictEqual([...sizes], [blksize]); // each of iperf3's writes is one message
        const result = await child.exited;
        assert.strictEqual(result.code, 0, child.describe());
        assert.strictEqual(JSON.parse(result.stdout).end.sum_sent.bytes, data.bytesRead);
        assert.strictEqual(data.failure, undefined);
      });
    }
  });
});
