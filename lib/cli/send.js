'use strict';
// sctp-napi send HOST PORT [MESSAGE ...]: messages from the arguments, a file or stdin (a line
// each, or --raw: the whole input as one), on one association, with the stream, PPID, ordering and
// PR-SCTP policy given; reports every message the kernel could not deliver, then ends the
// association gracefully.
const fs = require('fs');
const readline = require('readline');
const { once } = require('events');
const sctp = require('../index');
const { parsePpid } = require('./ppid');
const { EXIT, UsageError, int, port, typeOf, sleep, interrupted, endGracefully } = require('./common');

const options = {
  stream: { type: 'string', short: 's', value: 'N', help: 'stream number', default: 0 },
  ppid: { type: 'string', value: 'NUM|NAME', help: "payload protocol identifier, a number or a name ('diameter', 'm3ua', 's1ap', 'ngap', ...)", default: 0 },
  unordered: { type: 'boolean', short: 'u', help: 'send unordered' },
  ttl: { type: 'string', value: 'MS', help: 'PR-SCTP: abandon a message not delivered within MS milliseconds' },
  rtx: { type: 'string', value: 'N', help: 'PR-SCTP: abandon a message after N retransmissions' },
  prio: { type: 'string', value: 'N', help: 'PR-SCTP: priority (0 highest); lower ones are dropped for it when the buffer is full' },
  context: { type: 'string', value: 'N', help: 'a number kept with each message, reported with its failure', default: 0 },
  count: { type: 'string', short: 'c', value: 'N', help: 'send the messages N times', default: 1 },
  rate: { type: 'string', short: 'r', value: 'N', help: 'at most N messages a second (0: as fast as the kernel takes them)', default: 0 },
  file: { type: 'string', short: 'f', value: 'PATH', help: 'read the messages from a file (default: the arguments, else stdin)' },
  raw: { type: 'boolean', help: 'the whole file or stdin is one message, not one per line' },
  timeout: { type: 'string', value: 'MS', help: 'give up connecting, or waiting for the peer to take everything, after MS', default: 30000 },
};

// The messages: an async iterable of Buffers.
async function* messages(values, texts) {
  if (texts.length) {
    yield* texts.map((t) => Buffer.from(t));
    return;
  }
  const input = values.file ? fs.createReadStream(values.file) : process.stdin;
  if (values.raw) {
    const chunks = [];
    for await (const chunk of input) chunks.push(chunk);
    const whole = Buffer.concat(chunks);
    if (whole.length) yield whole;
    return;
  }
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line.length) yield Buffer.from(line); // an SCTP message carries at least one byte
  }
}

function sendOptions(values) {
  const ppid = parsePpid(values.ppid);
  if (ppid === null) throw new UsageError(`--ppid must be a number 0-4294967295 or a known name, not '${values.ppid}'`);
  const policies = ['ttl', 'rtx', 'prio'].filter((p) => values[p] !== undefined);
  if (policies.length > 1) throw new UsageError(`give one PR-SCTP policy, not --${policies.join(' and --')}`);
  const o = {
    stream: int(values.stream, '--stream', 0, 65535), ppid, unordered: Boolean(values.unordered), ttl: 0,
    context: int(values.context, '--context'),
  };
  if (values.ttl !== undefined) o.ttl = int(values.ttl, '--ttl');
  if (values.rtx !== undefined) o.rtx = int(values.rtx, '--rtx');
  if (values.prio !== undefined) o.prio = int(values.prio, '--prio');
  if (policies.length && policies[0] !== 'ttl') delete o.ttl;
  return o;
}

