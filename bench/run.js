'use strict';
// `npm run bench` (through scripts/bench.sh, which builds bench/raw.c and boots the VM where the
// kernel lacks SCTP). Sender and receiver are separate processes; every figure is the median of
// BENCH_RUNS runs (3), each timed after a warm-up of a tenth of its messages.
// Writes bench/results.json, bench/results.md and bench/chart.svg. Last, the scale section:
// bench/scale.js (10 000 associations on one server socket) in a process of its own.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const RAW = process.env.BENCH_RAW || path.join(__dirname, '..', 'build', 'bench-raw');
const RUNS = Number(process.env.BENCH_RUNS) || 3;
const SCALE = Number(process.env.BENCH_SCALE) || 1;
const LONG = Number(process.env.BENCH_LONG) || 200000;
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [64, 1024, 16384, 65536];
const COUNTS = { 64: 20000, 1024: 15000, 16384: 4000, 65536: 1500 }; // ~2-3 s each in the VM
const IMPLS = [
  { id: 'raw', label: 'raw C (sctp_sendv/sctp_recvv, blocking)' },
  { id: 'open', label: 'open() (the original API)' },
  { id: 'socket', label: 'createSocket()' },
  { id: 'stream', label: 'connect() / createServer() (one-to-one, a Duplex)', legend: 'connect(), one-to-one' },
  { id: 'tcp', label: 'Node net, TCP (a byte stream; for comparison)' },
  { id: 'dgram', label: 'Node dgram, UDP (drops; for scale)' },
];
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const impls = IMPLS.filter((i) => !only || only.includes(i.id));
const scaleSection = !only || only.includes('scale');
let nextPort = 30000 + (process.pid % 1000) * 20;

const command = (impl, role, ...args) => (impl === 'raw'
  ? [RAW, [role, ...args.map(String)]]
  : [process.execPath, [path.join(__dirname, 'peer.js'), impl, role, ...args.map(String)]]);

// Starts a process; resolves with it once it printed "ready" (lines: what it printed).
function start(impl, role, ...args) {
  const [file, argv] = command(impl, role, ...args);
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  child.lines = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      buffered += d;
      let i;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        if (line.includes('ready')) resolve(child);
        else child.lines.push(JSON.parse(line));
      }
    });
    child.on('error', reject);
    child.done = new Promise((done) => child.on('exit', (code) => done(code)));
    if (role === 'send' || role === 'ping') resolve(child);
  });
}

async function result(child, seconds) {
  const timer = setTimeout(() => child.kill(), seconds * 1000);
  await child.done;
  clearTimeout(timer);
  if (!child.lines.length) throw new Error('a bench process printed no result (timed out?)');
  return child.lines[0];
}

async function throughput(impl, size, count, samples = 0) {
  const port = nextPort++;
  const warm = Math.floor(count / 10);
  const receiver = await start(impl, 'recv', port, count, warm, samples, size); // tcp counts bytes / size
  const sender = await start(impl, 'send', port, size, count);
  const r = await result(receiver, 600);
  sender.kill();
  return { ...r, rate: r.received / r.seconds, lost: 1 - r.received / (count - warm) };
}

