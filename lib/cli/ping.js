'use strict';
// sctp-napi ping HOST PORT: timed messages to an echo peer (sctp-napi listen --echo, or any that
// sends each message back), RTT min/avg/p50/p99/max as ping prints them, and the kernel's own view
// of each path of the association (smoothed RTT, RTO, cwnd, state) at the end.
const { performance } = require('perf_hooks');
const sctp = require('../index');
const { parsePpid } = require('./ppid');
const { EXIT, UsageError, int, port, typeOf, sleep, interrupted, percentile, endGracefully } = require('./common');

const HEADER = 16; // 'PING ' + a sequence number of up to 10 digits + ' ', padded
const options = {
  count: { type: 'string', short: 'c', value: 'N', help: 'messages to send', default: 10 },
  size: { type: 'string', short: 's', value: 'BYTES', help: `message size, at least ${HEADER}`, default: 64 },
  interval: { type: 'string', short: 'i', value: 'MS', help: 'time between sends (0: the next as soon as a reply comes)', default: 1000 },
  timeout: { type: 'string', short: 'W', value: 'MS', help: 'wait this long for each reply, and for the association', default: 2000 },
  stream: { type: 'string', value: 'N', help: 'stream to ping on', default: 0 },
  ppid: { type: 'string', value: 'NUM|NAME', help: 'PPID of the pings', default: 'echo' },
  quiet: { type: 'boolean', short: 'q', help: 'only the summary (and a progress line on a terminal)' },
};

const payload = (seq, size) => {
  const buf = Buffer.alloc(size, 'x');
  buf.write(`PING ${seq} `);
  return buf;
};
const seqOf = (msg) => {
  const m = /^PING (\d+) /.exec(msg.toString('latin1', 0, HEADER));
  return m ? Number(m[1]) : null;
};
const ms = (v) => Math.round(v * 1000) / 1000;

async function run(values, positionals, out) {
  const [host, portText, ...rest] = positionals;
  if (portText === undefined) throw new UsageError('give HOST and PORT');
  if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const peerPort = port(portText, 'PORT');
  const count = int(values.count, '--count', 1);
  const size = int(values.size, '--size', HEADER, 65536);
  const interval = int(values.interval, '--interval', 0, 3600000);
  const timeout = int(values.timeout, '--timeout', 1, 2 ** 31 - 1);
  const stream = int(values.stream, '--stream', 0, 65535);
  const ppid = parsePpid(values.ppid);
  if (ppid === null) throw new UsageError(`--ppid must be a number or a known name, not '${values.ppid}'`);
  const signal = interrupted();
  const socket = sctp.createSocket({ type: typeOf(host), initMsg: { outStreams: Math.max(10, stream + 1) }, defaults: { unordered: false, ttl: 0 } });
  let waiting = null; // { seq, resolve }
  socket.on('message', (msg) => {
    if (waiting && seqOf(msg) === waiting.seq) waiting.resolve(performance.now());
  });
  socket.on('association', (e) => { if (e.state !== 'up') out.event('association', e); });
  const rtts = [];
  let sent = 0;
  const started = performance.now();
  try {
    const { assocId } = await socket.connect(peerPort, host, { timeout, signal });
    out.write({ type: 'connected', assocId, address: host, port: peerPort },
      `PING ${host}:${peerPort} (association ${assocId}): ${size} bytes, stream ${stream}, ppid ${ppid}`);
    for (let seq = 1; seq <= count && !signal.aborted; seq++) {
      const t0 = performance.now();
      const reply = new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeout);
        waiting = { seq, resolve: (t) => { clearTimeout(timer); resolve(t); } };
      });
      socket.send(payload(seq, size), { assocId, stream, ppid }, () => {});
      sent++;
      const t1 = await reply;
      waiting = null;
      if (t1 === null) {
        if (!values.quiet) out.write({ type: 'timeout', seq }, `seq=${seq}: no reply within ${timeout} ms`);
      } else {
        const rtt = t1 - t0;
        rtts.push(rtt);
        if (!values.quiet) {
          out.write({ type: 'reply', seq, size, time: ms(rtt) }, `${size} bytes from ${host}:${peerPort}: seq=${seq} time=${ms(rtt)} ms`);
        }
      }
      out.progress(`ping ${seq}/${count}: ${rtts.length} replies`);
      if (seq < count) await sleep(Math.max(0, interval - (performance.now() - t0)), signal);
    }
    const sorted = [...rtts].sort((a, b) => a - b);
    const sum = sorted.reduce((a, b) => a + b, 0);
    const paths = socket.paths ? socket.paths(assocId) : [socket.status(assocId).primary];
    const summary = {
      type: 'summary', address: host, port: peerPort, sent, received: rtts.length,
      loss: sent ? (sent - rtts.length) / sent : 0, time: ms(performance.now() - started),
      ...(sorted.length ? {
        min: ms(sorted[0]), avg: ms(sum / sorted.length), p50: ms(percentile(sorted, 0.5)),
        p99: ms(percentile(sorted, 0.99)), max: ms(sorted[sorted.length - 1]),
      } : {}),
      paths,
    };
    out.write(summary, () => [
      `--- ${host}:${peerPort} sctp-napi ping statistics ---`,
      `${sent} sent, ${rtts.length} received, ${Math.round(summary.loss * 100)}% loss, time ${Math.round(summary.time)} ms`,
      ...(sorted.length ? [`rtt min/avg/p50/p99/max = ${summary.min}/${summary.avg}/${summary.p50}/${summary.p99}/${summary.max} ms`] : []),
      ...paths.map((p) => `kernel: path ${p.address} ${p.state}, srtt ${p.srtt} ms, rto ${p.rto} ms, cwnd ${p.cwnd} B, mtu ${p.mtu}`),
    ].join('\n'));
    endGracefully(socket, assocId);
    return rtts.length === sent && sent === count ? EXIT.ok : EXIT.failed;
  } finally {
    signal.release();
    socket.close();
  }
}

module.exports = {
  summary: 'round-trip times to an echo peer (sctp-napi listen --echo), and the kernel\'s RTT of each path',
  usage: 'HOST PORT [--count N] [--size BYTES] [--interval MS]',
  details: 'Exits 1 if a reply did not come.',
  options,
  run,
};
