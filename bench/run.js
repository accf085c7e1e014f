'use strict';
// `npm run bench` (through scripts/bench.sh, which builds bench/raw.c and boots the VM where the
// kernel lacks SCTP). Sender and receiver are separate processes, each run timed after a warm-up
// of a tenth of its messages. The runs are interleaved: each of BENCH_RUNS repetitions (5) runs
// every row once per size, then every ping-pong, so a row and raw C of the same repetition see the
// same machine; a row's ratio to raw C is taken per repetition, and the table gives the median
// ratio and its spread (min–max) over the repetitions, and each target met / not met / crossed.
// Writes results.json, results.md and chart.svg to BENCH_OUT (bench/). Last, the scale section:
// bench/scale.js (10 000 associations on one server socket) in a process of its own.
// Knobs: BENCH_RUNS (repetitions, 5), BENCH_SIZES (64,1024,16384,65536), BENCH_SCALE (message
// counts ×), BENCH_ONLY (row ids below, and scale; raw C runs with any row), BENCH_LONG (messages
// in the RSS run), BENCH_BATCH (K of the batched rows, 32), BENCH_OUT, BENCH_RAW (the C program),
// BENCH_BASELINE (another checkout of sctp-napi, built: each Node row runs a second time, right
// after, on that checkout's lib/ and addon, and the table gives the ratio of the two per repetition).
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const RAW = process.env.BENCH_RAW || path.join(__dirname, '..', 'build', 'bench-raw');
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : null;
const BASE = '@base'; // a row id's suffix: the row, on BENCH_BASELINE's checkout
const OUT = process.env.BENCH_OUT || __dirname;
const RUNS = Number(process.env.BENCH_RUNS) || 5;
const SCALE = Number(process.env.BENCH_SCALE) || 1;
const LONG = Number(process.env.BENCH_LONG) || 200000;
const BATCH = Number(process.env.BENCH_BATCH) || 32;
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [64, 1024, 16384, 65536];
const COUNTS = { 64: 20000, 1024: 15000, 16384: 4000, 65536: 1500 }; // ~2-3 s each in the VM
const IPERF_SECONDS = Math.max(1, Math.round(2 * SCALE));
const HOST = '127.0.0.1';
const small = (size) => size <= 1024; // the split, bundled and batched rows: where per-message costs show
// The rows, in the order each repetition runs them. send / recv: the program at each end (default:
// id); env: for both ends; at(size): the sizes it runs at (default all); pingPong: a ping-pong too.
const GROUPS = ['Both ends the same API', 'One end Node, the other raw C: which side costs what',
  'Bundling: SCTP_NODELAY off, the kernel bundles small messages', 'Batched sends'];
