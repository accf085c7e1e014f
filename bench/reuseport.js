'use strict';
// npm run bench:cores: what reusePort buys. One reusePort group of 1, then 2, member processes (as
// cluster workers; bench/reuseport-member.js), each a createSocket() member on one port; many raw C
// senders (build/bench-raw send), each one association, flood it with 64-byte messages. Each
// repetition runs every group size, in alternating order, so the ratio to one member is taken within
// one repetition. Reported: total messages/s, the ratio to one member (median and spread), how the
// associations and messages spread, the members' CPU per message, and how busy the machine was
// (from /proc/stat: members, senders and the kernel's softirq share the same CPUs).
//   CORES_RUNS (5) repetitions, CORES_WORKERS (1,2), CORES_SENDERS (32), CORES_COUNT (1000) messages
//   per sender, CORES_SIZE (64) bytes; bench/reuseport.{md,json} (BENCH_OUT: another directory).
const { execFileSync, fork, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const RUNS = env('CORES_RUNS', 5);
const WORKERS = (process.env.CORES_WORKERS || '1,2').split(',').map(Number);
// Many senders: the kernel's hash splits them between members, and with few the split (5/3, 6/2)
// would decide the ratio more than the cores do.
const SENDERS = env('CORES_SENDERS', 32);
const COUNT = env('CORES_COUNT', 1000);
const SIZE = env('CORES_SIZE', 64);
const RAW = process.env.BENCH_RAW || path.join(__dirname, '..', 'build', 'bench-raw');
const OUT = process.env.BENCH_OUT || __dirname;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (x) => `${(100 * x).toFixed(0)} %`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// CPU time of the whole machine, in clock ticks over every CPU: { busy, softirq, steal, total }.
// The first eight fields (guest time is counted inside user and nice already).
function cpuTimes() {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.slice(0, 8).map(Number); // user nice system idle iowait irq softirq steal
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4] - n[7], softirq: n[6], steal: n[7], total };
}
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })); // USER_HZ

// The CPU time (user + system, µs) of this process's children that have exited and been waited
// for (/proc/self/stat cutime, cstime): read before and after the senders, while the members live.
function childrenCpu() {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_US;
}

function member(port) {
  const child = fork(path.join(__dirname, 'reuseport-member.js'), [], { env: { ...process.env, PORT: String(port) } });
  const inbox = [];
  child.on('message', (m) => inbox.push(m));
  child.next = async (key) => {
    for (let i = 0; i < 6000; i++) {
      const at = inbox.findIndex((m) => key in m);
      if (at >= 0) return inbox.splice(at, 1)[0];
      await sleep(10);
    }
    throw new Error(`no ${key} from a member`);
  };
  child.report = () => { child.send('report'); return child.next('count'); };
  child.exited = new Promise((resolve) => child.once('exit', resolve));
  return child;
}

async function once(workers) {
  const members = [member(0)];
  try {
    const { port } = await members[0].next('port');
    for (let i = 1; i < workers; i++) members.push(member(port));
    await Promise.all(members.slice(1).map((m) => m.next('port')));
    for (const m of members) m.send('start');
    await sleep(200);
    const before = cpuTimes();
    const sendersBefore = childrenCpu();
    // Each sender stays (BENCH_SEND_LINGER) until told to go once the members have read everything:
    // one that closed with messages still queued could lose them.
    const processes = [];
    const senders = Promise.all(Array.from({ length: SENDERS }, () => new Promise((resolve, reject) => {
      const p = spawn(RAW, ['send', String(port), String(SIZE), String(COUNT)],
        { stdio: 'ignore', env: { ...process.env, BENCH_SEND_LINGER: '600' } });
      processes.push(p);
      p.on('error', reject);
      p.on('exit', (code, signal) => {
        if (code === 0 || signal === 'SIGTERM') resolve(); else reject(new Error(`bench-raw send exited ${code ?? signal}`));
      });
    })));
    let failed = null;
    senders.catch((err) => { failed = err; });
    // Until every message is in, or nothing more came for 10 s (a message lost).
    const expected = SENDERS * COUNT;
    let reports;
    let received = 0;
    let still = 0;
    for (;;) {
      reports = await Promise.all(members.map((m) => m.report()));
      const now = reports.reduce((n, r) => n + r.count, 0);
      still = now === received ? still + 1 : 0;
      received = now;
      if (failed) throw failed;
      if (received >= expected || still >= 200) break; // or nothing more for 10 s
      await sleep(50);
    }
    const after = cpuTimes();
    for (const p of processes) p.kill('SIGTERM');
    await senders;
    const sendersCpu = childrenCpu() - sendersBefore; // the members are alive: senders only
    const first = Math.min(...reports.filter((r) => r.count).map((r) => r.first));
    const last = Math.max(...reports.map((r) => r.last));
    const ticks = after.total - before.total;
    const membersCpu = reports.reduce((n, r) => n + r.cpu, 0);
    const share = (us) => us / TICK_US / ticks;
    const x = {
      workers,
      received,
      lost: expected - received,
      rate: received / ((last - first) / 1000),
      associations: reports.map((r) => r.peers),
      messages: reports.map((r) => r.count),
      cpuPerMessage: membersCpu / Math.max(received, 1), // µs, over every member
      // Where the machine's time went, each a share of all its CPUs' time. softirq is also in the
      // time of whichever process it interrupted (the kernel's accounting): the parts may overlap.
      busy: (after.busy - before.busy) / ticks,
      shares: {
        members: share(membersCpu),
        senders: share(sendersCpu),
        softirq: (after.softirq - before.softirq) / ticks,
        steal: (after.steal - before.steal) / ticks,
      },
    };
    return x;
  } finally {
    for (const m of members) m.send('exit');
    await Promise.race([Promise.all(members.map((m) => m.exited)), sleep(10000)]);
    for (const m of members) m.kill('SIGKILL');
  }
}