async function run(values, positionals, out) {
  const [host, portText, ...texts] = positionals;
  if (portText === undefined) throw new UsageError('give HOST and PORT');
  const peer = { host, port: port(portText, 'PORT') };
  const o = sendOptions(values);
  const count = int(values.count, '--count', 1);
  const rate = int(values.rate, '--rate');
  const timeout = int(values.timeout, '--timeout', 1, 2 ** 31 - 1);
  if (texts.length && values.file) throw new UsageError('give the messages as arguments or --file, not both');
  const type = typeOf(host);
  const signal = interrupted();
  const socket = sctp.createSocket({ type, initMsg: { outStreams: Math.max(10, o.stream + 1) }, defaults: { unordered: false, ttl: 0 } });
  const tally = { sent: 0, bytes: 0, failed: 0, abandoned: 0, replies: 0 };
  socket.on('message', (msg, rinfo) => { tally.replies++; out.message(msg, rinfo); });
  socket.on('sendfailed', (e) => { tally.failed++; out.event('sendfailed', e); });
  let ended = null; // the association's end, once it came (the peer may end it once it has everything)
  socket.on('association', (e) => {
    if (e.state === 'up') return;
    out.event('association', e);
    if (e.state !== 'restart') ended = e;
  });
  socket.on('error', (err) => out.event('error', { code: err.code, message: err.message }));
  try {
    const { assocId, outStreams } = await socket.connect(peer.port, host, { timeout, signal });
    if (o.stream >= outStreams) throw new UsageError(`--stream ${o.stream}: the peer accepts ${outStreams} streams (0-${outStreams - 1})`);
    out.write({ type: 'connected', assocId, address: host, port: peer.port, outStreams },
      `connected to ${host}:${peer.port}, association ${assocId}, ${outStreams} outbound streams`);
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    let pending = 0;
    let settled = () => {};
    let seq = 0;
    const sendOne = async (buf) => {
      if (rate) await sleep(seq / rate * 1000 - elapsed() * 1000, signal);
      const n = ++seq;
      pending++;
      const ok = socket.send(buf, { assocId, ...o }, (err) => {
        pending--;
        if (err) {
          tally.failed++;
          out.event('error', { seq: n, code: err.code, message: err.message });
        } else {
          tally.sent++;
          tally.bytes += buf.length;
          if (out.json) out.write({ type: 'sent', seq: n, size: buf.length, stream: o.stream, ppid: o.ppid });
        }
        out.progress(`sent ${tally.sent}${count > 1 ? ` of ${total}` : ''} (${Math.round(tally.sent / elapsed())} msg/s)`);
        settled();
      });
      if (!ok) await once(socket, 'drain');
    };
    let total = '?';
    if (count === 1) {
      for await (const buf of messages(values, texts)) {
        if (signal.aborted) break;
        await sendOne(buf);
      }
    } else {
      const list = [];
      for await (const buf of messages(values, texts)) list.push(buf);
      total = list.length * count;
      for (let i = 0; i < count && !signal.aborted; i++) {
        for (const buf of list) await sendOne(buf);
      }
    }
    while (pending) await new Promise((resolve) => { settled = resolve; });
    const until = Date.now() + timeout; // until everything is acknowledged or abandoned
    while (!ended && !signal.aborted && Date.now() < until) {
      let status;
      try { status = socket.status(assocId); } catch { break; } // it is gone, its 'association' event on the way
      if (status.abandoned) tally.abandoned = status.abandoned.sent + status.abandoned.unsent;
      if (status.unackData === 0 && status.pendingData === 0) break;
      await sleep(20, signal);
    }
    // The SHUTDOWN's event comes behind every notification before it: the sendfailed ones are in then.
    if (!ended) await closed(socket, assocId, timeout);
    const seconds = elapsed();
    out.write({ type: 'summary', ...tally, seconds, rate: tally.sent / seconds, assocId, address: host, port: peer.port },
      `sent ${tally.sent} message${tally.sent === 1 ? '' : 's'} (${tally.bytes} B) in ${seconds.toFixed(3)} s (${Math.round(tally.sent / seconds)} msg/s); ` +
      `${tally.failed} failed, ${tally.abandoned} abandoned (PR-SCTP), ${tally.replies} replies`);
    return tally.failed || tally.abandoned ? EXIT.failed : EXIT.ok;
  } finally {
    signal.release();
    socket.close();
  }
}

// A graceful SHUTDOWN of the association; resolves once it is done (or lost), or after timeout ms.
async function closed(socket, assocId, timeout) {
  let timer;
  const ended = new Promise((resolve) => {
    timer = setTimeout(resolve, timeout);
    socket.on('association', (e) => {
      if (e.assocId === assocId && e.state !== 'up' && e.state !== 'restart') resolve();
    });
  });
  if (endGracefully(socket, assocId)) await ended;
  clearTimeout(timer);
}

module.exports = {
  summary: 'send messages to a peer, with stream, PPID, ordering and PR-SCTP policy; report what failed',
  usage: 'HOST PORT [MESSAGE ...] [--stream N] [--ppid NUM|NAME] [--unordered] [--ttl MS|--rtx N|--prio N] [--count N] [--rate N]',
  details: 'Messages: the arguments, else --file, else stdin; one per line (empty lines skipped), or --raw: the whole input as one.\n' +
    'Exits 1 if a message failed or was abandoned.',
  options,
  run,
};