const ROWS = [
  { id: 'raw', label: 'raw C (sendmsg/sctp_recvv, blocking)', colour: '#555', pingPong: true },
  { id: 'open', label: 'open() (the original API)', colour: '#1f77b4', pingPong: true },
  { id: 'socket', label: 'createSocket()', colour: '#2ca02c', pingPong: true },
  { id: 'stream', label: 'connect() / createServer() (one-to-one, a Duplex)', legend: 'connect(), one-to-one',
    colour: '#9467bd', pingPong: true },
  { id: 'tcp', label: 'Node net, TCP (a byte stream; for comparison)', colour: '#8c564b', pingPong: true },
  { id: 'dgram', label: 'Node dgram, UDP (drops; for scale)', colour: '#ff7f0e', pingPong: true,
    at: (size) => size <= 65507 }, // the largest UDP payload
  { id: 'socket-to-raw', group: 1, label: 'createSocket() sender → raw C receiver', send: 'socket', recv: 'raw',
    at: small, pingPong: true },
  { id: 'raw-to-socket', group: 1, label: 'raw C sender → createSocket() receiver', send: 'raw', recv: 'socket',
    at: small, pingPong: true },
  { id: 'raw-bundled', group: 2, label: 'raw C, SCTP_NODELAY off', send: 'raw', recv: 'raw',
    env: { BENCH_NODELAY: '0' }, at: small, pingPong: true },
  { id: 'socket-bundled', group: 2, label: 'createSocket({ nodelay: false })', send: 'socket', recv: 'socket',
    env: { BENCH_NODELAY: '0' }, at: small, pingPong: true },
  { id: 'iperf3', group: 2, label: 'iperf3 --sctp (one-to-one)',
    colour: '#d62728', at: (size) => small(size) || size === 65536 },
  { id: 'socket-batch', group: 3, label: `createSocket(): cork(), ${BATCH} × send(), uncork()`, send: 'socket',
    recv: 'socket', env: { BENCH_BATCH: String(BATCH) }, at: small, colour: '#17becf', legend: 'createSocket(), batched' },
  { id: 'stream-batch', group: 3, label: `connect(): cork(), ${BATCH} × write(), uncork()`, send: 'stream',
    recv: 'stream', env: { BENCH_BATCH: String(BATCH) }, at: small },
];
// Every ratio is to raw C of the same repetition: it runs whenever another throughput row does.
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const chosen = ROWS.filter(({ id }) => !only || only.includes(id) || (id === 'raw' && only.some((x) => x !== 'scale')));
// With BENCH_BASELINE each row with a Node end (ours: not tcp, dgram or iperf3) is followed by its
// twin on the baseline's checkout, in the same repetition: before and after, interleaved.
const ours = (impl) => !['raw', 'tcp', 'dgram', 'iperf3'].includes(impl);
const rows = !BASELINE ? chosen : chosen.flatMap((row) => {
  const [send, recv] = [row.send || row.id, row.recv || row.id];
  if (!ours(send) && !ours(recv)) return [row];
  const twin = { ...row, id: row.id + BASE, label: `${row.label}, baseline`, colour: undefined, baseOf: row.id,
    send: ours(send) ? send + BASE : send, recv: ours(recv) ? recv + BASE : recv };
  return [row, twin];
});
const scaleSection = !only || only.includes('scale');
let nextPort = 20000 + (process.pid % 1000) * 10; // below the ephemeral ports (32768-60999)

const command = (impl, role, ...args) => (impl === 'raw' ? [RAW, [role, ...args]]
  : impl.endsWith(BASE) ? [process.execPath, [path.join(BASELINE, 'bench', 'peer.js'), impl.slice(0, -BASE.length), role, ...args]]
  : [process.execPath, [path.join(__dirname, 'peer.js'), impl, role, ...args]]);

// Starts a process; resolves with it at once, or with `ready` once its output matched that.
function start([file, argv], env, ready) {
  const child = spawn(file, argv.map(String), { stdio: ['ignore', 'pipe', 'inherit'], env });
  child.output = '';
  child.done = new Promise((done) => child.on('exit', done));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      child.output += d;
      if (ready && ready.test(child.output)) resolve(child);
    });
    child.on('error', reject);
    const name = [file, ...argv].slice(0, 4).map((a) => path.basename(String(a))).join(' ');
    child.done.then((code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    if (!ready) resolve(child);
  });
}

// The JSON a bench process printed last (its last line starting with '{'), or null.
const lastJson = (output) => {
  const lines = output.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('{')) {
      try { return JSON.parse(lines.slice(i).join('\n')); } catch { /* a line of a larger object (iperf3 -J) */ }
    }
  }
  return null;
};

// Starts the server end, once it is ready the client end; resolves with the JSON that the `from`
// end printed once that one exited, and as `other` what the other end printed when it was then
// ended (SIGTERM; a sender prints its CPU time then). Stops both in any case.
async function measure(server, client, env, from, seconds = 300) {
  const children = [await start(server, env, /ready|Server listening/)];
  try {
    children.push(await start(client, env));
    const [child, other] = from === 'server' ? children : [...children].reverse();
    const timer = setTimeout(() => child.kill(), seconds * 1000);
    await child.done;
    clearTimeout(timer);
    const result = lastJson(child.output);
    if (!result) throw new Error('a bench process printed no result (timed out?)');
    other.kill();
    await Promise.race([other.done, new Promise((resolve) => setTimeout(resolve, 5000))]);
    return { ...result, other: lastJson(other.output) };
  } finally {
    for (const child of children) child.kill();
  }
}

