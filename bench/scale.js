'use strict';
// The scale run: ONE createSocket() server socket with many concurrent associations.
//
//   node bench/scale.js          (npm run bench:scale: in the VM where the kernel has no SCTP)
//
// This process is the server: one sctp4 socket bound to 127.0.0.1 that echoes every message back
// to its sender. The clients are build/scale-client (bench/scale-client.c): a few processes of
// plain C sockets, each client a one-to-one socket of its own bound to 127.0.0.(10+p):(10000+i),
// so each client is one association with the server. Batch after batch, BATCH clients connect
// (setup) and each sends one message and gets the server's echo back (messages), all staying up,
// until ASSOCIATIONS are up at once; the server's memory is sampled after each batch (after a
// full GC). Then, batch after batch, the server ends them with eof(assocId) (SCALE_TEARDOWN=client:
// the clients close them) (teardown). A warm-up round (SCALE_WARMUP) goes first, unmeasured; then
// SCALE_ROUNDS rounds, each batch's figures the best of the rounds.
//
// Each batch's wall time, and the server's own time per event (see eventUs below), is set against
// the number of associations up when it began: O(1) work per association gives a flat line. It
// records the server socket's own counts (associations(), 'association' events), the addon's
// internal table sizes where the addon tells them (socket[Symbol.for('sctp-napi.internals')]()),
// the kernel's (/proc/net/sctp/snmp), and checks: all up, a message each way on every one, all
// ended, every table back where it was, RSS per association <= 1 KiB, setup and teardown flat.
// Progress on stderr; writes bench/scale.json and bench/scale.md (SCALE_OUT: another directory);
// exits 1 if a check fails, 2 on an error or the timeout.
//
// Environment: SCALE_ASSOCIATIONS (10000), SCALE_BATCH (1000), SCALE_PROCESSES (2 client
// processes), SCALE_WINDOW (64 handshakes in flight per client process), SCALE_TEARDOWN (server |
// client), SCALE_REPLY (address: the echo goes to rinfo.address and port | assocId),
// SCALE_RCVBUF (the server's recvBufferSize, 4 MiB), SCALE_SNDBUF_POLICY (net.sctp.sndbuf_policy
// set in the VM, 1; 'keep': as it is; see tuneKernel), SCALE_WARMUP (associations before the
// baseline, 2000), SCALE_ROUNDS (3), SCALE_TIMEOUT (seconds for the whole run, 1200; then it
// stops). `node bench/scale.js --render` writes scale.md again from scale.json.
// require('./bench/scale').run(options) does the same run and resolves with the result (the test).
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const sctp = require('..');

const ROOT = path.join(__dirname, '..');
const CLIENT = path.join(ROOT, 'build', 'scale-client');
const CLIENT_SOURCE = path.join(__dirname, 'scale-client.c');
const INTERNALS = Symbol.for('sctp-napi.internals');
const PORT_BASE = 10000; // the clients' local ports: explicit, so no ephemeral-port search

const DEFAULTS = {
  associations: 10000,
  batch: 1000,
  processes: 2,
  window: 64,
  teardown: 'server',
  reply: 'address',
  recvBufferSize: 4 << 20,
  sndbufPolicy: 1,
  warmup: 2000, // associations up, messaged and ended before the baseline (rounded up to batches)
  rounds: 3, // of ASSOCIATIONS up and ended; a batch's time is its fastest
  settle: 250, // ms after each batch's messages before the next batch
  flatLimit: 1.5, // flat: batches with the most associations up take at most this × those with the fewest
  timeout: 1200, // s
  progress: (line) => process.stderr.write(`scale: ${line}\n`),
};

// A full collection, with or without --expose-gc.
const gc = global.gc || (() => {
  require('v8').setFlagsFromString('--expose-gc');
  return require('vm').runInNewContext('gc');
})();

function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kB = (name) => Number((status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) || [])[1]) * 1024 || 0;
  // The V8 heap's pages in memory (what of heapTotal it has touched); RssAnon less that is the
  // native memory: Node's, libuv's, the addon's.
  const heapPhysical = require('v8').getHeapSpaceStatistics().reduce((a, space) => a + space.physical_space_size, 0);
  const rssAnon = kB('RssAnon');
  return {
    rss: m.rss, rssAnon, heapUsed: m.heapUsed, heapTotal: m.heapTotal, heapPhysical, native: rssAnon - heapPhysical,
    external: m.external,
  };
}

