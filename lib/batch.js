'use strict';
// Sending several messages with one native call and one system call (sendmmsg), for both socket
// kinds: a one-to-many socket's queue after cork()/uncork() or EAGAIN, a one-to-one socket's
// _writev(); and a single send, in the same field layout.

const { FIELDS, NO_HOST, putFields } = require('./send-fields');

const MAX_BATCH = 64; // messages per sendmmsg: the native side's limit
// sendBatch(data, hosts, fields, count): message i is data[i] and row i of fields (lib/send-fields.js),
// its host an index into hosts (each address there once per run of messages to it) or NO_HOST. A
// single send(data, host, fields) takes row 0. Reused: JS runs one send at a time.
const data = new Array(MAX_BATCH);
const hosts = [];
const fields = new Uint32Array(MAX_BATCH * FIELDS);

// One message, { data, address, port, info } (address null: info.assocId, or the one association
// of a one-to-one socket, says where), or with flags (SCTP_EOF, SCTP_ABORT) none -> bytes | -errno.
function sendOne(handle, { data, address, port, info }, flags = 0) {
  putFields(fields, 0, info, port, NO_HOST, flags);
  return handle.send(data, address, fields);
}

// messages[from], messages[from + 1], ... (at most `max`, 64) -> how many the kernel took, in order
// and each whole, or -errno when it took none (the first one's error, EAGAIN included).
function sendBatch(handle, messages, from = 0, max = MAX_BATCH) {
  const count = Math.min(messages.length - from, max, MAX_BATCH);
  if (count === 1) {
    const r = sendOne(handle, messages[from]);
    return r < 0 ? r : 1;
  }
  try {
    for (let i = 0; i < count; i++) {
      const message = messages[from + i];
      const { address, port, info } = message;
      data[i] = message.data;
      if (typeof address === 'string' && address !== hosts[hosts.length - 1]) hosts.push(address);
      putFields(fields, i, info, port, typeof address === 'string' ? hosts.length - 1 : NO_HOST);
    }
    return handle.sendBatch(data, hosts, fields, count);
  } finally {
    data.fill(undefined, 0, count); // keeps no message alive, even after a throw
    hosts.length = 0;
  }
}

// Messages waiting to be sent, first in first out, and their bytes. Taking from the front moves an
// index (the array is compacted now and then), so a queue of a million messages drains in linear
// time; Array#shift() or #splice() at the front would copy what is left each time.
class Fifo {
  #items = [];
  #head = 0;
  bytes = 0;

  get length() { return this.#items.length - this.#head; }

  push(message) {
    this.#items.push(message);
    this.bytes += message.data.length;
  }

  // sendBatch() on the first messages.
  send(handle, max) { return sendBatch(handle, this.#items, this.#head, max); }

  // Removes the first n and returns them.
  take(n) {
    const taken = this.#items.slice(this.#head, this.#head + n);
    this.#head += taken.length;
    for (const { data } of taken) this.bytes -= data.length;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  // Empties it; returns what it held.
  clear() {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.bytes = 0;
    return rest;
  }
}

// Where a message goes, as its sender named it: the association, or the peer's address and port
// (also when it is sent on the association that address has: `named`, lib/socket.js #holdUntilUp,
// so it keeps its place behind the messages to that address already waiting).
const destination = ({ address, port, info, named }) => (named ? `${named.address} ${named.port}`
  : address ? `${address} ${port}` : `#${info.assocId}`);

// A one-to-many socket's queue: messages to send in order (after cork(), or while sending), and per
// destination the messages to a peer whose send buffer was full (EAGAIN; with net.sctp.sndbuf_policy=1
// Linux accounts it per association, and other peers may still take theirs): they wait, in order,
// without holding up messages to the others.
class SendQueue {
  #ready = new Fifo();
  #waiting = new Map(); // destination -> Fifo, in the order they filled up
  length = 0;
  bytes = 0;

  // How many destinations wait for room.
  get waiting() { return this.#waiting.size; }

  // Whether a message could go now: nothing queued before it, its destination not full.
  isClear(message) { // (no key is built for a send when nothing waits: the common case)
    return this.#ready.length === 0 && (this.#waiting.size === 0 || !this.#waiting.has(destination(message)));
  }

  // A message goes last, or after the others to its destination if that one waits for room.
  push(message) {
    (this.#waiting.get(destination(message)) || this.#ready).push(message);
    this.length++;
    this.bytes += message.data.length;
  }

  // The first ready message's destination is full (EAGAIN): it and every ready message to that
  // destination wait, in order, behind any already waiting for it.
  stall() {
    const rest = this.#ready.clear();
    const key = destination(rest[0]);
    let fifo = this.#waiting.get(key);
    if (!fifo) this.#waiting.set(key, fifo = new Fifo());
    for (const message of rest) (destination(message) === key ? fifo : this.#ready).push(message);
  }

  // [destination, queue] to send from: each waiting destination's, then the ready messages' (null).
  queues() { return [...this.#waiting, [null, this.#ready]]; }

  // sendBatch() on the first messages of one of queues().
  send(handle, fifo, max) { return fifo.send(handle, max); }

  // Removes the first n of one of queues() and returns them; a destination with none left is clear.
  take(key, fifo, n) {
    const taken = fifo.take(n);
    this.length -= taken.length;
    for (const { data } of taken) this.bytes -= data.length;
    if (key !== null && fifo.length === 0) this.#waiting.delete(key);
    return taken;
  }

  // Empties it; returns what it held (the ready messages first).
  clear() {
    let rest = this.#ready.clear();
    for (const fifo of this.#waiting.values()) rest = rest.concat(fifo.clear());
    this.#waiting.clear();
    this.length = 0;
    this.bytes = 0;
    return rest;
  }
}

module.exports = { sendOne, sendBatch, SendQueue };