// CPU time per message in µs (user + system), from a bench process's { cpu } over `messages`.
const cpuPer = (r, messages) => (r && r.cpu && messages ? (r.cpu.user + r.cpu.system) / messages : null);

// Both ends get BENCH_NODELAY and BENCH_BATCH: the row's, or the defaults (nodelay, no batch).
const envFor = (row) => ({ ...process.env, BENCH_NODELAY: '1', BENCH_BATCH: '1', ...row.env });

async function throughput(row, size, count, samples = 0) {
  if (row.id === 'iperf3') return iperf3(size);
  const port = nextPort++;
  const warm = Math.floor(count / 10);
  const r = await measure(command(row.recv || row.id, 'recv', port, count, warm, samples, size), // tcp counts bytes / size
    command(row.send || row.id, 'send', port, size, count), envFor(row), 'server');
  return {
    ...r, rate: r.received / r.seconds, lost: 1 - r.received / (count - warm),
    cpu: { recv: cpuPer(r, r.received), send: cpuPer(r.other, r.other && r.other.sent) },
  };
}

// iperf3 over SCTP: one-to-one, bundling on (its default), the same socket buffers; msgs/s from
// the bits the server received.
async function iperf3(size) {
  const port = nextPort++;
  const env = { ...process.env, TMPDIR: fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir() }; // its test file
  const r = await measure(['iperf3', ['-s', '-1', '-p', port, '--forceflush']], // else "listening" waits in a buffer
    ['iperf3', ['-c', HOST, '-p', port, '--sctp', '-l', size, '-t', IPERF_SECONDS, '-J']], env, 'client');
  if (r.error) throw new Error(`iperf3: ${r.error}`);
  return { rate: r.end.sum_received.bits_per_second / 8 / size, lost: 0 };
}