// /proc/net/sctp/snmp as { name: value }, with the kernel's slab memory (bytes).
function kernelCounters() {
  const out = {};
  try {
    for (const line of fs.readFileSync('/proc/net/sctp/snmp', 'utf8').split('\n')) {
      const [name, value] = line.trim().split(/\s+/);
      if (name) out[name] = Number(value);
    }
    out.SlabBytes = Number(fs.readFileSync('/proc/meminfo', 'utf8').match(/^Slab:\s+(\d+)/m)[1]) * 1024;
  } catch { /* no /proc/net/sctp */ }
  return out;
}

const delta = (after, before) => Object.fromEntries(Object.keys(after)
  .filter((k) => k !== 'SctpCurrEstab' && after[k] !== before[k])
  .map((k) => [k, after[k] - (before[k] || 0)]));

const sysctl = (name) => {
  try {
    return Number(fs.readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8'));
  } catch {
    return null;
  }
};

// tuneKernel: two kernel settings a one-to-many socket with thousands of associations needs, set
// inside the throwaway VM only (elsewhere they are reported as they are):
// - net.core.rmem_max caps SO_RCVBUF (208 KiB by default). The server socket's receive queue
//   holds every association's notifications and messages until the server reads them; while it
//   is full the kernel drops incoming packets, handshakes too (a 3 s retransmission each).
// - net.sctp.sndbuf_policy: with 0 (the default) the send buffer is the socket's, and each time
//   an acknowledgement frees a sent message the kernel wakes every association of the socket
//   (sctp_wake_up_waiters()): O(associations) per message. With 1 it is per association.
// A socket takes both when it is created: the returned function puts them back after that (other
// tests may run in the same VM).
function tuneKernel(o) {
  const saved = [];
  if (!process.env.SCTP_VM_GUEST) return () => {};
  const set = (name, value) => {
    const before = sysctl(name);
    try {
      fs.writeFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, String(value));
      saved.push([name, before]);
    } catch { /* reported as it is */ }
  };
  if (sysctl('net.core.rmem_max') < o.recvBufferSize) set('net.core.rmem_max', o.recvBufferSize);
  if (o.sndbufPolicy !== null && o.sndbufPolicy !== undefined) set('net.sctp.sndbuf_policy', o.sndbufPolicy);
  return () => {
    for (const [name, value] of saved.reverse()) fs.writeFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, String(value));
  };
}

// The addon's own bookkeeping, where it tells it (a later version does); null otherwise.
function internals(socket) {
  if (typeof socket[INTERNALS] !== 'function') return null;
  return { ...socket[INTERNALS]() };
}