async function main() {
  if (!fs.existsSync(RAW)) throw new Error(`${RAW} is missing: npm run bench:cores builds it`);
  fs.accessSync(OUT, fs.constants.W_OK);
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 ? [...WORKERS].reverse() : WORKERS;
    const rep = {};
    for (const w of order) {
      rep[w] = await once(w);
      const x = rep[w];
      console.log(`run ${r + 1}, ${w} member(s): ${Math.round(x.rate)} msgs/s${x.lost ? ` (${x.lost} LOST)` : ''}, ` +
        `associations ${x.associations.join('/')}, ${x.cpuPerMessage.toFixed(0)} µs CPU per message, machine ` +
        `${pct(x.busy)} busy: members ${pct(x.shares.members)}, senders ${pct(x.shares.senders)}, softirq ` +
        `${pct(x.shares.softirq)}; steal ${pct(x.shares.steal)}`);
      if (x.lost > 0) throw new Error(`${x.lost} messages of ${SENDERS * COUNT} never arrived`);
    }
    runs.push(rep);
  }
  const base = WORKERS[0];
  const rows = WORKERS.map((w) => {
    const ratios = runs.map((rep) => rep[w].rate / rep[base].rate);
    return {
      workers: w,
      rate: median(runs.map((rep) => rep[w].rate)),
      ratio: median(ratios),
      spread: [Math.min(...ratios), Math.max(...ratios)],
      cpuPerMessage: median(runs.map((rep) => rep[w].cpuPerMessage)),
      busy: median(runs.map((rep) => rep[w].busy)),
      members: median(runs.map((rep) => rep[w].shares.members)),
      senders: median(runs.map((rep) => rep[w].shares.senders)),
      softirq: median(runs.map((rep) => rep[w].shares.softirq)),
      associations: runs.map((rep) => rep[w].associations.join('/')),
    };
  });
  const cpus = os.cpus().length;
  const md = [
    '# reusePort: messages/s by group size',
    '',
    `Generated by \`npm run bench:cores\` (bench/reuseport.js) on ${new Date().toISOString().slice(0, 10)}: ` +
      `Linux ${os.release()}, ${cpus} CPUs, Node ${process.version}; ${SENDERS} raw C senders (one association ` +
      `each) × ${COUNT} messages of ${SIZE} bytes, ${RUNS} repetitions, group sizes in alternating order.`,
    cpus <= 2 ? `The ${cpus} CPUs are shared by the members, the senders and the kernel's packet processing: ` +
      `the ideal for ${cpus} members is below ${cpus}×.` : '',
    '',
    `| members | msgs/s (median) | ÷ ${base} member (median, spread) | members' CPU µs/message | machine busy: members, senders, softirq | associations per member, each run |`,
    '|---|---|---|---|---|---|',
    ...rows.map((x) => `| ${x.workers} | ${Math.round(x.rate)} | ${x.ratio.toFixed(2)}× (${x.spread[0].toFixed(2)}–${x.spread[1].toFixed(2)}) | ` +
      `${x.cpuPerMessage.toFixed(1)} | ${pct(x.busy)}: ${pct(x.members)}, ${pct(x.senders)}, ${pct(x.softirq)} | ${x.associations.join(', ')} |`),
    '',
    'Shares are of all the CPUs\' time over the run (/proc/stat; the members\' own CPU clocks; the senders\' ' +
      'from /proc/self/stat of the parent). softirq is the kernel\'s packet processing, which the kernel also ' +
      'counts in the process it interrupted, so the parts may overlap.',
    '',
  ].filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n');
  fs.writeFileSync(path.join(OUT, 'reuseport.md'), md);
  fs.writeFileSync(path.join(OUT, 'reuseport.json'), `${JSON.stringify({ rows, runs }, null, 2)}\n`);
  console.log(md);
}

main().catch((err) => { console.error(err); process.exit(1); });