async function latency(row) {
  const port = nextPort++;
  const { rtts } = await measure(command(row.recv || row.id, 'pong', port),
    command(row.send || row.id, 'ping', port, 64, Math.round(1000 * SCALE), 100), envFor(row), 'client');
  rtts.sort((a, b) => a - b);
  const at = (q) => rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

const began = Date.now();
const progress = (text) => process.stderr.write(`bench [${Math.round((Date.now() - began) / 1000)} s]: ${text}\n`);

// One measurement; a failure is reported and recorded as null, and the bench goes on.
async function attempt(what, fn, describe) {
  try {
    const r = await fn();
    progress(`${what}: ${describe(r)}`);
    return r;
  } catch (err) {
    progress(`${what}: FAILED (${err.message})`);
    return null;
  }
}

// The commit checked out in dir (with " (modified)" when its tracked files differ), or null.
function gitHead(dir) {
  const git = (...args) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return null;
  return `${head.stdout.trim()}${git('diff', '--quiet', 'HEAD').status ? ' (modified)' : ''}`;
}

// Text for the table.
const sizeName = (s) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`);
const n = (x, digits = 0) => x.toLocaleString('en', { maximumFractionDigits: digits });
const spread = ({ min, max }, digits = 0) => `${n(min, digits)}–${n(max, digits)}`;
const ratio = ({ median, min, max }) => `**${median.toFixed(2)}×** (${min.toFixed(2)}–${max.toFixed(2)})`;

// Median and spread of the numbers among xs (nulls: failed runs), or null when there are none.
function stats(xs) {
  const v = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  const r = (x) => Math.round(x * 1000) / 1000;
  return { median: r(v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2), min: r(v[0]), max: r(v[v.length - 1]) };
}

// Each end's CPU µs per message over the repetitions, and its ratio to raw C's same end of the same
// repetition: { recv: { median, min, max }, send, recvToRaw, sendToRaw } (null where not measured).
function cpuStats(runs, raw) {
  const out = {};
  for (const end of ['recv', 'send']) {
    out[end] = stats(runs.map((x) => x && x[end]));
    out[`${end}ToRaw`] = raw ? stats(runs.map((x, i) => x && x[end] && raw[i] && raw[i][end] && x[end] / raw[i][end])) : null;
  }
  return out;
}

// Linux SCTP stalls on default socket buffers once messages pass ~40 KiB (raw C: 24 msgs/s at
// 48 KiB, 690 with 4 MiB buffers). Where we may (root, as in the VM), every socket of every API
// (and iperf3's) gets 4 MiB by default; the results say what the buffers were.
function buffers() {
  const sysctl = (name) => `/proc/sys/net/core/${name}`;
  const read = (name) => { try { return Number(fs.readFileSync(sysctl(name), 'utf8')); } catch { return null; } };
  let raised = false;
  try {
    for (const name of ['rmem_default', 'wmem_default', 'rmem_max', 'wmem_max']) {
      if (read(name) < 4194304) {
        fs.writeFileSync(sysctl(name), '4194304');
        raised = true;
      }
    }
  } catch { /* not root: the buffers stay as they are, and the results say what they are */ }
  return { raised, rmem_default: read('rmem_default'), wmem_default: read('wmem_default') };
}

// `node bench/run.js --render`: the table and chart again from results.json, without measuring.
if (process.argv[2] === '--render') {
  write(JSON.parse(fs.readFileSync(path.join(OUT, 'results.json'), 'utf8')));
  return;
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true }); // now, not after the run: a folder we cannot write stops it here
  fs.accessSync(OUT, fs.constants.W_OK);
  const iperf = spawnSync('iperf3', ['--version'], { encoding: 'utf8' });
  const measured = rows.filter(({ id }) => id !== 'iperf3' || !iperf.error);
  if (iperf.error && measured.length < rows.length) progress('iperf3 not found: its row is left out');
  const out = {
    date: new Date().toISOString(),
    kernel: os.release(),
    vm: process.env.SCTP_VM_GUEST ? `qemu TCG, ${process.env.SCTP_VM_GUEST}` : null,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    iperf3: iperf.error ? null : iperf.stdout.split('\n')[0],
    iperf3Seconds: IPERF_SECONDS,
    buffers: buffers(),
    runs: RUNS,
    batch: BATCH,
    counts: Object.fromEntries(SIZES.map((size) => [size, Math.round(COUNTS[size] * SCALE)])),
    baseline: BASELINE && { dir: BASELINE, commit: gitHead(BASELINE) },
    commit: gitHead(path.join(__dirname, '..')),
    rows: measured.map(({ id, label, group = 0, baseOf }) => ({ id, label, group, ...(baseOf && { baseOf }) })),
    throughput: {},
    latency: {},
    rss: {},
  };
  const rates = {}; // rates[size][id][repetition]: msgs/s, or null (failed)
  const losses = {};
  const cpus = {}; // cpus[size][id][repetition]: { recv, send } µs per message, or null
  const pings = {}; // pings[id][repetition]: { p50, p99 } or null
  for (let r = 0; r < RUNS; r++) {
    for (const size of SIZES) {
      for (const row of measured.filter(({ at }) => !at || at(size))) {
        const t = await attempt(`repetition ${r + 1}/${RUNS}, ${size} B ${row.id}`, () => throughput(row, size, out.counts[size]),
          (x) => `${Math.round(x.rate)} msgs/s${x.lost > 0.0005 ? ` (${(x.lost * 100).toFixed(1)} % lost)` : ''}`);
        ((rates[size] ||= {})[row.id] ||= []).push(t && t.rate);
        ((losses[size] ||= {})[row.id] ||= []).push(t && t.lost);
        ((cpus[size] ||= {})[row.id] ||= []).push(t && t.cpu);
      }
    }
    for (const row of measured.filter(({ pingPong }) => pingPong)) {
      (pings[row.id] ||= []).push(await attempt(`repetition ${r + 1}/${RUNS}, ping-pong 64 B ${row.id}`,
        () => latency(row), (x) => `p50 ${x.p50} µs, p99 ${x.p99} µs`));
    }
  }
  for (const [size, ids] of Object.entries(rates)) {
    for (const [id, runs] of Object.entries(ids)) {
      const rate = stats(runs);
      const raw = rates[size].raw;
      (out.throughput[size] ||= {})[id] = {
        msgsPerSec: rate && Math.round(rate.median),
        MBPerSec: rate && Math.round((rate.median * size) / 1e4) / 100,
        lost: stats(losses[size][id])?.median ?? null,
        runs: runs.map((x) => x && Math.round(x)),
        ratio: raw ? stats(runs.map((x, i) => x && raw[i] && x / raw[i])) : null, // per repetition
        cpu: cpuStats(cpus[size][id], cpus[size].raw),
      };
    }
  }
  for (const [id, runs] of Object.entries(pings)) {
    out.latency[id] = { p50: stats(runs.map((x) => x && x.p50)), p99: stats(runs.map((x) => x && x.p99)), runs };
  }
  // After ÷ before, per repetition: each row to its baseline twin of the same repetition.
  for (const { id, baseOf } of measured.filter((row) => row.baseOf)) {
    for (const size of Object.keys(rates)) {
      const [now, base] = [rates[size][baseOf], rates[size][id]];
      if (now && base) out.throughput[size][baseOf].toBaseline = stats(now.map((x, i) => x && base[i] && x / base[i]));
    }
    const [now, base] = [pings[baseOf], pings[id]];
    if (now && base) out.latency[baseOf].toBaseline = stats(now.map((x, i) => x && base[i] && x.p50 / base[i].p50));
  }
  for (const id of ['open', 'socket'].filter((i) => measured.some((x) => x.id === i))) {
    const MB = (b) => Math.round(b / 1e5) / 10;
    const t = await attempt(`receiver RSS over ${LONG} messages of 64 B, ${id}`,
      () => throughput({ id }, 64, LONG + Math.floor(LONG / 9), 10), (x) => `${x.rss.map(MB).join(' → ')} MB`);
    if (!t) continue;
    const mb = t.rss.map(MB);
    out.rss[id] = { messages: t.received, MB: mb, growthMB: Math.round((mb[mb.length - 1] - mb[0]) * 10) / 10 };
  }
  if (scaleSection) out.scale = await scale();
  out.seconds = Math.round((Date.now() - began) / 1000);
  write(out);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

// The scale run (bench/scale.js, SCALE_* variables apply) -> its result, or { error }.
function scale() {
  progress('scale: one server socket, many associations (bench/scale.js) ...');
  fs.rmSync(path.join(OUT, 'scale.json'), { force: true });
  const child = spawn(process.execPath, [path.join(__dirname, 'scale.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SCALE_OUT: OUT },
  });
  return new Promise((resolve) => child.on('exit', (code) => {
    try {
      if (code !== 0 && code !== 1) throw new Error(`bench/scale.js exited with ${code}`); // 1: a check failed
      resolve(JSON.parse(fs.readFileSync(path.join(OUT, 'scale.json'), 'utf8')));
    } catch (err) {
      resolve({ error: err.message });
    }
  }));
}

// The targets of issue 23, from a run's figures: [{ what, size, ratio: { median, min, max }, target,
// verdict }]; each ratio is per repetition (throughput and CPU: to raw C; latency: p50 to p50).
function targets(out) {
  const list = [];
  const add = (what, size, ratio, target, higher) => {
    if (!ratio) return;
    const ok = (x) => (higher ? x >= target : x <= target);
    const verdict = ok(ratio.min) && ok(ratio.max) ? 'met' : !ok(ratio.min) && !ok(ratio.max) ? 'not met'
      : 'spread crosses the target';
    list.push({ what, size, ratio, target: `${higher ? '≥' : '≤'} ${target.toFixed(1)}×`, verdict });
  };
  const sizes = Object.keys(out.throughput).map(Number).sort((a, b) => a - b);
  const row = (id, size) => out.throughput[size][id];
  for (const [id, what] of [['open', 'open() send()'], ['socket', 'createSocket() send()']]) {
    for (const size of sizes) add(`${what} ÷ raw C`, size, row(id, size)?.ratio, size <= 1024 ? 1 : 0.9, true);
  }
  for (const size of sizes) add('connect() write() ÷ raw C', size, row('stream', size)?.ratio, 0.9, true);
  for (const [id, what] of [['open', 'open()'], ['socket', 'createSocket()'], ['stream', 'connect()']]) {
    for (const size of sizes) add(`${what} receiver's CPU per message ÷ raw C receiver's`, size, row(id, size)?.cpu?.recvToRaw, 2, false);
  }
  const p50s = (a, b) => out.latency[a] && out.latency[b] &&
    stats(out.latency[a].runs.map((x, i) => x && out.latency[b].runs[i] && x.p50 / out.latency[b].runs[i].p50));
  add('ping-pong p50, createSocket() ÷ open()', 64, p50s('socket', 'open'), 1, false);
  for (const [id, what] of [['open', 'open()'], ['socket', 'createSocket()'], ['stream', 'connect()']]) {
    add(`ping-pong p50, ${what} ÷ Node net (TCP)`, 64, p50s(id, 'tcp'), 1, false);
  }
  return list;
}

function write(out) {
  out.targets = targets(out);
  fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  const scaleLines = !out.scale ? [] : ['', '### Scale: associations on one socket', '', ...scaleSummary(out.scale)];
  // What was measured (so --render shows a results.json whatever BENCH_ONLY and BENCH_SIZES say now).
  const SIZES = Object.keys(out.throughput).map(Number).sort((a, b) => a - b);
  if (!out.rows.length) { // BENCH_ONLY=scale
    fs.writeFileSync(path.join(OUT, 'results.md'), `${scaleLines.slice(1).join('\n')}\n`);
    process.stdout.write(`${scaleLines.slice(1).join('\n')}\n\nbench: wrote results.json, results.md in ${OUT} (${out.seconds} s)\n`);
    return;
  }
  const cell = (size, id) => {
    const t = out.throughput[size][id];
    if (!t) return '–';
    if (t.msgsPerSec === null) return 'failed';
    const failed = t.runs.filter((x) => x === null).length;
    const versus = (id === 'raw' ? ` (${spread(stats(t.runs))})` : t.ratio ? ` · ${ratio(t.ratio)}` : '') +
      (t.toBaseline ? `; ÷ baseline ${ratio(t.toBaseline)}` : '');
    return `${n(t.msgsPerSec)}${versus}${t.lost > 0.0005 ? `, ${(t.lost * 100).toFixed(0)} % lost` : ''}` +
      `${failed ? `, ${failed} of ${t.runs.length} failed` : ''}`;
  };
  const cpuCell = (size, id) => {
    const c = out.throughput[size][id]?.cpu;
    if (!c || (!c.recv && !c.send)) return '–';
    const end = (name) => (!c[name] ? `${name} –` : `${name} ${n(c[name].median, 1)}` +
      (id !== 'raw' && c[`${name}ToRaw`] ? ` (${c[`${name}ToRaw`].median.toFixed(2)}×)` : ` (${spread(c[name], 1)})`));
    return `${end('recv')} · ${end('send')}`;
  };
  const ping = (id) => {
    const l = out.latency[id];
    return !l ? '–' : !l.p50 ? 'failed' : `${n(l.p50.median, 1)} (${spread(l.p50, 1)}) / ${n(l.p99.median, 1)}` +
      (l.toBaseline ? `; p50 ÷ baseline ${ratio(l.toBaseline)}` : '');
  };
  const { buffers: b } = out;
  const mib = (x) => (x === null ? 'unknown' : `${Math.round((x / 1048576) * 100) / 100} MiB`);
  const lines = [
    `Messages/s, sender and receiver in separate processes. ${out.runs} repetitions, interleaved: each ran every row ` +
      'once per size in the order of the table, then every ping-pong. A figure is the median over the repetitions ' +
      '(raw C: with its range); **×** is the median of the per-repetition ratios to raw C of the same repetition, with ' +
      `their spread (min–max).${out.runs < 5 ? ` Only ${out.runs} repetitions: the targets ask for at least 5.` : ''}`,
    `Kernel ${out.kernel}${out.vm ? ' in the VM (qemu TCG)' : ''}, ${out.cpus} CPUs (${out.cpuModel}), Node ${out.node}` +
      `${out.iperf3 ? `, ${out.iperf3.replace(/ \(.*/, '')}` : ''}; socket buffers: net.core.rmem_default ${mib(b.rmem_default)}, ` +
      `wmem_default ${mib(b.wmem_default)}${b.raised ? ' (set by the bench)' : ''}. Messages per run: ` +
      `${Object.entries(out.counts).map(([s, c]) => `${n(c)} of ${sizeName(Number(s))}`).join(', ')}. The run took ${n(out.seconds)} s.`,
    ...(out.baseline ? [`Measured: ${out.commit || 'this checkout'}; each "baseline" row ran right after its row, in the same ` +
      `repetition, on ${out.baseline.commit || out.baseline.dir}. "÷ baseline": the median (spread) of the per-repetition ` +
      'ratios of the row to its baseline (throughput: above 1 is faster; ping-pong p50: below 1 is faster).'] : []),
    '',
    `| | ${SIZES.map(sizeName).join(' | ')} | ping-pong 64 B p50 (spread) / p99, µs |`,
    `|---|${SIZES.map(() => '---').join('|')}|---|`,
    ...out.rows.flatMap(({ id, label, group }, i) => [
      ...(i === 0 || out.rows[i - 1].group !== group ? [`| _${GROUPS[group]}_ |${SIZES.map(() => ' |').join('')} |`] : []),
      `| ${label} | ${SIZES.map((s) => cell(s, id)).join(' | ')} | ${ping(id)} |`,
    ]),
    '',
    'CPU time per message, µs: each end\'s process, user + system (getrusage(); process.cpuUsage()), the receiver from ' +
      'its warm-up on, the sender over its whole run, ÷ messages; the median over the repetitions, and (×) the median ' +
      'ratio to raw C\'s same end in the same repetition (raw C: its spread). Far less sensitive to a busy host than msgs/s.',
    '',
    `| | ${SIZES.map(sizeName).join(' | ')} |`,
    `|---|${SIZES.map(() => '---').join('|')}|`,
    ...out.rows.filter(({ id }) => id !== 'iperf3').map(({ id, label }) => `| ${label} | ${SIZES.map((s) => cpuCell(s, id)).join(' | ')} |`),
    '',
    ...notes(out),
    ...(out.targets.length ? [
      `Targets (issue 23), each a median over the ${out.runs} repetitions of the ratio within a repetition:`, '',
      '| target | size | median (spread) | verdict |', '|---|---|---|---|',
      ...out.targets.map((t) => `| ${t.what} ${t.target} | ${sizeName(t.size)} | ${ratio(t.ratio)} | ${t.verdict} |`),
      ''] : []),
    ...Object.entries(out.rss).map(([id, r]) => `Receiver RSS, ${id}, over ${n(r.messages)} messages of 64 B: ` +
      `${r.MB[0]} → ${r.MB[r.MB.length - 1]} MB (samples: ${r.MB.join(', ')}).`),
    ...scaleLines,
  ];
  fs.writeFileSync(path.join(OUT, 'results.md'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(OUT, 'chart.svg'), chart(out, SIZES));
  process.stdout.write(`${lines.join('\n')}\n\nbench: wrote results.json, results.md, chart.svg in ${OUT} (${out.seconds} s)\n`);
}

// The scale section: setup rate and memory per association first, then scale.js's own report.
function scaleSummary(r) {
  if (r.error) return [`The scale run failed: ${r.error}.`];
  const perSecond = Math.round(r.options.batch / (r.phases.setup.median / 1000));
  return [`Setup: **${n(perSecond)} associations/s** (the median batch of ${n(r.options.batch)} in ${r.phases.setup.median} ms); ` +
    `memory: **${n(r.memory.perAssociation.rss.fitted)} B of server RSS per association** (after a full GC).`, '',
  require('./scale').markdown(r).trimEnd()];
}

// What the rows of the table do differently, for the rows shown.
function notes(out) {
  const has = (id) => out.rows.some((r) => r.id === id);
  const lines = [];
  if (has('open') || has('socket')) {
    lines.push('raw C, open() and createSocket(): one-to-many sockets; messages unordered, with a PR-SCTP lifetime of 30 s ' +
      '(their default); SCTP_NODELAY unless said otherwise. Any one-to-many end talks to any other: in the split rows a ' +
      'createSocket() end faces a raw C one (the ping-pong: the sender\'s side pings, the receiver\'s echoes).');
  }
  if (has('stream')) {
    lines.push('connect() / createServer(): one association over a one-to-one socket, one write() = one message, ' +
      'ordered and fully reliable (its default, as TCP); the sender writes until write() returns false, then waits for ' +
      "'drain'; SCTP_NODELAY (its default).");
  }
  if (has('tcp')) {
    lines.push('Node net, TCP: no message boundaries, so the receiver counts the bytes received / the message size as ' +
      "messages, and a ping waits for the message size in bytes; setNoDelay(true) on both ends (as SCTP_NODELAY); " +
      "writes until write() returns false, then 'drain'.");
  }
  if (has('iperf3')) {
    lines.push('iperf3 --sctp: one-to-one, ordered, Nagle-style bundling on (its default), one write() per message of ' +
      `-l bytes for ${out.iperf3Seconds} s (not a message count); msgs/s = the bits its ` +
      'server received / 8 / the size. The kernel\'s own limit with bundling, no ping-pong.');
  }
  if (has('socket-batch') || has('stream-batch')) {
    lines.push(`Batched: cork(), ${out.batch} sends, uncork(), again (on false, 'drain' first): the sends between ` +
      'go out up to 64 per sendmmsg().');
  }
  return lines.length ? [...lines, ''] : [];
}

// Grouped bars: msgs/s by message size, one colour per charted row, on a log scale.
function chart(out, SIZES) {
  const W = 760, H = 360, left = 70, bottom = 60, top = 40, right = 220;
  const rows = out.rows.map((r) => ({ ...r, ...ROWS.find((x) => x.id === r.id) })).filter((r) => r.colour);
  const values = SIZES.flatMap((s) => rows.map(({ id }) => out.throughput[s][id]?.msgsPerSec)).filter(Boolean);
  const max = Math.max(...values);
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...values)) / 2));
  const hi = 10 ** Math.ceil(Math.log10(max));
  const y = (v) => top + (H - top - bottom) * (1 - Math.log10(Math.max(v, lo) / lo) / Math.log10(hi / lo));
  const group = (W - left - right) / SIZES.length;
  const bar = (group * 0.8) / rows.length;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">sctp-napi: messages/s by message size (log scale; kernel ${out.kernel})</text>`];
  for (let v = lo; v <= hi; v *= 10) {
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toLocaleString('en')}</text>`);
  }
  SIZES.forEach((s, g) => {
    const x0 = left + g * group + group * 0.1;
    rows.forEach(({ id, colour }, i) => {
      const v = out.throughput[s][id]?.msgsPerSec;
      if (!v) return;
      parts.push(`<rect x="${x0 + i * bar}" y="${y(v)}" width="${bar - 2}" height="${H - bottom - y(v)}" fill="${colour}"><title>${id} ${s} B: ${v} msgs/s</title></rect>`);
    });
    parts.push(`<text x="${x0 + group * 0.4}" y="${H - bottom + 18}" text-anchor="middle">${sizeName(s)}</text>`);
  });
  rows.forEach(({ label, legend, colour }, i) => {
    parts.push(`<rect x="${W - right + 10}" y="${top + i * 20}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${W - right + 28}" y="${top + i * 20 + 10}">${(legend || label.replace(/ \(.*/, '')).replace(/&/g, '&amp;')}</text>`);
  });
  parts.push(`<text x="${left}" y="${H - 15}" fill="#555">median of ${out.runs} interleaved repetitions; sender and receiver in separate processes</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}
