'use strict';
// sctp-napi ping HOST PORT: timed messages to an echo peer (sctp-napi listen --echo, or any that
// sends each message back), RTT min/avg/p50/p99/max as ping prints them, and the kernel's own view
// of each path of the association (smoothed RTT, RTO, cwnd, state) at the end.
const { performance } = require('perf_hooks');
const { parsePpid } = require('./ppid');
const {
  EXIT, UsageError, int, port, sleep, interrupted, unlessAborted, percentile, endGracefully, resolveHost, hostPort, clientSocket, connectTo, beyondStreams,
} = require('./common');

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
  const addresses = await resolveHost(host, 'HOST');
  const signal = interrupted();
  const socket = clientSocket(addresses, stream);
  let waiting = null; // { seq, resolve }
  socket.on('message', (msg) => {
    if (waiting && seqOf(msg) === waiting.seq) waiting.resolve(performance.now());
  });
  let ended = null;
  socket.on('association', (e) => {
    if (e.state === 'up') return;
    out.event('association', e);
    if (e.state !== 'restart') {
      ended = e;
      if (waiting) waiting.resolve(null); // no reply is coming
    }
  });
  const rtts = [];
  let sent = 0;
  const started = performance.now();
  const where = hostPort(addresses[0], peerPort);
  try {
    const { assocId, outStreams } = await connectTo(socket, addresses, peerPort, { timeout, signal });
    out.write({ type: 'connected', assocId, address: addresses[0], port: peerPort },
      `PING ${where} (association ${assocId}): ${size} bytes, stream ${stream}, ppid ${ppid}`);
    if (beyondStreams(out, 'ping', stream, outStreams)) return EXIT.failed;
    for (let seq = 1; seq <= count && !signal.aborted && !ended; seq++) {
      const t0 = performance.now();
      const reply = new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeout);
        waiting = { seq, resolve: (t) => { clearTimeout(timer); resolve(t); } };
      });
      socket.send(payload(seq, size), { assocId, stream, ppid }, (err) => {
        if (err && waiting && waiting.seq === seq) {
          out.event('error', { seq, code: err.code, message: err.message });
          waiting.resolve(null);
        }
      });
      sent++;
      const t1 = await unlessAborted(reply, signal);
      waiting = null;
      if (t1 === undefined) break; // interrupted
      if (t1 === null) {
        if (!values.quiet && !ended) out.write({ type: 'timeout', seq }, `seq=${seq}: no reply within ${timeout} ms`);
      } else {
        const rtt = t1 - t0;
        rtts.push(rtt);
        if (!values.quiet) out.write({ type: 'reply', seq, size, time: ms(rtt) }, `${size} bytes from ${where}: seq=${seq} time=${ms(rtt)} ms`);
      }
      out.progress(`ping ${seq}/${count}: ${rtts.length} replies`);
      if (seq < count) await sleep(Math.max(0, interval - (performance.now() - t0)), signal);
    }
    let paths = [];
    try { paths = socket.paths(assocId); } catch { /* the association is gone: no path left to show */ }
    out.write(summary(where, sent, rtts, performance.now() - started, paths), summaryText);
    endGracefully(socket, assocId);
    return rtts.length === sent && sent === count ? EXIT.ok : EXIT.failed;
  } finally {
    signal.release();
    socket.close();
  }
}

// ping's statistics: { type: 'summary', sent, received, loss, time, min, avg, p50, p99, max, paths }.
function summary(where, sent, rtts, time, paths) {
  const sorted = [...rtts].sort((a, b) => a - b);
  return {
    type: 'summary', peer: where, sent, received: rtts.length, loss: sent ? (sent - rtts.length) / sent : 0, time: ms(time),
    ...(sorted.length ? {
      min: ms(sorted[0]), avg: ms(sorted.reduce((a, b) => a + b, 0) / sorted.length), p50: ms(percentile(sorted, 0.5)),
      p99: ms(percentile(sorted, 0.99)), max: ms(sorted[sorted.length - 1]),
    } : {}),
    paths,
  };
}

const summaryText = (s) => [
  `--- ${s.peer} sctp-napi ping statistics ---`,
  `${s.sent} sent, ${s.received} received, ${Math.round(s.loss * 100)}% loss, time ${Math.round(s.time)} ms`,
  ...(s.received ? [`rtt min/avg/p50/p99/max = ${s.min}/${s.avg}/${s.p50}/${s.p99}/${s.max} ms`] : []),
  ...s.paths.map((p) => `kernel: path ${p.address} ${p.state}, srtt ${p.srtt} ms, rto ${p.rto} ms, cwnd ${p.cwnd} B, mtu ${p.mtu}`),
].join('\n');

module.exports = {
  summary: 'round-trip times to an echo peer (sctp-napi listen --echo), and the kernel\'s RTT of each path',
  usage: 'HOST PORT [--count N] [--size BYTES] [--interval MS]',
  details: 'Exits 1 if a reply did not come.',
  options,
  run,
};
