'use strict';
// What the commands share: exit codes, argument checks, and the output (human lines on a terminal
// or a pipe, NDJSON with --json; a progress line only where stderr is a terminal).
const dns = require('dns').promises;
const net = require('net');
const { once } = require('events');
const { ppidName } = require('./ppid');

// Exit codes, for scripts: documented in docs/cli.md.
const EXIT = { ok: 0, failed: 1, usage: 2, unsupported: 3 };

// A mistake in the command line: its message, then exit 2.
class UsageError extends Error {}

// A whole number min..max from an option's text, or a UsageError naming the option.
function int(text, name, min = 0, max = 0xffffffff) {
  const value = Number(text);
  if (!/^\d+$/.test(String(text)) || value < min || value > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return value;
}

// A port 1-65535 (0 too where `zero`).
const port = (text, name, zero = false) => int(text, name, zero ? 0 : 1, 65535);

// A message's bytes for a person: the text when it is printable UTF-8, else hex.
function printable(buf) {
  const text = buf.toString('utf8');
  // eslint-disable-next-line no-control-regex
  return !text.includes('\ufffd') && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text) ? text : null;
}

// The most of a message's data a record shows (its size is always the whole message's).
const SHOWN = 64 * 1024;

// The record `listen` (and `send`, for replies) prints of a message: what the kernel said of it,
// and its data as `text` when that is printable UTF-8 (and `hex` is not asked for), else as `hex`.
function messageRecord(msg, rinfo, hex = false) {
  const shown = msg.length > SHOWN ? msg.subarray(0, SHOWN) : msg;
  const text = hex ? null : printable(shown);
  return {
    type: 'message', time: new Date().toISOString(), address: rinfo.address, port: rinfo.port,
    assocId: rinfo.assocId, stream: rinfo.stream, ppid: rinfo.ppid, ppidName: ppidName(rinfo.ppid),
    unordered: rinfo.unordered, ssn: rinfo.ssn, tsn: rinfo.tsn, context: rinfo.context, size: msg.length,
    ...(text === null ? { hex: shown.toString('hex') } : { text }), ...(shown !== msg ? { truncated: true } : {}),
  };
}

// address:port, an IPv6 address in brackets.
const hostPort = (address, p) => `${address.includes(':') ? `[${address}]` : address}:${p}`;
const where = (r) => (r.address === undefined ? '' : `${hostPort(r.address, r.port)} `);

function messageText(r) {
  const ppid = r.ppidName ? `${r.ppid} (${r.ppidName})` : String(r.ppid);
  const flags = r.unordered ? ' unordered' : '';
  const data = r.text !== undefined ? JSON.stringify(r.text) : `hex ${r.hex}`;
  return `${where(r)}assoc ${r.assocId} stream ${r.stream} ppid ${ppid}${flags} ${r.size} B: ${data}${r.truncated ? ' ...' : ''}`;
}

// A host as given ('127.0.0.1', '::1', '[::1]', 'localhost') -> its numeric addresses, one family:
// names are looked up (dns.lookup, as net.connect does), brackets taken off. A name that does not
// resolve is a UsageError.
async function resolveHost(host, what) {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(bare)) return [bare];
  let found;
  try {
    found = await dns.lookup(bare, { all: true });
  } catch (e) {
    throw new UsageError(`${what} '${host}' is not an address, and looking it up failed (${e.code})`);
  }
  const family = found[0].family;
  return [...new Set(found.filter((a) => a.family === family).map((a) => a.address))];
}

// An event's record: { type: 'event', event, ...payload } (Buffers as hex).
function eventRecord(event, payload = {}) {
  const record = { type: 'event', time: new Date().toISOString(), event };
  for (const [key, value] of Object.entries(payload)) {
    record[key] = Buffer.isBuffer(value) ? value.toString('hex') : value;
  }
  return record;
}

// Fields not worth a word when 0 (no error; an ended association's stream counts).
const ZERO_UNSAID = new Set(['error', 'inStreams', 'outStreams']);