// Builds the C clients when missing or older than their source (scripts/bench.sh,
// scripts/bench-scale.sh and npm's pretest do it natively before the VM starts; this is the
// fallback, slow under the emulator).
function ensureClient(progress) {
  let stale = true;
  try {
    stale = fs.statSync(CLIENT).mtimeMs < fs.statSync(CLIENT_SOURCE).mtimeMs;
  } catch { /* missing */ }
  if (!stale) return;
  const started = performance.now();
  fs.mkdirSync(path.dirname(CLIENT), { recursive: true });
  execFileSync('cc', ['-O2', '-Wall', '-o', CLIENT, CLIENT_SOURCE], { stdio: 'inherit' });
  progress(`built ${path.relative(ROOT, CLIENT)} (${Math.round(performance.now() - started)} ms)`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

// The least-squares line through points [x, y]: { slope, at(x) }.
function fit(points) {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const slope = sxx ? points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx : 0;
  return { slope, at: (x) => my + slope * (x - mx) };
}

// Batches' times against the associations up when each began. ratio: the median of the batches
// with the most associations up (the top third; of 5 or fewer, the top two) over the median of
// those with the fewest. ~1 is flat, O(1) per association; a cost per association that grows with
// the associations up makes it larger (were all of it linear, ~4 for batches from 1000 to 10 000
// up). endsRatio: the one batch with the most up over the one with the fewest; the least-squares
// slope: how much longer a batch takes per 1000 more associations up.
function flatness(batches, key = 'ms') {
  const ys = batches.map((b) => b[key]);
  const byTable = [...batches].sort((a, b) => a.tableBefore - b.tableBefore);
  const k = Math.max(1, Math.floor(byTable.length / (byTable.length >= 6 ? 3 : 2)));
  const median = (list) => {
    const v = list.map((b) => b[key]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const sorted = [...ys].sort((a, b) => a - b);
  const ratio = (a, b) => (b > 0 ? round(a / b, 2) : null);
  return {
    seconds: round(ys.reduce((a, b) => a + b, 0) / 1000, 2),
    first: round(ys[0]),
    median: round(median(batches)),
    last: round(ys[ys.length - 1]),
    min: round(sorted[0]),
    max: round(sorted[ys.length - 1]),
    ratio: byTable.length > 1 ? ratio(median(byTable.slice(-k)), median(byTable.slice(0, k))) : 1,
    endsRatio: ratio(byTable[byTable.length - 1][key], byTable[0][key]),
    msMorePer1000Up: round(fit(batches.map((b) => [b.tableBefore, b[key]])).slope * 1000, 1),
  };
}

// A phase's figures from its batches ({ tableBefore, ms, eventUs, rounds }): the batch's wall time,
// and the server's time per event.
const phase = (batches) => ({ ...flatness(batches), event: flatness(batches, 'eventUs'), batches });

async function run(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const { progress } = o;
  if (!(o.associations > 0 && o.batch > 0 && o.associations % o.batch === 0)) {
    throw new RangeError('associations must be a positive multiple of batch');
  }
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) throw new RangeError('rounds must be an integer >= 1');
  if (!['server', 'client'].includes(o.teardown)) throw new RangeError("teardown is 'server' or 'client'");
  const started = performance.now();
  const deadline = Date.now() + o.timeout * 1000;
  ensureClient(progress);
  const restoreKernel = tuneKernel(o);

  const result = {
    date: new Date().toISOString(),
    kernel: os.release(),
    cpus: os.cpus().length,
    node: process.version,
    vm: process.env.SCTP_VM_GUEST ? `qemu TCG, ${process.env.SCTP_VM_GUEST}` : null,
    options: {
      associations: o.associations, batch: o.batch, processes: o.processes, window: o.window,
      teardown: o.teardown, reply: o.reply, recvBufferSize: o.recvBufferSize,
      warmup: Math.ceil(o.warmup / o.batch) * o.batch, rounds: o.rounds,
    },
    sysctls: Object.fromEntries(['net.core.rmem_max', 'net.sctp.sndbuf_policy', 'net.sctp.rcvbuf_policy',
      'net.sctp.hb_interval'].map((name) => [name, sysctl(name)])),
    failures: [],
    notes: [],
  };

  // The server under test. What this harness keeps per association in this process is in a
  // typed array allocated before the baseline, so the memory growth measured is the socket's.
  let server;
  try {
    server = sctp.createSocket({ type: 'sctp4', recvBufferSize: o.recvBufferSize });
  } finally {
    restoreKernel();
  }
  const warmup = Math.ceil(o.warmup / o.batch) * o.batch;
  const ids = new Int32Array(o.associations * o.rounds + warmup); // assocIds as they came up (warm-up too)
  const counts = { up: 0, restart: 0, shutdown: 0, lost: 0, cantStart: 0, peerShutdown: 0, messages: 0, errors: 0 };
  const errors = [];
  const clients = [];
  const clientTotals = () => {
    const t = {};
    for (const c of clients) for (const [k, v] of Object.entries(c.status)) t[k] = (t[k] || 0) + v;
    return t;
  };

  // The server's time per event: the median gap between consecutive events of one kind ('up',
  // 'message', 'shutdown') in a batch, in µs. The events of a batch come in bursts (the kernel
  // queues them faster than the server reads), so a gap is what the server spends on one: the
  // read, the addon's bookkeeping, the JS event (and for a message the echo's send). Unlike the
  // batch's wall time it leaves out the kernel's and the clients' work, and the median leaves out
  // the moments another VM on the host takes the CPU.
  const stamps = new Float64Array(o.batch);
  const gaps = new Float64Array(o.batch);
  let stamped = 0;
  let stamping = null;
  const stamp = (kind) => {
    if (kind === stamping && stamped < stamps.length) stamps[stamped++] = performance.now();
  };
  const startStamps = (kind) => {
    stamping = kind;
    stamped = 0;
  };
  const eventUs = () => {
    const n = stamped - 1;
    if (n < 1) return 0;
    for (let i = 0; i < n; i++) gaps[i] = stamps[i + 1] - stamps[i];
    const sorted = gaps.subarray(0, n).sort();
    return round(1000 * (n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2));
  };
  const now = () => performance.now();
  // until(label, predicate) resolves with the time predicate() became true (checked on every
  // event), or rejects when the run's time is up.
  let waiter = null;
  const poke = () => {
    if (waiter && waiter.predicate()) {
      const w = waiter;
      waiter = null;
      clearTimeout(w.timer);
      w.resolve(now());
    }
  };
  const until = (label, predicate) => new Promise((resolve, reject) => {
    if (predicate()) {
      resolve(now());
      return;
    }
    waiter = {
      predicate,
      resolve,
      timer: setTimeout(() => {
        waiter = null;
        reject(new Error(`timed out (${o.timeout} s in all) waiting for ${label}; server ${JSON.stringify(counts)}, ` +
          `clients ${JSON.stringify(clientTotals())}${errors.length ? `; ${errors.join('; ')}` : ''}`));
      }, Math.max(0, deadline - Date.now())),
    };
  });

  server.on('association', ({ assocId, state }) => {
    stamp(state);
    switch (state) {
      case 'up': ids[counts.up++] = assocId; break;
      case 'restart': counts.restart++; break;
      case 'shutdown': counts.shutdown++; break;
      case 'lost': counts.lost++; break;
      default: counts.cantStart++; break;
    }
    poke();
  });
  server.on('shutdown', () => { counts.peerShutdown++; });
  const ECHO = Buffer.from('echo:');
  server.on('message', (msg, rinfo) => {
    stamp('message');
    counts.messages++;
    if (o.reply === 'assocId') server.send([ECHO, msg], { assocId: rinfo.assocId });
    else server.send([ECHO, msg], rinfo.port, rinfo.address); // as the README's example does
    poke();
  });
  server.on('error', (err) => {
    counts.errors++;
    if (errors.length < 10) errors.push(`server: ${err.message}`);
  });
  server.bind(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();

  try {
    for (let p = 0; p < o.processes; p++) {
      const child = spawn(CLIENT, ['127.0.0.1', port, `127.0.0.${10 + p}`, PORT_BASE, o.window],
        { stdio: ['pipe', 'pipe', 'inherit'] });
      child.status = {};
      let buffered = '';
      child.stdout.on('data', (chunk) => {
        buffered += chunk;
        let i;
        while ((i = buffered.indexOf('\n')) >= 0) {
          child.status = JSON.parse(buffered.slice(0, i));
          buffered = buffered.slice(i + 1);
        }
        poke();
      });
      child.on('exit', (code, signal) => {
        if (code || signal) errors.push(`client process ${p} exited: ${code ?? signal}`);
        poke();
      });
      child.stdin.on('error', () => {}); // a client that died is reported by its exit
      clients.push(child);
    }
    await until('the client processes', () => clients.every((c) => 'connected' in c.status));
    const tell = (verb, n) => clients.forEach((c, p) => { // n spread over the client processes
      const k = Math.floor(n / o.processes) + (p < n % o.processes ? 1 : 0);
      if (k) c.stdin.write(`${verb} ${k}\n`);
    });
    const sum = (key) => clients.reduce((a, c) => a + (c.status[key] || 0), 0);
    const upNow = () => counts.up - counts.shutdown - counts.lost;

    // One round of `count` associations: batch after batch, `batch` come up and each exchanges
    // a message with the server, all staying up (measured: memory after each batch); then, batch
    // after batch, all end.
    let ended = 0; // eof() calls made
    const round_ = async (count, measured, label = '') => {
      const base = { up: counts.up, messages: counts.messages, ended: counts.shutdown + counts.lost,
        connected: sum('connected'), echoed: sum('echoed') };
      const batches = count / o.batch;
      const growth = [];
      const samples = [];
      const k0 = kernelCounters();
      for (let b = 0; b < batches; b++) {
        const target = (b + 1) * o.batch;
        const tableBefore = upNow();
        startStamps('up');
        const t0 = now();
        tell('connect', o.batch);
        const t1 = await until(`setup batch ${b + 1}`, () => counts.up - base.up + counts.cantStart >= target &&
          sum('connected') + sum('failed') - base.connected >= target);
        const setupEventUs = eventUs();
        startStamps('message');
        tell('send', o.batch);
        const t2 = await until(`messages batch ${b + 1}`, () => counts.messages - base.messages >= target);
        const t3 = await until(`echoes batch ${b + 1}`, () => sum('echoed') - base.echoed >= target);
        const messagesEventUs = eventUs();
        // Quiet before the next batch: the delayed acknowledgements (200 ms) of this one's messages
        // would otherwise land in it (and not in the first batch, which would look faster).
        await sleep(o.settle);
        if (!measured) continue;
        const batch = {
          tableBefore,
          setup: { ms: round(t1 - t0), eventUs: setupEventUs },
          messages: { upDuring: tableBefore + o.batch, ms: round(t3 - t1), eventUs: messagesEventUs, receivedMs: round(t2 - t1) },
        };
        growth.push(batch);
        samples.push({ up: upNow(), ...memory() });
        progress(`${label}batch ${b + 1}/${batches}: ${o.batch} up in ${Math.round(batch.setup.ms)} ms (server ` +
          `${Math.round(batch.setup.eventUs)} µs per event), a message each way in ${Math.round(batch.messages.ms)} ms ` +
          `(${Math.round(batch.messages.eventUs)} µs); ${tableBefore} up before the batch; server rss ` +
          `${mb(samples[b].rss)}, heap used ${mb(samples[b].heapUsed)}`);
      }
      const k1 = kernelCounters();
      let plateau = null;
      if (measured) {
        const t = performance.now();
        const listed = server.associations().length;
        plateau = {
          associations: listed,
          associationsCallMs: round(performance.now() - t),
          tables: internals(server),
          kernelEstablished: k1.SctpCurrEstab,
        };
        progress(`${label}all ${count} up: associations() lists ${listed} (${plateau.associationsCallMs} ms); kernel ` +
          `SctpCurrEstab ${k1.SctpCurrEstab} (both ends)${plateau.tables ? `; tables ${JSON.stringify(plateau.tables)}` : ''}`);
      }
      const teardown = [];
      for (let b = 0; b < batches; b++) {
        const target = (b + 1) * o.batch;
        const tableBefore = upNow();
        startStamps('shutdown');
        const t0 = now();
        let eofCallsMs;
        if (o.teardown === 'server') {
          for (let i = 0; i < o.batch; i++) server.eof(ids[ended++]);
          eofCallsMs = round(performance.now() - t0, 2);
        } else {
          tell('close', o.batch);
        }
        const t1 = await until(`teardown batch ${b + 1}`, () => counts.shutdown + counts.lost - base.ended >= target);
        if (!measured) continue;
        const batch = { tableBefore, ms: round(t1 - t0), eventUs: eventUs(), ...(eofCallsMs === undefined ? {} : { eofCallsMs }) };
        teardown.push(batch);
        progress(`${label}teardown ${b + 1}/${batches}: ${o.batch} ended in ${Math.round(batch.ms)} ms (server ` +
          `${Math.round(batch.eventUs)} µs per event); ${tableBefore} up before it`);
      }
      // The clients see the server's SHUTDOWN as the end of their socket and close it.
      await until('every client socket to close', () => sum('open') === 0);
      const k2 = kernelCounters();
      const afterRound = measured ? memory() : null;
      return { growth, samples, teardown, plateau, k0, k1, k2, afterRound };
    };

    // The warm-up: until V8 has optimized the hot paths (its compiler's pages and memory come
    // with that), the memory and times would measure that.
    progress(`server on 127.0.0.1:${port}, ${o.processes} client processes; a warm-up round of ${warmup}`);
    if (warmup) await round_(warmup, false);
    const baseline = { memory: memory(), tables: internals(server), associations: server.associations().length };
    progress(`baseline: server rss ${mb(baseline.memory.rss)}, heap used ${mb(baseline.memory.heapUsed)}; tables ` +
      `${baseline.tables ? JSON.stringify(baseline.tables) : 'n/a (this addon has no internals accessor)'}`);
    // The rounds: the first gives the memory figures; each batch's time is its fastest over the
    // rounds (other work on the host slows a batch now and then, seldom the same one twice).
    const rounds = [];
    for (let i = 0; i < o.rounds; i++) {
      rounds.push(await round_(o.associations, true, o.rounds > 1 ? `round ${i + 1}/${o.rounds}: ` : ''));
    }
    const r = rounds[0];
    const fastest = (pick) => r.growth.map((_, b) => {
      const all = rounds.map((x) => pick(x, b));
      return {
        tableBefore: all[0].tableBefore,
        ms: Math.min(...all.map((x) => x.ms)),
        eventUs: Math.min(...all.map((x) => x.eventUs)),
        rounds: all.map((x) => [x.ms, x.eventUs]), // [batch ms, server µs per event] of each round
      };
    });
    const after = { memory: memory(), tables: internals(server), associations: server.associations().length };
    progress(`all ended: associations() lists ${after.associations}; server rss ${mb(after.memory.rss)}, heap used ` +
      `${mb(after.memory.heapUsed)}${after.tables ? `; tables ${JSON.stringify(after.tables)}` : ''}`);

    // Memory per association: the slope of the server's memory against the associations up
    // (baseline and a sample after each batch), and the plain difference between none and all up.
    const n = o.associations;
    const points = [{ up: 0, ...baseline.memory }, ...r.samples];
    const top = r.samples[r.samples.length - 1];
    const perAssociation = {};
    for (const key of ['rss', 'rssAnon', 'heapUsed', 'native', 'external']) {
      perAssociation[key] = {
        fitted: round(fit(points.map((s) => [s.up, s[key]])).slope, 0),
        difference: round((top[key] - baseline.memory[key]) / n, 0),
      };
    }
    const clientsFinal = clientTotals();
    Object.assign(result, {
      phases: {
        setup: phase(fastest((x, b) => ({ tableBefore: x.growth[b].tableBefore, ...x.growth[b].setup }))),
        // (a batch's messages go with its own associations up too)
        messages: phase(fastest((x, b) => ({ ...x.growth[b].messages, tableBefore: x.growth[b].messages.upDuring }))),
        teardown: phase(fastest((x, b) => x.teardown[b])),
      },
      memory: {
        baseline: baseline.memory,
        allUp: top,
        afterTeardown: after.memory,
        perAssociation, // bytes
        samples: points.map((s) => ({ up: s.up, rss: s.rss, rssAnon: s.rssAnon, heapUsed: s.heapUsed, native: s.native })),
        // each round's with all up and after all ended: what a leak would make grow round by round
        rounds: rounds.map((x) => ({ allUp: x.samples[x.samples.length - 1], afterTeardown: x.afterRound })),
      },
      tables: { baseline: baseline.tables, allUp: r.plateau.tables, afterTeardown: after.tables },
      server: {
        associationsAllUp: r.plateau.associations,
        associationsCallMs: r.plateau.associationsCallMs,
        associationsAfter: after.associations,
        events: { ...counts },
        errors,
      },
      clients: clientsFinal,
      sctp: { // the kernel's view: /proc/net/sctp/snmp, /proc/meminfo
        establishedBefore: r.k0.SctpCurrEstab,
        establishedAllUp: r.plateau.kernelEstablished,
        establishedAfter: rounds[rounds.length - 1].k2.SctpCurrEstab,
        slabPerAssociation: r.k1.SlabBytes !== undefined ? round((r.k1.SlabBytes - r.k0.SlabBytes) / n, 0) : null,
        counters: { up: delta(r.k1, r.k0), teardown: delta(r.k2, r.k1) },
      },
    });

    // The checks (the warm-up round's associations are in the event counts).
    const warm = warmup;
    const listed = rounds.map((x) => x.plateau.associations);
    // The kernel's count of established associations (every socket's, both ends of each) is back
    // where it was before each round.
    const endedAfter = rounds.map((x) => x.k2.SctpCurrEstab - x.k0.SctpCurrEstab);
    // result.checks: each property true or false; result.failures: what failed, in words.
    const checks = {};
    const check = (name, ok, what) => {
      checks[name] = checks[name] !== false && ok;
      if (!ok) result.failures.push(what);
    };
    result.checks = checks;
    const all = n * o.rounds + warm;
    check('allUp', counts.up === all && listed.every((x) => x === n) && clientsFinal.connected === all &&
      !clientsFinal.failed && !counts.cantStart, `all up: associations() listed ${listed.join(', ')} of ${n}; ` +
      `${counts.up - warm} 'up' events of ${all - warm}, ${counts.cantStart} 'cant-start', ${clientsFinal.connected - warm} ` +
      `clients connected, ${clientsFinal.failed || 0} failed`);
    check('messageEachWay', counts.messages === all && clientsFinal.echoed === all && !clientsFinal.bad,
      `a message each way: the server got ${counts.messages - warm} of ${all - warm}, the clients ` +
      `${clientsFinal.echoed - warm} echoes (${clientsFinal.bad || 0} wrong)`);
    check('allEnded', counts.shutdown === all && !counts.lost && !counts.restart && after.associations === 0 &&
      clientsFinal.open === 0 && !clientsFinal.reset && endedAfter.every((x) => x === 0),
      `all ended: ${counts.shutdown - warm} 'shutdown' events of ${all - warm}, ${counts.lost} 'lost', ` +
      `associations() lists ${after.associations}, ${clientsFinal.open} client sockets open, ` +
      `${clientsFinal.reset || 0} reset, kernel SctpCurrEstab ${endedAfter.join(', ')} more after each round than before`);
    check('noErrors', !counts.errors && !errors.length, `errors: ${errors.join('; ')}`);
    check('tablesEmpty', after.associations === 0, `associations() lists ${after.associations} after`);
    if (baseline.tables) {
      for (const [key, value] of Object.entries(after.tables)) {
        check('tablesEmpty', value === baseline.tables[key], `table ${key}: ${baseline.tables[key]} before, ${value} after`);
      }
    }
    check('memory', perAssociation.rss.fitted <= 1024,
      `memory: ${perAssociation.rss.fitted} B of RSS per association (limit 1024)`);
    // Flat: in wall time and in the server's CPU time alike.
    for (const name of ['setup', 'teardown']) {
      const f = result.phases[name];
      check(`${name}Flat`, f.ratio <= o.flatLimit, `${name} is not flat: the batches with the most associations ` +
        `up took ${f.ratio}× as long as those with the fewest (limit ${o.flatLimit}×; ${f.first} ms the first, ` +
        `${f.last} ms the last)`);
      check(`${name}Flat`, f.event.ratio <= o.flatLimit, `${name} is not flat in the server's time per event: ` +
        `${f.event.ratio}× as long with the most associations up as with the fewest (limit ${o.flatLimit}×; ` +
        `${f.event.first} µs in the first batch, ${f.event.last} µs in the last)`);
    }
    const m = result.phases.messages;
    if (m.ratio > o.flatLimit || m.event.ratio > o.flatLimit) {
      result.notes.push(`the messages are not flat: the batches with the most associations up took ${m.ratio}× ` +
        `as long (${m.event.ratio}× the server's time per message) as those with the fewest`);
    }
    // Packets the kernel dropped and the retransmissions that followed: each costs a batch
    // seconds (RTO), so the times are only clean without them.
    for (const [name, c] of Object.entries(result.sctp.counters)) {
      const lost = ['SctpInPktDiscards', 'SctpT1InitExpireds', 'SctpT1CookieExpireds', 'SctpT2ShutdownExpireds',
        'SctpT3RtxExpireds'].filter((k) => c[k]).map((k) => `${k} ${c[k]}`);
      if (lost.length) result.notes.push(`${name === 'up' ? 'setup and messages' : name}: the kernel counted ${lost.join(', ')}`);
    }
  } finally {
    for (const c of clients) if (c.exitCode === null && c.signalCode === null) c.kill();
    server.close();
  }
  result.seconds = round((performance.now() - started) / 1000, 1);
  progress(`${result.failures.length ? `${result.failures.length} checks failed` : 'every check passed'} ` +
    `(${result.seconds} s)`);
  return result;
}

const mb = (bytes) => `${round(bytes / 1048576, 1)} MiB`;
const bytes = (b) => `${b.toLocaleString('en')} B`;

// bench/scale.md: the figures in a table (docs/performance.md says how to read them).
function markdown(r) {
  const n = r.options.associations.toLocaleString('en');
  const { setup, messages, teardown } = r.phases;
  const row = (label, p) => `| ${label} | ${p.seconds} s | ${p.first} / ${p.median} / ${p.last} | **${p.ratio}×** ` +
    `| ${p.event.first} / ${p.event.median} / ${p.event.last} | **${p.event.ratio}×** |`;
  const m = r.memory;
  const t = r.tables;
  const tables = (x) => Object.entries(x).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `One createSocket() server socket, ${n} concurrent associations: ${r.options.processes} client processes of ` +
      `one-to-one C sockets, ${r.options.batch.toLocaleString('en')} per batch, teardown by ` +
      `${r.options.teardown === 'server' ? 'the server (eof(assocId))' : 'the clients (close())'}; ` +
      `${r.options.rounds > 1 ? `${r.options.rounds} rounds, each batch's time its fastest` : 'one round'}. Kernel ${r.kernel}` +
      `${r.vm ? ' in the VM (qemu TCG)' : ''}, ${r.cpus} CPUs, Node ${r.node}; net.sctp.sndbuf_policy ` +
      `${r.sysctls['net.sctp.sndbuf_policy']}, server recvBufferSize ${r.options.recvBufferSize / 1048576} MiB. ` +
      `The run took ${r.seconds} s.`,
    '',
    `| per batch of ${r.options.batch.toLocaleString('en')} | sum of the batches | wall ms: first / median / last batch | ` +
      'most up / fewest up | server µs per event: first / median / last | most up / fewest up |',
    '|---|---|---|---|---|---|',
    row('associations up (setup)', setup),
    row('a message each way on each', messages),
    row('associations ended (teardown)', teardown),
    '',
    `Server memory after a full GC (first round): RSS ${mb(m.baseline.rss)} with none up, ${mb(m.allUp.rss)} with ` +
      `${n} up, ${mb(m.afterTeardown.rss)} after all ended: **${bytes(m.perAssociation.rss.fitted)} of RSS per association** ` +
      `(slope over the ${m.samples.length} samples; ${bytes(m.perAssociation.rss.difference)} from the difference ` +
      `alone): JS heap ${bytes(m.perAssociation.heapUsed.fitted)}, native ` +
      `${m.perAssociation.native ? bytes(m.perAssociation.native.fitted) : 'n/a'}. The kernel's own (slab, both ends of each ` +
      `association): ${r.sctp.slabPerAssociation === null ? 'n/a' : bytes(r.sctp.slabPerAssociation)}.` +
      (m.rounds && m.rounds.length > 1 ? ` Round by round, RSS with all up ` +
        `${m.rounds.map((x) => round(x.allUp.rss / 1048576, 1)).join(', ')} MiB, after all ended ` +
        `${m.rounds.map((x) => round(x.afterTeardown.rss / 1048576, 1)).join(', ')} MiB (native memory, RSS less ` +
        `the V8 heap's pages: ${mb(m.baseline.native)} before, then ` +
        `${m.rounds.map((x) => round(x.afterTeardown.native / 1048576, 1)).join(', ')} MiB after each round); JS ` +
        `heap used ${mb(m.baseline.heapUsed)} before, ${mb(m.afterTeardown.heapUsed)} after.` : ''),
    '',
    `Counts: associations() listed ${r.server.associationsAllUp.toLocaleString('en')} with all up ` +
      `(the call took ${r.server.associationsCallMs} ms) and ${r.server.associationsAfter} after; in all ` +
      `'association' events ${r.server.events.up} up, ${r.server.events.shutdown} shutdown, ${r.server.events.lost} lost; ` +
      `${r.server.events.messages} messages in, each echoed (these counts include the warm-up round's ` +
      `${r.options.warmup}); kernel SctpCurrEstab ${r.sctp.establishedAllUp} with all up (both ends), ` +
      `${r.sctp.establishedAfter} after.`,
    '',
    `Addon tables: ${t.baseline ? `none up: ${tables(t.baseline)}; all up: ${tables(t.allUp)}; all ended: ` +
      `${tables(t.afterTeardown)}.` : 'n/a (this addon has no internals accessor).'}`,
    ...r.notes.map((note) => `\nNote: ${note}.`),
    '',
    r.failures.length ? `Checks failed: ${r.failures.map((f) => `${f}.`).join(' ')}` : 'Every check passed.',
  ];
  return `${lines.join('\n')}\n`;
}

module.exports = { run, markdown, flatness, ensureClient, DEFAULTS };

if (require.main === module && process.argv[2] === '--render') { // scale.md again from scale.json
  const dir = process.env.SCALE_OUT || __dirname;
  const r = JSON.parse(fs.readFileSync(path.join(dir, 'scale.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'scale.md'), markdown(r));
  process.stdout.write(markdown(r));
} else if (require.main === module) {
  const env = process.env;
  const num = (name, fallback) => (env[name] ? Number(env[name]) : fallback);
  const options = {
    associations: num('SCALE_ASSOCIATIONS', DEFAULTS.associations),
    batch: num('SCALE_BATCH', DEFAULTS.batch),
    processes: num('SCALE_PROCESSES', DEFAULTS.processes),
    window: num('SCALE_WINDOW', DEFAULTS.window),
    teardown: env.SCALE_TEARDOWN || DEFAULTS.teardown,
    reply: env.SCALE_REPLY || DEFAULTS.reply,
    recvBufferSize: num('SCALE_RCVBUF', DEFAULTS.recvBufferSize),
    sndbufPolicy: env.SCALE_SNDBUF_POLICY === 'keep' ? null : num('SCALE_SNDBUF_POLICY', DEFAULTS.sndbufPolicy),
    warmup: num('SCALE_WARMUP', DEFAULTS.warmup),
    rounds: num('SCALE_ROUNDS', DEFAULTS.rounds),
    timeout: num('SCALE_TIMEOUT', DEFAULTS.timeout),
  };
  // The hard stop, whatever happens (the clients exit when their stdin closes).
  setTimeout(() => {
    console.error(`scale: still running ${options.timeout + 30} s after the start; stopping`);
    process.exit(2);
  }, (options.timeout + 30) * 1000).unref();
  run(options).then((r) => {
    const dir = env.SCALE_OUT || __dirname;
    fs.writeFileSync(path.join(dir, 'scale.json'), `${JSON.stringify(r, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, 'scale.md'), markdown(r));
    process.stdout.write(`${markdown(r)}\nscale: wrote scale.json and scale.md in ${dir} (${r.seconds} s)\n`);
    process.exitCode = r.failures.length ? 1 : 0;
  }, (err) => {
    console.error(err);
    process.exitCode = 2;
  });
}