async function latency(impl) {
  const port = nextPort++;
  const pong = await start(impl, 'pong', port);
  const ping = await start(impl, 'ping', port, 64, 1000 * SCALE, 100);
  const { rtts } = await result(ping, 300);
  pong.kill();
  rtts.sort((a, b) => a - b);
  const at = (q) => rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))];
  return { p50: at(0.5), p99: at(0.99), samples: rtts.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const progress = (text) => process.stderr.write(`bench: ${text}\n`);

// Linux SCTP stalls on default socket buffers once messages pass ~40 KiB (raw C: 24 msgs/s at
// 48 KiB, 690 with 4 MiB buffers). Where we may (root, as in the VM), every socket of every API
// gets 4 MiB by default; the results say whether that was done.
function raiseBuffers() {
  try {
    for (const name of ['rmem_default', 'wmem_default', 'rmem_max', 'wmem_max']) {
      const file = `/proc/sys/net/core/${name}`;
      if (Number(fs.readFileSync(file, 'utf8')) < 4194304) fs.writeFileSync(file, '4194304');
    }
    return true;
  } catch {
    return false;
  }
}

// `node bench/run.js --render`: the table and chart again from results.json, without measuring.
if (process.argv[2] === '--render') {
  write(JSON.parse(fs.readFileSync(path.join(process.env.BENCH_OUT || __dirname, 'results.json'), 'utf8')));
  return;
}

(async () => {
  const started = Date.now();
  const buffers4MiB = raiseBuffers();
  const out = {
    date: new Date().toISOString(),
    kernel: os.release(),
    cpus: os.cpus().length,
    node: process.version,
    runs: RUNS,
    buffers4MiB,
    throughput: {},
    latency: {},
    rss: {},
  };
  for (const size of SIZES) {
    const count = Math.round(COUNTS[size] * SCALE);
    for (const { id } of impls) {
      if (id === 'dgram' && size > 65507) continue; // the largest UDP payload
      const runs = [];
      for (let r = 0; r < RUNS; r++) {
        const t = await throughput(id, size, count);
        runs.push(t);
        progress(`${size} B ${id} run ${r + 1}/${RUNS}: ${Math.round(t.rate)} msgs/s` +
          (t.lost > 0.0005 ? ` (${(t.lost * 100).toFixed(1)} % lost)` : ''));
      }
      const rate = median(runs.map((t) => t.rate));
      (out.throughput[size] ||= {})[id] = {
        msgsPerSec: Math.round(rate),
        MBPerSec: Math.round((rate * size) / 1e4) / 100,
        lost: median(runs.map((t) => t.lost)),
        runs: runs.map((t) => Math.round(t.rate)),
      };
    }
  }
  for (const { id } of impls) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await latency(id));
    out.latency[id] = { p50: median(runs.map((x) => x.p50)), p99: median(runs.map((x) => x.p99)) };
    progress(`ping-pong 64 B ${id}: p50 ${out.latency[id].p50} µs, p99 ${out.latency[id].p99} µs`);
  }
  for (const id of ['open', 'socket'].filter((i) => impls.some((x) => x.id === i))) {
    progress(`receiver RSS over ${LONG} messages of 64 B, ${id} ...`);
    const t = await throughput(id, 64, LONG + Math.floor(LONG / 9), 10);
    const mb = t.rss.map((b) => Math.round(b / 1e5) / 10);
    out.rss[id] = { messages: t.received, MB: mb, growthMB: Math.round((mb[mb.length - 1] - mb[0]) * 10) / 10 };
    progress(`  RSS ${mb.join(' → ')} MB`);
  }
  if (scaleSection) out.scale = await scale();
  out.seconds = Math.round((Date.now() - started) / 1000);
  write(out);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

// The scale run (bench/scale.js, SCALE_* variables apply) -> its result, or { error }.
function scale() {
  const dir = process.env.BENCH_OUT || __dirname;
  progress('scale: one server socket, many associations (bench/scale.js) ...');
  fs.rmSync(path.join(dir, 'scale.json'), { force: true });
  const child = spawn(process.execPath, [path.join(__dirname, 'scale.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SCALE_OUT: dir },
  });
  return new Promise((resolve) => child.on('exit', (code) => {
    try {
      if (code !== 0 && code !== 1) throw new Error(`bench/scale.js exited with ${code}`); // 1: a check failed
      resolve(JSON.parse(fs.readFileSync(path.join(dir, 'scale.json'), 'utf8')));
    } catch (err) {
      resolve({ error: err.message });
    }
  }));
}

function write(out) {
  const dir = process.env.BENCH_OUT || __dirname;
  fs.mkdirSync(dir, { recursive: true });
  // What was measured (so --render shows a results.json whatever BENCH_ONLY and BENCH_SIZES say now).
  const SIZES = Object.keys(out.throughput).map(Number).sort((a, b) => a - b);
  const impls = IMPLS.filter(({ id }) => out.latency[id] || SIZES.some((s) => out.throughput[s][id]));
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  const scaleLines = !out.scale ? []
    : ['', '### Scale: associations on one socket', '',
      out.scale.error ? `The scale run failed: ${out.scale.error}.` : require('./scale').markdown(out.scale).trimEnd()];
  if (!impls.length) { // BENCH_ONLY=scale
    fs.writeFileSync(path.join(dir, 'results.md'), `${scaleLines.slice(1).join('\n')}\n`);
    process.stdout.write(`${scaleLines.slice(1).join('\n')}\n\nbench: wrote results.json, results.md in ${dir} (${out.seconds} s)\n`);
    return;
  }
  const raw = (size) => out.throughput[size].raw;
  const cell = (size, id) => {
    const t = out.throughput[size][id];
    if (!t) return 'n/a';
    const ratio = raw(size) ? ` (${(t.msgsPerSec / raw(size).msgsPerSec).toFixed(2)}×)` : '';
    return `${t.msgsPerSec.toLocaleString('en')}${ratio}${t.lost > 0.0005 ? `, ${(t.lost * 100).toFixed(0)} % lost` : ''}`;
  };
  const lines = [
    `Messages/s, sender and receiver in separate processes; × = ratio to raw C in the same run (median of ${out.runs}).`,
    `Kernel ${out.kernel}, ${out.cpus} CPUs, Node ${out.node}; socket buffers ${out.buffers4MiB ? '4 MiB (net.core.*mem_default)' : 'the system default'}.`,
    '',
    `| | ${SIZES.map((s) => (s >= 1024 ? `${s / 1024} KiB` : `${s} B`)).join(' | ')} | ping-pong 64 B p50 / p99 (µs) |`,
    `|---|${SIZES.map(() => '---').join('|')}|---|`,
    ...impls.map(({ id, label }) => `| ${label} | ${SIZES.map((s) => cell(s, id)).join(' | ')} | ` +
      `${out.latency[id] ? `${out.latency[id].p50} / ${out.latency[id].p99}` : '–'} |`),
    '',
    ...notes(impls),
    ...Object.entries(out.rss).map(([id, r]) => `Receiver RSS, ${id}, over ${r.messages.toLocaleString('en')} messages of 64 B: ` +
      `${r.MB[0]} → ${r.MB[r.MB.length - 1]} MB (samples: ${r.MB.join(', ')}).`),
    ...scaleLines,
  ];
  fs.writeFileSync(path.join(dir, 'results.md'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'chart.svg'), chart(out, SIZES, impls));
  process.stdout.write(`${lines.join('\n')}\n\nbench: wrote results.json, results.md, chart.svg in ${dir} (${out.seconds} s)\n`);
}

// What the rows of the table do differently, for the rows shown.
function notes(impls) {
  const has = (id) => impls.some((i) => i.id === id);
  const lines = [];
  if (has('raw') && (has('open') || has('socket'))) {
    lines.push('raw C, open() and createSocket(): one-to-many sockets; messages unordered, with a PR-SCTP lifetime of 30 s (their default).');
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
  return lines.length ? [...lines, ''] : [];
}

// Grouped bars: msgs/s by message size, one colour per API, on a log scale.
function chart(out, SIZES, impls) {
  const W = 720, H = 360, left = 70, bottom = 60, top = 40, right = 180;
  const colours = { raw: '#555', open: '#1f77b4', socket: '#2ca02c', stream: '#9467bd', tcp: '#8c564b', dgram: '#ff7f0e' };
  const values = SIZES.flatMap((s) => impls.map(({ id }) => out.throughput[s][id]?.msgsPerSec)).filter(Boolean);
  const max = Math.max(...values);
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...values)) / 2));
  const hi = 10 ** Math.ceil(Math.log10(max));
  const y = (v) => top + (H - top - bottom) * (1 - Math.log10(Math.max(v, lo) / lo) / Math.log10(hi / lo));
  const group = (W - left - right) / SIZES.length;
  const bar = (group * 0.8) / impls.length;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">sctp-napi: messages/s by message size (log scale; kernel ${out.kernel})</text>`];
  for (let v = lo; v <= hi; v *= 10) {
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toLocaleString('en')}</text>`);
  }
  SIZES.forEach((s, g) => {
    const x0 = left + g * group + group * 0.1;
    impls.forEach(({ id }, i) => {
      const v = out.throughput[s][id]?.msgsPerSec;
      if (!v) return;
      parts.push(`<rect x="${x0 + i * bar}" y="${y(v)}" width="${bar - 2}" height="${H - bottom - y(v)}" fill="${colours[id]}"><title>${id} ${s} B: ${v} msgs/s</title></rect>`);
    });
    parts.push(`<text x="${x0 + group * 0.4}" y="${H - bottom + 18}" text-anchor="middle">${s >= 1024 ? `${s / 1024} KiB` : `${s} B`}</text>`);
  });
  impls.forEach(({ id, label, legend }, i) => {
    parts.push(`<rect x="${W - right + 10}" y="${top + i * 20}" width="12" height="12" fill="${colours[id]}"/>`,
      `<text x="${W - right + 28}" y="${top + i * 20 + 10}">${(legend || label.replace(/ \(.*/, '')).replace(/&/g, '&amp;')}</text>`);
  });
  parts.push(`<text x="${left}" y="${H - 15}" fill="#555">median of ${out.runs} runs; sender and receiver in separate processes</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}