function eventText(r) {
  const { type, time, event, assocId, address, port: p, state, ...rest } = r; // eslint-disable-line no-unused-vars
  const fields = Object.entries(rest).filter(([k, v]) => v !== '' && v !== undefined && !(ZERO_UNSAID.has(k) && v === 0))
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  const head = [event, state, assocId === undefined ? '' : `assoc ${assocId}`, address === undefined ? '' : where(r).trim()];
  return `-- ${head.filter(Boolean).join(' ')}${fields.length ? `: ${fields.join(', ')}` : ''}`;
}

class Output {
  constructor({ json = false, stdout = process.stdout, stderr = process.stderr } = {}) {
    this.json = json;
    this.stdout = stdout;
    this.stderr = stderr;
    this.progressShown = false;
    this.full = false;
  }

  // One record: a JSON line with --json, else `text` (a string, or a function of the record).
  // `full` is then true while stdout holds more than it takes at once: room() waits for it.
  write(record, text) {
    this.clearProgress();
    const line = `${this.json ? JSON.stringify(record) : typeof text === 'function' ? text(record) : text}\n`;
    if (!this.stdout.write(line)) this.full = true;
  }

  // Resolves once stdout has taken what it holds (at once when it has): a reader slower than the
  // peers holds the reading back, not this process's memory.
  async room() {
    if (!this.full) return;
    await once(this.stdout, 'drain');
    this.full = false;
  }

  message(msg, rinfo, hex) {
    this.write(messageRecord(msg, rinfo, hex), messageText);
  }

  event(event, payload) {
    this.write(eventRecord(event, payload), eventText);
  }

  // A line for people, on stderr (never mixed into the data on stdout).
  note(text) {
    this.clearProgress();
    this.stderr.write(`${text}\n`);
  }

  // A progress line, redrawn in place: only where stderr is a terminal and the output is not JSON.
  progress(text) {
    if (this.json || !this.stderr.isTTY) return;
    this.stderr.write(`\r\x1b[K${text}`);
    this.progressShown = true;
  }

  clearProgress() {
    if (!this.progressShown) return;
    this.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }
}

// Resolves after ms, or at once when signal aborts.
const sleep = (ms, signal) => new Promise((resolve) => {
  if (signal && signal.aborted) return resolve();
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', done);
    resolve();
  }
  if (signal) signal.addEventListener('abort', done, { once: true });
});

// The socket type for a numeric address.
const typeOf = (address) => (address.includes(':') ? 'sctp6' : 'sctp4');

// An AbortSignal that aborts on SIGINT or SIGTERM: the command then finishes cleanly (its
// associations shut down). A second one exits at once (130, as a shell reports SIGINT).
function interrupted() {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  controller.signal.release = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  return controller.signal;
}

// What `promise` gives, or undefined as soon as `signal` aborts.
function unlessAborted(promise, signal) {
  if (signal.aborted) return Promise.resolve(undefined);
  let onAbort;
  const aborted = new Promise((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

// The one-to-many socket a client command talks through: the peer's address family, in order and
// fully reliable, with outbound streams enough for `stream`.
function clientSocket(addresses, stream = 0) {
  return require('../index').createSocket({
    type: typeOf(addresses[0]), initMsg: { outStreams: Math.max(10, stream + 1) }, defaults: { unordered: false, ttl: 0 },
  });
}

// An association to every address of the peer (sctp_connectx when there are several).
const connectTo = (socket, addresses, port, options) => socket.connect(port, addresses.length > 1 ? addresses : addresses[0], options);

// Whether the peer accepts fewer streams than `stream` needs; it says so then.
function beyondStreams(out, command, stream, outStreams) {
  if (stream < outStreams) return false;
  out.note(`sctp-napi ${command}: --stream ${stream}: the peer accepts ${outStreams} streams (0-${outStreams - 1})`);
  return true;
}

// SHUTDOWN of one association; false when it is already gone (the peer ended it first).
function endGracefully(socket, assocId) {
  try {
    socket.eof(assocId);
    return true;
  } catch {
    return false;
  }
}

// p in 0..1 of sorted numbers (nearest rank).
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

module.exports = {
  EXIT, UsageError, int, port, printable, messageRecord, messageText, eventRecord, eventText, Output, sleep, typeOf,
  interrupted, unlessAborted, percentile, endGracefully, resolveHost, hostPort, clientSocket, connectTo, beyondStreams,
};
