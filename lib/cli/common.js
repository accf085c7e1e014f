'use strict';
// What the commands share: exit codes, argument checks, and the output (human lines on a terminal
// or a pipe, NDJSON with --json; a progress line only where stderr is a terminal).
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

// The record `listen` (and `send`, for replies) prints of a message: what the kernel said of it.
function messageRecord(msg, rinfo) {
  const text = printable(msg);
  return {
    type: 'message', time: new Date().toISOString(), address: rinfo.address, port: rinfo.port,
    assocId: rinfo.assocId, stream: rinfo.stream, ppid: rinfo.ppid, ppidName: ppidName(rinfo.ppid),
    unordered: rinfo.unordered, ssn: rinfo.ssn, tsn: rinfo.tsn, context: rinfo.context, size: msg.length,
    ...(text === null ? {} : { text }), hex: msg.toString('hex'),
  };
}

const where = (r) => (r.address === undefined ? '' : `${r.address.includes(':') ? `[${r.address}]` : r.address}:${r.port} `);

function messageText(r, hex = false) {
  const ppid = r.ppidName ? `${r.ppid} (${r.ppidName})` : String(r.ppid);
  const flags = r.unordered ? ' unordered' : '';
  const data = !hex && r.text !== undefined ? JSON.stringify(r.text) : `hex ${r.hex}`;
  return `${where(r)}assoc ${r.assocId} stream ${r.stream} ppid ${ppid}${flags} ${r.size} B: ${data}`;
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
  }

  // One record: a JSON line with --json, else `text` (a string, or a function of the record).
  write(record, text) {
    this.clearProgress();
    this.stdout.write(`${this.json ? JSON.stringify(record) : typeof text === 'function' ? text(record) : text}\n`);
  }

  message(msg, rinfo, hex) {
    this.write(messageRecord(msg, rinfo), (r) => messageText(r, hex));
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

// An AbortSignal that aborts on SIGINT or SIGTERM (the commands then finish cleanly).
function interrupted() {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  controller.signal.release = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  return controller.signal;
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
  interrupted, percentile, endGracefully,
};
