'use strict';
// sctp-napi send HOST PORT [MESSAGE ...]: messages from the arguments, a file or stdin (a line
// each, or --raw: the whole input as one), on one association, with the stream, PPID, ordering and
// PR-SCTP policy given; reports every message the kernel could not deliver, then ends the
// association gracefully.
const fs = require('fs');
const readline = require('readline');
const { once } = require('events');
const { parsePpid } = require('./ppid');
const {
  EXIT, UsageError, int, port, sleep, interrupted, unlessAborted, endGracefully, resolveHost, hostPort, clientSocket, connectTo, beyondStreams,
} = require('./common');

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

// The messages: an async iterable of Buffers. `opened` gets the stream they are read from, for
// run() to close (stdin left open would keep the process alive after an interrupt).
async function* messages(values, texts, opened) {
  if (texts.length) {
    yield* texts.map((t) => Buffer.from(t));
    return;
  }
  const input = values.file ? fs.createReadStream(values.file) : process.stdin;
  opened.push(input);
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
  const peerPort = port(portText, 'PORT');
  const o = sendOptions(values);
  const count = int(values.count, '--count', 1);
  const rate = int(values.rate, '--rate');
  const timeout = int(values.timeout, '--timeout', 1, 2 ** 31 - 1);
  if (texts.length && values.file) throw new UsageError('give the messages as arguments or --file, not both');
  const addresses = await resolveHost(host, 'HOST');
  const signal = interrupted();
  const socket = clientSocket(addresses, o.stream);
  const opened = [];
  const tally = { sent: 0, bytes: 0, failed: 0, unsent: 0, abandoned: 0, unacknowledged: 0, replies: 0 };
  socket.on('message', (msg, rinfo) => { tally.replies++; out.message(msg, rinfo); });
  socket.on('sendfailed', (e) => { tally.failed++; out.event('sendfailed', e); });
  let ended = null; // the association's end, once it came (the peer may end it once it has everything)
  let onEnd;
  const ending = new Promise((resolve) => { onEnd = resolve; });
  socket.on('association', (e) => {
    if (e.state === 'up') return;
    out.event('association', e);
    if (e.state !== 'restart') {
      ended = e;
      onEnd();
    }
  });
  socket.on('error', (err) => out.event('error', { code: err.code, message: err.message }));
  try {
    const { assocId, outStreams } = await connectTo(socket, addresses, peerPort, { timeout, signal });
    out.write({ type: 'connected', assocId, address: addresses[0], port: peerPort, outStreams },
      `connected to ${hostPort(addresses[0], peerPort)}, association ${assocId}, ${outStreams} outbound streams`);
    if (beyondStreams(out, 'send', o.stream, outStreams)) return EXIT.failed;
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    let pending = 0;
    const failures = {}; // code -> how many sends failed with it
    let settled = () => {};
    let seq = 0;
    let total = '?';
    const sendOne = async (buf) => {
      const wait = rate ? seq / rate * 1000 - elapsed() * 1000 : 0;
      if (wait > 0) await sleep(wait, signal);
      const n = ++seq;
      pending++;
      const ok = socket.send(buf, { assocId, ...o }, (err) => {
        pending--;
        if (err) {
          tally.failed++;
          // The first of each kind is shown; the rest (every message still queued when an
          // association ends fails the same way) counted, and said once at the end.
          failures[err.code] = (failures[err.code] || 0) + 1;
          if (failures[err.code] === 1) out.event('error', { seq: n, code: err.code, message: err.message });
        } else {
          tally.sent++;
          tally.bytes += buf.length;
          if (out.json) out.write({ type: 'sent', seq: n, size: buf.length, stream: o.stream, ppid: o.ppid });
        }
        out.progress(`sent ${tally.sent}${count > 1 ? ` of ${total}` : ''} (${Math.round(tally.sent / elapsed())} msg/s)`);
        settled();
      });
      if (!ok) await unlessAborted(Promise.race([once(socket, 'drain'), ending]), signal);
      await unlessAborted(out.room(), signal); // stdout (--json) keeps up, or the sending waits
    };
    // Sends from `source` until it ends, the association ends, or an interrupt; returns how many it did not send.
    const sendAll = async (source) => {
      const it = source[Symbol.asyncIterator]();
      for (;;) {
        if (ended || signal.aborted) return true;
        const next = await unlessAborted(it.next(), signal);
        if (!next || next.done) return !next;
        await sendOne(next.value);
      }
    };
    let cut = false;
    if (count === 1) {
      cut = await sendAll(messages(values, texts, opened));
    } else {
      const list = []; // the whole set first, to send it --count times (stdin: until its end)
      const it = messages(values, texts, opened)[Symbol.asyncIterator]();
      for (let next; (next = await unlessAborted(it.next(), signal)) && !next.done;) list.push(next.value);
      total = list.length * count;
      async function* repeated() {
        for (let i = 0; i < count; i++) yield* list;
      }
      cut = await sendAll(repeated());
    }
    if (cut && total !== '?') tally.unsent = total - seq;
    // Everything handed over: wait for each send's callback, then for the peer to acknowledge all.
    const until = Date.now() + timeout;
    while (pending && !signal.aborted && Date.now() < until) {
      await unlessAborted(new Promise((resolve) => { settled = resolve; setTimeout(resolve, 100); }), signal);
    }
    while (!ended && !signal.aborted) {
      let status;
      try {
        status = socket.status(assocId);
      } catch { // it is gone: its 'association' event is on the way
        await unlessAborted(Promise.race([ending, sleep(2000)]), signal);
        break;
      }
      if (status.abandoned) tally.abandoned = status.abandoned.sent + status.abandoned.unsent;
      tally.unacknowledged = status.unackData + status.pendingData;
      if (tally.unacknowledged === 0 || Date.now() >= until) break;
      await sleep(20, signal);
    }
    // A SHUTDOWN the peer began completes only once all that was sent is acknowledged (RFC 9260 9.2).
    if (ended && ended.state === 'shutdown') tally.unacknowledged = 0;
    for (const [code, n] of Object.entries(failures).filter(([, x]) => x > 1)) {
      out.event('error', { code, count: n - 1, message: `${n - 1} more message${n === 2 ? '' : 's'} failed with ${code}` });
    }
    // The SHUTDOWN's event comes behind every notification before it: the sendfailed ones are in then.
    const shut = ended || signal.aborted ? true : await closed(socket, assocId, Math.max(1000, until - Date.now()));
    const seconds = elapsed();
    const whole = !cut && pending === 0 && tally.unacknowledged === 0 && shut && !signal.aborted;
    out.write({ type: 'summary', ...tally, complete: whole, seconds, rate: tally.sent / seconds, assocId, address: addresses[0], port: peerPort },
      `sent ${tally.sent} message${tally.sent === 1 ? '' : 's'} (${tally.bytes} B) in ${seconds.toFixed(3)} s (${Math.round(tally.sent / seconds)} msg/s); ` +
      `${tally.failed} failed, ${tally.abandoned} abandoned (PR-SCTP), ${tally.replies} replies` +
      `${tally.unsent ? `; ${tally.unsent} not sent (the association ended)` : ''}` +
      `${tally.unacknowledged ? `; ${tally.unacknowledged} chunks the peer had not acknowledged after --timeout ${timeout} ms` : ''}` +
      `${signal.aborted ? '; interrupted' : ''}`);
    return whole && !tally.failed && !tally.abandoned ? EXIT.ok : EXIT.failed;
  } finally {
    signal.release();
    socket.close();
    for (const input of opened) input.destroy();
  }
}

// A graceful SHUTDOWN of the association; resolves once it is done (or lost), or after timeout ms.
// A graceful SHUTDOWN of the association; resolves true once it is done (or lost), false when it
// did not end within timeout ms.
async function closed(socket, assocId, timeout) {
  let timer;
  const ended = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), timeout);
    socket.on('association', (e) => {
      if (e.assocId === assocId && e.state !== 'up' && e.state !== 'restart') resolve(true);
    });
  });
  const result = endGracefully(socket, assocId) ? await ended : true;
  clearTimeout(timer);
  return result;
}

module.exports = {
  summary: 'send messages to a peer, with stream, PPID, ordering and PR-SCTP policy; report what failed',
  usage: 'HOST PORT [MESSAGE ...] [--stream N] [--ppid NUM|NAME] [--unordered] [--ttl MS|--rtx N|--prio N] [--count N] [--rate N]',
  details: 'Messages: the arguments, else --file, else stdin; one per line (empty lines skipped), or --raw: the whole input as one.\n' +
    'Exits 1 if a message failed or was abandoned.',
  options,
  run,
};
